/*
 * chart_demo.c — sample data for every chart kind (see chart_demo.h).
 * All values come from closed-form expressions, so the scripts are the
 * same on every machine.
 */
#include "reports/chart_demo.h"

#include "reports/charts.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Written out: M_PI is not in strict C11. */
static const double PI = 3.14159265358979323846;

const char *const rep_chart_demo_kinds[] = {
    "scaling", "breakdown",  "frontier", "cdf", "timeseries", "goodput",
    "heatmap", "validation", "topology", NULL};

/* Each would create the canary if pasted raw into a script: through a
 * backquote, system(), a quote that closes the literal, a newline followed
 * by gnuplot's `!` shell escape, or a macro. */
static const char *const hostile_fmt[] = {
    "`touch %s`",
    "system(\"touch %s\")",
    "'; system('touch %s'); '",
    "\" . system(\"touch %s\") . \"",
    "\n set output \"x\"\n!touch %s\n",
    "EOD",
    "H100 \xc2\xb1" "5%% \xe2\x80\x94 \xe6\x97\xa5\xe6\x9c\xac \xc2\xb5s",
    "x^2_{y} @z & ~ {/Symbol a}",
    "back\\slash ' \" ` %s",
    "\r\x1b[31m\t\x7f \xff\xfe bad utf-8",
    "@GPVAL_TERM",
};
#define N_HOSTILE (sizeof hostile_fmt / sizeof hostile_fmt[0])

void rep_chart_demo_hostile(const char *canary, char *buf, size_t bufsize,
                            const char *out[16], size_t *count)
{
    size_t used = 0, i;
    int w;

    *count = 0;
    for (i = 0; i < N_HOSTILE && used < bufsize; i++) {
        w = snprintf(buf + used, bufsize - used, hostile_fmt[i], canary);
        if (w < 0 || (size_t)w >= bufsize - used)
            break;
        out[(*count)++] = buf + used;
        used += (size_t)w + 1;
    }
}

/* Names for the demo: ordinary ones, or hostile ones cycling. */
typedef struct names {
    char buf[4096];
    const char *h[16];
    size_t nh;
    bool hostile;
} names_t;

static const char *pick(const names_t *nm, size_t i, const char *plain)
{
    return nm->hostile ? nm->h[i % nm->nh] : plain;
}

static void meta_init(rep_chart_meta_t *m, const names_t *nm,
                      const char *title, const char *x, const char *y)
{
    memset(m, 0, sizeof *m);
    m->title = pick(nm, 0, title);
    m->xlabel = pick(nm, 1, x);
    m->ylabel = pick(nm, 2, y);
    m->caption = pick(nm, 3, "demo scenario (sample data)");
    m->date = "2024-01-01T00:00:00Z";
}

static sim_err_t scaling(const names_t *nm, rep_chart_meta_t *m,
                         rep_gp_script_t **out, sim_diag_t *diag)
{
    static const char *const gpu[2] = {"H100", "A100-80G"};
    static const double per_gpu[2] = {3900.0, 1500.0}; /* tokens/s/GPU */
    double g[7], thr[2][7], mfu[2][7];
    rep_chart_scaling_line_t l[2];
    size_t i, j;

    meta_init(m, nm, "Scaling", "GPUs", "throughput (tokens/s)");
    m->y2label = pick(nm, 4, "MFU (fraction)");
    for (j = 0; j < 7; j++)
        g[j] = ldexp(8.0, (int)(j * 1)); /* 8 .. 512 */
    for (i = 0; i < 2; i++) {
        for (j = 0; j < 7; j++) {
            double eff = 1.0 / (1.0 + 0.04 * (double)j);
            thr[i][j] = per_gpu[i] * g[j] * eff;
            mfu[i][j] = (i == 0 ? 0.42 : 0.48) * eff;
        }
        l[i] = (rep_chart_scaling_line_t){pick(nm, 5 + i, gpu[i]), g, thr[i],
                                          mfu[i], 7};
    }
    return rep_chart_scaling(m, l, 2, out, diag);
}

static sim_err_t breakdown(const names_t *nm, rep_chart_meta_t *m,
                           rep_gp_script_t **out, sim_diag_t *diag)
{
    rep_chart_bar_t b[4] = {
        {pick(nm, 4, "tp=8 pp=1"), 8.1, 0.9, 0.0},
        {pick(nm, 5, "tp=8 pp=4"), 7.9, 0.6, 1.2},
        {pick(nm, 6, "tp=4 pp=8"), 7.6, 0.4, 2.1},
        {pick(nm, 7, "tp=2 pp=16"), 7.4, 1.3, 3.0},
    };
    meta_init(m, nm, "Iteration time breakdown", "configuration",
              "time per iteration (s)");
    return rep_chart_breakdown(m, b, 4, out, diag);
}

static sim_err_t frontier(const names_t *nm, rep_chart_meta_t *m,
                          rep_gp_script_t **out, sim_diag_t *diag)
{
    double x[12], y[12];
    size_t i;

    meta_init(m, nm, "Cost vs time to train", "time to train (days)",
              "cost (USD)");
    /* Two GPU types at six sizes: more GPUs finish sooner but scale
     * imperfectly, so cost rises; the slower type is cheaper per hour. */
    for (i = 0; i < 12; i++) {
        double gpus = 256.0 * (double)(1 + i % 6);
        double slow = i < 6 ? 1.0 : 1.8, usd_h = i < 6 ? 2.5 : 1.2;
        x[i] = 90.0 * 256.0 / gpus * (1.0 + 0.08 * log2(gpus / 256.0)) *
               slow;
        y[i] = gpus * x[i] * 24.0 * usd_h;
    }
    return rep_chart_frontier(m, x, y, 12, 3, pick(nm, 8, "1024 x H100"), out,
                              diag);
}

static sim_err_t cdf(const names_t *nm, rep_chart_meta_t *m,
                     rep_gp_script_t **out, sim_diag_t *diag)
{
    double a[50], b[50];
    rep_chart_samples_t s[2];
    size_t i;

    meta_init(m, nm, "Latency CDF", "latency (s)", "cumulative fraction");
    /* Log-normal-looking quantiles from a fixed sequence. */
    for (i = 0; i < 50; i++) {
        double u = ((double)((i * 37) % 50) + 0.5) / 50.0;
        a[i] = 0.2 * exp(1.2 * (u - 0.5));
        b[i] = 0.035 * exp(0.6 * (u - 0.5));
    }
    s[0] = (rep_chart_samples_t){pick(nm, 4, "TTFT"), a, 50};
    s[1] = (rep_chart_samples_t){pick(nm, 5, "TPOT"), b, 50};
    return rep_chart_cdf(m, s, 2, out, diag);
}

static sim_err_t timeseries(const names_t *nm, rep_chart_meta_t *m,
                            rep_gp_script_t **out, sim_diag_t *diag)
{
    double t[25], arr[25], q[25], rep[25], util[25];
    rep_chart_xy_t s1[1], s2[2], s3[1];
    rep_chart_panel_t p[3];
    size_t i;

    meta_init(m, nm, "Diurnal serving day", "time of day (h)", NULL);
    for (i = 0; i < 25; i++) {
        double h = (double)i;
        t[i] = h;
        arr[i] = 4.0 + 3.0 * sin((h - 9.0) * PI / 12.0);
        q[i] = fmax(0.0, 10.0 * sin((h - 11.0) * PI / 12.0));
        rep[i] = ceil(arr[i] / 1.5);
        util[i] = arr[i] / (1.5 * rep[i]);
    }
    s1[0] = (rep_chart_xy_t){pick(nm, 4, "arrivals"), t, arr, 25};
    s2[0] = (rep_chart_xy_t){pick(nm, 5, "queue"), t, q, 25};
    s2[1] = (rep_chart_xy_t){pick(nm, 6, "replicas"), t, rep, 25};
    s3[0] = (rep_chart_xy_t){pick(nm, 7, "utilisation"), t, util, 25};
    p[0] = (rep_chart_panel_t){pick(nm, 8, "arrivals (req/s)"), s1, 1};
    p[1] = (rep_chart_panel_t){pick(nm, 9, "count"), s2, 2};
    p[2] = (rep_chart_panel_t){pick(nm, 10, "utilisation (fraction)"), s3,
                               1};
    return rep_chart_timeseries(m, p, 3, out, diag);
}

static sim_err_t goodput(const names_t *nm, rep_chart_meta_t *m,
                         rep_gp_script_t **out, sim_diag_t *diag)
{
    static const char *const name[3] = {"10 min", "30 min", "2 h"};
    static const double interval_h[3] = {1.0 / 6.0, 0.5, 2.0};
    double rate[6], g[3][6];
    rep_chart_xy_t l[3];
    size_t i, j;

    meta_init(m, nm, "Goodput vs failure rate", "failures per day",
              "goodput (fraction)");
    for (j = 0; j < 6; j++)
        rate[j] = 2.0 * (double)(j + 1);
    for (i = 0; i < 3; i++) {
        for (j = 0; j < 6; j++) {
            /* Checkpoint cost 1 min, restart 10 min, half an interval of
             * work lost per failure (Young/Daly-style first order). */
            double per_h = rate[j] / 24.0;
            double ckpt = (1.0 / 60.0) / interval_h[i];
            double lost = per_h * (interval_h[i] / 2.0 + 10.0 / 60.0);
            g[i][j] = fmax(0.0, 1.0 - ckpt - lost);
        }
        l[i] = (rep_chart_xy_t){pick(nm, 4 + i, name[i]), rate, g[i], 6};
    }
    return rep_chart_goodput(m, l, 3, out, diag);
}

static sim_err_t heatmap(const names_t *nm, rep_chart_meta_t *m,
                         rep_gp_script_t **out, sim_diag_t *diag)
{
    const char *xk[4], *yk[3];
    double v[12];
    size_t i, j;
    char xbuf[4][16], ybuf[3][16];

    meta_init(m, nm, "Sweep: cost by tp and pp", "parallel.tp",
              "parallel.pp");
    for (i = 0; i < 4; i++) {
        snprintf(xbuf[i], sizeof xbuf[i], "%d", 1 << i);
        xk[i] = pick(nm, 4 + i, xbuf[i]);
    }
    for (j = 0; j < 3; j++) {
        snprintf(ybuf[j], sizeof ybuf[j], "%d", 1 << (2 * j));
        yk[j] = pick(nm, 8 + j, ybuf[j]);
    }
    for (j = 0; j < 3; j++)
        for (i = 0; i < 4; i++)
            v[j * 4 + i] = 1.0e6 * (1.0 + 0.1 * (double)i * (double)j) /
                           (1.0 + 0.05 * (double)(i + j));
    v[11] = NAN; /* a variant that did not fit */
    return rep_chart_heatmap(m, xk, 4, yk, 3, v, pick(nm, 0, "cost (USD)"),
                             out, diag);
}

static sim_err_t validation(const names_t *nm, rep_chart_meta_t *m,
                            rep_gp_script_t **out, sim_diag_t *diag)
{
    double meas[2][8], pred[2][8];
    rep_chart_xy_t g[2];
    size_t i, j;

    meta_init(m, nm, "Predicted vs measured", "measured time (s)",
              "predicted time (s)");
    for (i = 0; i < 2; i++) {
        for (j = 0; j < 8; j++) {
            meas[i][j] = 1e-5 * pow(4.0, (double)j) * (i == 0 ? 1.0 : 1.7);
            pred[i][j] = meas[i][j] * (1.0 + 0.3 * sin((double)(j + 3 * i)));
        }
        g[i] = (rep_chart_xy_t){pick(nm, 4 + i, i == 0 ? "GEMM" : "all-reduce"),
                                meas[i], pred[i], 8};
    }
    return rep_chart_validation(m, g, 2, out, diag);
}

static sim_err_t topology(const names_t *nm, rep_chart_meta_t *m,
                          rep_gp_script_t **out, sim_diag_t *diag)
{
    const char *lab[5];
    static const char *const plain[5] = {"leaf switches", "spine switches",
                                         "core switches", "NIC-leaf links",
                                         "leaf-spine links"};
    static const double v[5] = {64, 32, 8, 8192, 4096};
    size_t i;

    meta_init(m, nm, "Topology summary", "component", "count");
    for (i = 0; i < 5; i++)
        lab[i] = pick(nm, 4 + i, plain[i]);
    return rep_chart_topology(m, lab, v, 5, out, diag);
}

sim_err_t rep_chart_demo(const char *kind, const char *canary,
                         rep_gp_script_t **out, sim_diag_t *diag)
{
    static const struct {
        const char *kind;
        sim_err_t (*fn)(const names_t *, rep_chart_meta_t *,
                        rep_gp_script_t **, sim_diag_t *);
    } table[] = {
        {"scaling", scaling},       {"breakdown", breakdown},
        {"frontier", frontier},     {"cdf", cdf},
        {"timeseries", timeseries}, {"goodput", goodput},
        {"heatmap", heatmap},       {"validation", validation},
        {"topology", topology},
    };
    names_t nm;
    rep_chart_meta_t m;
    size_t i;

    *out = NULL;
    nm.hostile = canary != NULL;
    nm.nh = 0;
    if (nm.hostile)
        rep_chart_demo_hostile(canary, nm.buf, sizeof nm.buf, nm.h, &nm.nh);
    if (nm.hostile && nm.nh == 0)
        return sim_diag_set(diag, SIM_ERR_INPUT, NULL, 0, NULL,
                            "canary path too long");
    for (i = 0; i < sizeof table / sizeof table[0]; i++)
        if (kind != NULL && strcmp(kind, table[i].kind) == 0)
            return table[i].fn(&nm, &m, out, diag);
    return sim_diag_set(diag, SIM_ERR_NOTFOUND, NULL, 0, NULL,
                        "no chart kind '%s'", kind != NULL ? kind : "(null)");
}
