/*
 * prices.c — load and query the price catalog (see prices.h).
 *
 * The catalog is parsed with the scenario INI parser and each number
 * checked with the scenario key machinery (cfg_value_parse), so prices.ini
 * obeys the same unit rules as a scenario file.  A table of fields says
 * which keys a rental or an owned section may hold; anything else is an
 * error, so a typo cannot silently leave a price out.
 */
#include "sim/cost/prices.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/config/ini.h"
#include "sim/config/schema.h"
#include "workloads/embedded.h"

struct sim_cost_prices {
    cfg_ini_t *ini;   /* owns the strings an offer points into */
    char *names;      /* provider and gpu strings, split from sections */
    sim_cost_offer_t *offers;
    size_t n;
};

static const char *const pricing_names[SIM_COST_PRICING__COUNT] = {
    "on-demand", "reserved-1y", "reserved-3y", "spot", "serverless", "owned",
};

const char *sim_cost_pricing_name(sim_cost_pricing_t p)
{
    return (unsigned)p < SIM_COST_PRICING__COUNT ? pricing_names[p] : "?";
}

typedef enum field_kind {
    F_TEXT,         /* offer */
    F_DATE,         /* as_of */
    F_PRICE,        /* price[index] */
    F_INTERRUPT,    /* spot_interruptions */
    F_CAPEX,
    F_GPUS,
    F_HOST_POWER,
} field_kind_t;

enum { RENTAL = 1u, OWNED = 2u };

typedef struct field {
    cfg_key_t key;      /* type and range; section/def unused */
    field_kind_t kind;
    int index;          /* F_PRICE: index into price[] */
    unsigned where;     /* RENTAL, OWNED or both */
    bool sourced;       /* a number: needs source_<name> */
} field_t;

#define KEY(name, type, lo, hi) {"price", name, type, "", lo, hi, NULL, 0, NULL}

/* Typo guards, not facts: no GPU rents for more than $1,000 an hour or
 * $1 a second, no 8-GPU server costs $100M. */
static const field_t fields[] = {
    {KEY("offer", CFG_STRING, 0, 0), F_TEXT, 0, RENTAL | OWNED, false},
    {KEY("as_of", CFG_STRING, 0, 0), F_DATE, 0, RENTAL | OWNED, false},
    {KEY("on_demand", CFG_DOUBLE, 1e-6, 1000), F_PRICE, SIM_COST_ON_DEMAND,
     RENTAL, true},
    {KEY("reserved_1y", CFG_DOUBLE, 1e-6, 1000), F_PRICE,
     SIM_COST_RESERVED_1Y, RENTAL, true},
    {KEY("reserved_3y", CFG_DOUBLE, 1e-6, 1000), F_PRICE,
     SIM_COST_RESERVED_3Y, RENTAL, true},
    {KEY("spot", CFG_DOUBLE, 1e-6, 1000), F_PRICE, SIM_COST_SPOT, RENTAL,
     true},
    {KEY("serverless_per_s", CFG_DOUBLE, 1e-9, 1), F_PRICE,
     SIM_COST_SERVERLESS, RENTAL, true},
    {KEY("spot_interruptions", CFG_RATIO, 0, 0.99), F_INTERRUPT, 0, RENTAL,
     true},
    {KEY("server_capex", CFG_DOUBLE, 1e3, 1e8), F_CAPEX, 0, OWNED, true},
    {KEY("gpus_per_server", CFG_INT, 1, 64), F_GPUS, 0, OWNED, true},
    {KEY("host_power", CFG_POWER, 0, 1e5), F_HOST_POWER, 0, OWNED, true},
};

#define N_FIELDS (sizeof fields / sizeof fields[0])
#define SOURCE_PREFIX "source_"
#define AS_OF_PREFIX "as_of_"

static const field_t *field_named(const char *key)
{
    for (size_t i = 0; i < N_FIELDS; i++)
        if (strcmp(fields[i].key.name, key) == 0)
            return &fields[i];
    return NULL;
}

static bool has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

/* YYYY-MM or YYYY-MM-DD with a plausible month and day. */
static bool is_date(const char *s)
{
    size_t n = strlen(s);
    if ((n != 7 && n != 10) || !all_digits(s, 4) || s[4] != '-' ||
        !all_digits(s + 5, 2))
        return false;
    int month = (s[5] - '0') * 10 + (s[6] - '0');
    if (month < 1 || month > 12)
        return false;
    if (n == 7)
        return true;
    if (s[7] != '-' || !all_digits(s + 8, 2))
        return false;
    int day = (s[8] - '0') * 10 + (s[9] - '0');
    return day >= 1 && day <= 31;
}

/* Provider names: lower-case letters, digits and '-'. */
static bool is_provider(const char *s, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) ||
              s[i] == '-'))
            return false;
    return true;
}

static void offer_init(sim_cost_offer_t *o)
{
    memset(o, 0, sizeof *o);
    o->offer = "";
    o->as_of = "";
    for (int k = 0; k < SIM_COST_N_RENTAL; k++) {
        o->price[k] = NAN;
        o->price_as_of[k] = NULL;
    }
    o->spot_interruptions = NAN;
    o->server_capex_usd = NAN;
    o->host_power_w = NAN;
}

/* Store the value of field f, already parsed as v from text. */
static void store(sim_cost_offer_t *o, const field_t *f, const char *text,
                  const cfg_value_t *v)
{
    switch (f->kind) {
    case F_TEXT:
        o->offer = text;
        break;
    case F_DATE:
        o->as_of = text;
        break;
    case F_PRICE:
        o->price[f->index] = v->d;
        break;
    case F_INTERRUPT:
        o->spot_interruptions = v->d;
        break;
    case F_CAPEX:
        o->server_capex_usd = v->d;
        break;
    case F_GPUS:
        o->gpus_per_server = (int)v->i;
        break;
    case F_HOST_POWER:
        o->host_power_w = v->d;
        break;
    }
}

/* Handle one "key = value" line of the offer's section. */
static sim_err_t load_entry(const cfg_ini_t *ini, const cfg_ini_entry_t *e,
                            sim_cost_offer_t *o, sim_diag_t *diag)
{
    const char *path = cfg_ini_path(ini);
    unsigned where = o->owned ? OWNED : RENTAL;
    char key[192];
    snprintf(key, sizeof key, "%s.%s", e->section, e->key);

    if (has_prefix(e->key, SOURCE_PREFIX) ||
        has_prefix(e->key, AS_OF_PREFIX)) {
        bool source = has_prefix(e->key, SOURCE_PREFIX);
        const char *of = e->key + strlen(source ? SOURCE_PREFIX
                                                : AS_OF_PREFIX);
        const field_t *f = field_named(of);
        bool dated = f != NULL && (f->kind == F_PRICE ||
                                   f->kind == F_INTERRUPT);
        if (f == NULL || !f->sourced || !(f->where & where) ||
            (!source && !dated))
            return sim_diag_set(diag, SIM_ERR_INPUT, path, e->line, key,
                                "unknown catalog key; see the top of "
                                "prices.ini for the known keys");
        if (cfg_ini_find(ini, e->section, of) == NULL)
            return sim_diag_set(diag, SIM_ERR_INPUT, path, e->line, key,
                                "%s line for '%s', which this section does "
                                "not give", source ? "source" : "date", of);
        if (source && e->value[0] == '\0')
            return sim_diag_set(diag, SIM_ERR_INPUT, path, e->line, key,
                                "empty source; every number in the catalog "
                                "needs its source");
        if (!source) {
            if (!is_date(e->value))
                return sim_diag_set(diag, SIM_ERR_INPUT, path, e->line, key,
                                    "expected a date YYYY-MM or YYYY-MM-DD, "
                                    "got '%s'", e->value);
            if (f->kind == F_PRICE)
                o->price_as_of[f->index] = e->value;
        }
        return SIM_OK;
    }

    const field_t *f = field_named(e->key);
    if (f == NULL || !(f->where & where))
        return sim_diag_set(diag, SIM_ERR_INPUT, path, e->line, key,
                            f == NULL ? "unknown catalog key; see the top "
                                        "of prices.ini for the known keys"
                                      : "key not allowed in a%s section",
                            o->owned ? "n owned" : " rental");
    if (f->kind == F_DATE && !is_date(e->value))
        return sim_diag_set(diag, SIM_ERR_INPUT, path, e->line, key,
                            "expected a date YYYY-MM or YYYY-MM-DD, got '%s'",
                            e->value);
    sim_diag_t local = SIM_DIAG_INIT;
    cfg_value_t v;
    sim_err_t err = cfg_value_parse(&f->key, e->value, &v, &local);
    if (err != SIM_OK)
        return sim_diag_set(diag, err, path, e->line, key, "%s", local.msg);
    store(o, f, e->value, &v);
    if (f->sourced) {
        char src[64];
        snprintf(src, sizeof src, SOURCE_PREFIX "%s", f->key.name);
        if (cfg_ini_find(ini, e->section, src) == NULL)
            return sim_diag_set(diag, SIM_ERR_INPUT, path, e->line, key,
                                "no %s line; every number in the catalog "
                                "needs its source", src);
    }
    return SIM_OK;
}

/* Whole-section rules, checked once every line is in. */
static sim_err_t check_offer(const cfg_ini_t *ini, const char *section,
                             const sim_cost_offer_t *o, sim_diag_t *diag)
{
    const char *path = cfg_ini_path(ini);
    char key[192];
    if (o->as_of[0] == '\0') {
        snprintf(key, sizeof key, "%s.as_of", section);
        return sim_diag_set(diag, SIM_ERR_INPUT, path, o->line, key,
                            "missing key 'as_of' in [%s]; every price needs "
                            "its date", section);
    }
    if (o->owned) {
        static const char *const need[] = {"server_capex", "gpus_per_server",
                                           "host_power"};
        for (size_t i = 0; i < 3; i++)
            if (cfg_ini_find(ini, section, need[i]) == NULL) {
                snprintf(key, sizeof key, "%s.%s", section, need[i]);
                return sim_diag_set(diag, SIM_ERR_INPUT, path, o->line, key,
                                    "missing key '%s' in owned section [%s]",
                                    need[i], section);
            }
        return SIM_OK;
    }
    bool any = false;
    for (int k = 0; k < SIM_COST_N_RENTAL; k++)
        any = any || !isnan(o->price[k]);
    if (!any)
        return sim_diag_set(diag, SIM_ERR_INPUT, path, o->line, section,
                            "[%s] gives no price; expected on_demand, "
                            "reserved_1y, reserved_3y, spot or "
                            "serverless_per_s", section);
    const cfg_ini_entry_t *e = NULL;
    const double od = o->price[SIM_COST_ON_DEMAND];
    const double r1 = o->price[SIM_COST_RESERVED_1Y];
    const double r3 = o->price[SIM_COST_RESERVED_3Y];
    if (!isnan(od) && !isnan(r1) && r1 > od)
        e = cfg_ini_find(ini, section, "reserved_1y");
    else if (!isnan(od) && !isnan(r3) && r3 > od)
        e = cfg_ini_find(ini, section, "reserved_3y");
    else if (!isnan(r1) && !isnan(r3) && r3 > r1)
        e = cfg_ini_find(ini, section, "reserved_3y");
    if (e != NULL) {
        snprintf(key, sizeof key, "%s.%s", section, e->key);
        return sim_diag_set(diag, SIM_ERR_RANGE, path, e->line, key,
                            "a commitment price above the shorter "
                            "commitment's (%s); expected on_demand >= "
                            "reserved_1y >= reserved_3y", e->value);
    }
    if (!isnan(o->spot_interruptions) && isnan(o->price[SIM_COST_SPOT])) {
        e = cfg_ini_find(ini, section, "spot_interruptions");
        snprintf(key, sizeof key, "%s.spot_interruptions", section);
        return sim_diag_set(diag, SIM_ERR_INPUT, path, e->line, key,
                            "spot_interruptions without a spot price");
    }
    return SIM_OK;
}

/* Split "provider.gpu" into names (a buffer of at least strlen + 2). */
static sim_err_t split_section(const cfg_ini_t *ini, const char *section,
                               int line, char *names, sim_cost_offer_t *o,
                               sim_diag_t *diag)
{
    const char *dot = strchr(section, '.');
    size_t plen = dot ? (size_t)(dot - section) : 0;
    if (dot == NULL || !is_provider(section, plen) || dot[1] == '\0' ||
        strchr(dot + 1, '.') != NULL)
        return sim_diag_set(diag, SIM_ERR_INPUT, cfg_ini_path(ini), line,
                            section,
                            "bad section name [%s]; expected "
                            "[provider.GPU] with a lower-case provider, "
                            "e.g. [aws.H100-SXM]", section);
    memcpy(names, section, plen);
    names[plen] = '\0';
    strcpy(names + plen + 1, dot + 1);
    o->provider = names;
    o->gpu = names + plen + 1;
    o->owned = strcmp(o->provider, SIM_COST_OWNED_PROVIDER) == 0;
    if (strcmp(o->provider, "auto") == 0 ||
        strcmp(o->provider, "custom") == 0)
        return sim_diag_set(diag, SIM_ERR_INPUT, cfg_ini_path(ini), line,
                            section,
                            "provider '%s' is reserved for scenarios",
                            o->provider);
    return SIM_OK;
}

sim_err_t sim_cost_prices_parse(const char *text, size_t len,
                                const char *path, sim_cost_prices_t **out,
                                sim_diag_t *diag)
{
    sim_err_t err;
    sim_cost_prices_t *p = NULL;

    *out = NULL;
    p = calloc(1, sizeof *p);
    if (p == NULL) {
        err = sim_diag_set(diag, SIM_ERR_NOMEM, path, 0, NULL,
                           "out of memory");
        goto fail;
    }
    err = cfg_ini_parse(text, len, path, &p->ini, diag);
    if (err != SIM_OK)
        goto fail;
    size_t n = cfg_ini_section_count(p->ini);
    size_t bytes = 1;
    for (size_t i = 0; i < n; i++)
        bytes += strlen(cfg_ini_section(p->ini, i, NULL)) + 2;
    p->offers = calloc(n ? n : 1, sizeof *p->offers);
    p->names = malloc(bytes);
    if (p->offers == NULL || p->names == NULL) {
        err = sim_diag_set(diag, SIM_ERR_NOMEM, path, 0, NULL,
                           "out of memory");
        goto fail;
    }
    /* Entries outside any section cannot exist (the INI parser refuses
     * them), so walking sections covers every line. */
    char *names = p->names;
    for (size_t i = 0; i < n; i++) {
        int line;
        const char *section = cfg_ini_section(p->ini, i, &line);
        sim_cost_offer_t *o = &p->offers[i];
        offer_init(o);
        o->line = line;
        err = split_section(p->ini, section, line, names, o, diag);
        if (err != SIM_OK)
            goto fail;
        names += strlen(section) + 2;
        for (size_t j = 0; j < cfg_ini_count(p->ini); j++) {
            const cfg_ini_entry_t *e = cfg_ini_entry(p->ini, j);
            if (strcmp(e->section, section) != 0)
                continue;
            err = load_entry(p->ini, e, o, diag);
            if (err != SIM_OK)
                goto fail;
        }
        err = check_offer(p->ini, section, o, diag);
        if (err != SIM_OK)
            goto fail;
        for (int k = 0; k < SIM_COST_N_RENTAL; k++)
            if (o->price_as_of[k] == NULL)
                o->price_as_of[k] = o->as_of;
        for (size_t j = 0; j < i; j++)
            if (strcasecmp(p->offers[j].provider, o->provider) == 0 &&
                strcasecmp(p->offers[j].gpu, o->gpu) == 0) {
                err = sim_diag_set(diag, SIM_ERR_INPUT, path, line, section,
                                   "[%s] repeats the offer of line %d "
                                   "(names are compared ignoring case)",
                                   section, p->offers[j].line);
                goto fail;
            }
        p->n++;
    }
    *out = p;
    return SIM_OK;

fail:
    sim_cost_prices_free(p);
    return err;
}

sim_err_t sim_cost_prices_load(sim_cost_prices_t **out, sim_diag_t *diag)
{
    const wl_embedded_file_t *f = wl_embedded_find(SIM_COST_PRICES_PATH);
    if (f == NULL) {
        *out = NULL;
        return sim_diag_set(diag, SIM_ERR_NOTFOUND, SIM_COST_PRICES_PATH, 0,
                            NULL,
                            "the price catalog is not embedded in this "
                            "build");
    }
    return sim_cost_prices_parse(f->data, f->size, SIM_COST_PRICES_PATH, out,
                                 diag);
}

void sim_cost_prices_free(sim_cost_prices_t *p)
{
    if (p == NULL)
        return;
    cfg_ini_free(p->ini);
    free(p->names);
    free(p->offers);
    free(p);
}

size_t sim_cost_prices_count(const sim_cost_prices_t *p)
{
    return p->n;
}

const sim_cost_offer_t *sim_cost_prices_get(const sim_cost_prices_t *p,
                                            size_t i)
{
    return i < p->n ? &p->offers[i] : NULL;
}

const sim_cost_offer_t *sim_cost_prices_find(const sim_cost_prices_t *p,
                                             const char *provider,
                                             const char *gpu)
{
    if (provider == NULL || gpu == NULL)
        return NULL;
    for (size_t i = 0; i < p->n; i++)
        if (strcasecmp(p->offers[i].provider, provider) == 0 &&
            strcasecmp(p->offers[i].gpu, gpu) == 0)
            return &p->offers[i];
    return NULL;
}

static bool offer_has(const sim_cost_offer_t *o, sim_cost_pricing_t mode)
{
    if (mode == SIM_COST_OWNED)
        return o->owned;
    return !o->owned && !isnan(o->price[mode]);
}

sim_err_t sim_cost_prices_lookup(const sim_cost_prices_t *p,
                                 const char *provider, const char *gpu,
                                 sim_cost_pricing_t mode,
                                 const sim_cost_offer_t **out,
                                 sim_diag_t *diag)
{
    bool any = provider == NULL || strcmp(provider, "auto") == 0 ||
               mode == SIM_COST_OWNED;
    *out = NULL;
    for (size_t i = 0; i < p->n && *out == NULL; i++) {
        const sim_cost_offer_t *o = &p->offers[i];
        if (strcasecmp(o->gpu, gpu) != 0 || !offer_has(o, mode))
            continue;
        if (any || strcasecmp(o->provider, provider) == 0)
            *out = o;
    }
    if (*out != NULL)
        return SIM_OK;

    char list[512];
    size_t used = 0;
    list[0] = '\0';
    for (size_t i = 0; i < p->n && used + 1 < sizeof list; i++) {
        const sim_cost_offer_t *o = &p->offers[i];
        if (strcasecmp(o->gpu, gpu) != 0 || !offer_has(o, mode))
            continue;
        int w = snprintf(list + used, sizeof list - used, "%s%s",
                         used ? ", " : "", o->provider);
        if (w < 0)
            break;
        used += (size_t)w;
    }
    if (mode == SIM_COST_OWNED)
        return sim_diag_set(diag, SIM_ERR_NOTFOUND, NULL, 0, NULL,
                            "no owned-server price for GPU '%.64s' in "
                            "prices.ini; set cost.server_capex_usd and "
                            "cost.host_power", gpu);
    if (any || used == 0)
        return sim_diag_set(diag, SIM_ERR_NOTFOUND, NULL, 0, NULL,
                            "no %s price for GPU '%.64s' in prices.ini; "
                            "set cost.gpu_hour_usd with cost.provider = "
                            "custom", sim_cost_pricing_name(mode), gpu);
    return sim_diag_set(diag, SIM_ERR_NOTFOUND, NULL, 0, NULL,
                        "provider '%.64s' has no %s price for GPU '%.64s' "
                        "in prices.ini; providers with one: %s",
                        provider, sim_cost_pricing_name(mode), gpu, list);
}

sim_err_t sim_cost_prices_check_gpus(const sim_cost_prices_t *p,
                                     const wl_hwcat_t *cat,
                                     sim_diag_t *diag)
{
    for (size_t i = 0; i < p->n; i++) {
        const sim_cost_offer_t *o = &p->offers[i];
        const wl_gpu_t *g = wl_hwcat_find(cat, o->gpu);
        if (g == NULL || strcasecmp(g->name, o->gpu) != 0)
            return sim_diag_set(diag, SIM_ERR_NOTFOUND,
                                cfg_ini_path(p->ini), o->line, o->gpu,
                                "GPU '%s' of [%s.%s] is not a section of "
                                "the GPU catalog%s%s", o->gpu, o->provider,
                                o->gpu, g ? "; use its name, " : "",
                                g ? g->name : "");
    }
    return SIM_OK;
}
