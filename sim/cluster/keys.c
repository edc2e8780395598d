/*
 * keys.c — the scenario keys of `gpusim cluster`: [trace], [scheduler],
 * [failures].  The hardware comes from [cluster] (cfg_keys_cluster:
 * cluster.gpus, cluster.gpus_per_node, cluster.gpu), not redeclared here.
 */
#include "sim/cluster/keys.h"

#include "sim/cluster/cluster.h"
#include "sim/cluster/priors.h"

const cfg_key_t sim_cluster_keys[] = {
    {"trace", "file", CFG_STRING, "openb", 0, 0, NULL, 0,
     "jobs: builtin openb (Alibaba cluster-trace-gpu-v2023, 8,152 pods, the "
     "FGD paper's trace, ATC'23), synthetic, or a path to a pod-list CSV"},
    {"trace", "nodes", CFG_ENUM, "auto", 0, 0, sim_cluster_node_sources, 0,
     "nodes: trace (the trace's node list: openb's 1,523 nodes, 6,212 GPUs), "
     "cluster ([cluster] gpus / gpus_per_node), spot-2026 (Alibaba's 2026 "
     "spot-GPU inventory, GFS, ASPLOS'26: 4,278 nodes, 10,412 GPUs in 10 "
     "pools), auto = trace when it has one"},
    {"trace", "scale_nodes", CFG_BOOL, "false", 0, 0, NULL, 0,
     "spot-2026: scale every pool's node count to about cluster.gpus GPUs in "
     "all, keeping the pool mix (else the inventory as published)"},
    {"trace", "time_scale", CFG_DOUBLE, "1", 1e-9, 1e9, NULL, 0,
     "replay: multiply job durations by this"},
    {"trace", "rate_scale", CFG_DOUBLE, "1", 1e-9, 1e9, NULL, 0,
     "replay: multiply the arrival rate by this (divides inter-arrival times)"},
    {"trace", "max_jobs", CFG_INT, "0", 0, 100000000, NULL, 0,
     "replay: only the first N jobs; 0 = all"},
    {"trace", "synthetic_jobs", CFG_INT, "10000", 1, 100000000, NULL, 0,
     "synthetic trace: number of jobs"},
    {"trace", "synthetic_interarrival", CFG_TIME, "10s", 1e-6, 1e9, NULL, 0,
     "synthetic trace: mean time between arrivals (exponential)"},
    {"trace", "synthetic_duration", CFG_TIME, "1h", 1, 1e9, NULL, 0,
     "synthetic trace: mean job duration (lognormal, sigma 1.5)"},
    {"trace", "synthetic_prior", CFG_ENUM, "none", 0, 0, sim_cluster_prior_names, 0,
     "synthetic trace: job sizes, run times and fail/cancel rates fitted to a "
     "row of the Acme cluster summary (Hu et al., NSDI'24): acme-seren, "
     "acme-kalos, philly, helios; none = the plain mix (synthetic_duration)"},
    {"scheduler", "mode", CFG_ENUM, "replay", 0, 0, sim_cluster_mode_names, 0,
     "replay (arrive, queue, run, leave) or fill (the FGD paper's setting: "
     "tasks sampled until requests reach fill_target of the GPUs, none leave)"},
    {"scheduler", "policy", CFG_ENUM, "fifo", 0, 0, sim_cluster_policy_names, 0,
     "queue order: fifo, sjf (shortest known duration), priority (with "
     "preemption), backfill (FIFO + EASY)"},
    {"scheduler", "placement", CFG_ENUM, "best-fit", 0, 0, sim_cluster_placement_names, 0,
     "node choice: best-fit, worst-fit, topo-pack (gangs in one segment), fgd "
     "(fragmentation gradient descent, Weng et al., ATC'23)"},
    {"scheduler", "segment_nodes", CFG_INT, "16", 1, 1048576, NULL, 0,
     "nodes per NVLink/ToR segment for topo-pack"},
    {"scheduler", "backfill_depth", CFG_INT, "64", 0, 1000000, NULL, 0,
     "backfill: queued jobs examined past the head per pass"},
    {"scheduler", "fill_target", CFG_RATIO, "1", 0.01, 10, NULL, 0,
     "fill: stop when arrived GPU requests reach this fraction of the GPUs"},
    {"scheduler", "series_points", CFG_INT, "200", 2, 100000, NULL, 0,
     "about this many samples in the allocation/fragmentation series"},
    {"scheduler", "check_invariants", CFG_INT, "0", 0, CFG_UNBOUNDED, NULL, 0,
     "debug: run the invariant checker every N events (0 = never)"},
    {"scheduler", "node_cpu", CFG_COUNT, "0", 0, CFG_UNBOUNDED, NULL, 0,
     "cluster nodes: CPU per node in milli-cores; 0 = unlimited"},
    {"failures", "node_mtbf", CFG_TIME, "0s", 0, CFG_UNBOUNDED, NULL, 0,
     "mean time between failures of one node (exponential); 0 = no failures"},
    {"failures", "repair_time", CFG_TIME, "1h", 0, CFG_UNBOUNDED, NULL, 0,
     "time a failed node stays down"},
    {"failures", "on_failure", CFG_ENUM, "requeue", 0, 0, sim_cluster_failure_actions, 0,
     "jobs on a failed node: requeue (restart from scratch) or fail"},
    CFG_KEY_END,
};

const char *const sim_cluster_node_sources[] = {"auto", "trace", "cluster", "spot-2026", NULL};
const char *const sim_cluster_failure_actions[] = {"requeue", "fail", NULL};
