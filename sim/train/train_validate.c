/*
 * train_validate.c — predicting published training runs (see
 * train_validate.h): a small CSV reader, the configuration of each row,
 * and the comparison table.
 */
#include "sim/train/train_validate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/compute/profile.h"
#include "sim/net/nccl_tuning.h"
#include "sim/train/train.h"
#include "workloads/gpu_profile.h"
#include "topologies/topo.h"
#include "workloads/hwcat.h"
#include "workloads/train_flops.h"

#define MAX_COLS 40

typedef struct csv {
    char *text;
    char *cols[MAX_COLS]; /* header names */
    int ncols;
} csv_t;

/* Split one CSV record starting at *p into fields (in place; quotes
 * removed, "" kept as ").  Returns the field count; *p moves past the
 * record's newline. */
static int split(char **p, char **f, int max)
{
    int n = 0;
    char *s = *p;
    for (;;) {
        char *w = s, *start = s;
        if (*s == '"') {
            s++;
            for (;;) {
                if (*s == '\0')
                    break;
                if (*s == '"' && s[1] == '"') {
                    *w++ = '"';
                    s += 2;
                } else if (*s == '"') {
                    s++;
                    break;
                } else {
                    *w++ = *s++;
                }
            }
            while (*s != ',' && *s != '\n' && *s != '\r' && *s != '\0')
                s++;
        } else {
            while (*s != ',' && *s != '\n' && *s != '\r' && *s != '\0')
                s++;
            w = s;
        }
        char end = *s;
        *w = '\0';
        if (n < max)
            f[n++] = start;
        if (end == ',') {
            s++;
            continue;
        }
        if (end == '\r' && s[1] == '\n')
            s += 2;
        else if (end == '\r' || end == '\n')
            s++;
        break;
    }
    *p = s;
    return n;
}

static int col(const csv_t *c, const char *name)
{
    for (int i = 0; i < c->ncols; i++)
        if (strcmp(c->cols[i], name) == 0)
            return i;
    return -1;
}

static const char *field(const csv_t *c, char **f, int n, const char *name)
{
    int i = col(c, name);
    return i >= 0 && i < n ? f[i] : "";
}

static double num(const char *s)
{
    char *end;
    if (s == NULL || *s == '\0')
        return NAN;
    double v = strtod(s, &end);
    return *end == '\0' ? v : NAN;
}

static sim_err_t read_file(const char *path, char **out, sim_diag_t *diag)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0, cap = 0;
    *out = NULL;
    if (f == NULL)
        return sim_diag_set(diag, SIM_ERR_IO, path, 0, NULL,
                            "cannot open for reading");
    for (;;) {
        if (cap - n < 4097) {
            cap = cap ? 2 * cap : 65536;
            char *b = realloc(buf, cap);
            if (b == NULL) {
                free(buf);
                fclose(f);
                return sim_diag_set(diag, SIM_ERR_NOMEM, path, 0, NULL,
                                    "out of memory");
            }
            buf = b;
        }
        size_t k = fread(buf + n, 1, 4096, f);
        n += k;
        if (k == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return sim_diag_set(diag, SIM_ERR_IO, path, 0, NULL, "read failed");
    }
    buf[n] = '\0';
    *out = buf;
    return SIM_OK;
}

typedef struct shared {
    wl_hwcat_t *hw;
    sim_coll_tuning_t *tuning;
} shared_t;

static sim_err_t bad(sim_diag_t *d, const char *path, int line,
                     const char *what, const char *v)
{
    return sim_diag_set(d, SIM_ERR_INPUT, path, line, what,
                        "expected a number, got '%s'", v);
}

static int ival(const csv_t *c, char **f, int n, const char *k, int dflt,
                bool *ok)
{
    const char *t = field(c, f, n, k);
    double v = num(t);
    if (isnan(v)) {
        if (t[0] != '\0')
            *ok = false;
        return dflt;
    }
    if (v != floor(v) || v < 0 || v > 1e9)
        *ok = false;
    return (int)v;
}

/* Predict one row into *row. */
static sim_err_t run_row(const shared_t *sh, const csv_t *c, char **f, int n,
                         const char *path, int line, sim_train_vrow_t *row,
                         sim_diag_t *diag)
{
    sim_train_config_t cfg;
    sim_compute_profile_t prof;
    topo_t *topo = NULL;
    const wl_gpu_t *gpu = NULL;
    bool ok = true;
    sim_err_t err;
    sim_train_config_init(&cfg);
    const char *gname = field(c, f, n, "gpu");
    err = wl_hwcat_lookup(sh->hw, gname, &gpu, diag);
    if (err != SIM_OK) {
        diag->line = line;
        snprintf(diag->file, sizeof diag->file, "%s", path);
        return err;
    }
    err = wl_gpu_profile(gpu, gname, &prof, diag);
    if (err != SIM_OK)
        return err;
    wl_model_t *m = &cfg.model;
    wl_model_init(m, field(c, f, n, "model"));
    m->layers = ival(c, f, n, "layers", 0, &ok);
    m->hidden = ival(c, f, n, "hidden", 0, &ok);
    m->heads = ival(c, f, n, "heads", 0, &ok);
    m->kv_heads = ival(c, f, n, "kv_heads", 0, &ok);
    m->ffn_hidden = ival(c, f, n, "ffn_hidden", 0, &ok);
    m->vocab = ival(c, f, n, "vocab", 0, &ok);
    m->seq_len = ival(c, f, n, "seq_len", 0, &ok);
    m->activation = WL_ACT_GELU;   /* GPT shapes (Megatron-LM GPT) */
    m->norm = WL_NORM_LAYER;
    m->bias = WL_BIAS_ALL;
    m->position = WL_POS_LEARNED;
    m->tied_embeddings = true;
    m->dropout = true;
    if (!ok)
        return bad(diag, path, line, "shape", field(c, f, n, "layers"));
    err = wl_model_validate(m, diag);
    if (err != SIM_OK)
        return err;
    wl_parallel_t *p = &cfg.plan;
    wl_parallel_init(p);
    p->gpus = ival(c, f, n, "gpus", 0, &ok);
    p->tp = ival(c, f, n, "tp", 1, &ok);
    p->pp = ival(c, f, n, "pp", 1, &ok);
    p->dp = ival(c, f, n, "dp", 0, &ok);
    p->cp = ival(c, f, n, "cp", 1, &ok);
    p->virtual_stages = ival(c, f, n, "vpp", 1, &ok);
    p->global_batch = ival(c, f, n, "global_batch", 0, &ok);
    p->micro_batch = ival(c, f, n, "micro_batch", 1, &ok);
    if (!ok)
        return bad(diag, path, line, "parallel", field(c, f, n, "tp"));
    const char *rc = field(c, f, n, "recompute");
    p->recompute = strcmp(rc, "full") == 0        ? WL_RECOMPUTE_FULL
                   : strcmp(rc, "selective") == 0 ? WL_RECOMPUTE_SELECTIVE
                                                  : WL_RECOMPUTE_NONE;
    p->sp = strcmp(field(c, f, n, "seq_parallel"), "on") == 0;
    p->zero = 1; /* Megatron's distributed optimizer */
    if (p->pp > 1)
        p->zero = 1;
    err = wl_parallel_validate(p, m, diag);
    if (err != SIM_OK) {
        diag->line = line;
        snprintf(diag->file, sizeof diag->file, "%s", path);
        return err;
    }
    /* Selene (A100, 8 x 200G HDR per node) or an NDR SuperPOD (H100,
     * 8 x 400G per node): rail-optimised fat tree; DGX SuperPOD reference
     * architectures (research/catalog-facts.md). */
    topo_params_t tp;
    topo_params_default(&tp, TOPO_RAIL_FAT_TREE);
    tp.gpus = p->gpus < 8 ? 8 : p->gpus;
    tp.gpus_per_node = 8;
    tp.nics_per_node = 8;
    tp.nic_bandwidth = strstr(gpu->name, "A100") ? 200e9 / 8 : 400e9 / 8;
    tp.nvlink_bandwidth = gpu->nvlink_bw;
    err = topo_build(&tp, &topo, diag);
    if (err != SIM_OK)
        return err;
    cfg.gpu = gpu;
    cfg.profile = &prof;
    cfg.topo = topo;
    cfg.nvls = gpu->nvls;
    cfg.reserve = 0;
    cfg.check_memory = false; /* published runs ran */
    /* The run's software, from optional columns: attention = unfused
     * (Megatron-LM before FlashAttention) or flash (default);
     * comm_overlap = on, or a note saying the communication was
     * overlapped (Megatron-Core's overlap options). */
    cfg.attn_unfused = strcmp(field(c, f, n, "attention"), "unfused") == 0;
    cfg.comm_overlap =
        strcmp(field(c, f, n, "comm_overlap"), "on") == 0 ||
        strstr(field(c, f, n, "note"), "communication overlapped") != NULL;
    sim_coll_tuning_profile(sh->tuning, gpu->name, &cfg.coll);
    sim_train_result_t res;
    err = sim_train_simulate(&cfg, &res, NULL, diag);
    topo_free(topo);
    if (err != SIM_OK)
        return err;

    const char *note = field(c, f, n, "note");
    row->hw_flops = strstr(note, "recomputation") != NULL;
    double tokens = res.tokens_per_iter;
    double flops = row->hw_flops
                       ? wl_megatron_flops_per_iteration(
                             (double)p->global_batch, p->seq_len, m->layers,
                             m->hidden, (double)m->vocab)
                       : res.model_flops_per_iter;
    (void)tokens;
    row->line = line;
    snprintf(row->label, sizeof row->label, "%s %dx%s", m->name, p->gpus,
             gname);
    snprintf(row->source, sizeof row->source, "%s", field(c, f, n, "source"));
    row->published_tflops = num(field(c, f, n, "tflops_per_gpu"));
    row->published_mfu = num(field(c, f, n, "mfu"));
    row->published_s = num(field(c, f, n, "iteration_time_s"));
    if (isnan(row->published_s) && !isnan(row->published_tflops))
        row->published_s = flops / (row->published_tflops * 1e12 * p->gpus);
    if (isnan(row->published_s))
        return sim_diag_set(diag, SIM_ERR_INPUT, path, line,
                            "iteration_time_s",
                            "a row needs iteration_time_s or "
                            "tflops_per_gpu");
    row->predicted_s = res.iteration_s;
    row->time_err = (row->predicted_s - row->published_s) / row->published_s;
    row->predicted_tflops = flops / res.iteration_s / p->gpus / 1e12;
    row->tflops_err = isnan(row->published_tflops)
                          ? NAN
                          : (row->predicted_tflops - row->published_tflops) /
                                row->published_tflops;
    row->predicted_mfu = res.mfu;
    row->compute_s = res.breakdown.compute_s;
    row->tp_s = res.breakdown.tp_s + res.breakdown.ep_s;
    row->pp_s = res.breakdown.pp_s;
    row->dp_s = res.breakdown.dp_s;
    row->bubble_s = res.breakdown.bubble_s;
    return SIM_OK;
}

void sim_train_validation_free(sim_train_validation_t *v)
{
    if (v == NULL)
        return;
    free(v->rows);
    free(v);
}

sim_err_t sim_train_validate_csv(const char *path, double tolerance,
                                 sim_train_validation_t **report,
                                 sim_diag_t *diag)
{
    csv_t c;
    shared_t sh = {NULL, NULL};
    sim_train_validation_t *v = NULL;
    sim_err_t err;
    memset(&c, 0, sizeof c);
    *report = NULL;
    err = read_file(path, &c.text, diag);
    if (err != SIM_OK)
        return err;
    char *p = c.text;
    c.ncols = split(&p, c.cols, MAX_COLS);
    if (col(&c, "gpu") < 0 || col(&c, "layers") < 0) {
        err = sim_diag_set(diag, SIM_ERR_INPUT, path, 1, NULL,
                           "not a training validation CSV (no gpu or "
                           "layers column)");
        goto fail;
    }
    v = calloc(1, sizeof *v);
    size_t lines = 1;
    for (const char *q = p; *q; q++)
        lines += *q == '\n';
    if (v == NULL || (v->rows = calloc(lines, sizeof *v->rows)) == NULL) {
        err = sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL,
                           "out of memory");
        goto fail;
    }
    v->tolerance = tolerance;
    err = wl_hwcat_load(&sh.hw, diag);
    if (err == SIM_OK)
        err = sim_coll_tuning_load(&sh.tuning, diag);
    if (err != SIM_OK)
        goto fail;
    int line = 1;
    while (*p != '\0') {
        char *f[MAX_COLS];
        line++;
        int n = split(&p, f, MAX_COLS);
        if (n == 1 && f[0][0] == '\0')
            continue;
        if (n != c.ncols) {
            err = sim_diag_set(diag, SIM_ERR_INPUT, path, line, NULL,
                               "%d fields, the header has %d", n, c.ncols);
            goto fail;
        }
        sim_train_vrow_t *row = &v->rows[v->n];
        err = run_row(&sh, &c, f, n, path, line, row, diag);
        if (err != SIM_OK)
            goto fail;
        v->n++;
        double a = fabs(row->time_err);
        v->mean_abs_err += a;
        if (a > v->max_abs_err)
            v->max_abs_err = a;
        if (a > tolerance)
            v->failed++;
    }
    if (v->n > 0)
        v->mean_abs_err /= v->n;
    err = v->failed > 0 ? SIM_ERR_CHECK : SIM_OK;
    if (err == SIM_ERR_CHECK)
        sim_diag_set(diag, SIM_ERR_CHECK, path, 0, NULL,
                     "%d of %d rows off by more than %.0f%%", v->failed,
                     v->n, 100 * tolerance);
    *report = v;
    v = NULL;
fail:
    sim_train_validation_free(v);
    sim_coll_tuning_free(sh.tuning);
    wl_hwcat_free(sh.hw);
    free(c.text);
    return err;
}

static void pct(FILE *out, double x, int *rc)
{
    if (isnan(x))
        *rc |= fprintf(out, " %8s", "-") < 0;
    else
        *rc |= fprintf(out, " %+7.1f%%", 100 * x) < 0;
}

sim_err_t sim_train_validation_print(const sim_train_validation_t *v,
                                     FILE *out)
{
    int rc = 0;
    rc |= fprintf(out, "%-28s %10s %10s %8s %9s %9s %8s %6s %6s\n", "run",
                  "publ. s", "pred. s", "err", "publ. TF", "pred. TF",
                  "err", "MFU p", "MFU s") < 0;
    for (int i = 0; i < v->n; i++) {
        const sim_train_vrow_t *r = &v->rows[i];
        rc |= fprintf(out, "%-28s %10.3f %10.3f", r->label, r->published_s,
                      r->predicted_s) < 0;
        pct(out, r->time_err, &rc);
        if (isnan(r->published_tflops))
            rc |= fprintf(out, " %9s", "-") < 0;
        else
            rc |= fprintf(out, " %9.1f", r->published_tflops) < 0;
        rc |= fprintf(out, " %9.1f", r->predicted_tflops) < 0;
        pct(out, r->tflops_err, &rc);
        if (isnan(r->published_mfu))
            rc |= fprintf(out, " %6s", "-") < 0;
        else
            rc |= fprintf(out, " %6.3f", r->published_mfu) < 0;
        rc |= fprintf(out, " %6.3f%s\n", r->predicted_mfu,
                      r->hw_flops ? "  (TF with recomputation)" : "") < 0;
    }
    rc |= fprintf(out, "mean |error| %.1f%%, max %.1f%%, %d of %d rows past "
                       "%.0f%%\n",
                  100 * v->mean_abs_err, 100 * v->max_abs_err, v->failed,
                  v->n, 100 * v->tolerance) < 0;
    return rc ? SIM_ERR_IO : SIM_OK;
}

static json_t *jnum(double x)
{
    return isfinite(x) ? json_real(x) : json_null();
}

sim_err_t sim_train_validation_json(const sim_train_validation_t *v,
                                    json_t *obj)
{
    json_t *t = json_object(), *rows = json_array();
    int rc = t == NULL || rows == NULL;
    for (int i = 0; !rc && i < v->n; i++) {
        const sim_train_vrow_t *r = &v->rows[i];
        json_t *o = json_object();
        rc |= o == NULL;
        if (rc)
            break;
        rc |= json_object_set_new(o, "run", json_string(r->label));
        rc |= json_object_set_new(o, "source", json_string(r->source));
        rc |= json_object_set_new(o, "published_s", jnum(r->published_s));
        rc |= json_object_set_new(o, "predicted_s", jnum(r->predicted_s));
        rc |= json_object_set_new(o, "error", jnum(r->time_err));
        rc |= json_object_set_new(o, "published_tflops",
                                  jnum(r->published_tflops));
        rc |= json_object_set_new(o, "predicted_tflops",
                                  jnum(r->predicted_tflops));
        rc |= json_object_set_new(o, "published_mfu", jnum(r->published_mfu));
        rc |= json_object_set_new(o, "predicted_mfu", jnum(r->predicted_mfu));
        json_t *b = json_object();
        rc |= b == NULL;
        if (rc) {
            json_decref(o);
            break;
        }
        rc |= json_object_set_new(b, "compute_s", jnum(r->compute_s));
        rc |= json_object_set_new(b, "tp_s", jnum(r->tp_s));
        rc |= json_object_set_new(b, "pp_s", jnum(r->pp_s));
        rc |= json_object_set_new(b, "dp_s", jnum(r->dp_s));
        rc |= json_object_set_new(b, "bubble_s", jnum(r->bubble_s));
        rc |= json_object_set_new(o, "breakdown", b);
        rc |= json_array_append_new(rows, o);
    }
    if (!rc) {
        rc |= json_object_set_new(t, "rows", rows);
        rows = NULL;
        rc |= json_object_set_new(t, "mean_abs_err", jnum(v->mean_abs_err));
        rc |= json_object_set_new(t, "max_abs_err", jnum(v->max_abs_err));
        rc |= json_object_set_new(t, "tolerance", jnum(v->tolerance));
        rc |= json_object_set_new(t, "failed", json_integer(v->failed));
        rc |= json_object_set_new(obj, "training", t);
        t = NULL;
    }
    json_decref(rows);
    json_decref(t);
    return rc ? SIM_ERR_NOMEM : SIM_OK;
}
