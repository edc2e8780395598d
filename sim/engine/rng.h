/*
 * rng.h — named random streams: one GSL generator per purpose and entity.
 *
 * A run has one master seed.  Each stream ("arrivals", "faults.gpu#17", …)
 * gets its own generator whose state is derived from
 * sim_rng_hash(master seed, stream name) alone, so adding, removing or
 * reordering streams never changes the numbers any other stream draws,
 * and one entity's draws never depend on how often another drew.
 *
 * The generator is xoshiro256** (Blackman & Vigna, "Scrambled linear
 * pseudorandom number generators", ACM TOMS 47(4), 2021), wrapped as a
 * gsl_rng_type so every gsl_ran_* distribution takes it.  Chosen over GSL's
 * mt19937 because (1) mt19937 seeds from only 32 bits, so two of 77 000
 * per-entity streams would share a sequence with probability ~1/2
 * (birthday bound), while this generator takes the whole 64-bit hash; and
 * (2) its state is 32 bytes against mt19937's 5 KiB, which matters with
 * one stream per GPU of a 100k-GPU cluster.  The state is filled from the
 * 64-bit seed by SplitMix64, as the authors recommend.
 *
 * Hash: FNV-1a (64-bit) of the name, mixed with the seed through the
 * SplitMix64 finaliser: z = mix64(seed ^ mix64(fnv1a64(name))); a result
 * of 0 is replaced by the golden-ratio constant 0x9e3779b97f4a7c15, so a
 * stream seed is never 0.  Indexed streams are the named stream
 * "name#index" (decimal index): sim_rng_stream_indexed(s, "gpu", 7) and
 * sim_rng_stream(s, "gpu#7") are the same stream, by definition.
 *
 * Assumes: single-threaded use of one set (give each thread or MPI rank
 * its own set; the same seed gives the same streams everywhere).
 */
#ifndef SIM_ENGINE_RNG_H
#define SIM_ENGINE_RNG_H

#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

/* The xoshiro256** generator as a GSL type.  gsl_rng_get returns the top 32
 * bits of each 64-bit output (max 2^32 - 1, like GSL's 32-bit generators);
 * gsl_rng_uniform returns the top 53 bits as a double in [0, 1).
 * gsl_rng_set(r, s) seeds it from s through SplitMix64.  r->state is the
 * reference algorithm's state, uint64_t s[4] (tests set it directly to
 * check the published output vector). */
extern const gsl_rng_type *sim_rng_xoshiro256ss;

/* SplitMix64's output finaliser (Steele, Lea & Flood, OOPSLA 2014; the
 * "variant 13" constants of Stafford): a bijection on 64-bit words with
 * mix64(0) == 0.  Pure, O(1). */
uint64_t sim_rng_mix64(uint64_t x);

/* FNV-1a, 64-bit (offset basis 0xcbf29ce484222325, prime 0x100000001b3, as
 * published by Fowler, Noll & Vo) of the NUL-terminated string s (not
 * NULL).  Pure, O(strlen). */
uint64_t sim_rng_fnv1a64(const char *s);

/* The stream seed for name under master seed: never 0 (see the top of this
 * file for the formula).  name must not be NULL.  Pure, O(strlen). */
uint64_t sim_rng_hash(uint64_t seed, const char *name);

/* A standalone generator of type sim_rng_xoshiro256ss seeded with seed
 * (all 64 bits used).  Returns NULL when out of memory.  Caller frees it
 * with gsl_rng_free.  Cost: O(1). */
gsl_rng *sim_rng_alloc(uint64_t seed);

/*
 * An exponential variate with the given mean (> 0), drawn by the ziggurat
 * method from r's raw 64-bit output when r is a sim_rng_xoshiro256ss
 * generator (usually one xoshiro step; see rng.c); any other generator
 * type falls back to gsl_ran_exponential(r, mean).  Same stream state,
 * same value on every platform (the tables are fixed constants).  The
 * draws differ from gsl_ran_exponential's, which inverts the CDF.  r must
 * not be NULL.  Cost: O(1), ~3-5 ns against ~20 ns for the GSL routine.
 */
double sim_rng_exponential(gsl_rng *r, double mean);

typedef struct sim_rng_set sim_rng_set_t;

/* A set of named streams under master seed.  Returns NULL when out of
 * memory.  Free with sim_rng_set_free.  Cost: O(1). */
sim_rng_set_t *sim_rng_set_new(uint64_t seed);

/* Free the set and every stream it created (pointers from sim_rng_stream
 * die with it).  sim_rng_set_free(NULL) does nothing. */
void sim_rng_set_free(sim_rng_set_t *set);

/* The master seed the set was made with. */
uint64_t sim_rng_set_seed(const sim_rng_set_t *set);

/* Number of streams created so far. */
size_t sim_rng_set_count(const sim_rng_set_t *set);

/*
 * The generator of stream name, created on first use and cached: later
 * calls with the same name return the same pointer, positioned wherever
 * the previous draws left it.  The set owns the generator.  name must not
 * be NULL; it is copied.  Returns NULL only when out of memory.
 * Cost: O(strlen(name)) expected (hash lookup) — callers in hot loops keep
 * the pointer.
 */
gsl_rng *sim_rng_stream(sim_rng_set_t *set, const char *name);

/* The stream "name#index" (per-entity or per-replication streams); same
 * contract as sim_rng_stream. */
gsl_rng *sim_rng_stream_indexed(sim_rng_set_t *set, const char *name,
                                uint64_t index);

#endif /* SIM_ENGINE_RNG_H */
