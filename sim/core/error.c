/*
 * error.c — message table and diagnostics for sim_err_t (see error.h).
 */
#include "sim/core/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const messages[SIM_ERR__COUNT] = {
    [SIM_OK] = "ok",
    [SIM_ERR_NOMEM] = "out of memory",
    [SIM_ERR_USAGE] = "usage error",
    [SIM_ERR_INPUT] = "invalid input",
    [SIM_ERR_UNIT] = "bad or missing unit",
    [SIM_ERR_RANGE] = "value out of range",
    [SIM_ERR_NOTFOUND] = "not found",
    [SIM_ERR_IO] = "input/output error",
    [SIM_ERR_DB] = "results store error",
    [SIM_ERR_LIB] = "numerical library error",
    [SIM_ERR_INFEASIBLE] = "infeasible configuration",
    [SIM_ERR_CHECK] = "check failed",
    [SIM_ERR_DEVICE] = "no usable device",
};

const char *sim_err_str(sim_err_t err)
{
    if ((int)err < 0 || err >= SIM_ERR__COUNT || messages[err] == NULL)
        return "unknown error";
    return messages[err];
}

int sim_err_exit_status(sim_err_t err)
{
    switch (err) {
    case SIM_OK:
        return 0;
    case SIM_ERR_CHECK:
    case SIM_ERR_INFEASIBLE:
        return 1;
    default:
        return 2;
    }
}

static void copy_str(char *dst, size_t n, const char *src)
{
    if (src == NULL)
        src = "";
    snprintf(dst, n, "%s", src);
}

sim_err_t sim_diag_set(sim_diag_t *diag, sim_err_t code, const char *file,
                       int line, const char *key, const char *fmt, ...)
{
    if (diag == NULL || diag->code != SIM_OK)
        return code;
    diag->code = code;
    copy_str(diag->file, sizeof diag->file, file);
    diag->line = line;
    copy_str(diag->key, sizeof diag->key, key);
    if (fmt != NULL) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(diag->msg, sizeof diag->msg, fmt, ap);
        va_end(ap);
    } else {
        copy_str(diag->msg, sizeof diag->msg, sim_err_str(code));
    }
    return code;
}

void sim_diag_clear(sim_diag_t *diag)
{
    if (diag != NULL)
        memset(diag, 0, sizeof *diag);
}

char *sim_diag_format(const sim_diag_t *diag, char *buf, size_t n)
{
    size_t used = 0;
    if (n == 0)
        return buf;
    buf[0] = '\0';
#define APPEND(...)                                                        \
    do {                                                                   \
        int w_ = snprintf(buf + used, n - used, __VA_ARGS__);              \
        if (w_ > 0)                                                        \
            used += (size_t)w_ < n - used ? (size_t)w_ : n - used - 1;     \
    } while (0)
    if (diag->file[0] != '\0') {
        if (diag->line > 0)
            APPEND("%s:%d: ", diag->file, diag->line);
        else
            APPEND("%s: ", diag->file);
    }
    if (diag->key[0] != '\0')
        APPEND("%s: ", diag->key);
    APPEND("%s", diag->msg[0] != '\0' ? diag->msg : sim_err_str(diag->code));
#undef APPEND
    return buf;
}
