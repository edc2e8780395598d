## sim/store/local.mk — the SQLite results store, and the JSON output helper
## (sim/core/jsonout) that the CLI's --json contract and the store share.
libgpusim_a_SOURCES += sim/store/store.c sim/store/store.h \
	sim/store/store_int.h sim/store/store_schema.c sim/store/store_read.c \
	sim/core/jsonout.c sim/core/jsonout.h

check_PROGRAMS += tests/unit/test_store tests/unit/test_jsonout
TESTS += tests/unit/test_store tests/unit/test_jsonout

tests_unit_test_store_SOURCES = tests/unit/test_store.c tests/unit/assert_close.h
tests_unit_test_store_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_store_LDADD = $(TEST_LIBS)

tests_unit_test_jsonout_SOURCES = tests/unit/test_jsonout.c tests/unit/assert_close.h
tests_unit_test_jsonout_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_jsonout_LDADD = $(TEST_LIBS)

bench_programs += tests/bench/bench_store
tests_bench_bench_store_SOURCES = tests/bench/bench_store.c
tests_bench_bench_store_LDADD = $(GPUSIM_LIBS)
