## sim/plan — sweeps: the cartesian product of --vary options, resumable
## through the results store, and their distribution over MPI ranks.
libgpusim_a_SOURCES += sim/plan/sweep.c sim/plan/sweep.h sim/plan/sweep_int.h \
	sim/plan/sweep_store.c

# The MPI work queue needs MPI's headers; it goes into a library of its own
# so that no other object is compiled against them.  Only gpusim links it
# (sim/cli/local.mk), before libgpusim.a.
if HAVE_MPI
noinst_LIBRARIES += libgpusim_mpi.a
libgpusim_mpi_a_SOURCES = sim/plan/mpi_pool.c sim/plan/mpi_pool.h
libgpusim_mpi_a_CPPFLAGS = $(AM_CPPFLAGS) $(MPI_CFLAGS)
endif

check_PROGRAMS += tests/unit/test_sweep
TESTS += tests/unit/test_sweep tests/cli_sweep.sh
EXTRA_DIST += tests/cli_sweep.sh
tests_unit_test_sweep_SOURCES = tests/unit/test_sweep.c tests/unit/assert_close.h
tests_unit_test_sweep_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_sweep_LDADD = $(TEST_LIBS)

# Serial vs mpirun -np 2 over 200 topo variants (runs ./gpusim).
bench_programs += tests/bench/bench_sweep
tests_bench_bench_sweep_SOURCES = tests/bench/bench_sweep.c
tests_bench_bench_sweep_CPPFLAGS = $(AM_CPPFLAGS) -DGPUSIM_MPIRUN='"$(MPIRUN)"'
tests_bench_bench_sweep_LDADD = $(GPUSIM_LIBS)

# The capacity planner (gpusim plan): search, pruning, bisection, cache.
libgpusim_a_SOURCES += sim/plan/plan.c sim/plan/plan.h sim/plan/plan_space.c \
	sim/plan/plan_targets.c sim/plan/keys_plan.c
check_PROGRAMS += tests/unit/test_plan
TESTS += tests/unit/test_plan tests/cli_plan.sh
EXTRA_DIST += tests/cli_plan.sh workloads/scenarios/plan-train-qwen72b.ini \
	workloads/scenarios/plan-serve-llama70b.ini workloads/scenarios/plan-aigc-spike.ini \
	workloads/scenarios/plan-cluster-queue.ini
tests_unit_test_plan_SOURCES = tests/unit/test_plan.c tests/unit/assert_close.h
tests_unit_test_plan_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_plan_LDADD = $(TEST_LIBS)
bench_programs += tests/bench/bench_plan
tests_bench_bench_plan_SOURCES = tests/bench/bench_plan.c
tests_bench_bench_plan_LDADD = $(GPUSIM_LIBS)
