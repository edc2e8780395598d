/*
 * prices.h — the price catalog: what a GPU-hour costs by provider and GPU
 * type, rented (on-demand, reserved, spot, serverless) or owned (server
 * capex, host power).
 *
 * The catalog is workloads/catalog/prices.ini, compiled into the program
 * (workloads/embedded.h); its keys and units are documented at the top of
 * that file.  Loading validates every value's unit and range, requires a
 * source_<key> line for every number and a date (as_of) for every
 * section; errors name prices.ini:line:key.
 *
 * Provider and GPU names are matched case-insensitively.  GPU names are
 * the hardware catalog's section names (no aliases here): resolve a
 * user's GPU name through wl_hwcat_find first.
 *
 * Assumes: a loaded catalog is immutable; sim_cost_offer_t pointers stay
 * valid until sim_cost_prices_free.
 */
#ifndef SIM_COST_PRICES_H
#define SIM_COST_PRICES_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/core/error.h"
#include "workloads/hwcat.h"

/* Path of the catalog in the embedded table (and in the source tree). */
#define SIM_COST_PRICES_PATH "workloads/catalog/prices.ini"

/* The provider name of owned-server sections. */
#define SIM_COST_OWNED_PROVIDER "owned"

/*
 * Pricing modes.  The first five are rental prices held in
 * sim_cost_offer_t.price[]; SIM_COST_OWNED reads the owned fields.
 * The order is that of the cost.pricing key's choices.
 */
typedef enum sim_cost_pricing {
    SIM_COST_ON_DEMAND,
    SIM_COST_RESERVED_1Y,
    SIM_COST_RESERVED_3Y,
    SIM_COST_SPOT,
    SIM_COST_SERVERLESS,
    SIM_COST_OWNED,
    SIM_COST_PRICING__COUNT
} sim_cost_pricing_t;

/* Number of rental prices an offer may hold (modes before OWNED). */
#define SIM_COST_N_RENTAL SIM_COST_OWNED

/* Scenario spelling of a mode ("reserved-1y"); never NULL. */
const char *sim_cost_pricing_name(sim_cost_pricing_t p);

/*
 * One section of the catalog.  Strings are owned by the catalog.  A price
 * not given is NaN.  price[] is USD per GPU-hour, except
 * price[SIM_COST_SERVERLESS], which is USD per busy GPU-second.
 */
typedef struct sim_cost_offer {
    const char *provider;   /* "aws", or SIM_COST_OWNED_PROVIDER */
    const char *gpu;        /* "H100-SXM" */
    const char *offer;      /* what was priced; "" when not given */
    const char *as_of;      /* date of the section, YYYY-MM[-DD] */
    double price[SIM_COST_N_RENTAL];
    const char *price_as_of[SIM_COST_N_RENTAL]; /* as_of when not given */
    double spot_interruptions; /* share of servers reclaimed per 730 h */
    /* owned sections only (NaN / 0 elsewhere) */
    double server_capex_usd;   /* per server */
    int gpus_per_server;
    double host_power_w;       /* per server, beyond the GPUs */
    bool owned;
    int line;                  /* line of the section header */
} sim_cost_offer_t;

typedef struct sim_cost_prices sim_cost_prices_t;

/*
 * Load the embedded catalog.  *out gets a new catalog
 * (sim_cost_prices_free).  Returns SIM_ERR_NOTFOUND when the program was
 * built without the embedded file, else as sim_cost_prices_parse.
 * Cost: O(catalog size).
 */
sim_err_t sim_cost_prices_load(sim_cost_prices_t **out, sim_diag_t *diag);

/*
 * Parse a catalog from len bytes of text labelled path.  *out is NULL on
 * failure.  Returns SIM_OK, SIM_ERR_INPUT (syntax, bad section name,
 * unknown or missing key, missing source_ line, bad date, duplicate
 * offer, no price, reserved above on-demand), SIM_ERR_UNIT, SIM_ERR_RANGE
 * or SIM_ERR_NOMEM; diag (may be NULL) names path:line:key.
 * Cost: O(catalog size · keys per section).
 */
sim_err_t sim_cost_prices_parse(const char *text, size_t len,
                                const char *path, sim_cost_prices_t **out,
                                sim_diag_t *diag);

/* Free a catalog; NULL is a no-op. */
void sim_cost_prices_free(sim_cost_prices_t *p);

/* Number of offers, and offer i (0 <= i < count) in file order; NULL past
 * the end. */
size_t sim_cost_prices_count(const sim_cost_prices_t *p);
const sim_cost_offer_t *sim_cost_prices_get(const sim_cost_prices_t *p,
                                            size_t i);

/* The offer of provider for gpu (both case-insensitive), or NULL.
 * Cost: O(catalog size). */
const sim_cost_offer_t *sim_cost_prices_find(const sim_cost_prices_t *p,
                                             const char *provider,
                                             const char *gpu);

/*
 * The offer that prices gpu under mode.  provider NULL or "auto": the
 * first offer in file order for gpu holding that price (for
 * SIM_COST_OWNED, the "owned" section whatever provider says).  A miss is
 * SIM_ERR_NOTFOUND with diag->msg saying which providers price the GPU
 * at all (diag's file/line/key left empty for the caller's context).
 * Cost: O(catalog size).
 */
sim_err_t sim_cost_prices_lookup(const sim_cost_prices_t *p,
                                 const char *provider, const char *gpu,
                                 sim_cost_pricing_t mode,
                                 const sim_cost_offer_t **out,
                                 sim_diag_t *diag);

/*
 * Check that every offer names a GPU of the hardware catalog by its
 * section name.  Returns SIM_OK or SIM_ERR_NOTFOUND naming
 * prices.ini:line of the first stray offer.  Cost: O(offers · GPUs).
 */
sim_err_t sim_cost_prices_check_gpus(const sim_cost_prices_t *p,
                                     const wl_hwcat_t *cat,
                                     sim_diag_t *diag);

#endif /* SIM_COST_PRICES_H */
