/*
 * fault_model.c — failure profiles: parsing, built-ins, inter-arrival draws
 * (see fault_model.h).
 *
 * Profile files are read with the scenario INI parser, so they obey the
 * same syntax rules as a scenario; every key is checked, so a typo in a
 * data file is an error, not a silent zero.
 */
#include "sim/faults/fault_model.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>

#include "sim/config/ini.h"
#include "workloads/embedded.h"

static const char *const class_names[FLT_CLASS_COUNT] = {
    "gpu", "host", "network", "software", "maintenance",
};

static const char *const comp_names[FLT_COMP_COUNT] = {
    "gpu", "node", "nic", "nic_port", "leaf", "spine", "job",
};

/* Built-in profiles, in the order messages list them. */
static const char *const builtin_names[] = {
    "llama3-16k", "meta-rsc", "none", NULL,
};

const char *flt_class_name(flt_class_t c)
{
    return (unsigned)c < FLT_CLASS_COUNT ? class_names[c] : "?";
}

const char *flt_comp_name(flt_comp_t c)
{
    return (unsigned)c < FLT_COMP_COUNT ? comp_names[c] : "?";
}

void flt_profile_init(flt_profile_t *p, const char *name)
{
    memset(p, 0, sizeof *p);
    if (name != NULL)
        snprintf(p->name, sizeof p->name, "%s", name);
    p->dist = FLT_DIST_EXPONENTIAL;
    p->weibull_shape = 1.0;
}

sim_err_t flt_profile_add(flt_profile_t *p, const flt_cause_t *c,
                          sim_diag_t *diag)
{
    size_t len = strlen(c->name);

    if (p->n_causes >= FLT_MAX_CAUSES)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, NULL,
                            "profile '%s' has more than %d causes", p->name,
                            FLT_MAX_CAUSES);
    if (len == 0 || len >= FLT_NAME_MAX)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, NULL,
                            "cause name must have 1 to %d characters",
                            FLT_NAME_MAX - 1);
    if (!isfinite(c->rate_per_day) || c->rate_per_day < 0)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, NULL,
                            "cause '%s': rate must be finite and >= 0",
                            c->name);
    if ((unsigned)c->cls >= FLT_CLASS_COUNT ||
        (unsigned)c->comp >= FLT_COMP_COUNT)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, NULL,
                            "cause '%s': bad class or component", c->name);
    p->causes[p->n_causes++] = *c;
    return SIM_OK;
}

/* ---- parsing ---------------------------------------------------------- */

/* Reference populations of the [profile] section, indexed by component. */
static const char *const ref_keys[FLT_COMP_COUNT] = {
    "ref_gpus", "ref_nodes", "ref_nics", "ref_nic_ports", "ref_leaves",
    "ref_spines", NULL, /* job: always 1 */
};

static const char *const profile_keys[] = {
    "name", "description", "source", "ref_gpus", "ref_nodes", "ref_nics",
    "ref_nic_ports", "ref_leaves", "ref_spines", "ref_days", NULL,
};

static const char *const cause_keys[] = {
    "label", "class", "component", "count", "per_1000_days", "planned",
    "source", NULL,
};

static bool in_list(const char *const *list, const char *s)
{
    for (; *list != NULL; list++)
        if (strcmp(*list, s) == 0)
            return true;
    return false;
}

static int index_of(const char *const *names, int n, const char *s)
{
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    return -1;
}

/* A non-negative finite number, or an error naming the entry. */
static sim_err_t parse_number(const cfg_ini_t *ini, const cfg_ini_entry_t *e,
                              double *out, sim_diag_t *diag)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(e->value, &end);
    if (end == e->value || *end != '\0' || errno != 0 || !isfinite(v) ||
        v < 0)
        return sim_diag_set(diag, SIM_ERR_RANGE, cfg_ini_path(ini), e->line,
                            e->key,
                            "expected a non-negative number, got '%s'",
                            e->value);
    *out = v;
    return SIM_OK;
}

static sim_err_t parse_cause(const cfg_ini_t *ini, const char *section,
                             int line, const double *ref, double ref_days,
                             flt_profile_t *out, sim_diag_t *diag)
{
    const char *path = cfg_ini_path(ini);
    const cfg_ini_entry_t *e;
    flt_cause_t c;
    sim_err_t err;
    int idx;

    memset(&c, 0, sizeof c);
    c.published = NAN;
    if (strlen(section) >= FLT_NAME_MAX)
        return sim_diag_set(diag, SIM_ERR_INPUT, path, line, section,
                            "cause name longer than %d characters",
                            FLT_NAME_MAX - 1);
    snprintf(c.name, sizeof c.name, "%s", section);
    e = cfg_ini_find(ini, section, "label");
    snprintf(c.label, sizeof c.label, "%s", e != NULL ? e->value : section);

    e = cfg_ini_find(ini, section, "class");
    idx = e != NULL ? index_of(class_names, FLT_CLASS_COUNT, e->value) : -1;
    if (idx < 0)
        return sim_diag_set(diag, SIM_ERR_INPUT, path, e ? e->line : line,
                            "class",
                            "cause '%s': class must be gpu, host, network, "
                            "software or maintenance", section);
    c.cls = (flt_class_t)idx;

    e = cfg_ini_find(ini, section, "component");
    idx = e != NULL ? index_of(comp_names, FLT_COMP_COUNT, e->value) : -1;
    if (idx < 0)
        return sim_diag_set(diag, SIM_ERR_INPUT, path, e ? e->line : line,
                            "component",
                            "cause '%s': component must be gpu, node, nic, "
                            "nic_port, leaf, spine or job", section);
    c.comp = (flt_comp_t)idx;

    e = cfg_ini_find(ini, section, "planned");
    if (e != NULL) {
        if (strcmp(e->value, "yes") != 0 && strcmp(e->value, "no") != 0)
            return sim_diag_set(diag, SIM_ERR_INPUT, path, e->line,
                                "planned", "expected yes or no, got '%s'",
                                e->value);
        c.planned = strcmp(e->value, "yes") == 0;
    }

    const cfg_ini_entry_t *cnt = cfg_ini_find(ini, section, "count");
    const cfg_ini_entry_t *per = cfg_ini_find(ini, section, "per_1000_days");
    if ((cnt == NULL) == (per == NULL))
        return sim_diag_set(diag, SIM_ERR_INPUT, path, line, section,
                            "cause '%s' needs exactly one of count and "
                            "per_1000_days", section);
    if (cnt != NULL) {
        double n, pop = c.comp == FLT_COMP_JOB ? 1.0 : ref[c.comp];
        if ((err = parse_number(ini, cnt, &n, diag)) != SIM_OK)
            return err;
        if (!(pop > 0) || !(ref_days > 0))
            return sim_diag_set(diag, SIM_ERR_INPUT, path, cnt->line,
                                "count",
                                "cause '%s': a count needs ref_days and %s "
                                "in [profile]", section,
                                c.comp == FLT_COMP_JOB ? "nothing else"
                                                       : ref_keys[c.comp]);
        c.published = n;
        c.rate_per_day = n / (pop * ref_days);
    } else {
        double v;
        if ((err = parse_number(ini, per, &v, diag)) != SIM_OK)
            return err;
        c.rate_per_day = v / 1000.0;
    }
    return flt_profile_add(out, &c, diag);
}

sim_err_t flt_profile_parse(const char *text, size_t len, const char *path,
                            flt_profile_t *out, sim_diag_t *diag)
{
    cfg_ini_t *ini = NULL;
    double ref[FLT_COMP_COUNT] = {0};
    double ref_days = 0;
    sim_err_t err;

    flt_profile_init(out, NULL);
    if ((err = cfg_ini_parse(text, len, path, &ini, diag)) != SIM_OK)
        goto fail;
    path = cfg_ini_path(ini);

    /* Every key known, in a known place. */
    for (size_t i = 0; i < cfg_ini_count(ini); i++) {
        const cfg_ini_entry_t *e = cfg_ini_entry(ini, i);
        bool prof = strcmp(e->section, "profile") == 0;
        if (!in_list(prof ? profile_keys : cause_keys, e->key)) {
            err = sim_diag_set(diag, SIM_ERR_INPUT, path, e->line, e->key,
                               "unknown key in [%s]", e->section);
            goto fail;
        }
    }
    const cfg_ini_entry_t *e = cfg_ini_find(ini, "profile", "name");
    if (e == NULL || strlen(e->value) >= FLT_NAME_MAX) {
        err = sim_diag_set(diag, SIM_ERR_INPUT, path, e ? e->line : 0,
                           "name", "[profile] needs a name of 1 to %d "
                           "characters", FLT_NAME_MAX - 1);
        goto fail;
    }
    snprintf(out->name, sizeof out->name, "%s", e->value);
    for (int c = 0; c < FLT_COMP_COUNT; c++) {
        if (ref_keys[c] == NULL)
            continue;
        e = cfg_ini_find(ini, "profile", ref_keys[c]);
        if (e != NULL && (err = parse_number(ini, e, &ref[c], diag)) != SIM_OK)
            goto fail;
    }
    e = cfg_ini_find(ini, "profile", "ref_days");
    if (e != NULL && (err = parse_number(ini, e, &ref_days, diag)) != SIM_OK)
        goto fail;
    out->ref_gpus = ref[FLT_COMP_GPU];
    out->ref_days = ref_days;

    for (size_t s = 0; s < cfg_ini_section_count(ini); s++) {
        int line;
        const char *sec = cfg_ini_section(ini, s, &line);
        if (strcmp(sec, "profile") == 0)
            continue;
        err = parse_cause(ini, sec, line, ref, ref_days, out, diag);
        if (err != SIM_OK) {
            if (diag != NULL && diag->file[0] == '\0')
                snprintf(diag->file, sizeof diag->file, "%s", path);
            goto fail;
        }
    }
    cfg_ini_free(ini);
    return SIM_OK;

fail:
    cfg_ini_free(ini);
    flt_profile_init(out, NULL);
    return err;
}

sim_err_t flt_profile_builtin(const char *name, flt_profile_t *out,
                              sim_diag_t *diag)
{
    char path[128];
    const wl_embedded_file_t *f = NULL;

    flt_profile_init(out, NULL);
    if (in_list(builtin_names, name)) {
        snprintf(path, sizeof path, "workloads/faults/%s.ini", name);
        f = wl_embedded_find(path);
    }
    if (f == NULL)
        return sim_diag_set(diag, SIM_ERR_NOTFOUND, NULL, 0, "faults.profile",
                            "unknown failure profile '%s' (built-in: "
                            "llama3-16k, meta-rsc, none; or custom)", name);
    return flt_profile_parse(f->data, f->size, f->name, out, diag);
}

void flt_profile_scale(flt_profile_t *p, double factor)
{
    assert(factor >= 0);
    for (int i = 0; i < p->n_causes; i++)
        p->causes[i].rate_per_day *= factor;
}

int flt_profile_find(const flt_profile_t *p, const char *name)
{
    for (int i = 0; i < p->n_causes; i++)
        if (strcmp(p->causes[i].name, name) == 0)
            return i;
    return -1;
}

double flt_draw_interval(const flt_profile_t *p, double rate_per_s,
                         gsl_rng *r)
{
    double mean;

    if (!(rate_per_s > 0))
        return HUGE_VAL;
    mean = 1.0 / rate_per_s;
    if (p->dist == FLT_DIST_WEIBULL && p->weibull_shape != 1.0) {
        double k = p->weibull_shape;
        return gsl_ran_weibull(r, mean / gsl_sf_gamma(1.0 + 1.0 / k), k);
    }
    return gsl_ran_exponential(r, mean);
}
