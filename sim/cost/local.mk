## sim/cost — the cost model: price catalog (prices.ini), rented and owned
## costs per run / month / million tokens / model, the [cost] key table.
libgpusim_a_SOURCES += \
	sim/cost/prices.c sim/cost/prices.h \
	sim/cost/cost.c sim/cost/cost.h \
	sim/cost/keys_cost.c sim/cost/keys_cost.h

EMBED_FILES += workloads/catalog/prices.ini

check_PROGRAMS += tests/unit/test_cost
TESTS += tests/unit/test_cost
tests_unit_test_cost_SOURCES = tests/unit/test_cost.c tests/unit/assert_close.h
tests_unit_test_cost_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_cost_LDADD = $(TEST_LIBS)
