/*
 * sweep_int.h — the inside of a sweep_t, shared by sweep.c (definition and
 * running) and sweep_store.c (the store side).  Not for other modules.
 */
#ifndef SIM_PLAN_SWEEP_INT_H
#define SIM_PLAN_SWEEP_INT_H

#include "sim/plan/sweep.h"

/* One --vary option. */
typedef struct sweep_axis {
    char *key;     /* "section.key" */
    char **values; /* n values, trimmed, as given */
    char **sets;   /* n "section.key=value" overrides */
    size_t n;
} sweep_axis_t;

struct sweep {
    char *command;
    char *version;               /* NULL when not given */
    const cfg_key_t **tables;    /* runner's + sweep_keys (+ run), NULL-ended */
    sweep_run_fn run;
    char *path;                  /* scenario file; NULL: defaults */
    char **base;                 /* n_base overrides applied before the axes */
    size_t n_base;
    sweep_axis_t *axes;
    size_t n_axes;
    size_t n_variants;
    int replications;
    uint64_t master_seed;
    char *scenario_json;         /* base scenario, canonical */
    char *vary_json;
};

#endif /* SIM_PLAN_SWEEP_INT_H */
