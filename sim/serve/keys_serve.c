/*
 * keys_serve.c — [service], [traffic] and [slo] key tables (see
 * keys_serve.h).  Defaults follow DESIGN.md's serving example where it
 * gives one; engine defaults cite vLLM's documentation (engine arguments:
 * block_size 16, gpu_memory_utilization 0.9) and Vidur (watermark).
 */
#include "sim/serve/keys_serve.h"

#include "sim/serve/autoscale.h"

const char *const sim_serve_routers[] = {"round-robin", "least-outstanding",
                                         "shortest-queue", NULL};
const char *const sim_serve_kinds[] = {"llm", "fixed-work", NULL};
const char *const sim_serve_dtypes[] = {"bf16", "fp8", NULL};
const char *const sim_serve_arrivals[] = {"poisson", "gamma", "diurnal",
                                          "spike",   "trace", "closed",
                                          NULL};
const char *const sim_serve_dists[] = {"fixed", "uniform", "lognormal",
                                       "exponential", NULL};
const char *const sim_serve_traces[] = {"azure-code", "azure-conv",
                                        "mooncake",   "genai",
                                        "file",       NULL};

const cfg_key_t sim_serve_keys_service[] = {
    {"service", "kind", CFG_ENUM, "llm", 0, 0, sim_serve_kinds, 0,
     "llm (continuous batching) or fixed-work (diffusion: GPU-seconds per "
     "request, batched)"},
    {"service", "model", CFG_STRING, "llama3-8b", 0, 0, NULL, 0,
     "model shape: llama3-8b, llama3-70b, llama2-7b, qwen2.5-14b, "
     "qwen3-32b, qwen3-30b-a3b (MoE: 128 experts, top-8) (shapes from the "
     "models' Hugging Face config.json)"},
    {"service", "gpu", CFG_STRING, "H100", 0, 0, NULL, 0,
     "GPU type from the hardware catalog"},
    {"service", "tp", CFG_INT, "1", 1, 64, NULL, 0,
     "tensor-parallel GPUs per replica"},
    {"service", "replicas", CFG_INT, "1", 1, 1000000, NULL, 0,
     "model replicas"},
    {"service", "ep", CFG_INT, "1", 1, 64, NULL, 0,
     "expert parallelism across data-parallel replicas (vLLM "
     "data_parallel_size with enable_expert_parallel): groups of ep "
     "replicas share an MoE model's experts and step in lockstep, two "
     "all-to-alls per MoE layer; needs an MoE model, tp = 1, a fixed fleet "
     "and replicas a multiple of ep"},
    {"service", "dtype", CFG_ENUM, "bf16", 0, 0, sim_serve_dtypes, 0,
     "weight and GEMM data type (KV cache stays BF16)"},
    {"service", "max_num_seqs", CFG_INT, "256", 1, 1000000, NULL, 0,
     "sequences per iteration (vLLM max_num_seqs default 256)"},
    {"service", "max_batched_tokens", CFG_INT, "8192", 1, 10000000, NULL, 0,
     "tokens per iteration (vLLM max_num_batched_tokens); prefill is "
     "chunked to fit"},
    {"service", "router", CFG_ENUM, "least-outstanding", 0, 0,
     sim_serve_routers, 0,
     "request router: round-robin, least-outstanding (Vidur's LOR), "
     "shortest-queue (join the shortest waiting queue)"},
    {"service", "block_size", CFG_INT, "16", 1, 4096, NULL, 0,
     "KV-cache block in tokens (vLLM default 16)"},
    {"service", "gpu_memory_utilization", CFG_RATIO, "0.9", 0.01, 1, NULL, 0,
     "fraction of HBM for weights, activations and KV cache (vLLM default "
     "0.9)"},
    {"service", "kv_blocks", CFG_INT, "auto", 1, 1e12, NULL, CFG_F_AUTO,
     "KV blocks per replica; auto = derived from HBM, weights and "
     "activation reserve"},
    {"service", "prefix_cache", CFG_BOOL, "off", 0, 0, NULL, 0,
     "reuse cached prefix blocks (needs a trace with hash_ids: mooncake)"},
    {"service", "async_scheduling", CFG_BOOL, "off", 0, 0, NULL, 0,
     "plan iteration N+1 when N launches (vLLM's default from v0.14.0): a "
     "request arriving during a step joins the step after next"},
    {"service", "step_overhead", CFG_TIME, "0s", 0, 1, NULL, 0,
     "fixed scheduler/launch overhead added to each iteration"},
    {"service", "batch_alpha", CFG_DOUBLE, "1", 0, 100, NULL, 0,
     "fixed-work batching: a batch of b takes max(work)*(1+alpha*(b-1)); "
     "1 = no batching gain"},
    {"service", "disaggregated", CFG_BOOL, "off", 0, 0, NULL, 0,
     "separate prefill and decode pools with KV transfer between them "
     "(Splitwise/DistServe); replicas is then unused; fixed fleet only"},
    {"service", "prefill_replicas", CFG_INT, "1", 1, 1000000, NULL, 0,
     "disaggregated: replicas that run prompts"},
    {"service", "decode_replicas", CFG_INT, "1", 1, 1000000, NULL, 0,
     "disaggregated: replicas that generate tokens"},
    {"service", "kv_link_bandwidth", CFG_BANDWIDTH, "auto", 0, 1e15, NULL,
     CFG_F_AUTO,
     "disaggregated: KV-transfer bandwidth of one prefill replica; auto = "
     "400Gbps per GPU x tp (one ConnectX-7 NIC per GPU, DGX H100 / "
     "Alibaba HPN)"},
    {"service", "kv_link_latency", CFG_TIME, "10us", 0, 1, NULL, 0,
     "disaggregated: fixed latency of one KV transfer"},
    CFG_KEY_END,
};

const cfg_key_t sim_serve_keys_traffic[] = {
    {"traffic", "arrival", CFG_ENUM, "poisson", 0, 0, sim_serve_arrivals, 0,
     "arrival process: poisson, gamma (bursty, see cv), diurnal, spike "
     "(flash crowd), trace (replay), closed (clients with think time)"},
    {"traffic", "clients", CFG_INT, "16", 1, 10000000, NULL, 0,
     "closed: concurrent clients, each sending its next request a think "
     "time after its last one finished"},
    {"traffic", "think_time", CFG_TIME, "1s", 0, 1e9, NULL, 0,
     "closed: mean think time (exponential; 0 = none)"},
    {"traffic", "rate", CFG_RATE, "4/s", 1e-9, 1e9, NULL, 0,
     "mean (diurnal) or base (spike) arrival rate"},
    {"traffic", "cv", CFG_DOUBLE, "1", 0.01, 100, NULL, 0,
     "gamma: coefficient of variation of inter-arrival times (1 = "
     "Poisson)"},
    {"traffic", "requests", CFG_COUNT, "1200", 0, 1e12, NULL, 0,
     "stop after this many requests (0 = no limit)"},
    {"traffic", "duration", CFG_TIME, "0s", 0, 1e9, NULL, 0,
     "stop arrivals at this time (0 = no limit)"},
    {"traffic", "peak_to_trough", CFG_DOUBLE, "3", 1, 1e6, NULL, 0,
     "diurnal: peak/trough rate ratio of the daily sinusoid"},
    {"traffic", "peak_hour", CFG_DOUBLE, "14", 0, 23.999, NULL, 0,
     "diurnal: hour of the daily peak"},
    {"traffic", "curve", CFG_ENUM, "sine", 0, 0,
     (const char *const[]){"sine", "servegen", NULL}, 0,
     "diurnal: sine, or servegen (the 24-hour shape of Alibaba ServeGen "
     "m-large, 162 clients over 14 days)"},
    {"traffic", "spike_factor", CFG_DOUBLE, "10", 1, 1e6, NULL, 0,
     "spike: rate multiplier at the spike"},
    {"traffic", "spike_at", CFG_TIME, "10min", 0, 1e9, NULL, 0,
     "spike: when the rate jumps"},
    {"traffic", "spike_half_life", CFG_TIME, "5min", 1e-3, 1e9, NULL, 0,
     "spike: half-life of the decay back to the base rate"},
    {"traffic", "prompt_tokens", CFG_COUNT, "128", 1, 1e7, NULL, 0,
     "prompt tokens (the mean for lognormal/exponential, the low end for "
     "uniform)"},
    {"traffic", "prompt_dist", CFG_ENUM, "fixed", 0, 0, sim_serve_dists, 0,
     "prompt length distribution"},
    {"traffic", "prompt_cv", CFG_DOUBLE, "1", 0, 100, NULL, 0,
     "lognormal: coefficient of variation of prompt lengths"},
    {"traffic", "prompt_max", CFG_COUNT, "0", 0, 1e7, NULL, 0,
     "uniform: high end; otherwise a clamp (0 = none)"},
    {"traffic", "output_tokens", CFG_COUNT, "128", 1, 1e7, NULL, 0,
     "output tokens (mean or low end, as prompt_tokens)"},
    {"traffic", "output_dist", CFG_ENUM, "fixed", 0, 0, sim_serve_dists, 0,
     "output length distribution"},
    {"traffic", "output_cv", CFG_DOUBLE, "1", 0, 100, NULL, 0,
     "lognormal: coefficient of variation of output lengths"},
    {"traffic", "output_max", CFG_COUNT, "0", 0, 1e7, NULL, 0,
     "uniform: high end; otherwise a clamp (0 = none)"},
    {"traffic", "sizes_from", CFG_ENUM, "none", 0, 0,
     (const char *const[]){"none", "azure-code", "azure-conv", "mooncake",
                           "genai", NULL},
     0,
     "generators: draw prompt and output tokens (or, genai, work) from "
     "this embedded trace's rows instead of the *_dist keys"},
    {"traffic", "work", CFG_TIME, "2s", 1e-6, 1e6, NULL, 0,
     "fixed-work: GPU-seconds per request at batch 1 (mean)"},
    {"traffic", "work_dist", CFG_ENUM, "fixed", 0, 0, sim_serve_dists, 0,
     "fixed-work: work distribution"},
    {"traffic", "trace", CFG_ENUM, "azure-conv", 0, 0, sim_serve_traces, 0,
     "trace: an embedded excerpt (azure-code, azure-conv: Azure LLM 2023; "
     "mooncake: FAST'25; genai: Alibaba diffusion 2026) or file"},
    {"traffic", "trace_file", CFG_STRING, "none", 0, 0, NULL, 0,
     "trace = file: path of an Azure-format CSV"},
    {"traffic", "time_scale", CFG_DOUBLE, "1", 1e-9, 1e9, NULL, 0,
     "trace: multiply arrival times (0.5 = twice as fast)"},
    {"traffic", "rate_scale", CFG_DOUBLE, "1", 1e-9, 1e6, NULL, 0,
     "trace: thin (< 1) or replicate (> 1) requests at constant time"},
    CFG_KEY_END,
};

const cfg_key_t sim_serve_keys_autoscale[] = {
    {"autoscale", "policy", CFG_ENUM, "fixed", 0, 0, sim_autoscale_policies,
     0,
     "fixed (service.replicas throughout), utilisation (Kubernetes HPA), "
     "concurrency (Knative KPA), queue (one replica per target waiting), "
     "schedule (replicas by hour of day)"},
    {"autoscale", "min", CFG_INT, "0", 0, 1000000, NULL, 0,
     "fewest replicas (0 = scale to zero: requests wait at the router)"},
    {"autoscale", "max", CFG_INT, "64", 1, 1000000, NULL, 0,
     "most replicas"},
    {"autoscale", "initial", CFG_INT, "auto", 0, 1000000, NULL, CFG_F_AUTO,
     "replicas warm at the start; auto = service.replicas (clamped to "
     "min..max)"},
    {"autoscale", "target", CFG_DOUBLE, "0.7", 1e-6, 1e6, NULL, 0,
     "utilisation: busy fraction in (0, 1]; concurrency: requests in "
     "system per replica; queue: waiting requests per added replica"},
    {"autoscale", "interval", CFG_TIME, "10s", 1e-3, 1e6, NULL, 0,
     "evaluation period of the autoscaler"},
    {"autoscale", "scale_up_delay", CFG_TIME, "0s", 0, 1e7, NULL, 0,
     "scale-up stabilisation window: a rise must last this long (HPA "
     "default 0 s)"},
    {"autoscale", "scale_down_delay", CFG_TIME, "5min", 0, 1e7, NULL, 0,
     "scale-down stabilisation window (HPA default 300 s)"},
    {"autoscale", "cold_start", CFG_TIME, "30s", 0, 1e6, NULL, 0,
     "container start before the weight load (DESIGN.md's example 30 s)"},
    {"autoscale", "weight_load", CFG_ENUM, "bandwidth", 0, 0,
     (const char *const[]){"bandwidth", "genai", NULL}, 0,
     "weight load time: bandwidth (model bytes / storage_bandwidth) or "
     "genai (draws from the Alibaba GenAI trace's base-model load "
     "latencies)"},
    {"autoscale", "storage_bandwidth", CFG_BANDWIDTH, "2GB/s", 0, 1e15,
     NULL, 0,
     "bandwidth of the weight load from storage to a replica (0 = "
     "instant)"},
    {"autoscale", "weights", CFG_BYTES, "auto", 0, 1e15, NULL, CFG_F_AUTO,
     "bytes a replica loads; auto = parameters x dtype bytes"},
    {"autoscale", "gpu_cap", CFG_INT, "0", 0, 100000000, NULL, 0,
     "GPUs the provider can supply (0 = unlimited): replicas <= cap/tp"},
    {"autoscale", "schedule", CFG_STRING, "none", 0, 0, NULL, 0,
     "schedule: 24 comma-separated replica counts, hour 0 first"},
    {"autoscale", "billing", CFG_ENUM, "reserved", 0, 0, sim_billing_names,
     0,
     "cost_usd: reserved (peak replicas always on), elastic (per-second "
     "replica time incl. cold starts), mixed (reserved base + elastic "
     "burst)"},
    {"autoscale", "reserved", CFG_INT, "0", 0, 1000000, NULL, 0,
     "mixed billing: replicas reserved always on"},
    CFG_KEY_END,
};

const cfg_key_t sim_serve_keys_slo[] = {
    {"slo", "ttft", CFG_TIME, "2s", 1e-9, 1e9, NULL, 0,
     "time-to-first-token bound (Vidur's analysis uses TTFT-P90 < 2 s)"},
    {"slo", "tpot", CFG_TIME, "100ms", 1e-9, 1e9, NULL, 0,
     "time-per-output-token bound (first token excluded)"},
    {"slo", "attainment", CFG_RATIO, "0.99", 0, 1, NULL, 0,
     "fraction of requests that must meet both bounds"},
    {"slo", "series_interval", CFG_TIME, "60s", 1e-3, 1e9, NULL, 0,
     "bucket of the reported time series (arrivals, queue, batch)"},
    CFG_KEY_END,
};
