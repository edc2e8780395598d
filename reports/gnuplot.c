/*
 * gnuplot.c — gnuplot script builder, string escaping and the render step
 * (see gnuplot.h for the safety rules and the output-name scheme).
 */
#include "reports/gnuplot.h"

#include "config.h"
#include "reports/gp_spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct rep_gp_script {
    rep_buf_t data; /* datablock definitions */
    rep_buf_t body; /* commands, run once per output format */
    int nblocks;
    bool failed;
};

/*
 * Okabe-Ito colour-blind-safe palette, in the order lines take it (yellow
 * and black last: yellow is faint on white).  Source: M. Okabe and K. Ito,
 * "Color Universal Design (CUD): how to make figures and presentations that
 * are friendly to colorblind people", 2008, https://jfly.uni-koeln.de/color/
 */
static const char *const palette[8] = {
    "#0072B2", /* blue */
    "#D55E00", /* vermillion */
    "#009E73", /* bluish green */
    "#E69F00", /* orange */
    "#CC79A7", /* reddish purple */
    "#56B4E9", /* sky blue */
    "#F0E442", /* yellow */
    "#000000", /* black */
};

#define FONT "'sans,11'"

/* ---- escaping ---------------------------------------------------------- */

/* The quoting of rep_gp_quote_parts; tic doubles '%' as well, for text
 * that gnuplot reads as a format (tic labels). */
static void quote(rep_buf_t *b, const char *const *parts, size_t n, bool tic)
{
    const unsigned char *p;
    size_t kept = 0, len, i;
    bool after_quote = true; /* the opening quote */

    rep_buf_putc(b, '\'');
    for (i = 0; i < n; i++) {
        p = (const unsigned char *)(parts[i] != NULL ? parts[i] : "");
        while (*p != '\0') {
            len = rep_buf_utf8_len(p);
            if (kept + (len == 0 ? 1 : len) > REP_GP_MAX_STRING) {
                rep_buf_puts(b, "...");
                goto close;
            }
            if (len == 0) {
                rep_buf_putc(b, '?');
                len = 1;
            } else if (*p < 0x20 || *p == 0x7F) {
                rep_buf_putc(b, ' ');
            } else if (*p == '%' && tic) {
                rep_buf_puts(b, "%%");
            } else if (*p == '\'') {
                /* gnuplot's scanner reads '' as a quote only right after
                 * a byte that is not a quote (it looks ahead from the
                 * previous character), so a quote at the start or after
                 * another quote gets a zero-width space (U+200B) first. */
                if (after_quote)
                    rep_buf_puts(b, "\xe2\x80\x8b");
                rep_buf_puts(b, "''");
            } else {
                rep_buf_putn(b, (const char *)p, len);
            }
            after_quote = *p == '\'';
            p += len;
            kept += len;
        }
    }
close:
    rep_buf_putc(b, '\'');
}

void rep_gp_quote_parts(rep_buf_t *b, const char *const *parts, size_t n)
{
    quote(b, parts, n, false);
}

void rep_gp_quote(rep_buf_t *b, const char *s)
{
    quote(b, &s, 1, false);
}

static bool safe_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

char *rep_gp_safe_name(const char *name, char *out, size_t n)
{
    size_t i = 0;

    if (n == 0)
        return out;
    for (; name != NULL && name[i] != '\0' && i + 1 < n; i++)
        out[i] = safe_char(name[i]) ? name[i] : '_';
    out[i] = '\0';
    if (i == 0)
        snprintf(out, n, "chart");
    else if (out[0] == '.')
        out[0] = '_';
    return out;
}

bool rep_gp_name_ok(const char *name)
{
    size_t i;

    if (name == NULL || name[0] == '\0' || name[0] == '.')
        return false;
    for (i = 0; name[i] != '\0'; i++)
        if (i >= 200 || !safe_char(name[i]))
            return false;
    return true;
}

/* ---- building ------------------------------------------------------------ */

rep_gp_script_t *rep_gp_script_new(void)
{
    rep_gp_script_t *s = malloc(sizeof *s);

    if (s == NULL)
        return NULL;
    rep_buf_init(&s->data);
    rep_buf_init(&s->body);
    s->nblocks = 0;
    s->failed = false;
    return s;
}

void rep_gp_script_free(rep_gp_script_t *s)
{
    if (s == NULL)
        return;
    rep_buf_destroy(&s->data);
    rep_buf_destroy(&s->body);
    free(s);
}

int rep_gp_data(rep_gp_script_t *s, const double *v, size_t rows,
                size_t cols)
{
    size_t r, c;
    int k = s->nblocks;

    rep_buf_printf(&s->data, "$d%d << EOD\n", k);
    for (r = 0; r < rows; r++) {
        for (c = 0; c < cols; c++) {
            if (c > 0)
                rep_buf_putc(&s->data, ' ');
            rep_buf_num(&s->data, v[r * cols + c]);
        }
        rep_buf_putc(&s->data, '\n');
    }
    rep_buf_puts(&s->data, "EOD\n");
    if (s->data.failed) {
        s->failed = true;
        return -1;
    }
    s->nblocks++;
    return k;
}

void rep_gp_cmd(rep_gp_script_t *s, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    rep_buf_vprintf(&s->body, fmt, ap);
    va_end(ap);
}

void rep_gp_str(rep_gp_script_t *s, const char *text)
{
    rep_gp_quote(&s->body, text);
}

void rep_gp_tic(rep_gp_script_t *s, const char *label)
{
    quote(&s->body, &label, 1, true);
}

void rep_gp_str3(rep_gp_script_t *s, const char *a, const char *b,
                 const char *c)
{
    const char *parts[3] = {a, b, c};
    rep_gp_quote_parts(&s->body, parts, 3);
}

void rep_gp_num(rep_gp_script_t *s, double v)
{
    rep_buf_num(&s->body, v);
}

sim_err_t rep_gp_script_err(const rep_gp_script_t *s, sim_diag_t *diag)
{
    if (s->failed || s->data.failed || s->body.failed)
        return sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL,
                            "out of memory building a gnuplot script");
    return SIM_OK;
}

const char *rep_gp_script_body(const rep_gp_script_t *s)
{
    return rep_buf_str(&s->body);
}

/* The style every pass starts from. */
static void preamble(rep_buf_t *out)
{
    int i;

    rep_buf_puts(out, "reset\n"
                      "set encoding utf8\n");
    for (i = 0; i < 8; i++)
        rep_buf_printf(out,
                       "set linetype %d lc rgb '%s' lw 2 pt %d ps 1.2 dt 1\n",
                       i + 1, palette[i], 7 + (i % 4) * 2);
    rep_buf_puts(out, "set linetype cycle 8\n"
                      "set grid lc rgb '#d9d9d9' lw 1 dt 1\n"
                      "set border lw 1 lc rgb '#404040'\n"
                      "set tics out nomirror\n"
                      "set key noenhanced top left box opaque "
                      "samplen 2 spacing 1.1\n"
                      "set style fill solid 0.85 border lc rgb '#404040'\n"
                      "set datafile missing 'NaN'\n");
}

sim_err_t rep_gp_script_text(const rep_gp_script_t *s, const char *name,
                             int formats, rep_buf_t *out, sim_diag_t *diag)
{
    static const struct {
        int flag;
        const char *ext;
        const char *terminal;
    } fmt[2] = {
        {REP_GP_PNG, "png", "pngcairo size %d,%d noenhanced font " FONT
                            " background '#ffffff'"},
        {REP_GP_SVG, "svg", "svg size %d,%d fixed noenhanced font " FONT
                            " background '#ffffff'"},
    };
    int i;

    if (!rep_gp_name_ok(name))
        return sim_diag_set(diag, SIM_ERR_INPUT, NULL, 0, NULL,
                            "chart name '%s' is not a safe file name",
                            name != NULL ? name : "(null)");
    if ((formats & REP_GP_ALL) == 0 || (formats & ~REP_GP_ALL) != 0)
        return sim_diag_set(diag, SIM_ERR_INPUT, NULL, 0, NULL,
                            "chart formats 0x%x: expected PNG, SVG or both",
                            (unsigned)formats);
    if (rep_gp_script_err(s, diag) != SIM_OK)
        return SIM_ERR_NOMEM;

    rep_buf_printf(out,
                   "# gpusim chart '%s'.  Redraw with 'gnuplot %s.gp' run in "
                   "this directory.\n"
                   "# Generated; every user string is single-quoted and "
                   "escaped, datablocks hold numbers only.\n",
                   name, name);
    for (i = 0; i < 2; i++)
        if (formats & fmt[i].flag)
            rep_buf_printf(out,
                           "if (!exists(\"gpusim_out_%s\")) gpusim_out_%s = "
                           "'%s.%s'\n",
                           fmt[i].ext, fmt[i].ext, name, fmt[i].ext);
    rep_buf_puts(out, rep_buf_str(&s->data));
    for (i = 0; i < 2; i++) {
        if (!(formats & fmt[i].flag))
            continue;
        rep_buf_printf(out, "\n# ---- %s ----\n", fmt[i].ext);
        preamble(out);
        rep_buf_puts(out, "set terminal ");
        rep_buf_printf(out, fmt[i].terminal, REP_GP_WIDTH, REP_GP_HEIGHT);
        rep_buf_printf(out, "\nset output gpusim_out_%s\n", fmt[i].ext);
        rep_buf_puts(out, rep_buf_str(&s->body));
        rep_buf_puts(out, "unset output\n");
    }
    return rep_buf_err(out, diag);
}

/* ---- rendering ----------------------------------------------------------- */

typedef struct out_file {
    int flag;
    const char *ext;
    char *tmp;   /* DIR/.NAME.EXT.PID.tmp */
    char *final; /* DIR/NAME.EXT */
} out_file_t;

static void remove_temps(out_file_t *f, int n)
{
    int i;
    for (i = 0; i < n; i++)
        if (f[i].tmp != NULL)
            remove(f[i].tmp);
}

sim_err_t rep_gp_render(const rep_gp_script_t *s, const char *dir,
                        const char *name, const rep_gp_render_opts_t *opts,
                        bool *rendered, sim_diag_t *diag)
{
    out_file_t f[2] = {{REP_GP_PNG, "png", NULL, NULL},
                       {REP_GP_SVG, "svg", NULL, NULL}};
    const char *gnuplot = GNUPLOT_PATH;
    const char *workdir = dir != NULL && dir[0] != '\0' ? dir : NULL;
    rep_buf_t text, piped;
    char *gp_path = NULL, leaf[256];
    int formats = REP_GP_ALL, log_fd = -1, status = -1, i;
    sim_diag_t sd = SIM_DIAG_INIT;
    sim_err_t err;

    rep_buf_init(&text);
    rep_buf_init(&piped);
    if (rendered != NULL)
        *rendered = false;
    if (opts != NULL && opts->gnuplot != NULL)
        gnuplot = opts->gnuplot;
    if (opts != NULL && opts->formats != 0)
        formats = opts->formats;

    err = rep_gp_script_text(s, name, formats, &text, diag);
    if (err != SIM_OK)
        goto done;
    snprintf(leaf, sizeof leaf, "%s.gp", name);
    gp_path = rep_buf_path_join(workdir, leaf);
    if (gp_path == NULL) {
        err = sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL,
                           "out of memory");
        goto done;
    }
    err = rep_buf_write_file(&text, gp_path, diag);
    if (err != SIM_OK)
        goto done;

    for (i = 0; i < 2; i++) {
        if (!(formats & f[i].flag))
            continue;
        snprintf(leaf, sizeof leaf, ".%s.%s.%ld.tmp", name, f[i].ext,
                 (long)getpid());
        rep_buf_printf(&piped, "gpusim_out_%s = '%s'\n", f[i].ext, leaf);
        f[i].tmp = rep_buf_path_join(workdir, leaf);
        snprintf(leaf, sizeof leaf, "%s.%s", name, f[i].ext);
        f[i].final = rep_buf_path_join(workdir, leaf);
        if (f[i].tmp == NULL || f[i].final == NULL) {
            err = sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL,
                               "out of memory");
            goto done;
        }
    }
    rep_buf_puts(&piped, rep_buf_str(&text));
    err = rep_buf_err(&piped, diag);
    if (err != SIM_OK)
        goto done;

    if (opts != NULL && opts->log_path != NULL) {
        log_fd = open(opts->log_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (log_fd < 0) {
            err = sim_diag_set(diag, SIM_ERR_IO, opts->log_path, 0, NULL,
                               "cannot open the gnuplot log: %s",
                               strerror(errno));
            goto done;
        }
    }
    err = rep_gp_spawn(gnuplot, workdir, piped.data, piped.len, log_fd,
                       &status, &sd);
    if (err == SIM_ERR_NOTFOUND) {
        sim_diag_set(diag, err, gp_path, 0, NULL,
                     "%s; the script was written, no image was drawn",
                     sd.msg);
        goto done;
    }
    if (err != SIM_OK) {
        sim_diag_set(diag, err, gp_path, 0, NULL, "%s", sd.msg);
        goto done;
    }
    if (status != 0) {
        err = sim_diag_set(diag, SIM_ERR_CHECK, gp_path, 0, NULL,
                           "gnuplot exited with status %d; no image kept "
                           "(its messages are in %s)",
                           status,
                           opts != NULL && opts->log_path != NULL
                               ? opts->log_path
                               : "no log");
        goto done;
    }
    for (i = 0; i < 2; i++) {
        if (f[i].tmp != NULL && access(f[i].tmp, F_OK) != 0) {
            err = sim_diag_set(diag, SIM_ERR_CHECK, gp_path, 0, NULL,
                               "gnuplot exited 0 but wrote no %s output",
                               f[i].ext);
            goto done;
        }
    }
    for (i = 0; i < 2; i++) {
        if (f[i].tmp != NULL && rename(f[i].tmp, f[i].final) != 0) {
            err = sim_diag_set(diag, SIM_ERR_IO, f[i].final, 0, NULL,
                               "cannot rename the drawn chart into place: "
                               "%s",
                               strerror(errno));
            goto done;
        }
    }
    if (rendered != NULL)
        *rendered = true;

done:
    if (err != SIM_OK)
        remove_temps(f, 2);
    for (i = 0; i < 2; i++) {
        free(f[i].tmp);
        free(f[i].final);
    }
    if (log_fd >= 0)
        close(log_fd);
    free(gp_path);
    rep_buf_destroy(&text);
    rep_buf_destroy(&piped);
    return err;
}
