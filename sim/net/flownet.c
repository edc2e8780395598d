/*
 * flownet.c — the flow network's life cycle: flow and sub-flow pools, the
 * three event handlers (flow admission/completion, sub-flow drain, the
 * batched solve), queries and the self-test.  Routing and failures are in
 * flownet_route.c.  See flownet.h for the model and flownet_int.h for the
 * invariants kept here.
 *
 * Assumes: the engine and topology outlive the net; handlers run from
 * sim_engine_run, one at a time.
 */
#include "sim/net/flownet_int.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Residues that snap to zero (flownet.h): absolute bytes, and relative to
 * the sub-flow's size. */
#define SNAP_ABS 1e-6
#define SNAP_REL 1e-12

static void ev_flow(void *ctx, void *arg);
static void ev_drain(void *ctx, void *arg);
static void ev_solve(void *ctx, void *arg);

#define SLOT_ARG(i) ((void *)(uintptr_t)(i))
#define ARG_SLOT(a) ((int32_t)(uintptr_t)(a))

/* ---- parameters --------------------------------------------------------- */

void sim_net_params_default(sim_net_params_t *p)
{
    p->ecmp = SIM_NET_ECMP_HASH;
    p->message_overhead_s = 0.0;
    p->nvlink_efficiency = 1.0;
    p->nic_efficiency = 1.0;
}

static bool eff_ok(double e)
{
    return isfinite(e) && e > 0.0 && e <= 1.0;
}

sim_err_t sim_net_params_check(const sim_net_params_t *p, sim_diag_t *diag)
{
    if (p->ecmp != SIM_NET_ECMP_HASH && p->ecmp != SIM_NET_ECMP_SPRAY)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, "network.ecmp",
                            "unknown ECMP mode %d; expected hash or spray",
                            (int)p->ecmp);
    if (!isfinite(p->message_overhead_s) || p->message_overhead_s < 0.0)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0,
                            "network.message_overhead",
                            "expected a finite duration >= 0, got %g s",
                            p->message_overhead_s);
    if (!eff_ok(p->nvlink_efficiency))
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0,
                            "network.nvlink_efficiency",
                            "expected a value in (0, 1], got %g",
                            p->nvlink_efficiency);
    if (!eff_ok(p->nic_efficiency))
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0,
                            "network.nic_efficiency",
                            "expected a value in (0, 1], got %g",
                            p->nic_efficiency);
    return SIM_OK;
}

/* ---- construction ------------------------------------------------------- */

double fn_link_capacity(const sim_net_t *net, int32_t l)
{
    return topo_link_usable(net->topo, l) ? net->topo->l_bw[l] : 0.0;
}

sim_net_t *sim_net_new(sim_engine_t *eng, topo_t *topo,
                       const sim_net_params_t *p)
{
    sim_net_t *net = calloc(1, sizeof *net);
    if (net == NULL)
        return NULL;
    net->eng = eng;
    net->topo = topo;
    sim_net_params_default(&net->p);
    if (p != NULL && sim_net_params_check(p, NULL) == SIM_OK)
        net->p = *p;
    net->free_head = net->free_tail = -1;
    net->sub_free = -1;
    topo_spray_init(&net->spray);

    size_t nl = (size_t)topo->n_links;
    net->lmm = sim_lmm_new();
    net->link_cnst = malloc((nl + 1) * sizeof *net->link_cnst);
    net->link_head = malloc((nl + 1) * sizeof *net->link_head);
    net->vlinks = malloc((2 * (size_t)topo->max_degree + 1) *
                         sizeof *net->vlinks);
    if (net->lmm == NULL || net->link_cnst == NULL ||
        net->link_head == NULL || net->vlinks == NULL)
        goto fail;
    for (size_t l = 0; l < nl; l++) {
        net->link_head[l] = -1;
        if (sim_lmm_constraint_new(net->lmm,
                                   fn_link_capacity(net, (int32_t)l),
                                   &net->link_cnst[l]) != SIM_OK)
            goto fail;
    }
    return net;
fail:
    sim_net_free(net);
    return NULL;
}

void sim_net_free(sim_net_t *net)
{
    if (net == NULL)
        return;
    for (size_t i = 0; i < net->flows_cap; i++)
        if (net->flows[i].state != FN_FREE)
            sim_engine_cancel(net->eng, net->flows[i].ev);
    for (size_t i = 0; i < net->subs_cap; i++)
        if (net->subs[i].var >= 0)
            sim_engine_cancel(net->eng, net->subs[i].ev);
    if (net->solve_pending)
        sim_engine_cancel(net->eng, net->solve_ev);
    sim_lmm_free(net->lmm);
    free(net->link_cnst);
    free(net->link_head);
    free(net->flows);
    free(net->subs);
    free(net->e_link);
    free(net->e_next);
    free(net->e_prev);
    free(net->var_sf);
    topo_spray_destroy(&net->spray);
    free(net->dec_rem);
    free(net->dec_links);
    free(net->dec_w);
    free(net->aff);
    free(net->vlinks);
    free(net);
}

/* ---- pools -------------------------------------------------------------- */

static sim_err_t flow_alloc(sim_net_t *net, int32_t *out)
{
    if (net->free_head < 0) {
        size_t old = net->flows_cap, cap = old ? old * 2 : 64;
        if (cap > (size_t)FN_SLOT_MASK + 1)
            cap = (size_t)FN_SLOT_MASK + 1;
        if (cap <= old)
            return SIM_ERR_NOMEM; /* 2^24 flows alive: the id space is full */
        fn_flow_t *f = realloc(net->flows, cap * sizeof *f);
        if (f == NULL)
            return SIM_ERR_NOMEM;
        memset(f + old, 0, (cap - old) * sizeof *f);
        for (size_t i = old; i < cap; i++) {
            f[i].gen = 1;
            f[i].next_free = i + 1 < cap ? (int32_t)(i + 1) : -1;
        }
        net->flows = f;
        net->flows_cap = cap;
        net->free_head = (int32_t)old;
        net->free_tail = (int32_t)(cap - 1);
    }
    int32_t i = net->free_head;
    net->free_head = net->flows[i].next_free;
    if (net->free_head < 0)
        net->free_tail = -1;
    *out = i;
    return SIM_OK;
}

/* Return slot i to the tail of the free list (FIFO: a slot comes back
 * only after every other free slot was used, so stale ids stay stale). */
static void flow_release(sim_net_t *net, int32_t i)
{
    fn_flow_t *f = &net->flows[i];
    f->state = FN_FREE;
    f->gen = f->gen % FN_GEN_MAX + 1;
    f->next_free = -1;
    f->done = NULL;
    f->ctx = NULL;
    if (net->free_tail >= 0)
        net->flows[net->free_tail].next_free = i;
    else
        net->free_head = i;
    net->free_tail = i;
}

static int32_t flow_id(const sim_net_t *net, int32_t slot)
{
    return (int32_t)((net->flows[slot].gen << FN_SLOT_BITS) | (uint32_t)slot);
}

/* Slot of a live flow id, or -1. */
static int32_t flow_lookup(const sim_net_t *net, int32_t id)
{
    if (id <= 0)
        return -1;
    uint32_t slot = (uint32_t)id & FN_SLOT_MASK, gen = (uint32_t)id >> FN_SLOT_BITS;
    if (slot >= net->flows_cap || net->flows[slot].state == FN_FREE ||
        net->flows[slot].gen != gen)
        return -1;
    return (int32_t)slot;
}

sim_err_t fn_sub_alloc(sim_net_t *net, int32_t *out)
{
    if (net->sub_free < 0) {
        size_t old = net->subs_cap, cap = old ? old * 2 : 64;
        if (cap > (size_t)INT32_MAX / FN_HOPS)
            return SIM_ERR_NOMEM;
        fn_sub_t *s = realloc(net->subs, cap * sizeof *s);
        if (s == NULL)
            return SIM_ERR_NOMEM;
        net->subs = s;
        int32_t *a = realloc(net->e_link, cap * FN_HOPS * sizeof *a);
        if (a == NULL)
            return SIM_ERR_NOMEM;
        net->e_link = a;
        a = realloc(net->e_next, cap * FN_HOPS * sizeof *a);
        if (a == NULL)
            return SIM_ERR_NOMEM;
        net->e_next = a;
        a = realloc(net->e_prev, cap * FN_HOPS * sizeof *a);
        if (a == NULL)
            return SIM_ERR_NOMEM;
        net->e_prev = a;
        for (size_t i = old; i < cap; i++) {
            memset(&s[i], 0, sizeof s[i]);
            s[i].var = -1;
            s[i].next = i + 1 < cap ? (int32_t)(i + 1) : -1;
        }
        net->subs_cap = cap;
        net->sub_free = (int32_t)old;
    }
    int32_t i = net->sub_free;
    fn_sub_t *s = &net->subs[i];
    net->sub_free = s->next;
    memset(s, 0, sizeof *s);
    s->var = -1;
    s->next = -1;
    *out = i;
    return SIM_OK;
}

sim_err_t fn_var_reserve(sim_net_t *net, int v)
{
    if ((size_t)v < net->var_cap)
        return SIM_OK;
    size_t cap = net->var_cap ? net->var_cap : 64;
    while (cap <= (size_t)v)
        cap *= 2;
    int32_t *a = realloc(net->var_sf, cap * sizeof *a);
    if (a == NULL)
        return SIM_ERR_NOMEM;
    for (size_t i = net->var_cap; i < cap; i++)
        a[i] = -1;
    net->var_sf = a;
    net->var_cap = cap;
    return SIM_OK;
}

/* ---- sub-flows ---------------------------------------------------------- */

static double snap(double rem, double bytes)
{
    return rem < SNAP_ABS || rem < SNAP_REL * bytes ? 0.0 : rem;
}

void fn_sub_catch_up(fn_sub_t *s, sim_time_t now)
{
    if (now > s->last && s->rate > 0.0)
        s->rem = snap(s->rem - s->rate * sim_time_to_s(now - s->last),
                      s->bytes);
    s->last = now;
}

/* Remaining bytes of a live sub-flow at `now`, without updating it. */
static double sub_remaining(const fn_sub_t *s, sim_time_t now)
{
    double r = s->rem;
    if (now > s->last && s->rate > 0.0)
        r = snap(r - s->rate * sim_time_to_s(now - s->last), s->bytes);
    return r;
}

void fn_sub_release(sim_net_t *net, int32_t i)
{
    fn_sub_t *s = &net->subs[i];
    if (s->var < 0)
        return;
    sim_lmm_variable_free(net->lmm, s->var);
    net->var_sf[s->var] = -1;
    s->var = -1;
    for (int k = 0; k < s->n; k++) {
        int32_t e = i * FN_HOPS + k, nx = net->e_next[e], pv = net->e_prev[e];
        if (pv >= 0)
            net->e_next[pv] = nx;
        else
            net->link_head[net->e_link[e]] = nx;
        if (nx >= 0)
            net->e_prev[nx] = pv;
    }
    s->n = 0;
    sim_engine_cancel(net->eng, s->ev);
    s->ev = SIM_EQ_HANDLE_NULL;
    s->rate = 0.0;
}

double fn_flow_drop_subs(sim_net_t *net, int32_t f, sim_time_t now)
{
    double rem = 0.0;
    int32_t i = net->flows[f].first_sf;
    while (i >= 0) {
        fn_sub_t *s = &net->subs[i];
        int32_t next = s->next;
        if (s->var >= 0) {
            fn_sub_catch_up(s, now);
            rem += s->rem;
            fn_sub_release(net, i);
        }
        s->next = net->sub_free;
        net->sub_free = i;
        i = next;
    }
    net->flows[f].first_sf = -1;
    net->flows[f].live_sf = 0;
    return rem;
}

sim_err_t fn_flow_finish_at(sim_net_t *net, int32_t f, sim_err_t status,
                            sim_time_t t)
{
    fn_flow_t *fl = &net->flows[f];
    fl->state = FN_FINISHING;
    fl->status = status;
    return sim_engine_schedule_at(net->eng, t, SIM_EQ_PRIO_DEFAULT, ev_flow,
                                  net, SLOT_ARG(f), &fl->ev);
}

sim_err_t fn_request_solve(sim_net_t *net)
{
    if (net->solve_pending)
        return SIM_OK;
    sim_err_t err = sim_engine_schedule_at(net->eng, sim_engine_now(net->eng),
                                           SIM_NET_PRIO_SOLVE, ev_solve, net,
                                           NULL, &net->solve_ev);
    if (err == SIM_OK)
        net->solve_pending = true;
    return err;
}

/* ---- events ------------------------------------------------------------- */

/* Admission: route the flow; its sub-flows get rates at this instant's
 * solve. */
static void admit(sim_net_t *net, int32_t f, sim_time_t now)
{
    fn_flow_t *fl = &net->flows[f];
    fl->state = FN_ACTIVE;
    fl->first_sf = -1;
    fl->live_sf = 0;
    fl->done_at = now;
    sim_err_t err = fn_route_flow(net, f, fl->bytes);
    fl = &net->flows[f];
    if (err == SIM_OK && fl->live_sf == 0) /* 0 bytes: only latency */
        err = fn_flow_finish_at(net, f, SIM_OK, fl->done_at);
    else if (err == SIM_OK) {
        net->version++;
        err = fn_request_solve(net);
    } else {
        sim_err_t st = err;
        err = fn_flow_finish_at(net, f, st, now);
        if (st != SIM_ERR_INFEASIBLE)
            sim_engine_fail(net->eng, st);
    }
    if (err != SIM_OK)
        sim_engine_fail(net->eng, err);
}

/* Completion: release the slot first, so the callback sees a stale id
 * and may start flows that reuse memory. */
static void finish(sim_net_t *net, int32_t f, sim_time_t now)
{
    fn_flow_t *fl = &net->flows[f];
    sim_net_done_fn done = fl->done;
    void *ctx = fl->ctx;
    sim_err_t status = fl->status;
    int32_t id = flow_id(net, f);
    fn_flow_drop_subs(net, f, now);
    flow_release(net, f);
    net->active--;
    if (status == SIM_OK)
        net->st.flows_done++;
    else
        net->st.flows_failed++;
    if (done != NULL)
        done(ctx, id, status, now);
}

static void ev_flow(void *ctx, void *arg)
{
    sim_net_t *net = ctx;
    int32_t f = ARG_SLOT(arg);
    sim_time_t now = sim_engine_now(net->eng);
    net->flows[f].ev = SIM_EQ_HANDLE_NULL;
    if (net->flows[f].state == FN_PENDING)
        admit(net, f, now);
    else
        finish(net, f, now);
}

/* Predicted time of a live sub-flow's last byte (SIM_TIME_MAX: never). */
static sim_time_t drain_time(const fn_sub_t *s, sim_time_t now)
{
    if (s->rem <= 0.0)
        return now;
    if (!(s->rate > 0.0))
        return SIM_TIME_MAX;
    return sim_time_add_sat(now, sim_time_from_s_ceil(s->rem / s->rate));
}

/* (Re)arm sub-flow i's drain event from its state at `now`. */
static sim_err_t arm_drain(sim_net_t *net, int32_t i, sim_time_t now)
{
    fn_sub_t *s = &net->subs[i];
    sim_time_t t = drain_time(s, now);
    if (t == SIM_TIME_MAX) {
        sim_engine_cancel(net->eng, s->ev);
        s->ev = SIM_EQ_HANDLE_NULL;
        return SIM_OK;
    }
    if (sim_engine_reschedule(net->eng, s->ev, t) == SIM_OK)
        return SIM_OK;
    return sim_engine_schedule_at(net->eng, t, SIM_EQ_PRIO_DEFAULT, ev_drain,
                                  net, SLOT_ARG(i), &s->ev);
}

static void ev_drain(void *ctx, void *arg)
{
    sim_net_t *net = ctx;
    int32_t i = ARG_SLOT(arg);
    sim_time_t now = sim_engine_now(net->eng);
    fn_sub_t *s = &net->subs[i];
    sim_err_t err;

    s->ev = SIM_EQ_HANDLE_NULL;
    fn_sub_catch_up(s, now);
    if (s->rem > 0.0) {
        /* Believed unreachable: the event was set for the ceiling of
         * rem / rate.  Re-arm (at least 1 ns later, so time moves on)
         * rather than lose bytes. */
        sim_time_t t = drain_time(s, now);
        if (t <= now)
            t = now + 1;
        if (t != SIM_TIME_MAX &&
            (err = sim_engine_schedule_at(net->eng, t, SIM_EQ_PRIO_DEFAULT,
                                          ev_drain, net, arg, &s->ev)) !=
                SIM_OK)
            sim_engine_fail(net->eng, err);
        return;
    }
    int32_t f = s->flow;
    sim_time_t t = sim_time_add_sat(now, sim_time_from_s_ceil(s->lat));
    fn_sub_release(net, i);
    fn_flow_t *fl = &net->flows[f];
    if (t > fl->done_at)
        fl->done_at = t;
    fl->live_sf--;
    net->version++;
    err = fn_request_solve(net);
    if (err == SIM_OK && fl->live_sf == 0)
        err = fn_flow_finish_at(net, f, SIM_OK, fl->done_at);
    if (err != SIM_OK)
        sim_engine_fail(net->eng, err);
}

/* The batched solve: re-solve what changed at this instant and move only
 * the drain events of sub-flows whose rate changed. */
static void ev_solve(void *ctx, void *arg)
{
    sim_net_t *net = ctx;
    sim_time_t now = sim_engine_now(net->eng);
    size_t n;
    (void)arg;

    net->solve_pending = false;
    net->solve_ev = SIM_EQ_HANDLE_NULL;
    sim_lmm_solve(net->lmm);
    net->st.solves++;
    const int *changed = sim_lmm_changed(net->lmm, &n);
    for (size_t k = 0; k < n; k++) {
        int v = changed[k];
        int32_t i = (size_t)v < net->var_cap ? net->var_sf[v] : -1;
        if (i < 0)
            continue; /* freed since: cannot happen within one handler */
        fn_sub_t *s = &net->subs[i];
        fn_sub_catch_up(s, now);
        s->rate = sim_lmm_variable_rate(net->lmm, v);
        net->st.rerates++;
        sim_err_t err = arm_drain(net, i, now);
        if (err != SIM_OK) {
            sim_engine_fail(net->eng, err);
            return;
        }
    }
    if (n > 0)
        net->version++;
}

/* ---- public operations -------------------------------------------------- */

sim_err_t sim_net_flow_start(sim_net_t *net, int32_t src_gpu, int32_t dst_gpu,
                             double bytes, uint64_t salt, sim_net_done_fn done,
                             void *ctx, int32_t *flow_out)
{
    int32_t f = -1;
    sim_err_t err;
    if (flow_out != NULL)
        *flow_out = -1;
    if (src_gpu < 0 || dst_gpu < 0 || src_gpu >= net->topo->n_gpus ||
        dst_gpu >= net->topo->n_gpus || !isfinite(bytes) || bytes < 0.0)
        return SIM_ERR_RANGE;
    if ((err = flow_alloc(net, &f)) != SIM_OK)
        return err;
    fn_flow_t *fl = &net->flows[f];
    fl->done = done;
    fl->ctx = ctx;
    fl->bytes = bytes;
    fl->salt = salt;
    fl->src = src_gpu;
    fl->dst = dst_gpu;
    fl->first_sf = -1;
    fl->live_sf = 0;
    fl->status = SIM_OK;
    sim_time_t now = sim_engine_now(net->eng);
    sim_time_t t = sim_time_add_sat(
        now, sim_time_from_s_ceil(net->p.message_overhead_s));
    fl->done_at = t;
    fl->state = src_gpu == dst_gpu ? FN_FINISHING : FN_PENDING;
    err = sim_engine_schedule_at(net->eng, t, SIM_EQ_PRIO_DEFAULT, ev_flow,
                                 net, SLOT_ARG(f), &fl->ev);
    if (err != SIM_OK) {
        flow_release(net, f);
        return err;
    }
    net->active++;
    net->st.flows_started++;
    if (flow_out != NULL)
        *flow_out = flow_id(net, f);
    return SIM_OK;
}

sim_err_t sim_net_flow_cancel(sim_net_t *net, int32_t flow)
{
    int32_t f = flow_lookup(net, flow);
    if (f < 0)
        return SIM_ERR_NOTFOUND;
    fn_flow_t *fl = &net->flows[f];
    sim_engine_cancel(net->eng, fl->ev);
    fl->ev = SIM_EQ_HANDLE_NULL;
    sim_err_t err = SIM_OK;
    if (fl->state == FN_ACTIVE) {
        if (fl->live_sf > 0) {
            net->version++;
            err = fn_request_solve(net);
        }
        fn_flow_drop_subs(net, f, sim_engine_now(net->eng));
    }
    flow_release(net, f);
    net->active--;
    return err;
}

double sim_net_flow_rate(const sim_net_t *net, int32_t flow)
{
    int32_t f = flow_lookup(net, flow);
    double r = 0.0;
    if (f < 0 || net->flows[f].state != FN_ACTIVE)
        return 0.0;
    for (int32_t i = net->flows[f].first_sf; i >= 0; i = net->subs[i].next)
        if (net->subs[i].var >= 0)
            r += net->subs[i].rate;
    return r;
}

double sim_net_flow_remaining(const sim_net_t *net, int32_t flow)
{
    int32_t f = flow_lookup(net, flow);
    if (f < 0)
        return 0.0;
    if (net->flows[f].state == FN_PENDING)
        return net->flows[f].bytes;
    if (net->flows[f].state != FN_ACTIVE)
        return 0.0;
    sim_time_t now = sim_engine_now(net->eng);
    double r = 0.0;
    for (int32_t i = net->flows[f].first_sf; i >= 0; i = net->subs[i].next)
        if (net->subs[i].var >= 0)
            r += sub_remaining(&net->subs[i], now);
    return r;
}

size_t sim_net_flow_paths(const sim_net_t *net, int32_t flow)
{
    int32_t f = flow_lookup(net, flow);
    size_t n = 0;
    if (f < 0 || net->flows[f].state != FN_ACTIVE)
        return 0;
    for (int32_t i = net->flows[f].first_sf; i >= 0; i = net->subs[i].next)
        if (net->subs[i].var >= 0)
            n++;
    return n;
}

/* Refresh the capacities of links[0..n) from the topology's state. */
static sim_err_t refresh(sim_net_t *net, const int32_t *links, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        sim_err_t err = sim_lmm_constraint_set_capacity(
            net->lmm, net->link_cnst[links[k]],
            fn_link_capacity(net, links[k]));
        if (err != SIM_OK)
            return err; /* believed unreachable: bandwidths are finite */
    }
    return SIM_OK;
}

/* Common tail of link and vertex changes. */
static sim_err_t state_changed(sim_net_t *net, const int32_t *links, size_t n,
                               bool up)
{
    sim_err_t err = refresh(net, links, n), e2;
    if (err == SIM_OK && !up)
        err = fn_reroute_links(net, links, n);
    net->version++;
    if ((e2 = fn_request_solve(net)) != SIM_OK && err == SIM_OK)
        err = e2;
    return err;
}

sim_err_t sim_net_link_set_up(sim_net_t *net, int32_t link, bool up)
{
    if (link < 0 || link >= net->topo->n_links)
        return SIM_ERR_RANGE;
    int32_t links[2] = {link, topo_link_reverse(link)};
    topo_cable_set_up(net->topo, link, up);
    return state_changed(net, links, 2, up);
}

sim_err_t sim_net_vertex_set_up(sim_net_t *net, int32_t vertex, bool up)
{
    const topo_t *t = net->topo;
    if (vertex < 0 || vertex >= t->n_vertices)
        return SIM_ERR_RANGE;
    topo_vertex_set_up(net->topo, vertex, up);
    size_t n = 0;
    for (int32_t k = t->adj_off[vertex]; k < t->adj_off[vertex + 1]; k++) {
        net->vlinks[n++] = t->adj[k];
        net->vlinks[n++] = topo_link_reverse(t->adj[k]);
    }
    return state_changed(net, net->vlinks, n, up);
}

uint64_t sim_net_version(const sim_net_t *net)
{
    return net->version;
}

size_t sim_net_active_flows(const sim_net_t *net)
{
    return net->active;
}

void sim_net_get_stats(const sim_net_t *net, sim_net_stats_t *s)
{
    *s = net->st;
}

double sim_net_link_load(const sim_net_t *net, int32_t link)
{
    if (link < 0 || link >= net->topo->n_links)
        return 0.0;
    return sim_lmm_constraint_load(net->lmm, net->link_cnst[link]);
}

/* ---- self-test ---------------------------------------------------------- */

static sim_err_t bad(sim_diag_t *diag, const char *what, long a, long b)
{
    return sim_diag_set(diag, SIM_ERR_CHECK, NULL, 0, "flownet",
                        "%s (%ld, %ld)", what, a, b);
}

sim_err_t sim_net_check(const sim_net_t *net, double rel_tol, sim_diag_t *diag)
{
    long long entries = 0;
    size_t active = 0;
    for (int32_t l = 0; l < net->topo->n_links; l++) {
        if (sim_lmm_constraint_capacity(net->lmm, net->link_cnst[l]) !=
            fn_link_capacity(net, l))
            return bad(diag, "link capacity does not follow its state", l, 0);
        int32_t prev = -1;
        for (int32_t e = net->link_head[l]; e >= 0; e = net->e_next[e]) {
            int32_t i = e / FN_HOPS;
            if (net->e_link[e] != l || net->e_prev[e] != prev ||
                net->subs[i].var < 0 || e % FN_HOPS >= net->subs[i].n)
                return bad(diag, "link index entry inconsistent", l, e);
            prev = e;
            entries++;
        }
    }
    for (size_t f = 0; f < net->flows_cap; f++) {
        const fn_flow_t *fl = &net->flows[f];
        if (fl->state == FN_FREE)
            continue;
        active++;
        int32_t live = 0;
        if (fl->state != FN_ACTIVE)
            continue;
        for (int32_t i = fl->first_sf; i >= 0; i = net->subs[i].next) {
            const fn_sub_t *s = &net->subs[i];
            if (s->flow != (int32_t)f)
                return bad(diag, "sub-flow owned by another flow", (long)f, i);
            if (s->var < 0)
                continue;
            live++;
            entries -= s->n;
            if (net->var_sf[s->var] != i)
                return bad(diag, "variable map broken", i, s->var);
            if (!net->solve_pending &&
                s->rate != sim_lmm_variable_rate(net->lmm, s->var))
                return bad(diag, "sub-flow rate differs from the solver's", i,
                           s->var);
            if (s->rem < 0.0)
                return bad(diag, "negative remaining bytes", i, 0);
        }
        if (live != fl->live_sf)
            return bad(diag, "live sub-flow count wrong", (long)f, live);
    }
    if (entries != 0) /* each live path entry was counted once per side */
        return bad(diag, "link index and sub-flow paths disagree",
                   (long)entries, 0);
    if (active != net->active)
        return bad(diag, "active flow count wrong", (long)active,
                   (long)net->active);
    if (!net->solve_pending)
        return sim_lmm_check(net->lmm, rel_tol, diag);
    return SIM_OK;
}
