/*
 * train_report.c — the executor's results as JSON and text, and its
 * timeline as Chrome trace JSON (Perfetto: ui.perfetto.dev opens it).
 *
 * Assumes: the C locale for number formatting (the CLI sets it).
 */
#include <math.h>
#include <stdio.h>

#include "sim/train/train.h"
#include "sim/train/train_int.h"

static json_t *num(double x)
{
    return isfinite(x) ? json_real(x) : json_null();
}

sim_err_t sim_train_result_json(const sim_train_result_t *r, json_t *obj)
{
    json_t *b = json_object();
    if (b == NULL)
        return SIM_ERR_NOMEM;
    int rc = 0;
    rc |= json_object_set_new(b, "compute_s", num(r->breakdown.compute_s));
    rc |= json_object_set_new(b, "tp_s", num(r->breakdown.tp_s));
    rc |= json_object_set_new(b, "ep_s", num(r->breakdown.ep_s));
    rc |= json_object_set_new(b, "pp_s", num(r->breakdown.pp_s));
    rc |= json_object_set_new(b, "dp_s", num(r->breakdown.dp_s));
    rc |= json_object_set_new(b, "bubble_s", num(r->breakdown.bubble_s));
    rc |= json_object_set_new(obj, "iteration_time_s", num(r->iteration_s));
    rc |= json_object_set_new(obj, "tokens_per_s", num(r->tokens_per_s));
    rc |= json_object_set_new(obj, "tflops_per_gpu", num(r->tflops_per_gpu));
    rc |= json_object_set_new(obj, "hw_tflops_per_gpu",
                              num(r->hw_tflops_per_gpu));
    rc |= json_object_set_new(obj, "mfu", num(r->mfu));
    rc |= json_object_set_new(obj, "peak_tflops_per_gpu",
                              num(r->peak_tflops_per_gpu));
    rc |= json_object_set_new(obj, "memory_per_gpu_GiB",
                              num(r->memory_per_gpu_GiB));
    rc |= json_object_set_new(obj, "memory_stage",
                              json_integer(r->memory_stage));
    rc |= json_object_set_new(obj, "breakdown", b);
    rc |= json_object_set_new(obj, "critical_stage",
                              json_integer(r->critical_stage));
    rc |= json_object_set_new(obj, "tokens_per_iteration",
                              num(r->tokens_per_iter));
    rc |= json_object_set_new(obj, "time_to_train_days",
                              num(r->time_to_train_days));
    rc |= json_object_set_new(obj, "gpu_hours", num(r->gpu_hours));
    rc |= json_object_set_new(obj, "cost_usd", num(r->cost_usd));
    rc |= json_object_set_new(obj, "ops_simulated",
                              json_integer(r->ops_simulated));
    rc |= json_object_set_new(obj, "comm_measurements",
                              json_integer(r->comm_measurements));
    return rc ? SIM_ERR_NOMEM : SIM_OK;
}

sim_err_t sim_train_result_print(const sim_train_result_t *r, FILE *out)
{
    const sim_train_breakdown_t *b = &r->breakdown;
    int rc = 0;
    rc |= fprintf(out, "iteration time      %.4f s\n", r->iteration_s) < 0;
    rc |= fprintf(out, "  compute           %.4f s\n", b->compute_s) < 0;
    rc |= fprintf(out, "  exposed TP/CP     %.4f s\n", b->tp_s) < 0;
    rc |= fprintf(out, "  exposed EP        %.4f s\n", b->ep_s) < 0;
    rc |= fprintf(out, "  exposed PP        %.4f s\n", b->pp_s) < 0;
    rc |= fprintf(out, "  exposed DP        %.4f s\n", b->dp_s) < 0;
    rc |= fprintf(out, "  bubble            %.4f s  (critical stage %d)\n",
                  b->bubble_s, r->critical_stage) < 0;
    rc |= fprintf(out, "tokens/s            %.6g\n", r->tokens_per_s) < 0;
    rc |= fprintf(out, "TFLOP/s per GPU     %.1f model, %.1f with "
                       "recomputation\n",
                  r->tflops_per_gpu, r->hw_tflops_per_gpu) < 0;
    rc |= fprintf(out, "MFU                 %.1f%% of %.0f TFLOP/s dense\n",
                  100 * r->mfu, r->peak_tflops_per_gpu) < 0;
    rc |= fprintf(out, "memory per GPU      %.1f GiB (stage %d; GPU has "
                       "%.1f GiB)\n",
                  r->memory_per_gpu_GiB, r->memory_stage,
                  r->memory_capacity_GiB) < 0;
    rc |= fprintf(out, "time to train       %.2f days\n",
                  r->time_to_train_days) < 0;
    if (isfinite(r->cost_usd))
        rc |= fprintf(out, "cost                $%.4g (%.4g GPU-hours)\n",
                      r->cost_usd, r->gpu_hours) < 0;
    else /* no price for this GPU: see the JSON's cost_note */
        rc |= fprintf(out, "GPU-hours           %.4g (no price: set [cost])\n",
                      r->gpu_hours) < 0;
    return rc ? SIM_ERR_IO : SIM_OK;
}

static const char *const threads[] = {"compute", "comm", "p2p"};

sim_err_t sim_train_trace_write(const sim_train_trace_t *t, FILE *out)
{
    int rc = 0;
    int stages = 0;
    for (size_t i = 0; t != NULL && i < t->n; i++)
        if (t->v[i].stage + 1 > stages)
            stages = t->v[i].stage + 1;
    rc |= fputs("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n", out) < 0;
    const char *sep = "";
    for (int s = 0; s < stages; s++) {
        rc |= fprintf(out, "%s{\"ph\":\"M\",\"name\":\"process_name\","
                           "\"pid\":%d,\"args\":{\"name\":\"stage %d\"}}",
                      sep, s, s) < 0;
        sep = ",\n";
        for (int k = 0; k < 3; k++)
            rc |= fprintf(out, "%s{\"ph\":\"M\",\"name\":\"thread_name\","
                               "\"pid\":%d,\"tid\":%d,\"args\":{\"name\":"
                               "\"%s\"}}",
                          sep, s, k, threads[k]) < 0;
    }
    for (size_t i = 0; t != NULL && i < t->n; i++) {
        const train_span_t *x = &t->v[i];
        rc |= fprintf(out, "%s{\"ph\":\"X\",\"name\":\"%s\",\"cat\":\"%c\","
                           "\"pid\":%d,\"tid\":%d,\"ts\":%.3f,\"dur\":%.3f,"
                           "\"args\":{\"microbatch\":%d,\"chunk\":%d}}",
                      sep, x->name ? x->name : "op", x->pass, x->stage,
                      x->thread, x->t0 * 1e6, (x->t1 - x->t0) * 1e6,
                      x->microbatch, x->chunk) < 0;
        sep = ",\n";
    }
    rc |= fputs("\n]}\n", out) < 0;
    return rc ? SIM_ERR_IO : SIM_OK;
}
