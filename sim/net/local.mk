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
