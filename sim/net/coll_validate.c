/*
 * coll_validate.c — published collective measurements vs the simulator
 * (see coll_validate.h).  A tiny RFC-4180 reader (quotes, doubled quotes,
 * no embedded newlines) is enough for the file's one-line rows.
 */
#include "sim/net/coll_validate.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/config/units.h"
#include "sim/core/jsonout.h"
#include "topologies/topo.h"
#include "workloads/embedded.h"

enum { C_OP, C_GPU, C_GPUS, C_GPN, C_NIC, C_ALGO, C_BYTES, C_BUSBW, C_TIME,
       C_SOURCE, C_COUNT };
static const char *const col_names[C_COUNT] = {
    "op", "gpu", "gpus", "gpus_per_node", "nic_gbps_per_gpu", "algo",
    "bytes", "busbw_GBps", "time_us", "source"};

#define MAX_FIELDS 32
#define FIELD_LEN 512

/* Split one line into fields (copied into f, each truncated to
 * FIELD_LEN - 1).  Returns the field count, -1 on an unterminated quote. */
static int split_csv(const char *s, const char *end, char f[][FIELD_LEN])
{
    int n = 0;
    while (n < MAX_FIELDS) {
        size_t k = 0;
        if (s < end && *s == '"') {
            s++;
            for (;;) {
                if (s >= end)
                    return -1;
                if (*s == '"') {
                    if (s + 1 < end && s[1] == '"') {
                        s++;
                    } else {
                        s++;
                        break;
                    }
                }
                if (k + 1 < FIELD_LEN)
                    f[n][k++] = *s;
                s++;
            }
        }
        while (s < end && *s != ',') {
            if (k + 1 < FIELD_LEN)
                f[n][k++] = *s;
            s++;
        }
        f[n++][k] = '\0';
        if (s >= end)
            break;
        s++; /* the comma */
    }
    return n;
}

/* Copy src into dst[n], truncated. */
static void copy(char *dst, size_t n, const char *src)
{
    size_t k = strnlen(src, n - 1);
    memcpy(dst, src, k);
    dst[k] = '\0';
}

static sim_err_t bad(sim_diag_t *diag, const char *path, int line,
                     const char *col, const char *what, const char *v)
{
    return sim_diag_set(diag, SIM_ERR_INPUT, path, line, col,
                        "%s, got '%s'", what, v);
}

/* A non-negative integer field; empty gives 0. */
static sim_err_t int_field(const char *v, int64_t *out)
{
    char *e;
    if (*v == '\0') {
        *out = 0;
        return SIM_OK;
    }
    errno = 0;
    long long x = strtoll(v, &e, 10);
    if (errno != 0 || *e != '\0' || x < 0)
        return SIM_ERR_INPUT;
    *out = x;
    return SIM_OK;
}

static sim_err_t num_field(const char *v, double *out)
{
    char *e;
    errno = 0;
    double x = strtod(v, &e);
    if (*v == '\0' || errno != 0 || *e != '\0' || !isfinite(x) || x < 0)
        return SIM_ERR_INPUT;
    *out = x;
    return SIM_OK;
}

/* Simulate one row on freshly built hardware; busbw/time into r. */
static sim_err_t run_row(sim_coll_vrow_t *r, const wl_gpu_t *gpu,
                         const sim_coll_profile_t *prof, sim_coll_op_t op,
                         sim_coll_algo_t algo, double bytes,
                         sim_diag_t *diag)
{
    topo_params_t p;
    topo_t *t = NULL;
    sim_coll_spec_t spec;
    sim_err_t err;
    bool single = r->gpus == r->gpus_per_node;

    topo_params_default(&p, single ? TOPO_SINGLE_NODE : TOPO_RAIL_FAT_TREE);
    p.gpus = r->gpus;
    p.gpus_per_node = (int32_t)r->gpus_per_node;
    p.nics_per_node = (int32_t)r->gpus_per_node;
    if (gpu->nvlink_bw > 0.0)
        p.nvlink_bandwidth = gpu->nvlink_bw;
    if (r->nic_gbps > 0.0)
        p.nic_bandwidth = r->nic_gbps * 1e9 / 8.0;
    if ((err = topo_build(&p, &t, diag)) != SIM_OK)
        return err;
    sim_coll_spec_default(&spec);
    spec.op = op;
    spec.algo = algo;
    spec.bytes = bytes;
    err = sim_coll_simulate(t, prof, gpu->nvls, r->gpus, &spec, &r->res,
                            diag);
    topo_free(t);
    return err;
}

static sim_err_t do_row(sim_coll_vrow_t *r, char f[][FIELD_LEN], int line,
                        const char *path, const wl_hwcat_t *cat,
                        const sim_coll_tuning_t *tun, sim_diag_t *diag)
{
    sim_coll_op_t op;
    sim_coll_algo_t algo = SIM_COLL_ALGO_AUTO;
    sim_coll_profile_t prof;
    const wl_gpu_t *gpu;
    sim_diag_t d = SIM_DIAG_INIT;
    double lo = 0.0, hi = 0.0;
    bool at_least = false;
    sim_err_t err;

    r->line = line;
    copy(r->op, sizeof r->op, f[C_OP]);
    copy(r->gpu, sizeof r->gpu, f[C_GPU]);
    copy(r->algo, sizeof r->algo, f[C_ALGO]);
    copy(r->bytes_text, sizeof r->bytes_text, f[C_BYTES]);
    copy(r->source, sizeof r->source, f[C_SOURCE]);
    if (int_field(f[C_GPUS], &r->gpus) != SIM_OK)
        return bad(diag, path, line, "gpus", "expected a GPU count",
                   f[C_GPUS]);
    if (int_field(f[C_GPN], &r->gpus_per_node) != SIM_OK)
        return bad(diag, path, line, "gpus_per_node", "expected a count",
                   f[C_GPN]);
    if (f[C_NIC][0] != '\0' && num_field(f[C_NIC], &r->nic_gbps) != SIM_OK)
        return bad(diag, path, line, "nic_gbps_per_gpu",
                   "expected Gb/s per GPU", f[C_NIC]);

    /* op, with the file's two summary conventions */
    if (strcmp(f[C_OP], "any_non_allreduce") == 0) {
        op = SIM_COLL_ALL_GATHER;
    } else if (strcmp(f[C_OP], "per_nic") == 0) {
        op = SIM_COLL_ALL_REDUCE;
        r->gpus = 2;
        r->gpus_per_node = 1;
        if (!(r->nic_gbps > 0.0))
            return bad(diag, path, line, "nic_gbps_per_gpu",
                       "a per_nic row needs the NIC speed", f[C_NIC]);
    } else if (sim_coll_op_from_name(f[C_OP], &op, &d) != SIM_OK) {
        return bad(diag, path, line, "op", d.msg, f[C_OP]);
    }
    if (r->gpus < 1 || r->gpus_per_node < 1 ||
        r->gpus % r->gpus_per_node != 0)
        return bad(diag, path, line, "gpus",
                   "expected gpus a positive multiple of gpus_per_node",
                   f[C_GPUS]);
    if (r->gpus != r->gpus_per_node && !(r->nic_gbps > 0.0))
        return bad(diag, path, line, "nic_gbps_per_gpu",
                   "a multi-node row needs the NIC speed", f[C_NIC]);

    /* algo: "auto(NAME)" is auto with the published pick in the text */
    if (strncasecmp(f[C_ALGO], "auto", 4) != 0 &&
        sim_coll_algo_from_name(f[C_ALGO], &algo, &d) != SIM_OK)
        return bad(diag, path, line, "algo", d.msg, f[C_ALGO]);

    /* bytes */
    const char *b = f[C_BYTES];
    if (*b == '\0' || strcmp(b, "large") == 0) {
        r->bytes = 8.0 * 1073741824.0;
    } else if (strncmp(b, ">=", 2) == 0) {
        at_least = true;
        if (cfg_parse_bytes(b + 2, &r->bytes, &d) != SIM_OK)
            return bad(diag, path, line, "bytes", d.msg, b);
    } else if (num_field(b, &r->bytes) != SIM_OK &&
               cfg_parse_bytes(b, &r->bytes, &d) != SIM_OK) {
        return bad(diag, path, line, "bytes", "expected a size", b);
    }

    /* expected: busbw (a number or a range a-b), else time_us */
    const char *e = f[C_BUSBW];
    const char *dash = *e != '\0' ? strchr(e + 1, '-') : NULL;
    if (dash != NULL) {
        char a[64];
        snprintf(a, sizeof a, "%.*s", (int)(dash - e), e);
        if (num_field(a, &lo) != SIM_OK || num_field(dash + 1, &hi) != SIM_OK)
            return bad(diag, path, line, "busbw_GBps",
                       "expected a number or a range a-b", e);
        r->expected = (lo + hi) / 2.0;
    } else if (*e != '\0') {
        if (num_field(e, &r->expected) != SIM_OK)
            return bad(diag, path, line, "busbw_GBps", "expected a number", e);
    } else if (f[C_TIME][0] != '\0' &&
               num_field(f[C_TIME], &r->expected) == SIM_OK) {
        r->by_time = true;
        r->expected *= 1e-6;
    } else {
        return bad(diag, path, line, "busbw_GBps",
                   "a row needs busbw_GBps or time_us", e);
    }
    if (!(r->expected > 0.0))
        return bad(diag, path, line, r->by_time ? "time_us" : "busbw_GBps",
                   "expected a positive value", r->by_time ? f[C_TIME] : e);

    gpu = wl_hwcat_find(cat, f[C_GPU]);
    if (gpu == NULL)
        return sim_diag_set(diag, SIM_ERR_NOTFOUND, path, line, "gpu",
                            "GPU '%s' is not in the catalog", f[C_GPU]);
    (void)sim_coll_tuning_profile(tun, gpu->name, &prof);

    double base = r->bytes;
    for (int i = 0; i < (at_least ? 4 : 1); i++) {
        sim_coll_vrow_t tmp = *r;
        double s = base * pow(4.0, i);
        if ((err = run_row(&tmp, gpu, &prof, op, algo, s, diag)) != SIM_OK)
            return err;
        double v = r->by_time ? tmp.res.time_s : tmp.res.busbw_GBps;
        if (i == 0 || v > r->simulated) {
            r->simulated = v;
            r->res = tmp.res;
            r->bytes = s;
        }
    }
    r->rel_err = r->simulated / r->expected - 1.0;
    return SIM_OK;
}

void sim_coll_vreport_destroy(sim_coll_vreport_t *rep)
{
    if (rep == NULL)
        return;
    free(rep->rows);
    memset(rep, 0, sizeof *rep);
}

sim_err_t sim_coll_validate_text(const char *text, size_t len,
                                 const char *path, const wl_hwcat_t *cat,
                                 const sim_coll_tuning_t *tun, double tol,
                                 sim_coll_vreport_t *rep, sim_diag_t *diag)
{
    static char f[MAX_FIELDS][FIELD_LEN];
    int col[C_COUNT];
    const char *s = text, *end = text + len;
    size_t cap = 0;
    int line = 0;
    sim_err_t err = SIM_OK;

    memset(rep, 0, sizeof *rep);
    rep->tolerance = tol;
    if (!(tol > 0.0))
        return sim_diag_set(diag, SIM_ERR_RANGE, path, 0, "tolerance",
                            "expected a tolerance > 0, got %g", tol);
    for (int i = 0; i < C_COUNT; i++)
        col[i] = -1;
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *le = nl != NULL ? nl : end;
        const char *next = nl != NULL ? nl + 1 : end;
        if (le > s && le[-1] == '\r')
            le--;
        line++;
        if (le == s || *s == '#') {
            s = next;
            continue;
        }
        int nf = split_csv(s, le, f);
        s = next;
        if (nf < 0)
            return sim_diag_set(diag, SIM_ERR_INPUT, path, line, NULL,
                                "unterminated quoted field");
        if (col[C_OP] < 0) { /* the header */
            for (int i = 0; i < C_COUNT; i++)
                for (int j = 0; j < nf; j++)
                    if (strcmp(f[j], col_names[i]) == 0)
                        col[i] = j;
            for (int i = 0; i < C_COUNT; i++)
                if (col[i] < 0)
                    return sim_diag_set(diag, SIM_ERR_INPUT, path, line,
                                        col_names[i],
                                        "header lacks column '%s'",
                                        col_names[i]);
            continue;
        }
        char g[C_COUNT][FIELD_LEN];
        for (int i = 0; i < C_COUNT; i++)
            copy(g[i], FIELD_LEN, col[i] < nf ? f[col[i]] : "");
        if (rep->n == cap) {
            size_t nc = cap > 0 ? 2 * cap : 32;
            sim_coll_vrow_t *r = realloc(rep->rows, nc * sizeof *r);
            if (r == NULL)
                return sim_diag_set(diag, SIM_ERR_NOMEM, path, line, NULL,
                                    "out of memory");
            rep->rows = r;
            cap = nc;
        }
        sim_coll_vrow_t *r = &rep->rows[rep->n];
        memset(r, 0, sizeof *r);
        if ((err = do_row(r, g, line, path, cat, tun, diag)) != SIM_OK)
            return err;
        r->pass = fabs(r->rel_err) <= tol;
        if (!r->pass)
            rep->failed++;
        if (fabs(r->rel_err) > rep->max_abs_err)
            rep->max_abs_err = fabs(r->rel_err);
        rep->n++;
    }
    if (col[C_OP] < 0)
        return sim_diag_set(diag, SIM_ERR_INPUT, path, line, NULL,
                            "no header line");
    if (rep->failed > 0)
        return sim_diag_set(diag, SIM_ERR_CHECK, path, 0, NULL,
                            "%zu of %zu rows outside %.3g relative error "
                            "(worst %.3g)", rep->failed, rep->n, tol,
                            rep->max_abs_err);
    return SIM_OK;
}

sim_err_t sim_coll_validate_file(const char *path, const wl_hwcat_t *cat,
                                 const sim_coll_tuning_t *tun, double tol,
                                 sim_coll_vreport_t *rep, sim_diag_t *diag)
{
    if (path == NULL) {
        const wl_embedded_file_t *e = wl_embedded_find(SIM_COLL_VALIDATION_PATH);
        memset(rep, 0, sizeof *rep);
        if (e == NULL)
            return sim_diag_set(diag, SIM_ERR_NOTFOUND,
                                SIM_COLL_VALIDATION_PATH, 0, NULL,
                                "published collective data not compiled in");
        return sim_coll_validate_text(e->data, e->size,
                                      SIM_COLL_VALIDATION_PATH, cat, tun, tol,
                                      rep, diag);
    }
    FILE *fp = fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0, cap = 0;
    memset(rep, 0, sizeof *rep);
    if (fp == NULL)
        return sim_diag_set(diag, SIM_ERR_IO, path, 0, NULL, "%s",
                            strerror(errno));
    for (;;) {
        if (n + 4096 > cap) {
            size_t nc = cap > 0 ? 2 * cap : 65536;
            char *b = realloc(buf, nc);
            if (b == NULL || nc > (64u << 20)) {
                free(b != NULL ? b : buf);
                fclose(fp);
                return sim_diag_set(diag, b == NULL ? SIM_ERR_NOMEM
                                                    : SIM_ERR_IO,
                                    path, 0, NULL, "file too large");
            }
            buf = b;
            cap = nc;
        }
        size_t got = fread(buf + n, 1, cap - n, fp);
        n += got;
        if (got == 0)
            break;
    }
    bool failed = ferror(fp) != 0;
    fclose(fp);
    if (failed) {
        free(buf);
        return sim_diag_set(diag, SIM_ERR_IO, path, 0, NULL, "read error");
    }
    sim_err_t err = sim_coll_validate_text(buf, n, path, cat, tun, tol, rep,
                                           diag);
    free(buf);
    return err;
}

sim_err_t sim_coll_vreport_print(const sim_coll_vreport_t *rep, FILE *out)
{
    fprintf(out, "%-5s %-17s %-9s %5s %-11s %-12s %-12s %10s %10s %8s  %s\n",
            "line", "op", "gpu", "gpus", "algo", "run", "bytes", "published",
            "simulated", "error", "");
    for (size_t i = 0; i < rep->n; i++) {
        const sim_coll_vrow_t *r = &rep->rows[i];
        char run[40];
        snprintf(run, sizeof run, "%s/%s", sim_coll_algo_name(r->res.algo),
                 sim_coll_proto_name(r->res.proto));
        fprintf(out, "%-5d %-17s %-9s %5lld %-11s %-12s %-12.0f %10.4g %10.4g "
                "%+7.1f%%  %s%s\n", r->line, r->op, r->gpu,
                (long long)r->gpus, r->algo, run, r->bytes,
                r->by_time ? r->expected * 1e6 : r->expected,
                r->by_time ? r->simulated * 1e6 : r->simulated,
                100.0 * r->rel_err, r->pass ? "ok" : "FAIL",
                r->by_time ? " (time, us)" : "");
    }
    fprintf(out, "%zu rows, %zu outside %.3g, worst %.1f%%\n", rep->n,
            rep->failed, rep->tolerance, 100.0 * rep->max_abs_err);
    return ferror(out) ? SIM_ERR_IO : SIM_OK;
}

sim_err_t sim_coll_vreport_to_json(const sim_coll_vreport_t *rep,
                                   json_t *obj)
{
    sim_err_t err = SIM_OK;
    json_t *arr = json_array();
#define TRY(x) do { if (err == SIM_OK) err = (x); } while (0)
    if (arr == NULL)
        return SIM_ERR_NOMEM;
    for (size_t i = 0; i < rep->n && err == SIM_OK; i++) {
        const sim_coll_vrow_t *r = &rep->rows[i];
        json_t *o = json_object();
        if (o == NULL) {
            err = SIM_ERR_NOMEM;
            break;
        }
        TRY(sim_json_set_int(o, "line", r->line));
        TRY(sim_json_set_str(o, "op", r->op));
        TRY(sim_json_set_str(o, "gpu", r->gpu));
        TRY(sim_json_set_int(o, "gpus", r->gpus));
        TRY(sim_json_set_int(o, "gpus_per_node", r->gpus_per_node));
        TRY(sim_json_set_str(o, "algo", r->algo));
        TRY(sim_json_set_str(o, "algo_run", sim_coll_algo_name(r->res.algo)));
        TRY(sim_json_set_str(o, "proto", sim_coll_proto_name(r->res.proto)));
        TRY(sim_json_set_num(o, "bytes", r->bytes));
        TRY(sim_json_set_str(o, "metric", r->by_time ? "time_s" : "busbw_GBps"));
        TRY(sim_json_set_num(o, "expected", r->expected));
        TRY(sim_json_set_num(o, "simulated", r->simulated));
        TRY(sim_json_set_num(o, "rel_err", r->rel_err));
        TRY(sim_json_set_bool(o, "pass", r->pass));
        TRY(sim_json_set_str(o, "source", r->source));
        if (err == SIM_OK)
            err = sim_json_push_new(arr, o);
        else
            json_decref(o);
    }
    TRY(sim_json_set_num(obj, "tolerance", rep->tolerance));
    TRY(sim_json_set_num(obj, "max_abs_err", rep->max_abs_err));
    TRY(sim_json_set_int(obj, "failed", (int64_t)rep->failed));
    if (err == SIM_OK)
        return sim_json_set_new(obj, "rows", arr);
    json_decref(arr);
    return err;
#undef TRY
}
