/*
 * gnuplot.h — building gnuplot scripts as text and running them.
 *
 * A chart is a rep_gp_script_t: inline datablocks (numbers only) plus a
 * body of gnuplot commands.  rep_gp_script_text assembles the full script;
 * rep_gp_render saves it as DIR/NAME.gp and pipes it to gnuplot.
 *
 * Safety: nothing a user named (scenario, GPU, series, labels) is ever
 * pasted into the script raw.  Strings go through rep_gp_quote, which
 * writes a single-quoted gnuplot string (gnuplot expands neither backquotes
 * nor @macros there, and only '' escapes a quote), with control characters
 * (newlines included) and invalid UTF-8 replaced; terminals are set
 * `noenhanced`, so ^_@&~{} are shown as typed.  Datablocks hold only
 * numbers (rep_buf_num), so no line can read "EOD" and end one early.
 *
 * Output names: the script names its outputs through two variables,
 *     if (!exists("gpusim_out_png")) gpusim_out_png = 'NAME.png'
 * so `gnuplot NAME.gp`, run in DIR, writes NAME.png and NAME.svg there.
 * rep_gp_render pipes "gpusim_out_png = '.NAME.png.<pid>.tmp'" (and svg)
 * followed by the very same bytes, runs gnuplot in DIR, and renames each
 * temporary to its final name only when gnuplot exits 0; otherwise the
 * temporaries are removed.  So the saved script differs from the piped one
 * only by those leading assignments.
 *
 * Style: every pass starts with `reset` and the shared preamble (font,
 * Okabe-Ito colour-blind-safe palette as line styles 1-8, grid, key), so
 * PNG and SVG look alike and charts look alike.
 *
 * Assumes: gnuplot >= 5.0 (datablocks, exists(), noenhanced); UTF-8 text.
 */
#ifndef REPORTS_GNUPLOT_H
#define REPORTS_GNUPLOT_H

#include <stdbool.h>
#include <stddef.h>

#include "reports/buf.h"
#include "sim/core/error.h"

/* Output formats (bit flags). */
enum { REP_GP_PNG = 1, REP_GP_SVG = 2, REP_GP_ALL = 3 };

/* Fixed chart size in pixels (PNG) / SVG user units. */
#define REP_GP_WIDTH 1000
#define REP_GP_HEIGHT 600

/* Longest string rep_gp_quote keeps (bytes); longer ones are cut at a
 * character boundary and end in "...".  Titles longer than this do not fit
 * a 1000-pixel chart anyway. */
#define REP_GP_MAX_STRING 400

typedef struct rep_gp_script rep_gp_script_t;

/* ---- escaping ---------------------------------------------------------- */

/*
 * Append s to b as a single-quoted gnuplot string literal: ' doubled
 * (preceded by a zero-width space U+200B where gnuplot's scanner would
 * otherwise misread it: at the start, or right after another quote),
 * control characters (0x00-0x1F, 0x7F) and bytes that are not valid UTF-8
 * replaced by ' ' and '?', cut to REP_GP_MAX_STRING bytes.  s == NULL
 * gives ''.  The result cannot end the string, run a command (backquotes
 * and system() stay text), expand a macro or break the line.  O(strlen).
 */
void rep_gp_quote(rep_buf_t *b, const char *s);

/* The same for the concatenation of parts[0..n) (NULL parts are empty),
 * one string literal, one length limit. */
void rep_gp_quote_parts(rep_buf_t *b, const char *const *parts, size_t n);

/*
 * Copy name into out (size n) keeping only [A-Za-z0-9._-], every other
 * byte becoming '_', a leading '.' becoming '_', cut to n - 1 bytes; an
 * empty result becomes "chart".  For file names derived from user names.
 * Returns out.
 */
char *rep_gp_safe_name(const char *name, char *out, size_t n);

/* Whether name is already safe as a file name (the rule above, non-empty,
 * at most 200 bytes). */
bool rep_gp_name_ok(const char *name);

/* ---- building a script --------------------------------------------------- */

/* A new empty script, or NULL when out of memory.  Free with
 * rep_gp_script_free. */
rep_gp_script_t *rep_gp_script_new(void);

/* Free a script.  NULL is a no-op. */
void rep_gp_script_free(rep_gp_script_t *s);

/*
 * Add a datablock of rows x cols numbers (row-major in v; NaN allowed,
 * written "NaN", which gnuplot treats as missing) and return its index k;
 * the body refers to it as $dk (e.g. "plot $d0 using 1:2").  Returns -1
 * when out of memory (the script is then marked failed).  O(rows * cols).
 */
int rep_gp_data(rep_gp_script_t *s, const double *v, size_t rows,
                size_t cols);

/* Append printf-formatted text to the body (C locale).  The format and
 * its %s arguments must be constant gnuplot text, never user strings: use
 * rep_gp_str for those. */
void rep_gp_cmd(rep_gp_script_t *s, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Append the quoted form of a user string (rep_gp_quote) to the body. */
void rep_gp_str(rep_gp_script_t *s, const char *text);

/* Append a tic label: quoted as rep_gp_str, and '%' doubled, since gnuplot
 * reads the labels of `set xtics ("label" pos, ...)` as formats. */
void rep_gp_tic(rep_gp_script_t *s, const char *label);

/* Append the quoted concatenation a + b + c (NULL parts are empty). */
void rep_gp_str3(rep_gp_script_t *s, const char *a, const char *b,
                 const char *c);

/* Append a number to the body as rep_buf_num does. */
void rep_gp_num(rep_gp_script_t *s, double v);

/* SIM_OK, or SIM_ERR_NOMEM when building failed at some point. */
sim_err_t rep_gp_script_err(const rep_gp_script_t *s, sim_diag_t *diag);

/* The body built so far (for tests). */
const char *rep_gp_script_body(const rep_gp_script_t *s);

/*
 * Append the complete script for chart name (rep_gp_name_ok must hold) and
 * formats (REP_GP_PNG | REP_GP_SVG, at least one) to out: header comment,
 * output-name defaults, datablocks, then per format `reset`, the shared
 * preamble, terminal, output, body, `unset output`.  Deterministic: the
 * same script gives the same bytes.  Returns SIM_OK, SIM_ERR_INPUT (bad
 * name or formats), SIM_ERR_NOMEM.  O(size).
 */
sim_err_t rep_gp_script_text(const rep_gp_script_t *s, const char *name,
                             int formats, rep_buf_t *out, sim_diag_t *diag);

/* ---- running --------------------------------------------------------------- */

typedef struct rep_gp_render_opts {
    const char *gnuplot;  /* executable path or name; NULL: GNUPLOT_PATH */
    const char *log_path; /* gnuplot's stdout and stderr are appended here;
                             NULL: discarded */
    int formats;          /* REP_GP_PNG | REP_GP_SVG; 0 means both */
} rep_gp_render_opts_t;

/*
 * Write DIR/NAME.gp, then run gnuplot on it in DIR (see the top of this
 * file) and, when it exits 0, rename the temporary outputs to NAME.png /
 * NAME.svg.  opts may be NULL (defaults).  *rendered (may be NULL) says
 * whether the images were produced.
 *
 * Returns SIM_OK when the images exist; SIM_ERR_NOTFOUND when gnuplot could
 * not be started (a warning for the caller: the script is there, no image);
 * SIM_ERR_CHECK when gnuplot exited non-zero or did not write an output
 * (no final image is left, temporaries are removed; details in the log);
 * SIM_ERR_INPUT (bad name), SIM_ERR_IO (script not written, pipe/fork
 * failed), SIM_ERR_NOMEM.  An earlier NAME.png is replaced only on
 * success.  Cost: one gnuplot process.
 */
sim_err_t rep_gp_render(const rep_gp_script_t *s, const char *dir,
                        const char *name, const rep_gp_render_opts_t *opts,
                        bool *rendered, sim_diag_t *diag);

#endif /* REPORTS_GNUPLOT_H */
