/*
 * mpi_pool.h — a sweep distributed over MPI ranks (Open MPI, or any MPI
 * with MPI_INT64_T): rank 0 coordinates and alone touches the results
 * store; the other ranks run variants and send their outcomes back as JSON
 * text.  Compiled only when configure found MPI (HAVE_MPI).
 *
 * Work queue: rank 0 holds the sweep's remaining list (sweep_remaining) and hands
 * out one variant (with its missing replications) at a time: variants
 * differ in cost (~30x in bench_sweep's training sweep), so a worker asks
 * for more by returning a result.  Order: largest estimated cost first
 * (sweep_cost_order; costs learnt online from the runs' wall_s in each
 * outcome, which every outcome carries already, so the protocol and what
 * is stored are unchanged; cartesian order until the first result).
 * Workers take from the expensive front of that order and rank 0, when it
 * runs variants itself, from the cheap back: rank 0 answers only between
 * its own variants, so keeping them short keeps a worker from waiting on
 * it, and the two meet in the middle, where variants are middling.
 * Holding: before any result, a worker holds up to sweep_share(unfinished,
 * ranks running variants, MPI_POOL_DEPTH) variants; afterwards two (one
 * running, one queued), and more only while its estimated work is below
 * both MPI_POOL_AHEAD times rank 0's next own variant and a fair share of
 * the estimated work left: shares of estimated seconds, not counts, since
 * with largest-first a worker's variants cost more than rank 0's.
 * (Cartesian order with count shares left bench_sweep's training sweep
 * with its most expensive variants last: the worker waited ~0.3 s on rank
 * 0 busy with one of them, and rank 0 idled ~0.3 s at the end; largest
 * first with both taking from the front and fair time shares left rank 0
 * idle ~1.5 s at the end, the worker holding a queue of misestimated
 * expensive variants.)
 * Results are sent with MPI_Isend for the same reason as the queue.  Rank
 * 0 commits each outcome as it arrives (sweep_commit: one transaction per
 * variant), so killing the job loses only variants in flight.
 *
 * Rank 0's own share: with 2 ranks it also runs variants between messages
 * (otherwise half the machine would idle); with 3 or more it only
 * coordinates, since a commit or a message delayed by its own 100 ms
 * variant would stall every worker waiting on it.
 *
 * Waiting: a rank with nothing to do polls (MPI_Iprobe, MPI_Test) and
 * sleeps between polls, 10 us doubling to 1 ms, instead of calling
 * MPI_Probe or MPI_Wait, which in Open MPI spin on the core: on a machine
 * with as many cores as ranks a spinning rank steals the core of a rank
 * that has work (mpirun, other jobs, --oversubscribe).  At most 1 ms of
 * latency per wait, against variants of tens of milliseconds.  Open MPI's
 * own collective waits (MPI_Init, MPI_Allreduce, MPI_Finalize) are asked
 * to yield the core (mpi_yield_when_idle) unless the user chose.
 *
 * Determinism: a variant's outcome depends only on the sweep and the
 * variant (seeds come from the master seed and the replication, never the
 * rank), and the sweep's JSON is read back from the store in cartesian
 * order, so `mpirun -np N` prints the same bytes as a serial run.
 *
 * Protocol (tags): WORK 0->w int64[variant, rep...]; STOP 0->w (empty);
 * RESULT w->0 char[] outcome JSON, or {"fatal": "message"} when the
 * worker ran out of memory.
 *
 * Assumes: every rank was started with the same arguments and sees the
 * same scenario file (mpi_pool_agree checks a fingerprint of the sweep);
 * MPI is initialised and finalised here, once per process.
 */
#ifndef SIM_PLAN_MPI_POOL_H
#define SIM_PLAN_MPI_POOL_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/core/error.h"
#include "sim/plan/sweep.h"
#include "sim/store/store.h"

/* Most variants in flight per worker: enough cheap variants (~10 ms in the
 * training sweep of bench_sweep) to keep a worker busy while rank 0 runs
 * one of the expensive ones (~0.3 s) and cannot answer; 8 left the worker
 * waiting ~0.5 s per 200-variant sweep, 32 ~0.1-0.3 s.  The bound until
 * the first result, and a cap after it (MPI_POOL_AHEAD). */
#define MPI_POOL_DEPTH 32

/* Once costs are learnt, a worker holds more than two variants only while
 * its estimated work is below this many times the estimated cost of rank
 * 0's next own variant (the cheapest left): rank 0 answers between its own
 * variants, so that covers its latency with room for misestimates; more
 * would only lengthen the tail, where misestimates become idle time. */
#define MPI_POOL_AHEAD 3.0

typedef struct mpi_pool mpi_pool_t;

/* Where one rank's time went between the start and the end of
 * mpi_pool_coordinate or mpi_pool_work (wall-clock seconds, CLOCK_MONOTONIC;
 * never part of any output a sweep stores or prints as its result). */
typedef struct mpi_pool_times {
    size_t variants;  /* variants this rank ran */
    double span_s;    /* the whole call */
    double run_s;     /* running variants (sweep_run_variant) */
    double commit_s;  /* rank 0: receiving, parsing and committing outcomes */
    double wait_s;    /* waiting for work (workers) or results (rank 0) */
    double send_s;    /* workers: waiting for a result slot to be free */
    double tail_s;    /* from the end of its last variant to the end of the
                         call (the whole call when it ran none) */
} mpi_pool_times_t;

/* Whether this process looks started by an MPI launcher: mpirun (Open MPI:
 * OMPI_COMM_WORLD_SIZE), MPICH's Hydra or Slurm's PMI2 (PMI_SIZE), or
 * PMIx (srun --mpi=pmix: PMIX_RANK).  Pure look-up of the environment. */
bool mpi_pool_launched(void);

/*
 * MPI_Init and a pool over MPI_COMM_WORLD; *out owns it (mpi_pool_finalize).
 * MPI's own error handler is replaced with MPI_ERRORS_RETURN.  Returns
 * SIM_OK, SIM_ERR_LIB (MPI_Init failed), SIM_ERR_NOMEM.
 */
sim_err_t mpi_pool_init(mpi_pool_t **out, sim_diag_t *diag);

/* This process's rank and the number of ranks. */
int mpi_pool_rank(const mpi_pool_t *p);
int mpi_pool_size(const mpi_pool_t *p);

/*
 * Collective: every rank says whether its set-up succeeded (local) and
 * gives the fingerprint of its sweep (0 when it has none).  Returns SIM_OK
 * when every rank succeeded with rank 0's fingerprint; local when local
 * failed (diag already set); else SIM_ERR_USAGE with diag saying which.
 */
sim_err_t mpi_pool_agree(mpi_pool_t *p, sim_err_t local, uint64_t fingerprint,
                         sim_diag_t *diag);

/* A fingerprint of a sweep's definition (scenario, vary, replications). */
uint64_t mpi_pool_fingerprint(const sweep_t *sw);

/*
 * Rank 0: run remaining over the pool, committing every outcome to st under
 * sweep_id, calling progress (may be NULL) after each; then tell every
 * worker to stop.  *n_failed (may be NULL) receives the failed runs.
 * Returns SIM_OK, or the first fatal error (SIM_ERR_DB, SIM_ERR_NOMEM,
 * SIM_ERR_LIB for MPI, SIM_ERR_INPUT for a malformed message); the caller
 * then reports it and calls mpi_pool_abort, since workers may still hold
 * work.
 */
sim_err_t mpi_pool_coordinate(mpi_pool_t *p, const sweep_t *sw, sim_store_t *st,
                              int64_t sweep_id, const sweep_remaining_t *remaining,
                              sweep_progress_fn progress, void *ctx,
                              size_t *n_failed, sim_diag_t *diag);

/* Ranks > 0: run the variants rank 0 sends until it says stop.  Returns
 * SIM_OK, SIM_ERR_NOMEM (after telling rank 0), SIM_ERR_LIB. */
sim_err_t mpi_pool_work(mpi_pool_t *p, const sweep_t *sw, sim_diag_t *diag);

/* This rank's times, filled by mpi_pool_coordinate or mpi_pool_work
 * (zero before).  Owned by p. */
const mpi_pool_times_t *mpi_pool_times(const mpi_pool_t *p);

/* End every rank now with status (MPI_Abort); does not return. */
void mpi_pool_abort(mpi_pool_t *p, int status);

/* MPI_Finalize and free; NULL is a no-op. */
void mpi_pool_finalize(mpi_pool_t *p);

#endif /* SIM_PLAN_MPI_POOL_H */
