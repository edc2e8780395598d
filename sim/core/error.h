/*
 * error.h — gpusim's one error vocabulary.
 *
 * Every fallible function in the library returns a sim_err_t.  Codes map to
 * fixed messages through one table (sim_err_str); the detail of *what* was
 * wrong with *which* input travels separately in a sim_diag_t that the caller
 * owns, so library code never prints.  The CLI prints "file:line: key: what
 * was expected" from the diagnostic and maps the code to an exit status.
 *
 * Assumes: single-threaded use of any one sim_diag_t.
 */
#ifndef SIM_CORE_ERROR_H
#define SIM_CORE_ERROR_H

#include <stddef.h>

typedef enum sim_err {
    SIM_OK = 0,
    SIM_ERR_NOMEM,      /* allocation failed */
    SIM_ERR_USAGE,      /* bad command line */
    SIM_ERR_INPUT,      /* malformed input: syntax, unknown key, duplicate */
    SIM_ERR_UNIT,       /* a value with a missing or wrong unit */
    SIM_ERR_RANGE,      /* a value outside its allowed range */
    SIM_ERR_NOTFOUND,   /* a named thing (GPU, model, run) does not exist */
    SIM_ERR_IO,         /* a file could not be read or written */
    SIM_ERR_DB,         /* the results store failed */
    SIM_ERR_LIB,        /* GSL or igraph reported an error */
    SIM_ERR_INFEASIBLE, /* a configuration cannot run (does not fit, no route) */
    SIM_ERR_CHECK,      /* a validation check failed (exit 1, not 2) */
    SIM_ERR_DEVICE,     /* no usable accelerator or driver */
    SIM_ERR__COUNT
} sim_err_t;

/* Fixed, human-readable text for a code; never NULL. */
const char *sim_err_str(sim_err_t err);

/* Process exit status for a code: 0 ok, 1 failed check, 2 usage or input. */
int sim_err_exit_status(sim_err_t err);

/*
 * A diagnostic: where (file, line, key) and what.  Zero-initialise it
 * (SIM_DIAG_INIT); sim_diag_set keeps the *first* error set, so the root
 * cause survives callers that add context later.
 */
typedef struct sim_diag {
    sim_err_t code;
    char file[256];     /* "" when not from a file */
    int line;           /* 0 when unknown */
    char key[128];      /* "section.key" or "" */
    char msg[512];      /* what was wrong and what was expected */
} sim_diag_t;

#define SIM_DIAG_INIT {SIM_OK, "", 0, "", ""}

/* Record an error in diag (may be NULL).  Returns code, for tail calls:
 *   return sim_diag_set(d, SIM_ERR_UNIT, path, line, "cluster.nic_bandwidth",
 *                       "expected a bandwidth such as 400Gbps, got '%s'", v);
 * file may be NULL or "", key may be NULL or "". */
sim_err_t sim_diag_set(sim_diag_t *diag, sim_err_t code, const char *file,
                       int line, const char *key, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

/* Clear a diagnostic back to SIM_OK. */
void sim_diag_clear(sim_diag_t *diag);

/* Format "file:line: key: message" (parts that are empty are omitted) into
 * buf of size n.  Returns buf. */
char *sim_diag_format(const sim_diag_t *diag, char *buf, size_t n);

#endif /* SIM_CORE_ERROR_H */
