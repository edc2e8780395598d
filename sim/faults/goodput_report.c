/*
 * goodput_report.c — fault Monte-Carlo results out: JSON, store, per-cause
 * table (see goodput_report.h).
 */
#include "sim/faults/goodput_report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/jsonout.h"

int flt_cause_table(const flt_results_t *res, flt_cause_row_t *rows)
{
    double total = 0;

    for (int i = 0; i < res->n_causes; i++) {
        const flt_cause_t *c = &res->profile.causes[i];
        rows[i].name = c->name;
        rows[i].label = c->label;
        rows[i].cls = flt_class_name(c->cls);
        rows[i].published = c->published;
        rows[i].simulated = flt_results_cause_mean(res, i);
        if (!c->planned)
            total += rows[i].simulated;
    }
    for (int i = 0; i < res->n_causes; i++)
        rows[i].share = total > 0 && !res->profile.causes[i].planned
                            ? rows[i].simulated / total
                            : 0.0;
    return res->n_causes;
}

sim_err_t flt_cause_table_write(const flt_results_t *res, FILE *out)
{
    flt_cause_row_t rows[FLT_MAX_CAUSES];
    double pub[2] = {0, 0}, sim[2] = {0, 0};
    int n = flt_cause_table(res, rows);

    fprintf(out, "| cause | class | published | simulated (mean) | ratio |\n"
                 "| --- | --- | ---: | ---: | ---: |\n");
    for (int i = 0; i < n; i++) {
        int k = res->profile.causes[i].planned;
        fprintf(out, "| %s | %s | ", rows[i].label, rows[i].cls);
        if (isnan(rows[i].published))
            fprintf(out, "- | %.1f | - |\n", rows[i].simulated);
        else
            fprintf(out, "%.0f | %.1f | %.2f |\n", rows[i].published,
                    rows[i].simulated,
                    rows[i].published > 0
                        ? rows[i].simulated / rows[i].published
                        : 0.0);
        if (!isnan(rows[i].published))
            pub[k] += rows[i].published;
        sim[k] += rows[i].simulated;
    }
    fprintf(out, "| **unexpected** | | %.0f | %.1f | %.2f |\n", pub[0], sim[0],
            pub[0] > 0 ? sim[0] / pub[0] : 0.0);
    fprintf(out, "| **planned** | | %.0f | %.1f | %.2f |\n", pub[1], sim[1],
            pub[1] > 0 ? sim[1] / pub[1] : 0.0);
    fflush(out);
    return ferror(out) ? SIM_ERR_IO : SIM_OK;
}

static json_t *stat_json(const flt_stat_t *s)
{
    json_t *o = json_object();
    if (o == NULL)
        return NULL;
    if (sim_json_set_num(o, "mean", s->mean) != SIM_OK ||
        sim_json_set_num(o, "p5", s->p5) != SIM_OK ||
        sim_json_set_num(o, "p50", s->p50) != SIM_OK ||
        sim_json_set_num(o, "p90", s->p90) != SIM_OK ||
        sim_json_set_num(o, "p95", s->p95) != SIM_OK ||
        sim_json_set_num(o, "ci95_low", s->ci95_low) != SIM_OK ||
        sim_json_set_num(o, "ci95_high", s->ci95_high) != SIM_OK) {
        json_decref(o);
        return NULL;
    }
    return o;
}

sim_err_t flt_results_json(const flt_results_t *res, json_t *obj)
{
    json_t *intr = json_object();
    double planned = 0;
    sim_err_t err = SIM_ERR_NOMEM;

    if (intr == NULL)
        return err;
    if ((err = sim_json_set_new(intr, "total",
                                stat_json(&res->interruptions))) != SIM_OK)
        goto fail;
    for (int i = 0; i < res->n_causes; i++) {
        double m = flt_results_cause_mean(res, i);
        if (res->profile.causes[i].planned)
            planned += m;
        if ((err = sim_json_set_num(intr, res->profile.causes[i].name, m)) !=
            SIM_OK)
            goto fail;
    }
    if ((err = sim_json_set_new(obj, "time_to_train_days",
                                stat_json(&res->ttt_days))) != SIM_OK ||
        (err = sim_json_set_new(obj, "goodput", stat_json(&res->goodput))) !=
            SIM_OK)
        goto fail;
    err = sim_json_set_new(obj, "interruptions", intr);
    intr = NULL; /* stolen */
    if (err != SIM_OK ||
        (err = sim_json_set_num(obj, "planned_interruptions", planned)) !=
            SIM_OK ||
        (err = sim_json_set_new(obj, "lost_gpu_hours",
                                stat_json(&res->lost_gpu_hours))) != SIM_OK ||
        (err = sim_json_set_new(obj, "checkpoint_overhead",
                                stat_json(&res->ckpt_overhead))) != SIM_OK ||
        (err = sim_json_set_num(obj, "checkpoint_interval_s",
                                res->interval_s)) != SIM_OK ||
        (err = sim_json_set_num(obj, "mtbf_s", res->mtbf_s)) != SIM_OK ||
        (err = sim_json_set_int(obj, "replications", res->n_reps)) !=
            SIM_OK ||
        (err = sim_json_set_int(obj, "slowdown_states",
                                res->slowdown_states)) != SIM_OK)
        goto fail;
    return SIM_OK;

fail:
    json_decref(intr);
    return err;
}

static sim_err_t store_stat(sim_store_t *st, int64_t run, const char *base,
                            const flt_stat_t *s, sim_diag_t *diag)
{
    const char *names[] = {"mean", "p5", "p50", "p90", "p95", "ci95_low",
                           "ci95_high"};
    const double vals[] = {s->mean, s->p5, s->p50, s->p90, s->p95,
                           s->ci95_low, s->ci95_high};
    char key[160];
    sim_err_t err;

    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        snprintf(key, sizeof key, "%s.%s", base, names[i]);
        if ((err = sim_store_metric(st, run, key, vals[i], diag)) != SIM_OK)
            return err;
    }
    return SIM_OK;
}

sim_err_t flt_results_store(const flt_results_t *res, sim_store_t *st,
                            int64_t run_id, sim_diag_t *diag)
{
    size_t n = (size_t)res->n_reps;
    double *t = malloc((n + 1) * sizeof *t), *v = malloc((n + 1) * sizeof *v);
    bool own_tx = false;
    char key[160];
    sim_err_t err = SIM_ERR_NOMEM;

    if (t == NULL || v == NULL) {
        sim_diag_set(diag, err, NULL, 0, NULL, "out of memory");
        goto fail;
    }
    /* Our own transaction unless the caller has one open. */
    own_tx = sim_store_begin(st, NULL) == SIM_OK;
    for (size_t i = 0; i < n; i++)
        t[i] = (double)(res->first_rep + (int64_t)i);

#define SERIES(name, expr)                                                   \
    do {                                                                     \
        for (size_t i = 0; i < n; i++) {                                     \
            const flt_rep_t *p = &res->reps[i];                              \
            v[i] = (expr);                                                   \
        }                                                                    \
        if ((err = sim_store_series_append(st, run_id, name, t, v, n,        \
                                           diag)) != SIM_OK)                 \
            goto fail;                                                       \
    } while (0)
    SERIES("faults.time_to_train_days", p->wall_s / FLT_SECONDS_PER_DAY);
    SERIES("faults.goodput", p->goodput);
    SERIES("faults.interruptions", (double)p->interruptions);
    SERIES("faults.lost_gpu_hours", p->lost_gpu_hours);
    SERIES("faults.checkpoint_overhead",
           p->wall_s > 0 ? p->ckpt_pause_s / p->wall_s : 0.0);
#undef SERIES
    for (int c = 0; c < res->n_causes; c++) {
        for (size_t i = 0; i < n; i++)
            v[i] = (double)res->by_cause[i * (size_t)res->n_causes + (size_t)c];
        snprintf(key, sizeof key, "faults.interruptions.%s",
                 res->profile.causes[c].name);
        if ((err = sim_store_series_append(st, run_id, key, t, v, n, diag)) !=
            SIM_OK)
            goto fail;
    }
    if ((err = store_stat(st, run_id, "faults.time_to_train_days",
                          &res->ttt_days, diag)) != SIM_OK ||
        (err = store_stat(st, run_id, "faults.goodput", &res->goodput,
                          diag)) != SIM_OK ||
        (err = store_stat(st, run_id, "faults.lost_gpu_hours",
                          &res->lost_gpu_hours, diag)) != SIM_OK ||
        (err = sim_store_metric(st, run_id, "faults.interruptions.mean",
                                res->interruptions.mean, diag)) != SIM_OK ||
        (err = sim_store_metric(st, run_id, "faults.checkpoint_overhead.mean",
                                res->ckpt_overhead.mean, diag)) != SIM_OK ||
        (err = sim_store_metric(st, run_id, "faults.checkpoint_interval_s",
                                res->interval_s, diag)) != SIM_OK ||
        (err = sim_store_metric(st, run_id, "faults.mtbf_s", res->mtbf_s,
                                diag)) != SIM_OK)
        goto fail;
    if (own_tx && (err = sim_store_commit(st, diag)) != SIM_OK)
        goto fail;
    free(t);
    free(v);
    return SIM_OK;

fail:
    if (own_tx)
        sim_store_rollback(st, NULL);
    free(t);
    free(v);
    return err;
}
