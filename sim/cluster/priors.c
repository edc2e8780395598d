/*
 * priors.c — the Acme job-mix priors: reading a row of the embedded
 * cluster summary, fitting job size and run time (rules in priors.h), and
 * drawing a synthetic trace from the fit.
 *
 * Assumes the table's dialect: comma separated, a header line, no quoting,
 * empty fields for figures a row lacks (PAI's rates).
 */
#include "sim/cluster/priors.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "sim/engine/rng.h"
#include "workloads/embedded.h"

#define ACME_FILE "workloads/traces/acme_cluster_summary.csv"
#define MAX_FIELDS 40
#define MAX_LINE 1024
/* Bisection steps: halves a bracket of width 80 down to below 1e-15. */
#define BISECT_STEPS 200

const char *const sim_cluster_prior_names[] = {"none", "acme-seren", "acme-kalos", "philly",
                                               "helios", NULL};
/* The table's id of each name above (same order, past "none"). */
static const char *const row_ids[] = {"Seren", "Kalos", "Philly", "Helios"};

/* Split line (copied into buf) at commas; returns the field count or -1
 * when the line is too long or has too many fields. */
static int split(const char *line, size_t n, char *buf, const char **f)
{
    if (n >= MAX_LINE)
        return -1;
    memcpy(buf, line, n);
    buf[n] = '\0';
    if (n > 0 && buf[n - 1] == '\r')
        buf[n - 1] = '\0';
    int k = 0;
    for (char *p = buf;;) {
        if (k == MAX_FIELDS)
            return -1;
        f[k++] = p;
        char *c = strchr(p, ',');
        if (c == NULL)
            break;
        *c = '\0';
        p = c + 1;
    }
    return k;
}

static int col(const char *const *hdr, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(hdr[i], name) == 0)
            return i;
    return -1;
}

sim_err_t sim_cluster_prior_find(const char *name, sim_cluster_prior_t *out, sim_diag_t *diag)
{
    static const char *const need[] = {
        "gpu_job_num", "avg_run_time_gpu", "med_run_time_gpu", "max_run_time_gpu",
        "avg_que_time_gpu", "med_que_time_gpu", "avg_gpu_num", "med_gpu_num", "max_gpu",
        "complete_rate_gpu", "cancel_rate_gpu", "fail_rate_gpu"};
    enum { NNEED = sizeof need / sizeof need[0] };
    const char *id = NULL;
    for (size_t i = 1; sim_cluster_prior_names[i] != NULL; i++)
        if (strcmp(name, sim_cluster_prior_names[i]) == 0)
            id = row_ids[i - 1];
    if (id == NULL)
        return sim_diag_set(diag, SIM_ERR_NOTFOUND, NULL, 0, "trace.synthetic_prior",
                            "unknown job-mix prior '%s'", name);
    const wl_embedded_file_t *e = wl_embedded_find(ACME_FILE);
    if (e == NULL)
        return sim_diag_set(diag, SIM_ERR_NOTFOUND, NULL, 0, "trace.synthetic_prior",
                            "the Acme cluster summary is not built into this program");
    char hbuf[MAX_LINE], rbuf[MAX_LINE];
    const char *hdr[MAX_FIELDS], *f[MAX_FIELDS];
    const char *text = e->data, *end = e->data + e->size;
    int nh = -1, line = 0, c[NNEED];
    while (text < end) {
        const char *nl = memchr(text, '\n', (size_t)(end - text));
        size_t len = nl ? (size_t)(nl - text) : (size_t)(end - text);
        line++;
        int nf = split(text, len, line == 1 ? hbuf : rbuf, line == 1 ? hdr : f);
        text += len + (nl != NULL);
        if (nf < 0)
            return sim_diag_set(diag, SIM_ERR_INPUT, ACME_FILE, line, NULL, "line too long");
        if (line == 1) {
            nh = nf;
            for (int k = 0; k < NNEED; k++)
                if ((c[k] = col(hdr, nh, need[k])) < 0)
                    return sim_diag_set(diag, SIM_ERR_INPUT, ACME_FILE, 1, need[k],
                                        "column missing");
            continue;
        }
        if (nf != nh || strcmp(f[0], id) != 0)
            continue;
        double v[NNEED];
        for (int k = 0; k < NNEED; k++) {
            char *stop;
            errno = 0;
            v[k] = strtod(f[c[k]], &stop);
            if (f[c[k]][0] == '\0' || *stop != '\0' || errno != 0 || !(v[k] >= 0))
                return sim_diag_set(diag, SIM_ERR_INPUT, ACME_FILE, line, need[k],
                                    "expected a number >= 0, got '%s'", f[c[k]]);
        }
        memset(out, 0, sizeof *out);
        snprintf(out->name, sizeof out->name, "%s", name);
        out->gpu_jobs = v[0];
        out->run_mean_s = v[1];
        out->run_med_s = v[2];
        out->run_max_s = v[3];
        out->queue_mean_s = v[4];
        out->queue_med_s = v[5];
        out->gpus_mean = v[6];
        out->gpus_med = v[7];
        out->gpus_max = v[8] > 1e6 ? 1000000 : (int32_t)v[8];
        out->p_complete = v[9];
        out->p_cancel = v[10];
        out->p_fail = v[11];
        return SIM_OK;
    }
    return sim_diag_set(diag, SIM_ERR_NOTFOUND, ACME_FILE, 0, "trace.synthetic_prior",
                        "no row '%s' in the Acme cluster summary", id);
}

/* Mean of s[lo..hi] under weights exp(-lambda s); weights (normalised to
 * the part) to w[lo..hi] when w is not NULL.  Log-sum-exp keeps large
 * |lambda| finite. */
static double part_mean(const int32_t *s, int lo, int hi, double lambda, double *w)
{
    double amax = -HUGE_VAL, sum = 0, sm = 0;
    for (int k = lo; k <= hi; k++)
        amax = fmax(amax, -lambda * s[k]);
    for (int k = lo; k <= hi; k++) {
        double e = exp(-lambda * s[k] - amax);
        sum += e;
        sm += e * s[k];
        if (w != NULL)
            w[k] = e;
    }
    if (w != NULL)
        for (int k = lo; k <= hi; k++)
            w[k] /= sum;
    return sm / sum;
}

/* The mean of the fit: one family over the grid (split < 0), or half the
 * mass on [0, split] and half on (split, n). */
static double fit_mean(const int32_t *s, int n, int split_at, double lambda)
{
    if (split_at < 0)
        return part_mean(s, 0, n - 1, lambda, NULL);
    return 0.5 * part_mean(s, 0, split_at, lambda, NULL) +
           0.5 * part_mean(s, split_at + 1, n - 1, lambda, NULL);
}

/* lambda with fit_mean = target by bisection (fit_mean falls as lambda
 * grows); false when target is outside the family's reach. */
static bool solve_lambda(const int32_t *s, int n, int split_at, double target, double *lambda)
{
    /* Grid gaps are >= 1 GPU, so |lambda| = 40 already puts all but
     * e^-40 of each part's mass on its end point. */
    double lo = -40, hi = 40;
    if (!(fit_mean(s, n, split_at, hi) < target && target < fit_mean(s, n, split_at, lo)))
        return false;
    for (int i = 0; i < BISECT_STEPS; i++) {
        double mid = 0.5 * (lo + hi);
        if (fit_mean(s, n, split_at, mid) > target)
            lo = mid;
        else
            hi = mid;
    }
    *lambda = 0.5 * (lo + hi);
    return true;
}

/* E[min(X, cap)] for X lognormal(mu, sigma). */
static double clamped_mean(double mu, double sigma, double cap)
{
    double lc = log(cap);
    return exp(mu + sigma * sigma / 2) * gsl_cdf_ugaussian_P((lc - mu - sigma * sigma) / sigma) +
           cap * gsl_cdf_ugaussian_Q((lc - mu) / sigma);
}

static sim_err_t fit_sizes(const sim_cluster_prior_t *pr, sim_cluster_prior_fit_t *fit,
                           sim_diag_t *diag)
{
    int n = 0;
    while (n < SIM_CLUSTER_PRIOR_SIZES && (1 << n) <= pr->gpus_max) {
        fit->size[n] = 1 << n;
        n++;
    }
    fit->nsizes = n;
    if (n < 2 || !(pr->gpus_med >= 1) || !(pr->gpus_mean > 1) ||
        !(pr->gpus_mean < fit->size[n - 1]))
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, "trace.synthetic_prior",
                            "prior %s: need whole GPUs, 1 < mean GPUs < max GPUs", pr->name);
    int j = (int)lround(log2(pr->gpus_med));
    if (j > n - 1)
        j = n - 1;
    double p[SIM_CLUSTER_PRIOR_SIZES];
    if (!solve_lambda(fit->size, n, -1, pr->gpus_mean, &fit->lambda))
        goto no_fit; /* unreachable: 1 < mean < max was checked */
    part_mean(fit->size, 0, n - 1, fit->lambda, p);
    int med = 0;
    for (double cum = p[0]; cum < 0.5 && med < n - 1; cum += p[++med])
        ;
    fit->median_split = med != j;
    if (med < j)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, "trace.synthetic_prior",
                            "prior %s: median %g GPUs above the fitted one (%d)", pr->name,
                            pr->gpus_med, fit->size[med]);
    if (med > j) {
        if (j == n - 1 || !solve_lambda(fit->size, n, j, pr->gpus_mean, &fit->lambda))
            goto no_fit;
        part_mean(fit->size, 0, j, fit->lambda, p);
        part_mean(fit->size, j + 1, n - 1, fit->lambda, p);
        for (int k = 0; k < n; k++)
            p[k] *= 0.5;
    }
    memcpy(fit->p, p, (size_t)n * sizeof *p);
    return SIM_OK;
no_fit:
    return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, "trace.synthetic_prior",
                        "prior %s: no size distribution on 1..%d GPUs has mean %g and "
                        "median %g", pr->name, fit->size[n - 1], pr->gpus_mean, pr->gpus_med);
}

static sim_err_t fit_run_time(const sim_cluster_prior_t *pr, sim_cluster_prior_fit_t *fit,
                              sim_diag_t *diag)
{
    if (!(pr->run_med_s > 0) || !(pr->run_mean_s > pr->run_med_s))
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, "trace.synthetic_prior",
                            "prior %s: need 0 < median run time < mean run time", pr->name);
    fit->run_mu = log(pr->run_med_s);
    fit->run_sigma = sqrt(2 * log(pr->run_mean_s / pr->run_med_s));
    fit->run_cap_s = 0;
    double cap = pr->run_max_s;
    if (!(cap > pr->run_mean_s))
        return SIM_OK; /* no usable maximum: the plain lognormal */
    /* The clamp lowers the mean; raise sigma until it is back.  The
     * clamped mean rises with sigma while it is well below cap / 2 (all
     * rows: mean < 1 % of max), so the bracket's ends decide. */
    double lo = fit->run_sigma, hi = lo + 6;
    if (!(clamped_mean(fit->run_mu, hi, cap) > pr->run_mean_s))
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, "trace.synthetic_prior",
                            "prior %s: no lognormal clamped at %g s has mean %g s", pr->name,
                            cap, pr->run_mean_s);
    for (int i = 0; i < BISECT_STEPS; i++) {
        double mid = 0.5 * (lo + hi);
        if (clamped_mean(fit->run_mu, mid, cap) < pr->run_mean_s)
            lo = mid;
        else
            hi = mid;
    }
    fit->run_sigma = 0.5 * (lo + hi);
    fit->run_cap_s = cap;
    return SIM_OK;
}

sim_err_t sim_cluster_prior_fit(const sim_cluster_prior_t *pr, sim_cluster_prior_fit_t *fit,
                                sim_diag_t *diag)
{
    sim_err_t err;
    memset(fit, 0, sizeof *fit);
    if (!(pr->p_fail >= 0) || !(pr->p_cancel >= 0) || pr->p_fail + pr->p_cancel > 1)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, "trace.synthetic_prior",
                            "prior %s: fail and cancel rates must sum to at most 1", pr->name);
    if ((err = fit_sizes(pr, fit, diag)) != SIM_OK)
        return err;
    return fit_run_time(pr, fit, diag);
}

sim_err_t sim_cluster_prior_jobs(const sim_cluster_prior_t *pr, size_t jobs,
                                 double mean_interarrival_s, uint64_t seed,
                                 wl_jobtrace_t **out, sim_diag_t *diag)
{
    sim_cluster_prior_fit_t fit;
    wl_jobtrace_t *t = NULL;
    gsl_rng *r = NULL;
    sim_err_t err;
    *out = NULL;
    if (jobs == 0 || jobs > 100000000 || !(mean_interarrival_s > 0))
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, "trace.synthetic_jobs",
                            "need 1..100,000,000 jobs and a positive mean inter-arrival");
    if ((err = sim_cluster_prior_fit(pr, &fit, diag)) != SIM_OK)
        return err;
    double cum[SIM_CLUSTER_PRIOR_SIZES], acc = 0;
    for (int k = 0; k < fit.nsizes; k++)
        cum[k] = (acc += fit.p[k]);
    cum[fit.nsizes - 1] = 1.0; /* rounding must not leave a gap at the top */
    t = wl_jobtrace_new();
    r = sim_rng_alloc(sim_rng_hash(seed, "trace.prior"));
    if (t == NULL || r == NULL || (t->jobs = calloc(jobs, sizeof *t->jobs)) == NULL) {
        err = SIM_ERR_NOMEM;
        goto fail;
    }
    double now = 0;
    for (size_t i = 0; i < jobs; i++) {
        wl_jobtrace_job_t *j = &t->jobs[i];
        now += gsl_ran_exponential(r, mean_interarrival_s);
        j->arrival_s = now;
        double v = gsl_rng_uniform(r);
        int k = 0;
        while (v >= cum[k])
            k++;
        j->num_gpu = fit.size[k];
        j->gpu_milli = 1000;
        double run = exp(fit.run_mu + fit.run_sigma * gsl_ran_ugaussian(r));
        if (fit.run_cap_s > 0 && run > fit.run_cap_s)
            run = fit.run_cap_s;
        /* Every job draws both variates, so the stream stays aligned
         * whatever the outcome. */
        double u = gsl_rng_uniform(r), frac = gsl_rng_uniform_pos(r);
        if (u < pr->p_fail)
            j->outcome = WL_JOB_FAILED;
        else if (u < pr->p_fail + pr->p_cancel)
            j->outcome = WL_JOB_CANCELLED;
        else
            j->outcome = WL_JOB_COMPLETE;
        if (j->outcome != WL_JOB_COMPLETE)
            run *= frac;
        j->duration_s = fmax(1.0, ceil(run));
    }
    t->njobs = jobs;
    *out = t;
    t = NULL;
fail:
    gsl_rng_free(r);
    wl_jobtrace_free(t);
    return err;
}
