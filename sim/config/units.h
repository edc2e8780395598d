/*
 * units.h — strict parsing and printing of values with units.
 *
 * Every parser takes a whole string (already trimmed; no blanks allowed
 * inside), writes the value in base units and returns SIM_OK, or returns
 * SIM_ERR_UNIT (missing, unknown or malformed unit, empty number, trailing
 * junk) or SIM_ERR_RANGE (negative where not allowed, NaN/inf, overflow,
 * outside [min, max]) with diag->msg saying what was expected.  The parsers
 * fill only the message: the caller knows the file, line and key and adds
 * them (see scenario.c).  On error *out is left unchanged.
 *
 * Number syntax: [-]digits[.digits][(e|E)[+|-]digits].  No hex, no "inf" or
 * "nan", no leading '+' or '.', no thousands separators.  Parsing and
 * printing use the C locale whatever setlocale() says.
 *
 * Units are case-sensitive because case carries meaning (Gbps is bits,
 * GBps bytes).  Decimal prefixes (K/k, M, G, T, P) are powers of 1000;
 * binary ones (Ki, Mi, Gi, Ti, Pi) powers of 1024.
 *
 * Base units: bytes/s, bytes, seconds (or int64 nanoseconds), events per
 * second, watts, plain numbers.
 *
 * Assumes: single-threaded callers (a C locale object is created once and
 * kept for the life of the process).
 */
#ifndef SIM_CONFIG_UNITS_H
#define SIM_CONFIG_UNITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/core/error.h"

/* Bandwidth → bytes per second.  Bits: bps Kbps kbps Mbps Gbps Tbps Pbps
 * (÷8).  Bytes: B/s KB/s kB/s MB/s GB/s TB/s PB/s, the same without the
 * slash as Bps KBps MBps GBps TBps, and KiB/s MiB/s GiB/s TiB/s.
 * "3.2Tbps" → 4e11, "50GB/s" → 5e10, "125MBps" → 1.25e8.  Not negative. */
sim_err_t cfg_parse_bandwidth(const char *s, double *out, sim_diag_t *diag);

/* Size → bytes.  B, KB/kB MB GB TB PB (×1000^k), KiB MiB GiB TiB PiB
 * (×1024^k).  "80GiB" → 85899345920, "1.5TB" → 1.5e12.  Not negative. */
sim_err_t cfg_parse_bytes(const char *s, double *out, sim_diag_t *diag);

/* Duration → seconds.  ns us ms s min h d (24 h) w (7 d).  "1.5us" →
 * 1.5e-6, "30min" → 1800, "2w" → 1209600.  Not negative.  Sub-second units
 * divide (1500ns and 1.5us give the same double). */
sim_err_t cfg_parse_time_s(const char *s, double *out, sim_diag_t *diag);

/* Duration → integer nanoseconds, rounded to nearest; SIM_ERR_RANGE past
 * INT64_MAX ns (about 292 years). */
sim_err_t cfg_parse_time_ns(const char *s, int64_t *out, sim_diag_t *diag);

/*
 * Count (tokens, parameters, requests) → plain number.  Optional SI suffix:
 * K or k = 1e3, M = 1e6, B or G = 1e9, T = 1e12, P = 1e15.  "B" means
 * billion here, as in "7B parameters" and "2B tokens"; it never means bytes
 * (sizes go through cfg_parse_bytes, which needs an explicit unit).
 * "3T" → 3e12, "1.5M" → 1.5e6, "4K" → 4000, "12" → 12.  Not negative.
 */
sim_err_t cfg_parse_count(const char *s, double *out, sim_diag_t *diag);

/* Rate → events per second: number "/" (s | min | h | d).  "4/s" → 4,
 * "100/min" → 1.6667, "2.5/h" → 6.944e-4.  Not negative. */
sim_err_t cfg_parse_rate(const char *s, double *out, sim_diag_t *diag);

/* Power → watts: W, kW, MW.  "700W" → 700, "10.2kW" → 10200.  Not
 * negative. */
sim_err_t cfg_parse_power(const char *s, double *out, sim_diag_t *diag);

/* Ratio: a plain number or a percentage.  "0.8" → 0.8, "80%" → 0.8,
 * "1.5" → 1.5.  Not negative. */
sim_err_t cfg_parse_ratio(const char *s, double *out, sim_diag_t *diag);

/* Plain finite double within [min, max] (inclusive). */
sim_err_t cfg_parse_double(const char *s, double min, double max, double *out,
                           sim_diag_t *diag);

/* Plain decimal integer within [min, max]; no fraction, no exponent. */
sim_err_t cfg_parse_int(const char *s, int64_t min, int64_t max, int64_t *out,
                        sim_diag_t *diag);

/* Plain decimal unsigned integer (0 .. UINT64_MAX); no sign. */
sim_err_t cfg_parse_uint64(const char *s, uint64_t *out, sim_diag_t *diag);

/* on/off, true/false, yes/no, 1/0 (lower case only). */
sim_err_t cfg_parse_bool(const char *s, bool *out, sim_diag_t *diag);

/* Index of s in the NULL-terminated list values (exact match), else
 * SIM_ERR_INPUT listing the choices. */
sim_err_t cfg_parse_enum(const char *s, const char *const *values, int *out,
                         sim_diag_t *diag);

/*
 * Printing back with a unit, in the C locale, with up to 15 significant
 * digits and the largest unit in which the magnitude is at least 1 (so
 * that printing then parsing gives the value back to 15 digits).  Each
 * writes at most n bytes including the NUL and returns buf.
 *   cfg_format_bandwidth(5e10, true, ...)  → "400Gbps"
 *   cfg_format_bandwidth(5e10, false, ...) → "50GB/s"
 *   cfg_format_bytes(85899345920, ...)     → "80GiB"  (binary when exact)
 *   cfg_format_time(1.5e-6, ...)           → "1.5us"
 */
char *cfg_format_bandwidth(double bytes_per_s, bool bits, char *buf, size_t n);
char *cfg_format_bytes(double bytes, char *buf, size_t n);
char *cfg_format_time(double seconds, char *buf, size_t n);
char *cfg_format_count(double count, char *buf, size_t n);
char *cfg_format_rate(double per_s, char *buf, size_t n);
char *cfg_format_power(double watts, char *buf, size_t n);

/* A plain number with up to 15 significant digits ("%.15g", C locale). */
char *cfg_format_number(double v, char *buf, size_t n);

/* strtod() in the C locale over exactly the number syntax above; for other
 * modules that parse numbers (CSV readers).  Returns the number of bytes
 * consumed (0 when s does not start with a number). */
size_t cfg_scan_number(const char *s, double *out);

#endif /* SIM_CONFIG_UNITS_H */
