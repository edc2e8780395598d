/*
 * prefix.h — a replica's prefix-cache index: which KV blocks, named by
 * their prefix hashes (Mooncake hash_ids), the replica still holds.
 *
 * Recency, not exact LRU: every touch of a hash stamps it with a running
 * counter, and a hash is present while its stamp is among the last
 * `capacity` touches.  So at most `capacity` distinct blocks are present
 * and a block touched again stays; repeated touches of one hash inside the
 * window use window slots, so the effective size can be a little below
 * capacity.  Stale entries are dropped when the table is rebuilt.
 *
 * Assumes: single-threaded; hashes are arbitrary 32-bit values.
 */
#ifndef SIM_SERVE_PREFIX_H
#define SIM_SERVE_PREFIX_H

#include <stddef.h>
#include <stdint.h>

#include "sim/core/error.h"

typedef struct sim_serve_prefix sim_serve_prefix_t;

/* A new empty index holding up to capacity blocks (>= 1).  NULL when out
 * of memory.  O(1). */
sim_serve_prefix_t *sim_serve_prefix_new(uint64_t capacity);

/* Free; NULL is a no-op. */
void sim_serve_prefix_free(sim_serve_prefix_t *p);

/* How many of h[0..n) are present, counted from the start and stopping at
 * the first miss (a prefix cache reuses only a leading run).  O(n). */
size_t sim_serve_prefix_match(const sim_serve_prefix_t *p, const uint32_t *h,
                              size_t n);

/* Mark h[0..n) present and most recent.  Returns SIM_OK or SIM_ERR_NOMEM
 * (the index is then unchanged for the hashes not yet touched).  O(n)
 * amortised. */
sim_err_t sim_serve_prefix_touch(sim_serve_prefix_t *p, const uint32_t *h,
                                 size_t n);

#endif /* SIM_SERVE_PREFIX_H */
