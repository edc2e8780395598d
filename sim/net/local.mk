## sim/net/local.mk — the flow-level network: max-min fair solver (lmm).
## Other sim/net files are added here as they land.
libgpusim_a_SOURCES += sim/net/lmm.c sim/net/lmm.h

check_PROGRAMS += tests/unit/test_lmm
TESTS += tests/unit/test_lmm
tests_unit_test_lmm_SOURCES = tests/unit/test_lmm.c tests/unit/assert_close.h
tests_unit_test_lmm_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_lmm_LDADD = $(TEST_LIBS)

bench_programs += tests/bench/bench_lmm
tests_bench_bench_lmm_SOURCES = tests/bench/bench_lmm.c
tests_bench_bench_lmm_LDADD = $(GPUSIM_LIBS)

## Flow-level network (flownet): links as lmm constraints, flows as
## variables, driven by the engine; needs topologies/ (topo, route).
libgpusim_a_SOURCES += sim/net/flownet.c sim/net/flownet_route.c \
	sim/net/flownet.h sim/net/flownet_int.h

check_PROGRAMS += tests/unit/test_flownet
TESTS += tests/unit/test_flownet
tests_unit_test_flownet_SOURCES = tests/unit/test_flownet.c tests/unit/assert_close.h
tests_unit_test_flownet_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_flownet_LDADD = $(TEST_LIBS)

bench_programs += tests/bench/bench_flownet
tests_bench_bench_flownet_SOURCES = tests/bench/bench_flownet.c
tests_bench_bench_flownet_LDADD = $(GPUSIM_LIBS)

## Collectives (NCCL-style step schedules, tuning, execution, validation).
libgpusim_a_SOURCES += sim/net/coll_algo.c sim/net/coll_algo.h \
	sim/net/coll_tree.c sim/net/coll_int.h \
	sim/net/nccl_tuning.c sim/net/nccl_tuning.h \
	sim/net/collective.c sim/net/collective.h \
	sim/net/coll_validate.c sim/net/coll_validate.h
EMBED_FILES += workloads/profiles/net.ini \
	workloads/validation/collectives.csv
EXTRA_DIST += workloads/validation/SOURCE.md

check_PROGRAMS += tests/unit/test_coll_algo tests/unit/test_collective
TESTS += tests/unit/test_coll_algo tests/unit/test_collective
tests_unit_test_coll_algo_SOURCES = tests/unit/test_coll_algo.c \
	tests/unit/assert_close.h
tests_unit_test_coll_algo_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_coll_algo_LDADD = $(TEST_LIBS)
tests_unit_test_collective_SOURCES = tests/unit/test_collective.c \
	tests/unit/assert_close.h
tests_unit_test_collective_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_collective_LDADD = $(TEST_LIBS)

bench_programs += tests/bench/bench_coll
tests_bench_bench_coll_SOURCES = tests/bench/bench_coll.c
tests_bench_bench_coll_LDADD = $(GPUSIM_LIBS)

# [collective] scenario keys (gpusim collective, sweeps).
libgpusim_a_SOURCES += sim/net/keys_collective.c sim/net/keys_collective.h
