/*
 * test_scenario.c — scenario loading: defaults, file values, --set
 * overrides, every error class with its origin, canonical JSON and hash
 * stability, getters, and the key reference.
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

#include "sim/config/keys.h"
#include "sim/config/scenario.h"
#include "tests/unit/assert_close.h"

static const char *const modes[] = {"fast", "exact", NULL};

/* One key of every type, as a model module would declare them. */
static const cfg_key_t test_keys[] = {
    {"t", "name", CFG_STRING, "llama3-70b", 0, 0, NULL, 0, "a name"},
    {"t", "count", CFG_INT, "3", -10, 10, NULL, 0, "an int"},
    {"t", "big", CFG_UINT64, "5", 0, 0, NULL, 0, "a uint64"},
    {"t", "x", CFG_DOUBLE, "0.25", 0, 1, NULL, 0, "a double"},
    {"t", "flag", CFG_BOOL, "off", 0, 0, NULL, 0, "a bool | with pipe"},
    {"t", "mode", CFG_ENUM, "exact", 0, 0, modes, 0, "an enum"},
    {"t", "size", CFG_BYTES, "80GiB", 0, 0, NULL, 0, "a size"},
    {"t", "interval", CFG_TIME, "auto", 1, CFG_UNBOUNDED, NULL, CFG_F_AUTO,
     "auto or a time"},
    {"t", "tokens", CFG_COUNT, "3T", 0, 0, NULL, 0, "a count"},
    {"t", "rate", CFG_RATE, "4/s", 0, 0, NULL, 0, "a rate"},
    {"t", "power", CFG_POWER, "700W", 0, 0, NULL, 0, "a power"},
    {"t", "util", CFG_RATIO, "80%", 0, 1, NULL, 0, "a ratio"},
    CFG_KEY_END,
};

static const cfg_key_t *const tables[] = {cfg_keys_cluster, cfg_keys_run,
                                          test_keys, NULL};

static cfg_scenario_t *load_ok(const char *text, const char *const *ov)
{
    cfg_scenario_t *sc = NULL;
    sim_diag_t d = SIM_DIAG_INIT;
    sim_err_t err = cfg_scenario_load_text(tables, text,
                                           text ? strlen(text) : 0, "s.ini",
                                           ov, &sc, &d);
    if (err != SIM_OK) {
        char buf[1024];
        fprintf(stderr, "unexpected: %s\n", sim_diag_format(&d, buf,
                                                             sizeof buf));
    }
    assert_int_equal(err, SIM_OK);
    return sc;
}

/* Load text expecting failure; returns the diagnostic. */
static sim_diag_t load_bad(const char *text, const char *const *ov,
                           sim_err_t code)
{
    cfg_scenario_t *sc = (cfg_scenario_t *)1;
    sim_diag_t d = SIM_DIAG_INIT;
    sim_err_t err = cfg_scenario_load_text(tables, text,
                                           text ? strlen(text) : 0, "s.ini",
                                           ov, &sc, &d);
    if (err != code) {
        char buf[1024];
        fprintf(stderr, "want %d got %d: %s\n", code, err,
                sim_diag_format(&d, buf, sizeof buf));
    }
    assert_int_equal(err, code);
    assert_null(sc);
    return d;
}

static void test_defaults(void **state)
{
    (void)state;
    cfg_scenario_t *sc = NULL;
    assert_int_equal(cfg_scenario_load(tables, NULL, NULL, &sc, NULL),
                     SIM_OK);
    assert_string_equal(cfg_get_str(sc, "cluster.gpu"), "H800");
    assert_int_equal(cfg_get_int(sc, "cluster.gpus"), 8);
    assert_int_equal(cfg_get_enum(sc, "cluster.topology"),
                     CFG_TOPO_SINGLE_NODE);
    assert_string_equal(cfg_get_str(sc, "cluster.topology"), "single-node");
    assert_true(cfg_get_double(sc, "cluster.nic_bandwidth") == 5e10);
    assert_true(cfg_get_double(sc, "cluster.pcie_bandwidth") == 63e9);
    assert_true(cfg_get_double(sc, "cluster.core_oversubscription") == 15);
    assert_true(cfg_is_auto(sc, "cluster.nvlink_bandwidth"));
    assert_true(cfg_get_time_s(sc, "cluster.link_latency") == 5e-7);
    assert_true(cfg_get_time_ns(sc, "cluster.link_latency") == 500);
    assert_true(cfg_get_time_ns(sc, "cluster.switch_latency") == 250);
    assert_int_equal(cfg_get_int(sc, "cluster.segment_gpus"), 1024);
    assert_int_equal(cfg_get_int(sc, "cluster.pod_gpus"), 15360);
    assert_true(cfg_get_uint64(sc, "run.seed") == 1);
    /* every type of the test table */
    assert_string_equal(cfg_get_str(sc, "t.name"), "llama3-70b");
    assert_int_equal(cfg_get_int(sc, "t.count"), 3);
    assert_false(cfg_get_bool(sc, "t.flag"));
    assert_int_equal(cfg_get_enum(sc, "t.mode"), 1);
    assert_true(cfg_get_double(sc, "t.size") == 85899345920.0);
    assert_true(cfg_get_double(sc, "t.tokens") == 3e12);
    assert_true(cfg_get_double(sc, "t.util") == 0.8);
    assert_true(cfg_get_double(sc, "t.power") == 700);
    assert_true(cfg_get_double(sc, "t.rate") == 4);
    assert_true(cfg_is_auto(sc, "t.interval"));
    assert_string_equal(cfg_get_str(sc, "t.interval"), "auto");
    const char *file = "x";
    int line = -1;
    cfg_origin(sc, "cluster.gpus", &file, &line);
    assert_string_equal(file, "");
    assert_int_equal(line, 0);
    assert_true(cfg_has_key(sc, "cluster.gpus"));
    assert_false(cfg_has_key(sc, "cluster.nope"));
    cfg_scenario_free(sc);
    cfg_scenario_free(NULL);
}

static void test_file_and_overrides(void **state)
{
    (void)state;
    const char *text = "[cluster]\n"
                       "gpu = H100\n"
                       "gpus = 1024\n"
                       "topology = hpn\n"
                       "nic_ports = 2\n"
                       "nvlink_bandwidth = 450GB/s\n"
                       "[t]\n"
                       "interval = 30min\n"
                       "flag = yes\n";
    const char *const ov[] = {"cluster.gpus = 2048", "run.seed=42",
                              "t.mode=fast", "cluster.gpus=4096", NULL};
    cfg_scenario_t *sc = load_ok(text, ov);
    assert_string_equal(cfg_get_str(sc, "cluster.gpu"), "H100");
    assert_int_equal(cfg_get_int(sc, "cluster.gpus"), 4096); /* last wins */
    assert_int_equal(cfg_get_enum(sc, "cluster.topology"), CFG_TOPO_HPN);
    assert_false(cfg_is_auto(sc, "cluster.nvlink_bandwidth"));
    assert_true(cfg_get_double(sc, "cluster.nvlink_bandwidth") == 4.5e11);
    assert_true(cfg_get_time_s(sc, "t.interval") == 1800);
    assert_true(cfg_get_time_ns(sc, "t.interval") == 1800000000000LL);
    assert_true(cfg_get_bool(sc, "t.flag"));
    assert_int_equal(cfg_get_enum(sc, "t.mode"), 0);
    assert_true(cfg_get_uint64(sc, "run.seed") == 42);
    const char *file;
    int line;
    cfg_origin(sc, "cluster.topology", &file, &line);
    assert_string_equal(file, "s.ini");
    assert_int_equal(line, 4);
    cfg_origin(sc, "cluster.gpus", &file, &line);
    assert_string_equal(file, "--set");
    cfg_scenario_free(sc);
}

static void test_unknown_keys_suggest(void **state)
{
    (void)state;
    sim_diag_t d = load_bad("[cluster]\n\ngpus_per_nod = 8\n", NULL,
                            SIM_ERR_INPUT);
    assert_string_equal(d.file, "s.ini");
    assert_int_equal(d.line, 3);
    assert_string_equal(d.key, "cluster.gpus_per_nod");
    assert_non_null(strstr(d.msg, "did you mean cluster.gpus_per_node?"));

    /* Same name, wrong section. */
    d = load_bad("[run]\ngpus = 8\n", NULL, SIM_ERR_INPUT);
    assert_non_null(strstr(d.msg, "did you mean cluster.gpus?"));

    /* Nothing close. */
    d = load_bad("[cluster]\nzzzzzzzzzzzz = 1\n", NULL, SIM_ERR_INPUT);
    assert_null(strstr(d.msg, "did you mean"));
    assert_non_null(strstr(d.msg, "--help-keys"));

    /* Unknown section. */
    d = load_bad("[clustr]\ngpus = 8\n", NULL, SIM_ERR_INPUT);
    assert_int_equal(d.line, 1);
    assert_non_null(strstr(d.msg, "did you mean [cluster]?"));

    /* Overrides go through the same checks and name --set. */
    const char *const ov[] = {"cluster.topolgy=hpn", NULL};
    d = load_bad(NULL, ov, SIM_ERR_INPUT);
    assert_string_equal(d.file, "--set");
    assert_non_null(strstr(d.msg, "did you mean cluster.topology?"));
    const char *const ov2[] = {"cluster.gpus", NULL};
    d = load_bad(NULL, ov2, SIM_ERR_INPUT);
    assert_non_null(strstr(d.msg, "expected section.key=value"));
    const char *const ov3[] = {"gpus=8", NULL};
    d = load_bad(NULL, ov3, SIM_ERR_INPUT);
    assert_non_null(strstr(d.msg, "names no section"));
}

static void test_value_errors(void **state)
{
    (void)state;
    sim_diag_t d = load_bad("[cluster]\ngpus = 8\ngpus = 16\n", NULL,
                            SIM_ERR_INPUT);
    assert_int_equal(d.line, 3);
    assert_string_equal(d.key, "cluster.gpus");
    assert_non_null(strstr(d.msg, "duplicate"));

    d = load_bad("[cluster]\ngpus_per_node = 65\n", NULL, SIM_ERR_RANGE);
    assert_int_equal(d.line, 2);
    assert_string_equal(d.key, "cluster.gpus_per_node");
    assert_non_null(strstr(d.msg, "[1, 64]"));

    d = load_bad("[cluster]\n# c\nnic_bandwidth = 400\n", NULL, SIM_ERR_UNIT);
    assert_int_equal(d.line, 3);
    assert_string_equal(d.key, "cluster.nic_bandwidth");
    assert_non_null(strstr(d.msg, "no unit"));

    d = load_bad("[cluster]\ntopology = torus\n", NULL, SIM_ERR_INPUT);
    assert_non_null(strstr(d.msg, "single-node | rail-fat-tree"));

    d = load_bad("[cluster]\noversubscription = 0.5\n", NULL, SIM_ERR_RANGE);
    assert_non_null(strstr(d.msg, ">= 1"));
    d = load_bad("[cluster]\nlink_latency = -1us\n", NULL, SIM_ERR_RANGE);
    d = load_bad("[cluster]\ngpu =\n", NULL, SIM_ERR_INPUT);
    d = load_bad("[cluster]\ngpu = a\x01z\n", NULL, SIM_ERR_INPUT);
    d = load_bad("[t]\ninterval = 0.5s\n", NULL, SIM_ERR_RANGE);
    d = load_bad("[t]\ncount = auto\n", NULL, SIM_ERR_UNIT);

    const char *const ov[] = {"cluster.gpus=0", NULL};
    d = load_bad(NULL, ov, SIM_ERR_RANGE);
    assert_string_equal(d.file, "--set");
    assert_string_equal(d.key, "cluster.gpus");

    /* A syntax error is reported by the parser with its line. */
    d = load_bad("[cluster]\ngpus 8\n", NULL, SIM_ERR_INPUT);
    assert_int_equal(d.line, 2);
}

static void test_bad_default_is_reported(void **state)
{
    (void)state;
    static const cfg_key_t broken[] = {
        {"b", "bw", CFG_BANDWIDTH, "400", 0, 0, NULL, 0, "no unit"},
        CFG_KEY_END,
    };
    const cfg_key_t *const t[] = {broken, NULL};
    cfg_scenario_t *sc = NULL;
    sim_diag_t d = SIM_DIAG_INIT;
    assert_int_equal(cfg_scenario_load(t, NULL, NULL, &sc, &d), SIM_ERR_UNIT);
    assert_null(sc);
    assert_string_equal(d.key, "b.bw");
    assert_non_null(strstr(d.msg, "default"));
}

static void test_missing_file(void **state)
{
    (void)state;
    cfg_scenario_t *sc = NULL;
    sim_diag_t d = SIM_DIAG_INIT;
    assert_int_equal(cfg_scenario_load(tables, "/nonexistent/x.ini", NULL,
                                       &sc, &d),
                     SIM_ERR_IO);
    assert_string_equal(d.file, "/nonexistent/x.ini");
}

static void test_canonical_and_hash(void **state)
{
    (void)state;
    cfg_scenario_t *a = load_ok(NULL, NULL);
    /* Same values: defaults written out, other units, other order. */
    cfg_scenario_t *b = load_ok("[t]\nutil = 0.8\nsize = 80GiB\n"
                                "[cluster]\nlink_latency = 0.5us\n"
                                "nic_bandwidth = 50GB/s\ngpus = 8\n"
                                "switch_latency = 250ns\n",
                                NULL);
    const char *const ov[] = {"t.count=-0", "t.count=3", NULL};
    cfg_scenario_t *c = load_ok(NULL, ov);
    const char *const ov2[] = {"cluster.gpus=16", NULL};
    cfg_scenario_t *e = load_ok(NULL, ov2);

    char *ja = cfg_scenario_canonical(a);
    char *jb = cfg_scenario_canonical(b);
    assert_non_null(ja);
    assert_string_equal(ja, jb);
    assert_true(cfg_scenario_hash(a) == cfg_scenario_hash(b));
    assert_true(cfg_scenario_hash(a) == cfg_scenario_hash(c));
    assert_true(cfg_scenario_hash(a) != cfg_scenario_hash(e));
    assert_true(cfg_scenario_hash(a) == cfg_fnv1a64(ja, strlen(ja)));
    assert_true(cfg_scenario_hash(a) != 0);

    /* Content: sorted sections, base units, every key. */
    assert_non_null(strstr(ja, "\"cluster\":{\"core_oversubscription\":"));
    assert_non_null(strstr(ja, "\"nic_bandwidth\":50000000000.0"));
    assert_non_null(strstr(ja, "\"nvlink_bandwidth\":\"auto\""));
    assert_non_null(strstr(ja, "\"topology\":\"single-node\""));
    assert_non_null(strstr(ja, "\"run\":{\"seed\":1}"));
    assert_non_null(strstr(ja, "\"flag\":false"));
    assert_true(strstr(ja, "\"cluster\"") < strstr(ja, "\"run\""));
    assert_true(strstr(ja, "\"run\"") < strstr(ja, "\"t\""));
    json_t *root = cfg_scenario_json(a);
    size_t n_cluster = 0;
    while (cfg_keys_cluster[n_cluster].name != NULL)
        n_cluster++;
    assert_true(n_cluster >= 16);
    assert_int_equal(json_object_size(json_object_get(root, "cluster")), n_cluster);
    assert_int_equal(json_object_size(json_object_get(root, "t")), 12);
    json_decref(root);

    /* FNV-1a 64 reference vectors. */
    assert_true(cfg_fnv1a64("", 0) == 0xcbf29ce484222325ull);
    assert_true(cfg_fnv1a64("a", 1) == 0xaf63dc4c8601ec8cull);

    free(ja);
    free(jb);
    cfg_scenario_free(a);
    cfg_scenario_free(b);
    cfg_scenario_free(c);
    cfg_scenario_free(e);
}

static void test_big_seed_json(void **state)
{
    (void)state;
    const char *const ov[] = {"run.seed=18446744073709551615", NULL};
    cfg_scenario_t *sc = load_ok(NULL, ov);
    assert_true(cfg_get_uint64(sc, "run.seed") == UINT64_MAX);
    char *j = cfg_scenario_canonical(sc);
    assert_non_null(strstr(j, "\"seed\":\"18446744073709551615\""));
    free(j);
    cfg_scenario_free(sc);
}

/* Write the reference of tables in format fmt into a new string. */
static char *reference(cfg_ref_format_t fmt)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(cfg_keys_reference(tables, f, fmt), SIM_OK);
    fclose(f);
    return buf;
}

static void test_reference(void **state)
{
    (void)state;
    char *md = reference(CFG_REF_MARKDOWN);
    assert_true(strlen(md) > 1000);
    for (size_t t = 0; tables[t] != NULL; t++)
        for (size_t i = 0; tables[t][i].name != NULL; i++) {
            char want[128];
            snprintf(want, sizeof want, "| `%s.%s` |", tables[t][i].section,
                     tables[t][i].name);
            if (strstr(md, want) == NULL)
                fprintf(stderr, "missing %s\n", want);
            assert_non_null(strstr(md, want));
        }
    assert_non_null(strstr(md, "### [cluster]"));
    assert_non_null(strstr(md, "| `400Gbps` |"));
    assert_non_null(strstr(md, "1 .. 64"));
    assert_non_null(strstr(md, "a bool \\| with pipe")); /* escaped */
    assert_non_null(strstr(md, "duration or auto"));

    /* The INI reference is a scenario with every default: loading it gives
     * exactly the defaults. */
    char *ini = reference(CFG_REF_INI);
    cfg_scenario_t *from_ref = load_ok(ini, NULL);
    cfg_scenario_t *defaults = load_ok(NULL, NULL);
    assert_true(cfg_scenario_hash(from_ref) == cfg_scenario_hash(defaults));
    const char *file;
    cfg_origin(from_ref, "cluster.fat_tree_k", &file, NULL);
    assert_string_equal(file, "s.ini"); /* really came from the text */
    cfg_scenario_free(from_ref);
    cfg_scenario_free(defaults);
    free(md);
    free(ini);

    /* A failing stream is reported. */
    FILE *ro = fopen("/dev/full", "w");
    if (ro != NULL) {
        assert_int_equal(cfg_keys_reference(tables, ro, CFG_REF_MARKDOWN),
                         SIM_ERR_IO);
        fclose(ro);
    }
}

static void test_load_from_file(void **state)
{
    (void)state;
    char path[] = "/tmp/test_scenario_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *text = "[cluster]\ngpus = 64\n";
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    cfg_scenario_t *sc = NULL;
    assert_int_equal(cfg_scenario_load(tables, path, NULL, &sc, NULL),
                     SIM_OK);
    assert_int_equal(cfg_get_int(sc, "cluster.gpus"), 64);
    const char *file;
    int line;
    cfg_origin(sc, "cluster.gpus", &file, &line);
    assert_string_equal(file, path);
    assert_int_equal(line, 2);
    cfg_scenario_free(sc);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_file_and_overrides),
        cmocka_unit_test(test_unknown_keys_suggest),
        cmocka_unit_test(test_value_errors),
        cmocka_unit_test(test_bad_default_is_reported),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_canonical_and_hash),
        cmocka_unit_test(test_big_seed_json),
        cmocka_unit_test(test_reference),
        cmocka_unit_test(test_load_from_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
