/*
 * eq_check.c — sim_eq_check: verifies every invariant of the event queue
 * listed at the top of eq.c (heap order, run order, regions, record index,
 * slot generations, counts).  O(pending + slots); for tests and debugging,
 * never on the hot path.
 */
#include "sim/engine/eq.h"
#include "sim/engine/eq_int.h"

static sim_err_t check_entry(const sim_eq_t *q, const ent_t *e,
                             uint32_t region, size_t i, sim_diag_t *diag)
{
    uint32_t want = is_run(q, region) ? REGION_FRONT : region;

    if (e->slot >= q->hw || (q->recs[e->slot].gen & 1u) == 0)
        return sim_diag_set(diag, SIM_ERR_CHECK, NULL, 0, NULL,
                            "region %u entry %zu: slot %u is not pending",
                            (unsigned)region, i, (unsigned)e->slot);
    if (q->recs[e->slot].region != region || q->recs[e->slot].index != i)
        return sim_diag_set(diag, SIM_ERR_CHECK, NULL, 0, NULL,
                            "region %u entry %zu: index broken",
                            (unsigned)region, i);
    if (classify(q, e->time) != want)
        return sim_diag_set(diag, SIM_ERR_CHECK, NULL, 0, NULL,
                            "region %u entry %zu: time %lld belongs in %u",
                            (unsigned)region, i, (long long)e->time,
                            (unsigned)classify(q, e->time));
    return SIM_OK;
}

static sim_err_t check_run(const sim_eq_t *q, sim_diag_t *diag)
{
    const vec_t *v;
    size_t i, live_count = 0;
    sim_err_t err;

    if (q->run == NO_RUN)
        return q->nrun == 0 && q->rl == 0 ? SIM_OK
               : sim_diag_set(diag, SIM_ERR_CHECK, NULL, 0, NULL,
                              "no run but %zu run events", q->nrun);
    v = &q->bk[q->run];
    if (q->run >= q->cur || q->rl > v->n ||
        (q->rl < v->n && v->e[q->rl].slot == NO_SLOT))
        return sim_diag_set(diag, SIM_ERR_CHECK, NULL, 0, NULL,
                            "run %u (read at %u of %u) misplaced",
                            (unsigned)q->run, (unsigned)q->rl,
                            (unsigned)v->n);
    for (i = q->rl; i < v->n; i++) {
        if (i > q->rl && !before(&v->e[i - 1], &v->e[i]))
            return sim_diag_set(diag, SIM_ERR_CHECK, NULL, 0, NULL,
                                "run order broken at index %zu", i);
        if (v->e[i].slot == NO_SLOT)
            continue;
        if ((err = check_entry(q, &v->e[i], q->run + 1, i, diag)))
            return err;
        live_count++;
    }
    if (live_count != q->nrun)
        return sim_diag_set(diag, SIM_ERR_CHECK, NULL, 0, NULL,
                            "%zu live run events, %zu counted", live_count,
                            q->nrun);
    return SIM_OK;
}

sim_err_t sim_eq_check(const sim_eq_t *q, sim_diag_t *diag)
{
    size_t i, free_count = 0, pending = 0, far = 0;
    uint32_t s, k;
    sim_err_t err;

    if (q == NULL)
        return sim_diag_set(diag, SIM_ERR_CHECK, NULL, 0, NULL, "queue is NULL");
    if (q->n > q->hw || q->hw > q->cap ||
        q->nheap + q->nrun + q->nfar != q->n || q->cur > q->nb ||
        q->nb > q->bk_alloc || (q->heap_only && q->run != NO_RUN))
        return sim_diag_set(diag, SIM_ERR_CHECK, NULL, 0, NULL,
                            "counts out of range: n %zu, heap %zu, run %zu, "
                            "far %zu, hw %u, cap %zu", q->n, q->nheap,
                            q->nrun, q->nfar, (unsigned)q->hw, q->cap);
    for (i = 0; i < q->nheap; i++) {
        if (i > 0 && before(&q->heap[i], &q->heap[(i - 1) / ARITY]))
            return sim_diag_set(diag, SIM_ERR_CHECK, NULL, 0, NULL,
                                "heap order broken at index %zu", i);
        if ((err = check_entry(q, &q->heap[i], REGION_FRONT, i, diag)))
            return err;
    }
    if ((err = check_run(q, diag)))
        return err;
    for (k = 0; k < q->bk_alloc; k++) {
        if (k == q->run)
            continue;
        if (k < q->cur || k >= q->nb) {
            if (q->bk[k].n != 0)
                return sim_diag_set(diag, SIM_ERR_CHECK, NULL, 0, NULL,
                                    "unused bucket %u holds events",
                                    (unsigned)k);
            continue;
        }
        for (i = 0; i < q->bk[k].n; i++)
            if ((err = check_entry(q, &q->bk[k].e[i], k + 1, i, diag)))
                return err;
        far += q->bk[k].n;
    }
    for (i = 0; i < q->over.n; i++)
        if ((err = check_entry(q, &q->over.e[i], REGION_OVERFLOW, i, diag)))
            return err;
    far += q->over.n;
    if (far != q->nfar)
        return sim_diag_set(diag, SIM_ERR_CHECK, NULL, 0, NULL,
                            "%zu events in buckets, %zu counted", far, q->nfar);
    for (s = 0; s < q->hw; s++)
        pending += q->recs[s].gen & 1u;
    if (pending != q->n)
        return sim_diag_set(diag, SIM_ERR_CHECK, NULL, 0, NULL,
                            "%zu slots pending but %zu events", pending, q->n);
    for (s = q->free_head; s != NO_SLOT; s = q->recs[s].index) {
        if (s >= q->hw || (q->recs[s].gen & 1u) || ++free_count > q->hw)
            return sim_diag_set(diag, SIM_ERR_CHECK, NULL, 0, NULL,
                                "free list broken at slot %u", (unsigned)s);
    }
    if (free_count + q->n != q->hw)
        return sim_diag_set(diag, SIM_ERR_CHECK, NULL, 0, NULL,
                            "%zu free + %zu pending != %u slots used",
                            free_count, q->n, (unsigned)q->hw);
    return SIM_OK;
}
