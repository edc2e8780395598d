/*
 * cluster_int.h — internals of sim/cluster shared by its files (not for
 * other modules): the node table with per-GPU free shares, the placement
 * policies and the fragmentation measure.  Internal names carry the
 * module-internal prefix scl_.
 *
 * Invariants kept by scl_take / scl_give (checked by scl_check_*):
 *  - 0 <= gfree[g] <= 1000 for every GPU; nfull = #GPUs with gfree == 1000;
 *  - used milli of a node = 1000 x ngpu - sum of its gfree;
 *  - every up node sits in bucket[nfull] exactly once, down nodes in none;
 *  - seg_full[s] = #up nodes of segment s whose GPUs are all free;
 *  - alloc_milli = sum over nodes of used milli.
 */
#ifndef SIM_CLUSTER_CLUSTER_INT_H
#define SIM_CLUSTER_CLUSTER_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/cluster/cluster.h"

#define SCL_MILLI 1000
/* CPU or memory of a node without a limit. */
#define SCL_UNLIMITED (INT64_MAX / 4)

/* A piece of a job's allocation on one node: GPUs in mask, milli on each. */
typedef struct scl_alloc {
    int32_t node;
    int32_t milli;   /* per GPU in mask: 1000 whole, less for a share; 0 = CPU only */
    uint64_t mask;
    int64_t cpu, mem;
} scl_alloc_t;

/* What a job asks for. */
typedef struct scl_req {
    int32_t num_gpu;  /* 0 = CPU only */
    int32_t milli;    /* per GPU */
    int64_t cpu, mem; /* total; a gang splits them evenly over its nodes */
    uint32_t mask;    /* allowed models; 0 = any */
} scl_req_t;

typedef struct scl_node {
    int32_t ngpu, model, seg, nfull;
    int32_t gpu0;    /* first GPU's index in gfree */
    int32_t bpos;    /* position in bucket[nfull]; -1 when down */
    int64_t cpu_cap, cpu_free, mem_cap, mem_free;
    bool up;
} scl_node_t;

/* A task class of the target workload (FGD's M) with its popularity. */
typedef struct scl_class {
    int32_t num_gpu, milli;
    int64_t cpu, mem;
    double p;
} scl_class_t;

typedef struct scl_state {
    scl_node_t *node;
    int32_t nnodes;
    int32_t *gfree;          /* free milli per GPU */
    int64_t ngpus;           /* all GPUs, up or down */
    int32_t max_gpn;         /* most GPUs on one node; gangs split by it */
    int32_t **bucket;        /* bucket[c]: up nodes with c fully free GPUs */
    int32_t *blen, *bcap;
    int32_t nsegs, seg_nodes;
    int32_t *seg_full;
    int64_t alloc_milli;
    int64_t up_gpus;         /* GPUs of up nodes */
    bool any_share;          /* some job asks a share: scan, not buckets */
    sim_cluster_placement_t placement;
    scl_class_t *cls;
    int ncls;
    /* FGD memo of per-node-state scores, valid for one placement (epoch) */
    struct scl_memo *memo;
    uint32_t memo_epoch;
    /* checker scratch */
    int32_t *chk_used;
    int64_t *chk_cpu, *chk_mem;
} scl_state_t;

/* Build the nodes of cfg (trace nodes or a homogeneous set) and the task
 * classes of cfg->trace.  On error frees what it built.  Errors:
 * SIM_ERR_RANGE (no GPUs, bad sizes), SIM_ERR_NOMEM. */
sim_err_t scl_state_init(scl_state_t *st, const sim_cluster_config_t *cfg,
                         sim_diag_t *diag);
void scl_state_destroy(scl_state_t *st);

/* The request of trace job j. */
scl_req_t scl_req_of(const wl_jobtrace_job_t *j);

/* GPU-milli a request holds in all: num_gpu x milli. */
int64_t scl_req_milli(const scl_req_t *r);

/* Nodes a request spans: 1, or ceil(num_gpu / max_gpn) for a gang. */
int32_t scl_req_nodes(const scl_state_t *st, const scl_req_t *r);

/* The most pieces (scl_req_nodes) any of the first n jobs of t needs, at
 * least 1: the room a caller's piece buffer needs.  O(n). */
int32_t scl_pieces_max(const scl_state_t *st, const wl_jobtrace_t *t, size_t n);

/* Could r run on an empty cluster (all nodes up and free)?  O(nodes)
 * worst case, O(1) when the first node fits. */
bool scl_ever_fits(const scl_state_t *st, const scl_req_t *r);

/*
 * Choose nodes and GPUs for r by st->placement and take them.  On success
 * writes the pieces to out[0..*n) (out has room for scl_req_nodes(r)) and
 * returns true; *cross_seg tells whether a gang spans segments.  On
 * failure nothing is taken.
 */
bool scl_place(scl_state_t *st, const scl_req_t *r, scl_alloc_t *out,
               int32_t *n, bool *cross_seg);

/* Give back the pieces a[0..n). */
void scl_release(scl_state_t *st, const scl_alloc_t *a, int32_t n);

/* Take the pieces a[0..n) again exactly (undo of a trial release); the
 * GPUs must be free (programmer error otherwise). */
void scl_retake(scl_state_t *st, const scl_alloc_t *a, int32_t n);

/* Mark node n down or up (buckets follow).  Caller releases its jobs
 * first when taking it down. */
void scl_node_set_up(scl_state_t *st, int32_t n, bool up);

/* FGD fragmentation F_n(M) of node n in milli-GPU; O(classes x GPUs). */
double scl_frag_node(const scl_state_t *st, int32_t n);

/* Sum of scl_frag_node over up nodes, in GPUs; and the free GPUs of up
 * nodes to *free_gpus (may be NULL). */
double scl_frag_cluster(const scl_state_t *st, double *free_gpus);

/* GPUs of up nodes; O(1). */
int64_t scl_up_gpus(const scl_state_t *st);

/* Invariant checker: begin, add every live allocation, end.  end returns
 * SIM_OK or SIM_ERR_CHECK with diag naming the broken invariant. */
void scl_check_begin(scl_state_t *st);
void scl_check_add(scl_state_t *st, const scl_alloc_t *a, int32_t n);
sim_err_t scl_check_end(const scl_state_t *st, sim_diag_t *diag);

/* Replay and fill experiments (sched.c, fill.c). */
sim_err_t scl_run_replay(const sim_cluster_config_t *cfg, scl_state_t *st,
                         sim_cluster_result_t *res, sim_diag_t *diag);
sim_err_t scl_run_fill(const sim_cluster_config_t *cfg, scl_state_t *st,
                       sim_cluster_result_t *res, sim_diag_t *diag);

#endif /* SIM_CLUSTER_CLUSTER_INT_H */
