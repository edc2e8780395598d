/*
 * prefix.c — prefix-cache index (see prefix.h): open addressing with
 * linear probing over (hash, stamp) slots; stamp 0 marks an empty slot.
 * Invariant: used <= size / 2, so probes stay short and always end.
 */
#include "sim/serve/prefix.h"

#include <stdlib.h>

#include "sim/engine/rng.h"

typedef struct slot {
    uint32_t key;
    uint64_t stamp; /* 0: empty */
} slot_t;

struct sim_serve_prefix {
    slot_t *t;
    size_t size, used; /* size: power of two */
    uint64_t clock, capacity;
};

static size_t home(uint32_t key, size_t size)
{
    return (size_t)(sim_rng_mix64((uint64_t)key + 1) & (size - 1));
}

static int live(const sim_serve_prefix_t *p, uint64_t stamp)
{
    return stamp != 0 && stamp + p->capacity > p->clock;
}

sim_serve_prefix_t *sim_serve_prefix_new(uint64_t capacity)
{
    sim_serve_prefix_t *p = calloc(1, sizeof *p);
    if (p == NULL)
        return NULL;
    p->size = 64;
    p->t = calloc(p->size, sizeof *p->t);
    if (p->t == NULL) {
        free(p);
        return NULL;
    }
    p->capacity = capacity > 0 ? capacity : 1;
    return p;
}

void sim_serve_prefix_free(sim_serve_prefix_t *p)
{
    if (p == NULL)
        return;
    free(p->t);
    free(p);
}

static slot_t *find(const sim_serve_prefix_t *p, uint32_t key)
{
    size_t i = home(key, p->size);
    while (p->t[i].stamp != 0) {
        if (p->t[i].key == key)
            return &p->t[i];
        i = (i + 1) & (p->size - 1);
    }
    return NULL;
}

size_t sim_serve_prefix_match(const sim_serve_prefix_t *p, const uint32_t *h,
                              size_t n)
{
    size_t k = 0;
    while (k < n) {
        const slot_t *s = find(p, h[k]);
        if (s == NULL || !live(p, s->stamp))
            break;
        k++;
    }
    return k;
}

/* Rebuild into a table sized for the live entries, dropping stale ones. */
static sim_err_t rebuild(sim_serve_prefix_t *p)
{
    size_t n_live = 0, size = 64;
    for (size_t i = 0; i < p->size; i++)
        n_live += live(p, p->t[i].stamp);
    while (size < 4 * n_live + 4)
        size *= 2;
    slot_t *t = calloc(size, sizeof *t);
    if (t == NULL)
        return SIM_ERR_NOMEM;
    for (size_t i = 0; i < p->size; i++) {
        if (!live(p, p->t[i].stamp))
            continue;
        size_t j = home(p->t[i].key, size);
        while (t[j].stamp != 0)
            j = (j + 1) & (size - 1);
        t[j] = p->t[i];
    }
    free(p->t);
    p->t = t;
    p->size = size;
    p->used = n_live;
    return SIM_OK;
}

sim_err_t sim_serve_prefix_touch(sim_serve_prefix_t *p, const uint32_t *h,
                                 size_t n)
{
    for (size_t k = 0; k < n; k++) {
        slot_t *s = find(p, h[k]);
        p->clock++;
        if (s != NULL) {
            s->stamp = p->clock;
            continue;
        }
        if (2 * (p->used + 1) > p->size && rebuild(p) != SIM_OK)
            return SIM_ERR_NOMEM;
        size_t i = home(h[k], p->size);
        while (p->t[i].stamp != 0)
            i = (i + 1) & (p->size - 1);
        p->t[i].key = h[k];
        p->t[i].stamp = p->clock;
        p->used++;
    }
    return SIM_OK;
}
