/*
 * disagg.c — disaggregated prefill/decode pools (Splitwise, DistServe,
 * Mooncake): the KV transfer from a prefill replica to the decode pool,
 * the configuration check, and the per-pool figures (model in serve.h).
 *
 * Assumes: a fixed fleet (every slot warm from 0 s to the end), both pools
 * of the service's one replica shape (same tp, GPU, KV blocks), and that
 * the KV of a prompt is held on neither side while it is on the link (the
 * prefill replica frees it as the transfer starts; the decode replica
 * takes blocks when it admits the request).  Each prefill replica sends
 * one transfer at a time over its link; transfers from different prefill
 * replicas do not contend (a rail-optimised fabric, catalog-facts.md).
 *
 * KV link default: 400 Gb/s = 50 GB/s per GPU, one NIC per GPU (DGX H100:
 * 8 x ConnectX-7 400 Gb/s [S27][S28]; Alibaba HPN: 400 Gb/s per GPU,
 * 3.2 Tb/s per 8-GPU host [S31][S32]); a TP-k replica sends its k KV
 * shards over k NICs at once, hence 50e9 · tp bytes/s.
 */
#include <stdint.h>
#include <string.h>

#include "sim/core/jsonout.h"
#include "sim/serve/serve_int.h"

#define NIC_BYTES_PER_S_PER_GPU 50e9 /* 400 Gb/s [S27][S31] */

#define RANGE(cond, key, ...)                                                \
    do {                                                                     \
        if (!(cond))                                                         \
            return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, key,           \
                                __VA_ARGS__);                                \
    } while (0)

sim_err_t serve_disagg_check(const sim_serve_config_t *cfg, sim_diag_t *diag)
{
    if (!cfg->disaggregated)
        return SIM_OK;
    RANGE(cfg->kind == WL_REQ_LLM, "service.disaggregated",
          "disaggregated pools need an LLM service (kind = llm)");
    RANGE(cfg->autoscale.policy == SIM_AUTOSCALE_FIXED, "autoscale.policy",
          "disaggregated pools support only autoscale.policy = fixed");
    RANGE(cfg->prefill_replicas >= 1 && cfg->prefill_replicas <= 1000000,
          "service.prefill_replicas",
          "prefill_replicas must lie in [1, 1e6], got %d",
          cfg->prefill_replicas);
    RANGE(cfg->decode_replicas >= 1 && cfg->decode_replicas <= 1000000,
          "service.decode_replicas",
          "decode_replicas must lie in [1, 1e6], got %d",
          cfg->decode_replicas);
    RANGE(cfg->kv_link_bw >= 0.0 && cfg->kv_link_bw < 1e18,
          "service.kv_link_bandwidth",
          "kv_link_bandwidth must be >= 0 (0 = the NIC default)");
    RANGE(cfg->kv_link_latency_s >= 0.0 && cfg->kv_link_latency_s < 1e6,
          "service.kv_link_latency", "kv_link_latency must be >= 0");
    return SIM_OK;
}

void serve_disagg_setup(serve_run_t *run)
{
    const sim_serve_config_t *cfg = run->cfg;
    for (int i = 0; i < run->n_slots; i++)
        run->rep[i].role = i < cfg->prefill_replicas ? REP_ROLE_PREFILL
                                                     : REP_ROLE_DECODE;
    run->kv_token_bytes =
        sim_serve_kv_bytes_per_token(&cfg->model, cfg->tp) * cfg->tp;
    run->kv_link_bw = cfg->kv_link_bw > 0.0
                          ? cfg->kv_link_bw
                          : NIC_BYTES_PER_S_PER_GPU * cfg->tp;
    run->res->disaggregated = 1;
    run->res->prefill_replicas = cfg->prefill_replicas;
    run->res->decode_replicas = cfg->decode_replicas;
}

/* The KV of sequence arg has arrived: on to a decode replica. */
static void on_arrived(void *ctx, void *arg)
{
    serve_run_t *run = ctx;
    int32_t si = (int32_t)(uintptr_t)arg;
    seq_t *s = &run->seqs[si];
    sim_time_t now = sim_engine_now(run->eng);

    if (sim_serve_samples_push(&run->xfer,
                               sim_time_to_s(now - s->xfer_start)) !=
        SIM_OK) {
        serve_fail(run, SIM_ERR_NOMEM, "out of memory storing latencies");
        return;
    }
    s->prefill_only = 0;
    s->kv_in = 1;
    s->ctx = s->prompt - 1; /* its first step decodes the last prompt
                               token's successor: one new token */
    s->blocks = 0;
    replica_t *rp = serve_fleet_route_decode(run);
    if (rp == NULL) {
        serve_fail(run, SIM_ERR_INPUT, "no decode replica is warm");
        return;
    }
    if (serve_dispatch(run, rp, si) != SIM_OK)
        serve_fail(run, SIM_ERR_NOMEM, "out of memory (queue)");
}

void serve_disagg_handoff(serve_run_t *run, replica_t *rp, int32_t si)
{
    seq_t *s = &run->seqs[si];
    sim_time_t now = sim_engine_now(run->eng);
    double bytes = (double)s->prompt * run->kv_token_bytes;
    double dt = run->cfg->kv_link_latency_s + bytes / run->kv_link_bw;
    sim_time_t start = rp->link_free > now ? rp->link_free : now;
    sim_time_t end = start + sim_time_from_s_ceil(dt);

    rp->outstanding--;
    rp->link_free = end;
    s->xfer_start = now;
    run->res->kv_transfers++;
    run->res->kv_transfer_bytes += bytes;
    sim_err_t e = sim_engine_schedule_at(run->eng, end, SIM_EQ_PRIO_DEFAULT,
                                         on_arrived, run,
                                         (void *)(uintptr_t)si, NULL);
    if (e != SIM_OK)
        serve_fail(run, e, "cannot schedule a KV transfer");
}

void serve_disagg_summarise(serve_run_t *run)
{
    sim_serve_result_t *r = run->res;
    double end = r->end_s, busy_p = 0.0, busy_d = 0.0;

    for (int i = 0; i < run->n_slots; i++) {
        if (run->rep[i].role == REP_ROLE_PREFILL)
            busy_p += run->rep[i].busy_s;
        else
            busy_d += run->rep[i].busy_s;
    }
    sim_serve_samples_sort(&run->xfer);
    r->kv_transfer_p50_s = sim_serve_quantile_nr(run->xfer.v, run->xfer.n, 50);
    r->kv_transfer_p99_s = sim_serve_quantile_nr(run->xfer.v, run->xfer.n, 99);
    r->kv_transfer_mean_s = sim_serve_samples_mean(&run->xfer);
    if (end > 0.0) {
        r->prefill_utilisation =
            busy_p / ((double)run->cfg->prefill_replicas * end);
        r->decode_utilisation =
            busy_d / ((double)run->cfg->decode_replicas * end);
    }
}

sim_err_t serve_disagg_json(const sim_serve_result_t *r, json_t *obj)
{
    if (sim_json_set_num(obj, "kv_transfer_p50_s", r->kv_transfer_p50_s) !=
            SIM_OK ||
        sim_json_set_num(obj, "kv_transfer_p99_s", r->kv_transfer_p99_s) !=
            SIM_OK ||
        sim_json_set_num(obj, "kv_transfer_mean_s", r->kv_transfer_mean_s) !=
            SIM_OK ||
        sim_json_set_num(obj, "kv_transfer_bytes", r->kv_transfer_bytes) !=
            SIM_OK ||
        sim_json_set_num(obj, "prefill_utilisation",
                         r->prefill_utilisation) != SIM_OK ||
        sim_json_set_num(obj, "decode_utilisation", r->decode_utilisation) !=
            SIM_OK ||
        sim_json_set_int(obj, "kv_transfers", r->kv_transfers) != SIM_OK ||
        sim_json_set_int(obj, "prefill_replicas", r->prefill_replicas) !=
            SIM_OK ||
        sim_json_set_int(obj, "decode_replicas", r->decode_replicas) !=
            SIM_OK)
        return SIM_ERR_NOMEM;
    return SIM_OK;
}
