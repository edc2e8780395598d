/*
 * train_int.h — internals shared by the files of sim/train (the timeline's
 * representation).  Not part of the public API.
 */
#ifndef SIM_TRAIN_TRAIN_INT_H
#define SIM_TRAIN_TRAIN_INT_H

#include <stddef.h>

#include "sim/core/error.h"
#include "sim/train/train.h"

typedef struct train_span {
    int stage, thread;  /* thread: 0 compute, 1 comm, 2 p2p */
    const char *name;   /* static text from the op graph */
    char pass;          /* 'F', 'B' or 'S' (optimizer step) */
    int microbatch, chunk;
    double t0, t1;      /* seconds from the iteration start */
} train_span_t;

struct sim_train_trace {
    train_span_t *v;
    size_t n, cap;
};

/* Append a span.  Returns SIM_OK or SIM_ERR_NOMEM. */
sim_err_t train_trace_add(sim_train_trace_t *t, int stage, int thread,
                          const char *name, char pass, int mb, int chunk,
                          double t0, double t1);

#endif /* SIM_TRAIN_TRAIN_INT_H */
