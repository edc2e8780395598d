/*
 * test_ini.c — the INI parser: syntax accepted, entries and line numbers,
 * and every error class with the line (and key) it must name.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/config/ini.h"

static cfg_ini_t *parse_ok(const char *text)
{
    cfg_ini_t *ini = NULL;
    sim_diag_t d = SIM_DIAG_INIT;
    sim_err_t err = cfg_ini_parse(text, strlen(text), "t.ini", &ini, &d);
    if (err != SIM_OK)
        fprintf(stderr, "unexpected error: %s:%d: %s\n", d.file, d.line,
                d.msg);
    assert_int_equal(err, SIM_OK);
    assert_non_null(ini);
    return ini;
}

static void test_basic_syntax(void **state)
{
    (void)state;
    const char *text = "# leading comment\n"
                       "; another\n"
                       "\n"
                       "[cluster]\n"
                       "  gpus =   1024   \n"
                       "topology=hpn # trailing comment\n"
                       "name = a#b\n"
                       "empty =\n"
                       "\t[ run ]  ; trailing on header\n"
                       "seed = 7;not-a-comment\n";
    cfg_ini_t *ini = parse_ok(text);
    assert_int_equal(cfg_ini_count(ini), 5);
    assert_string_equal(cfg_ini_path(ini), "t.ini");

    const cfg_ini_entry_t *e = cfg_ini_entry(ini, 0);
    assert_string_equal(e->section, "cluster");
    assert_string_equal(e->key, "gpus");
    assert_string_equal(e->value, "1024");
    assert_int_equal(e->line, 5);

    e = cfg_ini_entry(ini, 1);
    assert_string_equal(e->value, "hpn");
    assert_int_equal(e->line, 6);
    e = cfg_ini_entry(ini, 2);
    assert_string_equal(e->value, "a#b");
    e = cfg_ini_entry(ini, 3);
    assert_string_equal(e->key, "empty");
    assert_string_equal(e->value, "");
    e = cfg_ini_entry(ini, 4);
    assert_string_equal(e->section, "run");
    assert_string_equal(e->value, "7;not-a-comment");
    assert_int_equal(e->line, 10);
    assert_null(cfg_ini_entry(ini, 5));

    assert_int_equal(cfg_ini_section_count(ini), 2);
    int line = 0;
    assert_string_equal(cfg_ini_section(ini, 1, &line), "run");
    assert_int_equal(line, 9);
    assert_null(cfg_ini_section(ini, 2, NULL));

    e = cfg_ini_find(ini, "cluster", "topology");
    assert_non_null(e);
    assert_string_equal(e->value, "hpn");
    assert_null(cfg_ini_find(ini, "run", "topology"));
    assert_null(cfg_ini_find(ini, "nosuch", "gpus"));
    assert_null(cfg_ini_find(ini, "cluster", ""));
    cfg_ini_free(ini);
}

static void test_crlf_bom_and_no_final_newline(void **state)
{
    (void)state;
    cfg_ini_t *ini = parse_ok("\xEF\xBB\xBF[a]\r\nx = 1\r\n\r\ny = 2");
    assert_int_equal(cfg_ini_count(ini), 2);
    assert_string_equal(cfg_ini_entry(ini, 0)->value, "1");
    assert_string_equal(cfg_ini_entry(ini, 1)->value, "2");
    assert_int_equal(cfg_ini_entry(ini, 1)->line, 4);
    cfg_ini_free(ini);
}

static void test_empty_and_sections_only(void **state)
{
    (void)state;
    cfg_ini_t *ini = parse_ok("");
    assert_int_equal(cfg_ini_count(ini), 0);
    assert_int_equal(cfg_ini_section_count(ini), 0);
    cfg_ini_free(ini);
    ini = parse_ok("[a]\n[b]\n");
    assert_int_equal(cfg_ini_count(ini), 0);
    assert_int_equal(cfg_ini_section_count(ini), 2);
    cfg_ini_free(ini);
    cfg_ini_free(NULL);
}

static void test_many_keys_found(void **state)
{
    (void)state;
    /* Enough keys to grow the hash table several times. */
    size_t cap = 64 * 1024;
    char *text = malloc(cap);
    assert_non_null(text);
    size_t used = (size_t)snprintf(text, cap, "[s]\n");
    for (int i = 0; i < 2000; i++)
        used += (size_t)snprintf(text + used, cap - used, "k%d = %d\n", i,
                                 i * 3);
    cfg_ini_t *ini = parse_ok(text);
    assert_int_equal(cfg_ini_count(ini), 2000);
    const cfg_ini_entry_t *e = cfg_ini_find(ini, "s", "k1234");
    assert_non_null(e);
    assert_string_equal(e->value, "3702");
    assert_int_equal(e->line, 1236);
    cfg_ini_free(ini);
    free(text);
}

typedef struct bad_case {
    const char *text;
    size_t len; /* 0: strlen(text) */
    int line;
    const char *key;     /* expected diag key, "" for none */
    const char *msg_has; /* substring of the message */
} bad_case_t;

static void test_errors(void **state)
{
    (void)state;
    static const bad_case_t cases[] = {
        {"[a]\nx = 1\nnoequals\n", 0, 3, "", "no '='"},
        {"k = v\n", 0, 1, "k", "before any [section]"},
        {"\n[a\n", 0, 2, "", "bad section header"},
        {"[]\n", 0, 1, "", "bad section name"},
        {"[a b]\n", 0, 1, "", "bad section name"},
        {"[a]\nx=1\n[b]\n[a]\n", 0, 4, "a", "repeated"},
        {"[a]\nx = 1\n\nx = 2\n", 0, 4, "a.x", "duplicate key"},
        {"[a]\n = v\n", 0, 2, "", "bad key"},
        {"[a]\nmy key = v\n", 0, 2, "", "bad key"},
        {"[a]\nx = 1\ny = a\0b\n", 17, 3, "", "NUL"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const bad_case_t *c = &cases[i];
        cfg_ini_t *ini = (cfg_ini_t *)1;
        sim_diag_t d = SIM_DIAG_INIT;
        size_t len = c->len ? c->len : strlen(c->text);
        sim_err_t err = cfg_ini_parse(c->text, len, "bad.ini", &ini, &d);
        if (err != SIM_ERR_INPUT || d.line != c->line ||
            strcmp(d.key, c->key) != 0 || strstr(d.msg, c->msg_has) == NULL)
            fprintf(stderr, "case %zu: err %d line %d key '%s' msg '%s'\n",
                    i, err, d.line, d.key, d.msg);
        assert_int_equal(err, SIM_ERR_INPUT);
        assert_null(ini);
        assert_string_equal(d.file, "bad.ini");
        assert_int_equal(d.line, c->line);
        assert_string_equal(d.key, c->key);
        assert_non_null(strstr(d.msg, c->msg_has));
    }
}

static void test_line_length_limit(void **state)
{
    (void)state;
    size_t n = CFG_INI_MAX_LINE + 64;
    char *text = malloc(n + 32);
    assert_non_null(text);
    /* Exactly the limit is accepted. */
    size_t used = (size_t)sprintf(text, "[a]\nk = ");
    size_t fill = CFG_INI_MAX_LINE - 4;
    memset(text + used, 'v', fill);
    used += fill;
    text[used++] = '\n';
    cfg_ini_t *ini = NULL;
    assert_int_equal(cfg_ini_parse(text, used, NULL, &ini, NULL), SIM_OK);
    assert_int_equal(strlen(cfg_ini_entry(ini, 0)->value), fill);
    cfg_ini_free(ini);
    /* One byte more is not. */
    used = (size_t)sprintf(text, "[a]\n\nk = ");
    memset(text + used, 'v', fill + 1);
    used += fill + 1;
    sim_diag_t d = SIM_DIAG_INIT;
    assert_int_equal(cfg_ini_parse(text, used, "long.ini", &ini, &d),
                     SIM_ERR_INPUT);
    assert_int_equal(d.line, 3);
    assert_non_null(strstr(d.msg, "longer than"));
    free(text);
}

static void test_read_file(void **state)
{
    (void)state;
    char path[] = "/tmp/test_ini_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *text = "[run]\nseed = 42\n";
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    cfg_ini_t *ini = NULL;
    sim_diag_t d = SIM_DIAG_INIT;
    assert_int_equal(cfg_ini_read_file(path, &ini, &d), SIM_OK);
    assert_string_equal(cfg_ini_path(ini), path);
    assert_string_equal(cfg_ini_find(ini, "run", "seed")->value, "42");
    cfg_ini_free(ini);
    unlink(path);

    assert_int_equal(cfg_ini_read_file(path, &ini, &d), SIM_ERR_IO);
    assert_null(ini);
    assert_string_equal(d.file, path);
    assert_non_null(strstr(d.msg, "cannot open"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic_syntax),
        cmocka_unit_test(test_crlf_bom_and_no_final_newline),
        cmocka_unit_test(test_empty_and_sections_only),
        cmocka_unit_test(test_many_keys_found),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_line_length_limit),
        cmocka_unit_test(test_read_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
