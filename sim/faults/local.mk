## sim/faults — failure processes, topology-aware effects, checkpoints,
## goodput Monte-Carlo, [faults] keys.
## Include AFTER workloads/local.mk (which starts EMBED_FILES empty).
libgpusim_a_SOURCES += \
	sim/faults/fault_model.c sim/faults/fault_model.h \
	sim/faults/fabric.c sim/faults/fabric.h \
	sim/faults/checkpoint.c sim/faults/checkpoint.h \
	sim/faults/goodput.c sim/faults/goodput.h \
	sim/faults/goodput_report.c sim/faults/goodput_report.h \
	sim/faults/keys_faults.c sim/faults/keys_faults.h

EMBED_FILES += \
	workloads/faults/llama3-16k.ini \
	workloads/faults/meta-rsc.ini \
	workloads/faults/none.ini
EXTRA_DIST += workloads/faults/SOURCE.md

check_PROGRAMS += tests/unit/test_faults tests/unit/test_checkpoint
TESTS += tests/unit/test_faults tests/unit/test_checkpoint

tests_unit_test_faults_SOURCES = tests/unit/test_faults.c \
	tests/unit/assert_close.h
tests_unit_test_faults_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_faults_LDADD = $(TEST_LIBS)

tests_unit_test_checkpoint_SOURCES = tests/unit/test_checkpoint.c \
	tests/unit/assert_close.h
tests_unit_test_checkpoint_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_checkpoint_LDADD = $(TEST_LIBS)

bench_programs += tests/bench/bench_faults
tests_bench_bench_faults_SOURCES = tests/bench/bench_faults.c
tests_bench_bench_faults_LDADD = $(GPUSIM_LIBS)

# Faults through `gpusim train` end to end, the [faults] scenario fragments
# and the what-if script it runs in quick mode.
TESTS += tests/cli_faults.sh
EXTRA_DIST += tests/cli_faults.sh \
	workloads/scenarios/faults-llama3-16k.ini \
	workloads/scenarios/faults-baichuan-hpn.ini \
	workloads/scenarios/whatif-faults.sh
