/*
 * test_faults.c — failure profiles, topology-aware effects, the goodput
 * Monte-Carlo (validation against Llama 3's published interruptions and the
 * closed form), determinism, spares, outputs and the [faults] keys.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/assert_close.h"

#include "sim/config/scenario.h"
#include "sim/engine/rng.h"
#include "sim/faults/fabric.h"
#include "sim/faults/goodput.h"
#include "sim/faults/goodput_report.h"
#include "sim/faults/keys_faults.h"
#include "sim/store/store.h"

#define DAY 86400.0
#define LLAMA_GPUS 16384

/* ---- helpers ------------------------------------------------------------ */

static flt_job_t plain_job(int64_t gpus, double work_s)
{
    flt_job_t j;
    memset(&j, 0, sizeof j);
    j.work_s = work_s;
    j.gpus = gpus;
    j.gpus_per_node = 8;
    j.nics_per_node = 8;
    j.nic_ports = 1;
    j.comm_fraction = 0.25;
    return j;
}

/* Meta-like recovery: the [faults] defaults. */
static void meta_config(flt_config_t *c, int32_t reps)
{
    memset(c, 0, sizeof *c);
    c->recovery.detection_s = 180;
    c->recovery.restart_s = 480;
    c->recovery.repair_s = DAY;
    c->recovery.repair_dist = FLT_REPAIR_EXPONENTIAL;
    c->recovery.hot_spares = 16;
    c->ckpt.mode = FLT_CKPT_SYNC;
    c->ckpt.policy = FLT_CKPT_DALY;
    c->ckpt.size_bytes = 5.7e12; /* 405B x 14 B (bf16 weights + fp32 Adam) */
    c->ckpt.storage_bw = 2e12;   /* Tectonic sustained [S55] */
    c->replications = reps;
    c->max_wall_factor = 100;
}

static void one_cause(flt_profile_t *p, flt_class_t cls, flt_comp_t comp,
                      double per_day)
{
    flt_cause_t c;
    memset(&c, 0, sizeof c);
    snprintf(c.name, sizeof c.name, "%s", flt_comp_name(comp));
    snprintf(c.label, sizeof c.label, "%s", flt_comp_name(comp));
    c.cls = cls;
    c.comp = comp;
    c.rate_per_day = per_day;
    c.published = NAN;
    flt_profile_init(p, "test");
    assert_int_equal(flt_profile_add(p, &c, NULL), SIM_OK);
}

static topo_t *small_topo(topo_kind_t kind, int64_t gpus)
{
    topo_params_t p;
    topo_t *t = NULL;
    sim_diag_t d = SIM_DIAG_INIT;
    topo_params_default(&p, kind);
    p.gpus = gpus;
    assert_int_equal(topo_build(&p, &t, &d), SIM_OK);
    return t;
}

/* ---- profiles ----------------------------------------------------------- */

static void test_llama_profile(void **state)
{
    flt_profile_t p;
    sim_diag_t d = SIM_DIAG_INIT;
    double unexpected = 0, planned = 0;
    (void)state;

    assert_int_equal(flt_profile_builtin("llama3-16k", &p, &d), SIM_OK);
    assert_string_equal(p.name, "llama3-16k");
    assert_int_equal(p.n_causes, 19);
    for (int i = 0; i < p.n_causes; i++)
        *(p.causes[i].planned ? &planned : &unexpected) +=
            p.causes[i].published;
    assert_close(unexpected, 419, 0);
    assert_close(planned, 47, 0);
    int i = flt_profile_find(&p, "faulty_gpu");
    assert_true(i >= 0);
    assert_close(p.causes[i].rate_per_day, 148.0 / (16384 * 54), 1e-15);
    assert_int_equal(p.causes[i].comp, FLT_COMP_GPU);
    i = flt_profile_find(&p, "cpu");
    assert_close(p.causes[i].rate_per_day, 2.0 / (2048 * 54), 1e-15);
    assert_int_equal(flt_profile_find(&p, "no-such"), -1);

    assert_int_equal(flt_profile_builtin("meta-rsc", &p, &d), SIM_OK);
    assert_int_equal(p.n_causes, 1);
    assert_close(p.causes[0].rate_per_day, 0.0065, 1e-15);
    assert_int_equal(flt_profile_builtin("none", &p, &d), SIM_OK);
    assert_int_equal(p.n_causes, 0);
    assert_int_equal(flt_profile_builtin("llama4", &p, &d), SIM_ERR_NOTFOUND);
}

static void test_profile_errors(void **state)
{
    flt_profile_t p;
    sim_diag_t d = SIM_DIAG_INIT;
    (void)state;
    const char *bad_key = "[profile]\nname = x\nref_days = 1\nref_gpus = 8\n"
                          "[a]\nclass = gpu\ncomponent = gpu\ncount = 1\n"
                          "colour = red\n";
    assert_int_equal(flt_profile_parse(bad_key, strlen(bad_key), "x.ini", &p,
                                       &d),
                     SIM_ERR_INPUT);
    assert_int_equal(d.line, 9);
    assert_string_equal(d.key, "colour");
    assert_int_equal(p.n_causes, 0);

    sim_diag_clear(&d);
    const char *no_ref = "[profile]\nname = x\n[a]\nclass = gpu\n"
                         "component = gpu\ncount = 3\n";
    assert_int_equal(flt_profile_parse(no_ref, strlen(no_ref), "x.ini", &p,
                                       &d),
                     SIM_ERR_INPUT);
    assert_int_equal(d.line, 6);

    sim_diag_clear(&d);
    const char *bad_class = "[profile]\nname = x\n[a]\nclass = gremlin\n"
                            "component = gpu\nper_1000_days = 3\n";
    assert_int_equal(flt_profile_parse(bad_class, strlen(bad_class), "x.ini",
                                       &p, &d),
                     SIM_ERR_INPUT);
    assert_int_equal(d.line, 4);

    sim_diag_clear(&d);
    const char *neg = "[profile]\nname = x\n[a]\nclass = gpu\n"
                      "component = gpu\nper_1000_days = -3\n";
    assert_int_equal(flt_profile_parse(neg, strlen(neg), "x.ini", &p, &d),
                     SIM_ERR_RANGE);

    const char *ok = "[profile]\nname = x\n[a]\nclass = network\n"
                     "component = leaf\nper_1000_days = 2.5\n";
    assert_int_equal(flt_profile_parse(ok, strlen(ok), "x.ini", &p, &d),
                     SIM_OK);
    assert_close(p.causes[0].rate_per_day, 0.0025, 1e-15);
    assert_true(isnan(p.causes[0].published));
    flt_profile_scale(&p, 2);
    assert_close(p.causes[0].rate_per_day, 0.005, 1e-15);
}

static void test_weibull_mean(void **state)
{
    flt_profile_t p;
    gsl_rng *r = sim_rng_alloc(42);
    double sum = 0, sum_small = 0;
    const int n = 200000;
    (void)state;

    flt_profile_init(&p, "w");
    p.dist = FLT_DIST_WEIBULL;
    p.weibull_shape = 0.7;
    for (int i = 0; i < n; i++) {
        double x = flt_draw_interval(&p, 1.0 / 100.0, r);
        sum += x;
        sum_small += x < 10.0;
    }
    assert_close(sum / n, 100.0, 0.02);
    /* shape < 1 clusters failures: more short gaps than exponential's
     * 1 - e^{-0.1} = 9.5% */
    assert_true(sum_small / n > 0.15);
    assert_true(isinf(flt_draw_interval(&p, 0, r)));
    gsl_rng_free(r);
}

/* ---- fabric ------------------------------------------------------------- */

static void test_dual_tor_fabric(void **state)
{
    topo_t *hpn = small_topo(TOPO_HPN, 64);
    topo_t *rail = small_topo(TOPO_RAIL_FAT_TREE, 64);
    flt_fabric_t *fh = NULL, *fr = NULL;
    flt_fabric_state_t st;
    (void)state;

    assert_int_equal(flt_fabric_new(hpn, 8, &fh, NULL), SIM_OK);
    assert_int_equal(flt_fabric_new(rail, 8, &fr, NULL), SIM_OK);
    assert_int_equal(flt_fabric_population(fh, FLT_COMP_NIC), 64);
    assert_int_equal(flt_fabric_population(fh, FLT_COMP_NIC_PORT), 128);
    assert_int_equal(flt_fabric_population(fr, FLT_COMP_NIC_PORT), 64);
    assert_true(flt_fabric_population(fh, FLT_COMP_LEAF) >= 2);

    /* One ToR on hpn: every NIC keeps one of its two ports. */
    assert_int_equal(flt_fabric_fail(fh, FLT_COMP_LEAF, 0),
                     FLT_EFFECT_DEGRADE);
    flt_fabric_state(fh, &st);
    assert_int_equal(st.ports_min, 1);
    assert_int_equal(st.ports, 2);
    assert_close(flt_fabric_state_bw(&st), 0.5, 0);
    /* Failing it again changes nothing. */
    assert_int_equal(flt_fabric_fail(fh, FLT_COMP_LEAF, 0), FLT_EFFECT_NONE);
    flt_fabric_repair(fh, FLT_COMP_LEAF, 0);
    flt_fabric_state(fh, &st);
    assert_int_equal(st.ports_min, 2);
    assert_close(flt_fabric_state_bw(&st), 1.0, 0);

    /* One port: slowdown on hpn; its partner then too: interruption. */
    assert_int_equal(flt_fabric_fail(fh, FLT_COMP_NIC_PORT, 0),
                     FLT_EFFECT_DEGRADE);
    assert_int_equal(flt_fabric_fail(fh, FLT_COMP_NIC_PORT, 1),
                     FLT_EFFECT_INTERRUPT);
    flt_fabric_state(fh, &st); /* the interrupting one left no trace */
    assert_int_equal(st.ports_min, 1);
    flt_fabric_repair(fh, FLT_COMP_NIC_PORT, 0);

    /* Single-homed: a ToR or a port failure stops the job. */
    assert_int_equal(flt_fabric_fail(fr, FLT_COMP_LEAF, 0),
                     FLT_EFFECT_INTERRUPT);
    assert_int_equal(flt_fabric_fail(fr, FLT_COMP_NIC_PORT, 5),
                     FLT_EFFECT_INTERRUPT);
    flt_fabric_state(fr, &st);
    assert_int_equal(st.ports_min, 1);

    assert_close(flt_fabric_interrupt_fraction(fh, FLT_COMP_LEAF), 0, 0);
    assert_close(flt_fabric_interrupt_fraction(fh, FLT_COMP_NIC_PORT), 0, 0);
    assert_close(flt_fabric_interrupt_fraction(fr, FLT_COMP_LEAF), 1, 0);
    assert_close(flt_fabric_interrupt_fraction(fh, FLT_COMP_GPU), 1, 0);

    /* A spine, where there is more than one, only slows the job. */
    if (flt_fabric_population(fr, FLT_COMP_SPINE) > 1) {
        assert_int_equal(flt_fabric_fail(fr, FLT_COMP_SPINE, 0),
                         FLT_EFFECT_DEGRADE);
        flt_fabric_state(fr, &st);
        assert_true(st.uplinks > 0 && st.uplinks_min < st.uplinks);
        assert_true(flt_fabric_state_bw(&st) < 1.0);
        flt_fabric_repair(fr, FLT_COMP_SPINE, 0);
    }
    flt_fabric_t *none = (flt_fabric_t *)hpn; /* must become NULL */
    assert_int_equal(flt_fabric_new(hpn, 9, &none, NULL), SIM_ERR_RANGE);
    assert_null(none);
    flt_fabric_free(fh);
    flt_fabric_free(fr);
    flt_fabric_free(NULL);
    topo_free(hpn);
    topo_free(rail);
}

static int slow_calls;
static double count_slowdown(void *ctx, const flt_fabric_state_t *st)
{
    (void)ctx;
    slow_calls++;
    return 1.0 / flt_fabric_state_bw(st);
}

/* Monte-Carlo: ToR failures on hpn slow the job; on rail-fat-tree they
 * stop it.  On hpn only a second failure of the partner ToR within its
 * repair time stops the job: rare with 1-hour repairs (P ~ 0.4%). */
static void test_dual_tor_mc(void **state)
{
    topo_t *hpn = small_topo(TOPO_HPN, 64);
    topo_t *rail = small_topo(TOPO_RAIL_FAT_TREE, 64);
    flt_job_t job = plain_job(64, 20 * DAY);
    flt_config_t cfg;
    flt_results_t *rh = NULL, *rr = NULL;
    sim_diag_t d = SIM_DIAG_INIT;
    (void)state;

    meta_config(&cfg, 20);
    cfg.ckpt.size_bytes = 1e11;
    one_cause(&cfg.profile, FLT_CLASS_NETWORK, FLT_COMP_LEAF, 0.1);
    cfg.recovery.repair_s = 3600;
    job.topo = hpn;
    job.slowdown = count_slowdown;
    slow_calls = 0;
    assert_int_equal(flt_run(&job, &cfg, 7, &rh, &d), SIM_OK);
    int64_t intr = 0, degr = 0;
    double slowed = 0;
    for (int i = 0; i < rh->n_reps; i++) {
        intr += rh->reps[i].interruptions;
        degr += rh->reps[i].degradations;
        slowed += rh->reps[i].slowdown_s;
    }
    assert_true(degr > 100);
    assert_true(slowed > 0);
    /* only double failures interrupt: M is long but finite */
    assert_true(rh->mtbf_s > 100 * DAY && isfinite(rh->mtbf_s));
    /* The callback ran once per distinct state, however many events. */
    assert_int_equal(slow_calls, rh->slowdown_states);
    assert_true(slow_calls >= 2 && slow_calls < degr);
    assert_true(rh->goodput.mean < 1.0);

    job.topo = rail;
    assert_int_equal(flt_run(&job, &cfg, 7, &rr, &d), SIM_OK);
    assert_true(rr->interruptions.mean > 10);
    assert_true(rr->mtbf_s < 0.01 * rh->mtbf_s);
    assert_true((double)intr < 0.05 * rr->interruptions.mean * rr->n_reps);
    flt_results_free(rh);
    flt_results_free(rr);
    topo_free(hpn);
    topo_free(rail);
}

/* ---- validation --------------------------------------------------------- */

/* The llama3-16k profile on the published configuration reproduces 419
 * unexpected interruptions (± 10%) and > 90% effective training time. */
static void test_llama_validation(void **state)
{
    flt_job_t job = plain_job(LLAMA_GPUS, 54 * DAY);
    flt_config_t cfg;
    flt_results_t *res = NULL;
    sim_diag_t d = SIM_DIAG_INIT;
    (void)state;

    meta_config(&cfg, 40);
    assert_int_equal(flt_profile_builtin("llama3-16k", &cfg.profile, &d),
                     SIM_OK);
    assert_int_equal(flt_run(&job, &cfg, 2024, &res, &d), SIM_OK);
    assert_close(res->interruptions.mean, 419, 0.10);
    assert_true(res->goodput.mean > 0.90);
    assert_true(res->goodput.p5 > 0.85);
    /* MTBF of the job: 54 d x 24 / 419 = 3.09 h (catalog-facts §3.1). */
    assert_close(res->mtbf_s / 3600, 3.09, 0.01);

    flt_cause_row_t rows[FLT_MAX_CAUSES];
    assert_int_equal(flt_cause_table(res, rows), 19);
    assert_string_equal(rows[0].name, "faulty_gpu");
    assert_close(rows[0].simulated, 148, 0.15);
    assert_close(rows[0].share, 148.0 / 419, 0.15);
    int pm = flt_profile_find(&res->profile, "planned_maintenance");
    assert_close(rows[pm].simulated, 47, 0.25);
    flt_results_free(res);
}

/* Exponential failures: the MC mean wall time matches the closed form
 * (checkpoint.h) within the 95% CI. */
static void test_mc_matches_closed_form(void **state)
{
    flt_job_t job = plain_job(8, 10 * DAY);
    flt_config_t cfg;
    flt_results_t *res = NULL;
    const double lambda = 1.0 / 21600; /* one failure per 6 h */
    (void)state;

    meta_config(&cfg, 400);
    one_cause(&cfg.profile, FLT_CLASS_SOFTWARE, FLT_COMP_JOB, lambda * DAY);
    cfg.recovery.detection_s = 0;
    cfg.recovery.restart_s = 600;
    cfg.ckpt.policy = FLT_CKPT_FIXED;
    cfg.ckpt.interval_s = 3600;
    cfg.ckpt.size_bytes = 300 * 1e9; /* 300 s at 1 GB/s */
    cfg.ckpt.storage_bw = 1e9;
    assert_int_equal(flt_run(&job, &cfg, 99, &res, NULL), SIM_OK);
    double expect = flt_ckpt_expected_wall(job.work_s, 3600, 300,
                                           600 + 300, lambda) / DAY;
    assert_true(res->ttt_days.ci95_low <= expect);
    assert_true(expect <= res->ttt_days.ci95_high);
    assert_close(res->ttt_days.mean, expect, 0.01);
    assert_close(res->interval_s, 3600, 0);
    /* goodput is W / wall for each replication */
    assert_close(res->reps[0].goodput,
                 job.work_s / res->reps[0].wall_s, 1e-12);
    flt_results_free(res);
}

/* ---- determinism, spares, async ----------------------------------------- */

static void test_determinism(void **state)
{
    flt_job_t job = plain_job(1024, 5 * DAY);
    flt_config_t cfg;
    flt_results_t *a = NULL, *b = NULL, *c = NULL;
    (void)state;

    meta_config(&cfg, 6);
    assert_int_equal(flt_profile_builtin("llama3-16k", &cfg.profile, NULL),
                     SIM_OK);
    flt_profile_scale(&cfg.profile, 8); /* enough events at 1,024 GPUs */
    assert_int_equal(flt_run(&job, &cfg, 5, &a, NULL), SIM_OK);
    assert_int_equal(flt_run(&job, &cfg, 5, &b, NULL), SIM_OK);
    assert_memory_equal(a->reps, b->reps, 6 * sizeof *a->reps);
    assert_memory_equal(a->by_cause, b->by_cause,
                        6 * (size_t)a->n_causes * sizeof *a->by_cause);
    /* Replications 3 and 4 alone equal those of the full run. */
    cfg.replications = 2;
    assert_int_equal(flt_run_range(&job, &cfg, 5, 3, &c, NULL), SIM_OK);
    assert_memory_equal(&a->reps[3], c->reps, 2 * sizeof *a->reps);
    /* Different replications draw different streams. */
    assert_true(a->reps[0].wall_s != a->reps[1].wall_s);
    assert_true(a->reps[1].wall_s != a->reps[2].wall_s);
    flt_results_free(c);
    flt_results_free(b);
    /* A different seed changes replication 0. */
    cfg.replications = 1;
    assert_int_equal(flt_run(&job, &cfg, 6, &b, NULL), SIM_OK);
    assert_true(b->reps[0].wall_s != a->reps[0].wall_s);
    flt_results_free(a);
    flt_results_free(b);
}

static void test_spares_and_repair(void **state)
{
    flt_job_t job = plain_job(64, 10 * DAY);
    flt_config_t cfg;
    flt_results_t *none = NULL, *many = NULL;
    (void)state;

    meta_config(&cfg, 10);
    one_cause(&cfg.profile, FLT_CLASS_GPU, FLT_COMP_GPU, 0.5 / 64);
    cfg.recovery.repair_dist = FLT_REPAIR_FIXED;
    cfg.recovery.repair_s = 2 * 3600;
    cfg.recovery.hot_spares = 0;
    assert_int_equal(flt_run(&job, &cfg, 3, &none, NULL), SIM_OK);
    cfg.recovery.hot_spares = 4;
    assert_int_equal(flt_run(&job, &cfg, 3, &many, NULL), SIM_OK);
    for (int i = 0; i < 10; i++) {
        const flt_rep_t *r = &none->reps[i];
        /* no spare: every interruption waits the full repair */
        assert_int_equal(r->spare_waits, r->interruptions);
        assert_true(r->downtime_s >= (double)r->interruptions * 7200 - 1e-6);
        assert_int_equal(many->reps[i].spare_waits, 0);
    }
    assert_true(none->ttt_days.mean > many->ttt_days.mean);
    flt_results_free(none);
    flt_results_free(many);
}

static void test_async_and_none(void **state)
{
    flt_job_t job = plain_job(1024, 2 * DAY);
    flt_config_t cfg;
    flt_results_t *s = NULL, *a = NULL, *n = NULL;
    (void)state;

    meta_config(&cfg, 10);
    one_cause(&cfg.profile, FLT_CLASS_GPU, FLT_COMP_GPU, 2e-3);
    cfg.ckpt.policy = FLT_CKPT_FIXED;
    cfg.ckpt.interval_s = 1800;
    cfg.ckpt.size_bytes = 120e12; /* 120 s at 1 TB/s */
    cfg.ckpt.storage_bw = 1e12;
    assert_int_equal(flt_run(&job, &cfg, 11, &s, NULL), SIM_OK);
    cfg.ckpt.mode = FLT_CKPT_ASYNC;
    cfg.ckpt.snapshot_s = 2;
    assert_int_equal(flt_run(&job, &cfg, 11, &a, NULL), SIM_OK);
    assert_true(a->ckpt_overhead.mean < s->ckpt_overhead.mean / 10);
    assert_true(a->goodput.mean > s->goodput.mean);

    /* No failures: wall = work + one sync pause per checkpoint. */
    flt_profile_init(&cfg.profile, "none");
    cfg.ckpt.mode = FLT_CKPT_SYNC;
    cfg.replications = 1;
    assert_int_equal(flt_run(&job, &cfg, 11, &n, NULL), SIM_OK);
    assert_close(n->reps[0].wall_s, 2 * DAY + 95 * 120.0, 1e-9);
    assert_int_equal(n->reps[0].checkpoints, 95);
    assert_int_equal(n->reps[0].interruptions, 0);
    flt_results_free(s);
    flt_results_free(a);
    flt_results_free(n);
}

/* ---- outputs and keys --------------------------------------------------- */

static void test_json_and_store(void **state)
{
    flt_job_t job = plain_job(2048, 3 * DAY);
    flt_config_t cfg;
    flt_results_t *res = NULL;
    sim_store_t *st = NULL;
    sim_store_run_info_t info = {"train", NULL, NULL, 1, "test", NULL, 0,
                                 NULL, 0};
    int64_t run;
    double *t = NULL, *v = NULL;
    size_t n = 0;
    (void)state;

    meta_config(&cfg, 5);
    assert_int_equal(flt_profile_builtin("llama3-16k", &cfg.profile, NULL),
                     SIM_OK);
    assert_int_equal(flt_run(&job, &cfg, 1, &res, NULL), SIM_OK);

    json_t *o = json_object();
    assert_int_equal(flt_results_json(res, o), SIM_OK);
    json_t *ttt = json_object_get(o, "time_to_train_days");
    assert_non_null(ttt);
    assert_close(json_real_value(json_object_get(ttt, "mean")),
                 res->ttt_days.mean, 0);
    assert_non_null(json_object_get(ttt, "ci95_high"));
    assert_non_null(json_object_get(json_object_get(o, "goodput"), "p95"));
    assert_non_null(
        json_object_get(json_object_get(o, "interruptions"), "faulty_gpu"));
    assert_non_null(json_object_get(o, "checkpoint_interval_s"));
    assert_non_null(json_object_get(o, "lost_gpu_hours"));
    json_decref(o);

    assert_int_equal(sim_store_open(":memory:", SIM_STORE_READWRITE, &st,
                                    NULL),
                     SIM_OK);
    assert_int_equal(sim_store_run_begin(st, &info, &run, NULL), SIM_OK);
    assert_int_equal(flt_results_store(res, st, run, NULL), SIM_OK);
    assert_int_equal(sim_store_series_get(st, run, "faults.goodput", &t, &v,
                                          &n, NULL),
                     SIM_OK);
    assert_int_equal(n, 5);
    assert_close(t[4], 4, 0);
    assert_close(v[2], res->reps[2].goodput, 0);
    free(t);
    free(v);
    double m;
    bool found;
    assert_int_equal(sim_store_metric_get(st, run, "faults.goodput.mean", &m,
                                          &found, NULL),
                     SIM_OK);
    assert_true(found);
    assert_close(m, res->goodput.mean, 0);

    char buf[8192];
    FILE *f = fmemopen(buf, sizeof buf, "w");
    assert_int_equal(flt_cause_table_write(res, f), SIM_OK);
    fclose(f);
    assert_non_null(strstr(buf, "| Faulty GPU | gpu | 148 |"));
    assert_non_null(strstr(buf, "**unexpected** | | 419 |"));
    sim_store_close(st);
    flt_results_free(res);
}

static void test_keys(void **state)
{
    const cfg_key_t *const tables[] = {cfg_keys_faults, NULL};
    cfg_scenario_t *sc = NULL;
    flt_config_t cfg;
    sim_diag_t d = SIM_DIAG_INIT;
    bool on = false;
    (void)state;

    assert_int_equal(cfg_scenario_load_text(tables, NULL, 0, NULL, NULL, &sc,
                                            &d),
                     SIM_OK);
    assert_int_equal(flt_config_from_scenario(sc, 16384, 5.7e12, &cfg, &on,
                                              &d),
                     SIM_OK);
    assert_false(on); /* the Monte-Carlo runs only when asked for */
    assert_close(flt_scenario_work_s(sc, 123.0), 123.0, 0); /* work = auto */
    assert_string_equal(cfg.profile.name, "llama3-16k");
    assert_close(cfg.recovery.detection_s, 180, 0);
    assert_close(cfg.recovery.restart_s, 480, 0);
    assert_close(cfg.ckpt.storage_bw, 2e12, 0);
    assert_int_equal(cfg.ckpt.policy, FLT_CKPT_DALY);
    assert_close(cfg.ckpt.snapshot_s, 5.7e12 / 16384 / 63e9, 1e-12);
    assert_int_equal(flt_config_from_scenario(sc, 16384, NAN, &cfg, NULL, &d),
                     SIM_ERR_RANGE);
    assert_string_equal(d.key, "faults.checkpoint_size");
    cfg_scenario_free(sc);

    const char *ini = "[faults]\nprofile = custom\ngpu_rate = 0.3\n"
                      "mtbf_node = 1000d\ntor_rate = 1\n"
                      "maintenance_interval = 1d\ncheckpoint_interval = 30min\n"
                      "checkpoint_size = 1TB\ndistribution = weibull\n"
                      "rate_scale = 2\nenabled = on\nwork = 54d\n";
    sim_diag_clear(&d);
    assert_int_equal(cfg_scenario_load_text(tables, ini, strlen(ini), "s.ini",
                                            NULL, &sc, &d),
                     SIM_OK);
    assert_int_equal(flt_config_from_scenario(sc, 64, NAN, &cfg, &on, &d),
                     SIM_OK);
    assert_true(on);
    assert_close(flt_scenario_work_s(sc, 123.0), 54 * DAY, 0);
    assert_int_equal(cfg.profile.n_causes, 4);
    assert_close(cfg.profile.causes[0].rate_per_day, 0.0006, 1e-12);
    assert_close(cfg.profile.causes[1].rate_per_day, 0.002, 1e-12);
    assert_int_equal(cfg.profile.causes[2].comp, FLT_COMP_LEAF);
    assert_true(cfg.profile.causes[3].planned);
    assert_int_equal(cfg.profile.dist, FLT_DIST_WEIBULL);
    assert_int_equal(cfg.ckpt.policy, FLT_CKPT_FIXED);
    assert_close(cfg.ckpt.interval_s, 1800, 0);
    assert_close(cfg.ckpt.size_bytes, 1e12, 0);
    cfg_scenario_free(sc);

    const char *bad = "[faults]\nhot_spares = -1\n";
    assert_int_equal(cfg_scenario_load_text(tables, bad, strlen(bad), "s.ini",
                                            NULL, &sc, &d),
                     SIM_ERR_RANGE);
}

static void test_bad_inputs(void **state)
{
    flt_job_t job = plain_job(64, 0);
    flt_config_t cfg;
    flt_results_t *res = (flt_results_t *)&cfg; /* must become NULL */
    sim_diag_t d = SIM_DIAG_INIT;
    topo_t *rail = small_topo(TOPO_RAIL_FAT_TREE, 64);
    (void)state;

    meta_config(&cfg, 1);
    assert_int_equal(flt_run(&job, &cfg, 1, &res, &d), SIM_ERR_RANGE);
    assert_null(res);
    job.work_s = DAY;
    cfg.replications = 0;
    assert_int_equal(flt_run(&job, &cfg, 1, &res, &d), SIM_ERR_RANGE);
    cfg.replications = 1;
    job.gpus = 128; /* more nodes than the topology has */
    job.topo = rail;
    assert_int_equal(flt_run(&job, &cfg, 1, &res, &d), SIM_ERR_RANGE);
    flt_results_free(NULL);
    topo_free(rail);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_llama_profile),
        cmocka_unit_test(test_profile_errors),
        cmocka_unit_test(test_weibull_mean),
        cmocka_unit_test(test_dual_tor_fabric),
        cmocka_unit_test(test_dual_tor_mc),
        cmocka_unit_test(test_llama_validation),
        cmocka_unit_test(test_mc_matches_closed_form),
        cmocka_unit_test(test_determinism),
        cmocka_unit_test(test_spares_and_repair),
        cmocka_unit_test(test_async_and_none),
        cmocka_unit_test(test_json_and_store),
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_bad_inputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
