## sim/engine — clock, event queue, random streams, library error guard.
libgpusim_a_SOURCES += \
	sim/engine/time.h \
	sim/engine/eq.c sim/engine/eq.h sim/engine/eq_int.h sim/engine/eq_check.c \
	sim/engine/rng.c sim/engine/rng.h \
	sim/engine/engine.c sim/engine/engine.h \
	sim/engine/libguard.c sim/engine/libguard.h

check_PROGRAMS += tests/unit/test_eq tests/unit/test_rng tests/unit/test_engine
TESTS += tests/unit/test_eq tests/unit/test_rng tests/unit/test_engine

tests_unit_test_eq_SOURCES = tests/unit/test_eq.c tests/unit/assert_close.h
tests_unit_test_eq_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_eq_LDADD = $(TEST_LIBS)

tests_unit_test_rng_SOURCES = tests/unit/test_rng.c tests/unit/assert_close.h
tests_unit_test_rng_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_rng_LDADD = $(TEST_LIBS)

tests_unit_test_engine_SOURCES = tests/unit/test_engine.c tests/unit/assert_close.h
tests_unit_test_engine_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_engine_LDADD = $(TEST_LIBS)

bench_programs += tests/bench/bench_hold
tests_bench_bench_hold_SOURCES = tests/bench/bench_hold.c
tests_bench_bench_hold_LDADD = $(GPUSIM_LIBS)
