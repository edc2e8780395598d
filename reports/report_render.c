/*
 * report_render.c — the report's document model as one self-contained HTML
 * page and as Markdown (see report_int.h).
 *
 * The page needs nothing from outside: CSS is inline, there is no script,
 * images are the chart files beside it, and a Content-Security-Policy
 * forbids any other fetch.  Every text goes through rep_html_esc or
 * rep_md_esc; file names are safe names already and are escaped anyway.
 */
#include "reports/report_int.h"

#include "reports/gnuplot.h"

#include <string.h>

static const char css[] =
    "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;"
    "max-width:1060px;margin:2em auto;padding:0 1em;color:#1a1a1a;"
    "line-height:1.45}\n"
    "h1{font-size:1.6em;border-bottom:2px solid #0072B2;padding-bottom:.2em}\n"
    "h2{font-size:1.25em;margin-top:1.8em;color:#0072B2}\n"
    "table{border-collapse:collapse;margin:.6em 0;font-size:.92em}\n"
    "th,td{border:1px solid #d0d0d0;padding:.25em .6em;text-align:left;"
    "vertical-align:top}\n"
    "th{background:#f2f2f2}\n"
    "td.num{text-align:right;font-variant-numeric:tabular-nums}\n"
    "figure{margin:1.2em 0}\n"
    "figure img{max-width:100%;height:auto;border:1px solid #e0e0e0}\n"
    "figcaption{font-size:.9em;color:#444}\n"
    ".missing{background:#fff4e5;border:1px solid #E69F00;padding:.6em}\n"
    "footer{margin-top:2em;font-size:.8em;color:#666}\n";

/* Whether a cell holds a number as rep_fmt_value writes one. */
static bool numeric(const char *s)
{
    if (s[0] == '\0')
        return false;
    if (strcmp(s, "n/a") == 0)
        return true;
    return strspn(s, "0123456789.eE+-%") == strlen(s);
}

static void html_table(const rep_block_t *b, rep_buf_t *o)
{
    size_t i, cols = b->cols > 0 ? b->cols : 1;

    rep_buf_puts(o, "<table>\n<thead><tr>");
    for (i = 0; i < b->ncells; i++) {
        if (i == cols)
            rep_buf_puts(o, "</tr></thead>\n<tbody>\n<tr>");
        else if (i > cols && i % cols == 0)
            rep_buf_puts(o, "</tr>\n<tr>");
        if (i < cols) {
            rep_buf_puts(o, "<th>");
            rep_html_esc(o, b->cells[i]);
            rep_buf_puts(o, "</th>");
        } else {
            rep_buf_puts(o, numeric(b->cells[i]) ? "<td class=\"num\">"
                                                 : "<td>");
            rep_html_esc(o, b->cells[i]);
            rep_buf_puts(o, "</td>");
        }
    }
    rep_buf_puts(o, b->ncells > cols ? "</tr>\n</tbody>\n</table>\n"
                                     : "</tr></thead>\n</table>\n");
}

static void html_chart(const rep_block_t *b, rep_buf_t *o)
{
    const char *img = (b->formats & REP_GP_PNG) ? "png" : "svg";

    if (!b->drawn) {
        rep_buf_puts(o, "<figure class=\"missing\"><p>Chart not drawn: ");
        rep_html_esc(o, b->text);
        rep_buf_puts(o, ". Its script is <a href=\"");
        rep_html_esc(o, b->file);
        rep_buf_puts(o, ".gp\">");
        rep_html_esc(o, b->file);
        rep_buf_puts(o, ".gp</a>.</p></figure>\n");
        return;
    }
    rep_buf_puts(o, "<figure>\n<img src=\"");
    rep_html_esc(o, b->file);
    rep_buf_printf(o, ".%s\" width=\"%d\" height=\"%d\" alt=\"", img,
                   REP_GP_WIDTH, REP_GP_HEIGHT);
    rep_html_esc(o, b->text);
    rep_buf_puts(o, "\">\n<figcaption>");
    rep_html_esc(o, b->text);
    if ((b->formats & REP_GP_SVG) && (b->formats & REP_GP_PNG)) {
        rep_buf_puts(o, " &middot; <a href=\"");
        rep_html_esc(o, b->file);
        rep_buf_puts(o, ".svg\">SVG</a>");
    }
    rep_buf_puts(o, " &middot; <a href=\"");
    rep_html_esc(o, b->file);
    rep_buf_puts(o, ".gp\">gnuplot script</a></figcaption>\n</figure>\n");
}

void rep_html_render(const rep_doc_t *d, rep_buf_t *o)
{
    size_t i, j;

    rep_buf_puts(o, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
                    "<meta charset=\"utf-8\">\n"
                    "<meta http-equiv=\"Content-Security-Policy\" "
                    "content=\"default-src 'none'; img-src 'self'; "
                    "style-src 'unsafe-inline'\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, "
                    "initial-scale=1\">\n<title>");
    rep_html_esc(o, d->title);
    rep_buf_puts(o, "</title>\n<style>\n");
    rep_buf_puts(o, css);
    rep_buf_puts(o, "</style>\n</head>\n<body>\n<h1>");
    rep_html_esc(o, d->title);
    rep_buf_puts(o, "</h1>\n");
    for (i = 0; i < d->n; i++) {
        const rep_block_t *b = &d->b[i];
        switch (b->kind) {
        case REP_B_HEADING:
            rep_buf_puts(o, "<h2>");
            rep_html_esc(o, b->text);
            rep_buf_puts(o, "</h2>\n");
            break;
        case REP_B_PARA:
            rep_buf_puts(o, "<p>");
            rep_html_esc(o, b->text);
            rep_buf_puts(o, "</p>\n");
            break;
        case REP_B_TABLE:
            html_table(b, o);
            break;
        case REP_B_LIST:
            rep_buf_puts(o, "<ul>\n");
            for (j = 0; j < b->ncells; j++) {
                rep_buf_puts(o, "<li>");
                rep_html_esc(o, b->cells[j]);
                rep_buf_puts(o, "</li>\n");
            }
            rep_buf_puts(o, "</ul>\n");
            break;
        case REP_B_CHART:
            html_chart(b, o);
            break;
        }
    }
    rep_buf_puts(o, "<footer>Written by gpusim from its results store; "
                    "self-contained: no scripts, no external resources."
                    "</footer>\n</body>\n</html>\n");
}

static void md_table(const rep_block_t *b, rep_buf_t *o)
{
    size_t i, cols = b->cols > 0 ? b->cols : 1;

    for (i = 0; i < b->ncells; i++) {
        rep_buf_puts(o, i % cols == 0 ? "| " : " | ");
        rep_md_esc(o, b->cells[i]);
        if (i % cols == cols - 1) {
            rep_buf_puts(o, " |\n");
            if (i == cols - 1) {
                size_t c;
                for (c = 0; c < cols; c++)
                    rep_buf_puts(o, c == 0 ? "| --- |" : " --- |");
                rep_buf_putc(o, '\n');
            }
        }
    }
    rep_buf_putc(o, '\n');
}

void rep_md_render(const rep_doc_t *d, rep_buf_t *o)
{
    size_t i, j;

    rep_buf_puts(o, "# ");
    rep_md_esc(o, d->title);
    rep_buf_puts(o, "\n\n");
    for (i = 0; i < d->n; i++) {
        const rep_block_t *b = &d->b[i];
        switch (b->kind) {
        case REP_B_HEADING:
            rep_buf_puts(o, "## ");
            rep_md_esc(o, b->text);
            rep_buf_puts(o, "\n\n");
            break;
        case REP_B_PARA:
            rep_md_esc(o, b->text);
            rep_buf_puts(o, "\n\n");
            break;
        case REP_B_TABLE:
            md_table(b, o);
            break;
        case REP_B_LIST:
            for (j = 0; j < b->ncells; j++) {
                rep_buf_puts(o, "- ");
                rep_md_esc(o, b->cells[j]);
                rep_buf_putc(o, '\n');
            }
            rep_buf_putc(o, '\n');
            break;
        case REP_B_CHART:
            if (b->drawn) {
                rep_buf_puts(o, "![");
                rep_md_esc(o, b->text);
                rep_buf_puts(o, "](");
                rep_buf_puts(o, b->file); /* a safe name */
                rep_buf_puts(o, (b->formats & REP_GP_PNG) ? ".png)\n\n"
                                                          : ".svg)\n\n");
            } else {
                rep_buf_puts(o, "Chart not drawn: ");
                rep_md_esc(o, b->text);
                rep_buf_puts(o, " (script: ");
                rep_buf_puts(o, b->file);
                rep_buf_puts(o, ".gp)\n\n");
            }
            break;
        }
    }
}
