/*
 * trace_requests.h — request traces from public serving logs, replayed as
 * request streams (see traffic.h for wl_request_t and streams).
 *
 * Formats read:
 *  - Azure LLM inference trace 2023 (Splitwise, ISCA'24), code and
 *    conversation: `TIMESTAMP,ContextTokens,GeneratedTokens` with
 *    timestamps "YYYY-MM-DD HH:MM:SS.fffffff"; arrivals are re-based so
 *    the first row is at 0 s.
 *  - Mooncake FAST'25 conversation trace: JSON lines with `timestamp` (ms),
 *    `input_length`, `output_length`, `hash_ids` (prefix blocks of 512
 *    tokens; equal ids are reusable KV blocks).
 *  - Alibaba GenAI 2026 (GenTD26) diffusion requests: `gmt_create`
 *    (one-second resolution) and `exec_time_seconds`, read as fixed-work
 *    requests; rows without a positive execution time are skipped.
 *  - Alibaba ServeGen per-window rates (`window_start_s,rate`) folded into a
 *    24-point daily curve for the diurnal generator.
 *  - Latency samples (`timestamp,value_ms`, e.g. GenAI base-model load
 *    times) as seconds, for an empirical distribution.
 * Excerpts of each ship in workloads/traces/serving/ (SOURCE.md there) and
 * are compiled in; wl_reqtrace_load_embedded reads them by short name.
 *
 * Replay: a trace is immutable; any number of replays read it.  A replay
 * multiplies arrival instants by time_scale (0.5 plays the trace twice as
 * fast) and scales the rate at constant time by rate_scale: each request is
 * emitted floor(r) times plus once more with probability frac(r) (stream
 * "trace.rate_scale"), so r < 1 thins and r > 1 replicates at the same
 * instant.  Copies share the original's prefix hashes.
 *
 * Assumes: traces fit in memory (the shipped excerpts are ~2,000 rows; a
 * user trace of a few million rows costs ~40 bytes a row plus hashes).
 */
#ifndef WL_TRACE_REQUESTS_H
#define WL_TRACE_REQUESTS_H

#include <stddef.h>
#include <stdint.h>

#include "sim/core/error.h"
#include "workloads/traffic.h"

typedef enum wl_reqtrace_format {
    WL_TRACE_AZURE = 0,   /* Azure LLM 2023 CSV */
    WL_TRACE_MOONCAKE,    /* Mooncake JSON lines */
    WL_TRACE_GENAI        /* Alibaba GenAI diffusion request CSV */
} wl_reqtrace_format_t;

/* Embedded excerpts (paths in the embedded table). */
#define WL_TRACE_AZURE_CODE "workloads/traces/serving/azure-code-2023.csv"
#define WL_TRACE_AZURE_CONV "workloads/traces/serving/azure-conv-2023.csv"
#define WL_TRACE_MOONCAKE_CONV \
    "workloads/traces/serving/mooncake-conversation.jsonl"
#define WL_TRACE_GENAI_LORA "workloads/traces/serving/genai-lora-requests.csv"
#define WL_TRACE_SERVEGEN_RATE \
    "workloads/traces/serving/servegen-m-large-rate.csv"
#define WL_TRACE_GENAI_LOAD "workloads/traces/serving/genai-basemodel-load.csv"

typedef struct wl_reqtrace wl_reqtrace_t;

/*
 * Parse len bytes of text in format fmt; name labels diagnostics
 * (name:line).  Rows are ordered by arrival (stable: equal instants keep
 * file order).  Returns SIM_OK and *out (free with wl_reqtrace_free),
 * SIM_ERR_INPUT (malformed row, empty trace), SIM_ERR_RANGE (negative
 * size) or SIM_ERR_NOMEM.  Cost: O(len + rows log rows).
 */
sim_err_t wl_reqtrace_parse(const char *text, size_t len, const char *name,
                         wl_reqtrace_format_t fmt, wl_reqtrace_t **out,
                         sim_diag_t *diag);

/* Read the file at path and parse it (SIM_ERR_IO when unreadable). */
sim_err_t wl_reqtrace_load_file(const char *path, wl_reqtrace_format_t fmt,
                             wl_reqtrace_t **out, sim_diag_t *diag);

/* Parse an embedded excerpt by short name: "azure-code", "azure-conv",
 * "mooncake", "genai".  SIM_ERR_NOTFOUND for another name or a build
 * without the embedded files.  Otherwise as wl_reqtrace_parse. */
sim_err_t wl_reqtrace_load_embedded(const char *short_name, wl_reqtrace_t **out,
                                 sim_diag_t *diag);

/* Free a trace; NULL is a no-op. */
void wl_reqtrace_free(wl_reqtrace_t *t);

/* Number of requests; request i (0 <= i < count; pointers valid until
 * wl_reqtrace_free); the last arrival instant in seconds. */
size_t wl_reqtrace_count(const wl_reqtrace_t *t);
const wl_request_t *wl_reqtrace_get(const wl_reqtrace_t *t, size_t i);
double wl_reqtrace_span_s(const wl_reqtrace_t *t);

typedef struct wl_replay wl_replay_t;

/*
 * A replay of t (which must outlive it).  time_scale > 0, rate_scale > 0
 * (SIM_ERR_RANGE otherwise).  loops >= 1 plays the trace that many times
 * back to back (each pass starts one mean inter-arrival gap after the
 * last).  Returns SIM_OK and *out, or SIM_ERR_NOMEM.  O(1).
 */
sim_err_t wl_replay_new(const wl_reqtrace_t *t, double time_scale,
                        double rate_scale, int loops, uint64_t seed,
                        wl_replay_t **out, sim_diag_t *diag);

/* Free a replay; NULL is a no-op. */
void wl_replay_free(wl_replay_t *r);

/* Next request (1) or end (0).  O(1). */
int wl_replay_next(wl_replay_t *r, wl_request_t *out);

/* A stream view over r. */
wl_request_stream_t wl_replay_stream(wl_replay_t *r);

/*
 * Fold a ServeGen-style rate file (`window_start_s,rate` rows after a
 * header; windows may span days) into a 24-point daily curve: curve24[h] =
 * mean rate of the windows starting in hour h of the day, and *mean_rate
 * the mean over all windows.  Feed curve24 to a WL_ARR_DIURNAL process.
 * Returns SIM_OK, SIM_ERR_INPUT (malformed, or an hour without data).
 * Cost: O(len).
 */
sim_err_t wl_reqtrace_daily_curve(const char *text, size_t len,
                               const char *name, double curve24[24],
                               double *mean_rate, sim_diag_t *diag);

/*
 * Read latency samples (`timestamp,value_ms` rows after a header) as
 * seconds into a new array *out of *n values (caller frees).  For
 * empirical distributions (cold start, model load).  Returns SIM_OK,
 * SIM_ERR_INPUT, SIM_ERR_NOMEM.  Cost: O(len).
 */
sim_err_t wl_reqtrace_latency_samples(const char *text, size_t len,
                                   const char *name, double **out, size_t *n,
                                   sim_diag_t *diag);

#endif /* WL_TRACE_REQUESTS_H */
