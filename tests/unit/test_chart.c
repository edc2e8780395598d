/*
 * test_chart.c — the gnuplot side of reports/: string escaping (checked
 * against an emulation of gnuplot 5.4's scanner), golden scripts of every
 * chart kind, chart input checks, and the render step's file handling with
 * a mock gnuplot spawn (this file defines rep_gp_spawn, so the real one is
 * never linked).
 *
 * Golden files: $top_srcdir/tests/golden/charts/<kind>.gp.  Regenerate
 * with GPUSIM_UPDATE_GOLDEN=1 (writes them instead of comparing).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "reports/buf.h"
#include "reports/chart_demo.h"
#include "reports/charts.h"
#include "reports/gnuplot.h"
#include "reports/gp_spawn.h"
#include "tests/unit/assert_close.h"

#include <dirent.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ZWSP "\xe2\x80\x8b"

/* ---- mock spawn ------------------------------------------------------------ */

enum mock_mode {
    MOCK_OK,          /* write every output named, exit 0 */
    MOCK_FAIL,        /* write the outputs, then exit 1 (a script error) */
    MOCK_NOTFOUND,    /* gnuplot missing */
    MOCK_SILENT_OK    /* exit 0 without writing anything */
};

static enum mock_mode mock_mode = MOCK_OK;
static char *mock_script; /* what the last spawn received */
static int mock_calls;

/* Create workdir/<each name assigned by "gpusim_out_X = 'NAME'" lines>. */
static void mock_write_outputs(const char *workdir, const char *script)
{
    const char *p = script;
    char name[512], path[1024];
    FILE *fp;

    while (strncmp(p, "gpusim_out_", 11) == 0) {
        const char *q = strchr(p, '\'');
        const char *e = q != NULL ? strchr(q + 1, '\'') : NULL;
        if (e == NULL || (size_t)(e - q - 1) >= sizeof name)
            return;
        memcpy(name, q + 1, (size_t)(e - q - 1));
        name[e - q - 1] = '\0';
        snprintf(path, sizeof path, "%s/%s", workdir, name);
        fp = fopen(path, "w");
        if (fp != NULL) {
            fputs("image", fp);
            fclose(fp);
        }
        p = strchr(e, '\n');
        if (p == NULL)
            return;
        p++;
    }
}

sim_err_t rep_gp_spawn(const char *gnuplot, const char *workdir,
                       const char *script, size_t len, int log_fd,
                       int *status, sim_diag_t *diag)
{
    (void)gnuplot;
    mock_calls++;
    free(mock_script);
    mock_script = malloc(len + 1);
    assert_non_null(mock_script);
    memcpy(mock_script, script, len);
    mock_script[len] = '\0';
    if (log_fd >= 0 && write(log_fd, "mock\n", 5) != 5)
        fail_msg("log write");
    switch (mock_mode) {
    case MOCK_NOTFOUND:
        *status = -1;
        return sim_diag_set(diag, SIM_ERR_NOTFOUND, NULL, 0, NULL,
                            "cannot run gnuplot: mock");
    case MOCK_SILENT_OK:
        *status = 0;
        return SIM_OK;
    case MOCK_FAIL:
        mock_write_outputs(workdir, mock_script);
        *status = 1;
        return SIM_OK;
    case MOCK_OK:
        mock_write_outputs(workdir, mock_script);
        *status = 0;
        return SIM_OK;
    }
    return SIM_ERR_IO;
}

/* ---- helpers --------------------------------------------------------------- */

static char *quote_str(const char *s)
{
    rep_buf_t b;
    char *r;

    rep_buf_init(&b);
    rep_gp_quote(&b, s);
    assert_int_equal(rep_buf_err(&b, NULL), SIM_OK);
    r = strdup(rep_buf_str(&b));
    rep_buf_destroy(&b);
    assert_non_null(r);
    return r;
}

/*
 * gnuplot 5.4's scanner on a single-quoted token starting at s[0] == '\'':
 * a quote ends the token unless the character *before* it is followed by
 * two quotes, which are then taken as one literal quote (scanner.c, rule 6).
 * Returns the length of the token (0 when unterminated) and the decoded
 * content in out.
 */
static size_t gp_scan_squote(const char *s, char *out, size_t n)
{
    size_t i = 0, o = 0;

    assert_int_equal(s[0], '\'');
    for (;;) {
        i++;
        if (s[i] == '\0')
            return 0;
        if (s[i] == '\'')
            break;
        if (o + 2 < n)
            out[o++] = s[i];
        if (s[i + 1] == '\'' && s[i + 2] == '\'') {
            if (o + 2 < n)
                out[o++] = '\'';
            i += 2;
        }
    }
    out[o] = '\0';
    return i + 1;
}

/* Remove every U+200B from s, in place. */
static void strip_zwsp(char *s)
{
    char *p;
    while ((p = strstr(s, ZWSP)) != NULL)
        memmove(p, p + 3, strlen(p + 3) + 1);
}

/* What rep_gp_quote keeps of s: controls to ' ', invalid UTF-8 to '?'. */
static void sanitized(const char *s, char *out, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t o = 0, k;

    while (*p != '\0' && o + 5 < n) {
        k = rep_buf_utf8_len(p);
        if (k == 0) {
            out[o++] = '?';
            p++;
        } else if (*p < 0x20 || *p == 0x7F) {
            out[o++] = ' ';
            p++;
        } else {
            memcpy(out + o, p, k);
            o += k;
            p += k;
        }
    }
    out[o] = '\0';
}

static char *golden_path(const char *kind)
{
    const char *top = getenv("top_srcdir");
    char *p = malloc(4096);

    assert_non_null(p);
    snprintf(p, 4096, "%s/tests/golden/charts/%s.gp",
             top != NULL ? top : ".", kind);
    return p;
}

static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    long len;
    char *s;

    if (fp == NULL)
        return NULL;
    fseek(fp, 0, SEEK_END);
    len = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    s = malloc((size_t)len + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)len, fp), (size_t)len);
    s[len] = '\0';
    fclose(fp);
    return s;
}

static void check_golden(const char *kind, const char *text)
{
    char *path = golden_path(kind);
    const char *update = getenv("GPUSIM_UPDATE_GOLDEN");
    char *want;

    if (update != NULL && strcmp(update, "1") == 0) {
        FILE *fp = fopen(path, "wb");
        assert_non_null(fp);
        assert_int_equal(fputs(text, fp) >= 0, 1);
        assert_int_equal(fclose(fp), 0);
        free(path);
        return;
    }
    want = slurp(path);
    if (want == NULL)
        fail_msg("missing golden file %s (GPUSIM_UPDATE_GOLDEN=1 writes it)",
                 path);
    if (strcmp(want, text) != 0) {
        size_t i = 0;
        while (want[i] != '\0' && want[i] == text[i])
            i++;
        fail_msg("%s differs from the generated script at byte %zu", path,
                 i);
    }
    free(want);
    free(path);
}

static char *script_text(rep_gp_script_t *s, const char *name)
{
    rep_buf_t b;
    char *r;

    rep_buf_init(&b);
    assert_int_equal(rep_gp_script_text(s, name, REP_GP_ALL, &b, NULL),
                     SIM_OK);
    r = strdup(rep_buf_str(&b));
    rep_buf_destroy(&b);
    return r;
}

/* ---- escaping ---------------------------------------------------------------- */

static void test_quote_exact(void **state)
{
    static const struct {
        const char *in, *out;
    } c[] = {
        {"abc", "'abc'"},
        {"", "''"},
        {"it's", "'it''s'"},
        {"'x", "'" ZWSP "''x'"},
        {"a''b", "'a''" ZWSP "''b'"},
        {"x'", "'x'''"},
        {"one\ntwo\r\tthree", "'one two  three'"},
        {"`cmd`", "'`cmd`'"},
        {"\xff\xfe", "'?\?'"},
        {"\xe6\x97\xa5\xe6\x9c\xac", "'\xe6\x97\xa5\xe6\x9c\xac'"},
        {"\xed\xa0\x80", "'?\?\?'"}, /* a UTF-16 surrogate is not UTF-8 */
        {"@macro \"dq\"", "'@macro \"dq\"'"},
    };
    size_t i;
    char *q;

    (void)state;
    for (i = 0; i < sizeof c / sizeof c[0]; i++) {
        q = quote_str(c[i].in);
        if (strcmp(q, c[i].out) != 0)
            fail_msg("quote(%zu): got [%s], want [%s]", i, q, c[i].out);
        free(q);
    }
    q = quote_str(NULL);
    assert_string_equal(q, "''");
    free(q);
}

static void test_quote_long_and_tic(void **state)
{
    char big[3 * REP_GP_MAX_STRING], *q;
    rep_buf_t b;
    rep_gp_script_t *s;

    (void)state;
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    big[REP_GP_MAX_STRING - 1] = '\xc3'; /* a 2-byte character across the cut */
    big[REP_GP_MAX_STRING] = '\xa9';
    q = quote_str(big);
    assert_true(strlen(q) <= REP_GP_MAX_STRING + 5);
    assert_string_equal(q + strlen(q) - 4, "...'");
    assert_null(strstr(q, "\xc3."));
    free(q);

    s = rep_gp_script_new();
    assert_non_null(s);
    rep_gp_tic(s, "5% of 'x'");
    assert_string_equal(rep_gp_script_body(s), "'5%% of ''x'''");
    rep_gp_script_free(s);

    rep_buf_init(&b);
    {
        const char *parts[3] = {"a", NULL, "'b"};
        rep_gp_quote_parts(&b, parts, 3);
    }
    assert_string_equal(rep_buf_str(&b), "'a''b'");
    rep_buf_destroy(&b);
}

/* Every hostile string, quoted, is one token to gnuplot's scanner, holds
 * exactly the sanitized text, and no newline. */
static void test_quote_hostile_scans_as_one_token(void **state)
{
    char buf[4096], dec[2048], want[2048];
    const char *h[16];
    size_t n, i, len;
    char *q;

    (void)state;
    rep_chart_demo_hostile("/tmp/gpusim-canary", buf, sizeof buf, h, &n);
    assert_true(n >= 8);
    for (i = 0; i < n; i++) {
        q = quote_str(h[i]);
        assert_null(strchr(q, '\n'));
        assert_null(strchr(q, '\r'));
        len = gp_scan_squote(q, dec, sizeof dec);
        if (len != strlen(q))
            fail_msg("hostile %zu: gnuplot would end the string at %zu of "
                     "%zu: %s",
                     i, len, strlen(q), q);
        strip_zwsp(dec);
        sanitized(h[i], want, sizeof want);
        assert_string_equal(dec, want);
        free(q);
    }
}

/*
 * Scan a whole script the way gnuplot would: outside datablocks, every
 * backquote, "system" and '@' must sit inside a single-quoted token, no
 * double-quoted token may hold user text (we only write fixed ones), no
 * line may start with '!' (shell escape); inside datablocks every field is
 * a number.
 */
static void check_script_safe(const char *script)
{
    char *copy = strdup(script), *line, *save = NULL, dec[4096];
    bool in_block = false;
    size_t i, len;

    assert_non_null(copy);
    for (line = strtok_r(copy, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        if (in_block) {
            char *tok, *s2 = NULL, *end;
            if (strcmp(line, "EOD") == 0) {
                in_block = false;
                continue;
            }
            for (tok = strtok_r(line, " ", &s2); tok != NULL;
                 tok = strtok_r(NULL, " ", &s2)) {
                if (strcmp(tok, "NaN") == 0 || strcmp(tok, "Inf") == 0 ||
                    strcmp(tok, "-Inf") == 0)
                    continue;
                strtod(tok, &end);
                if (end == tok || *end != '\0')
                    fail_msg("datablock field '%s' is not a number", tok);
            }
            continue;
        }
        if (line[0] == '$' && strstr(line, " << EOD") != NULL) {
            in_block = true;
            continue;
        }
        while (*line == ' ')
            line++;
        if (line[0] == '!')
            fail_msg("a line starts with the shell escape: %s", line);
        if (line[0] == '#')
            continue;
        for (i = 0; line[i] != '\0'; i++) {
            if (line[i] == '\'') {
                len = gp_scan_squote(line + i, dec, sizeof dec);
                if (len == 0)
                    fail_msg("unterminated string in: %s", line);
                i += len - 1;
                continue;
            }
            if (line[i] == '"') {
                /* Only the script's own "gpusim_out_..." names. */
                assert_true(strncmp(line + i, "\"gpusim_out_", 12) == 0);
                i = (size_t)(strchr(line + i + 1, '"') - line);
                continue;
            }
            if (line[i] == '`' || line[i] == '@' ||
                strncmp(line + i, "system", 6) == 0)
                fail_msg("unquoted '%c...' in: %s", line[i], line);
        }
    }
    assert_false(in_block);
    free(copy);
}

static void test_hostile_charts_are_safe(void **state)
{
    size_t k;

    (void)state;
    for (k = 0; rep_chart_demo_kinds[k] != NULL; k++) {
        rep_gp_script_t *s = NULL;
        char *text;
        assert_int_equal(rep_chart_demo(rep_chart_demo_kinds[k],
                                        "/tmp/gpusim-canary", &s, NULL),
                         SIM_OK);
        text = script_text(s, rep_chart_demo_kinds[k]);
        check_script_safe(text);
        free(text);
        rep_gp_script_free(s);
    }
}

static void test_safe_names(void **state)
{
    char out[32];

    (void)state;
    assert_string_equal(rep_gp_safe_name("../etc/passwd", out, sizeof out),
                        "_._etc_passwd");
    assert_string_equal(rep_gp_safe_name("", out, sizeof out), "chart");
    assert_string_equal(rep_gp_safe_name("a b'c", out, sizeof out), "a_b_c");
    assert_string_equal(rep_gp_safe_name("abcdefghij", out, 5), "abcd");
    assert_true(rep_gp_name_ok("series_util-1.x"));
    assert_false(rep_gp_name_ok(".hidden"));
    assert_false(rep_gp_name_ok("a/b"));
    assert_false(rep_gp_name_ok(""));
    assert_false(rep_gp_name_ok(NULL));
}

/* ---- golden scripts ---------------------------------------------------------- */

static void test_golden_scripts(void **state)
{
    size_t k;
    rep_gp_script_t *s = NULL;
    char *text;

    (void)state;
    for (k = 0; rep_chart_demo_kinds[k] != NULL; k++) {
        assert_int_equal(rep_chart_demo(rep_chart_demo_kinds[k], NULL, &s,
                                        NULL),
                         SIM_OK);
        text = script_text(s, rep_chart_demo_kinds[k]);
        check_script_safe(text);
        check_golden(rep_chart_demo_kinds[k], text);
        free(text);
        rep_gp_script_free(s);
    }
    /* One kind with hostile names, so a reviewer sees the escaping. */
    assert_int_equal(rep_chart_demo("scaling", "/tmp/gpusim-canary", &s, NULL),
                     SIM_OK);
    text = script_text(s, "hostile");
    check_golden("hostile", text);
    free(text);
    rep_gp_script_free(s);
}

static void test_script_deterministic(void **state)
{
    rep_gp_script_t *a = NULL, *b = NULL;
    char *ta, *tb;

    (void)state;
    assert_int_equal(rep_chart_demo("heatmap", NULL, &a, NULL), SIM_OK);
    assert_int_equal(rep_chart_demo("heatmap", NULL, &b, NULL), SIM_OK);
    ta = script_text(a, "x");
    tb = script_text(b, "x");
    assert_string_equal(ta, tb);
    /* Both formats, in that order, each after a reset. */
    assert_non_null(strstr(ta, "set terminal pngcairo size 1000,600"));
    assert_true(strstr(ta, "set terminal pngcairo") <
                strstr(ta, "set terminal svg"));
    assert_non_null(strstr(ta, "if (!exists(\"gpusim_out_png\")) "
                               "gpusim_out_png = 'x.png'"));
    free(ta);
    free(tb);
    rep_gp_script_free(a);
    rep_gp_script_free(b);
}

/* ---- chart inputs ------------------------------------------------------------ */

static void test_chart_input_errors(void **state)
{
    rep_chart_meta_t m = {0};
    rep_gp_script_t *s = (rep_gp_script_t *)&m; /* must come back NULL */
    rep_chart_xy_t bad = {"x", NULL, NULL, 3};
    double x[2] = {1, 2}, y[2] = {3, 4};
    sim_diag_t d = SIM_DIAG_INIT;

    (void)state;
    assert_int_equal(rep_chart_goodput(&m, &bad, 1, &s, &d), SIM_ERR_INPUT);
    assert_null(s);
    assert_int_equal(rep_chart_frontier(&m, x, y, 2, 2, "c", &s, NULL),
                     SIM_ERR_INPUT);
    assert_int_equal(rep_chart_scaling(&m, NULL, 2, &s, NULL), SIM_ERR_INPUT);
    assert_int_equal(rep_chart_heatmap(&m, NULL, 2, NULL, 2, NULL, "v", &s,
                                       NULL),
                     SIM_ERR_INPUT);
    assert_int_equal(rep_chart_demo("nope", NULL, &s, &d), SIM_ERR_NOTFOUND);
    assert_null(s);
}

static void test_chart_no_data(void **state)
{
    rep_chart_meta_t m = {0};
    rep_gp_script_t *s = NULL;
    double nanv[2] = {NAN, NAN};
    rep_chart_samples_t none = {"empty", NULL, 0};
    rep_chart_xy_t neg = {"neg", nanv, nanv, 2};

    (void)state;
    m.title = "t";
    assert_int_equal(rep_chart_cdf(&m, &none, 1, &s, NULL), SIM_OK);
    assert_non_null(strstr(rep_gp_script_body(s), "'no data'"));
    rep_gp_script_free(s);
    assert_int_equal(rep_chart_validation(&m, &neg, 1, &s, NULL), SIM_OK);
    assert_non_null(strstr(rep_gp_script_body(s), "'no data'"));
    rep_gp_script_free(s);
    assert_int_equal(rep_chart_heatmap(&m, (const char *[]){"a"}, 1,
                                       (const char *[]){"b"}, 1, nanv, NULL,
                                       &s, NULL),
                     SIM_OK);
    assert_non_null(strstr(rep_gp_script_body(s), "'no data'"));
    rep_gp_script_free(s);
}

static void test_frontier_and_cdf_data(void **state)
{
    rep_chart_meta_t m = {0};
    rep_gp_script_t *s = NULL;
    double x[4] = {10, 5, 20, 7}, y[4] = {100, 300, 50, 400};
    double v[4] = {3, NAN, 1, 2};
    rep_chart_samples_t set = {"ttft", v, 4};
    char *text;

    (void)state;
    assert_int_equal(rep_chart_frontier(&m, x, y, 4, 0, "pick", &s, NULL),
                     SIM_OK);
    text = script_text(s, "f");
    /* Frontier of (min x, min y): (5,300) (10,100) (20,50); (7,400) is
     * dominated. */
    assert_non_null(strstr(text, "$d1 << EOD\n5 300\n10 100\n20 50\nEOD\n"));
    assert_non_null(strstr(text, "set label 2 'pick' at 10, 100"));
    free(text);
    rep_gp_script_free(s);

    assert_int_equal(rep_chart_cdf(&m, &set, 1, &s, NULL), SIM_OK);
    text = script_text(s, "c");
    assert_non_null(strstr(
        text, "$d0 << EOD\n1 0.33333333333333331\n2 0.66666666666666663\n"
              "3 1\nEOD\n"));
    free(text);
    rep_gp_script_free(s);
}

static void test_numbers_c_locale(void **state)
{
    rep_buf_t b;

    (void)state;
    /* Where a comma-decimal locale is installed, this checks that it does
     * not leak into scripts; elsewhere it checks the plain C path. */
    if (setlocale(LC_ALL, "de_DE.UTF-8") == NULL)
        setlocale(LC_ALL, "fr_FR.UTF-8");
    rep_buf_init(&b);
    rep_buf_num(&b, 0.5);
    rep_buf_putc(&b, ' ');
    rep_buf_printf(&b, "%.2f", 1.25);
    rep_buf_putc(&b, ' ');
    rep_buf_num(&b, NAN);
    rep_buf_putc(&b, ' ');
    rep_buf_num(&b, -INFINITY);
    assert_string_equal(rep_buf_str(&b), "0.5 1.25 NaN -Inf");
    rep_buf_destroy(&b);
    setlocale(LC_ALL, "C");
}

/* ---- render with the mock spawn ------------------------------------------------ */

static char tmpdir[256];

static int setup_dir(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/test_chart.XXXXXX");
    if (mkdtemp(tmpdir) == NULL)
        return -1;
    mock_mode = MOCK_OK;
    mock_calls = 0;
    return 0;
}

static int teardown_dir(void **state)
{
    DIR *d = opendir(tmpdir);
    struct dirent *e;
    char p[600];

    (void)state;
    while (d != NULL && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' &&
            (e->d_name[1] == '\0' || strcmp(e->d_name, "..") == 0))
            continue;
        snprintf(p, sizeof p, "%s/%s", tmpdir, e->d_name);
        remove(p);
    }
    if (d != NULL)
        closedir(d);
    rmdir(tmpdir);
    free(mock_script);
    mock_script = NULL;
    return 0;
}

static bool exists_in(const char *name)
{
    char p[600];
    snprintf(p, sizeof p, "%s/%s", tmpdir, name);
    return access(p, F_OK) == 0;
}

/* Files in tmpdir whose name contains ".tmp". */
static int temp_files(void)
{
    DIR *d = opendir(tmpdir);
    struct dirent *e;
    int n = 0;

    assert_non_null(d);
    while ((e = readdir(d)) != NULL)
        n += strstr(e->d_name, ".tmp") != NULL ? 1 : 0;
    closedir(d);
    return n;
}

static void test_render_success(void **state)
{
    rep_gp_script_t *s = NULL;
    rep_gp_render_opts_t o = {"/mock/gnuplot", NULL, 0};
    char log[600], gp[600], *saved, *text, *tail;
    bool drawn = false;

    (void)state;
    snprintf(log, sizeof log, "%s/report.log", tmpdir);
    o.log_path = log;
    assert_int_equal(rep_chart_demo("topology", NULL, &s, NULL), SIM_OK);
    assert_int_equal(rep_gp_render(s, tmpdir, "topo", &o, &drawn, NULL),
                     SIM_OK);
    assert_true(drawn);
    assert_int_equal(mock_calls, 1);
    assert_true(exists_in("topo.png"));
    assert_true(exists_in("topo.svg"));
    assert_true(exists_in("topo.gp"));
    assert_int_equal(temp_files(), 0);

    /* The saved script is what was piped, minus the output-name lines. */
    snprintf(gp, sizeof gp, "%s/topo.gp", tmpdir);
    saved = slurp(gp);
    text = script_text(s, "topo");
    assert_string_equal(saved, text);
    assert_true(strncmp(mock_script, "gpusim_out_png = '.topo.png.", 28) == 0);
    tail = strstr(mock_script, "# gpusim chart");
    assert_non_null(tail);
    assert_string_equal(tail, saved);
    free(saved);
    free(text);
    saved = slurp(log);
    assert_string_equal(saved, "mock\n");
    free(saved);
    rep_gp_script_free(s);
}

static void test_render_failure_keeps_no_image(void **state)
{
    rep_gp_script_t *s = NULL;
    rep_gp_render_opts_t o = {"/mock/gnuplot", NULL, REP_GP_PNG};
    sim_diag_t d = SIM_DIAG_INIT;
    bool drawn = true;
    char old[600], *content;
    FILE *fp;

    (void)state;
    assert_int_equal(rep_chart_demo("cdf", NULL, &s, NULL), SIM_OK);
    /* A failing gnuplot that had started writing: no final image, no
     * temporary left. */
    mock_mode = MOCK_FAIL;
    assert_int_equal(rep_gp_render(s, tmpdir, "cdf", &o, &drawn, &d),
                     SIM_ERR_CHECK);
    assert_false(drawn);
    assert_non_null(strstr(d.msg, "status 1"));
    assert_false(exists_in("cdf.png"));
    assert_true(exists_in("cdf.gp"));
    assert_int_equal(temp_files(), 0);

    /* An earlier image survives a failed redraw. */
    snprintf(old, sizeof old, "%s/cdf.png", tmpdir);
    fp = fopen(old, "w");
    assert_non_null(fp);
    fputs("old", fp);
    fclose(fp);
    assert_int_equal(rep_gp_render(s, tmpdir, "cdf", &o, &drawn, NULL),
                     SIM_ERR_CHECK);
    content = slurp(old);
    assert_string_equal(content, "old");
    free(content);
    assert_int_equal(temp_files(), 0);

    /* Exit 0 without output is a failure too. */
    mock_mode = MOCK_SILENT_OK;
    assert_int_equal(rep_gp_render(s, tmpdir, "cdf2", &o, &drawn, NULL),
                     SIM_ERR_CHECK);
    assert_false(exists_in("cdf2.png"));
    rep_gp_script_free(s);
}

static void test_render_missing_gnuplot(void **state)
{
    rep_gp_script_t *s = NULL;
    sim_diag_t d = SIM_DIAG_INIT;
    bool drawn = true;

    (void)state;
    assert_int_equal(rep_chart_demo("goodput", NULL, &s, NULL), SIM_OK);
    mock_mode = MOCK_NOTFOUND;
    assert_int_equal(rep_gp_render(s, tmpdir, "gp", NULL, &drawn, &d),
                     SIM_ERR_NOTFOUND);
    assert_false(drawn);
    assert_non_null(strstr(d.msg, "the script was written"));
    assert_true(exists_in("gp.gp"));
    assert_false(exists_in("gp.png"));
    assert_false(exists_in("gp.svg"));
    assert_int_equal(temp_files(), 0);
    rep_gp_script_free(s);
}

static void test_render_bad_name_and_dir(void **state)
{
    rep_gp_script_t *s = NULL;
    sim_diag_t d = SIM_DIAG_INIT;
    char missing[600];

    (void)state;
    assert_int_equal(rep_chart_demo("cdf", NULL, &s, NULL), SIM_OK);
    assert_int_equal(rep_gp_render(s, tmpdir, "../evil", NULL, NULL, &d),
                     SIM_ERR_INPUT);
    assert_int_equal(mock_calls, 0);
    snprintf(missing, sizeof missing, "%s/no/such/dir", tmpdir);
    assert_int_equal(rep_gp_render(s, missing, "ok", NULL, NULL, NULL),
                     SIM_ERR_IO);
    assert_int_equal(mock_calls, 0);
    rep_gp_script_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quote_exact),
        cmocka_unit_test(test_quote_long_and_tic),
        cmocka_unit_test(test_quote_hostile_scans_as_one_token),
        cmocka_unit_test(test_hostile_charts_are_safe),
        cmocka_unit_test(test_safe_names),
        cmocka_unit_test(test_golden_scripts),
        cmocka_unit_test(test_script_deterministic),
        cmocka_unit_test(test_chart_input_errors),
        cmocka_unit_test(test_chart_no_data),
        cmocka_unit_test(test_frontier_and_cdf_data),
        cmocka_unit_test(test_numbers_c_locale),
        cmocka_unit_test_setup_teardown(test_render_success, setup_dir,
                                        teardown_dir),
        cmocka_unit_test_setup_teardown(test_render_failure_keeps_no_image,
                                        setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_render_missing_gnuplot,
                                        setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_render_bad_name_and_dir,
                                        setup_dir, teardown_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
