/*
 * validate.c — predictions of measured serving runs (see validate.h).
 *
 * The step overhead (SIM_SERVE_VAL_STEP_OVERHEAD_S, 3 ms): vLLM's CPU-side
 * scheduling, input preparation and sampling per iteration are a few
 * milliseconds for batches of tens of sequences (Kwon et al., "Efficient
 * Memory Management for LLM Serving with PagedAttention", SOSP'23, and
 * vLLM's own v1 design notes cite CPU overheads of this order); 3 ms was
 * chosen as a round figure in that range and then checked against the
 * static H100 rows' decode steps (14-20 ms measured), not fitted row by
 * row.  Everything else comes from the compute model's built-in profiles.
 *
 * The vLLM rows run with async scheduling (serve.h): vLLM 0.19.0 has it
 * on by default (from 0.14.0), and the runs' own timestamps show it —
 * requests are scheduled while another request's step is still running
 * (SOURCE.md).  The static rows are one batch present from the start, so
 * the setting would not change them; they keep it off.
 *
 * PCIe-only GPUs outside the catalog (the RTX cards of the vLLM runs):
 * their GEMM curve is fitted on the row's gemm_csv (kernel timings of that
 * card) and their tensor-parallel all-reduce follows the row's ar_csv
 * (all-reduce times measured on that machine at several sizes,
 * interpolated: perf.h) or else runs at ar_GBps / ar_latency_us; without
 * any, 25 GB/s effective and 20 us, an assumption (NCCL over PCIe reaches
 * a fraction of the 32-64 GB/s link).  Sources of those columns:
 * workloads/validation/serving/SOURCE.md.
 */
#include "sim/serve/validate.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/compute/validate.h"
#include "sim/core/jsonout.h"
#include "sim/serve/serve.h"
#include "workloads/hwcat.h"

#define PCIE_AR_BW 25e9
#define PCIE_AR_LATENCY_S 20e-6
#define MAX_COLS 32

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0, cap = 0;
    if (f == NULL)
        return NULL;
    for (;;) {
        if (n + 4096 + 1 > cap) {
            cap = cap ? 2 * cap : 65536;
            char *b = realloc(buf, cap);
            if (b == NULL) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = b;
        }
        size_t got = fread(buf + n, 1, 4096, f);
        n += got;
        if (got < 4096)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* Split line (modified in place) at commas into at most MAX_COLS fields. */
static int split(char *line, char **col)
{
    int n = 0;
    col[n++] = line;
    for (char *p = line; *p != '\0'; p++)
        if (*p == ',' && n < MAX_COLS) {
            *p = '\0';
            col[n++] = p + 1;
        }
    return n;
}

static int col_index(char **head, int nh, const char *name)
{
    for (int i = 0; i < nh; i++)
        if (strcmp(head[i], name) == 0)
            return i;
    return -1;
}

static double num(const char *s)
{
    char *end;
    if (s == NULL || *s == '\0')
        return NAN;
    errno = 0;
    double v = strtod(s, &end);
    return (end == s || errno != 0) ? NAN : v;
}

typedef struct array_stream {
    wl_request_t *r;
    size_t n, i;
} array_stream_t;

static int array_next(void *ctx, wl_request_t *out)
{
    array_stream_t *a = ctx;
    if (a->i == a->n)
        return 0;
    *out = a->r[a->i++];
    return 1;
}

/* Read a request file (arrival_s,prompt,output). */
static sim_err_t read_requests(const char *path, wl_request_t **out,
                               size_t *n, sim_diag_t *diag)
{
    size_t len, cap = 0;
    char *text = slurp(path, &len), *save = NULL;
    wl_request_t *r = NULL;
    int line = 0;
    *n = 0;
    if (text == NULL)
        return sim_diag_set(diag, SIM_ERR_IO, path, 0, NULL,
                            "cannot read the request file");
    for (char *ln = strtok_r(text, "\n", &save); ln != NULL;
         ln = strtok_r(NULL, "\n", &save)) {
        char *c[MAX_COLS];
        if (++line == 1)
            continue; /* header */
        if (split(ln, c) < 3) {
            free(text);
            free(r);
            return sim_diag_set(diag, SIM_ERR_INPUT, path, line, NULL,
                                "expected arrival_s,prompt,output");
        }
        if (*n == cap) {
            cap = cap ? 2 * cap : 512;
            wl_request_t *g = realloc(r, cap * sizeof *g);
            if (g == NULL) {
                free(text);
                free(r);
                return SIM_ERR_NOMEM;
            }
            r = g;
        }
        wl_request_t *q = &r[(*n)++];
        memset(q, 0, sizeof *q);
        q->kind = WL_REQ_LLM;
        q->arrival_s = num(c[0]);
        q->prompt_tokens = (int64_t)num(c[1]);
        q->output_tokens = (int64_t)num(c[2]);
    }
    free(text);
    *out = r;
    return SIM_OK;
}

/* Read an all-reduce sample file (header with ranks, bytes, us; one
 * sample a line, ascending bytes, one rank count) into *c. */
static sim_err_t read_ar_curve(const char *path, sim_serve_ar_curve_t *c,
                               sim_diag_t *diag)
{
    size_t len;
    char *text = slurp(path, &len), *save = NULL;
    int line = 0, ir = -1, ib = -1, iu = -1, nh = 0;
    sim_err_t err = SIM_OK;
    memset(c, 0, sizeof *c);
    if (text == NULL)
        return sim_diag_set(diag, SIM_ERR_IO, path, 0, NULL,
                            "cannot read the all-reduce file");
    for (char *ln = strtok_r(text, "\n", &save); ln != NULL && err == SIM_OK;
         ln = strtok_r(NULL, "\n", &save)) {
        char *col[MAX_COLS];
        int nc = split(ln, col);
        line++;
        if (line == 1) {
            nh = nc;
            ir = col_index(col, nh, "ranks");
            ib = col_index(col, nh, "bytes");
            iu = col_index(col, nh, "us");
            if (ir < 0 || ib < 0 || iu < 0)
                err = sim_diag_set(diag, SIM_ERR_INPUT, path, 1, NULL,
                                   "expected columns ranks, bytes, us");
            continue;
        }
        if (nc < nh) {
            err = sim_diag_set(diag, SIM_ERR_INPUT, path, line, NULL,
                               "expected %d columns", nh);
            break;
        }
        int ranks = (int)num(col[ir]);
        if (c->n == SIM_SERVE_AR_MAX || (c->n > 0 && ranks != c->ranks)) {
            err = sim_diag_set(diag, SIM_ERR_INPUT, path, line, "ranks",
                               "at most %d samples, all on one rank count",
                               SIM_SERVE_AR_MAX);
            break;
        }
        c->ranks = ranks;
        c->bytes[c->n] = num(col[ib]);
        c->s[c->n] = num(col[iu]) * 1e-6;
        c->n++;
    }
    free(text);
    if (err == SIM_OK && c->n == 0)
        err = sim_diag_set(diag, SIM_ERR_INPUT, path, 0, NULL,
                           "no all-reduce samples");
    sim_diag_t bad = SIM_DIAG_INIT;
    if (err == SIM_OK && sim_serve_ar_curve_check(c, &bad) != SIM_OK)
        err = sim_diag_set(diag, SIM_ERR_INPUT, path, 0, bad.key, "%s",
                           bad.msg);
    return err;
}

/* The median TPOT needs per-request values the result does not keep, so
 * vLLM rows report the result's tpot_p50_s (nearest rank; the measured
 * median is the interpolated one of 300 requests: a negligible gap). */
static sim_err_t predict(const char *dir, char **c, int nc, char **head,
                         int nh, const wl_hwcat_t *cat,
                         sim_serve_val_row_t *row, const char *path,
                         sim_diag_t *diag)
{
#define COL(name) (col_index(head, nh, name) >= 0 &&                         \
                           col_index(head, nh, name) < nc                     \
                       ? c[col_index(head, nh, name)]                        \
                       : "")
    sim_serve_config_t cfg;
    sim_serve_result_t res;
    wl_request_t *req = NULL;
    size_t n = 0;
    sim_err_t err;

    memset(&res, 0, sizeof res);
    snprintf(row->kind, sizeof row->kind, "%s", COL("kind"));
    snprintf(row->name, sizeof row->name, "%s", COL("name"));
    snprintf(row->gpu, sizeof row->gpu, "%s", COL("gpu"));
    snprintf(row->model, sizeof row->model, "%s", COL("model"));
    row->tp = (int)num(COL("tp"));
    double ep = num(COL("ep"));
    row->ep = ep > 1.0 ? (int)ep : 1; /* absent or 0: no EP */
    row->measured[0] = row->measured[1] = NAN;
    row->predicted[0] = row->predicted[1] = NAN;
    row->rel_err[0] = row->rel_err[1] = NAN;
    int is_static = strcmp(row->kind, "static") == 0;
    if (!is_static && strcmp(row->kind, "vllm") != 0)
        return sim_diag_set(diag, SIM_ERR_INPUT, path, row->line, "kind",
                            "expected static or vllm, got '%s'", row->kind);
    if (!(row->tp >= 1))
        return sim_diag_set(diag, SIM_ERR_INPUT, path, row->line, "tp",
                            "tp must be >= 1");

    sim_serve_config_defaults(&cfg);
    const wl_gpu_t *g = wl_hwcat_find(cat, row->gpu);
    if (g != NULL) {
        err = sim_serve_config_set_gpu(&cfg, g, diag);
        if (err != SIM_OK)
            return err;
    } else {
        double peaks[SIM_COMPUTE_DTYPE__COUNT] = {0};
        double pk = num(COL("peak_bf16_tflops")), bw = num(COL("hbm_GBps"));
        double mem = num(COL("mem_GB"));
        if (!(pk > 0.0 && bw > 0.0 && mem > 0.0))
            return sim_diag_set(diag, SIM_ERR_INPUT, path, row->line, "gpu",
                                "GPU '%s' is not in the catalog and the "
                                "row gives no peak_bf16_tflops, hbm_GBps, "
                                "mem_GB",
                                row->gpu);
        peaks[SIM_COMPUTE_BF16] = peaks[SIM_COMPUTE_FP16] = pk;
        /* non-tensor FP32 for softmax and norms: half the tensor peak,
         * as on the RTX 4090 (82.6 vs 165.2 TFLOP/s, Ada whitepaper);
         * an approximation for other cards */
        peaks[SIM_COMPUTE_FP32] = pk / 2.0;
        sim_compute_profile_init(&cfg.profile, row->gpu, peaks, bw,
                                 cfg.profile.pcie_GBps);
        double sms = num(COL("sm_count"));
        if (sms > 0.0)
            cfg.profile.sm_count = sms;
        cfg.gpu_mem_bytes = mem * 1e9;
        double ar_bw = num(COL("ar_GBps")), ar_lat = num(COL("ar_latency_us"));
        cfg.nvlink_bw = ar_bw > 0.0 ? ar_bw * 1e9 : PCIE_AR_BW;
        cfg.nvlink_latency_s = ar_lat > 0.0 ? ar_lat * 1e-6 : PCIE_AR_LATENCY_S;
        if (*COL("ar_csv") != '\0') {
            char apath[8200];
            snprintf(apath, sizeof apath, "%s/%s", dir, COL("ar_csv"));
            err = read_ar_curve(apath, &cfg.ar_curve, diag);
            if (err != SIM_OK)
                return err;
            int group = row->tp > 1 ? row->tp : row->ep;
            if (cfg.ar_curve.ranks != group && group > 1)
                return sim_diag_set(diag, SIM_ERR_INPUT, path, row->line,
                                    "ar_csv",
                                    "%s was measured on %d ranks, the row "
                                    "runs tp %d, ep %d",
                                    COL("ar_csv"), cfg.ar_curve.ranks,
                                    row->tp, row->ep);
        }
        if (*COL("gemm_csv") != '\0') {
            char gpath[8200];
            snprintf(gpath, sizeof gpath, "%s/%s", dir, COL("gemm_csv"));
            err = sim_compute_calibrate_csv(gpath, NULL, &cfg.profile, diag);
            if (err != SIM_OK)
                return err;
        }
    }
    if (cfg.nvlink_bw <= 0.0) {
        cfg.nvlink_bw = PCIE_AR_BW;
        cfg.nvlink_latency_s = PCIE_AR_LATENCY_S;
    }
    err = sim_serve_model_builtin(row->model, &cfg.model, diag);
    if (err != SIM_OK) {
        diag->line = row->line;
        snprintf(diag->file, sizeof diag->file, "%s", path);
        return err;
    }
    cfg.tp = row->tp;
    cfg.step_overhead_s = SIM_SERVE_VAL_STEP_OVERHEAD_S;
    cfg.async_sched = !is_static; /* vLLM >= 0.14 (see the top) */
    if (row->ep > 1) {
        /* vLLM DP+EP: ep engines behind its DP load balancer, which sends
         * each request to the least-loaded engine (validate.h) */
        cfg.ep = row->ep;
        cfg.replicas = row->ep;
        cfg.router = SIM_SERVE_ROUTER_LEAST_OUTSTANDING;
    }
    if (is_static) {
        int64_t b = (int64_t)num(COL("batch"));
        int64_t p = (int64_t)num(COL("prompt_tokens"));
        int64_t o = (int64_t)num(COL("output_tokens"));
        row->measured[0] = num(COL("measured_e2e_s"));
        row->tolerance = 0.15;
        if (!(b >= 1 && p >= 1 && o >= 1 && row->measured[0] > 0.0))
            return sim_diag_set(diag, SIM_ERR_INPUT, path, row->line,
                                "batch", "a static row needs batch, "
                                         "prompt_tokens, output_tokens and "
                                         "measured_e2e_s > 0");
        req = calloc((size_t)b, sizeof *req);
        if (req == NULL)
            return SIM_ERR_NOMEM;
        for (int64_t i = 0; i < b; i++) {
            req[i].kind = WL_REQ_LLM;
            req[i].prompt_tokens = p;
            req[i].output_tokens = o;
        }
        n = (size_t)b;
        cfg.max_num_seqs = b;
        cfg.max_batched_tokens = b * p; /* the whole batch in one prefill */
    } else {
        char rpath[8200];
        row->measured[0] = num(COL("measured_ttft_p50_s"));
        row->measured[1] = num(COL("measured_tpot_p50_s"));
        row->tolerance = 0.20;
        cfg.max_num_seqs = (int64_t)num(COL("max_num_seqs"));
        cfg.max_batched_tokens = (int64_t)num(COL("max_batched_tokens"));
        double kv = num(COL("kv_blocks"));
        if (kv > 0.0)
            cfg.kv_blocks = (int64_t)kv;
        if (!(cfg.max_num_seqs >= 1 && cfg.max_batched_tokens >= 1 &&
              row->measured[0] > 0.0 && row->measured[1] > 0.0))
            return sim_diag_set(diag, SIM_ERR_INPUT, path, row->line,
                                "max_num_seqs",
                                "a vllm row needs max_num_seqs, "
                                "max_batched_tokens and both measurements");
        snprintf(rpath, sizeof rpath, "%s/%s", dir, COL("requests_file"));
        err = read_requests(rpath, &req, &n, diag);
        if (err != SIM_OK)
            return err;
    }
    array_stream_t as = {req, n, 0};
    wl_request_stream_t s = {array_next, &as};
    err = sim_serve_run(&cfg, &s, &res, diag);
    if (err == SIM_OK) {
        if (is_static) {
            row->predicted[0] = res.end_s;
        } else {
            row->predicted[0] = res.ttft_p50_s;
            row->predicted[1] = res.tpot_p50_s;
        }
        row->pass = 1;
        for (int k = 0; k < 2; k++) {
            if (isnan(row->measured[k]))
                continue;
            row->rel_err[k] =
                (row->predicted[k] - row->measured[k]) / row->measured[k];
            if (!(fabs(row->rel_err[k]) <= row->tolerance))
                row->pass = 0;
        }
    } else {
        diag->line = row->line;
        snprintf(diag->file, sizeof diag->file, "%s", path);
    }
    sim_serve_result_destroy(&res);
    free(req);
    return err;
#undef COL
}

sim_err_t sim_serve_validate_csv(const char *path,
                                 sim_serve_val_report_t *rep,
                                 sim_diag_t *diag)
{
    size_t len;
    char *text, *save = NULL, dir[4096];
    char *head[MAX_COLS];
    int nh = 0, line = 0;
    wl_hwcat_t *cat = NULL;
    sim_err_t err = SIM_OK;

    memset(rep, 0, sizeof *rep);
    rep->step_overhead_s = SIM_SERVE_VAL_STEP_OVERHEAD_S;
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash != NULL)
        *slash = '\0';
    else
        snprintf(dir, sizeof dir, ".");
    text = slurp(path, &len);
    if (text == NULL)
        return sim_diag_set(diag, SIM_ERR_IO, path, 0, NULL,
                            "cannot read the serving reference file");
    err = wl_hwcat_load(&cat, diag);
    for (char *ln = strtok_r(text, "\n", &save); ln != NULL && err == SIM_OK;
         ln = strtok_r(NULL, "\n", &save)) {
        char *c[MAX_COLS];
        line++;
        if (ln[0] == '#' || ln[0] == '\0')
            continue;
        if (nh == 0) {
            nh = split(ln, head);
            if (col_index(head, nh, "kind") < 0)
                err = sim_diag_set(diag, SIM_ERR_INPUT, path, line, NULL,
                                   "the header lacks a 'kind' column");
            continue;
        }
        int nc = split(ln, c);
        sim_serve_val_row_t *rows =
            realloc(rep->rows, (rep->n + 1) * sizeof *rows);
        if (rows == NULL) {
            err = SIM_ERR_NOMEM;
            break;
        }
        rep->rows = rows;
        sim_serve_val_row_t *row = &rep->rows[rep->n++];
        memset(row, 0, sizeof *row);
        row->line = line;
        err = predict(dir, c, nc, head, nh, cat, row, path, diag);
        if (err == SIM_OK && !row->pass)
            rep->n_fail++;
    }
    if (err == SIM_OK && rep->n == 0)
        err = sim_diag_set(diag, SIM_ERR_INPUT, path, 0, NULL,
                           "no rows to validate");
    wl_hwcat_free(cat);
    free(text);
    return err;
}

void sim_serve_val_report_destroy(sim_serve_val_report_t *rep)
{
    if (rep == NULL)
        return;
    free(rep->rows);
    memset(rep, 0, sizeof *rep);
}

sim_err_t sim_serve_val_print(const sim_serve_val_report_t *rep, FILE *out)
{
    fprintf(out, "%-40s %-10s %-9s %9s %9s %8s %s\n", "run", "metric", "",
            "measured", "predicted", "error", "");
    for (size_t i = 0; i < rep->n; i++) {
        const sim_serve_val_row_t *r = &rep->rows[i];
        int st = strcmp(r->kind, "static") == 0;
        for (int k = 0; k < (st ? 1 : 2); k++)
            fprintf(out, "%-40s %-10s %-9s %9.4f %9.4f %+7.1f%% %s\n",
                    k == 0 ? r->name : "",
                    st ? "e2e s" : (k == 0 ? "TTFT p50 s" : "TPOT p50 s"),
                    r->gpu, r->measured[k], r->predicted[k],
                    100.0 * r->rel_err[k],
                    fabs(r->rel_err[k]) <= r->tolerance ? "ok" : "MISS");
    }
    fprintf(out, "%zu runs, %zu past tolerance (static e2e 15%%, vLLM TTFT "
                 "and TPOT 20%%); step overhead %.1f ms\n",
            rep->n, rep->n_fail, 1e3 * rep->step_overhead_s);
    return ferror(out) ? SIM_ERR_IO : SIM_OK;
}

sim_err_t sim_serve_val_json(const sim_serve_val_report_t *rep, json_t *obj)
{
    json_t *list = json_array();
    double worst = 0.0;
    if (list == NULL)
        return SIM_ERR_NOMEM;
    for (size_t i = 0; i < rep->n; i++) {
        const sim_serve_val_row_t *r = &rep->rows[i];
        json_t *o = json_object();
        if (o == NULL || json_array_append_new(list, o) != 0)
            goto nomem;
        if (json_object_set_new(o, "name", json_string(r->name)) ||
            json_object_set_new(o, "kind", json_string(r->kind)) ||
            json_object_set_new(o, "gpu", json_string(r->gpu)) ||
            json_object_set_new(o, "model", json_string(r->model)) ||
            json_object_set_new(o, "pass", json_boolean(r->pass)) ||
            sim_json_set_int(o, "tp", r->tp) != SIM_OK ||
            sim_json_set_int(o, "ep", r->ep) != SIM_OK ||
            sim_json_set_num(o, "measured", r->measured[0]) != SIM_OK ||
            sim_json_set_num(o, "predicted", r->predicted[0]) != SIM_OK ||
            sim_json_set_num(o, "rel_err", r->rel_err[0]) != SIM_OK ||
            sim_json_set_num(o, "measured_tpot", r->measured[1]) != SIM_OK ||
            sim_json_set_num(o, "predicted_tpot", r->predicted[1]) !=
                SIM_OK ||
            sim_json_set_num(o, "rel_err_tpot", r->rel_err[1]) != SIM_OK)
            goto nomem;
        for (int k = 0; k < 2; k++)
            if (fabs(r->rel_err[k]) > worst)
                worst = fabs(r->rel_err[k]);
    }
    if (json_object_set_new(obj, "serving_rows", list) != 0)
        return SIM_ERR_NOMEM;
    if (sim_json_set_int(obj, "serving_failed", (int64_t)rep->n_fail) !=
            SIM_OK ||
        sim_json_set_num(obj, "serving_max_abs_err", worst) != SIM_OK)
        return SIM_ERR_NOMEM;
    return SIM_OK;
nomem:
    json_decref(list);
    return SIM_ERR_NOMEM;
}
