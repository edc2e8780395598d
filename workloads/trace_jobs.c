/*
 * trace_jobs.c — CSV pod and node lists, and the synthetic generator
 * (trace_jobs.h).
 *
 * The CSV dialect is the one of Alibaba's clusterdata files: comma
 * separated, first line a header, no quoting, empty fields allowed.
 */
#include "workloads/trace_jobs.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "sim/engine/rng.h"
#include "workloads/embedded.h"

#define MAX_COLS 32
#define MAX_LINE 4096

wl_jobtrace_t *wl_jobtrace_new(void)
{
    return calloc(1, sizeof(wl_jobtrace_t));
}

void wl_jobtrace_free(wl_jobtrace_t *t)
{
    if (t == NULL)
        return;
    free(t->jobs);
    free(t->nodes);
    free(t);
}

int wl_jobtrace_model_id(wl_jobtrace_t *t, const char *name)
{
    for (int i = 0; i < t->nmodels; i++)
        if (strcmp(t->models[i], name) == 0)
            return i;
    if (t->nmodels >= WL_TRACE_MAX_MODELS || strlen(name) >= sizeof t->models[0])
        return -1;
    strcpy(t->models[t->nmodels], name);
    return t->nmodels++;
}

/* One CSV line split in place: fields point into buf. */
typedef struct row {
    char buf[MAX_LINE];
    const char *f[MAX_COLS];
    int n;
} row_t;

/* Copy the next line of text[*pos..len) into r and split it.  Returns 0 at
 * end of text, -1 for an over-long line, 1 otherwise. */
static int next_row(const char *text, size_t len, size_t *pos, row_t *r)
{
    if (*pos >= len)
        return 0;
    size_t start = *pos, end = start;
    while (end < len && text[end] != '\n')
        end++;
    *pos = end < len ? end + 1 : end;
    size_t n = end - start;
    if (n > 0 && text[start + n - 1] == '\r')
        n--;
    if (n >= MAX_LINE)
        return -1;
    memcpy(r->buf, text + start, n);
    r->buf[n] = '\0';
    r->n = 0;
    char *p = r->buf;
    for (;;) {
        if (r->n == MAX_COLS)
            return -1;
        r->f[r->n++] = p;
        char *c = strchr(p, ',');
        if (c == NULL)
            break;
        *c = '\0';
        p = c + 1;
    }
    return 1;
}

static int find_col(const row_t *hdr, const char *name)
{
    for (int i = 0; i < hdr->n; i++)
        if (strcmp(hdr->f[i], name) == 0)
            return i;
    return -1;
}

/* Parse field col of r as a number; empty or absent column gives def. */
static sim_err_t get_num(const row_t *r, int col, double def, double *out,
                         const char *label, int line, const char *name,
                         sim_diag_t *diag)
{
    if (col < 0 || col >= r->n || r->f[col][0] == '\0') {
        *out = def;
        return SIM_OK;
    }
    char *end;
    errno = 0;
    double v = strtod(r->f[col], &end);
    if (errno != 0 || *end != '\0' || !isfinite(v))
        return sim_diag_set(diag, SIM_ERR_INPUT, label, line, name,
                            "expected a number, got '%s'", r->f[col]);
    if (v < 0)
        return sim_diag_set(diag, SIM_ERR_RANGE, label, line, name,
                            "expected a value >= 0, got '%s'", r->f[col]);
    *out = v;
    return SIM_OK;
}

static int qos_priority(const char *q)
{
    if (strcmp(q, "Guaranteed") == 0)
        return 3;
    if (strcmp(q, "LS") == 0)
        return 2;
    if (strcmp(q, "Burstable") == 0)
        return 1;
    return 0; /* BE or absent */
}

static int cmp_arrival(const void *a, const void *b)
{
    const wl_jobtrace_job_t *x = a, *y = b;
    if (x->arrival_s != y->arrival_s)
        return x->arrival_s < y->arrival_s ? -1 : 1;
    return 0;
}

/* Stable sort by arrival: qsort is not stable, so sort (arrival, index). */
typedef struct keyed {
    wl_jobtrace_job_t j;
    size_t idx;
} keyed_t;

static int cmp_keyed(const void *a, const void *b)
{
    const keyed_t *x = a, *y = b;
    int c = cmp_arrival(&x->j, &y->j);
    if (c != 0)
        return c;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static sim_err_t sort_jobs(wl_jobtrace_t *t)
{
    if (t->njobs < 2)
        return SIM_OK;
    keyed_t *k = malloc(t->njobs * sizeof *k);
    if (k == NULL)
        return SIM_ERR_NOMEM;
    for (size_t i = 0; i < t->njobs; i++) {
        k[i].j = t->jobs[i];
        k[i].idx = i;
    }
    qsort(k, t->njobs, sizeof *k, cmp_keyed);
    for (size_t i = 0; i < t->njobs; i++)
        t->jobs[i] = k[i].j;
    free(k);
    return SIM_OK;
}

sim_err_t wl_jobtrace_parse_pods(wl_jobtrace_t *t, const char *text, size_t len,
                              const char *label, sim_diag_t *diag)
{
    row_t *r = malloc(sizeof *r), *hdr = malloc(sizeof *hdr);
    sim_err_t err = SIM_OK;
    size_t pos = 0;
    int line = 1;
    if (r == NULL || hdr == NULL) {
        err = SIM_ERR_NOMEM;
        goto fail;
    }
    if (next_row(text, len, &pos, hdr) != 1) {
        err = sim_diag_set(diag, SIM_ERR_INPUT, label, 1, NULL, "expected a CSV header line");
        goto fail;
    }
    int c_ngpu = find_col(hdr, "num_gpu"), c_milli = find_col(hdr, "gpu_milli"),
        c_cpu = find_col(hdr, "cpu_milli"), c_mem = find_col(hdr, "memory_mib"),
        c_spec = find_col(hdr, "gpu_spec"), c_qos = find_col(hdr, "qos"),
        c_create = find_col(hdr, "creation_time"), c_del = find_col(hdr, "deletion_time"),
        c_sched = find_col(hdr, "scheduled_time"), c_dur = find_col(hdr, "duration");
    if (c_ngpu < 0 || c_create < 0) {
        err = sim_diag_set(diag, SIM_ERR_INPUT, label, 1, NULL,
                           "a pod list needs the columns num_gpu and creation_time");
        goto fail;
    }
    size_t cap = t->njobs;
    for (;;) {
        line++;
        int rc = next_row(text, len, &pos, r);
        if (rc == 0)
            break;
        if (rc < 0) {
            err = sim_diag_set(diag, SIM_ERR_INPUT, label, line, NULL, "line too long or too many columns");
            goto fail;
        }
        if (r->n == 1 && r->f[0][0] == '\0')
            continue; /* blank line */
        if (r->n != hdr->n) {
            err = sim_diag_set(diag, SIM_ERR_INPUT, label, line, NULL,
                               "expected %d fields as in the header, got %d", hdr->n, r->n);
            goto fail;
        }
        double ngpu, milli, cpu, mem, create, del, sched, dur;
        if ((err = get_num(r, c_ngpu, 0, &ngpu, label, line, "num_gpu", diag)) != SIM_OK ||
            (err = get_num(r, c_milli, 1000, &milli, label, line, "gpu_milli", diag)) != SIM_OK ||
            (err = get_num(r, c_cpu, 0, &cpu, label, line, "cpu_milli", diag)) != SIM_OK ||
            (err = get_num(r, c_mem, 0, &mem, label, line, "memory_mib", diag)) != SIM_OK ||
            (err = get_num(r, c_create, 0, &create, label, line, "creation_time", diag)) != SIM_OK ||
            (err = get_num(r, c_del, -1, &del, label, line, "deletion_time", diag)) != SIM_OK ||
            (err = get_num(r, c_sched, -1, &sched, label, line, "scheduled_time", diag)) != SIM_OK ||
            (err = get_num(r, c_dur, -1, &dur, label, line, "duration", diag)) != SIM_OK)
            goto fail;
        if (ngpu > 1024 || ngpu != floor(ngpu) || milli > 1000 || (ngpu > 0 && milli < 1)) {
            err = sim_diag_set(diag, SIM_ERR_RANGE, label, line, "num_gpu",
                               "expected num_gpu a whole number <= 1024 and gpu_milli in 1..1000");
            goto fail;
        }
        if (ngpu > 1 && milli < 1000) {
            err = sim_diag_set(diag, SIM_ERR_RANGE, label, line, "gpu_milli",
                               "a GPU share (gpu_milli < 1000) needs num_gpu = 1");
            goto fail;
        }
        if (t->njobs == cap) {
            size_t ncap = cap ? 2 * cap : 1024;
            wl_jobtrace_job_t *nj = realloc(t->jobs, ncap * sizeof *nj);
            if (nj == NULL) {
                err = SIM_ERR_NOMEM;
                goto fail;
            }
            t->jobs = nj;
            cap = ncap;
        }
        wl_jobtrace_job_t *j = &t->jobs[t->njobs];
        memset(j, 0, sizeof *j);
        j->arrival_s = create;
        if (dur < 0) {
            double start = sched >= 0 ? sched : create;
            dur = del >= 0 ? del - start : 0;
        }
        j->duration_s = dur < 1 ? 1 : dur;
        j->num_gpu = (int32_t)ngpu;
        j->gpu_milli = ngpu > 0 ? (int32_t)milli : 0;
        j->cpu_milli = (int64_t)cpu;
        j->mem_mib = (int64_t)mem;
        j->priority = c_qos >= 0 ? qos_priority(r->f[c_qos]) : 0;
        if (c_spec >= 0 && r->f[c_spec][0] != '\0') {
            char spec[MAX_LINE];
            snprintf(spec, sizeof spec, "%s", r->f[c_spec]);
            for (char *save = NULL, *m = strtok_r(spec, "|", &save); m != NULL;
                 m = strtok_r(NULL, "|", &save)) {
                int id = wl_jobtrace_model_id(t, m);
                if (id < 0) {
                    err = sim_diag_set(diag, SIM_ERR_RANGE, label, line, "gpu_spec",
                                       "more than %d GPU models or a name over 31 characters",
                                       WL_TRACE_MAX_MODELS);
                    goto fail;
                }
                j->model_mask |= 1u << id;
            }
        }
        t->njobs++;
    }
    err = sort_jobs(t);
fail:
    free(r);
    free(hdr);
    return err;
}

sim_err_t wl_jobtrace_parse_nodes(wl_jobtrace_t *t, const char *text, size_t len,
                               const char *label, sim_diag_t *diag)
{
    row_t *r = malloc(sizeof *r), *hdr = malloc(sizeof *hdr);
    wl_jobtrace_node_t *nodes = NULL;
    size_t n = 0, cap = 0, pos = 0;
    int line = 1;
    sim_err_t err = SIM_OK;
    if (r == NULL || hdr == NULL) {
        err = SIM_ERR_NOMEM;
        goto fail;
    }
    if (next_row(text, len, &pos, hdr) != 1) {
        err = sim_diag_set(diag, SIM_ERR_INPUT, label, 1, NULL, "expected a CSV header line");
        goto fail;
    }
    int c_gpu = find_col(hdr, "gpu"), c_model = find_col(hdr, "model"),
        c_cpu = find_col(hdr, "cpu_milli"), c_mem = find_col(hdr, "memory_mib");
    if (c_gpu < 0) {
        err = sim_diag_set(diag, SIM_ERR_INPUT, label, 1, NULL, "a node list needs the column gpu");
        goto fail;
    }
    for (;;) {
        line++;
        int rc = next_row(text, len, &pos, r);
        if (rc == 0)
            break;
        if (rc < 0 || r->n != hdr->n) {
            if (rc > 0 && r->n == 1 && r->f[0][0] == '\0')
                continue;
            err = sim_diag_set(diag, SIM_ERR_INPUT, label, line, NULL,
                               "expected %d fields as in the header", hdr->n);
            goto fail;
        }
        double g, cpu, mem;
        if ((err = get_num(r, c_gpu, 0, &g, label, line, "gpu", diag)) != SIM_OK ||
            (err = get_num(r, c_cpu, 0, &cpu, label, line, "cpu_milli", diag)) != SIM_OK ||
            (err = get_num(r, c_mem, 0, &mem, label, line, "memory_mib", diag)) != SIM_OK)
            goto fail;
        if (g > 64 || g != floor(g)) {
            err = sim_diag_set(diag, SIM_ERR_RANGE, label, line, "gpu",
                               "expected a whole number of GPUs <= 64");
            goto fail;
        }
        if (n == cap) {
            size_t ncap = cap ? 2 * cap : 256;
            wl_jobtrace_node_t *nn = realloc(nodes, ncap * sizeof *nn);
            if (nn == NULL) {
                err = SIM_ERR_NOMEM;
                goto fail;
            }
            nodes = nn;
            cap = ncap;
        }
        wl_jobtrace_node_t *nd = &nodes[n++];
        nd->gpus = (int32_t)g;
        nd->cpu_milli = (int64_t)cpu;
        nd->mem_mib = (int64_t)mem;
        nd->model = -1;
        if (c_model >= 0 && r->f[c_model][0] != '\0') {
            nd->model = wl_jobtrace_model_id(t, r->f[c_model]);
            if (nd->model < 0) {
                err = sim_diag_set(diag, SIM_ERR_RANGE, label, line, "model",
                                   "too many GPU models or a name over 31 characters");
                goto fail;
            }
        }
    }
    free(t->nodes);
    t->nodes = nodes;
    t->nnodes = n;
    nodes = NULL;
fail:
    free(nodes);
    free(r);
    free(hdr);
    return err;
}

/* Read a whole file; *text is malloc'd and NUL-terminated. */
static sim_err_t slurp(const char *path, char **text, size_t *len, sim_diag_t *diag)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0, cap = 0;
    if (f == NULL)
        return sim_diag_set(diag, SIM_ERR_IO, path, 0, "trace.file", "cannot open the trace");
    for (;;) {
        if (cap - n < 65536) {
            size_t ncap = cap ? 2 * cap : 262144;
            char *nb = realloc(buf, ncap + 1);
            if (nb == NULL) {
                free(buf);
                fclose(f);
                return SIM_ERR_NOMEM;
            }
            buf = nb;
            cap = ncap;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return sim_diag_set(diag, SIM_ERR_IO, path, 0, "trace.file", "read error");
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return SIM_OK;
}

sim_err_t wl_jobtrace_load(const char *name, wl_jobtrace_t **out, sim_diag_t *diag)
{
    wl_jobtrace_t *t = wl_jobtrace_new();
    char *text = NULL;
    size_t len = 0;
    sim_err_t err = SIM_OK;
    *out = NULL;
    if (t == NULL)
        return SIM_ERR_NOMEM;
    if (strcmp(name, "openb") == 0) {
        const wl_embedded_file_t *p = wl_embedded_find("workloads/traces/openb_pods.csv");
        const wl_embedded_file_t *nd = wl_embedded_find("workloads/traces/openb_nodes.csv");
        if (p == NULL || nd == NULL) {
            err = sim_diag_set(diag, SIM_ERR_NOTFOUND, NULL, 0, "trace.file",
                               "the openb trace is not built into this program");
            goto fail;
        }
        /* Nodes first: they register the GPU model names in the trace's
         * model table before the pods' gpu_spec refers to them. */
        if ((err = wl_jobtrace_parse_nodes(t, nd->data, nd->size, nd->name, diag)) != SIM_OK ||
            (err = wl_jobtrace_parse_pods(t, p->data, p->size, p->name, diag)) != SIM_OK)
            goto fail;
    } else if (strchr(name, '/') == NULL && strchr(name, '.') == NULL) {
        err = sim_diag_set(diag, SIM_ERR_NOTFOUND, NULL, 0, "trace.file",
                           "unknown builtin trace '%s' (expected openb or a path to a CSV)", name);
        goto fail;
    } else {
        size_t nl = strlen(name);
        const char *suffix = "_pods.csv";
        size_t sl = strlen(suffix);
        if (nl > sl && strcmp(name + nl - sl, suffix) == 0 && nl < 4000) {
            char npath[4096];
            snprintf(npath, sizeof npath, "%.*s_nodes.csv", (int)(nl - sl), name);
            FILE *probe = fopen(npath, "rb");
            if (probe != NULL) {
                fclose(probe);
                if ((err = slurp(npath, &text, &len, diag)) != SIM_OK ||
                    (err = wl_jobtrace_parse_nodes(t, text, len, npath, diag)) != SIM_OK)
                    goto fail;
                free(text);
                text = NULL;
            }
        }
        if ((err = slurp(name, &text, &len, diag)) != SIM_OK ||
            (err = wl_jobtrace_parse_pods(t, text, len, name, diag)) != SIM_OK)
            goto fail;
    }
    *out = t;
    t = NULL;
fail:
    free(text);
    wl_jobtrace_free(t);
    return err;
}

sim_err_t wl_jobtrace_synthetic(const wl_jobtrace_synth_t *p, uint64_t seed,
                             wl_jobtrace_t **out, sim_diag_t *diag)
{
    *out = NULL;
    if (p->jobs == 0 || !(p->mean_interarrival_s > 0) || !(p->mean_duration_s > 0) ||
        p->gpus_per_node < 1 || !(p->frac_share >= 0) || !(p->frac_gang >= 0) ||
        p->frac_share + p->frac_gang > 1)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, NULL,
                            "synthetic trace: need jobs > 0, positive means, shares in [0,1]");
    wl_jobtrace_t *t = wl_jobtrace_new();
    gsl_rng *r = sim_rng_alloc(sim_rng_hash(seed, "trace.synthetic"));
    sim_err_t err = SIM_OK;
    if (t == NULL || r == NULL || (t->jobs = calloc(p->jobs, sizeof *t->jobs)) == NULL) {
        err = SIM_ERR_NOMEM;
        goto fail;
    }
    /* Lognormal with sigma 1.5: heavy-tailed like production job runtimes
     * (Acme'24 cluster_summary: Seren mean 1,414 s vs median 122 s). */
    const double sigma = 1.5, mu = log(p->mean_duration_s) - sigma * sigma / 2;
    static const int sizes[] = {1, 2, 4, 8};
    static const double cum[] = {0.6, 0.75, 0.85, 1.0};
    double now = 0;
    for (size_t i = 0; i < p->jobs; i++) {
        wl_jobtrace_job_t *j = &t->jobs[i];
        now += gsl_ran_exponential(r, p->mean_interarrival_s);
        j->arrival_s = now;
        j->duration_s = fmax(1.0, ceil(gsl_ran_lognormal(r, mu, sigma)));
        double u = gsl_rng_uniform(r);
        if (u < p->frac_share) {
            j->num_gpu = 1;
            j->gpu_milli = 100 * (1 + (int32_t)gsl_rng_uniform_int(r, 9));
        } else if (u < p->frac_share + p->frac_gang) {
            j->num_gpu = p->gpus_per_node * (2 + (int32_t)gsl_rng_uniform_int(r, 7));
            j->gpu_milli = 1000;
        } else {
            double v = gsl_rng_uniform(r);
            int k = 0;
            while (v >= cum[k])
                k++;
            j->num_gpu = sizes[k] < p->gpus_per_node ? sizes[k] : p->gpus_per_node;
            j->gpu_milli = 1000;
        }
        j->priority = (int32_t)gsl_rng_uniform_int(r, 3);
    }
    t->njobs = p->jobs;
    *out = t;
    t = NULL;
fail:
    gsl_rng_free(r);
    wl_jobtrace_free(t);
    return err;
}
