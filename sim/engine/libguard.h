/*
 * libguard.h — keep GSL and igraph from ending the program.
 *
 * By default GSL calls abort() on any error and igraph's default error
 * handler aborts too.  sim_lib_guard_install replaces both libraries'
 * handlers with ones that record the message and return, so the failing
 * library call returns its error code and our caller turns it into
 * SIM_ERR_LIB with sim_lib_last_error() as the detail.  The CLI calls it once
 * at start-up, as do tests that provoke library errors.
 *
 * igraph's *fatal* handler is for igraph's internal inconsistencies; its
 * contract says the handler must not return (igraph aborts if it does), so
 * ours records the message, writes it to stderr — the process is ending
 * and the message would otherwise be lost — and aborts.
 *
 * Also seeds igraph's default RNG, so random graph constructions (and
 * igraph routines that randomise) are reproducible from the run seed.
 *
 * Assumes: the recorded messages are per thread (_Thread_local).
 */
#ifndef SIM_ENGINE_LIBGUARD_H
#define SIM_ENGINE_LIBGUARD_H

#include <stdint.h>

#include "sim/core/error.h"

/* Install the recording handlers for GSL errors and igraph errors,
 * warnings and fatal errors.  Idempotent; cheap. */
void sim_lib_guard_install(void);

/* The last library error recorded on this thread, as
 * "gsl: <reason> (<file>:<line>, gsl_errno N)" or
 * "igraph: <reason> (<file>:<line>, igraph_errno N)"; "" when none.
 * Never NULL; valid until the next library error on this thread. */
const char *sim_lib_last_error(void);

/* The last igraph warning recorded on this thread ("" when none). */
const char *sim_lib_last_warning(void);

/* Forget the recorded error and warning. */
void sim_lib_clear_error(void);

/* Seed igraph's default random generator with seed (all 64 bits).
 * Returns SIM_OK or SIM_ERR_LIB. */
sim_err_t sim_lib_seed_igraph(uint64_t seed);

#endif /* SIM_ENGINE_LIBGUARD_H */
