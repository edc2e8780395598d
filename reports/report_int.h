/*
 * report_int.h — internals shared by the files of the report writer
 * (report.c gathers, report_specs.c adds charts, report_doc.c builds the
 * document model that report_html.c and report_md.c render, report_csv.c
 * exports tables, report_text.c escapes and formats).  Not for use outside
 * reports/.
 *
 * The document model keeps HTML and Markdown in step: content is decided
 * once, as plain (unescaped) text in blocks, and each renderer escapes for
 * its format.
 */
#ifndef REPORTS_REPORT_INT_H
#define REPORTS_REPORT_INT_H

#include "reports/buf.h"
#include "reports/report.h"

/* ---- document model (report_doc.c) ---------------------------------------- */

typedef enum rep_block_kind {
    REP_B_HEADING, /* text */
    REP_B_PARA,    /* text */
    REP_B_TABLE,   /* cells: (rows + 1) x cols, row 0 the header */
    REP_B_LIST,    /* cells: rows items */
    REP_B_CHART    /* text caption, file base name, drawn, formats */
} rep_block_kind_t;

typedef struct rep_block {
    rep_block_kind_t kind;
    char *text;
    char *file;
    bool drawn;
    int formats;
    size_t cols;
    size_t ncells, cap;
    char **cells;
} rep_block_t;

typedef struct rep_doc {
    char *title;
    rep_block_t *b;
    size_t n, cap;
    bool failed; /* sticky: an allocation failed */
} rep_doc_t;

void rep_doc_init(rep_doc_t *d);
void rep_doc_destroy(rep_doc_t *d);
void rep_doc_title(rep_doc_t *d, const char *text);
void rep_doc_heading(rep_doc_t *d, const char *text);
void rep_doc_para(rep_doc_t *d, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Start a table of cols columns; the next cols cells are its header. */
void rep_doc_table(rep_doc_t *d, size_t cols);
void rep_doc_list(rep_doc_t *d);
/* Append a cell (table) or item (list) to the last block; NULL is "". */
void rep_doc_cell(rep_doc_t *d, const char *text);
void rep_doc_cellf(rep_doc_t *d, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void rep_doc_chart(rep_doc_t *d, const char *caption, const char *file,
                   bool drawn, int formats);
sim_err_t rep_doc_err(const rep_doc_t *d, sim_diag_t *diag);

/* Renderers: the whole page into out.  Deterministic. */
void rep_html_render(const rep_doc_t *d, rep_buf_t *out);
void rep_md_render(const rep_doc_t *d, rep_buf_t *out);

/* ---- text (report_text.c) ----------------------------------------------- */

/* Append s escaped for HTML text and attribute values (& < > " '), with
 * invalid UTF-8 and control characters other than tab and newline replaced
 * by U+FFFD. */
void rep_html_esc(rep_buf_t *b, const char *s);

/* Append s escaped for a Markdown table cell or paragraph: Markdown
 * punctuation that can start markup (\ ` * _ { } [ ] # ! | ~, and + - = at
 * the start) backslash-escaped, < > & as entities, newlines and control
 * characters as spaces, invalid UTF-8 as U+FFFD. */
void rep_md_esc(rep_buf_t *b, const char *s);

/* Append s as a CSV field (RFC 4180: quoted when it holds , " CR or LF,
 * quotes doubled). */
void rep_csv_field(rep_buf_t *b, const char *s);

/* The unit a metric's name implies by its suffix ("s" for _s, "GB/s" for
 * _GBps, ...), or "" when none. */
const char *rep_unit_for(const char *metric);

/* Append v for people: %.6g in the C locale, "n/a" for NaN. */
void rep_fmt_value(rep_buf_t *b, double v);

/* Flatten a JSON document into "a.b[0].c" = value rows (strings bare,
 * other scalars as JSON), in document order.  Returns SIM_OK, SIM_ERR_INPUT
 * (not JSON; diag says where), SIM_ERR_NOMEM.  *keys and *values are new
 * arrays of new strings (free both with sim_store_strv_free, n each). */
sim_err_t rep_json_flatten(const char *json, char ***keys, char ***values,
                           size_t *n, sim_diag_t *diag);

/* ---- the report being written (report.c) --------------------------------- */

typedef struct rep_sweep_row {
    sim_store_run_t *run;
    sim_store_metric_t *metrics;
    size_t n_metrics;
} rep_sweep_row_t;

struct rep_report_ctx {
    sim_store_t *st;
    const rep_report_opts_t *opts;
    const char *dir;
    char *log_path;
    const char *gnuplot;
    int formats;
    const char *date;
    char caption[256]; /* text metric scenario_name, else "gpusim CMD run N" */

    /* the run (a sweep: its first run) */
    sim_store_run_t *run;
    sim_store_metric_t *metrics;
    size_t n_metrics;
    char **series;
    size_t n_series;
    char **series_files; /* unique safe base name per series */

    /* a sweep */
    bool is_sweep;
    int64_t sweep_id;
    rep_sweep_row_t *rows;
    size_t n_rows;
    char **cols; /* numeric metric names over all runs, sorted */
    size_t n_cols;
    char **vary; /* keys whose values differ between variants */
    size_t n_vary;

    /* charts, in the order added */
    rep_doc_t charts; /* only REP_B_CHART blocks */
    rep_report_info_t info;
};

/* The text metric name of the run, or NULL. */
const char *rep_ctx_text(const rep_report_ctx_t *ctx, const char *name);

/* The value of key in a variant key ("a=1,b=2"), copied into out (size n);
 * false when the key is absent. */
bool rep_variant_value(const char *variant_key, const char *key, char *out,
                       size_t n);

/* ---- pieces (report_specs.c, report_csv.c) --------------------------------- */

extern const rep_report_spec_t rep_builtin_specs[];
extern const size_t rep_n_builtin_specs;

/* The sweep heatmap (when exactly two keys vary). */
sim_err_t rep_sweep_heatmap(rep_report_ctx_t *ctx, sim_diag_t *diag);

/* metrics.csv, series_*.csv, runs.csv (sweeps). */
sim_err_t rep_csv_write(rep_report_ctx_t *ctx, sim_diag_t *diag);

/* Build the document of the report (after the charts are added). */
sim_err_t rep_doc_build(const rep_report_ctx_t *ctx, rep_doc_t *d,
                        sim_diag_t *diag);

#endif /* REPORTS_REPORT_INT_H */
