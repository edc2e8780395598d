/*
 * serve_config.c — a serving run's configuration (model in serve.h):
 * defaults, the GPU's profile and link figures, the KV-cache size and the
 * consistency check run before anything is simulated.
 */
#include "sim/serve/serve.h"

#include <math.h>
#include <string.h>

#include "sim/serve/serve_int.h"
#include "workloads/gpu_profile.h"

/* Defaults, with their sources (also shown in keys_serve.c):
 * H100 SXM: 80 GB HBM3, NVLink 900 GB/s bidirectional = 450 GB/s per
 * direction (NVIDIA H100 datasheet; catalog convention in gpus.ini).
 * All-reduce latency 5 us: NCCL small-message all-reduce on one NVLink
 * node is a few microseconds (nccl-tests on DGX H100, order of magnitude;
 * uncertain). */
#define DEFAULT_MEM_BYTES 80e9
#define DEFAULT_NVLINK_BW 450e9
#define DEFAULT_AR_LATENCY_S 5e-6
/* KV-link latency per transfer: an RDMA write's setup plus a few switch
 * hops, order of 10 us (SimAI's HPN template models 0.5 us per NIC;
 * catalog-facts.md [S26]); uncertain. */
#define DEFAULT_KV_LINK_LATENCY_S 10e-6

void sim_serve_config_defaults(sim_serve_config_t *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->kind = WL_REQ_LLM;
    (void)sim_serve_model_builtin("llama3-8b", &cfg->model, NULL);
    (void)sim_compute_profile_builtin("H100", &cfg->profile, NULL);
    cfg->gpu_mem_bytes = DEFAULT_MEM_BYTES;
    cfg->nvlink_bw = DEFAULT_NVLINK_BW;
    cfg->nvlink_latency_s = DEFAULT_AR_LATENCY_S;
    cfg->tp = 1;
    cfg->replicas = 1;
    cfg->ep = 1;
    cfg->dtype = SIM_COMPUTE_BF16;
    cfg->max_num_seqs = 256;
    cfg->max_batched_tokens = 8192;
    cfg->block_tokens = 16;
    cfg->gpu_mem_util = 0.9;
    cfg->act_reserve_bytes = -1.0;
    cfg->batch_alpha = 1.0;
    cfg->router = SIM_SERVE_ROUTER_ROUND_ROBIN;
    cfg->slo_ttft_s = 2.0;
    cfg->slo_tpot_s = 0.1;
    cfg->series_interval_s = 60.0;
    sim_autoscale_defaults(&cfg->autoscale);
    cfg->initial_replicas = -1;
    cfg->seed = 1;
    cfg->prefill_replicas = cfg->decode_replicas = 1;
    cfg->kv_link_latency_s = DEFAULT_KV_LINK_LATENCY_S;
}

sim_err_t sim_serve_config_set_gpu(sim_serve_config_t *cfg,
                                   const wl_gpu_t *gpu, sim_diag_t *diag)
{
    sim_diag_t quiet = SIM_DIAG_INIT;
    cfg->gpu_mem_bytes = gpu->memory_bytes;
    cfg->nvlink_bw = gpu->nvlink_bw;
    sim_err_t err = wl_gpu_profile(gpu, NULL, &cfg->profile, &quiet);
    if (err == SIM_ERR_NOTFOUND) {
        double peaks[SIM_COMPUTE_DTYPE__COUNT] = {0};
        peaks[SIM_COMPUTE_BF16] = gpu->bf16_flops / 1e12;
        peaks[SIM_COMPUTE_FP16] = gpu->bf16_flops / 1e12;
        peaks[SIM_COMPUTE_FP8] = gpu->fp8_flops / 1e12;
        peaks[SIM_COMPUTE_TF32] = gpu->tf32_flops / 1e12;
        peaks[SIM_COMPUTE_FP32] = gpu->fp32_flops / 1e12;
        sim_compute_profile_init(&cfg->profile, gpu->name, peaks,
                                 gpu->mem_bw / 1e9, cfg->profile.pcie_GBps);
    } else if (err != SIM_OK) {
        /* a shipped profile that does not parse: a build defect */
        if (diag != NULL)
            *diag = quiet;
        return err;
    }
    sim_serve_perf_half_from_fp8(&cfg->profile);
    return SIM_OK;
}

sim_serve_perf_t serve_perf_of(const sim_serve_config_t *cfg)
{
    sim_serve_perf_t p;
    memset(&p, 0, sizeof p);
    p.model = cfg->model;
    p.profile = cfg->profile;
    p.tp = cfg->tp;
    p.dtype = cfg->dtype;
    p.nvlink_bw = cfg->nvlink_bw;
    p.nvlink_latency_s = cfg->nvlink_latency_s;
    p.ar_curve = cfg->ar_curve;
    p.step_overhead_s = cfg->step_overhead_s;
    p.ep = cfg->ep > 1 ? cfg->ep : 1;
    return p;
}

int64_t sim_serve_config_kv_blocks(const sim_serve_config_t *cfg)
{
    if (cfg->kv_blocks > 0)
        return cfg->kv_blocks;
    sim_serve_perf_t p = serve_perf_of(cfg);
    return sim_serve_kv_blocks(&p, cfg->gpu_mem_bytes, cfg->gpu_mem_util,
                               cfg->act_reserve_bytes,
                               cfg->max_batched_tokens, cfg->block_tokens);
}

#define RANGE(cond, key, ...)                                                \
    do {                                                                     \
        if (!(cond))                                                         \
            return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, key,           \
                                __VA_ARGS__);                                \
    } while (0)

sim_err_t sim_serve_config_check(const sim_serve_config_t *cfg,
                                 sim_diag_t *diag)
{
    RANGE(cfg->replicas >= 1 && cfg->replicas <= 1000000,
          "service.replicas", "replicas must lie in [1, 1e6], got %d",
          cfg->replicas);
    RANGE(cfg->max_num_seqs >= 1 && cfg->max_num_seqs <= 1000000,
          "service.max_num_seqs", "max_num_seqs must lie in [1, 1e6]");
    RANGE(cfg->closed_clients >= 0 && cfg->closed_clients <= 10000000 &&
              cfg->think_s >= 0.0 && isfinite(cfg->think_s),
          "traffic.clients", "clients must lie in [0, 1e7], think >= 0");
    RANGE(cfg->series_interval_s > 0.0, "serve.series_interval",
          "the series interval must be positive");
    RANGE(cfg->slo_ttft_s > 0.0 && cfg->slo_tpot_s > 0.0, "slo.ttft",
          "SLO bounds must be positive");
    /* The planned-ahead cut-off is not applied to prefill-to-decode
     * hand-offs, so the two are not combined. */
    RANGE(!(cfg->async_sched && cfg->disaggregated),
          "service.async_scheduling", "async scheduling is not modelled "
          "for disaggregated prefill/decode pools; turn one of them off");
    sim_err_t ae = sim_autoscale_check(&cfg->autoscale, diag);
    if (ae == SIM_OK)
        ae = serve_disagg_check(cfg, diag);
    if (ae != SIM_OK)
        return ae;
    RANGE(cfg->autoscale.policy == SIM_AUTOSCALE_FIXED ||
              sim_autoscale_ceiling(&cfg->autoscale, cfg->tp) >= 1,
          "autoscale.gpu_cap", "the GPU cap leaves room for no replica of "
                               "%d GPUs",
          cfg->tp);
    if (cfg->kind == WL_REQ_FIXED_WORK) {
        RANGE(cfg->batch_alpha >= 0.0 && isfinite(cfg->batch_alpha),
              "service.batch_alpha", "batch_alpha must be >= 0");
        RANGE(cfg->n_batch_curve <= SIM_SERVE_MAX_CURVE,
              "service.batch_curve", "at most %d curve points",
              SIM_SERVE_MAX_CURVE);
        for (size_t i = 0; i < cfg->n_batch_curve; i++)
            RANGE(cfg->batch_curve[i] > 0.0 && isfinite(cfg->batch_curve[i]),
                  "service.batch_curve", "curve point %zu must be > 0", i);
        return SIM_OK;
    }
    RANGE(cfg->kind == WL_REQ_LLM, "service.kind", "unknown service kind");
    sim_err_t e = sim_serve_model_check(&cfg->model, diag);
    if (e != SIM_OK)
        return e;
    RANGE(cfg->tp >= 1 && cfg->tp <= 64, "service.tp",
          "tp must lie in [1, 64], got %d", cfg->tp);
    RANGE(cfg->max_batched_tokens >= 1, "service.max_batched_tokens",
          "max_batched_tokens must be >= 1");
    RANGE(cfg->block_tokens >= 1 && cfg->block_tokens <= 4096,
          "service.block_size", "block size must lie in [1, 4096]");
    RANGE(cfg->gpu_mem_util > 0.0 && cfg->gpu_mem_util <= 1.0,
          "service.gpu_memory_utilization",
          "gpu_memory_utilization must lie in (0, 1]");
    RANGE(cfg->gpu_mem_bytes > 0.0, "service.gpu", "GPU memory must be > 0");
    RANGE(cfg->tp == 1 || cfg->nvlink_bw > 0.0, "service.tp",
          "tp > 1 needs an NVLink bandwidth");
    RANGE(cfg->step_overhead_s >= 0.0 && cfg->nvlink_latency_s >= 0.0,
          "service.step_overhead", "overheads must be >= 0");
    e = sim_serve_ar_curve_check(&cfg->ar_curve, diag);
    if (e != SIM_OK)
        return e;
    RANGE(cfg->ep >= 1 && cfg->ep <= SIM_SERVE_MAX_EP, "service.ep",
          "ep must lie in [1, %d], got %d", SIM_SERVE_MAX_EP, cfg->ep);
    if (cfg->ep > 1) {
        RANGE(cfg->model.experts > 0 && cfg->model.experts % cfg->ep == 0,
              "service.ep", "ep %d needs an MoE model whose experts (%lld) "
                            "it divides",
              cfg->ep, (long long)cfg->model.experts);
        RANGE(cfg->tp == 1 && !cfg->disaggregated &&
                  cfg->autoscale.policy == SIM_AUTOSCALE_FIXED &&
                  cfg->replicas % cfg->ep == 0,
              "service.ep", "ep %d needs tp 1, a fixed fleet, no "
                            "disaggregation and replicas (%d) a multiple "
                            "of ep",
              cfg->ep, cfg->replicas);
    }
    if (sim_serve_config_kv_blocks(cfg) < 1)
        return sim_diag_set(diag, SIM_ERR_INFEASIBLE, NULL, 0,
                            "service.tp",
                            "model %s does not fit: its weights (%.3g GB "
                            "per GPU at tp %d) and activations leave no "
                            "KV-cache block",
                            cfg->model.name,
                            sim_serve_model_params(&cfg->model) *
                                sim_compute_dtype_bytes(cfg->dtype) /
                                cfg->tp / 1e9,
                            cfg->tp);
    return SIM_OK;
}
