/*
 * keys_plan.c — the [plan] key table of `gpusim plan` (sim/plan/plan.h):
 * the target, the space (vary, bisect, search), supply caps, fallback
 * prices and the target values.
 *
 * Syntax chosen so the INI loader expresses it with one key each (a key
 * may appear once per section):
 *   vary   = cluster.gpus=512:4096:x2; cluster.gpu=H800,H20; cost.pricing=on-demand,owned
 *   supply = H800:2048, A800:1024
 *   price  = H20:1.50
 * Defaults carry no data from papers: deadline 30 d, TTFT p99 2 s and a
 * 1 h queueing p99 are the example targets (issue 8).
 */
#include <stddef.h>

#include "sim/plan/plan.h"

const char *const plan_target_names[] = {"train-deadline", "serve-slo", "queue-delay", NULL};

static const char *const search_names[] = {"bisect", "exhaustive", NULL};

const cfg_key_t plan_keys[] = {
    {"plan", "target", CFG_ENUM, "train-deadline", 0, 0, plan_target_names, 0,
     "what the plan must meet: train-deadline (p90 time to train with [faults] "
     "enabled, else the fault-free time, <= plan.deadline; runs gpusim train), "
     "serve-slo (p99 TTFT <= plan.ttft_p99, and tpot_p99 / attainment when set; "
     "gpusim serve) or queue-delay (p99 queueing delay <= plan.queue_p99; "
     "gpusim cluster)"},
    {"plan", "vary", CFG_STRING, "none", 0, 0, NULL, 0,
     "the search space: axes KEY=LIST separated by ';'; a LIST is V1,V2,... or "
     "a range LO:HI:xF (times F), LO:HI:+S or LO:HI (step 1), e.g. "
     "cluster.gpus=512:4096:x2; cluster.gpu=H800,A800; cost.pricing=on-demand,owned"},
    {"plan", "bisect", CFG_STRING, "auto", 0, 0, NULL, 0,
     "the monotone axis searched by bisection for its smallest value that meets "
     "the target (none = no bisection); auto = cluster.gpus (train, queue) or "
     "service.replicas (serve) when varied"},
    {"plan", "search", CFG_ENUM, "bisect", 0, 0, search_names, 0,
     "bisect (simulate only what bisection needs) or exhaustive (simulate every "
     "candidate that survives pruning: a fuller frontier, more simulations)"},
    {"plan", "supply", CFG_STRING, "none", 0, 0, NULL, 0,
     "supply caps GPU:N, ... (most GPUs of a type the plan may use), e.g. "
     "H800:2048; none = no caps"},
    {"plan", "price", CFG_STRING, "none", 0, 0, NULL, 0,
     "fallback rented prices GPU:USD-per-GPU-hour, ... for GPUs the price "
     "catalog has no offer for under a rented pricing mode; state your source "
     "in the scenario"},
    {"plan", "deadline", CFG_TIME, "30d", 1, 1e10, NULL, 0,
     "train-deadline: the longest acceptable time to train"},
    {"plan", "ttft_p99", CFG_TIME, "2s", 1e-6, 1e6, NULL, 0,
     "serve-slo: the longest acceptable p99 time to first token (the metric)"},
    {"plan", "tpot_p99", CFG_TIME, "0s", 0, 1e6, NULL, 0,
     "serve-slo: the longest acceptable p99 time per output token; 0 = not checked"},
    {"plan", "attainment", CFG_RATIO, "0", 0, 1, NULL, 0,
     "serve-slo: the least acceptable SLO attainment (share of requests within "
     "[slo] ttft and tpot); 0 = not checked"},
    {"plan", "queue_p99", CFG_TIME, "1h", 0, 1e10, NULL, 0,
     "queue-delay: the longest acceptable p99 queueing delay of the trace's jobs"},
    CFG_KEY_END,
};
