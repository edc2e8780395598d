/*
 * charts.c — the chart kinds (see charts.h): each turns plain arrays into a
 * gnuplot script body on top of the shared style of gnuplot.c.
 *
 * Layout conventions: title on top, caption ("scenario | date") at the
 * bottom left in small grey type, legend inside the top left unless the
 * chart says otherwise.  Linetypes 1-8 are the Okabe-Ito colours set by
 * the preamble, so "lt k" picks the k-th colour.
 */
#include "reports/charts.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- shared pieces ------------------------------------------------------- */

static sim_err_t nomem(sim_diag_t *diag)
{
    return sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL,
                        "out of memory building a chart");
}

static sim_err_t bad(sim_diag_t *diag, const char *what)
{
    return sim_diag_set(diag, SIM_ERR_INPUT, NULL, 0, NULL, "chart: %s",
                        what);
}

/* Title, caption, axis labels and log flags. */
static void head(rep_gp_script_t *s, const rep_chart_meta_t *m)
{
    if (m->title != NULL) {
        rep_gp_cmd(s, "set title ");
        rep_gp_str(s, m->title);
        rep_gp_cmd(s, " font ',13'\n");
    }
    if (m->caption != NULL || m->date != NULL) {
        rep_gp_cmd(s, "set label 99 ");
        rep_gp_str3(s, m->caption,
                    m->caption != NULL && m->date != NULL ? " | " : NULL,
                    m->date);
        rep_gp_cmd(s, " at screen 0.01, screen 0.02 left font ',9' "
                      "tc rgb '#555555'\n"
                      "set bmargin 5\n");
    }
    if (m->xlabel != NULL) {
        rep_gp_cmd(s, "set xlabel ");
        rep_gp_str(s, m->xlabel);
        rep_gp_cmd(s, "\n");
    }
    if (m->ylabel != NULL) {
        rep_gp_cmd(s, "set ylabel ");
        rep_gp_str(s, m->ylabel);
        rep_gp_cmd(s, "\n");
    }
    if (m->flags & REP_CHART_LOGX)
        rep_gp_cmd(s, "set logscale x\n");
    if (m->flags & REP_CHART_LOGY)
        rep_gp_cmd(s, "set logscale y\n");
}

/* A chart that only says there is nothing to draw. */
static void no_data(rep_gp_script_t *s)
{
    rep_gp_cmd(s, "unset logscale\n"
                  "set xrange [0:1]\nset yrange [0:1]\n"
                  "unset xtics\nunset ytics\nunset key\n"
                  "set label 1 'no data' at 0.5, 0.5 center font ',14'\n"
                  "plot -1 notitle\n");
}

static sim_err_t finish(rep_gp_script_t *s, rep_gp_script_t **out,
                        sim_diag_t *diag)
{
    sim_err_t err = rep_gp_script_err(s, diag);

    if (err != SIM_OK) {
        rep_gp_script_free(s);
        return err;
    }
    *out = s;
    return SIM_OK;
}

static sim_err_t start(const rep_chart_meta_t *m, rep_gp_script_t **out,
                       rep_gp_script_t **s, sim_diag_t *diag)
{
    if (out == NULL || m == NULL)
        return bad(diag, "NULL meta or output");
    *out = NULL;
    *s = rep_gp_script_new();
    if (*s == NULL)
        return nomem(diag);
    head(*s, m);
    return SIM_OK;
}

static sim_err_t check_xy(const rep_chart_xy_t *v, size_t n, size_t *points,
                          sim_diag_t *diag)
{
    size_t i;

    *points = 0;
    if (v == NULL && n > 0)
        return bad(diag, "NULL series array");
    for (i = 0; i < n; i++) {
        if (v[i].n > 0 && (v[i].x == NULL || v[i].y == NULL))
            return bad(diag, "series with points but NULL arrays");
        *points += v[i].n;
    }
    return SIM_OK;
}

/* A datablock of the n pairs (x[i], y[i]); -1 when out of memory. */
static int xy_block(rep_gp_script_t *s, const double *x, const double *y,
                    size_t n)
{
    double *v = malloc((n > 0 ? n : 1) * 2 * sizeof *v);
    size_t i;
    int k;

    if (v == NULL)
        return -1;
    for (i = 0; i < n; i++) {
        v[2 * i] = x[i];
        v[2 * i + 1] = y[i];
    }
    k = rep_gp_data(s, v, n, 2);
    free(v);
    return k;
}

/* "set xtics (q0 0, q1 1, ...)" for category labels. */
static void category_tics(rep_gp_script_t *s, const char *axis,
                          const char *const *labels, size_t n)
{
    size_t i;

    rep_gp_cmd(s, "set %stics (", axis);
    for (i = 0; i < n; i++) {
        if (i > 0)
            rep_gp_cmd(s, ", ");
        rep_gp_tic(s, labels[i]);
        rep_gp_cmd(s, " %zu", i);
    }
    rep_gp_cmd(s, ")\n");
}

/* Slanted category labels that end under their tick (so none runs into
 * its neighbour's bar) with a bottom margin that keeps them clear of the
 * caption line. */
static void rotate_tics(rep_gp_script_t *s)
{
    rep_gp_cmd(s, "set xtics rotate by 30 right\nset bmargin 8\n");
}

/* A tick step giving about three ticks over [lo, hi]: 1, 2 or 5 times a
 * power of ten (stacked panels are too short for gnuplot's default
 * density); 0 when the range is empty. */
static double nice_step(double lo, double hi)
{
    double raw = (hi - lo) / 3.0, p, f;

    if (!(raw > 0) || !isfinite(raw))
        return 0;
    p = pow(10.0, floor(log10(raw)));
    f = raw / p;
    return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * p;
}

/* Plot one line per series (shared by goodput and the time-series panels). */
static sim_err_t plot_lines(rep_gp_script_t *s, const rep_chart_xy_t *v,
                            size_t n, const char *style, sim_diag_t *diag)
{
    size_t i;
    int k;

    rep_gp_cmd(s, "plot ");
    for (i = 0; i < n; i++) {
        k = xy_block(s, v[i].x, v[i].y, v[i].n);
        if (k < 0)
            return nomem(diag);
        rep_gp_cmd(s, "%s$d%d using 1:2 with %s lt %zu title ",
                   i > 0 ? ", \\\n     " : "", k, style, i % 8 + 1);
        rep_gp_str(s, v[i].name);
    }
    rep_gp_cmd(s, "\n");
    return SIM_OK;
}

/* ---- the chart kinds ----------------------------------------------------- */

sim_err_t rep_chart_scaling(const rep_chart_meta_t *m,
                            const rep_chart_scaling_line_t *lines, size_t n,
                            rep_gp_script_t **out, sim_diag_t *diag)
{
    rep_gp_script_t *s = NULL;
    double lo = INFINITY, hi = -INFINITY, *v = NULL;
    size_t i, j, points = 0;
    bool any_mfu = false;
    int k;
    sim_err_t err;

    if (out != NULL)
        *out = NULL;
    if (lines == NULL && n > 0)
        return bad(diag, "NULL scaling lines");
    for (i = 0; i < n; i++) {
        if (lines[i].n > 0 &&
            (lines[i].gpus == NULL || lines[i].throughput == NULL))
            return bad(diag, "scaling line with NULL arrays");
        points += lines[i].n;
        any_mfu = any_mfu || lines[i].mfu != NULL;
        for (j = 0; j < lines[i].n; j++) {
            if (lines[i].gpus[j] > 0) {
                lo = fmin(lo, lines[i].gpus[j]);
                hi = fmax(hi, lines[i].gpus[j]);
            }
        }
    }
    err = start(m, out, &s, diag);
    if (err != SIM_OK)
        return err;
    if (points == 0) {
        no_data(s);
        return finish(s, out, diag);
    }
    if (!(m->flags & REP_CHART_LOGX) && hi >= 16 * lo)
        rep_gp_cmd(s, "set logscale x 2\n");
    rep_gp_cmd(s, "set key outside right top\n"
                  "set ytics nomirror\nset yrange [0:*]\n");
    if (any_mfu) {
        rep_gp_cmd(s, "set y2tics\nset y2range [0:*]\nset y2label ");
        rep_gp_str(s, m->y2label != NULL ? m->y2label : "MFU");
        rep_gp_cmd(s, "\n");
    }
    rep_gp_cmd(s, "plot ");
    for (i = 0; i < n; i++) {
        const rep_chart_scaling_line_t *l = &lines[i];
        v = malloc((l->n > 0 ? l->n : 1) * 3 * sizeof *v);
        if (v == NULL) {
            rep_gp_script_free(s);
            return nomem(diag);
        }
        for (j = 0; j < l->n; j++) {
            v[3 * j] = l->gpus[j];
            v[3 * j + 1] = l->throughput[j];
            v[3 * j + 2] = l->mfu != NULL ? l->mfu[j] : NAN;
        }
        k = rep_gp_data(s, v, l->n, 3);
        free(v);
        if (k < 0)
            break;
        rep_gp_cmd(s, "%s$d%d using 1:2 with linespoints lt %zu title ",
                   i > 0 ? ", \\\n     " : "", k, i % 8 + 1);
        rep_gp_str3(s, l->gpu, " throughput", NULL);
        if (l->mfu != NULL) {
            rep_gp_cmd(s, ", \\\n     $d%d using 1:3 axes x1y2 with "
                          "linespoints lt %zu dt 2 pt 6 title ",
                       k, i % 8 + 1);
            rep_gp_str3(s, l->gpu, " MFU", NULL);
        }
    }
    rep_gp_cmd(s, "\n");
    return finish(s, out, diag);
}

sim_err_t rep_chart_breakdown(const rep_chart_meta_t *m,
                              const rep_chart_bar_t *bars, size_t n,
                              rep_gp_script_t **out, sim_diag_t *diag)
{
    rep_gp_script_t *s = NULL;
    const char **labels = NULL;
    double *v = NULL;
    size_t i;
    int k;
    sim_err_t err;

    if (out != NULL)
        *out = NULL;
    if (bars == NULL && n > 0)
        return bad(diag, "NULL bars");
    err = start(m, out, &s, diag);
    if (err != SIM_OK)
        return err;
    if (n == 0) {
        no_data(s);
        return finish(s, out, diag);
    }
    v = malloc(n * 4 * sizeof *v);
    labels = malloc(n * sizeof *labels);
    if (v == NULL || labels == NULL) {
        err = nomem(diag);
        goto fail;
    }
    /* Cumulative tops, drawn tallest first so each part shows. */
    for (i = 0; i < n; i++) {
        v[4 * i] = (double)i;
        v[4 * i + 1] = bars[i].compute_s;
        v[4 * i + 2] = v[4 * i + 1] + bars[i].exposed_comm_s;
        v[4 * i + 3] = v[4 * i + 2] + bars[i].bubble_s;
        labels[i] = bars[i].label;
    }
    k = rep_gp_data(s, v, n, 4);
    /* Few bars: wider x range, so a lone bar is not a wall. */
    rep_gp_cmd(s, "set key outside right top\n"
                  "set boxwidth 0.6\nset yrange [0:*]\n"
                  "set xrange [%s:%zu.%s]\nset grid noxtics ytics\n",
               n < 3 ? "-1.5" : "-0.6", n - 1 + (n < 3 ? 1 : 0),
               n < 3 ? "5" : "6");
    category_tics(s, "x", labels, n);
    if (n > 6)
        rotate_tics(s);
    rep_gp_cmd(s,
               "plot $d%d using 1:4 with boxes lt 4 title 'pipeline bubble', "
               "\\\n     $d%d using 1:3 with boxes lt 2 title "
               "'exposed communication', \\\n     $d%d using 1:2 with boxes "
               "lt 1 title 'compute'\n",
               k, k, k);
    free(v);
    free(labels);
    return finish(s, out, diag);
fail:
    free(v);
    free(labels);
    rep_gp_script_free(s);
    return err;
}

/* Sort order of candidate indices by (x, y). */
typedef struct xy_ref {
    double x, y;
} xy_ref_t;

static int cmp_xy(const void *a, const void *b)
{
    const xy_ref_t *p = a, *q = b;
    if (p->x != q->x)
        return p->x < q->x ? -1 : 1;
    if (p->y != q->y)
        return p->y < q->y ? -1 : 1;
    return 0;
}

sim_err_t rep_chart_frontier(const rep_chart_meta_t *m, const double *x,
                             const double *y, size_t n, size_t chosen,
                             const char *chosen_label, rep_gp_script_t **out,
                             sim_diag_t *diag)
{
    rep_gp_script_t *s = NULL;
    xy_ref_t *p = NULL;
    double *front = NULL, best = INFINITY;
    size_t i, nf = 0, valid = 0;
    int k_all, k_front, k_chosen = -1;
    sim_err_t err;

    if (out != NULL)
        *out = NULL;
    if ((x == NULL || y == NULL) && n > 0)
        return bad(diag, "NULL frontier arrays");
    if (chosen != SIZE_MAX && chosen >= n)
        return bad(diag, "chosen plan index out of range");
    err = start(m, out, &s, diag);
    if (err != SIM_OK)
        return err;
    p = malloc((n > 0 ? n : 1) * sizeof *p);
    front = malloc((n > 0 ? n : 1) * 2 * sizeof *front);
    if (p == NULL || front == NULL) {
        err = nomem(diag);
        goto fail;
    }
    for (i = 0; i < n; i++)
        if (isfinite(x[i]) && isfinite(y[i]))
            p[valid++] = (xy_ref_t){x[i], y[i]};
    if (valid == 0) {
        no_data(s);
        goto done;
    }
    /* Pareto frontier (minimise both): in x order, keep each point that
     * lowers the best y seen so far. */
    qsort(p, valid, sizeof *p, cmp_xy);
    for (i = 0; i < valid; i++) {
        if (p[i].y < best) {
            best = p[i].y;
            front[2 * nf] = p[i].x;
            front[2 * nf + 1] = p[i].y;
            nf++;
        }
    }
    k_all = xy_block(s, x, y, n);
    k_front = rep_gp_data(s, front, nf, 2);
    /* Room around the points, so a marker on the edge is not cut. */
    rep_gp_cmd(s, "set key top right box opaque\n"
                  "set offsets graph 0.04, graph 0.04, graph 0.06, "
                  "graph 0.04\n");
    if (chosen != SIZE_MAX && isfinite(x[chosen]) && isfinite(y[chosen])) {
        /* The label goes on the side of the marker with more room. */
        bool right = x[chosen] > p[0].x + 0.6 * (p[valid - 1].x - p[0].x);
        k_chosen = xy_block(s, &x[chosen], &y[chosen], 1);
        rep_gp_cmd(s, "set label 2 ");
        rep_gp_str(s, chosen_label != NULL ? chosen_label : "chosen");
        rep_gp_cmd(s, " at ");
        rep_gp_num(s, x[chosen]);
        rep_gp_cmd(s, ", ");
        rep_gp_num(s, y[chosen]);
        rep_gp_cmd(s, right ? " right offset -1.5,1.2 front\n"
                            : " left offset 1.5,1.2 front\n");
    }
    rep_gp_cmd(s, "plot $d%d using 1:2 with points lt 6 pt 7 ps 1 title "
                  "'candidates', \\\n     $d%d using 1:2 with linespoints lt 1 "
                  "pt 7 ps 0.6 lw 2 title 'Pareto frontier'",
               k_all, k_front);
    if (k_chosen >= 0)
        rep_gp_cmd(s, ", \\\n     $d%d using 1:2 with points lt 2 pt 5 "
                      "ps 2.5 title 'chosen plan'",
                   k_chosen);
    rep_gp_cmd(s, "\n");
done:
    free(p);
    free(front);
    return finish(s, out, diag);
fail:
    free(p);
    free(front);
    rep_gp_script_free(s);
    return err;
}

static int cmp_double(const void *a, const void *b)
{
    double p = *(const double *)a, q = *(const double *)b;
    return (p > q) - (p < q);
}

sim_err_t rep_chart_cdf(const rep_chart_meta_t *m,
                        const rep_chart_samples_t *sets, size_t n,
                        rep_gp_script_t **out, sim_diag_t *diag)
{
    rep_gp_script_t *s = NULL;
    double *v = NULL;
    size_t i, j, cnt, points = 0;
    int k;
    sim_err_t err;

    if (out != NULL)
        *out = NULL;
    if (sets == NULL && n > 0)
        return bad(diag, "NULL sample sets");
    for (i = 0; i < n; i++) {
        if (sets[i].n > 0 && sets[i].v == NULL)
            return bad(diag, "sample set with NULL values");
        points += sets[i].n;
    }
    err = start(m, out, &s, diag);
    if (err != SIM_OK)
        return err;
    if (points == 0) {
        no_data(s);
        return finish(s, out, diag);
    }
    rep_gp_cmd(s, "set key bottom right box opaque\nset yrange [0:1]\n");
    if (m->ylabel == NULL)
        rep_gp_cmd(s, "set ylabel 'cumulative fraction'\n");
    rep_gp_cmd(s, "plot ");
    for (i = 0; i < n; i++) {
        /* Rows (sorted value, (rank + 1) / count), NaN left out. */
        v = malloc((sets[i].n > 0 ? sets[i].n : 1) * 2 * sizeof *v);
        if (v == NULL) {
            rep_gp_script_free(s);
            return nomem(diag);
        }
        for (j = 0, cnt = 0; j < sets[i].n; j++)
            if (!isnan(sets[i].v[j]))
                v[cnt++] = sets[i].v[j];
        qsort(v, cnt, sizeof *v, cmp_double);
        for (j = cnt; j-- > 0;) {
            v[2 * j] = v[j];
            v[2 * j + 1] = (double)(j + 1) / (double)cnt;
        }
        k = rep_gp_data(s, v, cnt, 2);
        free(v);
        rep_gp_cmd(s, "%s$d%d using 1:2 with steps lt %zu title ",
                   i > 0 ? ", \\\n     " : "", k, i % 8 + 1);
        rep_gp_str(s, sets[i].name);
    }
    rep_gp_cmd(s, "\n");
    return finish(s, out, diag);
}

sim_err_t rep_chart_timeseries(const rep_chart_meta_t *m,
                               const rep_chart_panel_t *panels, size_t n,
                               rep_gp_script_t **out, sim_diag_t *diag)
{
    rep_gp_script_t *s = NULL;
    size_t i, points = 0, pp;
    sim_err_t err;

    if (out != NULL)
        *out = NULL;
    if (panels == NULL && n > 0)
        return bad(diag, "NULL panels");
    for (i = 0; i < n; i++) {
        err = check_xy(panels[i].series, panels[i].n, &pp, diag);
        if (err != SIM_OK)
            return err;
        points += pp;
    }
    err = start(m, out, &s, diag);
    if (err != SIM_OK)
        return err;
    if (points == 0) {
        no_data(s);
        return finish(s, out, diag);
    }
    rep_gp_cmd(s, "set key top right box opaque\n");
    if (n > 1) {
        /* The title belongs to the page; each panel gets its y label and
         * only the bottom one the x label. */
        rep_gp_cmd(s, "unset title\nset multiplot layout %zu,1", n);
        if (m->title != NULL) {
            rep_gp_cmd(s, " title ");
            rep_gp_str(s, m->title);
            rep_gp_cmd(s, " font ',13'");
        }
        rep_gp_cmd(s, " margins 0.1,0.8,0.12,0.92 spacing 0,0.02\n"
                      "set key outside right top\n");
    }
    for (i = 0; i < n; i++) {
        if (n > 1) {
            double lo = INFINITY, hi = -INFINITY, step;
            size_t a, b;
            for (a = 0; a < panels[i].n; a++)
                for (b = 0; b < panels[i].series[a].n; b++)
                    if (isfinite(panels[i].series[a].y[b])) {
                        lo = fmin(lo, panels[i].series[a].y[b]);
                        hi = fmax(hi, panels[i].series[a].y[b]);
                    }
            step = nice_step(fmin(lo, 0), hi);
            if (step > 0 && n > 2) {
                rep_gp_cmd(s, "set ytics ");
                rep_gp_num(s, step);
                rep_gp_cmd(s, "\n");
            } else if (n > 2) {
                rep_gp_cmd(s, "set ytics autofreq\n");
            }
            rep_gp_cmd(s, "set ylabel ");
            rep_gp_str(s, panels[i].ylabel);
            rep_gp_cmd(s, "\n");
            if (i + 1 < n)
                rep_gp_cmd(s, "set format x ''\nunset xlabel\n");
            else {
                rep_gp_cmd(s, "set format x\n");
                if (m->xlabel != NULL) {
                    rep_gp_cmd(s, "set xlabel ");
                    rep_gp_str(s, m->xlabel);
                    rep_gp_cmd(s, "\n");
                }
            }
        } else if (m->ylabel == NULL && panels[i].ylabel != NULL) {
            rep_gp_cmd(s, "set ylabel ");
            rep_gp_str(s, panels[i].ylabel);
            rep_gp_cmd(s, "\n");
        }
        err = plot_lines(s, panels[i].series, panels[i].n, "lines", diag);
        if (err != SIM_OK) {
            rep_gp_script_free(s);
            return err;
        }
        if (n > 1 && i == 0)
            rep_gp_cmd(s, "unset label 99\n"); /* caption drawn once */
    }
    if (n > 1)
        rep_gp_cmd(s, "unset multiplot\n");
    return finish(s, out, diag);
}

sim_err_t rep_chart_goodput(const rep_chart_meta_t *m,
                            const rep_chart_xy_t *lines, size_t n,
                            rep_gp_script_t **out, sim_diag_t *diag)
{
    rep_gp_script_t *s = NULL;
    size_t points;
    sim_err_t err = check_xy(lines, n, &points, diag);

    if (out != NULL)
        *out = NULL;
    if (err != SIM_OK)
        return err;
    err = start(m, out, &s, diag);
    if (err != SIM_OK)
        return err;
    if (points == 0) {
        no_data(s);
        return finish(s, out, diag);
    }
    rep_gp_cmd(s, "set key bottom left box opaque\nset yrange [0:1]\n");
    err = plot_lines(s, lines, n, "linespoints", diag);
    if (err != SIM_OK) {
        rep_gp_script_free(s);
        return err;
    }
    return finish(s, out, diag);
}

/* Viridis anchor colours (matplotlib's perceptually uniform map, also
 * readable with colour-vision deficiencies).  Source: S. van der Walt and
 * N. Smith, "A better default colormap for Matplotlib", SciPy 2015. */
static const char viridis[] =
    "set palette defined (0 '#440154', 0.25 '#3B528B', 0.5 '#21918C', "
    "0.75 '#5EC962', 1 '#FDE725')\n";

sim_err_t rep_chart_heatmap(const rep_chart_meta_t *m,
                            const char *const *xkeys, size_t nx,
                            const char *const *ykeys, size_t ny,
                            const double *v, const char *value_label,
                            rep_gp_script_t **out, sim_diag_t *diag)
{
    rep_gp_script_t *s = NULL;
    double *rows = NULL;
    size_t i, j, finite = 0;
    int k;
    sim_err_t err;

    if (out != NULL)
        *out = NULL;
    if ((nx > 0 && xkeys == NULL) || (ny > 0 && ykeys == NULL) ||
        (nx * ny > 0 && v == NULL))
        return bad(diag, "heatmap without keys or values");
    err = start(m, out, &s, diag);
    if (err != SIM_OK)
        return err;
    for (i = 0; i < nx * ny; i++)
        finite += isfinite(v[i]) ? 1 : 0;
    if (finite == 0) {
        no_data(s);
        return finish(s, out, diag);
    }
    rows = malloc(nx * ny * 3 * sizeof *rows);
    if (rows == NULL) {
        rep_gp_script_free(s);
        return nomem(diag);
    }
    for (j = 0; j < ny; j++) {
        for (i = 0; i < nx; i++) {
            double *r = &rows[3 * (j * nx + i)];
            r[0] = (double)i;
            r[1] = (double)j;
            r[2] = v[j * nx + i];
        }
    }
    k = rep_gp_data(s, rows, nx * ny, 3);
    free(rows);
    /* Boxes rather than `with image`: image needs a 2 x 2 grid at least and
     * a complete one; boxes take any grid and skip NaN cells. */
    rep_gp_cmd(s, "%s", viridis);
    rep_gp_cmd(s, "unset key\nunset grid\nset tics scale 0\n"
                  "set xrange [-0.5:%zu.5]\nset yrange [-0.5:%zu.5]\n"
                  "set style textbox opaque fc rgb '#ffffff' noborder\n",
               nx - 1, ny - 1);
    category_tics(s, "x", xkeys, nx);
    category_tics(s, "y", ykeys, ny);
    if (value_label != NULL) {
        rep_gp_cmd(s, "set cblabel ");
        rep_gp_str(s, value_label);
        rep_gp_cmd(s, "\n");
    }
    rep_gp_cmd(s, "plot $d%d using 1:2:(0.5):(0.5):3 with boxxyerror "
                  "fs solid 1.0 noborder fc palette notitle, \\\n     "
                  "$d%d using 1:2:(sprintf('%%.4g', $3)) with labels "
                  "boxed notitle\n",
               k, k);
    return finish(s, out, diag);
}

sim_err_t rep_chart_validation(const rep_chart_meta_t *m,
                               const rep_chart_xy_t *groups, size_t n,
                               rep_gp_script_t **out, sim_diag_t *diag)
{
    rep_gp_script_t *s = NULL;
    double lo = INFINITY, hi = -INFINITY, *v = NULL;
    size_t i, j, points, cnt;
    int k;
    sim_err_t err = check_xy(groups, n, &points, diag);

    if (out != NULL)
        *out = NULL;
    if (err != SIM_OK)
        return err;
    for (i = 0; i < n; i++) {
        for (j = 0; j < groups[i].n; j++) {
            double a = groups[i].x[j], b = groups[i].y[j];
            if (a > 0 && b > 0 && isfinite(a) && isfinite(b)) {
                lo = fmin(lo, fmin(a, b));
                hi = fmax(hi, fmax(a, b));
            }
        }
    }
    err = start(m, out, &s, diag);
    if (err != SIM_OK)
        return err;
    if (!(lo <= hi)) {
        no_data(s);
        return finish(s, out, diag);
    }
    /* Half a decade of room around the data, so the bands show. */
    lo /= 2;
    hi *= 2;
    rep_gp_cmd(s, "set logscale xy\nset format xy '%%g'\nset size ratio -1\n"
                  "set key outside right top\nset samples 64\n"
                  "set xrange [");
    rep_gp_num(s, lo);
    rep_gp_cmd(s, ":");
    rep_gp_num(s, hi);
    rep_gp_cmd(s, "]\nset yrange [");
    rep_gp_num(s, lo);
    rep_gp_cmd(s, ":");
    rep_gp_num(s, hi);
    rep_gp_cmd(s, "]\n");
    if (m->xlabel == NULL)
        rep_gp_cmd(s, "set xlabel 'measured'\n");
    if (m->ylabel == NULL)
        rep_gp_cmd(s, "set ylabel 'predicted'\n");
    rep_gp_cmd(s,
               "plot '+' using 1:($1*0.75):($1*1.25) with filledcurves "
               "fc rgb '#E69F00' fs transparent solid 0.18 noborder "
               "title '±25%%', \\\n"
               "     '+' using 1:($1*0.9):($1*1.1) with filledcurves "
               "fc rgb '#009E73' fs transparent solid 0.25 noborder "
               "title '±10%%', \\\n"
               "     x with lines lt 8 dt 2 lw 1 title 'y = x'");
    for (i = 0; i < n; i++) {
        v = malloc((groups[i].n > 0 ? groups[i].n : 1) * 2 * sizeof *v);
        if (v == NULL) {
            rep_gp_script_free(s);
            return nomem(diag);
        }
        for (j = 0, cnt = 0; j < groups[i].n; j++) {
            double a = groups[i].x[j], b = groups[i].y[j];
            if (a > 0 && b > 0 && isfinite(a) && isfinite(b)) {
                v[2 * cnt] = a;
                v[2 * cnt + 1] = b;
                cnt++;
            }
        }
        k = rep_gp_data(s, v, cnt, 2);
        free(v);
        rep_gp_cmd(s, ", \\\n     $d%d using 1:2 with points lt %zu title ",
                   k, i % 6 + 1);
        rep_gp_str(s, groups[i].name);
    }
    rep_gp_cmd(s, "\n");
    return finish(s, out, diag);
}

sim_err_t rep_chart_topology(const rep_chart_meta_t *m,
                             const char *const *labels, const double *values,
                             size_t n, rep_gp_script_t **out,
                             sim_diag_t *diag)
{
    rep_gp_script_t *s = NULL;
    double lo = INFINITY, hi = 0, *v = NULL;
    size_t i;
    int k;
    sim_err_t err;

    if (out != NULL)
        *out = NULL;
    if ((labels == NULL || values == NULL) && n > 0)
        return bad(diag, "NULL topology bars");
    err = start(m, out, &s, diag);
    if (err != SIM_OK)
        return err;
    if (n == 0) {
        no_data(s);
        return finish(s, out, diag);
    }
    v = malloc(n * 2 * sizeof *v);
    if (v == NULL) {
        rep_gp_script_free(s);
        return nomem(diag);
    }
    for (i = 0; i < n; i++) {
        v[2 * i] = (double)i;
        v[2 * i + 1] = values[i];
        if (values[i] > 0) {
            lo = fmin(lo, values[i]);
            hi = fmax(hi, values[i]);
        }
    }
    k = rep_gp_data(s, v, n, 2);
    free(v);
    rep_gp_cmd(s, "unset key\nset boxwidth 0.6\nset grid noxtics ytics\n"
                  "set xrange [-0.6:%zu.6]\n",
               n - 1);
    if (hi > 1000 * lo && !(m->flags & REP_CHART_LOGY))
        rep_gp_cmd(s, "set logscale y\nset yrange [0.5:*]\n");
    else if (!(m->flags & REP_CHART_LOGY))
        rep_gp_cmd(s, "set yrange [0:*]\n");
    category_tics(s, "x", labels, n);
    if (n > 5)
        rotate_tics(s);
    rep_gp_cmd(s, "plot $d%d using 1:2 with boxes lt 1 notitle, \\\n"
                  "     $d%d using 1:2:(sprintf('%%g', $2)) with labels "
                  "offset 0,0.8 notitle\n",
               k, k);
    return finish(s, out, diag);
}
