/*
 * libguard.c — recording error handlers for GSL and igraph (see libguard.h).
 *
 * igraph's error handler must call IGRAPH_FINALLY_FREE() to release the
 * temporaries of the failing call (igraph_error.h, "Writing error
 * handlers"); the message is copied before that, because freeing may
 * invalidate `reason`.
 */
#include "sim/engine/libguard.h"

#include <stdio.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>
#include <igraph/igraph.h>

#define MSG_MAX 512

static _Thread_local char last_error[MSG_MAX];
static _Thread_local char last_warning[MSG_MAX];

static void gsl_handler(const char *reason, const char *file, int line,
                        int gsl_errno)
{
    snprintf(last_error, sizeof last_error, "gsl: %s (%s:%d, gsl_errno %d)",
             reason ? reason : "?", file ? file : "?", line, gsl_errno);
}

static void igraph_handler(const char *reason, const char *file, int line,
                           igraph_error_t igraph_errno)
{
    snprintf(last_error, sizeof last_error,
             "igraph: %s (%s:%d, igraph_errno %d)", reason ? reason : "?",
             file ? file : "?", line, (int)igraph_errno);
    IGRAPH_FINALLY_FREE();
}

static void igraph_warning_handler(const char *reason, const char *file,
                                   int line)
{
    snprintf(last_warning, sizeof last_warning, "igraph: %s (%s:%d)",
             reason ? reason : "?", file ? file : "?", line);
}

static void igraph_fatal_handler(const char *reason, const char *file,
                                 int line)
{
    snprintf(last_error, sizeof last_error, "igraph fatal: %s (%s:%d)",
             reason ? reason : "?", file ? file : "?", line);
    /* The one place the library writes to stderr: the process is about to
     * end and igraph forbids returning (see libguard.h). */
    fprintf(stderr, "%s\n", last_error);
    abort();
}

void sim_lib_guard_install(void)
{
    gsl_set_error_handler(gsl_handler);
    igraph_set_error_handler(igraph_handler);
    igraph_set_warning_handler(igraph_warning_handler);
    igraph_set_fatal_handler(igraph_fatal_handler);
}

const char *sim_lib_last_error(void)
{
    return last_error;
}

const char *sim_lib_last_warning(void)
{
    return last_warning;
}

void sim_lib_clear_error(void)
{
    last_error[0] = '\0';
    last_warning[0] = '\0';
}

sim_err_t sim_lib_seed_igraph(uint64_t seed)
{
    if (igraph_rng_seed(igraph_rng_default(), (igraph_uint_t)seed) !=
        IGRAPH_SUCCESS)
        return SIM_ERR_LIB;
    return SIM_OK;
}
