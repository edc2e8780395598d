/*
 * keys_run.c — the [run] key table: settings of a run rather than of the
 * modelled system.
 */
#include "sim/config/keys.h"

const cfg_key_t cfg_keys_run[] = {
    {"run", "seed", CFG_UINT64, "1", 0, 0, NULL, 0,
     "master random seed; every random stream is derived from it and its "
     "name, so the same seed gives the same bytes out"},
    CFG_KEY_END,
};
