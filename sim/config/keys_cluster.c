/*
 * keys_cluster.c — the [cluster] key table: the hardware a scenario runs on.
 *
 * Defaults describe an Alibaba-HPN-like H800 cluster (the seed topic of the
 * project).  Every default taken from a paper or datasheet names its source
 * in the doc line (which the key reference shows to users); the full
 * references, tagged as in the project's research notes (catalog-facts.md
 * §1.2, §2.1-2.3, §6), are:
 *   [S26] aliyun/SimAI gen_Topo_Template.py (HPN template defaults)
 *   [S27] NVIDIA DGX SuperPOD H100 reference architecture (8 GPUs, 8 NICs)
 *   [S30] stas00/ml-engineering network/README.md (PCIe per direction)
 *   [S31] Alibaba HPN paper notes (SIGCOMM'24): 8 NICs x 2 x 200G per host,
 *         1,024 GPUs per segment, 15 segments per pod
 *   [S33] HPN paper excerpts: ~15K GPUs per pod, 51.2 Tb/s switch chip
 *   [S36] NVIDIA DGX SuperPOD B200 RA: full (non-blocking) fat tree
 *   [S42] MegaScale (NSDI'24): 3-layer Clos, 1:1 at each layer
 *   [S44] Alibaba C4 (HPCA'25): 8 x H800 per node
 *   [S50] IBM/tulips test notes: ~250 ns one-way switch hop (measured)
 *
 * Bandwidth convention: every bandwidth here is per direction.
 */
#include "sim/config/keys.h"

const char *const cfg_cluster_topologies[] = {
    "single-node", "rail-fat-tree", "hpn", "fat-tree", "spine-leaf", NULL,
};

const char *const cfg_cluster_ecmp_modes[] = {"hash", "spray", NULL};

/* Upper bound on cluster size: far beyond any built cluster, it keeps a
 * typo ("gpus = 10000000000") from asking a topology builder for
 * terabytes. */
#define MAX_GPUS 1048576

const cfg_key_t cfg_keys_cluster[] = {
    {"cluster", "gpu", CFG_STRING, "H800", 0, 0, NULL, 0,
     "GPU type: a name from the hardware catalog (`gpusim topo --list-gpus`),"
     " case-insensitive; H800 is the GPU of Alibaba's HPN and C4 clusters "
     "(C4, HPCA'25)"},
    {"cluster", "gpus", CFG_INT, "8", 1, MAX_GPUS, NULL, 0,
     "number of GPUs in the cluster"},
    {"cluster", "gpus_per_node", CFG_INT, "8", 1, 64, NULL, 0,
     "GPUs per node (server); 8 in HGX/DGX nodes (DGX H100 reference "
     "architecture)"},
    {"cluster", "topology", CFG_ENUM, "single-node", 0, 0,
     cfg_cluster_topologies, 0,
     "fabric between nodes: single-node (no fabric), rail-fat-tree "
     "(rail-optimised leaves), hpn (Alibaba HPN: dual-ToR, dual-plane), "
     "fat-tree (k-ary), spine-leaf (two tiers)"},
    {"cluster", "nic_bandwidth", CFG_BANDWIDTH, "400Gbps", 125, CFG_UNBOUNDED,
     NULL, 0,
     "bandwidth of one NIC, all its ports together, per direction; "
     "400 Gb/s per GPU in HPN (2 x 200G, SIGCOMM'24) and DGX H100"},
    {"cluster", "nics_per_node", CFG_INT, "8", 1, 64, NULL, 0,
     "backend NICs per node; 8 (one per GPU) in HPN (SIGCOMM'24) and "
     "DGX H100"},
    {"cluster", "nic_ports", CFG_INT, "auto", 1, 2, NULL, CFG_F_AUTO,
     "ports per NIC, each carrying nic_bandwidth / nic_ports; auto = 2 on "
     "hpn (two ports wired to two different ToRs, HPN SIGCOMM'24), 1 "
     "elsewhere"},
    {"cluster", "oversubscription", CFG_RATIO, "1", 1, CFG_UNBOUNDED, NULL,
     0,
     "leaf-to-spine oversubscription (downlink / uplink bandwidth); 1 = "
     "non-blocking, as in DGX SuperPOD and MegaScale (NSDI'24)"},
    {"cluster", "core_oversubscription", CFG_RATIO, "15", 1, CFG_UNBOUNDED,
     NULL, 0,
     "oversubscription of the tier above pods/spines; 15 = HPN's "
     "aggregation to core ratio derived from SimAI's HPN template (120 x "
     "400G down, 8 up), uncertain: not read from the paper itself"},
    {"cluster", "pcie_bandwidth", CFG_BANDWIDTH, "63GB/s", 1e3, CFG_UNBOUNDED,
     NULL, 0,
     "GPU-to-NIC/host PCIe bandwidth per direction; PCIe Gen5 x16 = "
     "63 GB/s per direction (ml-engineering PCIe table)"},
    {"cluster", "nvlink_bandwidth", CFG_BANDWIDTH, "auto", 1e3, CFG_UNBOUNDED,
     NULL, CFG_F_AUTO,
     "scale-up (NVLink) bandwidth per GPU per direction; auto = the GPU "
     "catalog's nvlink_bandwidth (NVIDIA's bidirectional figure / 2)"},
    {"cluster", "ecmp", CFG_ENUM, "hash", 0, 0, cfg_cluster_ecmp_modes, 0,
     "how flows pick among equal-cost paths: hash (per flow, by a hash of "
     "the endpoints, so flows may collide on an uplink, as with ECMP on "
     "real fabrics) or spray (per packet, the flow split evenly over the "
     "equal-cost paths: adaptive routing)"},
    {"cluster", "link_latency", CFG_TIME, "500ns", 0, 1, NULL, 0,
     "latency of one network link including NIC overhead; SimAI's default "
     "NIC latency 0.0005 ms (aliyun/SimAI topology template)"},
    {"cluster", "switch_latency", CFG_TIME, "250ns", 0, 1, NULL, 0,
     "latency of one switch hop; ~250 ns one-way measured on an Ethernet/IB "
     "switch (IBM/tulips measurements)"},
    {"cluster", "segment_gpus", CFG_INT, "1024", 1, MAX_GPUS, NULL, 0,
     "hpn: GPUs per segment (tier 1, one ToR group); 1,024 in HPN "
     "(SIGCOMM'24)"},
    {"cluster", "pod_gpus", CFG_INT, "15360", 1, MAX_GPUS, NULL, 0,
     "hpn: GPUs per pod (tier 2); ~15K in HPN = 15 segments x 1,024, "
     "SimAI's HPN default 15,360 (SIGCOMM'24)"},
    {"cluster", "fat_tree_k", CFG_INT, "0", 0, 256, NULL, 0,
     "fat-tree: switch radix k (even); 0 = the smallest k that fits the "
     "GPUs"},
    CFG_KEY_END,
};
