/*
 * trace_requests.c — readers for serving traces and their replay (see
 * trace_requests.h for the formats and their sources).
 *
 * Invariants: a trace's requests are sorted by arrival (stable) and its
 * arrivals start at >= 0; every request's hash_ids points into the trace's
 * own pool (fixed once parsing ends).
 */
#include "workloads/trace_requests.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "sim/engine/rng.h"
#include "workloads/embedded.h"

struct wl_reqtrace {
    wl_request_t *req;
    size_t n, cap;
    uint32_t *pool;        /* prefix hashes of all requests */
    size_t pool_n, pool_cap;
    size_t *hash_off;      /* per request: offset into pool (during parse) */
};

struct wl_replay {
    const wl_reqtrace_t *t;
    double time_scale, rate_scale;
    int loops, loop;
    size_t i;              /* next row */
    int copies_left;       /* copies of row i-1 still to emit */
    wl_request_t cur;
    double loop_offset, gap;
    gsl_rng *rng;
};

/* ---- small text helpers ------------------------------------------------ */

/* The next line of [*p, end) into [*ls, *le) (without CR/LF); advances *p.
 * Returns 0 at the end. */
static int next_line(const char **p, const char *end, const char **ls,
                     const char **le)
{
    if (*p >= end)
        return 0;
    *ls = *p;
    const char *nl = memchr(*p, '\n', (size_t)(end - *p));
    *le = nl != NULL ? nl : end;
    *p = nl != NULL ? nl + 1 : end;
    if (*le > *ls && (*le)[-1] == '\r')
        (*le)--;
    return 1;
}

/* Split [ls, le) at commas into up to max fields (copied, NUL-terminated,
 * each at most 63 chars).  Returns the field count. */
static int split_csv(const char *ls, const char *le, char f[][64], int max)
{
    int n = 0;
    const char *s = ls;
    for (;;) {
        const char *c = memchr(s, ',', (size_t)(le - s));
        const char *e = c != NULL ? c : le;
        if (n < max) {
            size_t len = (size_t)(e - s);
            if (len > 63)
                len = 63;
            memcpy(f[n], s, len);
            f[n][len] = '\0';
        }
        n++;
        if (c == NULL)
            break;
        s = c + 1;
    }
    return n;
}

static int parse_num(const char *s, double *out)
{
    char *end;
    if (*s == '\0')
        return -1;
    errno = 0;
    *out = strtod(s, &end);
    if (errno != 0 || *end != '\0' || !isfinite(*out))
        return -1;
    return 0;
}

/* Days from 1970-01-01 to civil date y-m-d (proleptic Gregorian; the
 * days_from_civil algorithm of H. Hinnant, "chrono-Compatible Low-Level
 * Date Algorithms"). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* "YYYY-MM-DD HH:MM:SS[.frac]" to seconds since 1970 (UTC, no zone). */
static int parse_datetime(const char *s, double *out)
{
    int y, mo, d, h, mi, n = 0;
    double sec;
    if (sscanf(s, "%4d-%2d-%2d %2d:%2d:%lf%n", &y, &mo, &d, &h, &mi, &sec,
               &n) != 6 ||
        s[n] != '\0' || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 ||
        h > 23 || mi < 0 || mi > 59 || !(sec >= 0.0 && sec < 61.0))
        return -1;
    *out = (double)days_from_civil(y, mo, d) * 86400.0 + h * 3600.0 +
           mi * 60.0 + sec;
    return 0;
}

/* ---- trace building ---------------------------------------------------- */

static wl_request_t *push_req(wl_reqtrace_t *t)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 1024;
        wl_request_t *r = realloc(t->req, cap * sizeof *r);
        size_t *o = realloc(t->hash_off, cap * sizeof *o);
        if (r != NULL)
            t->req = r;
        if (o != NULL)
            t->hash_off = o;
        if (r == NULL || o == NULL)
            return NULL;
        t->cap = cap;
    }
    memset(&t->req[t->n], 0, sizeof t->req[t->n]);
    t->hash_off[t->n] = t->pool_n;
    return &t->req[t->n++];
}

static int push_hash(wl_reqtrace_t *t, uint32_t h)
{
    if (t->pool_n == t->pool_cap) {
        size_t cap = t->pool_cap ? 2 * t->pool_cap : 4096;
        uint32_t *p = realloc(t->pool, cap * sizeof *p);
        if (p == NULL)
            return -1;
        t->pool = p;
        t->pool_cap = cap;
    }
    t->pool[t->pool_n++] = h;
    return 0;
}

static int cmp_arrival(const void *a, const void *b)
{
    const wl_request_t *x = a, *y = b;
    if (x->arrival_s != y->arrival_s)
        return x->arrival_s < y->arrival_s ? -1 : 1;
    /* stability: the parser stored the row index in n_hash's slot below */
    return x->hash_block_tokens < y->hash_block_tokens
               ? -1
               : x->hash_block_tokens > y->hash_block_tokens;
}

/* Sort stably, re-base arrivals at the first one, fix hash pointers. */
static void finish(wl_reqtrace_t *t)
{
    int sorted = 1;
    for (size_t i = 1; i < t->n; i++)
        if (t->req[i].arrival_s < t->req[i - 1].arrival_s)
            sorted = 0;
    for (size_t i = 0; i < t->n; i++)
        t->req[i].hash_ids = t->req[i].n_hash ? t->pool + t->hash_off[i]
                                              : NULL;
    if (!sorted) {
        /* keep file order on ties: stash the row index, sort, restore */
        int64_t *blk = malloc(t->n * sizeof *blk);
        for (size_t i = 0; i < t->n; i++) {
            if (blk != NULL)
                blk[i] = t->req[i].hash_block_tokens;
            t->req[i].hash_block_tokens = (int64_t)i;
        }
        qsort(t->req, t->n, sizeof *t->req, cmp_arrival);
        for (size_t i = 0; i < t->n; i++) {
            size_t row = (size_t)t->req[i].hash_block_tokens;
            t->req[i].hash_block_tokens = blk != NULL ? blk[row] : 0;
        }
        free(blk);
    }
    double t0 = t->req[0].arrival_s;
    for (size_t i = 0; i < t->n; i++)
        t->req[i].arrival_s -= t0;
}

static sim_err_t parse_azure_row(wl_reqtrace_t *t, const char *ls,
                                 const char *le, const char *name, int line,
                                 sim_diag_t *diag)
{
    char f[3][64];
    double ts, ctx, gen;
    if (split_csv(ls, le, f, 3) != 3 || parse_datetime(f[0], &ts) != 0 ||
        parse_num(f[1], &ctx) != 0 || parse_num(f[2], &gen) != 0)
        return sim_diag_set(diag, SIM_ERR_INPUT, name, line, NULL,
                            "expected TIMESTAMP,ContextTokens,"
                            "GeneratedTokens");
    if (ctx < 1.0 || gen < 1.0 || ctx > 1e9 || gen > 1e9)
        return sim_diag_set(diag, SIM_ERR_RANGE, name, line, NULL,
                            "token counts must lie in [1, 1e9]");
    wl_request_t *r = push_req(t);
    if (r == NULL)
        return SIM_ERR_NOMEM;
    r->arrival_s = ts;
    r->kind = WL_REQ_LLM;
    r->prompt_tokens = (int64_t)ctx;
    r->output_tokens = (int64_t)gen;
    return SIM_OK;
}

static sim_err_t parse_genai_row(wl_reqtrace_t *t, const char *ls,
                                 const char *le, const char *name, int line,
                                 sim_diag_t *diag)
{
    char f[11][64];
    double ts, work;
    if (split_csv(ls, le, f, 11) < 4 || parse_datetime(f[0], &ts) != 0)
        return sim_diag_set(diag, SIM_ERR_INPUT, name, line, NULL,
                            "expected gmt_create,predict_type,"
                            "predict_status,exec_time_seconds,...");
    if (parse_num(f[3], &work) != 0 || !(work > 0.0))
        return SIM_OK; /* no execution time recorded: skipped */
    wl_request_t *r = push_req(t);
    if (r == NULL)
        return SIM_ERR_NOMEM;
    r->arrival_s = ts;
    r->kind = WL_REQ_FIXED_WORK;
    r->work_s = work;
    return SIM_OK;
}

static sim_err_t parse_mooncake_row(wl_reqtrace_t *t, const char *ls,
                                    const char *le, const char *name,
                                    int line, sim_diag_t *diag)
{
    json_error_t jerr;
    sim_err_t err = SIM_OK;
    json_t *o = json_loadb(ls, (size_t)(le - ls), 0, &jerr);
    json_t *ts = json_object_get(o, "timestamp");
    json_t *in = json_object_get(o, "input_length");
    json_t *outl = json_object_get(o, "output_length");
    json_t *h = json_object_get(o, "hash_ids");
    if (o == NULL || !json_is_number(ts) || !json_is_integer(in) ||
        !json_is_integer(outl) || (h != NULL && !json_is_array(h))) {
        err = sim_diag_set(diag, SIM_ERR_INPUT, name, line, NULL,
                           "expected a JSON object with timestamp, "
                           "input_length, output_length, hash_ids");
        goto done;
    }
    if (json_integer_value(in) < 1 || json_integer_value(outl) < 1 ||
        json_number_value(ts) < 0.0) {
        err = sim_diag_set(diag, SIM_ERR_RANGE, name, line, NULL,
                           "lengths must be >= 1 and timestamp >= 0");
        goto done;
    }
    wl_request_t *r = push_req(t);
    if (r == NULL) {
        err = SIM_ERR_NOMEM;
        goto done;
    }
    r->arrival_s = json_number_value(ts) / 1000.0;
    r->kind = WL_REQ_LLM;
    r->prompt_tokens = json_integer_value(in);
    r->output_tokens = json_integer_value(outl);
    r->hash_block_tokens = 512; /* Mooncake FAST'25 README: 512-token blocks */
    for (size_t i = 0; h != NULL && i < json_array_size(h); i++) {
        json_t *v = json_array_get(h, i);
        if (!json_is_integer(v) || json_integer_value(v) < 0 ||
            json_integer_value(v) > (json_int_t)UINT32_MAX) {
            err = sim_diag_set(diag, SIM_ERR_INPUT, name, line, "hash_ids",
                               "hash ids must be integers in [0, 2^32)");
            goto done;
        }
        if (push_hash(t, (uint32_t)json_integer_value(v)) != 0) {
            err = SIM_ERR_NOMEM;
            goto done;
        }
        r->n_hash++;
    }
done:
    json_decref(o);
    return err;
}

sim_err_t wl_reqtrace_parse(const char *text, size_t len, const char *name,
                         wl_reqtrace_format_t fmt, wl_reqtrace_t **out,
                         sim_diag_t *diag)
{
    const char *p = text, *end = text + len, *ls, *le;
    int line = 0;
    sim_err_t err = SIM_OK;
    wl_reqtrace_t *t = calloc(1, sizeof *t);

    *out = NULL;
    if (t == NULL)
        goto nomem;
    while (text != NULL && next_line(&p, end, &ls, &le)) {
        line++;
        if (le == ls)
            continue;
        if (fmt != WL_TRACE_MOONCAKE && line == 1)
            continue; /* header */
        switch (fmt) {
        case WL_TRACE_AZURE:
            err = parse_azure_row(t, ls, le, name, line, diag);
            break;
        case WL_TRACE_GENAI:
            err = parse_genai_row(t, ls, le, name, line, diag);
            break;
        case WL_TRACE_MOONCAKE:
            err = parse_mooncake_row(t, ls, le, name, line, diag);
            break;
        default:
            err = sim_diag_set(diag, SIM_ERR_INPUT, name, 0, NULL,
                               "unknown trace format %d", (int)fmt);
        }
        if (err == SIM_ERR_NOMEM)
            goto nomem;
        if (err != SIM_OK)
            goto fail;
    }
    if (t->n == 0) {
        err = sim_diag_set(diag, SIM_ERR_INPUT, name, line, NULL,
                           "the trace has no requests");
        goto fail;
    }
    finish(t);
    free(t->hash_off);
    t->hash_off = NULL;
    *out = t;
    return SIM_OK;
nomem:
    err = sim_diag_set(diag, SIM_ERR_NOMEM, name, line, NULL,
                       "out of memory reading the trace");
fail:
    wl_reqtrace_free(t);
    return err;
}

sim_err_t wl_reqtrace_load_file(const char *path, wl_reqtrace_format_t fmt,
                             wl_reqtrace_t **out, sim_diag_t *diag)
{
    FILE *fp = fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0, cap = 0;
    sim_err_t err;

    *out = NULL;
    if (fp == NULL)
        return sim_diag_set(diag, SIM_ERR_IO, path, 0, NULL,
                            "cannot open the trace: %s", strerror(errno));
    for (;;) {
        if (cap - n < 65536) {
            char *b = realloc(buf, cap + 65536 * 4);
            if (b == NULL) {
                err = sim_diag_set(diag, SIM_ERR_NOMEM, path, 0, NULL,
                                   "out of memory reading the trace");
                goto fail;
            }
            buf = b;
            cap += 65536 * 4;
        }
        size_t got = fread(buf + n, 1, cap - n, fp);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(fp)) {
        err = sim_diag_set(diag, SIM_ERR_IO, path, 0, NULL,
                           "read error on the trace");
        goto fail;
    }
    err = wl_reqtrace_parse(buf, n, path, fmt, out, diag);
fail:
    fclose(fp);
    free(buf);
    return err;
}

sim_err_t wl_reqtrace_load_embedded(const char *short_name, wl_reqtrace_t **out,
                                 sim_diag_t *diag)
{
    static const struct {
        const char *name, *path;
        wl_reqtrace_format_t fmt;
    } map[] = {
        {"azure-code", WL_TRACE_AZURE_CODE, WL_TRACE_AZURE},
        {"azure-conv", WL_TRACE_AZURE_CONV, WL_TRACE_AZURE},
        {"mooncake", WL_TRACE_MOONCAKE_CONV, WL_TRACE_MOONCAKE},
        {"genai", WL_TRACE_GENAI_LORA, WL_TRACE_GENAI},
    };
    *out = NULL;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        if (strcmp(short_name, map[i].name) != 0)
            continue;
        const wl_embedded_file_t *f = wl_embedded_find(map[i].path);
        if (f == NULL)
            return sim_diag_set(diag, SIM_ERR_NOTFOUND, NULL, 0,
                                "traffic.trace",
                                "%s is not embedded in this build",
                                map[i].path);
        return wl_reqtrace_parse(f->data, f->size, map[i].path, map[i].fmt,
                              out, diag);
    }
    return sim_diag_set(diag, SIM_ERR_NOTFOUND, NULL, 0, "traffic.trace",
                        "unknown trace '%s': expected azure-code, "
                        "azure-conv, mooncake or genai",
                        short_name);
}

void wl_reqtrace_free(wl_reqtrace_t *t)
{
    if (t == NULL)
        return;
    free(t->req);
    free(t->pool);
    free(t->hash_off);
    free(t);
}

size_t wl_reqtrace_count(const wl_reqtrace_t *t)
{
    return t->n;
}

const wl_request_t *wl_reqtrace_get(const wl_reqtrace_t *t, size_t i)
{
    return i < t->n ? &t->req[i] : NULL;
}

double wl_reqtrace_span_s(const wl_reqtrace_t *t)
{
    return t->req[t->n - 1].arrival_s;
}

/* ---- replay ------------------------------------------------------------ */

sim_err_t wl_replay_new(const wl_reqtrace_t *t, double time_scale,
                        double rate_scale, int loops, uint64_t seed,
                        wl_replay_t **out, sim_diag_t *diag)
{
    wl_replay_t *r;

    *out = NULL;
    if (!(time_scale > 0.0) || !isfinite(time_scale))
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0,
                            "traffic.time_scale",
                            "time scale must be positive, got %g",
                            time_scale);
    if (!(rate_scale > 0.0) || !(rate_scale <= 1e6))
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0,
                            "traffic.rate_scale",
                            "rate scale must lie in (0, 1e6], got %g",
                            rate_scale);
    if (loops < 1)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, "traffic.loops",
                            "loops must be >= 1, got %d", loops);
    r = calloc(1, sizeof *r);
    if (r == NULL)
        return sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL,
                            "out of memory");
    r->rng = sim_rng_alloc(sim_rng_hash(seed, "trace.rate_scale"));
    if (r->rng == NULL) {
        free(r);
        return sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL,
                            "out of memory");
    }
    r->t = t;
    r->time_scale = time_scale;
    r->rate_scale = rate_scale;
    r->loops = loops;
    r->gap = t->n > 1 ? wl_reqtrace_span_s(t) / (double)(t->n - 1) : 1.0;
    *out = r;
    return SIM_OK;
}

void wl_replay_free(wl_replay_t *r)
{
    if (r == NULL)
        return;
    gsl_rng_free(r->rng);
    free(r);
}

int wl_replay_next(wl_replay_t *r, wl_request_t *out)
{
    while (r->copies_left == 0) {
        if (r->i == r->t->n) {
            if (++r->loop >= r->loops)
                return 0;
            r->loop_offset += wl_reqtrace_span_s(r->t) + r->gap;
            r->i = 0;
        }
        r->cur = r->t->req[r->i++];
        r->cur.arrival_s = (r->cur.arrival_s + r->loop_offset) *
                           r->time_scale;
        double whole = floor(r->rate_scale);
        r->copies_left = (int)whole;
        if (gsl_rng_uniform(r->rng) < r->rate_scale - whole)
            r->copies_left++;
    }
    r->copies_left--;
    *out = r->cur;
    return 1;
}

static int replay_stream_next(void *ctx, wl_request_t *out)
{
    return wl_replay_next(ctx, out);
}

wl_request_stream_t wl_replay_stream(wl_replay_t *r)
{
    wl_request_stream_t s = {replay_stream_next, r};
    return s;
}

/* ---- derived series ---------------------------------------------------- */

sim_err_t wl_reqtrace_daily_curve(const char *text, size_t len,
                               const char *name, double curve24[24],
                               double *mean_rate, sim_diag_t *diag)
{
    const char *p = text, *end = text + len, *ls, *le;
    double sum[24] = {0}, total = 0.0;
    long cnt[24] = {0}, n = 0;
    int line = 0;

    while (text != NULL && next_line(&p, end, &ls, &le)) {
        char f[2][64];
        double w, rate;
        if (++line == 1 || le == ls)
            continue;
        if (split_csv(ls, le, f, 2) < 2 || parse_num(f[0], &w) != 0 ||
            parse_num(f[1], &rate) != 0 || w < 0.0 || rate < 0.0)
            return sim_diag_set(diag, SIM_ERR_INPUT, name, line, NULL,
                                "expected window_start_s,rate with "
                                "non-negative numbers");
        int h = (int)fmod(floor(w / 3600.0), 24.0);
        sum[h] += rate;
        cnt[h]++;
        total += rate;
        n++;
    }
    for (int h = 0; h < 24; h++) {
        if (cnt[h] == 0)
            return sim_diag_set(diag, SIM_ERR_INPUT, name, line, NULL,
                                "no window starts in hour %d of the day",
                                h);
        curve24[h] = sum[h] / (double)cnt[h];
    }
    *mean_rate = total / (double)n;
    return SIM_OK;
}

sim_err_t wl_reqtrace_latency_samples(const char *text, size_t len,
                                   const char *name, double **out, size_t *n,
                                   sim_diag_t *diag)
{
    const char *p = text, *end = text + len, *ls, *le;
    double *v = NULL;
    size_t cnt = 0, cap = 0;
    int line = 0;

    *out = NULL;
    *n = 0;
    while (text != NULL && next_line(&p, end, &ls, &le)) {
        char f[2][64];
        double ms;
        if (++line == 1 || le == ls)
            continue;
        if (split_csv(ls, le, f, 2) < 2 || parse_num(f[1], &ms) != 0 ||
            ms < 0.0) {
            free(v);
            return sim_diag_set(diag, SIM_ERR_INPUT, name, line, NULL,
                                "expected timestamp,value_ms with a "
                                "non-negative value");
        }
        if (cnt == cap) {
            size_t nc = cap ? 2 * cap : 1024;
            double *nv = realloc(v, nc * sizeof *nv);
            if (nv == NULL) {
                free(v);
                return sim_diag_set(diag, SIM_ERR_NOMEM, name, line, NULL,
                                    "out of memory");
            }
            v = nv;
            cap = nc;
        }
        v[cnt++] = ms / 1000.0;
    }
    if (cnt == 0) {
        free(v);
        return sim_diag_set(diag, SIM_ERR_INPUT, name, line, NULL,
                            "no samples");
    }
    *out = v;
    *n = cnt;
    return SIM_OK;
}
