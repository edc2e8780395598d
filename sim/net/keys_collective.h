/*
 * keys_collective.h — [collective] scenario keys (op, bytes, algo,
 * channels, collapse).  The enum orders match sim_coll_op_t and
 * sim_coll_algo_t (coll_algo.h), so cfg_get_enum indexes them directly.
 */
#ifndef SIM_NET_KEYS_COLLECTIVE_H
#define SIM_NET_KEYS_COLLECTIVE_H

#include "sim/config/schema.h"

extern const char *const sim_coll_key_ops[];
extern const char *const sim_coll_key_algos[];
extern const cfg_key_t sim_coll_keys[];

#endif /* SIM_NET_KEYS_COLLECTIVE_H */
