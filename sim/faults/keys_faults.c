/*
 * keys_faults.c — the [faults] key table (failures, recovery, checkpoints)
 * and the reader that turns it into a flt_config_t.
 *
 * Sources of defaults (tags as in the project's research notes,
 * catalog-facts.md §3):
 *   [S53][S54] Llama 3 paper Table 5 and §3.3.4: 419 unexpected
 *     interruptions in 54 days on 16,384 H100, automated recovery, >90%
 *     effective training time.  The paper gives no detection or restart
 *     times; >90% with 419 interruptions bounds the mean cost of one
 *     interruption (lost work + downtime) at 54 d x 10% / 419 = 18.6 min
 *     [D].  Our defaults (3 min + 8 min + lost work) sit inside that bound.
 *   [S55] Tectonic storage for Llama 3: 2 TB/s sustained, 7 TB/s peak.
 *   [S58] Meta RSC: health checks every 5 min.
 *   [S59] NCSA Delta: ~5% overprovisioning needed.
 *   [S60] ByteRobust: NIC crash detected in 30 s vs ~10 min default
 *     timeout.
 *   [S62] NVIDIA NeMo resiliency: heartbeat timeout 300 s after the first.
 *   [S64] Daly, FGCS 2006; Young, CACM 1974.
 *   [S30] PCIe Gen5 x16: 63 GB/s per direction (snapshot to host memory).
 */
#include "sim/faults/keys_faults.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const char *const flt_profile_choices[] = {
    "llama3-16k", "meta-rsc", "none", "custom", NULL,
};

static const char *const dist_choices[] = {"exponential", "weibull", NULL};
static const char *const repair_choices[] = {"exponential", "fixed", NULL};
static const char *const formula_choices[] = {"daly", "young", NULL};
static const char *const mode_choices[] = {"sync", "async", NULL};

/* PCIe Gen5 x16 per direction [S30]: device-to-host copy for snapshots. */
#define SNAPSHOT_BW 63e9

#define MAX_RATE 1e6 /* per 1,000 component-days: a typo guard */

const cfg_key_t cfg_keys_faults[] = {
    {"faults", "enabled", CFG_BOOL, "off", 0, 0, NULL, 0,
     "on: gpusim train adds the Monte-Carlo of failures, checkpoints and "
     "recovery (goodput, time to train as a distribution); off (default): "
     "the fault-free time to train only"},
    {"faults", "work", CFG_TIME, "auto", 1, CFG_UNBOUNDED, NULL, CFG_F_AUTO,
     "useful work the Monte-Carlo covers, at fault-free speed; auto = the "
     "training model's time to train; e.g. 54d for the 54-day snapshot of "
     "Llama 3 pre-training [S53][S54]"},
    {"faults", "profile", CFG_ENUM, "llama3-16k", 0, 0, flt_profile_choices,
     0,
     "failure rates: llama3-16k (Llama 3 405B Table 5, 419 interruptions "
     "in 54 days on 16,384 H100), meta-rsc (6.50 node failures per 1,000 "
     "node-days, Meta RSC-1, HPCA'25), none, or custom (the *_rate keys)"},
    {"faults", "rate_scale", CFG_DOUBLE, "1", 0, 1000, NULL, 0,
     "multiplier on every failure rate of the profile (what-if studies)"},
    {"faults", "distribution", CFG_ENUM, "exponential", 0, 0, dist_choices,
     0,
     "time between failures: exponential (Poisson failures) or weibull "
     "with weibull_shape and the same mean"},
    {"faults", "weibull_shape", CFG_DOUBLE, "0.7", 0.05, 20, NULL, 0,
     "Weibull shape k (< 1: failures cluster); 0.7-0.8 fit HPC system "
     "failure gaps (Schroeder & Gibson, DSN 2006; recalled, not in the "
     "project notes)"},
    {"faults", "gpu_rate", CFG_DOUBLE, "0", 0, MAX_RATE, NULL, 0,
     "custom: GPU failures per 1,000 GPU-days; Llama 3: 268 GPU-attributed "
     "in 54 d on 16,384 GPUs = 0.30 [D from S54]"},
    {"faults", "mtbf_gpu", CFG_TIME, "auto", 1, CFG_UNBOUNDED, NULL,
     CFG_F_AUTO,
     "custom: mean time between failures of one GPU; overrides gpu_rate "
     "(auto: use gpu_rate)"},
    {"faults", "node_rate", CFG_DOUBLE, "0", 0, MAX_RATE, NULL, 0,
     "custom: host failures (CPU, memory, PSU, SSD, board) per 1,000 "
     "node-days; Meta RSC-1: 6.50 for all node failures (HPCA'25)"},
    {"faults", "mtbf_node", CFG_TIME, "auto", 1, CFG_UNBOUNDED, NULL,
     CFG_F_AUTO,
     "custom: mean time between failures of one host; overrides node_rate "
     "(auto: use node_rate)"},
    {"faults", "nic_rate", CFG_DOUBLE, "0", 0, MAX_RATE, NULL, 0,
     "custom: whole-NIC failures per 1,000 NIC-days (every port lost: "
     "the job stops); Llama 3: 7 in 54 d on 16,384 NICs = 0.0079 [D]"},
    {"faults", "link_rate", CFG_DOUBLE, "0", 0, MAX_RATE, NULL, 0,
     "custom: NIC-port cable/link failures per 1,000 port-days (a "
     "dual-homed NIC slows, a single-homed one stops); Llama 3 switch+"
     "cable: 35 in 54 d on 16,384 ports = 0.040 [D]"},
    {"faults", "tor_rate", CFG_DOUBLE, "0", 0, MAX_RATE, NULL, 0,
     "custom: leaf/ToR switch failures per 1,000 switch-days"},
    {"faults", "spine_rate", CFG_DOUBLE, "0", 0, MAX_RATE, NULL, 0,
     "custom: spine/aggregation switch failures per 1,000 switch-days "
     "(reduce bisection bandwidth)"},
    {"faults", "software_rate", CFG_DOUBLE, "0", 0, MAX_RATE, NULL, 0,
     "custom: software bugs and NCCL hangs per 1,000 node-days (restart in "
     "place, no spare); Llama 3: 63 in 54 d on 2,048 nodes = 0.57 [D]"},
    {"faults", "maintenance_interval", CFG_TIME, "0s", 0, CFG_UNBOUNDED, NULL,
     0,
     "custom: mean time between planned maintenance stops of the job "
     "(0 = none); Llama 3: 47 in 54 d, one per 27.6 h [D from S53]"},
    {"faults", "detection_time", CFG_TIME, "3min", 0, 86400, NULL, 0,
     "failure to detection: between ByteRobust's 30 s NIC-crash detection "
     "[S60] and the 5-min health checks / heartbeats of Meta RSC and NeMo "
     "[S58][S62]; with restart_time it fits Llama 3's >90% effective "
     "training time at 419 interruptions [S54][D]"},
    {"faults", "restart_time", CFG_TIME, "8min", 0, 864000, NULL, 0,
     "re-schedule, re-initialise, NCCL set-up (checkpoint reload is added "
     "from size / storage_bandwidth); assumption bounded by Llama 3's "
     ">90% effective training time (18.6 min per interruption at most, "
     "lost work included) [S54][D]"},
    {"faults", "repair_time", CFG_TIME, "24h", 0, CFG_UNBOUNDED, NULL, 0,
     "mean time to repair or replace a failed node or fabric element "
     "before it returns to the spare pool (assumption: next-business-day "
     "part swap)"},
    {"faults", "repair_distribution", CFG_ENUM, "exponential", 0, 0,
     repair_choices, 0, "distribution of repair_time: exponential or fixed"},
    {"faults", "hot_spares", CFG_INT, "16", 0, 1048576, NULL, 0,
     "spare nodes ready to replace failed ones (a 16,384-GPU job: 16 "
     "spares = 0.8% of 2,048 nodes; NCSA Delta suggests ~5% "
     "overprovisioning for capacity [S59])"},
    {"faults", "checkpoint_interval", CFG_TIME, "auto", 1e-3, CFG_UNBOUNDED,
     NULL, CFG_F_AUTO,
     "useful work between checkpoints; auto = checkpoint_formula with the "
     "job's mean time between interrupting failures"},
    {"faults", "checkpoint_formula", CFG_ENUM, "daly", 0, 0, formula_choices,
     0,
     "auto interval: daly (higher order, Daly FGCS 2006) or young "
     "(sqrt(2 delta M), Young CACM 1974) [S64]"},
    {"faults", "checkpoint_mode", CFG_ENUM, "sync", 0, 0, mode_choices, 0,
     "sync: the job pauses for the whole write; async: it pauses for a "
     "snapshot to host memory and the write overlaps training"},
    {"faults", "checkpoint_size", CFG_BYTES, "auto", 1, CFG_UNBOUNDED, NULL,
     CFG_F_AUTO,
     "bytes written per checkpoint (whole job); auto = from the model "
     "(weights + optimizer state, supplied by the training model)"},
    {"faults", "checkpoint_snapshot", CFG_TIME, "auto", 0, 86400, NULL,
     CFG_F_AUTO,
     "async pause per checkpoint; auto = per-GPU share of checkpoint_size "
     "over PCIe Gen5 x16, 63 GB/s [S30]"},
    {"faults", "storage_bandwidth", CFG_BANDWIDTH, "2TB/s", 1, CFG_UNBOUNDED,
     NULL, 0,
     "checkpoint write and reload bandwidth of the storage system; Llama "
     "3's Tectonic: 2 TB/s sustained, 7 TB/s peak [S55]"},
    {"faults", "comm_fraction", CFG_RATIO, "0.25", 0, 1, NULL, 0,
     "share of iteration time spent in exposed communication: a degraded "
     "fabric at bandwidth fraction b slows the job by 1 + f (1/b - 1) "
     "(assumption; the training model may supply its own slowdown)"},
    {"faults", "replications", CFG_INT, "100", 1, 1000000, NULL, 0,
     "Monte-Carlo replications (independent random streams faults#r)"},
    CFG_KEY_END,
};

/* Give up on a replication at this multiple of the useful work: a job that
 * needs a hundred times its fault-free time is not going to finish. */
#define MAX_WALL_FACTOR 100.0

static sim_err_t add_custom(flt_profile_t *p, const char *name,
                            const char *label, flt_class_t cls,
                            flt_comp_t comp, double per_day, bool planned,
                            sim_diag_t *diag)
{
    flt_cause_t c;

    if (!(per_day > 0))
        return SIM_OK;
    memset(&c, 0, sizeof c);
    snprintf(c.name, sizeof c.name, "%s", name);
    snprintf(c.label, sizeof c.label, "%s", label);
    c.cls = cls;
    c.comp = comp;
    c.rate_per_day = per_day;
    c.published = NAN;
    c.planned = planned;
    return flt_profile_add(p, &c, diag);
}

static double rate_or_mtbf(const cfg_scenario_t *sc, const char *rate_key,
                           const char *mtbf_key)
{
    if (mtbf_key != NULL && !cfg_is_auto(sc, mtbf_key))
        return FLT_SECONDS_PER_DAY / cfg_get_time_s(sc, mtbf_key);
    return cfg_get_double(sc, rate_key) / 1000.0;
}

static sim_err_t custom_profile(const cfg_scenario_t *sc, flt_profile_t *p,
                                sim_diag_t *diag)
{
    sim_err_t err = SIM_OK;
    double maint = cfg_get_time_s(sc, "faults.maintenance_interval");

    flt_profile_init(p, "custom");
#define ADD(n, l, cls, comp, rate, planned)                                  \
    if (err == SIM_OK)                                                       \
    err = add_custom(p, n, l, cls, comp, rate, planned, diag)
    ADD("gpu", "GPU", FLT_CLASS_GPU, FLT_COMP_GPU,
        rate_or_mtbf(sc, "faults.gpu_rate", "faults.mtbf_gpu"), false);
    ADD("node", "Host", FLT_CLASS_HOST, FLT_COMP_NODE,
        rate_or_mtbf(sc, "faults.node_rate", "faults.mtbf_node"), false);
    ADD("nic", "NIC", FLT_CLASS_NETWORK, FLT_COMP_NIC,
        rate_or_mtbf(sc, "faults.nic_rate", NULL), false);
    ADD("link", "NIC port / cable", FLT_CLASS_NETWORK, FLT_COMP_NIC_PORT,
        rate_or_mtbf(sc, "faults.link_rate", NULL), false);
    ADD("tor", "Leaf/ToR switch", FLT_CLASS_NETWORK, FLT_COMP_LEAF,
        rate_or_mtbf(sc, "faults.tor_rate", NULL), false);
    ADD("spine", "Spine switch", FLT_CLASS_NETWORK, FLT_COMP_SPINE,
        rate_or_mtbf(sc, "faults.spine_rate", NULL), false);
    ADD("software", "Software / NCCL hang", FLT_CLASS_SOFTWARE,
        FLT_COMP_NODE, rate_or_mtbf(sc, "faults.software_rate", NULL),
        false);
    ADD("planned_maintenance", "Planned maintenance", FLT_CLASS_MAINTENANCE,
        FLT_COMP_JOB, maint > 0 ? FLT_SECONDS_PER_DAY / maint : 0, true);
#undef ADD
    return err;
}

sim_err_t flt_config_from_scenario(const cfg_scenario_t *sc, int64_t gpus,
                                   double model_ckpt_bytes,
                                   flt_config_t *cfg, bool *enabled,
                                   sim_diag_t *diag)
{
    sim_err_t err;
    int prof = cfg_get_enum(sc, "faults.profile");

    memset(cfg, 0, sizeof *cfg);
    if (enabled != NULL)
        *enabled = cfg_get_bool(sc, "faults.enabled");
    if (strcmp(flt_profile_choices[prof], "custom") == 0)
        err = custom_profile(sc, &cfg->profile, diag);
    else
        err = flt_profile_builtin(flt_profile_choices[prof], &cfg->profile,
                                  diag);
    if (err != SIM_OK)
        return err;
    flt_profile_scale(&cfg->profile, cfg_get_double(sc, "faults.rate_scale"));
    cfg->profile.dist = cfg_get_enum(sc, "faults.distribution") == 1
                            ? FLT_DIST_WEIBULL
                            : FLT_DIST_EXPONENTIAL;
    cfg->profile.weibull_shape = cfg_get_double(sc, "faults.weibull_shape");

    cfg->recovery.detection_s = cfg_get_time_s(sc, "faults.detection_time");
    cfg->recovery.restart_s = cfg_get_time_s(sc, "faults.restart_time");
    cfg->recovery.repair_s = cfg_get_time_s(sc, "faults.repair_time");
    cfg->recovery.repair_dist =
        cfg_get_enum(sc, "faults.repair_distribution") == 1
            ? FLT_REPAIR_FIXED
            : FLT_REPAIR_EXPONENTIAL;
    cfg->recovery.hot_spares = (int32_t)cfg_get_int(sc, "faults.hot_spares");

    cfg->ckpt.mode = cfg_get_enum(sc, "faults.checkpoint_mode") == 1
                         ? FLT_CKPT_ASYNC
                         : FLT_CKPT_SYNC;
    if (cfg_is_auto(sc, "faults.checkpoint_interval")) {
        cfg->ckpt.policy = cfg_get_enum(sc, "faults.checkpoint_formula") == 1
                               ? FLT_CKPT_YOUNG
                               : FLT_CKPT_DALY;
    } else {
        cfg->ckpt.policy = FLT_CKPT_FIXED;
        cfg->ckpt.interval_s =
            cfg_get_time_s(sc, "faults.checkpoint_interval");
    }
    if (cfg_is_auto(sc, "faults.checkpoint_size")) {
        if (!(model_ckpt_bytes > 0) || !isfinite(model_ckpt_bytes))
            return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0,
                                "faults.checkpoint_size",
                                "checkpoint_size = auto needs a model to "
                                "size it; give a size such as 5TB");
        cfg->ckpt.size_bytes = model_ckpt_bytes;
    } else {
        cfg->ckpt.size_bytes = cfg_get_double(sc, "faults.checkpoint_size");
    }
    cfg->ckpt.storage_bw = cfg_get_double(sc, "faults.storage_bandwidth");
    if (cfg_is_auto(sc, "faults.checkpoint_snapshot"))
        cfg->ckpt.snapshot_s = cfg->ckpt.size_bytes /
                               (double)(gpus > 0 ? gpus : 1) / SNAPSHOT_BW;
    else
        cfg->ckpt.snapshot_s = cfg_get_time_s(sc, "faults.checkpoint_snapshot");
    cfg->replications = (int32_t)cfg_get_int(sc, "faults.replications");
    cfg->max_wall_factor = MAX_WALL_FACTOR;
    return SIM_OK;
}

double flt_scenario_comm_fraction(const cfg_scenario_t *sc)
{
    return cfg_get_double(sc, "faults.comm_fraction");
}

double flt_scenario_work_s(const cfg_scenario_t *sc, double model_work_s)
{
    if (cfg_is_auto(sc, "faults.work"))
        return model_work_s;
    return cfg_get_time_s(sc, "faults.work");
}
