/*
 * fuzz_scenario.c — libFuzzer harness for the scenario loader: bytes go
 * through the INI parser and validation against the [cluster] and [run]
 * keys; on success the canonical JSON and hash are computed too (they must
 * agree), so the whole load → resolve → render path is exercised.
 *
 * The first line of the input, when it starts with "--set ", is used as
 * one override, so the fuzzer also reaches the override path.
 *
 * Build and run (from the repository root; the embedded catalog is not
 * needed):
 *   clang -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -I. \
 *     -fsanitize=fuzzer,address,undefined $(pkg-config --cflags jansson) \
 *     tests/fuzz/fuzz_scenario.c sim/config/ini.c sim/config/units.c \
 *     sim/config/schema.c sim/config/scenario.c sim/config/keys_cluster.c \
 *     sim/config/keys_run.c sim/core/error.c \
 *     $(pkg-config --libs jansson) -lm -o fuzz_scenario
 *   mkdir -p /tmp/fuzz-corpus
 *   ./fuzz_scenario -max_total_time=180 -max_len=4096 \
 *     /tmp/fuzz-corpus tests/fuzz/corpus
 * (the first corpus directory receives new inputs; the checked-in seeds
 * stay unchanged).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/config/keys.h"
#include "sim/config/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const cfg_key_t *const tables[] = {cfg_keys_cluster, cfg_keys_run,
                                              NULL};
    const char *text = (const char *)data;
    char *override = NULL;
    const char *overrides[2] = {NULL, NULL};

    if (size > 6 && memcmp(data, "--set ", 6) == 0) {
        const uint8_t *nl = memchr(data, '\n', size);
        size_t n = nl ? (size_t)(nl - data) : size;
        override = malloc(n - 6 + 1);
        if (override == NULL)
            return 0;
        memcpy(override, data + 6, n - 6);
        override[n - 6] = '\0'; /* an embedded NUL just shortens it */
        overrides[0] = override;
        text += nl ? n + 1 : n;
        size -= nl ? n + 1 : n;
    }

    cfg_scenario_t *sc = NULL;
    sim_diag_t diag = SIM_DIAG_INIT;
    sim_err_t err = cfg_scenario_load_text(tables, text, size, "fuzz.ini",
                                           overrides, &sc, &diag);
    if (err == SIM_OK) {
        char *canon = cfg_scenario_canonical(sc);
        if (canon == NULL)
            abort(); /* every accepted scenario must render */
        if (cfg_fnv1a64(canon, strlen(canon)) != cfg_scenario_hash(sc))
            abort();
        free(canon);
        cfg_scenario_free(sc);
    } else {
        if (sc != NULL || diag.code != err || diag.msg[0] == '\0')
            abort(); /* failures leave nothing behind and say why */
    }
    free(override);
    return 0;
}
