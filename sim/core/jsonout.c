/*
 * jsonout.c — JSON output helpers for the --json contract (see jsonout.h).
 *
 * Assumes: jansson keeps object
 * keys in insertion order (true since 2.8; JSON_PRESERVE_ORDER is passed
 * anyway so the intent is visible).
 */
#include "sim/core/jsonout.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* 17 significant digits: the fewest that round-trip every IEEE-754 double
 * (DBL_DECIMAL_DIG, C11 5.2.4.2.2). */
#define REAL_FLAGS (JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17))

/*
 * Whether s is well-formed UTF-8 (RFC 3629: no overlongs, no surrogates,
 * nothing above U+10FFFF).  jansson checks too, but answers only NULL, which
 * we could not tell apart from out-of-memory.
 */
static bool utf8_valid(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p != 0) {
        unsigned c = *p;
        size_t len;
        unsigned cp;
        if (c < 0x80) {
            p++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            cp = c & 0x07;
        } else {
            return false;
        }
        for (size_t i = 1; i < len; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return false; /* also stops at the terminating NUL */
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
            (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
            return false;
        p += len;
    }
    return true;
}

/* A new string or null value for s; *err says why when NULL is returned. */
static json_t *str_value(const char *s, sim_err_t *err)
{
    json_t *v;
    if (s == NULL) {
        v = json_null();
    } else if (!utf8_valid(s)) {
        *err = SIM_ERR_INPUT;
        return NULL;
    } else {
        v = json_string(s);
    }
    *err = v == NULL ? SIM_ERR_NOMEM : SIM_OK;
    return v;
}

json_t *sim_json_num(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

json_t *sim_json_num_array(const double *v, size_t n)
{
    json_t *arr = json_array();
    if (arr == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (json_array_append_new(arr, sim_json_num(v[i])) != 0)
            goto fail;
    }
    return arr;
fail:
    json_decref(arr);
    return NULL;
}

sim_err_t sim_json_set_new(json_t *obj, const char *key, json_t *value)
{
    if (value == NULL)
        return SIM_ERR_NOMEM;
    /* json_object_set_new releases value when it fails. */
    return json_object_set_new(obj, key, value) == 0 ? SIM_OK : SIM_ERR_NOMEM;
}

sim_err_t sim_json_set_num(json_t *obj, const char *key, double v)
{
    return sim_json_set_new(obj, key, sim_json_num(v));
}

sim_err_t sim_json_set_int(json_t *obj, const char *key, int64_t v)
{
    return sim_json_set_new(obj, key, json_integer((json_int_t)v));
}

sim_err_t sim_json_set_str(json_t *obj, const char *key, const char *s)
{
    sim_err_t err;
    json_t *v = str_value(s, &err);
    if (v == NULL)
        return err;
    return sim_json_set_new(obj, key, v);
}

sim_err_t sim_json_set_bool(json_t *obj, const char *key, bool b)
{
    return sim_json_set_new(obj, key, json_boolean(b));
}

sim_err_t sim_json_push_new(json_t *arr, json_t *value)
{
    if (value == NULL)
        return SIM_ERR_NOMEM;
    return json_array_append_new(arr, value) == 0 ? SIM_OK : SIM_ERR_NOMEM;
}

sim_err_t sim_json_push_num(json_t *arr, double v)
{
    return sim_json_push_new(arr, sim_json_num(v));
}

sim_err_t sim_json_push_int(json_t *arr, int64_t v)
{
    return sim_json_push_new(arr, json_integer((json_int_t)v));
}

sim_err_t sim_json_push_str(json_t *arr, const char *s)
{
    sim_err_t err;
    json_t *v = str_value(s, &err);
    if (v == NULL)
        return err;
    return sim_json_push_new(arr, v);
}

sim_err_t sim_json_dump(const json_t *root, FILE *fp)
{
    int rc = json_dumpf(root, fp, REAL_FLAGS | JSON_INDENT(2) | JSON_ENCODE_ANY);
    if (rc != 0)
        return SIM_ERR_IO;
    if (fputc('\n', fp) == EOF || fflush(fp) != 0 || ferror(fp))
        return SIM_ERR_IO;
    return SIM_OK;
}

char *sim_json_dumps(const json_t *root)
{
    char *text = json_dumps(root, REAL_FLAGS | JSON_COMPACT | JSON_ENCODE_ANY);
    char *copy;
    json_malloc_t jmalloc;
    json_free_t jfree;
    if (text == NULL)
        return NULL;
    /* Hand back memory from our own malloc, whatever allocator jansson was
     * given, so the contract "release with free()" always holds. */
    copy = strdup(text);
    json_get_alloc_funcs(&jmalloc, &jfree);
    jfree(text);
    return copy;
}
