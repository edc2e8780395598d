/*
 * cmd_sweep.c — `gpusim sweep`: run the cartesian product of --vary KEY=V1,V2
 * through one command's runner (runner.h), R replications each, storing
 * every variant as it finishes, resuming a sweep that was interrupted, and
 * spreading the variants over MPI ranks when started by mpirun or srun
 * (sim/plan/sweep.h, sim/plan/mpi_pool.h).
 *
 * Output: with --json one object {"sweep_id", "command", "replications",
 * "total", "skipped", "ran", "failed", "variants": [...]} (variants as
 * sweep_collect reads them back from the store, in cartesian order), the
 * same bytes from a serial and an MPI run; otherwise a line per variant.
 * A progress bar (done/total, rate, ETA) goes to stderr when stderr is a
 * terminal.  A failed variant (an infeasible configuration) is stored and
 * listed, and does not change the exit status; an invalid --vary value is
 * an error before anything runs.
 *
 * Without --db the sweep lives in an in-memory store (nothing resumes).
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "reports/report.h"
#include "sim/cli/commands.h"
#include "sim/cli/runner.h"
#include "sim/cli/session.h"
#include "sim/config/ini.h"
#include "sim/core/jsonout.h"
#include "sim/plan/sweep.h"
#ifdef HAVE_MPI
#include "sim/plan/mpi_pool.h"
#endif

/* ---- progress bar ------------------------------------------------------------ */

typedef struct progress {
    double t0;
    bool shown;
} progress_t;

static double monotonic_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void progress_tick(size_t done, size_t total, void *ctx)
{
    progress_t *p = ctx;
    double el = monotonic_s() - p->t0;
    double rate = el > 0 ? (double)done / el : 0.0;
    double eta = rate > 0 ? (double)(total - done) / rate : 0.0;
    char bar[31];
    size_t fill = total > 0 ? done * 30 / total : 30;
    for (size_t i = 0; i < 30; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[30] = '\0';
    fprintf(stderr, "\r[%s] %zu/%zu  %.2f/s  ETA %d:%02d ", bar, done, total, rate,
            (int)(eta / 60), (int)eta % 60);
    if (done == total)
        fputc('\n', stderr);
    fflush(stderr);
    p->shown = true;
}

/* ---- which command ------------------------------------------------------------ */

/* The command named by --command, else by the last --set sweep.command=,
 * else by [sweep] command in the scenario file; NULL when none.  The
 * returned string lives in buf or in argv. */
static const char *find_command(const char *opt, const cli_common_t *c,
                                char *buf, size_t n)
{
    if (opt != NULL)
        return opt;
    const char *found = NULL;
    for (int i = 0; i < c->sets.n; i++)
        if (strncmp(c->sets.items[i], "sweep.command=", 14) == 0)
            found = c->sets.items[i] + 14;
    if (found != NULL)
        return found;
    cfg_ini_t *ini = NULL;
    if (c->scenario == NULL || cfg_ini_read_file(c->scenario, &ini, NULL) != SIM_OK)
        return NULL; /* the loader reports an unreadable file later */
    for (size_t i = 0; i < cfg_ini_count(ini); i++) {
        const cfg_ini_entry_t *e = cfg_ini_entry(ini, i);
        if (strcmp(e->section, "sweep") == 0 && strcmp(e->key, "command") == 0 &&
            strcmp(e->value, "auto") != 0) {
            snprintf(buf, n, "%s", e->value);
            found = buf;
        }
    }
    cfg_ini_free(ini);
    return found;
}

/* ---- output ------------------------------------------------------------------- */

static sim_err_t fill_result(cli_session_t *s, const sweep_t *sw, int64_t sweep_id,
                             size_t skipped, size_t ran, size_t failed)
{
    json_t *variants = NULL;
    sim_err_t err = sweep_collect(sw, s->store, sweep_id, &variants, &s->diag);
    if (err == SIM_OK)
        err = sim_json_set_int(s->result, "sweep_id", sweep_id);
    if (err == SIM_OK)
        err = sim_json_set_str(s->result, "command", sweep_command(sw));
    if (err == SIM_OK)
        err = sim_json_set_int(s->result, "replications", sweep_replications(sw));
    if (err == SIM_OK)
        err = sim_json_set_int(s->result, "total", (int64_t)sweep_variant_count(sw));
    if (err == SIM_OK)
        err = sim_json_set_int(s->result, "skipped", (int64_t)skipped);
    if (err == SIM_OK)
        err = sim_json_set_int(s->result, "ran", (int64_t)ran);
    if (err == SIM_OK)
        err = sim_json_set_int(s->result, "failed", (int64_t)failed);
    if (err == SIM_OK) {
        err = sim_json_set_new(s->result, "variants", variants);
        variants = NULL;
    }
    json_decref(variants);
    if (err == SIM_ERR_NOMEM && s->diag.code == SIM_OK)
        sim_diag_set(&s->diag, err, NULL, 0, NULL, "out of memory");
    if (err != SIM_OK || s->common.json)
        return err;

    printf("sweep %" PRId64 " (%s): %zu variants x %d replications; %zu already stored, "
           "%zu run now, %zu runs failed\n", sweep_id, sweep_command(sw),
           sweep_variant_count(sw), sweep_replications(sw), skipped, ran, failed);
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(s->result, "variants"), i, v) {
        const char *error = json_string_value(json_object_get(v, "error"));
        printf("  %-7s %s%s%s\n", json_string_value(json_object_get(v, "status")),
               json_string_value(json_object_get(v, "variant_key")),
               error != NULL ? ": " : "", error != NULL ? error : "");
    }
    if (ferror(stdout))
        return sim_diag_set(&s->diag, SIM_ERR_IO, NULL, 0, NULL, "cannot write stdout");
    return SIM_OK;
}

static sim_err_t write_report(cli_session_t *s, int64_t sweep_id)
{
    rep_report_info_t info;
    rep_report_opts_t opts;
    memset(&info, 0, sizeof info);
    memset(&opts, 0, sizeof opts);
    opts.info = &info;
    rep_selection_t sel = {REP_SEL_SWEEP, sweep_id};
    sim_err_t err = rep_report_write(s->store, sel, s->common.report_dir, &opts, &s->diag);
    if (err != SIM_OK)
        return err;
    if (info.warnings > 0)
        fprintf(stderr, "gpusim sweep: warning: %s\n", info.warning);
    fprintf(stderr, "gpusim sweep: report written to %s/index.html (%d charts)\n",
            s->common.report_dir, info.charts);
    return SIM_OK;
}

#ifdef HAVE_MPI
/* With GPUSIM_SWEEP_TIMES=1 in the environment, where this rank's time went
 * (mpi_pool_times_t), one line on stderr: what `bench_sweep` reports. */
static void print_times(const mpi_pool_t *pool)
{
    const char *env = getenv("GPUSIM_SWEEP_TIMES");
    if (env == NULL || strcmp(env, "1") != 0)
        return;
    const mpi_pool_times_t *t = mpi_pool_times(pool);
    fprintf(stderr, "gpusim sweep: rank %d of %d: %zu variants, running %.3f s, "
            "committing %.3f s, waiting %.3f s, sending %.3f s, idle after its last "
            "variant %.3f s, in all %.3f s\n", mpi_pool_rank(pool), mpi_pool_size(pool),
            t->variants, t->run_s, t->commit_s, t->wait_s, t->send_s, t->tail_s, t->span_s);
}
#endif

/* ---- the command --------------------------------------------------------------- */

int cli_cmd_sweep(int argc, char **argv)
{
    const char *command = NULL;
    cli_list_t vary = {NULL, 0, 0};
    long replications = 0;
    bool reps_given = false;
    const cli_opt_t opts[] = {
        {"command", CLI_STRING, &command, "NAME", "the command each variant runs (default: [sweep] command)", NULL},
        {"vary", CLI_LIST, &vary, "KEY=V1,V2,...", "a key and its values; repeatable (cartesian product, first outermost)", NULL},
        {"replications", CLI_INT, &replications, "N", "runs per variant, seeds hash(seed, r) (default: [sweep] replications)", &reps_given},
        {NULL, 0, NULL, NULL, NULL, NULL},
    };
    const cli_command_spec_t spec = {
        "sweep", "--command NAME --vary KEY=V1,V2,... [--vary ...] [--replications N] [--db FILE]",
        "Run every combination of the varied keys through a command (R replications\n"
        "each, replication r seeded with hash(run.seed, r)), storing each variant as\n"
        "it finishes.  The same sweep run again (same scenario, --set and --vary)\n"
        "runs only what the store lacks, so an interrupted sweep resumes.  Under\n"
        "mpirun or srun the variants are spread over the ranks; rank 0 alone\n"
        "writes the store and the output is the same as a serial run.\n"
#ifdef HAVE_MPI
        "MPI support: yes."
#else
        "MPI support: no (configure found no MPI: sweeps run serially)."
#endif
        , opts, NULL, false,
    };
    int status = 0;
    bool worker = false;
#ifdef HAVE_MPI
    mpi_pool_t *pool = NULL;
    if (mpi_pool_launched()) {
        sim_diag_t d = SIM_DIAG_INIT;
        sim_err_t e = mpi_pool_init(&pool, &d);
        if (e != SIM_OK) {
            cli_list_release(&vary);
            return cli_report_error("sweep", e, &d);
        }
        if (mpi_pool_size(pool) < 2) {
            mpi_pool_finalize(pool);
            pool = NULL;
        } else if (mpi_pool_rank(pool) != 0) {
            worker = true;
            /* Only rank 0 answers on stdout (--help, --json, the table). */
            if (freopen("/dev/null", "w", stdout) == NULL)
                mpi_pool_abort(pool, 2);
        }
    }
#endif
    cli_session_t s;
    if (cli_session_parse(&s, &spec, argc, argv, &status) == CLI_OPEN_EXIT) {
        cli_list_release(&vary);
#ifdef HAVE_MPI
        mpi_pool_finalize(pool);
#endif
        return status;
    }

    sweep_t *sw = NULL;
    sweep_remaining_t remaining = {NULL, 0, 0};
    int64_t sweep_id = 0;
    size_t failed = 0;
    sim_err_t err = SIM_OK;
    char cmd_buf[128];
    const char *name = find_command(command, &s.common, cmd_buf, sizeof cmd_buf);
    const cli_runner_t *runner = name != NULL ? cli_runner_find(name) : NULL;
    if (runner == NULL) {
        char names[256];
        cli_runner_names(names, sizeof names);
        err = name == NULL
            ? sim_diag_set(&s.diag, SIM_ERR_USAGE, NULL, 0, NULL,
                           "which command? give --command NAME or [sweep] command (%s)", names)
            : sim_diag_set(&s.diag, SIM_ERR_USAGE, NULL, 0, NULL,
                           "cannot sweep command '%s' (commands: %s)", name, names);
    }
    if (err == SIM_OK && reps_given && (replications < 1 || replications > SWEEP_MAX_REPLICATIONS))
        err = sim_diag_set(&s.diag, SIM_ERR_USAGE, NULL, 0, NULL,
                           "--replications: expected 1 to %d, got %ld",
                           SWEEP_MAX_REPLICATIONS, replications);
    if (err == SIM_OK) {
        sweep_def_t def;
        memset(&def, 0, sizeof def);
        def.command = runner->name;
        def.tables = runner->tables;
        def.run = runner->run;
        def.scenario_path = s.common.scenario;
        def.vary = vary.items;
        def.n_vary = (size_t)vary.n;
        def.replications = reps_given ? (int)replications : 0;
        def.seed_given = s.common.seed_given;
        def.seed = s.common.seed;
        def.version = PACKAGE_VERSION;
        const char **sets = cli_common_overrides(&s.common);
        if (sets == NULL) {
            err = sim_diag_set(&s.diag, SIM_ERR_NOMEM, NULL, 0, NULL, "out of memory");
        } else {
            def.overrides = sets;
            err = sweep_new(&def, &sw, &s.diag);
            free(sets);
        }
    }
    /* Rank 0 (or the only process) alone opens the store. */
    if (err == SIM_OK && !worker) {
        const char *path = s.common.db_path != NULL ? s.common.db_path : ":memory:";
        bool resumed = false;
        err = sim_store_open(path, SIM_STORE_READWRITE, &s.store, &s.diag);
        if (err == SIM_OK)
            err = sweep_attach(sw, s.store, &sweep_id, &resumed, &s.diag);
        if (err == SIM_OK)
            err = sweep_remaining(sw, s.store, sweep_id, &remaining, &s.diag);
    }
#ifdef HAVE_MPI
    bool agreed = false;
    if (pool != NULL) {
        err = mpi_pool_agree(pool, err, sw != NULL ? mpi_pool_fingerprint(sw) : 0, &s.diag);
        agreed = err == SIM_OK;
    }
#endif
    progress_t prog = {monotonic_s(), false};
    sweep_progress_fn tick = isatty(STDERR_FILENO) ? progress_tick : NULL;
    if (err == SIM_OK) {
#ifdef HAVE_MPI
        if (pool != NULL && worker)
            err = mpi_pool_work(pool, sw, &s.diag);
        else if (pool != NULL)
            err = mpi_pool_coordinate(pool, sw, s.store, sweep_id, &remaining, tick, &prog,
                                      &failed, &s.diag);
        else
#endif
            err = sweep_run_serial(sw, s.store, sweep_id, &remaining, tick, &prog, &failed,
                                   &s.diag);
        if (err != SIM_OK && prog.shown)
            fputc('\n', stderr);
    }
#ifdef HAVE_MPI
    bool run_failed = agreed && err != SIM_OK;
    if (agreed && err == SIM_OK) {
        print_times(pool);
        /* Done with MPI: the workers may exit while rank 0 reads the sweep
         * back and prints it, instead of waiting in MPI_Finalize. */
        mpi_pool_finalize(pool);
        pool = NULL;
    }
#endif
    if (err == SIM_OK && !worker)
        err = fill_result(&s, sw, sweep_id, remaining.skipped, remaining.n, failed);
    if (err == SIM_OK && !worker && s.common.report_dir != NULL)
        err = write_report(&s, sweep_id);
    /* The session would report a single run; the sweep's report is done. */
    s.common.report_dir = NULL;
    if (worker)
        s.common.json = false;
    sweep_remaining_release(&remaining);
    sweep_free(sw);
    cli_list_release(&vary);
    status = cli_session_close(&s, err);
#ifdef HAVE_MPI
    /* A rank that failed while the others work may leave them waiting on
     * it: end the whole job. */
    if (run_failed)
        mpi_pool_abort(pool, status);
    mpi_pool_finalize(pool);
#endif
    return status;
}
