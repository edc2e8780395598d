/*
 * buf.h — a growing text buffer for everything reports/ writes (gnuplot
 * scripts, HTML, Markdown, CSV): output is built in memory first, then
 * written to its file in one go, so a failure never leaves half a file.
 *
 * Errors are sticky, the way SQLite's StrAccum keeps them: an append that
 * cannot grow the buffer marks it failed and later appends do nothing, so a
 * writer appends freely and checks rep_buf_err once at the end.
 *
 * Numbers are formatted in the C locale whatever the process locale is
 * (rep_buf_printf switches the calling thread to a private "C" locale with
 * uselocale for the duration of the call), so a report reads "1.5", never
 * "1,5".
 *
 * Assumes: POSIX 2008 (newlocale/uselocale); one thread per buffer.
 */
#ifndef REPORTS_BUF_H
#define REPORTS_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "sim/core/error.h"

/* Caller storage; initialise with rep_buf_init, release with
 * rep_buf_destroy.  data is NUL-terminated whenever len > 0 and the buffer
 * has not failed. */
typedef struct rep_buf {
    char *data;
    size_t len;
    size_t cap;
    bool failed; /* an allocation or formatting failed */
} rep_buf_t;

/* An empty buffer (no allocation until the first append).  O(1). */
void rep_buf_init(rep_buf_t *b);

/* Free the buffer's memory and leave it empty, ready for reuse.  b may be
 * NULL.  O(1). */
void rep_buf_destroy(rep_buf_t *b);

/* Forget the contents (keeping the memory) and clear the failed mark. */
void rep_buf_reset(rep_buf_t *b);

/* Append n bytes of s (s may be NULL when n == 0).  Amortised O(n). */
void rep_buf_putn(rep_buf_t *b, const char *s, size_t n);

/* Append the NUL-terminated s (non-NULL).  Amortised O(strlen(s)). */
void rep_buf_puts(rep_buf_t *b, const char *s);

/* Append one byte. */
void rep_buf_putc(rep_buf_t *b, char c);

/* Append printf-formatted text, numbers in the C locale. */
void rep_buf_printf(rep_buf_t *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* The same with a va_list (which it consumes). */
void rep_buf_vprintf(rep_buf_t *b, const char *fmt, va_list ap)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 0)))
#endif
    ;

/* The contents as a string: "" when empty, never NULL.  Valid until the
 * next append or destroy. */
const char *rep_buf_str(const rep_buf_t *b);

/* SIM_OK, or SIM_ERR_NOMEM when some append failed (diag says so). */
sim_err_t rep_buf_err(const rep_buf_t *b, sim_diag_t *diag);

/*
 * Write the contents to path atomically: into "path.tmp.<pid>" beside it,
 * checked (fwrite, fflush, fclose), then renamed over path; on failure the
 * temporary is removed and path is untouched.  Returns SIM_OK, SIM_ERR_NOMEM
 * (the buffer had failed) or SIM_ERR_IO (diag names the file and errno).
 * O(len).
 */
sim_err_t rep_buf_write_file(const rep_buf_t *b, const char *path,
                             sim_diag_t *diag);

/* Append the C-locale "%.17g" form of v (round-trips a double), or "NaN"
 * when v is NaN, "Inf"/"-Inf" for infinities (gnuplot reads all three). */
void rep_buf_num(rep_buf_t *b, double v);

/* Length of the valid UTF-8 sequence starting at s (1-4 bytes; 1 for
 * ASCII, including the NUL), or 0 when the bytes there are not valid UTF-8
 * (RFC 3629: no overlong forms, surrogates or values past U+10FFFF).
 * Reads no further than the first invalid byte. */
size_t rep_buf_utf8_len(const unsigned char *s);

/* A new string "dir/name" (or name when dir is NULL or "") for free(), or
 * NULL when out of memory. */
char *rep_buf_path_join(const char *dir, const char *name);

#endif /* REPORTS_BUF_H */
