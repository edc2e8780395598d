/*
 * ends.h — running jobs ordered by end time, with the GPU-milli they hold,
 * for EASY backfill's reservation ("shadow") time: the earliest end time
 * by which enough GPU-milli will have been given back.
 *
 * A treap keyed by (end, job id) whose nodes are the job ids themselves
 * (arrays indexed by id, no allocation per insert); every node keeps the
 * sum of its subtree's milli, so the shadow is one descent.  Heap
 * priorities are a fixed hash of the id: the shape, and so every result,
 * depends only on the operations, never on luck.
 *
 * Assumes: ids are 0 .. cap-1; an id is in the set at most once.
 * Internal to sim/cluster (prefix scl_).
 */
#ifndef SIM_CLUSTER_ENDS_H
#define SIM_CLUSTER_ENDS_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/core/error.h"

typedef struct scl_ends {
    int32_t cap, root, count;
    int32_t *left, *right;
    int64_t *end, *milli, *sum;
    bool *in;
} scl_ends_t;

/* Empty set for ids 0 .. cap-1 in caller storage.  Returns SIM_OK or
 * SIM_ERR_NOMEM (nothing left to free).  Cost: O(cap). */
sim_err_t scl_ends_init(scl_ends_t *e, int32_t cap);

/* Free e's arrays; e may be NULL or zeroed. */
void scl_ends_destroy(scl_ends_t *e);

/* Add id (not in the set) ending at end and holding milli >= 0.
 * Cost: O(log n) expected. */
void scl_ends_insert(scl_ends_t *e, int32_t id, int64_t end, int64_t milli);

/* Remove id (in the set).  Cost: O(log n) expected. */
void scl_ends_remove(scl_ends_t *e, int32_t id);

/* Whether id is in the set.  O(1). */
bool scl_ends_has(const scl_ends_t *e, int32_t id);

/* Sum of milli over the set.  O(1). */
int64_t scl_ends_total(const scl_ends_t *e);

/*
 * The earliest end time t such that the milli of members ending at or
 * before t reaches target (> 0): true and *t set; false when even the
 * whole set holds less.  Cost: O(log n) expected.
 */
bool scl_ends_reach(const scl_ends_t *e, int64_t target, int64_t *t);

/* Sum of milli of members ending at or before t.  O(log n) expected. */
int64_t scl_ends_sum_upto(const scl_ends_t *e, int64_t t);

#endif /* SIM_CLUSTER_ENDS_H */
