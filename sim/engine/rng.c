/*
 * rng.c — xoshiro256** as a GSL generator type, the stream-seed hash, and
 * the name -> generator table of a stream set.
 *
 * The table is open addressing with linear probing on the name's FNV-1a
 * hash, kept at most half full, so a lookup is one or two probes.  Each
 * generator is a separate allocation, so the pointers handed out stay put
 * when the table grows.
 */
#include "sim/engine/rng.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Golden-ratio increment of SplitMix64 (Steele, Lea & Flood 2014). */
#define GOLDEN_GAMMA 0x9e3779b97f4a7c15ULL
#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL
#define TABLE_MIN 16

/* ---- xoshiro256** ----------------------------------------------------- */

typedef struct xoshiro_state {
    uint64_t s[4];
} xoshiro_state_t;

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* One step of the reference algorithm (xoshiro256starstar.c, 2018). */
static inline uint64_t xoshiro_next(xoshiro_state_t *st)
{
    uint64_t *s = st->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;

    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* Fill the state with four SplitMix64 outputs from seed.  They are the
 * images of four distinct words under a bijection, so at most one is 0 and
 * the all-zero state (a fixed point) cannot occur. */
static void xoshiro_seed(xoshiro_state_t *st, uint64_t seed)
{
    int i;

    for (i = 0; i < 4; i++) {
        seed += GOLDEN_GAMMA;
        st->s[i] = sim_rng_mix64(seed);
    }
}

static void xoshiro_set(void *state, unsigned long int seed)
{
    xoshiro_seed(state, (uint64_t)seed);
}

static unsigned long int xoshiro_get(void *state)
{
    return (unsigned long int)(xoshiro_next(state) >> 32);
}

static double xoshiro_get_double(void *state)
{
    return (double)(xoshiro_next(state) >> 11) * 0x1.0p-53;
}

static const gsl_rng_type xoshiro_type = {
    "gpusim-xoshiro256**",
    0xffffffffUL,
    0,
    sizeof(xoshiro_state_t),
    xoshiro_set,
    xoshiro_get,
    xoshiro_get_double,
};

const gsl_rng_type *sim_rng_xoshiro256ss = &xoshiro_type;

/* ---- hashing -------------------------------------------------------- */

uint64_t sim_rng_mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint64_t sim_rng_fnv1a64(const char *s)
{
    uint64_t h = FNV_OFFSET;

    assert(s != NULL);
    for (; *s != '\0'; s++) {
        h ^= (unsigned char)*s;
        h *= FNV_PRIME;
    }
    return h;
}

uint64_t sim_rng_hash(uint64_t seed, const char *name)
{
    uint64_t z = sim_rng_mix64(seed ^ sim_rng_mix64(sim_rng_fnv1a64(name)));

    return z != 0 ? z : GOLDEN_GAMMA;
}

gsl_rng *sim_rng_alloc(uint64_t seed)
{
    gsl_rng *r = gsl_rng_alloc(sim_rng_xoshiro256ss);

    if (r == NULL)
        return NULL;
    /* Seed the state directly rather than through gsl_rng_set, whose seed
     * is an unsigned long (32 bits on some ABIs). */
    xoshiro_seed(r->state, seed);
    return r;
}

/* ---- the stream set ------------------------------------------------- */

typedef struct entry {
    uint64_t h;         /* fnv1a64(name) */
    char *name;         /* NULL: empty bucket */
    gsl_rng *rng;
} entry_t;

struct sim_rng_set {
    uint64_t seed;
    entry_t *tab;
    size_t cap;         /* power of two */
    size_t count;
};

sim_rng_set_t *sim_rng_set_new(uint64_t seed)
{
    sim_rng_set_t *set = calloc(1, sizeof *set);

    if (set == NULL)
        goto fail;
    set->seed = seed;
    set->cap = TABLE_MIN;
    set->tab = calloc(set->cap, sizeof *set->tab);
    if (set->tab == NULL)
        goto fail;
    return set;

fail:
    sim_rng_set_free(set);
    return NULL;
}

void sim_rng_set_free(sim_rng_set_t *set)
{
    size_t i;

    if (set == NULL)
        return;
    for (i = 0; set->tab != NULL && i < set->cap; i++) {
        free(set->tab[i].name);
        gsl_rng_free(set->tab[i].rng); /* gsl_rng_free(NULL) is a no-op */
    }
    free(set->tab);
    free(set);
}

uint64_t sim_rng_set_seed(const sim_rng_set_t *set)
{
    assert(set != NULL);
    return set->seed;
}

size_t sim_rng_set_count(const sim_rng_set_t *set)
{
    assert(set != NULL);
    return set->count;
}

/* Index of name's bucket: the one holding it, or the empty one where it
 * belongs.  The table is never full, so the probe ends. */
static size_t probe(const entry_t *tab, size_t cap, uint64_t h,
                    const char *name)
{
    size_t i = (size_t)h & (cap - 1);

    while (tab[i].name != NULL &&
           (tab[i].h != h || strcmp(tab[i].name, name) != 0))
        i = (i + 1) & (cap - 1);
    return i;
}

static int grow(sim_rng_set_t *set)
{
    size_t new_cap = set->cap * 2, i;
    entry_t *tab = calloc(new_cap, sizeof *tab);

    if (tab == NULL)
        return -1;
    for (i = 0; i < set->cap; i++) {
        const entry_t *e = &set->tab[i];
        if (e->name != NULL)
            tab[probe(tab, new_cap, e->h, e->name)] = *e;
    }
    free(set->tab);
    set->tab = tab;
    set->cap = new_cap;
    return 0;
}

gsl_rng *sim_rng_stream(sim_rng_set_t *set, const char *name)
{
    uint64_t h;
    size_t i, len;
    char *copy = NULL;
    gsl_rng *r = NULL;

    assert(set != NULL && name != NULL);
    h = sim_rng_fnv1a64(name);
    i = probe(set->tab, set->cap, h, name);
    if (set->tab[i].name != NULL)
        return set->tab[i].rng;

    if (2 * (set->count + 1) > set->cap) {
        if (grow(set) != 0)
            goto fail;
        i = probe(set->tab, set->cap, h, name);
    }
    len = strlen(name) + 1;
    copy = malloc(len);
    if (copy == NULL)
        goto fail;
    memcpy(copy, name, len);
    r = sim_rng_alloc(sim_rng_hash(set->seed, name));
    if (r == NULL)
        goto fail;
    set->tab[i].h = h;
    set->tab[i].name = copy;
    set->tab[i].rng = r;
    set->count++;
    return r;

fail:
    free(copy);
    gsl_rng_free(r);
    return NULL;
}

gsl_rng *sim_rng_stream_indexed(sim_rng_set_t *set, const char *name,
                                uint64_t index)
{
    char local[128];
    char *buf = local;
    size_t need;
    gsl_rng *r;

    assert(set != NULL && name != NULL);
    /* "#" + up to 20 decimal digits + NUL */
    need = strlen(name) + 22;
    if (need > sizeof local) {
        buf = malloc(need);
        if (buf == NULL)
            return NULL;
    }
    snprintf(buf, need, "%s#%" PRIu64, name, index);
    r = sim_rng_stream(set, buf);
    if (buf != local)
        free(buf);
    return r;
}
