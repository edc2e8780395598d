/*
 * collective.c — executing collective schedules on the flow network, with
 * step collapsing, and their results (see collective.h).
 *
 * Channel defaults ("auto"): one inside a node (every flow of a step then
 * has its own NVLink, so the per-flow protocol cap is the link's); across
 * nodes, ring and tree use GPUs-per-node x NIC-ports channels so that the
 * channels leave each node through every NIC and every port, the others
 * use one channel per NIC port.  A transfer's lane picks its NIC port:
 * the ECMP salt is nudged until the route's port hash lands on lane mod
 * ports (NCCL spreads its channels over ports the same way), so the
 * hash does not pile two channels on one port of a dual-port NIC.
 */
#include "sim/net/collective.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/jsonout.h"
#include "topologies/route.h"

struct sim_coll {
    sim_coll_env_t env;
    sim_coll_sched_t *sched;
    sim_coll_result_t res;
    sim_coll_cost_t cost;
    sim_coll_xfers_t xf;      /* transfers of the current phase's step */
    int32_t *flow;            /* flow ids of the step in flight */
    size_t phase;
    int64_t rep;              /* repetitions of the phase done */
    size_t outstanding;
    sim_time_t t0, step_begin;
    /* quiet-step bookkeeping */
    bool clean;               /* nothing foreign so far in this step */
    uint64_t fs0, tv0;        /* flows started / topo state at begin */
    bool have_d;              /* the phase has a measured quiet duration */
    sim_time_t d;
    uint64_t v_end, fs_end;   /* net version / flows started at step end */
    bool collapse;            /* spec.collapse */
    int64_t skipping;         /* steps being skipped by the pending event */
    sim_eq_handle_t ev;
    bool started, finished;
    sim_coll_done_fn done;
    void *ctx;
};

void sim_coll_spec_default(sim_coll_spec_t *s)
{
    memset(s, 0, sizeof *s);
    s->op = SIM_COLL_ALL_REDUCE;
    s->algo = SIM_COLL_ALGO_AUTO;
    s->proto = SIM_COLL_PROTO_AUTO;
    s->collapse = true;
}

void sim_coll_net_params(const sim_coll_profile_t *prof, sim_net_params_t *p)
{
    sim_net_params_default(p);
    p->nvlink_efficiency = prof->nvlink_efficiency;
    p->nic_efficiency = prof->nic_efficiency;
    p->message_overhead_s = prof->message_overhead_s;
    p->ecmp = prof->spray ? SIM_NET_ECMP_SPRAY : SIM_NET_ECMP_HASH;
}

static int32_t auto_channels(const sim_coll_shape_t *sh, const topo_t *t,
                             sim_coll_algo_t algo)
{
    int32_t ports = t->nic_ports > 0 ? t->nic_ports : 1;
    if (sh->nodes <= 1)
        return 1;
    if (algo == SIM_COLL_ALGO_RING || algo == SIM_COLL_ALGO_TREE) {
        int64_t c = sh->per_node * ports;
        return (int32_t)(c > 64 ? 64 : c);
    }
    return ports;
}

sim_err_t sim_coll_new(const sim_coll_env_t *env, const int32_t *gpus,
                       size_t n, const sim_coll_spec_t *spec,
                       sim_coll_t **out, sim_diag_t *diag)
{
    sim_coll_shape_t sh;
    sim_coll_sched_opts_t o;
    sim_coll_t *c = NULL;
    int32_t *node = NULL;
    int32_t chunks = 1;
    sim_err_t err;

    *out = NULL;
    if ((err = sim_coll_shape_of(env->topo, gpus, n, env->nvls,
                                 env->prof->message_overhead_s, &sh, diag)) !=
        SIM_OK)
        return err;
    c = calloc(1, sizeof *c);
    node = malloc(n * sizeof *node);
    if (c == NULL || node == NULL) {
        err = sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL,
                           "out of memory");
        goto fail;
    }
    c->env = *env;
    sim_coll_xfers_init(&c->xf);
    c->res.op = spec->op;
    c->res.algo = spec->algo;
    c->res.proto = spec->proto;
    c->res.auto_picked = spec->algo == SIM_COLL_ALGO_AUTO;
    c->res.bytes = spec->bytes;
    c->res.gpus = sh.n;
    c->res.nodes = sh.nodes;
    if ((err = sim_coll_choose(env->prof, &sh, spec->op, spec->bytes,
                               &c->res.algo, &c->res.proto,
                               &c->res.predicted_s, diag)) != SIM_OK)
        goto fail;
    (void)sim_coll_predict(env->prof, &sh, spec->op, c->res.algo,
                           c->res.proto, spec->bytes, &chunks);
    c->cost = env->prof->cost[c->res.algo][c->res.proto];
    for (size_t i = 0; i < n; i++)
        node[i] = env->topo->gpu_domain[gpus[i]];
    sim_coll_sched_opts_default(&o);
    o.channels = spec->channels > 0 ? spec->channels
                                    : auto_channels(&sh, env->topo,
                                                    c->res.algo);
    o.root = spec->root;
    o.salt = spec->salt;
    /* the chunk size that gives the model's chunk count per tree/chain */
    {
        double per = spec->bytes / o.channels /
                     (c->res.algo == SIM_COLL_ALGO_TREE ? 2.0 : 1.0);
        o.chunk_bytes = per > 0.0 ? per / chunks : 1.0;
        o.max_chunks = chunks > 0 ? chunks : 1;
    }
    c->res.channels = o.channels;
    if ((err = sim_coll_sched_new(spec->op, c->res.algo, gpus, node, n,
                                  spec->bytes, &o, &c->sched, diag)) !=
        SIM_OK)
        goto fail;
    c->res.steps = sim_coll_sched_steps(c->sched);
    c->res.status = SIM_OK;
    c->have_d = false;
    c->collapse = spec->collapse;
    free(node);
    *out = c;
    return SIM_OK;
fail:
    free(node);
    sim_coll_free(c);
    return err;
}

void sim_coll_free(sim_coll_t *c)
{
    if (c == NULL)
        return;
    if (c->started && !c->finished) {
        for (size_t i = 0; i < c->xf.n; i++)
            if (c->flow != NULL && c->flow[i] > 0)
                (void)sim_net_flow_cancel(c->env.net, c->flow[i]);
        sim_engine_cancel(c->env.eng, c->ev);
    }
    sim_coll_sched_free(c->sched);
    sim_coll_xfers_destroy(&c->xf);
    free(c->flow);
    free(c);
}

bool sim_coll_finished(const sim_coll_t *c) { return c->finished; }

void sim_coll_get_result(const sim_coll_t *c, sim_coll_result_t *r)
{
    *r = c->res;
}

/* ---- the step machine ------------------------------------------------- */

static void begin_step(sim_coll_t *c);
static void ev_begin(void *ctx, void *arg);
static void fail_now(sim_coll_t *c, sim_err_t err);

static void finish(sim_coll_t *c)
{
    sim_time_t now = sim_engine_now(c->env.eng);
    c->finished = true;
    c->res.time_s = sim_time_to_s(now - c->t0);
    double algbw = c->res.time_s > 0.0 ? c->res.bytes / c->res.time_s / 1e9
                                       : 0.0;
    c->res.algbw_GBps = algbw;
    c->res.busbw_GBps = algbw * sim_coll_busbw_factor(c->res.op, c->res.gpus);
    if (c->done != NULL)
        c->done(c->ctx, c);
}

static sim_err_t load_phase(sim_coll_t *c)
{
    sim_err_t err = sim_coll_sched_emit(c->sched, c->phase, &c->xf);
    if (err != SIM_OK)
        return err;
    int32_t *f = realloc(c->flow, (c->xf.n + 1) * sizeof *f);
    if (f == NULL)
        return SIM_ERR_NOMEM;
    c->flow = f;
    c->have_d = false;
    return SIM_OK;
}

/* A salt close to `salt` whose route from src to dst takes NIC port pair
 * lane mod ports (see the top of the file). */
static uint64_t port_salt(const topo_t *t, int32_t src, int32_t dst,
                          uint64_t salt, int32_t lane)
{
    int32_t ports = t->nic_ports;
    if (ports <= 1 || t->gpu_domain[src] == t->gpu_domain[dst])
        return salt;
    uint64_t want = (uint64_t)(lane % ports);
    for (uint64_t k = 0; k < 64; k++) {
        uint64_t s = salt + k;
        if (topo_route_hash((uint64_t)src, (uint64_t)dst, s) % (uint64_t)ports
            == want)
            return s;
    }
    return salt;
}

static void flow_done(void *ctx, int32_t flow, sim_err_t status,
                      sim_time_t now);

static void step_end(sim_coll_t *c)
{
    sim_net_stats_t st;
    sim_time_t now = sim_engine_now(c->env.eng);
    sim_net_get_stats(c->env.net, &st);
    bool quiet = c->clean && st.flows_started == c->fs0 + c->xf.n &&
                 c->env.topo->state_version == c->tv0 &&
                 sim_net_active_flows(c->env.net) == 0;
    if (quiet) {
        c->have_d = true;
        c->d = now - c->step_begin;
    } else {
        c->have_d = false;
    }
    c->rep++;
    c->res.steps_simulated++;
    c->v_end = sim_net_version(c->env.net);
    c->fs_end = st.flows_started;
    /* decide on the next step after this instant's network solve, so the
     * engine's next pending event is a real one (see begin_step) */
    sim_err_t err = sim_engine_schedule_at(c->env.eng, now,
                                           SIM_NET_PRIO_SOLVE + 1, ev_begin,
                                           c, NULL, &c->ev);
    if (err != SIM_OK)
        fail_now(c, err);
}

static void ev_launch(void *ctx, void *arg)
{
    sim_coll_t *c = ctx;
    sim_err_t err = SIM_OK;
    (void)arg;
    c->ev = SIM_EQ_HANDLE_NULL;
    if (sim_net_active_flows(c->env.net) != 0)
        c->clean = false;
    double inflate = 1.0 / c->cost.efficiency;
    c->outstanding = c->xf.n;
    for (size_t i = 0; i < c->xf.n; i++) {
        const sim_coll_xfer_t *x = &c->xf.v[i];
        uint64_t salt = port_salt(c->env.topo, x->src, x->dst, x->salt,
                                  x->lane);
        err = sim_net_flow_start(c->env.net, x->src, x->dst,
                                 x->bytes * inflate, salt, flow_done, c,
                                 &c->flow[i]);
        if (err != SIM_OK) {
            c->outstanding -= c->xf.n - i;
            break;
        }
        c->res.flows++;
    }
    if (err != SIM_OK) {
        if (c->res.status == SIM_OK)
            c->res.status = err;
        sim_engine_fail(c->env.eng, err);
    }
    if (c->outstanding == 0)
        step_end(c);
}

static void flow_done(void *ctx, int32_t flow, sim_err_t status,
                      sim_time_t now)
{
    sim_coll_t *c = ctx;
    (void)flow;
    (void)now;
    if (status != SIM_OK && c->res.status == SIM_OK)
        c->res.status = status;
    if (--c->outstanding == 0)
        step_end(c);
}

static void ev_skipped(void *ctx, void *arg)
{
    sim_coll_t *c = ctx;
    (void)arg;
    c->ev = SIM_EQ_HANDLE_NULL;
    c->rep += c->skipping;
    c->res.steps_collapsed += c->skipping;
    c->skipping = 0;
    begin_step(c);
}

static void fail_now(sim_coll_t *c, sim_err_t err)
{
    if (c->res.status == SIM_OK)
        c->res.status = err;
    sim_engine_fail(c->env.eng, err);
    finish(c);
}

/* Begin the next step at the current time: collapse it if allowed, else
 * wait the step latency and launch its flows. */
static void begin_step(sim_coll_t *c)
{
    sim_engine_t *eng = c->env.eng;
    sim_time_t now = sim_engine_now(eng);
    sim_err_t err;

    while (c->phase < sim_coll_sched_phases(c->sched) &&
           c->rep >= sim_coll_sched_repeat(c->sched, c->phase)) {
        c->phase++;
        c->rep = 0;
        if (c->phase < sim_coll_sched_phases(c->sched) &&
            (err = load_phase(c)) != SIM_OK) {
            fail_now(c, err);
            return;
        }
    }
    if (c->phase >= sim_coll_sched_phases(c->sched) ||
        c->res.status != SIM_OK) {
        finish(c);
        return;
    }
    sim_net_stats_t st;
    sim_net_get_stats(c->env.net, &st);
    if (c->have_d && c->collapse && c->skipping == 0 && c->d > 0 &&
        sim_net_version(c->env.net) == c->v_end &&
        st.flows_started == c->fs_end &&
        c->env.topo->state_version == c->tv0) {
        int64_t left = sim_coll_sched_repeat(c->sched, c->phase) - c->rep;
        sim_time_t next = sim_engine_next_time(eng);
        int64_t m = left;
        if (next != SIM_TIME_MAX) {
            int64_t fit = (next - now) / c->d;
            if (fit < m)
                m = fit;
        }
        if (m >= 1 && now <= SIM_TIME_MAX / 2 - m * c->d) {
            c->skipping = m;
            err = sim_engine_schedule_at(eng, now + m * c->d,
                                         SIM_EQ_PRIO_DEFAULT, ev_skipped, c,
                                         NULL, &c->ev);
            if (err != SIM_OK)
                fail_now(c, err);
            return;
        }
    }
    c->step_begin = now;
    c->fs0 = st.flows_started;
    c->tv0 = c->env.topo->state_version;
    c->clean = sim_net_active_flows(c->env.net) == 0;
    err = sim_engine_schedule_at(eng,
                                 sim_time_add_sat(now, sim_time_from_s_ceil(
                                     c->cost.step_latency_s)),
                                 SIM_EQ_PRIO_DEFAULT, ev_launch, c, NULL,
                                 &c->ev);
    if (err != SIM_OK)
        fail_now(c, err);
}

static void ev_begin(void *ctx, void *arg)
{
    sim_coll_t *c = ctx;
    (void)arg;
    c->ev = SIM_EQ_HANDLE_NULL;
    begin_step(c);
}

sim_err_t sim_coll_start(sim_coll_t *c, sim_coll_done_fn done, void *ctx)
{
    if (c->started)
        return SIM_ERR_USAGE;
    c->started = true;
    c->done = done;
    c->ctx = ctx;
    c->t0 = sim_engine_now(c->env.eng);
    c->phase = 0;
    c->rep = 0;
    sim_err_t err = SIM_OK;
    if (sim_coll_sched_phases(c->sched) > 0)
        err = load_phase(c);
    if (err == SIM_OK)
        err = sim_engine_schedule_at(
            c->env.eng,
            sim_time_add_sat(c->t0, sim_time_from_s_ceil(c->cost.latency_s)),
            SIM_EQ_PRIO_DEFAULT, ev_begin, c, NULL, &c->ev);
    return err;
}

/* ---- running ---------------------------------------------------------- */

sim_err_t sim_coll_run_many(const sim_coll_env_t *env, const int32_t *gpus,
                            const size_t *off, size_t m,
                            const sim_coll_spec_t *specs,
                            sim_coll_result_t *res, sim_diag_t *diag)
{
    sim_coll_t **c = calloc(m > 0 ? m : 1, sizeof *c);
    sim_err_t err = SIM_OK;
    if (c == NULL)
        return sim_diag_set(diag, SIM_ERR_NOMEM, NULL, 0, NULL,
                            "out of memory");
    for (size_t j = 0; j < m && err == SIM_OK; j++)
        err = sim_coll_new(env, gpus + off[j], off[j + 1] - off[j], &specs[j],
                           &c[j], diag);
    for (size_t j = 0; j < m && err == SIM_OK; j++)
        err = sim_coll_start(c[j], NULL, NULL);
    if (err == SIM_OK)
        err = sim_engine_run(env->eng, SIM_TIME_MAX);
    for (size_t j = 0; j < m && err == SIM_OK; j++) {
        sim_coll_get_result(c[j], &res[j]);
        if (!c[j]->finished)
            err = sim_diag_set(diag, SIM_ERR_CHECK, NULL, 0, NULL,
                               "collective %zu did not finish", j);
        else if (res[j].status != SIM_OK)
            err = sim_diag_set(diag, res[j].status, NULL, 0, NULL,
                               "collective %zu failed: %s", j,
                               sim_err_str(res[j].status));
    }
    if (err != SIM_OK && diag != NULL && diag->code == SIM_OK)
        sim_diag_set(diag, err, NULL, 0, NULL, "%s", sim_err_str(err));
    for (size_t j = 0; j < m; j++)
        sim_coll_free(c[j]);
    free(c);
    return err;
}

sim_err_t sim_coll_run(const sim_coll_env_t *env, const int32_t *gpus,
                       size_t n, const sim_coll_spec_t *spec,
                       sim_coll_result_t *res, sim_diag_t *diag)
{
    size_t off[2] = {0, n};
    return sim_coll_run_many(env, gpus, off, 1, spec, res, diag);
}

sim_err_t sim_coll_simulate(topo_t *topo, const sim_coll_profile_t *prof,
                            bool nvls, int64_t n, const sim_coll_spec_t *spec,
                            sim_coll_result_t *res, sim_diag_t *diag)
{
    sim_net_params_t np;
    sim_engine_t *eng = NULL;
    sim_net_t *net = NULL;
    int32_t *g = NULL;
    sim_err_t err = SIM_ERR_NOMEM;

    if (n <= 0)
        n = topo->n_gpus;
    if (n > topo->n_gpus)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, NULL,
                            "%lld GPUs asked, the topology has %d",
                            (long long)n, topo->n_gpus);
    sim_coll_net_params(prof, &np);
    eng = sim_engine_new(1);
    net = eng != NULL ? sim_net_new(eng, topo, &np) : NULL;
    g = malloc((size_t)n * sizeof *g);
    if (eng == NULL || net == NULL || g == NULL) {
        sim_diag_set(diag, err, NULL, 0, NULL, "out of memory");
        goto done;
    }
    for (int64_t i = 0; i < n; i++)
        g[i] = (int32_t)i;
    sim_coll_env_t env = {eng, net, topo, prof, nvls};
    err = sim_coll_run(&env, g, (size_t)n, spec, res, diag);
done:
    free(g);
    sim_net_free(net);
    sim_engine_free(eng);
    return err;
}

/* ---- JSON ------------------------------------------------------------- */

sim_err_t sim_coll_result_to_json(const sim_coll_result_t *r, json_t *obj)
{
    sim_err_t err = SIM_OK;
#define TRY(x) do { if (err == SIM_OK) err = (x); } while (0)
    TRY(sim_json_set_str(obj, "op", sim_coll_op_name(r->op)));
    TRY(sim_json_set_str(obj, "algo", sim_coll_algo_name(r->algo)));
    TRY(sim_json_set_str(obj, "proto", sim_coll_proto_name(r->proto)));
    TRY(sim_json_set_bool(obj, "auto", r->auto_picked));
    TRY(sim_json_set_num(obj, "bytes", r->bytes));
    TRY(sim_json_set_int(obj, "gpus", r->gpus));
    TRY(sim_json_set_int(obj, "nodes", r->nodes));
    TRY(sim_json_set_int(obj, "channels", r->channels));
    TRY(sim_json_set_num(obj, "time_s", r->time_s));
    TRY(sim_json_set_num(obj, "algbw_GBps", r->algbw_GBps));
    TRY(sim_json_set_num(obj, "busbw_GBps", r->busbw_GBps));
    TRY(sim_json_set_num(obj, "predicted_s", r->predicted_s));
    TRY(sim_json_set_int(obj, "steps", r->steps));
    TRY(sim_json_set_int(obj, "steps_simulated", r->steps_simulated));
    TRY(sim_json_set_int(obj, "steps_collapsed", r->steps_collapsed));
    TRY(sim_json_set_int(obj, "flows", (int64_t)r->flows));
#undef TRY
    return err;
}

sim_err_t sim_coll_results_to_json(const sim_coll_result_t *r, size_t n,
                                   json_t **out)
{
    json_t *arr = json_array();
    *out = NULL;
    if (arr == NULL)
        return SIM_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_object();
        sim_err_t err = o == NULL ? SIM_ERR_NOMEM
                                  : sim_coll_result_to_json(&r[i], o);
        if (err == SIM_OK)
            err = sim_json_push_new(arr, o);
        else
            json_decref(o);
        if (err != SIM_OK) {
            json_decref(arr);
            return err;
        }
    }
    *out = arr;
    return SIM_OK;
}
