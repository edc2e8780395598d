/*
 * nccl_tuning.h — protocol parameters of NCCL-style collectives and the
 * automatic choice of algorithm and protocol ("--algo auto").
 *
 * Parameters (a "profile") are calibrated per GPU type and kept as data in
 * workloads/profiles/net.ini (compiled in; each number has its source and
 * fit there).  A profile holds:
 *   - the flow network's protocol-efficiency caps (nvlink_efficiency,
 *     nic_efficiency: NCCL's ring/Simple share of line rate) and its
 *     per-message overhead;
 *   - per (algorithm, protocol) a cost: a latency paid once per collective,
 *     a latency paid per step, and an efficiency e (payload bytes per wire
 *     byte on top of the link caps: the executor sends bytes / e).  e = 0
 *     means the pair is not available;
 *   - nvls_min_gpus: the smallest group auto hands to NVLS.
 *
 * The choice follows NCCL's tuning model (src/graph/tuning.cc, ideas only):
 * for every available (algorithm, protocol) predict
 *     time = latency + steps x (step latency + network hop latency)
 *            + wire bytes on the bottleneck / its bandwidth
 * from the group's shape (ranks n, nodes k, ranks per node g) and the
 * topology's per-GPU NVLink and NIC bandwidths, and take the minimum.
 * Candidates as NCCL has them: tree only across nodes, NVLS only inside one
 * NVSwitch domain on GPUs that support it, hierarchical only across nodes
 * with several GPUs per node; all-to-all is always pairwise and send/recv
 * p2p.  The prediction is a model for choosing; the reported time is the
 * simulation's.
 *
 * Assumes: a loaded tuning table is immutable.
 */
#ifndef SIM_NET_NCCL_TUNING_H
#define SIM_NET_NCCL_TUNING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/core/error.h"
#include "sim/net/coll_algo.h"
#include "topologies/topo.h"

/* Path of the profile file in the embedded table and the source tree. */
#define SIM_COLL_TUNING_PATH "workloads/profiles/net.ini"

typedef enum sim_coll_proto {
    SIM_COLL_PROTO_AUTO = 0,
    SIM_COLL_PROTO_LL,
    SIM_COLL_PROTO_LL128,
    SIM_COLL_PROTO_SIMPLE,
    SIM_COLL_PROTO_COUNT
} sim_coll_proto_t;

/* "auto", "ll", "ll128", "simple"; never NULL.  Parsing ignores case;
 * SIM_ERR_NOTFOUND with the names in diag. */
const char *sim_coll_proto_name(sim_coll_proto_t p);
sim_err_t sim_coll_proto_from_name(const char *name, sim_coll_proto_t *out,
                                   sim_diag_t *diag);

typedef struct sim_coll_cost {
    double latency_s;      /* once per collective */
    double step_latency_s; /* before every step */
    double efficiency;     /* payload / wire bytes, (0, 1]; 0 = unavailable */
} sim_coll_cost_t;

typedef struct sim_coll_profile {
    char name[64];               /* section the values came from */
    double nvlink_efficiency;    /* flow caps, see flownet.h */
    double nic_efficiency;
    double message_overhead_s;
    int32_t nvls_min_gpus;
    bool spray;                  /* fabric ECMP: false = per-flow hash,
                                    true = per-packet spray (cluster.ecmp;
                                    not a tuning-file key) */
    sim_coll_cost_t cost[SIM_COLL_ALGO_COUNT][SIM_COLL_PROTO_COUNT];
} sim_coll_profile_t;

typedef struct sim_coll_tuning sim_coll_tuning_t;

/* Load the embedded workloads/profiles/net.ini.  SIM_ERR_NOTFOUND when the
 * program was built without it; else as sim_coll_tuning_parse. */
sim_err_t sim_coll_tuning_load(sim_coll_tuning_t **out, sim_diag_t *diag);

/*
 * Parse a profile file: sections [default] and one per GPU (catalog name,
 * e.g. [H200]); keys nvlink_efficiency, nic_efficiency, message_overhead
 * (a time, e.g. 1us), nvls_min_gpus, and <algo>.<proto>.latency /
 * .step_latency (times) / .efficiency (number in [0, 1]), with algo one of
 * ring tree hd nvls hierarchical pairwise p2p and proto ll ll128 simple;
 * keys starting with "source" are free text.  Returns SIM_OK,
 * SIM_ERR_INPUT (syntax, unknown key; diag names path:line:key),
 * SIM_ERR_UNIT, SIM_ERR_RANGE or SIM_ERR_NOMEM.  Cost: O(len).
 */
sim_err_t sim_coll_tuning_parse(const char *text, size_t len,
                                const char *path, sim_coll_tuning_t **out,
                                sim_diag_t *diag);

/* Free; NULL is a no-op. */
void sim_coll_tuning_free(sim_coll_tuning_t *t);

/* The profile of GPU `gpu` (catalog name, case-insensitive; NULL or
 * unknown: [default] alone): [default] overlaid with the GPU's section.
 * Returns true if a GPU section matched.  Cost: O(entries). */
bool sim_coll_tuning_profile(const sim_coll_tuning_t *t, const char *gpu,
                             sim_coll_profile_t *out);

/* A neutral profile: no caps (efficiencies 1), no latencies, every
 * supported (algorithm, protocol) pair with efficiency 1 only for Simple.
 * For analytic tests. */
void sim_coll_profile_neutral(sim_coll_profile_t *p);

/* What the chooser saw of the group and the hardware. */
typedef struct sim_coll_shape {
    int64_t n, nodes, per_node; /* per_node: most ranks in one node */
    bool uniform;               /* every node has per_node ranks */
    bool nvls;                  /* GPUs support NVLink SHARP */
    double nvlink_bw;           /* per GPU per direction, line rate */
    double nic_bw;              /* per GPU share of its NIC, line rate */
    double lat_intra, lat_inter;/* one step's network latency, seconds */
} sim_coll_shape_t;

/* Fill *sh for ranks gpus[0..n) of topo (node = NVLink domain).  nvls is
 * copied in.  Returns SIM_OK, SIM_ERR_RANGE for a GPU id out of range, or
 * a routing error.  Cost: O(n) plus two routes. */
sim_err_t sim_coll_shape_of(const topo_t *topo, const int32_t *gpus,
                            size_t n, bool nvls, double message_overhead_s,
                            sim_coll_shape_t *sh, sim_diag_t *diag);

/* The chooser's predicted time (seconds) of op on S bytes with (algo,
 * proto) — both concrete — or INFINITY where the pair is unavailable or
 * cannot run this op on this shape.  Also gives the pipeline chunk count
 * the executor should use (1 where not pipelined) in *chunks (may be
 * NULL).  Cost: O(log n). */
double sim_coll_predict(const sim_coll_profile_t *prof,
                        const sim_coll_shape_t *sh, sim_coll_op_t op,
                        sim_coll_algo_t algo, sim_coll_proto_t proto,
                        double bytes, int32_t *chunks);

/* Resolve AUTO in *algo and/or *proto by the minimum predicted time
 * (ties: lower enum value).  Explicit choices are kept; an explicit
 * algorithm gets its best protocol.  Returns SIM_OK, or SIM_ERR_INFEASIBLE
 * (diag says why) when nothing can run.  *predicted_s (may be NULL) gets
 * the winner's prediction. */
sim_err_t sim_coll_choose(const sim_coll_profile_t *prof,
                          const sim_coll_shape_t *sh, sim_coll_op_t op,
                          double bytes, sim_coll_algo_t *algo,
                          sim_coll_proto_t *proto, double *predicted_s,
                          sim_diag_t *diag);

#endif /* SIM_NET_NCCL_TUNING_H */
