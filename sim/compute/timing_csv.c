/*
 * timing_csv.c — kbench-format CSV reader (see timing_csv.h).
 *
 * One pass over the text: split a record into fields (RFC 4180 quoting),
 * map header names to columns once, convert the columns we know.  Numbers
 * are parsed with strtod/strtoll, which follow the C locale that the
 * library never changes.
 */
#include "sim/compute/timing_csv.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/compute/profile.h"

enum col {
    COL_BACKEND, COL_DEVICE, COL_KERNEL, COL_DTYPE, COL_M, COL_N, COL_K,
    COL_BYTES, COL_TIME, COL__COUNT
};

static const char *const col_names[COL__COUNT] = {
    "backend", "device", "kernel", "dtype", "m", "n", "k", "bytes", "time_s",
};

#define MAX_FIELDS 64
#define MAX_FIELD 512

/* One record split into fields (copied, unquoted, truncated to MAX_FIELD). */
typedef struct record {
    int nfields;
    char field[MAX_FIELDS][MAX_FIELD];
} record_t;

sim_err_t sim_compute_read_file(const char *path, char **buf, size_t *len,
                                sim_diag_t *diag)
{
    FILE *f = NULL;
    char *data = NULL;
    size_t cap = 0, n = 0;

    *buf = NULL;
    *len = 0;
    f = fopen(path, "rb");
    if (f == NULL)
        return sim_diag_set(diag, SIM_ERR_IO, path, 0, NULL,
                            "cannot open: %s", strerror(errno));
    for (;;) {
        if (n + 4096 + 1 > cap) {
            size_t ncap = cap ? cap * 2 : 65536;
            char *nd = realloc(data, ncap);
            if (nd == NULL)
                goto nomem;
            data = nd;
            cap = ncap;
        }
        size_t got = fread(data + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        sim_diag_set(diag, SIM_ERR_IO, path, 0, NULL, "read error");
        free(data);
        fclose(f);
        return SIM_ERR_IO;
    }
    fclose(f);
    data[n] = '\0';
    *buf = data;
    *len = n;
    return SIM_OK;
nomem:
    free(data);
    fclose(f);
    return sim_diag_set(diag, SIM_ERR_NOMEM, path, 0, NULL, "out of memory");
}

/*
 * Split the record starting at text[*pos] into rec; advance *pos past its
 * line end and *line by the lines consumed.  Returns 0, or -1 with *errcol
 * set for an unterminated quote or too many fields.
 */
static int split_record(const char *text, size_t len, size_t *pos, int *line,
                        record_t *rec, int *errcol)
{
    size_t i = *pos;
    int nf = 0;
    size_t fl = 0;
    int quoted = 0;

    rec->nfields = 0;
    rec->field[0][0] = '\0';
    for (;;) {
        char c = i < len ? text[i] : '\n';
        int at_end = i >= len;
        if (quoted) {
            if (at_end) {
                *errcol = nf + 1;
                return -1;
            }
            if (c == '"') {
                if (i + 1 < len && text[i + 1] == '"') {
                    if (fl + 1 < MAX_FIELD)
                        rec->field[nf][fl++] = '"';
                    i += 2;
                    continue;
                }
                quoted = 0;
                i++;
                continue;
            }
            if (c == '\n')
                (*line)++;
            if (fl + 1 < MAX_FIELD)
                rec->field[nf][fl++] = c;
            i++;
            continue;
        }
        if (c == '"' && fl == 0) {
            quoted = 1;
            i++;
            continue;
        }
        if (c == ',' || c == '\n') {
            rec->field[nf][fl] = '\0';
            nf++;
            fl = 0;
            if (c == '\n') {
                i = at_end ? len : i + 1;
                break;
            }
            if (nf >= MAX_FIELDS) {
                *errcol = nf + 1;
                return -1;
            }
            rec->field[nf][0] = '\0';
            i++;
            continue;
        }
        if (c != '\r' && fl + 1 < MAX_FIELD)
            rec->field[nf][fl++] = c;
        i++;
    }
    rec->nfields = nf;
    *pos = i;
    return 0;
}

static int is_blank(const char *s)
{
    for (; *s != '\0'; s++)
        if (*s != ' ' && *s != '\t' && *s != '\r')
            return 0;
    return 1;
}

static sim_err_t parse_size(const char *s, int64_t *out, const char *name,
                            int line, int col, const char *key,
                            sim_diag_t *diag)
{
    char *end = NULL;
    if (is_blank(s)) {
        *out = 0;
        return SIM_OK;
    }
    errno = 0;
    long long v = strtoll(s, &end, 10);
    while (end != NULL && (*end == ' ' || *end == '\t'))
        end++;
    if (errno != 0 || end == s || *end != '\0' || v < 0)
        return sim_diag_set(diag, SIM_ERR_INPUT, name, line, key,
                            "column %d: expected a non-negative integer, "
                            "got '%s'", col, s);
    *out = (int64_t)v;
    return SIM_OK;
}

static sim_err_t parse_real(const char *s, double *out, int required,
                            const char *name, int line, int col,
                            const char *key, sim_diag_t *diag)
{
    char *end = NULL;
    if (is_blank(s)) {
        if (required)
            return sim_diag_set(diag, SIM_ERR_INPUT, name, line, key,
                                "column %d: value required", col);
        *out = 0.0;
        return SIM_OK;
    }
    errno = 0;
    double v = strtod(s, &end);
    while (end != NULL && (*end == ' ' || *end == '\t'))
        end++;
    if (errno != 0 || end == s || *end != '\0' || !isfinite(v) || v < 0.0 ||
        (required && v <= 0.0))
        return sim_diag_set(diag, SIM_ERR_INPUT, name, line, key,
                            "column %d: expected a %s number, got '%s'", col,
                            required ? "positive" : "non-negative", s);
    *out = v;
    return SIM_OK;
}

static sim_err_t push_row(sim_compute_timing_set_t *set,
                          const sim_compute_timing_row_t *row)
{
    if (set->n == set->cap) {
        size_t ncap = set->cap ? set->cap * 2 : 64;
        sim_compute_timing_row_t *nr =
            realloc(set->rows, ncap * sizeof *nr);
        if (nr == NULL)
            return SIM_ERR_NOMEM;
        set->rows = nr;
        set->cap = ncap;
    }
    set->rows[set->n++] = *row;
    return SIM_OK;
}

static void copy_field(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src);
}

sim_err_t sim_compute_timing_parse(const char *text, size_t len,
                                   const char *name,
                                   sim_compute_timing_set_t **out,
                                   sim_diag_t *diag)
{
    sim_err_t err = SIM_OK;
    sim_compute_timing_set_t *set = NULL;
    record_t *rec = NULL;
    int colidx[COL__COUNT];
    int header_fields = 0, have_header = 0;
    size_t pos = 0;
    int line = 1;

    *out = NULL;
    if (name == NULL)
        name = "";
    set = calloc(1, sizeof *set);
    rec = malloc(sizeof *rec);
    if (set == NULL || rec == NULL) {
        err = sim_diag_set(diag, SIM_ERR_NOMEM, name, 0, NULL, NULL);
        goto fail;
    }
    copy_field(set->name, sizeof set->name, name);
    set->fnv1a64 = sim_compute_fnv1a64(text, len);

    while (pos < len) {
        int start_line = line, errcol = 0;
        if (split_record(text, len, &pos, &line, rec, &errcol) != 0) {
            err = sim_diag_set(diag, SIM_ERR_INPUT, name, start_line, NULL,
                               "column %d: %s", errcol,
                               errcol > MAX_FIELDS ? "too many fields"
                                                   : "unterminated quote");
            goto fail;
        }
        line++;
        if (rec->nfields == 1 && is_blank(rec->field[0]))
            continue;
        if (rec->field[0][0] == '#')
            continue;
        if (!have_header) {
            for (int c = 0; c < COL__COUNT; c++) {
                colidx[c] = -1;
                for (int f = 0; f < rec->nfields; f++)
                    if (strcmp(rec->field[f], col_names[c]) == 0)
                        colidx[c] = f;
            }
            if (colidx[COL_KERNEL] < 0 || colidx[COL_TIME] < 0) {
                err = sim_diag_set(
                    diag, SIM_ERR_INPUT, name, start_line,
                    colidx[COL_KERNEL] < 0 ? "kernel" : "time_s",
                    "column %d: header lacks required column '%s'",
                    rec->nfields + 1,
                    colidx[COL_KERNEL] < 0 ? "kernel" : "time_s");
                goto fail;
            }
            header_fields = rec->nfields;
            have_header = 1;
            continue;
        }
        if (rec->nfields != header_fields) {
            err = sim_diag_set(diag, SIM_ERR_INPUT, name, start_line, NULL,
                               "column %d: expected %d fields as in the "
                               "header, got %d",
                               (rec->nfields < header_fields ? rec->nfields
                                                             : header_fields)
                                   + 1,
                               header_fields, rec->nfields);
            goto fail;
        }
        sim_compute_timing_row_t row;
        memset(&row, 0, sizeof row);
        row.line = start_line;
#define FIELD(c) (colidx[c] >= 0 ? rec->field[colidx[c]] : "")
        copy_field(row.backend, sizeof row.backend, FIELD(COL_BACKEND));
        copy_field(row.device, sizeof row.device, FIELD(COL_DEVICE));
        copy_field(row.kernel, sizeof row.kernel, FIELD(COL_KERNEL));
        copy_field(row.dtype, sizeof row.dtype, FIELD(COL_DTYPE));
        if (is_blank(row.kernel)) {
            err = sim_diag_set(diag, SIM_ERR_INPUT, name, start_line,
                               "kernel", "column %d: kernel name required",
                               colidx[COL_KERNEL] + 1);
            goto fail;
        }
        int64_t *sizes[3] = {&row.m, &row.n, &row.k};
        for (int c = COL_M; c <= COL_K; c++) {
            err = parse_size(FIELD(c), sizes[c - COL_M], name, start_line,
                             colidx[c] + 1, col_names[c], diag);
            if (err != SIM_OK)
                goto fail;
        }
        err = parse_real(FIELD(COL_BYTES), &row.bytes, 0, name, start_line,
                         colidx[COL_BYTES] + 1, "bytes", diag);
        if (err != SIM_OK)
            goto fail;
        err = parse_real(FIELD(COL_TIME), &row.time_s, 1, name, start_line,
                         colidx[COL_TIME] + 1, "time_s", diag);
        if (err != SIM_OK)
            goto fail;
#undef FIELD
        if (push_row(set, &row) != SIM_OK) {
            err = sim_diag_set(diag, SIM_ERR_NOMEM, name, start_line, NULL,
                               NULL);
            goto fail;
        }
    }
    if (!have_header) {
        err = sim_diag_set(diag, SIM_ERR_INPUT, name, 1, NULL,
                           "column 1: empty file, expected a header line");
        goto fail;
    }
    free(rec);
    *out = set;
    return SIM_OK;
fail:
    free(rec);
    sim_compute_timing_free(set);
    return err;
}

sim_err_t sim_compute_timing_load(const char *path,
                                  sim_compute_timing_set_t **out,
                                  sim_diag_t *diag)
{
    char *buf = NULL;
    size_t len = 0;
    *out = NULL;
    sim_err_t err = sim_compute_read_file(path, &buf, &len, diag);
    if (err != SIM_OK)
        return err;
    err = sim_compute_timing_parse(buf, len, path, out, diag);
    free(buf);
    return err;
}

void sim_compute_timing_free(sim_compute_timing_set_t *set)
{
    if (set == NULL)
        return;
    free(set->rows);
    free(set);
}
