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

