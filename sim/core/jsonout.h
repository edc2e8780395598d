/*
 * jsonout.h — small helpers on top of jansson for the CLI's --json contract:
 * exactly one JSON object on stdout, the same bytes for the same inputs.
 *
 * Numbers: reals are written with 17 significant digits (enough to read back
 * the same double), integers as integers, and a non-finite real (NaN, ±inf),
 * which JSON cannot express, becomes null.  Objects keep the order in which
 * keys were added, so output is deterministic as long as the code that builds
 * it is.  jansson formats reals independently of the C locale.
 *
 * The set/push helpers never leave a half-built value behind: on failure the
 * container is unchanged.  json_t values are reference counted by jansson;
 * the caller frees the root with json_decref.
 *
 * Assumes: jansson >= 2.12, strings in UTF-8.
 */
#ifndef SIM_CORE_JSONOUT_H
#define SIM_CORE_JSONOUT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/core/error.h"

/* A new reference to a JSON real holding v, or to null when v is not finite.
 * Returns NULL only when out of memory.  O(1). */
json_t *sim_json_num(double v);

/* A new JSON array of the n doubles in v (each as by sim_json_num); v may be
 * NULL when n == 0.  Returns NULL when out of memory.  O(n). */
json_t *sim_json_num_array(const double *v, size_t n);

/*
 * obj[key] = value, replacing any earlier value under key (keeping its place
 * in the order).  obj must be an object and key non-NULL, valid UTF-8.
 *   set_num:  a real, or null when v is not finite.
 *   set_int:  an integer.
 *   set_str:  a string copied from s; s == NULL stores null.
 *   set_bool: true or false.
 *   set_new:  steals the reference to value (also on failure); value == NULL
 *             (a failed constructor passed straight in) gives SIM_ERR_NOMEM.
 * Returns SIM_OK, SIM_ERR_NOMEM, or SIM_ERR_INPUT when s is not valid UTF-8
 * (the string is then not stored).  O(1) amortised (plus strlen(s)).
 */
sim_err_t sim_json_set_num(json_t *obj, const char *key, double v);
sim_err_t sim_json_set_int(json_t *obj, const char *key, int64_t v);
sim_err_t sim_json_set_str(json_t *obj, const char *key, const char *s);
sim_err_t sim_json_set_bool(json_t *obj, const char *key, bool b);
sim_err_t sim_json_set_new(json_t *obj, const char *key, json_t *value);

/* Append to an array; same value rules and return codes as the set_*
 * family above (push_new steals value, also on failure).  O(1) amortised. */
sim_err_t sim_json_push_num(json_t *arr, double v);
sim_err_t sim_json_push_int(json_t *arr, int64_t v);
sim_err_t sim_json_push_str(json_t *arr, const char *s);
sim_err_t sim_json_push_new(json_t *arr, json_t *value);

/*
 * Write root to fp as indented JSON (2 spaces, keys in insertion order,
 * reals with 17 significant digits) followed by one newline, then flush.
 * root and fp must be non-NULL.  Returns SIM_OK, or SIM_ERR_IO when the
 * encoder or the stream failed (checked with fflush and ferror).
 * O(size of root).
 */
sim_err_t sim_json_dump(const json_t *root, FILE *fp);

/* The same encoding on one line (compact, no trailing newline), in a new
 * string the caller releases with free().  For storing JSON in the results
 * store.  Returns NULL when out of memory.  O(size of root). */
char *sim_json_dumps(const json_t *root);

#endif /* SIM_CORE_JSONOUT_H */
