/*
 * cmd_serve.c — `gpusim serve`: simulate an inference service from a
 * scenario ([service], [traffic], [slo], [autoscale]) and report latency
 * percentiles, throughput, SLO attainment, the fleet's size over time and
 * its cost.  A thin wrapper: scenario -> sim_serve_config_t + request
 * stream -> sim_serve_run -> result object, table and series.
 *
 * Assumes: every value the scenario loader accepted is in range for its
 * type; what only the catalogs or the model can judge (GPU and model
 * names, fit in memory, schedule text) is checked here or in the library,
 * and the error is pinned to the key's file:line through cfg_origin.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/cli/commands.h"
#include "sim/cli/runner.h"
#include "sim/cli/session.h"
#include "sim/config/keys.h"
#include "sim/core/jsonout.h"
#include "sim/cost/keys_cost.h"
#include "sim/serve/keys_serve.h"
#include "sim/serve/serve.h"
#include "workloads/embedded.h"
#include "workloads/hwcat.h"
#include "workloads/trace_requests.h"
#include "workloads/traffic.h"

static const cfg_key_t *const tables[] = {
    cfg_keys_run,          sim_serve_keys_service,   sim_serve_keys_traffic,
    sim_serve_keys_slo,    sim_serve_keys_autoscale, cfg_keys_cost, NULL};

/* Indices of traffic.arrival (sim_serve_arrivals order). */
enum { ARR_POISSON, ARR_GAMMA, ARR_DIURNAL, ARR_SPIKE, ARR_TRACE, ARR_CLOSED };

/* Everything a request stream is built from; owned, freed by
 * source_release. */
typedef struct source {
    wl_traffic_t *gen;
    wl_reqtrace_t *trace;
    wl_replay_t *replay;
    wl_reqtrace_t *sizes;       /* traffic.sizes_from */
    double *prompt, *output, *work; /* empirical samples from sizes */
    double *load;            /* cold-start load samples (seconds) */
    size_t n_load;
    wl_request_stream_t stream;
} source_t;

static void source_release(source_t *src)
{
    wl_replay_free(src->replay);
    wl_reqtrace_free(src->trace);
    wl_traffic_free(src->gen);
    wl_reqtrace_free(src->sizes);
    free(src->prompt);
    free(src->output);
    free(src->work);
    free(src->load);
    memset(src, 0, sizeof *src);
}

/* Give a library diagnostic that names a key but no file the key's
 * scenario origin, so the user sees file:line: key. */
static sim_err_t pin(const cfg_scenario_t *sc, sim_diag_t *diag,
                     sim_err_t err)
{
    if (err == SIM_OK || diag->file[0] != '\0' || diag->key[0] == '\0' ||
        !cfg_has_key(sc, diag->key))
        return err;
    const char *file = NULL;
    int line = 0;
    cfg_origin(sc, diag->key, &file, &line);
    if (file != NULL && file[0] != '\0') {
        snprintf(diag->file, sizeof diag->file, "%s", file);
        diag->line = line;
    }
    return err;
}

/* An error about key with its origin. */
#define KEY_ERR(sc, diag, code, key, ...)                                    \
    pin(sc, diag, sim_diag_set(diag, code, NULL, 0, key, __VA_ARGS__))

/* autoscale.schedule: "none" or 24 comma-separated counts. */
static sim_err_t parse_schedule(const cfg_scenario_t *sc, double out[24],
                                sim_diag_t *diag)
{
    const char *text = cfg_get_str(sc, "autoscale.schedule");
    if (strcmp(text, "none") == 0)
        return SIM_OK;
    const char *p = text;
    for (int h = 0; h < 24; h++) {
        char *end;
        double v = strtod(p, &end);
        if (end == p || !(v >= 0.0) || !isfinite(v))
            return KEY_ERR(sc, diag, SIM_ERR_INPUT, "autoscale.schedule",
                           "expected 24 comma-separated replica counts "
                           ">= 0, entry %d is not one",
                           h);
        out[h] = v;
        while (*end == ' ')
            end++;
        if (h < 23 && *end != ',')
            return KEY_ERR(sc, diag, SIM_ERR_INPUT, "autoscale.schedule",
                           "expected 24 comma-separated replica counts, "
                           "got %d",
                           h + 1);
        p = end + (h < 23);
        if (h == 23 && *end != '\0')
            return KEY_ERR(sc, diag, SIM_ERR_INPUT, "autoscale.schedule",
                           "more than 24 entries");
    }
    return SIM_OK;
}

static sim_err_t embedded_text(const char *path, const char **text,
                               size_t *len, const char *key,
                               const cfg_scenario_t *sc, sim_diag_t *diag)
{
    const wl_embedded_file_t *f = wl_embedded_find(path);
    if (f == NULL)
        return KEY_ERR(sc, diag, SIM_ERR_NOTFOUND, key,
                       "%s is not embedded in this build", path);
    *text = f->data;
    *len = f->size;
    return SIM_OK;
}

/* [service], [slo], [autoscale] into cfg (catalog look-ups included). */
static sim_err_t config_from(const cfg_scenario_t *sc, uint64_t seed,
                             sim_serve_config_t *cfg, source_t *src,
                             sim_diag_t *diag)
{
    wl_hwcat_t *cat = NULL;
    const wl_gpu_t *gpu = NULL;
    sim_autoscale_config_t *a = &cfg->autoscale;
    sim_err_t err;

    sim_serve_config_defaults(cfg);
    cfg->seed = seed;
    err = wl_hwcat_load(&cat, diag);
    if (err != SIM_OK)
        return err;
    err = wl_hwcat_lookup(cat, cfg_get_str(sc, "service.gpu"), &gpu, diag);
    if (err != SIM_OK) {
        snprintf(diag->key, sizeof diag->key, "service.gpu");
        err = pin(sc, diag, err);
        goto done;
    }
    err = sim_serve_config_set_gpu(cfg, gpu, diag);
    if (err != SIM_OK)
        goto done;
    err = pin(sc, diag,
              sim_serve_model_builtin(cfg_get_str(sc, "service.model"),
                                      &cfg->model, diag));
    if (err != SIM_OK)
        goto done;
    cfg->kind = (wl_req_kind_t)cfg_get_enum(sc, "service.kind");
    cfg->tp = (int)cfg_get_int(sc, "service.tp");
    cfg->replicas = (int)cfg_get_int(sc, "service.replicas");
    cfg->ep = (int)cfg_get_int(sc, "service.ep");
    cfg->dtype = cfg_get_enum(sc, "service.dtype") == 1 ? SIM_COMPUTE_FP8
                                                        : SIM_COMPUTE_BF16;
    cfg->max_num_seqs = cfg_get_int(sc, "service.max_num_seqs");
    cfg->max_batched_tokens = cfg_get_int(sc, "service.max_batched_tokens");
    cfg->router = (sim_serve_router_t)cfg_get_enum(sc, "service.router");
    cfg->block_tokens = cfg_get_int(sc, "service.block_size");
    cfg->gpu_mem_util = cfg_get_double(sc, "service.gpu_memory_utilization");
    if (!cfg_is_auto(sc, "service.kv_blocks"))
        cfg->kv_blocks = cfg_get_int(sc, "service.kv_blocks");
    cfg->prefix_cache = cfg_get_bool(sc, "service.prefix_cache");
    cfg->async_sched = cfg_get_bool(sc, "service.async_scheduling");
    cfg->step_overhead_s = cfg_get_time_s(sc, "service.step_overhead");
    cfg->batch_alpha = cfg_get_double(sc, "service.batch_alpha");
    cfg->disaggregated = cfg_get_bool(sc, "service.disaggregated");
    cfg->prefill_replicas = (int)cfg_get_int(sc, "service.prefill_replicas");
    cfg->decode_replicas = (int)cfg_get_int(sc, "service.decode_replicas");
    if (!cfg_is_auto(sc, "service.kv_link_bandwidth"))
        cfg->kv_link_bw = cfg_get_double(sc, "service.kv_link_bandwidth");
    cfg->kv_link_latency_s = cfg_get_time_s(sc, "service.kv_link_latency");
    cfg->slo_ttft_s = cfg_get_time_s(sc, "slo.ttft");
    cfg->slo_tpot_s = cfg_get_time_s(sc, "slo.tpot");
    cfg->series_interval_s = cfg_get_time_s(sc, "slo.series_interval");

    a->policy = (sim_autoscale_policy_t)cfg_get_enum(sc, "autoscale.policy");
    a->min_replicas = (int)cfg_get_int(sc, "autoscale.min");
    a->max_replicas = (int)cfg_get_int(sc, "autoscale.max");
    if (!cfg_is_auto(sc, "autoscale.initial"))
        cfg->initial_replicas = (int)cfg_get_int(sc, "autoscale.initial");
    a->target = cfg_get_double(sc, "autoscale.target");
    a->interval_s = cfg_get_time_s(sc, "autoscale.interval");
    a->up_delay_s = cfg_get_time_s(sc, "autoscale.scale_up_delay");
    a->down_delay_s = cfg_get_time_s(sc, "autoscale.scale_down_delay");
    a->container_start_s = cfg_get_time_s(sc, "autoscale.cold_start");
    a->storage_bw = cfg_get_double(sc, "autoscale.storage_bandwidth");
    a->weight_bytes = cfg_is_auto(sc, "autoscale.weights")
                          ? sim_serve_model_params(&cfg->model) *
                                sim_compute_dtype_bytes(cfg->dtype)
                          : cfg_get_double(sc, "autoscale.weights");
    if (cfg->kind == WL_REQ_FIXED_WORK && cfg_is_auto(sc, "autoscale.weights"))
        a->weight_bytes = 0.0; /* no LLM shape: the container start only */
    a->gpu_cap = (int)cfg_get_int(sc, "autoscale.gpu_cap");
    a->billing = (sim_billing_t)cfg_get_enum(sc, "autoscale.billing");
    a->reserved_replicas = (int)cfg_get_int(sc, "autoscale.reserved");
    /* Unit prices: the library's reserved/elastic/mixed figures come out
     * in GPU-hours, which serve_price prices under [cost]. */
    a->gpu_hour_usd = 1.0;
    a->reserved_gpu_hour_usd = 1.0;
    err = parse_schedule(sc, a->schedule, diag);
    if (err == SIM_OK && a->policy == SIM_AUTOSCALE_SCHEDULE &&
        strcmp(cfg_get_str(sc, "autoscale.schedule"), "none") == 0)
        err = KEY_ERR(sc, diag, SIM_ERR_INPUT, "autoscale.schedule",
                      "policy = schedule needs 24 replica counts");
    if (err == SIM_OK && cfg_get_enum(sc, "autoscale.weight_load") == 1) {
        const char *text = NULL;
        size_t len = 0;
        err = embedded_text(WL_TRACE_GENAI_LOAD, &text, &len,
                            "autoscale.weight_load", sc, diag);
        if (err == SIM_OK)
            err = wl_reqtrace_latency_samples(text, len, WL_TRACE_GENAI_LOAD,
                                           &src->load, &src->n_load, diag);
        a->load_samples = src->load;
        a->n_load_samples = src->n_load;
    }
    if (err == SIM_OK)
        err = pin(sc, diag, sim_serve_config_check(cfg, diag));
done:
    wl_hwcat_free(cat);
    return err;
}

static wl_dist_t dist_of(const cfg_scenario_t *sc, const char *what)
{
    char k[64];
    wl_dist_t d;
    memset(&d, 0, sizeof d);
    snprintf(k, sizeof k, "traffic.%s_dist", what);
    d.kind = (wl_dist_kind_t)cfg_get_enum(sc, k);
    snprintf(k, sizeof k, "traffic.%s_tokens", what);
    d.a = cfg_get_double(sc, k);
    snprintf(k, sizeof k, "traffic.%s_cv", what);
    d.b = cfg_get_double(sc, k);
    snprintf(k, sizeof k, "traffic.%s_max", what);
    double mx = cfg_get_double(sc, k);
    if (d.kind == WL_DIST_UNIFORM)
        d.b = mx > 0.0 ? mx : d.a;
    d.lo = 1.0;
    d.hi = d.kind == WL_DIST_UNIFORM ? 0.0 : mx;
    return d;
}

/* traffic.sizes_from: empirical samples of the trace's rows. */
static sim_err_t sizes_from_trace(const cfg_scenario_t *sc,
                                  wl_traffic_spec_t *spec, source_t *src,
                                  sim_diag_t *diag)
{
    const char *name = cfg_get_str(sc, "traffic.sizes_from");
    sim_err_t err = pin(sc, diag,
                        wl_reqtrace_load_embedded(name, &src->sizes, diag));
    if (err != SIM_OK)
        return err;
    size_t n = wl_reqtrace_count(src->sizes);
    src->prompt = malloc(n * sizeof *src->prompt);
    src->output = malloc(n * sizeof *src->output);
    src->work = malloc(n * sizeof *src->work);
    if (src->prompt == NULL || src->output == NULL || src->work == NULL)
        return sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL,
                            "out of memory");
    for (size_t i = 0; i < n; i++) {
        const wl_request_t *r = wl_reqtrace_get(src->sizes, i);
        src->prompt[i] = (double)r->prompt_tokens;
        src->output[i] = (double)r->output_tokens;
        src->work[i] = r->work_s;
    }
    wl_dist_t *d[] = {&spec->prompt, &spec->output, &spec->work};
    double *v[] = {src->prompt, src->output, src->work};
    for (int i = 0; i < 3; i++) {
        d[i]->kind = WL_DIST_EMPIRICAL;
        d[i]->sample = v[i];
        d[i]->n = n;
        d[i]->lo = i < 2 ? 1.0 : 0.0;
        d[i]->hi = 0.0;
    }
    return SIM_OK;
}

/* [traffic] into a request stream (and, closed loop, cfg's clients). */
static sim_err_t stream_from(const cfg_scenario_t *sc, uint64_t seed,
                             sim_serve_config_t *cfg, source_t *src,
                             sim_diag_t *diag)
{
    int arrival = cfg_get_enum(sc, "traffic.arrival");
    wl_traffic_spec_t spec;
    double curve[24];
    sim_err_t err;

    if (arrival == ARR_TRACE) {
        const char *name = cfg_get_str(sc, "traffic.trace");
        if (strcmp(name, "file") == 0) {
            const char *path = cfg_get_str(sc, "traffic.trace_file");
            err = wl_reqtrace_load_file(path, WL_TRACE_AZURE, &src->trace, diag);
            if (err != SIM_OK && diag->key[0] == '\0')
                snprintf(diag->key, sizeof diag->key, "traffic.trace_file");
        } else {
            err = wl_reqtrace_load_embedded(name, &src->trace, diag);
        }
        if (err == SIM_OK)
            err = wl_replay_new(src->trace,
                                cfg_get_double(sc, "traffic.time_scale"),
                                cfg_get_double(sc, "traffic.rate_scale"), 1,
                                seed, &src->replay, diag);
        if (err != SIM_OK)
            return pin(sc, diag, err);
        src->stream = wl_replay_stream(src->replay);
        return SIM_OK;
    }
    memset(&spec, 0, sizeof spec);
    spec.kind = cfg->kind;
    spec.arrival.rate = cfg_get_double(sc, "traffic.rate");
    spec.arrival.cv = cfg_get_double(sc, "traffic.cv");
    spec.arrival.peak_to_trough = cfg_get_double(sc, "traffic.peak_to_trough");
    spec.arrival.peak_hour = cfg_get_double(sc, "traffic.peak_hour");
    spec.arrival.spike_factor = cfg_get_double(sc, "traffic.spike_factor");
    spec.arrival.spike_at_s = cfg_get_time_s(sc, "traffic.spike_at");
    spec.arrival.spike_half_life_s =
        cfg_get_time_s(sc, "traffic.spike_half_life");
    switch (arrival) {
    case ARR_GAMMA:
        spec.arrival.kind = WL_ARR_GAMMA;
        break;
    case ARR_DIURNAL:
        spec.arrival.kind = WL_ARR_DIURNAL;
        if (cfg_get_enum(sc, "traffic.curve") == 1) {
            const char *text = NULL;
            size_t len = 0;
            double mean;
            err = embedded_text(WL_TRACE_SERVEGEN_RATE, &text, &len,
                                "traffic.curve", sc, diag);
            if (err == SIM_OK)
                err = wl_reqtrace_daily_curve(text, len, WL_TRACE_SERVEGEN_RATE,
                                           curve, &mean, diag);
            if (err != SIM_OK)
                return err;
            spec.arrival.curve24 = curve;
        }
        break;
    case ARR_SPIKE:
        spec.arrival.kind = WL_ARR_SPIKE;
        break;
    default:
        spec.arrival.kind = WL_ARR_POISSON;
        break;
    }
    spec.prompt = dist_of(sc, "prompt");
    spec.output = dist_of(sc, "output");
    memset(&spec.work, 0, sizeof spec.work);
    spec.work.kind = (wl_dist_kind_t)cfg_get_enum(sc, "traffic.work_dist");
    spec.work.a = cfg_get_time_s(sc, "traffic.work");
    spec.work.b = spec.work.kind == WL_DIST_UNIFORM ? 2.0 * spec.work.a
                                                    : 1.0;
    if (spec.work.kind == WL_DIST_UNIFORM)
        spec.work.a = 0.5 * spec.work.a; /* uniform around the mean */
    spec.max_requests = (int64_t)cfg_get_double(sc, "traffic.requests");
    spec.duration_s = cfg_get_time_s(sc, "traffic.duration");
    if (cfg_get_enum(sc, "traffic.sizes_from") != 0) {
        err = sizes_from_trace(sc, &spec, src, diag);
        if (err != SIM_OK)
            return err;
    }
    if (arrival == ARR_CLOSED) {
        cfg->closed_clients = cfg_get_int(sc, "traffic.clients");
        cfg->think_s = cfg_get_time_s(sc, "traffic.think_time");
        spec.duration_s = 0.0; /* the generator only supplies sizes */
        if (spec.max_requests <= 0)
            return KEY_ERR(sc, diag, SIM_ERR_RANGE, "traffic.requests",
                           "a closed loop needs a request count > 0");
    }
    err = wl_traffic_new(&spec, seed, &src->gen, diag);
    if (err != SIM_OK)
        return pin(sc, diag, err);
    src->stream = wl_traffic_stream(src->gen);
    return SIM_OK;
}

/* ---- cost: [cost] prices the GPU-time that autoscale.billing pays -------- */

/*
 * The run's cost under [cost] (sim/cost/cost.h).  autoscale.billing says
 * which GPU-time is paid for: reserved = the peak fleet for the whole run;
 * elastic = provisioned replica time, cold starts included (serverless
 * pricing: the busy share of it plus the cold starts); mixed =
 * autoscale.reserved replicas for the whole run under cost.pricing plus
 * the burst above them at the provider's on-demand price (at the same
 * price when the catalog has no on-demand offer or provider = custom).
 * cost.pricing says what a GPU-hour of it costs.  A GPU the catalog does
 * not price, with no price in the scenario, leaves the costs NaN and a
 * note (the latency results stand on their own).
 */
typedef struct serve_price {
    bool priced;
    char note[256];
    sim_cost_result_t res; /* of the configured billing */
} serve_price_t;

/* base with the on-demand price of its provider, when the catalog has it. */
static void burst_config(const sim_cost_config_t *base, sim_cost_config_t *od)
{
    *od = *base;
    if (base->pricing == SIM_COST_ON_DEMAND || strcmp(base->provider, "custom") == 0)
        return;
    sim_cost_prices_t *prices = NULL;
    const sim_cost_offer_t *offer = NULL;
    bool owned = base->pricing == SIM_COST_OWNED;
    if (sim_cost_prices_load(&prices, NULL) == SIM_OK &&
        sim_cost_prices_lookup(prices, owned ? NULL : base->provider, base->gpu,
                               SIM_COST_ON_DEMAND, &offer, NULL) == SIM_OK) {
        od->pricing = SIM_COST_ON_DEMAND;
        od->gpu_hour_usd = offer->price[SIM_COST_ON_DEMAND];
        snprintf(od->provider, sizeof od->provider, "%s", offer->provider);
    }
    sim_cost_prices_free(prices);
}

/* Cost of gpus GPUs held for gpu_hours / gpus hours. */
static sim_err_t price_hours(const sim_cost_config_t *c, const sim_cost_usage_t *proto,
                             int64_t gpus, double gpu_hours, sim_cost_result_t *out,
                             sim_diag_t *diag)
{
    sim_cost_usage_t u = *proto;
    u.gpus = gpus > 0 ? gpus : 1;
    u.wall_s = gpu_hours > 0 ? gpu_hours * 3600.0 / (double)u.gpus : 0.0;
    return sim_cost_compute(c, &u, out, diag);
}

/* Price r's fleet (r's cost fields are GPU-hours on entry, see
 * config_from) and overwrite r's cost fields with dollars. */
static sim_err_t serve_price(const cfg_scenario_t *sc, const sim_serve_config_t *cfg,
                             sim_serve_result_t *r, serve_price_t *p, sim_diag_t *diag)
{
    sim_cost_config_t base, od;
    sim_diag_t local = SIM_DIAG_INIT;
    memset(p, 0, sizeof *p);
    sim_err_t err =
        sim_cost_config_from_scenario(sc, cfg_get_str(sc, "service.gpu"), &base, &local);
    if (err == SIM_ERR_NOTFOUND && cfg_is_auto(sc, "cost.provider") &&
        cfg_is_auto(sc, "cost.gpu_hour_usd")) {
        snprintf(p->note, sizeof p->note, "not priced: %.200s", local.msg);
        r->cost.reserved_usd = r->cost.elastic_usd = r->cost.mixed_usd = NAN;
        r->cost.cost_usd = r->cost_per_mtok_usd = r->cost_per_request_usd = NAN;
        return SIM_OK;
    }
    if (err != SIM_OK) {
        *diag = local;
        return err;
    }
    burst_config(&base, &od);
    int64_t tp = cfg->tp;
    int64_t peak = (int64_t)r->replicas_max * tp;
    int64_t base_gpus = (int64_t)cfg->autoscale.reserved_replicas * tp;
    double h_base = (double)base_gpus * r->end_s / 3600.0;
    double h_burst = r->cost.mixed_usd - h_base;
    sim_cost_usage_t u;
    memset(&u, 0, sizeof u);
    u.tokens = (double)r->output_tokens;
    u.busy_fraction = r->gpu_utilisation >= 0 && r->gpu_utilisation <= 1
                          ? r->gpu_utilisation : 1.0;
    sim_cost_result_t res, ela, mb, mx;
    err = price_hours(&base, &u, peak, r->cost.reserved_usd, &res, diag);
    u.cold_starts = (double)r->cold_starts * (double)tp;
    if (err == SIM_OK)
        err = price_hours(&base, &u, peak, r->cost.elastic_usd, &ela, diag);
    u.cold_starts = 0;
    if (err == SIM_OK)
        err = price_hours(&base, &u, base_gpus, h_base, &mb, diag);
    if (err == SIM_OK)
        err = price_hours(&od, &u, peak, h_burst > 0 ? h_burst : 0.0, &mx, diag);
    if (err != SIM_OK)
        return err;
    /* mixed = base + burst, the breakdown part by part */
    mb.cost_usd += mx.cost_usd;
    mb.cost_per_month_usd = (isnan(mb.cost_per_month_usd) ? 0.0 : mb.cost_per_month_usd) +
                            (isnan(mx.cost_per_month_usd) ? 0.0 : mx.cost_per_month_usd);
    mb.breakdown.rental_usd += mx.breakdown.rental_usd;
    mb.breakdown.depreciation_usd += mx.breakdown.depreciation_usd;
    mb.breakdown.power_usd += mx.breakdown.power_usd;
    mb.breakdown.network_usd += mx.breakdown.network_usd;
    mb.breakdown.ops_usd += mx.breakdown.ops_usd;
    mb.billed_s = r->end_s;
    double h_mixed = h_base + (h_burst > 0 ? h_burst : 0.0);
    mb.gpu_hour_usd = h_mixed > 0 ? mb.cost_usd / h_mixed : NAN;
    mb.cost_per_million_tokens_usd = u.tokens > 0 ? mb.cost_usd / u.tokens * 1e6 : NAN;
    const sim_cost_result_t *by[] = {&res, &ela, &mb};
    p->res = *by[cfg->autoscale.billing];
    p->priced = true;
    /* per month: the run's average spending rate (cost over the simulated
     * time), not the rate of the GPU-time it was billed for */
    p->res.cost_per_month_usd =
        r->end_s > 0 ? p->res.cost_usd * SIM_COST_MONTH_H * 3600.0 / r->end_s : NAN;
    r->cost.reserved_usd = res.cost_usd;
    r->cost.elastic_usd = ela.cost_usd;
    r->cost.mixed_usd = mb.cost_usd;
    r->cost.cost_usd = p->res.cost_usd;
    r->cost_per_mtok_usd = p->res.cost_per_million_tokens_usd;
    r->cost_per_request_usd = r->completed > 0 ? p->res.cost_usd / (double)r->completed : NAN;
    return SIM_OK;
}

/* "cost" {pricing, provider, per month, ...} or "cost_note" into result. */
static sim_err_t price_json(const serve_price_t *p, json_t *result)
{
    if (!p->priced)
        return sim_json_set_str(result, "cost_note", p->note);
    json_t *c = json_object();
    sim_err_t err = c == NULL ? SIM_ERR_NOMEM : sim_cost_result_json(&p->res, c);
    if (err == SIM_OK)
        return sim_json_set_new(result, "cost", c);
    json_decref(c);
    return err;
}

/*
 * The model part of `gpusim serve`: build the config and request stream
 * of sc, run, and add the result's fields plus gpu, policy and billing to
 * result.  *cfg, *src and *r are set also on failure: the caller releases
 * them (source_release, sim_serve_result_destroy) either way.
 */
static sim_err_t serve_compute(const cfg_scenario_t *sc, uint64_t seed,
                               sim_serve_config_t *cfg, source_t *src,
                               sim_serve_result_t *r, json_t *result,
                               sim_diag_t *diag)
{
    memset(r, 0, sizeof *r);
    memset(src, 0, sizeof *src);
    sim_err_t err = config_from(sc, seed, cfg, src, diag);
    if (err == SIM_OK)
        err = stream_from(sc, seed, cfg, src, diag);
    if (err == SIM_OK)
        err = pin(sc, diag, sim_serve_run(cfg, &src->stream, r, diag));
    serve_price_t price;
    if (err == SIM_OK)
        err = pin(sc, diag, serve_price(sc, cfg, r, &price, diag));
    if (err == SIM_OK)
        err = sim_serve_result_json(r, result);
    if (err == SIM_OK)
        err = price_json(&price, result);
    if (err == SIM_OK &&
        (json_object_set_new(result, "gpu",
                             json_string(cfg_get_str(sc, "service.gpu"))) ||
         json_object_set_new(result, "policy",
                             json_string(sim_autoscale_policies
                                             [cfg->autoscale.policy])) ||
         json_object_set_new(result, "billing",
                             json_string(sim_billing_names
                                             [cfg->autoscale.billing]))))
        err = SIM_ERR_NOMEM;
    return err;
}

/* The runner: serve_compute without series and text, so `gpusim sweep
 * --command serve` and `gpusim plan` store what `gpusim serve --json`
 * prints. */
static sim_err_t serve_run(const cfg_scenario_t *sc, uint64_t seed,
                           json_t *result, sim_diag_t *diag)
{
    sim_serve_config_t cfg;
    sim_serve_result_t r;
    source_t src;
    sim_err_t err = serve_compute(sc, seed, &cfg, &src, &r, result, diag);
    sim_serve_result_destroy(&r);
    source_release(&src);
    return err;
}

const cli_runner_t cli_runner_serve = {"serve", tables, serve_run};

static sim_err_t store_series(cli_session_t *s, const sim_serve_result_t *r)
{
    size_t n = r->n_series;
    double *t = malloc((n > 0 ? n : 1) * sizeof *t);
    sim_err_t err = SIM_OK;
    if (t == NULL)
        return SIM_ERR_NOMEM;
    for (size_t k = 0; k < n; k++)
        t[k] = (double)(k + 1) * r->series_interval_s;
    const struct {
        const char *name;
        const double *v;
    } series[] = {
        {"arrivals", r->series_arrivals},
        {"queue", r->series_queue},
        {"running", r->series_running},
        {"replicas_warm", r->series_warm},
        {"replicas_provisioning", r->series_provisioning},
        {"utilisation", r->series_util},
    };
    for (size_t i = 0; i < sizeof series / sizeof series[0] && err == SIM_OK;
         i++)
        if (n > 0)
            err = cli_session_series(s, series[i].name, t, series[i].v, n);
    free(t);
    /* Latency CDFs for the report (reports/spec_serve.c): t = latency in
     * seconds, v = fraction of requests at or below it, at every
     * percentile (nearest rank). */
    double frac[SIM_SERVE_CDF_POINTS];
    for (int i = 0; i < SIM_SERVE_CDF_POINTS; i++)
        frac[i] = (double)i / (SIM_SERVE_CDF_POINTS - 1);
    if (err == SIM_OK && isfinite(r->ttft_q[0]))
        err = cli_session_series(s, "ttft_cdf", r->ttft_q, frac, SIM_SERVE_CDF_POINTS);
    if (err == SIM_OK && isfinite(r->tpot_q[0]))
        err = cli_session_series(s, "tpot_cdf", r->tpot_q, frac, SIM_SERVE_CDF_POINTS);
    return err;
}

static void print_row(const char *what, double p50, double p90, double p99,
                      double scale)
{
    printf("  %-14s %12.4g %12.4g %12.4g\n", what, p50 * scale, p90 * scale,
           p99 * scale);
}

static void print_text(const sim_serve_config_t *c, const cfg_scenario_t *sc,
                       const sim_serve_result_t *r)
{
    const sim_autoscale_config_t *a = &c->autoscale;
    bool llm = c->kind == WL_REQ_LLM;
    printf("serve: %s on %d x %s per replica; %s autoscaling",
           llm ? c->model.name : "fixed-work", c->tp,
           cfg_get_str(sc, "service.gpu"), sim_autoscale_policies[a->policy]);
    if (c->disaggregated)
        printf(" (%d prefill + %d decode replicas)\n", c->prefill_replicas,
               c->decode_replicas);
    else if (a->policy == SIM_AUTOSCALE_FIXED)
        printf(" (%d replicas)\n", c->replicas);
    else
        printf(" (min %d, max %d)\n", a->min_replicas,
               sim_autoscale_ceiling(a, c->tp));
    printf("  requests: %lld arrived, %lld completed, %lld rejected; "
           "%lld preemptions\n",
           (long long)r->arrived, (long long)r->completed,
           (long long)r->rejected, (long long)r->preemptions);
    printf("  %-14s %12s %12s %12s\n", "seconds", "p50", "p90", "p99");
    print_row("queueing", r->queue_p50_s, r->queue_p90_s, r->queue_p99_s, 1);
    print_row(llm ? "TTFT" : "latency", r->ttft_p50_s, r->ttft_p90_s,
              r->ttft_p99_s, 1);
    if (llm) {
        print_row("TPOT", r->tpot_p50_s, r->tpot_p90_s, r->tpot_p99_s, 1);
        print_row("end-to-end", r->e2e_p50_s, r->e2e_p90_s, r->e2e_p99_s, 1);
        printf("  throughput %.1f output tokens/s, %.3f requests/s\n",
               r->throughput_tokens_per_s, r->throughput_req_per_s);
    } else {
        printf("  throughput %.3f requests/s\n", r->throughput_req_per_s);
    }
    printf("  SLO attainment %.2f %% (TTFT <= %g s%s)\n",
           100.0 * r->slo_attainment, c->slo_ttft_s,
           llm ? ", TPOT bound too" : "");
    printf("  fleet: peak %d replicas (%d GPUs), %.1f GPU-hours, "
           "utilisation %.1f %%\n",
           r->replicas_max, r->replicas_max * c->tp, r->cost.gpu_hours,
           100.0 * r->gpu_utilisation);
    if (r->disaggregated)
        printf("         prefill %.1f %%, decode %.1f %% busy; %lld KV "
               "transfers, p50 %.4g s, p99 %.4g s\n",
               100.0 * r->prefill_utilisation,
               100.0 * r->decode_utilisation, (long long)r->kv_transfers,
               r->kv_transfer_p50_s, r->kv_transfer_p99_s);
    if (a->policy != SIM_AUTOSCALE_FIXED)
        printf("         %lld scale-ups, %lld scale-downs, %lld cold starts "
               "(mean %.1f s)\n",
               (long long)r->scale_ups, (long long)r->scale_downs,
               (long long)r->cold_starts, r->cold_start_mean_s);
    if (!isfinite(r->cost.cost_usd))
        return; /* not priced: print_pricing says why */
    printf("  cost over %.0f s: reserved $%.2f, elastic $%.2f, mixed $%.2f "
           "-> %s $%.2f",
           r->end_s, r->cost.reserved_usd, r->cost.elastic_usd,
           r->cost.mixed_usd, sim_billing_names[a->billing],
           r->cost.cost_usd);
    if (llm)
        printf(" ($%.3f per million output tokens)\n", r->cost_per_mtok_usd);
    else
        printf(" ($%.4f per image)\n", r->cost_per_request_usd);
}

/* The [cost] line under the table, from the result's "cost" object. */
static void print_pricing(const json_t *result)
{
    const json_t *c = json_object_get(result, "cost");
    if (!json_is_object(c)) {
        printf("  cost: %s\n", json_string_value(json_object_get(result, "cost_note")));
        return;
    }
    const json_t *pm = json_object_get(c, "cost_per_month_usd");
    printf("  pricing %s (%s)", json_string_value(json_object_get(c, "pricing")),
           json_string_value(json_object_get(c, "provider")));
    if (json_is_number(pm))
        printf(": $%.4g per 730-hour month at this rate", json_number_value(pm));
    printf("\n");
}

int cli_cmd_serve(int argc, char **argv)
{
    const cli_opt_t opts[] = {{NULL, 0, NULL, NULL, NULL, NULL}};
    const cli_command_spec_t spec = {
        "serve", "[--scenario FILE]",
        "Simulate an inference service: requests (generated or replayed\n"
        "from a trace) routed to replicas with continuous batching and a\n"
        "paged KV cache, an autoscaler adding and removing replicas with\n"
        "cold starts, and the fleet's cost (reserved, elastic, mixed).\n"
        "Reports queueing, TTFT, TPOT and end-to-end percentiles,\n"
        "throughput, SLO attainment, peak replicas and cost_usd.",
        opts, tables, false,
    };
    cli_session_t s;
    int status;
    if (cli_session_open(&s, &spec, argc, argv, &status) ==
        CLI_OPEN_EXIT)
        return status;
    const cfg_scenario_t *sc = s.scenario;
    sim_serve_config_t cfg;
    sim_serve_result_t r;
    source_t src;
    sim_err_t err = serve_compute(sc, s.seed, &cfg, &src, &r, s.result, &s.diag);
    if (err == SIM_OK)
        err = store_series(&s, &r);
    if (err == SIM_OK && !s.common.json) {
        print_text(&cfg, sc, &r);
        print_pricing(s.result);
    }
    sim_serve_result_destroy(&r);
    source_release(&src);
    return cli_session_close(&s, err);
}
