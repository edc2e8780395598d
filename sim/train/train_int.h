/*
 * train_int.h — internals shared by the files of sim/train (the timeline's
 * representation, kernel times).  Not part of the public API.
 */
#ifndef SIM_TRAIN_TRAIN_INT_H
#define SIM_TRAIN_TRAIN_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/compute/roofline.h"
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

/* Time of the kernel estimated as *e when its SM-bound part runs at
 * `clock` (0, 1] times the clock the profile stands for (train.h,
 * sustained_clock): max(compute_s / clock, memory_s) + launch_s; exactly
 * e->time_s at clock 1.  Cost: O(1). */
double train_clocked(const sim_compute_estimate_t *e, double clock);

/* Time into *t of one micro-batch's attention a (forward, or backward
 * when a->backward) as Megatron-LM ran it before FlashAttention:
 * materialised s x s scores, each kernel on prof at `clock`; `dropout`
 * adds the attention-dropout passes (train_kernel.c names the kernels).
 * Returns SIM_OK or the compute model's error.  Cost: O(1). */
sim_err_t train_unfused_attention(const sim_compute_profile_t *prof,
                                  double clock,
                                  const sim_compute_attention_t *a,
                                  bool dropout, double *t, sim_diag_t *diag);

#endif /* SIM_TRAIN_TRAIN_INT_H */
