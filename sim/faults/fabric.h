/*
 * fabric.h — what a network failure does to a job, decided from the
 * topology's structure: stop it, or only slow it until repair.
 *
 * The job runs on the first job_nodes nodes of a topology (topo.h).  The
 * fabric view keeps its own down-counts on top of the topology's state
 * (it never changes the topo_t, so one topology may serve many
 * replications at once):
 *   - a NIC port (its cable) down: the NIC loses that port;
 *   - a leaf/ToR down: every job NIC port cabled to it is lost;
 *   - a spine down: every job leaf loses its uplinks to it.
 * The job is interrupted when some job NIC has no usable port left (or a
 * job leaf has no uplink left); otherwise the failure is a degradation:
 * the element stays down until flt_fabric_repair.  On `hpn` (each NIC has
 * two ports on two different ToRs) one ToR or one port failure leaves every
 * NIC a port: slowdown.  On `rail-fat-tree` (single-homed NICs) it does
 * not: interruption.  Nothing here looks at the topology's name.
 *
 * An interrupting failure is not kept down: the job restarts on a spare
 * node away from it (recovery is goodput.c's business).
 *
 * The degraded state a job sees is summarised by flt_fabric_state_t: the
 * worst NIC's usable ports and the worst leaf's usable uplinks.  Synchronous
 * training runs at the pace of its slowest member, so the worst element sets
 * the slowdown; equal states give equal slowdowns, which lets callers cache
 * an expensive slowdown model by state.
 *
 * Assumes: the topology is finalized and outlives the fabric; its
 * structure (not its state) is not changed meanwhile.
 */
#ifndef SIM_FAULTS_FABRIC_H
#define SIM_FAULTS_FABRIC_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/core/error.h"
#include "sim/faults/fault_model.h"
#include "topologies/topo.h"

typedef struct flt_fabric flt_fabric_t;

typedef enum flt_effect {
    FLT_EFFECT_NONE = 0,  /* nothing the job uses (already down) */
    FLT_EFFECT_DEGRADE,   /* the job goes on, slower, until repair */
    FLT_EFFECT_INTERRUPT, /* the job stops */
} flt_effect_t;

/* The degraded state a job sees.  All-equal fields (ports_min == ports,
 * uplinks_min == uplinks_of_min_leaf) mean "healthy".  Compare with
 * memcmp-free equality (flt_fabric_state_eq). */
typedef struct flt_fabric_state {
    int32_t ports_min;   /* usable ports of the worst job NIC */
    int32_t ports;       /* ports per NIC */
    int32_t uplinks_min; /* usable uplinks of the worst job leaf (by ratio) */
    int32_t uplinks;     /* that leaf's uplinks when healthy (0: no tier) */
} flt_fabric_state_t;

/*
 * A view of topology t for a job on its first job_nodes nodes (1 ..
 * t->n_nodes).  Returns SIM_OK and *out (free with flt_fabric_free);
 * SIM_ERR_RANGE when job_nodes is out of range; SIM_ERR_NOMEM.  *out is
 * NULL on failure.  Cost: O(vertices + links).
 */
sim_err_t flt_fabric_new(const topo_t *t, int32_t job_nodes,
                         flt_fabric_t **out, sim_diag_t *diag);

/* Free; NULL is a no-op. */
void flt_fabric_free(flt_fabric_t *f);

/* Bring every element back up (a new replication).  O(elements). */
void flt_fabric_reset(flt_fabric_t *f);

/* How many components of kind comp serve the job: GPUs and nodes of the
 * job, its NICs, NIC ports, the leaves its NICs are cabled to, the spines
 * those leaves reach; 1 for FLT_COMP_JOB.  O(1). */
int64_t flt_fabric_population(const flt_fabric_t *f, flt_comp_t comp);

/*
 * Fail component idx (0 .. population - 1) of kind comp and say what it
 * does to the job.  GPU, node and NIC failures always interrupt; job-level
 * failures interrupt.  A DEGRADE leaves the element down; INTERRUPT and
 * NONE leave the state as it was.  O(ports or uplinks of the element).
 */
flt_effect_t flt_fabric_fail(flt_fabric_t *f, flt_comp_t comp, int64_t idx);

/* Bring a degraded element back up (after flt_fabric_fail returned
 * DEGRADE for it).  Repairing an element that is up is a programmer
 * error (assert).  O(ports or uplinks of the element). */
void flt_fabric_repair(flt_fabric_t *f, flt_comp_t comp, int64_t idx);

/* The current degraded state.  O(1) for NIC ports; O(job leaves) after a
 * spine changed (cached until the next change). */
void flt_fabric_state(flt_fabric_t *f, flt_fabric_state_t *st);

/* Equality of two states. */
bool flt_fabric_state_eq(const flt_fabric_state_t *a,
                         const flt_fabric_state_t *b);

/* The usable bandwidth fraction of a state, in (0, 1]: the smaller of
 * ports_min / ports and uplinks_min / uplinks. */
double flt_fabric_state_bw(const flt_fabric_state_t *st);

/* Fraction of components of kind comp whose failure alone (on a healthy
 * fabric) interrupts the job, in [0, 1]; 0 when there are none.  Used to
 * estimate the interrupting failure rate for Young/Daly.  Cost: one
 * fail/undo per component. */
double flt_fabric_interrupt_fraction(flt_fabric_t *f, flt_comp_t comp);

#endif /* SIM_FAULTS_FABRIC_H */
