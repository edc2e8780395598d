/*
 * fit.c — efficiency fitting with GSL (model and rationale in fit.h).
 *
 * Invariant: every parameter the solver moves is unconstrained (logit or
 * log of the physical value), so any point the solver visits maps to a
 * valid profile; values are clamped before exp() so that a wild step
 * cannot overflow.
 */
#include "sim/compute/fit.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_fit.h>
#include <gsl/gsl_multifit_nlinear.h>
#include <gsl/gsl_vector.h>

#include "sim/compute/roofline.h"

/* Prior (ridge) weights in logit/log units, see fit.h: scale parameters
 * (e_max, mem_eff, t_0) are set by any rows, shape parameters need rows
 * that span the shapes, so they lean on the defaults more. */
#define SCALE_WEIGHT 0.01
#define SHAPE_WEIGHT 0.1
/* Parameters per curve: e_max, mem_eff, then with an SM count wave,
 * tile_s, iter_s, l2_GBps, split_max − 1, split_s, epi; without one
 * m0, n0, k0. */
#define PER_CURVE 9
#define PER_CURVE_NOSM 5
#define MAX_ITER 400
#define BAD_RESIDUAL 1e3  /* returned for a non-finite prediction */

static int ieq_prefix(const char *s, const char *prefix)
{
    for (; *prefix != '\0'; s++, prefix++)
        if (tolower((unsigned char)*s) != tolower((unsigned char)*prefix))
            return 0;
    return 1;
}

static int ieq(const char *a, const char *b)
{
    return strlen(a) == strlen(b) && ieq_prefix(a, b);
}

sim_compute_kclass_t sim_compute_kernel_class(const char *kernel)
{
    static const char *const mem[] = {"triad", "copy", "scale", "add",
                                      "memcpy", "memcpy_d2d"};
    if (kernel == NULL)
        return SIM_COMPUTE_K_OTHER;
    if (ieq(kernel, "gemm") || ieq(kernel, "matmul") ||
        ieq_prefix(kernel, "gemm_"))
        return SIM_COMPUTE_K_GEMM;
    for (size_t i = 0; i < sizeof mem / sizeof mem[0]; i++)
        if (ieq(kernel, mem[i]))
            return SIM_COMPUTE_K_MEM;
    if (ieq(kernel, "memcpy_h2d") || ieq(kernel, "memcpy_d2h") ||
        ieq(kernel, "h2d") || ieq(kernel, "d2h"))
        return SIM_COMPUTE_K_PCIE;
    if (ieq(kernel, "launch"))
        return SIM_COMPUTE_K_LAUNCH;
    return SIM_COMPUTE_K_OTHER;
}

/* Bytes of a GEMM row: the row's own count when given, else compulsory
 * traffic with FP8 GEMMs writing BF16 (DeepGEMM's convention). */
static double gemm_row_bytes(const sim_compute_timing_row_t *r,
                             sim_compute_dtype_t dt)
{
    if (r->bytes > 0.0)
        return r->bytes;
    double in = sim_compute_dtype_bytes(dt);
    double outb = dt == SIM_COMPUTE_FP8 ? 2.0 : in;
    double m = (double)r->m, n = (double)r->n, k = (double)r->k;
    return (m * k + k * n) * in + m * n * outb;
}

/* The tile model's view of a GEMM row. */
static void row_shape(const sim_compute_timing_row_t *r,
                      sim_compute_dtype_t dt, sim_compute_gemm_shape_t *sh)
{
    sh->m = (double)r->m;
    sh->n = (double)r->n;
    sh->k = (double)r->k;
    sh->batch = 1.0;
    sh->in_bytes = sim_compute_dtype_bytes(dt);
    sh->out_bytes = dt == SIM_COMPUTE_FP8 ? 2.0 : sh->in_bytes;
}

double sim_compute_predict_row(const sim_compute_profile_t *p,
                               const sim_compute_timing_row_t *row)
{
    sim_compute_dtype_t dt;
    switch (sim_compute_kernel_class(row->kernel)) {
    case SIM_COMPUTE_K_GEMM: {
        if (sim_compute_dtype_parse(row->dtype, &dt) != 0 || row->m <= 0 ||
            row->n <= 0 || row->k <= 0 || !(p->peak_tflops[dt] > 0.0) ||
            !(p->hbm_GBps > 0.0))
            return -1.0;
        const sim_compute_gemm_curve_t *c = &p->gemm[dt];
        sim_compute_gemm_dev_t dv = {p->peak_tflops[dt] * 1e12,
                                     p->sm_count, p->hbm_GBps * 1e9};
        sim_compute_gemm_shape_t sh;
        row_shape(row, dt, &sh);
        double tc = sim_compute_gemm_compute_time(c, &dv, &sh, NULL);
        double tm = gemm_row_bytes(row, dt) / (p->hbm_GBps * 1e9 * c->mem_eff);
        return fmax(tc, tm) + p->launch_s;
    }
    case SIM_COMPUTE_K_MEM:
        if (!(p->hbm_GBps > 0.0))
            return -1.0;
        return row->bytes / (p->hbm_GBps * 1e9 * p->mem_eff) + p->launch_s;
    case SIM_COMPUTE_K_PCIE:
        if (!(p->pcie_GBps > 0.0))
            return -1.0;
        return row->bytes / (p->pcie_GBps * 1e9 * p->pcie_eff) + p->launch_s;
    case SIM_COMPUTE_K_LAUNCH:
        return p->launch_s;
    case SIM_COMPUTE_K_OTHER:
        break;
    }
    return -1.0;
}

/* ---- GEMM curves: nonlinear least squares ---------------------------- */

typedef struct gemm_data {
    size_t n;          /* rows */
    double *bytes;
    double *peak;      /* dense peak, FLOP/s */
    sim_compute_gemm_shape_t *shape;
    double *logt;      /* log measured time */
    int *slot;         /* curve index of the row */
    int nslots;
    int fit_launch;    /* 1: last parameter is log t_0 */
    double launch_s;   /* fixed t_0 when !fit_launch */
    double bw;         /* HBM B/s */
    double sms;        /* SM count; 0 selects the no-tile model */
    size_t per;        /* parameters per curve */
    double prior[PER_CURVE * SIM_COMPUTE_DTYPE__COUNT + 1]; /* centres */
    double pw[PER_CURVE * SIM_COMPUTE_DTYPE__COUNT + 1];    /* weights */
} gemm_data_t;

static double clampd(double x, double lo, double hi)
{
    return x < lo ? lo : (x > hi ? hi : x);
}

static double sigmoid(double x)
{
    return 1.0 / (1.0 + exp(-clampd(x, -40.0, 40.0)));
}

static double logit(double p)
{
    p = clampd(p, 1e-9, 1.0 - 1e-9);
    return log(p / (1.0 - p));
}

static double expc(double x)
{
    return exp(clampd(x, -60.0, 60.0));
}

/* The curve a parameter block (per values, given stride) stands for;
 * parameters outside the block keep c's values. */
static void theta_to_curve(const double *t, size_t stride, size_t per,
                           sim_compute_gemm_curve_t *c)
{
    c->e_max = sigmoid(t[0]);
    c->mem_eff = sigmoid(t[1 * stride]);
    if (per == PER_CURVE) {
        c->wave = sigmoid(t[2 * stride]);
        c->tile_s = expc(t[3 * stride]);
        c->iter_s = expc(t[4 * stride]);
        c->l2_GBps = expc(t[5 * stride]);
        c->split_max = 1.0 + expc(t[6 * stride]);
        c->split_s = expc(t[7 * stride]);
        c->epi = sigmoid(t[8 * stride]);
    } else {
        c->m0 = expc(t[2 * stride]);
        c->n0 = expc(t[3 * stride]);
        c->k0 = expc(t[4 * stride]);
    }
}

/* Inverse of theta_to_curve (stride 1). */
static void curve_to_theta(const sim_compute_gemm_curve_t *c, size_t per,
                           double *t)
{
    t[0] = logit(c->e_max);
    t[1] = logit(c->mem_eff);
    if (per == PER_CURVE) {
        t[2] = logit(c->wave);
        t[3] = log(c->tile_s);
        t[4] = log(c->iter_s);
        t[5] = log(c->l2_GBps);
        t[6] = log(fmax(c->split_max - 1.0, 1e-6));
        t[7] = log(c->split_s);
        t[8] = logit(c->epi);
    } else {
        t[2] = log(c->m0);
        t[3] = log(c->n0);
        t[4] = log(c->k0);
    }
}

static int gemm_resid(const gsl_vector *x, void *params, gsl_vector *f)
{
    const gemm_data_t *d = params;
    size_t np = (size_t)d->nslots * d->per + (d->fit_launch ? 1 : 0);
    double t0 = d->fit_launch
                    ? expc(gsl_vector_get(x, np - 1))
                    : d->launch_s;
    for (size_t i = 0; i < d->n; i++) {
        size_t b = (size_t)d->slot[i] * d->per;
        sim_compute_gemm_curve_t c;
        memset(&c, 0, sizeof c);
        theta_to_curve(x->data + b * x->stride, x->stride, d->per, &c);
        sim_compute_gemm_dev_t dv = {d->peak[i], d->sms, d->bw};
        double tc = sim_compute_gemm_compute_time(&c, &dv, &d->shape[i],
                                                  NULL);
        double t = fmax(tc, d->bytes[i] / (d->bw * c.mem_eff)) + t0;
        double r = log(t) - d->logt[i];
        gsl_vector_set(f, i, isfinite(r) ? r : BAD_RESIDUAL);
    }
    for (size_t j = 0; j < np; j++)
        gsl_vector_set(f, d->n + j,
                       d->pw[j] * (gsl_vector_get(x, j) - d->prior[j]));
    return GSL_SUCCESS;
}

/* Run the solver from theta0 (np values); on success copy the solution to
 * theta and its cost to *cost.  Returns SIM_OK or SIM_ERR_LIB/NOMEM. */
static sim_err_t solve_from(gemm_data_t *d, size_t np, const double *theta0,
                            double *theta, double *cost, size_t *iters)
{
    sim_err_t err = SIM_OK;
    size_t nres = d->n + np;
    gsl_multifit_nlinear_parameters fp =
        gsl_multifit_nlinear_default_parameters();
    gsl_multifit_nlinear_workspace *w =
        gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust, &fp, nres, np);
    gsl_vector *x0 = gsl_vector_alloc(np);
    gsl_multifit_nlinear_fdf fdf;
    int info = 0;

    if (w == NULL || x0 == NULL) {
        err = SIM_ERR_NOMEM;
        goto done;
    }
    for (size_t j = 0; j < np; j++)
        gsl_vector_set(x0, j, theta0[j]);
    memset(&fdf, 0, sizeof fdf);
    fdf.f = gemm_resid;
    fdf.df = NULL; /* forward finite differences: the max() has a kink */
    fdf.fvv = NULL;
    fdf.n = nres;
    fdf.p = np;
    fdf.params = d;
    if (gsl_multifit_nlinear_init(x0, &fdf, w) != GSL_SUCCESS) {
        err = SIM_ERR_LIB;
        goto done;
    }
    int st = gsl_multifit_nlinear_driver(MAX_ITER, 1e-10, 1e-10, 0.0, NULL,
                                         NULL, &info, w);
    /* Stopping at the iteration cap or without further progress still
     * leaves a valid (if not optimal) point; only real failures abort. */
    if (st != GSL_SUCCESS && st != GSL_EMAXITER && st != GSL_ENOPROG) {
        err = SIM_ERR_LIB;
        goto done;
    }
    gsl_vector *x = gsl_multifit_nlinear_position(w);
    gsl_vector *f = gsl_multifit_nlinear_residual(w);
    double c = 0.0;
    for (size_t i = 0; i < nres; i++)
        c += 0.5 * gsl_vector_get(f, i) * gsl_vector_get(f, i);
    for (size_t j = 0; j < np; j++)
        theta[j] = gsl_vector_get(x, j);
    *cost = c;
    *iters = gsl_multifit_nlinear_niter(w);
done:
    gsl_vector_free(x0);
    if (w != NULL)
        gsl_multifit_nlinear_free(w);
    return err;
}

static void gemm_data_free(gemm_data_t *d)
{
    free(d->bytes);
    free(d->peak);
    free(d->shape);
    free(d->logt);
    free(d->slot);
}

/*
 * Fit the GEMM curves of every dtype present in the used rows into p.
 * has_launch: p->launch_s is fixed (from launch rows); else t_0 is fitted
 * too.  Returns SIM_OK (nothing to do when there are no GEMM rows).
 */
static sim_err_t fit_gemm(const sim_compute_timing_row_t *rows, size_t n,
                          const unsigned char *use, int has_launch,
                          sim_compute_profile_t *p,
                          sim_compute_fit_summary_t *sum, sim_diag_t *diag)
{
    sim_err_t err = SIM_OK;
    gemm_data_t d;
    int slot_of[SIM_COMPUTE_DTYPE__COUNT], dt_of[SIM_COMPUTE_DTYPE__COUNT];
    size_t rows_of[SIM_COMPUTE_DTYPE__COUNT];
    sim_compute_profile_t def;
    double *theta0 = NULL, *theta = NULL, *best = NULL;

    memset(&d, 0, sizeof d);
    for (int s = 0; s < SIM_COMPUTE_DTYPE__COUNT; s++) {
        slot_of[s] = -1;
        rows_of[s] = 0;
    }
    size_t ng = 0;
    for (size_t i = 0; i < n; i++)
        if ((use == NULL || use[i]) &&
            sim_compute_kernel_class(rows[i].kernel) == SIM_COMPUTE_K_GEMM)
            ng++;
    if (ng == 0)
        return SIM_OK;
    d.bytes = malloc(ng * sizeof *d.bytes);
    d.peak = malloc(ng * sizeof *d.peak);
    d.shape = malloc(ng * sizeof *d.shape);
    d.logt = malloc(ng * sizeof *d.logt);
    d.slot = malloc(ng * sizeof *d.slot);
    if (!d.bytes || !d.peak || !d.shape || !d.logt || !d.slot) {
        err = sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL, NULL);
        goto fail;
    }
    for (size_t i = 0; i < n; i++) {
        const sim_compute_timing_row_t *r = &rows[i];
        sim_compute_dtype_t dt;
        if ((use != NULL && !use[i]) ||
            sim_compute_kernel_class(r->kernel) != SIM_COMPUTE_K_GEMM)
            continue;
        if (sim_compute_dtype_parse(r->dtype, &dt) != 0) {
            err = sim_diag_set(diag, SIM_ERR_INPUT, NULL, r->line, "dtype",
                               "unknown GEMM dtype '%s'", r->dtype);
            goto fail;
        }
        if (!(p->peak_tflops[dt] > 0.0)) {
            err = sim_diag_set(diag, SIM_ERR_INPUT, NULL, r->line, "dtype",
                               "device %s has no %s peak", p->device,
                               sim_compute_dtype_name(dt));
            goto fail;
        }
        if (r->m <= 0 || r->n <= 0 || r->k <= 0) {
            err = sim_diag_set(diag, SIM_ERR_INPUT, NULL, r->line, "m",
                               "GEMM row needs m, n, k > 0");
            goto fail;
        }
        if (slot_of[dt] < 0) {
            dt_of[d.nslots] = (int)dt;
            slot_of[dt] = d.nslots++;
        }
        size_t j = d.n++;
        rows_of[dt]++;
        row_shape(r, dt, &d.shape[j]);
        d.bytes[j] = gemm_row_bytes(r, dt);
        d.peak[j] = p->peak_tflops[dt] * 1e12;
        d.logt[j] = log(r->time_s);
        d.slot[j] = slot_of[dt];
    }
    if (!(p->hbm_GBps > 0.0)) {
        err = sim_diag_set(diag, SIM_ERR_INPUT, NULL, 0, "hbm_GBps",
                           "device %s has no HBM bandwidth", p->device);
        goto fail;
    }
    d.bw = p->hbm_GBps * 1e9;
    d.sms = p->sm_count;
    d.per = d.sms >= 1.0 ? PER_CURVE : PER_CURVE_NOSM;
    d.fit_launch = !has_launch;
    d.launch_s = p->launch_s;

    /* Prior centres: the documented defaults, never p's current values,
     * which may come from a fit that saw held-out rows. */
    sim_compute_profile_init(&def, NULL, NULL, 0.0, 0.0);
    size_t np = (size_t)d.nslots * d.per + (d.fit_launch ? 1 : 0);
    for (int s = 0; s < d.nslots; s++) {
        curve_to_theta(&def.gemm[dt_of[s]], d.per, &d.prior[s * d.per]);
        double *w = &d.pw[s * d.per];
        for (size_t j = 0; j < d.per; j++)
            w[j] = j < 2 ? SCALE_WEIGHT : SHAPE_WEIGHT;
    }
    if (d.fit_launch) {
        d.prior[np - 1] = log(def.launch_s);
        d.pw[np - 1] = SCALE_WEIGHT;
    }

    theta0 = malloc(np * sizeof *theta0);
    theta = malloc(np * sizeof *theta);
    best = malloc(np * sizeof *best);
    if (theta0 == NULL || theta == NULL || best == NULL) {
        err = sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL, NULL);
        goto fail;
    }
    /* Deterministic starts: the prior centre, then size and time
     * parameters scaled down and up by 4, then low efficiencies. */
    static const double size_shift[] = {0.0, -1.386294, 1.386294, 0.0};
    static const double eff_shift[] = {0.0, 0.0, 0.0, -1.5};
    double best_cost = INFINITY;
    size_t best_iters = 0;
    for (size_t s = 0; s < sizeof size_shift / sizeof size_shift[0]; s++) {
        double cost = 0.0;
        size_t iters = 0;
        for (size_t j = 0; j < np; j++) {
            size_t within = j % d.per;
            int is_launch = d.fit_launch && j == np - 1;
            theta0[j] = d.prior[j];
            if (!is_launch && within >= 2 &&
                !(d.per == PER_CURVE && (within == 2 || within == 8)))
                theta0[j] += size_shift[s];
            if (!is_launch && within < 2)
                theta0[j] += eff_shift[s];
        }
        err = solve_from(&d, np, theta0, theta, &cost, &iters);
        if (err != SIM_OK) {
            sim_diag_set(diag, err, NULL, 0, NULL,
                         "GEMM efficiency fit failed in the GSL solver");
            goto fail;
        }
        if (cost < best_cost) {
            best_cost = cost;
            best_iters = iters;
            memcpy(best, theta, np * sizeof *best);
        }
    }
    for (int s = 0; s < d.nslots; s++) {
        sim_compute_gemm_curve_t *c = &p->gemm[dt_of[s]];
        theta_to_curve(&best[s * d.per], 1, d.per, c);
        c->fitted = 1;
        c->rows = rows_of[dt_of[s]];
    }
    if (d.fit_launch)
        p->launch_s = expc(best[np - 1]);
    if (sum != NULL) {
        sum->gemm_rows = d.n;
        sum->iterations = best_iters;
        sum->cost = best_cost;
    }
fail:
    free(theta0);
    free(theta);
    free(best);
    gemm_data_free(&d);
    return err;
}

/* ---- bandwidth and launch -------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/*
 * Efficiency of a bandwidth peak (bytes/s) from rows of class cls:
 * weighted fit t = a + b·bytes (weights 1/t², i.e. relative errors), eff =
 * 1/(b·peak).  Falls back to the median of bytes/((t − t_0)·peak) when
 * the rows cannot determine a slope.  Returns the efficiency clamped to
 * [1e-3, 1], or -1 when there are no rows.
 */
static double fit_bandwidth(const sim_compute_timing_row_t *rows, size_t n,
                            const unsigned char *use,
                            sim_compute_kclass_t cls, double peak, double t0,
                            size_t *count, sim_err_t *err)
{
    double *x = NULL, *y = NULL, *w = NULL, eff = -1.0;
    size_t m = 0;

    *err = SIM_OK;
    *count = 0;
    for (size_t i = 0; i < n; i++)
        if ((use == NULL || use[i]) &&
            sim_compute_kernel_class(rows[i].kernel) == cls &&
            rows[i].bytes > 0.0)
            m++;
    if (m == 0 || !(peak > 0.0))
        return -1.0;
    x = malloc(m * sizeof *x);
    y = malloc(m * sizeof *y);
    w = malloc(m * sizeof *w);
    if (x == NULL || y == NULL || w == NULL) {
        *err = SIM_ERR_NOMEM;
        goto done;
    }
    m = 0;
    for (size_t i = 0; i < n; i++)
        if ((use == NULL || use[i]) &&
            sim_compute_kernel_class(rows[i].kernel) == cls &&
            rows[i].bytes > 0.0) {
            x[m] = rows[i].bytes;
            y[m] = rows[i].time_s;
            w[m] = 1.0 / (rows[i].time_s * rows[i].time_s);
            m++;
        }
    *count = m;
    double c0 = 0, c1 = 0, v00, v01, v11, ss;
    int distinct = 0;
    for (size_t i = 1; i < m; i++)
        if (x[i] != x[0])
            distinct = 1;
    if (distinct &&
        gsl_fit_wlinear(x, 1, w, 1, y, 1, m, &c0, &c1, &v00, &v01, &v11,
                        &ss) == GSL_SUCCESS &&
        c1 > 0.0) {
        eff = 1.0 / (c1 * peak);
    } else {
        for (size_t i = 0; i < m; i++) {
            double t = y[i] - t0 > 0.0 ? y[i] - t0 : y[i];
            w[i] = x[i] / (t * peak);
        }
        eff = median(w, m);
    }
    eff = clampd(eff, 1e-3, 1.0);
done:
    free(x);
    free(y);
    free(w);
    return eff;
}

sim_err_t sim_compute_fit(const sim_compute_timing_row_t *rows, size_t n,
                          const unsigned char *use, sim_compute_profile_t *p,
                          sim_compute_fit_summary_t *summary,
                          sim_diag_t *diag)
{
    sim_err_t err = SIM_OK;
    sim_compute_profile_t q = *p;
    sim_compute_fit_summary_t sum;
    double *lt = NULL;
    size_t nl = 0, used = 0;

    memset(&sum, 0, sizeof sum);
    for (size_t i = 0; i < n; i++) {
        if (use != NULL && !use[i])
            continue;
        switch (sim_compute_kernel_class(rows[i].kernel)) {
        case SIM_COMPUTE_K_LAUNCH:
            nl++;
            break;
        case SIM_COMPUTE_K_OTHER:
            sum.other_rows++;
            break;
        default:
            break;
        }
        used++;
    }
    if (used == sum.other_rows)
        return sim_diag_set(diag, SIM_ERR_INPUT, NULL, 0, "kernel",
                            "no rows of a modelled kernel (gemm, triad, "
                            "copy, memcpy_*, launch) to fit");
    if (nl > 0) {
        lt = malloc(nl * sizeof *lt);
        if (lt == NULL)
            return sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL, NULL);
        nl = 0;
        for (size_t i = 0; i < n; i++)
            if ((use == NULL || use[i]) &&
                sim_compute_kernel_class(rows[i].kernel) ==
                    SIM_COMPUTE_K_LAUNCH)
                lt[nl++] = rows[i].time_s;
        q.launch_s = median(lt, nl);
        free(lt);
        sum.launch_rows = nl;
    }
    err = fit_gemm(rows, n, use, nl > 0, &q, &sum, diag);
    if (err != SIM_OK)
        return err;
    double e = fit_bandwidth(rows, n, use, SIM_COMPUTE_K_MEM,
                             q.hbm_GBps * 1e9, q.launch_s, &sum.mem_rows,
                             &err);
    if (err != SIM_OK)
        return sim_diag_set(diag, err, NULL, 0, NULL, NULL);
    if (e > 0.0)
        q.mem_eff = e;
    e = fit_bandwidth(rows, n, use, SIM_COMPUTE_K_PCIE, q.pcie_GBps * 1e9,
                      q.launch_s, &sum.pcie_rows, &err);
    if (err != SIM_OK)
        return sim_diag_set(diag, err, NULL, 0, NULL, NULL);
    if (e > 0.0)
        q.pcie_eff = e;
    q.calibrated = 1;
    *p = q;
    if (summary != NULL)
        *summary = sum;
    return SIM_OK;
}
