/*
 * coll_int.h — internals shared by coll_algo.c (schedules, rings,
 * emission) and coll_tree.c (pipelined trees and chains).  Not a public
 * header.
 *
 * Invariant: every repetition of a phase emits the same transfers.
 */
#ifndef SIM_NET_COLL_INT_H
#define SIM_NET_COLL_INT_H

#include "sim/net/coll_algo.h"

typedef enum ph_kind {
    PH_RINGS,    /* every edge of ring set `set` */
    PH_TREE,     /* active edges of tree set `set` at pipeline step a */
    PH_XOR,      /* rank i <-> i ^ a, for i < b */
    PH_FOLD,     /* a = p: rank p+i -> i (b = 0) or i -> p+i (b = 1), i < r */
    PH_SHIFT,    /* rank i -> (i + a) mod n */
    PH_ALLPAIRS, /* every ordered pair */
    PH_P2P       /* rank 0 -> rank 1 */
} ph_kind_t;

typedef struct phase {
    ph_kind_t kind;
    int64_t repeat;
    double bytes;   /* per transfer, already divided by channels */
    int32_t set, a, b;
} phase_t;

typedef struct ring_set {
    int32_t nrings, len;
    int32_t *order; /* nrings x len ranks */
    uint64_t *salt; /* per ring */
    int32_t *lane;  /* per ring */
} ring_set_t;

typedef struct tree {
    int32_t *parent;       /* rank -> parent rank, -1 at the root */
    int32_t *height, *depth;
    int32_t H, D;          /* height of the root, deepest depth */
    uint64_t salt;
    int32_t lane;
} tree_t;

typedef struct tree_set {
    int32_t ntrees;
    tree_t *t;
    int32_t chunks;        /* pipeline chunks P */
    bool up, down;         /* reduce up and/or broadcast down */
} tree_set_t;

struct sim_coll_sched {
    sim_coll_op_t op;
    sim_coll_algo_t algo;
    size_t n, n_nodes;
    int32_t *gpu;        /* rank -> GPU id */
    int32_t *node;       /* rank -> node index 0.. in order of appearance */
    int32_t *node_first; /* node -> its first rank in node_rank */
    int32_t *node_rank;  /* ranks grouped by node, in rank order */
    int32_t *node_size;
    sim_coll_sched_opts_t o;
    size_t nph, capph;
    phase_t *ph;
    int64_t steps;
    size_t nrs, ntr;
    ring_set_t rs[4];
    tree_set_t ts[1];
};

/* coll_algo.c */
uint64_t coll_mix(uint64_t a, uint64_t b);
sim_err_t coll_add_phase(sim_coll_sched_t *s, ph_kind_t kind, int64_t repeat,
                         double bytes, int32_t set, int32_t a, int32_t b);
void coll_snake_ring(const sim_coll_sched_t *s, int32_t c, int32_t *out);
int32_t coll_max_node_size(const sim_coll_sched_t *s);

/* coll_tree.c */
void coll_tree_free(tree_t *t);
/* Tree set 0 of s: dbt (double binary trees, 2 per channel) or chains (1
 * per channel) with reduce-up and/or broadcast-down; *id = 0. */
sim_err_t coll_build_tree_set(sim_coll_sched_t *s, bool dbt, bool up,
                              bool down, int32_t *id);
/* Phases of tree set `set` (chunk count already set), bytes per edge. */
sim_err_t coll_tree_phases(sim_coll_sched_t *s, int32_t set, double bytes);
/* Pipeline chunks for `bytes` per tree (chunk_bytes, max_chunks). */
int32_t coll_chunk_count(const sim_coll_sched_t *s, double bytes);
/* Active [up lo, up hi, down lo, down hi] of tree t at pipeline step k. */
void coll_tree_ranges(const tree_set_t *ts, const tree_t *t, int64_t k,
                      int64_t r[4]);

#endif /* SIM_NET_COLL_INT_H */
