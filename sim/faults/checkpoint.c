/*
 * checkpoint.c — Young/Daly intervals, checkpoint cost, and the closed-form
 * expected wall time (see checkpoint.h for sources and derivation).
 */
#include "sim/faults/checkpoint.h"

#include <math.h>

/* Smallest interval returned: below this checkpoint events would swamp the
 * simulation and no real system checkpoints that often. */
#define MIN_INTERVAL_S 1e-3

double flt_ckpt_young(double delta_s, double mtbf_s)
{
    return sqrt(2.0 * delta_s * mtbf_s);
}

double flt_ckpt_daly(double delta_s, double mtbf_s)
{
    if (delta_s >= 2.0 * mtbf_s)
        return mtbf_s;
    double x = delta_s / (2.0 * mtbf_s);
    return sqrt(2.0 * delta_s * mtbf_s) *
               (1.0 + sqrt(x) / 3.0 + x / 9.0) -
           delta_s;
}

double flt_ckpt_write_time(double size_bytes, double bw)
{
    return size_bytes / bw;
}

double flt_ckpt_pause(const flt_ckpt_t *c)
{
    return c->mode == FLT_CKPT_SYNC
               ? flt_ckpt_write_time(c->size_bytes, c->storage_bw)
               : c->snapshot_s;
}

sim_err_t flt_ckpt_interval(const flt_ckpt_t *c, double mtbf_s,
                            double *interval_s, sim_diag_t *diag)
{
    double tau, write;

    if (!(c->size_bytes > 0) || !isfinite(c->size_bytes))
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0,
                            "faults.checkpoint_size",
                            "checkpoint size must be positive (auto needs "
                            "the model to supply it)");
    if (!(c->storage_bw > 0) || !isfinite(c->storage_bw))
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0,
                            "faults.storage_bandwidth",
                            "storage bandwidth must be positive");
    write = flt_ckpt_write_time(c->size_bytes, c->storage_bw);
    switch (c->policy) {
    case FLT_CKPT_FIXED:
        if (!(c->interval_s > 0))
            return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0,
                                "faults.checkpoint_interval",
                                "checkpoint interval must be positive");
        tau = c->interval_s;
        break;
    case FLT_CKPT_YOUNG:
        tau = isinf(mtbf_s) ? HUGE_VAL
                            : flt_ckpt_young(flt_ckpt_pause(c), mtbf_s);
        break;
    case FLT_CKPT_DALY:
    default:
        tau = isinf(mtbf_s) ? HUGE_VAL
                            : flt_ckpt_daly(flt_ckpt_pause(c), mtbf_s);
        break;
    }
    if (c->mode == FLT_CKPT_ASYNC && tau < write)
        tau = write;
    if (tau < MIN_INTERVAL_S)
        tau = MIN_INTERVAL_S;
    *interval_s = tau;
    return SIM_OK;
}

double flt_ckpt_expected_segment(double s, double restart_s, double lambda)
{
    if (!(lambda > 0))
        return s;
    return (1.0 / lambda + restart_s) * expm1(lambda * s);
}

double flt_ckpt_expected_wall(double work_s, double tau, double delta_s,
                              double restart_s, double lambda)
{
    double n = ceil(work_s / tau);
    double last = work_s - (n - 1.0) * tau;

    if (n < 1)
        return 0.0;
    return (n - 1.0) *
               flt_ckpt_expected_segment(tau + delta_s, restart_s, lambda) +
           flt_ckpt_expected_segment(last, restart_s, lambda);
}
