## sim/config — scenario loader: INI parser, units, key tables, scenarios.
libgpusim_a_SOURCES += \
	sim/config/ini.c sim/config/ini.h \
	sim/config/units.c sim/config/units.h \
	sim/config/schema.c sim/config/schema.h \
	sim/config/scenario.c sim/config/scenario.h \
	sim/config/keys.h sim/config/keys_cluster.c sim/config/keys_run.c

check_PROGRAMS += tests/unit/test_ini tests/unit/test_units \
	tests/unit/test_scenario
TESTS += tests/unit/test_ini tests/unit/test_units tests/unit/test_scenario

tests_unit_test_ini_SOURCES = tests/unit/test_ini.c
tests_unit_test_ini_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_ini_LDADD = $(TEST_LIBS)

tests_unit_test_units_SOURCES = tests/unit/test_units.c \
	tests/unit/assert_close.h
tests_unit_test_units_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_units_LDADD = $(TEST_LIBS)

tests_unit_test_scenario_SOURCES = tests/unit/test_scenario.c \
	tests/unit/assert_close.h
tests_unit_test_scenario_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_scenario_LDADD = $(TEST_LIBS)

# libFuzzer harness and seeds: built by hand or by the lead's fuzz target
# (recipe at the top of the harness), shipped in the tarball.
EXTRA_DIST += tests/fuzz/fuzz_scenario.c \
	tests/fuzz/corpus/crlf.ini tests/fuzz/corpus/dup.ini \
	tests/fuzz/corpus/hpn.ini tests/fuzz/corpus/hpn_shape.ini \
	tests/fuzz/corpus/override.ini tests/fuzz/corpus/units.ini \
	tests/fuzz/corpus/unknown.ini
