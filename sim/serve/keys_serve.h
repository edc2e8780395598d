/*
 * keys_serve.h — the [service], [traffic], [slo] and [autoscale] key tables of serving
 * scenarios (DESIGN.md "Scenario files"), and the enum orders the CLI maps
 * onto sim_serve_config_t and wl_traffic_spec_t.
 */
#ifndef SIM_SERVE_KEYS_SERVE_H
#define SIM_SERVE_KEYS_SERVE_H

#include "sim/config/schema.h"

extern const cfg_key_t sim_serve_keys_service[];
extern const cfg_key_t sim_serve_keys_traffic[];
extern const cfg_key_t sim_serve_keys_slo[];
/* [autoscale]: policy, bounds, windows, cold start, supply cap, billing. */
extern const cfg_key_t sim_serve_keys_autoscale[];

/* service.router, in sim_serve_router_t order. */
extern const char *const sim_serve_routers[];
/* service.kind: "llm", "fixed-work" (wl_req_kind_t order). */
extern const char *const sim_serve_kinds[];
/* service.dtype: "bf16", "fp8". */
extern const char *const sim_serve_dtypes[];
/* traffic.arrival: poisson, gamma, diurnal, spike, trace, closed. */
extern const char *const sim_serve_arrivals[];
/* traffic.prompt_dist / output_dist / work_dist: fixed, uniform,
 * lognormal, exponential (wl_dist_kind_t order). */
extern const char *const sim_serve_dists[];
/* traffic.trace: embedded names or "file". */
extern const char *const sim_serve_traces[];

#endif /* SIM_SERVE_KEYS_SERVE_H */
