/*
 * kbench_csv.c — the kernel timing CSV record (see kbench_csv.h).
 */
#include "sim/kbench/kbench_csv.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sim/kbench/kbench_grid.h"
#include "sim/kbench/kbench_stats.h"

#define N_BASE_COLUMNS 12

/* Copy src (NULL reads as "") into dst of size n >= 1, truncating.
 * Returns 1 when all of src fit, 0 when it was truncated. */
static int copy_str(char *dst, size_t n, const char *src)
{
    size_t len = src != NULL ? strlen(src) : 0;
    size_t keep = len < n ? len : n - 1;

    if (keep > 0)
        memcpy(dst, src, keep);
    dst[keep] = '\0';
    return keep == len;
}

sim_err_t kbench_row_fill(kbench_row_t *row, const char *backend,
                          const kbench_device_t *dev, const kbench_case_t *c,
                          kbench_sample_t *s, const char *date)
{
    kbench_stats_t st;

    if (s->reps < 1 || kbench_stats_compute(s->times, (size_t)s->reps, &st) != SIM_OK)
        return SIM_ERR_RANGE;
    if (!(st.median > 0.0) || !isfinite(st.median))
        return SIM_ERR_RANGE;
    memset(row, 0, sizeof *row);
    copy_str(row->backend, sizeof row->backend, backend);
    copy_str(row->device, sizeof row->device, dev->name);
    copy_str(row->kernel, sizeof row->kernel, kbench_kernel_name(c->kernel));
    copy_str(row->dtype, sizeof row->dtype, kbench_dtype_name(c->dtype));
    copy_str(row->arch, sizeof row->arch, dev->arch);
    copy_str(row->date, sizeof row->date, date);
    row->m = c->m;
    row->n = c->n;
    row->k = c->k;
    row->bytes = s->bytes;
    row->reps = s->reps;
    row->time_s = st.median;
    row->tflops = s->flops / st.median / 1e12;
    row->gbps = s->bytes / st.median / 1e9;
    row->time_min_s = st.min;
    row->time_max_s = st.max;
    row->time_p10_s = st.p10;
    row->time_p90_s = st.p90;
    row->inner = s->inner;
    row->units = dev->units;
    row->clock_mhz = dev->clock_mhz;
    return SIM_OK;
}

/* An output buffer that counts what it would need, like snprintf. */
typedef struct out {
    char *buf;
    size_t cap, len;
} out_t;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void out_printf(out_t *o, const char *fmt, ...)
{
    va_list ap;
    size_t room = o->len < o->cap ? o->cap - o->len : 0;
    va_start(ap, fmt);
    int w = vsnprintf(room ? o->buf + o->len : NULL, room, fmt, ap);
    va_end(ap);
    if (w > 0)
        o->len += (size_t)w;
}

static void out_char(out_t *o, char ch)
{
    if (o->len + 1 < o->cap) {
        o->buf[o->len] = ch;
        o->buf[o->len + 1] = '\0';
    }
    o->len++;
}

/* A text field, quoted when it holds a comma, quote or line break. */
static void out_text(out_t *o, const char *s)
{
    if (strpbrk(s, ",\"\r\n") == NULL) {
        out_printf(o, "%s", s);
        return;
    }
    out_char(o, '"');
    for (; *s; s++) {
        if (*s == '"')
            out_char(o, '"');
        out_char(o, *s);
    }
    out_char(o, '"');
}

size_t kbench_csv_format_row(const kbench_row_t *r, char *buf, size_t n)
{
    out_t o = {buf, n, 0};

    if (n > 0)
        buf[0] = '\0';
    out_text(&o, r->backend);
    out_char(&o, ',');
    out_text(&o, r->device);
    out_char(&o, ',');
    out_text(&o, r->kernel);
    out_char(&o, ',');
    out_text(&o, r->dtype);
    out_printf(&o, ",%lld,%lld,%lld,%.0f,%d,%.9g,%.6g,%.6g",
               (long long)r->m, (long long)r->n, (long long)r->k, r->bytes,
               r->reps, r->time_s, r->tflops, r->gbps);
    out_printf(&o, ",%.9g,%.9g,%.9g,%.9g,%lld,%d,%.6g,", r->time_min_s,
               r->time_max_s, r->time_p10_s, r->time_p90_s,
               (long long)r->inner, r->units, r->clock_mhz);
    out_text(&o, r->arch);
    out_char(&o, ',');
    out_text(&o, r->date);
    out_char(&o, '\n');
    return o.len;
}

sim_err_t kbench_csv_write_header(FILE *f)
{
    if (fputs(KBENCH_CSV_HEADER "\n", f) == EOF)
        return SIM_ERR_IO;
    return SIM_OK;
}

sim_err_t kbench_csv_write_row(FILE *f, const kbench_row_t *row)
{
    char small[512];
    char *line = small;
    sim_err_t err = SIM_OK;
    size_t need = kbench_csv_format_row(row, small, sizeof small);

    if (need >= sizeof small) {
        line = malloc(need + 1);
        if (line == NULL)
            return SIM_ERR_NOMEM;
        kbench_csv_format_row(row, line, need + 1);
    }
    if (fputs(line, f) == EOF)
        err = SIM_ERR_IO;
    if (line != small)
        free(line);
    return err;
}

sim_err_t kbench_csv_check_header(const char *header, const char *file,
                                  sim_diag_t *diag)
{
    size_t len = strlen(KBENCH_CSV_BASE_HEADER);

    if (strncmp(header, KBENCH_CSV_BASE_HEADER, len) != 0 ||
        (header[len] != '\0' && header[len] != ',' && header[len] != '\n' &&
         header[len] != '\r'))
        return sim_diag_set(diag, SIM_ERR_INPUT, file, 1, "header",
                            "expected the columns '%s'", KBENCH_CSV_BASE_HEADER);
    return SIM_OK;
}

/*
 * Split the next field of *p into dst (size n), unquoting; advance *p past
 * the comma.  Returns 0 ok, -1 when the field does not fit, -2 on a quote
 * that never closes.  *p == NULL after the last field.
 */
static int next_field(const char **p, char *dst, size_t n)
{
    const char *s = *p;
    size_t len = 0;
    int quoted = (*s == '"');

    if (quoted)
        s++;
    for (;;) {
        char ch = *s;
        if (quoted) {
            if (ch == '\0')
                return -2;
            if (ch == '"') {
                if (s[1] == '"') {
                    s++;
                } else {
                    quoted = 0;
                    s++;
                    continue;
                }
            }
        } else if (ch == ',' || ch == '\0' || ch == '\n' || ch == '\r') {
            break;
        }
        if (len + 1 >= n)
            return -1;
        dst[len++] = ch;
        s++;
    }
    dst[len] = '\0';
    *p = (*s == ',') ? s + 1 : NULL;
    return 0;
}

static int parse_i64(const char *s, int64_t *out)
{
    char *end;
    if (*s == '\0') {
        *out = 0;
        return 0;
    }
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < 0)
        return -1;
    *out = (int64_t)v;
    return 0;
}

/* An empty field reads as *out = NAN. */
static int parse_double(const char *s, double *out)
{
    char *end;
    if (*s == '\0') {
        *out = NAN;
        return 0;
    }
    errno = 0;
    double v = strtod(s, &end);
    if (errno != 0 || *end != '\0' || !isfinite(v) || v < 0)
        return -1;
    *out = v;
    return 0;
}

sim_err_t kbench_csv_parse_row(const char *line, kbench_row_t *row,
                               const char *file, int lineno,
                               sim_diag_t *diag)
{
    static const char *const names[N_BASE_COLUMNS] = {
        "backend", "device", "kernel", "dtype", "m", "n",
        "k", "bytes", "reps", "time_s", "tflops", "gbps"};
    char field[N_BASE_COLUMNS][128];
    const char *p = line;
    int64_t reps = 0;
    int i;

    for (i = 0; i < N_BASE_COLUMNS && p != NULL; i++) {
        int rc = next_field(&p, field[i], sizeof field[i]);
        if (rc != 0)
            return sim_diag_set(diag, SIM_ERR_INPUT, file, lineno, names[i],
                                rc == -1 ? "field longer than 127 characters"
                                         : "quoted field never closes");
    }
    if (i < N_BASE_COLUMNS)
        return sim_diag_set(diag, SIM_ERR_INPUT, file, lineno, names[i],
                            "expected %d columns, found %d", N_BASE_COLUMNS, i);

    memset(row, 0, sizeof *row);
    if (!copy_str(row->backend, sizeof row->backend, field[0]) ||
        !copy_str(row->device, sizeof row->device, field[1]) ||
        !copy_str(row->kernel, sizeof row->kernel, field[2]) ||
        !copy_str(row->dtype, sizeof row->dtype, field[3]))
        return sim_diag_set(diag, SIM_ERR_INPUT, file, lineno, "",
                            "a backend, device, kernel or dtype name is too long");
    struct {
        int col;
        int64_t *i; /* integer column, or */
        double *d;  /* real column */
    } nums[] = {
        {4, &row->m, NULL},     {5, &row->n, NULL},     {6, &row->k, NULL},
        {7, NULL, &row->bytes}, {8, &reps, NULL},       {9, NULL, &row->time_s},
        {10, NULL, &row->tflops}, {11, NULL, &row->gbps},
    };
    for (size_t j = 0; j < sizeof nums / sizeof nums[0]; j++) {
        const char *f = field[nums[j].col];
        int bad = nums[j].i != NULL ? parse_i64(f, nums[j].i)
                                    : parse_double(f, nums[j].d);
        if (bad || reps > INT32_MAX)
            return sim_diag_set(diag, SIM_ERR_INPUT, file, lineno,
                                names[nums[j].col],
                                "expected a non-negative number, got '%s'", f);
    }
    row->reps = (int)reps;
    if (isnan(row->bytes))
        row->bytes = 0.0;
    if (!(row->time_s > 0.0))
        return sim_diag_set(diag, SIM_ERR_INPUT, file, lineno, "time_s",
                            "expected a positive time in seconds, got '%s'",
                            field[9]);
    if (isnan(row->tflops))
        row->tflops = strcmp(row->kernel, "gemm") == 0
                          ? kbench_gemm_flops(row->m, row->n, row->k) / row->time_s / 1e12
                          : 0.0;
    if (isnan(row->gbps))
        row->gbps = row->bytes / row->time_s / 1e9;
    return SIM_OK;
}
