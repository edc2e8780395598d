/*
 * buf.c — the growing text buffer of reports/ (see buf.h).
 */
#include "reports/buf.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void rep_buf_init(rep_buf_t *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->failed = false;
}

void rep_buf_destroy(rep_buf_t *b)
{
    if (b == NULL)
        return;
    free(b->data);
    rep_buf_init(b);
}

void rep_buf_reset(rep_buf_t *b)
{
    b->len = 0;
    b->failed = false;
    if (b->data != NULL)
        b->data[0] = '\0';
}

/* Make room for extra more bytes plus the NUL; false (and failed) when the
 * buffer cannot grow. */
static bool reserve(rep_buf_t *b, size_t extra)
{
    size_t need, ncap;
    char *p;

    if (b->failed)
        return false;
    if (extra > (size_t)-1 / 2 - b->len) {
        b->failed = true;
        return false;
    }
    need = b->len + extra + 1;
    if (need <= b->cap)
        return true;
    ncap = b->cap == 0 ? 256 : b->cap;
    while (ncap < need)
        ncap *= 2;
    p = realloc(b->data, ncap);
    if (p == NULL) {
        b->failed = true;
        return false;
    }
    b->data = p;
    b->cap = ncap;
    return true;
}

void rep_buf_putn(rep_buf_t *b, const char *s, size_t n)
{
    if (n == 0 || !reserve(b, n))
        return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void rep_buf_puts(rep_buf_t *b, const char *s)
{
    rep_buf_putn(b, s, strlen(s));
}

void rep_buf_putc(rep_buf_t *b, char c)
{
    rep_buf_putn(b, &c, 1);
}

void rep_buf_vprintf(rep_buf_t *b, const char *fmt, va_list ap)
{
    locale_t c_loc, old;
    va_list ap2;
    int n;

    if (b->failed)
        return;
    /* glibc answers newlocale(LC_ALL_MASK, "C") with its static C locale
     * object, so this costs no allocation there. */
    c_loc = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    if (c_loc == (locale_t)0) {
        b->failed = true;
        return;
    }
    old = uselocale(c_loc);

    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap);
    if (n < 0)
        b->failed = true;
    else if (reserve(b, (size_t)n)) {
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
        b->len += (size_t)n;
    }
    va_end(ap2);

    uselocale(old);
    freelocale(c_loc);
}

void rep_buf_printf(rep_buf_t *b, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    rep_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

const char *rep_buf_str(const rep_buf_t *b)
{
    return b->data != NULL && !b->failed ? b->data : "";
}

sim_err_t rep_buf_err(const rep_buf_t *b, sim_diag_t *diag)
{
    if (!b->failed)
        return SIM_OK;
    return sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL,
                        "out of memory building report text");
}

void rep_buf_num(rep_buf_t *b, double v)
{
    if (isnan(v))
        rep_buf_puts(b, "NaN");
    else if (isinf(v))
        rep_buf_puts(b, v > 0 ? "Inf" : "-Inf");
    else {
        /* The hot path of datablocks: one formatting pass into a local
         * buffer (%.17g needs at most 24 bytes). */
        char tmp[32];
        locale_t c_loc = newlocale(LC_ALL_MASK, "C", (locale_t)0), old;
        int n;

        if (c_loc == (locale_t)0) {
            b->failed = true;
            return;
        }
        old = uselocale(c_loc);
        n = snprintf(tmp, sizeof tmp, "%.17g", v);
        uselocale(old);
        freelocale(c_loc);
        if (n < 0 || (size_t)n >= sizeof tmp)
            b->failed = true;
        else
            rep_buf_putn(b, tmp, (size_t)n);
    }
}

/* Length of the valid UTF-8 sequence at s (1-4), or 0 when the bytes there
 * are not one (overlong forms, surrogates and values past U+10FFFF are
 * invalid, per RFC 3629). */
size_t rep_buf_utf8_len(const unsigned char *s)
{
    unsigned char c = s[0];
    unsigned char lo = 0x80, hi = 0xBF;
    size_t n, i;

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF)
        n = 3;
    else if (c >= 0xF0 && c <= 0xF4)
        n = 4;
    else
        return 0;
    if (c == 0xE0)
        lo = 0xA0;
    else if (c == 0xED)
        hi = 0x9F;
    else if (c == 0xF0)
        lo = 0x90;
    else if (c == 0xF4)
        hi = 0x8F;
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return n;
}

char *rep_buf_path_join(const char *dir, const char *name)
{
    size_t dn = dir != NULL ? strlen(dir) : 0, nn = strlen(name);
    char *p = malloc(dn + nn + 2);

    if (p == NULL)
        return NULL;
    if (dn == 0) {
        memcpy(p, name, nn + 1);
    } else {
        memcpy(p, dir, dn);
        p[dn] = '/';
        memcpy(p + dn + 1, name, nn + 1);
    }
    return p;
}

sim_err_t rep_buf_write_file(const rep_buf_t *b, const char *path,
                             sim_diag_t *diag)
{
    char *tmp = NULL;
    FILE *fp = NULL;
    size_t plen = strlen(path);
    sim_err_t err = SIM_OK;
    int saved;

    if (b->failed)
        return rep_buf_err(b, diag);
    tmp = malloc(plen + 32);
    if (tmp == NULL)
        return sim_diag_set(diag, SIM_ERR_NOMEM, path, 0, NULL,
                            "out of memory");
    snprintf(tmp, plen + 32, "%s.tmp.%ld", path, (long)getpid());

    fp = fopen(tmp, "wb");
    if (fp == NULL) {
        err = sim_diag_set(diag, SIM_ERR_IO, path, 0, NULL,
                           "cannot create '%s': %s", tmp, strerror(errno));
        goto fail;
    }
    if ((b->len > 0 && fwrite(b->data, 1, b->len, fp) != b->len) ||
        fflush(fp) != 0 || ferror(fp)) {
        saved = errno;
        fclose(fp);
        fp = NULL;
        err = sim_diag_set(diag, SIM_ERR_IO, path, 0, NULL,
                           "cannot write '%s': %s", tmp, strerror(saved));
        goto fail;
    }
    if (fclose(fp) != 0) {
        fp = NULL;
        err = sim_diag_set(diag, SIM_ERR_IO, path, 0, NULL,
                           "cannot close '%s': %s", tmp, strerror(errno));
        goto fail;
    }
    fp = NULL;
    if (rename(tmp, path) != 0) {
        err = sim_diag_set(diag, SIM_ERR_IO, path, 0, NULL,
                           "cannot rename '%s' to '%s': %s", tmp, path,
                           strerror(errno));
        goto fail;
    }
    free(tmp);
    return SIM_OK;
fail:
    remove(tmp);
    free(tmp);
    return err;
}
