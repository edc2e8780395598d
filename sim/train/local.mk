## sim/train — the training executor (issue 5, second half): one iteration
## simulated op by op over the representative pipeline, metrics, timeline,
## validation against published runs; `gpusim train` lives in sim/cli.
libgpusim_a_SOURCES += sim/train/train.c sim/train/train.h \
	sim/train/train_int.h sim/train/train_kernel.c sim/train/train_comm.c \
	sim/train/train_comm.h sim/train/train_report.c sim/train/train_validate.c \
	sim/train/train_validate.h sim/train/keys_sim.c sim/train/keys_sim.h
EXTRA_DIST += workloads/validation/training.csv \
	workloads/scenarios/train-baichuan2-13b-hpn.ini \
	workloads/scenarios/train-qwen-72b-h800.ini \
	workloads/scenarios/train-gpt3-175b-a100.ini \
	workloads/scenarios/train-llama3-405b-h100.ini \
	workloads/scenarios/train-mixed-h800-h20.ini \
	workloads/scenarios/train-deepseek-v3-ep.ini \
	tests/cli_train.sh
check_PROGRAMS += tests/unit/test_train tests/unit/test_train_validate
TESTS += tests/unit/test_train tests/unit/test_train_validate tests/cli_train.sh
tests_unit_test_train_SOURCES = tests/unit/test_train.c tests/unit/assert_close.h
tests_unit_test_train_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_train_LDADD = $(TEST_LIBS)
tests_unit_test_train_validate_SOURCES = tests/unit/test_train_validate.c \
	tests/unit/assert_close.h
tests_unit_test_train_validate_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_train_validate_LDADD = $(TEST_LIBS)
bench_programs += tests/bench/bench_train
tests_bench_bench_train_SOURCES = tests/bench/bench_train.c
tests_bench_bench_train_LDADD = $(GPUSIM_LIBS)
# Profile of a catalog GPU for the executor (shipped calibrated profiles).
libgpusim_a_SOURCES += sim/train/train_profile.c sim/train/train_profile.h
