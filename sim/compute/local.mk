## sim/compute — roofline operator model, device profiles, efficiency fit
## (GSL nonlinear least squares) and calibrate/validate against kernel
## timing CSVs.
libgpusim_a_SOURCES += \
	sim/compute/roofline.c sim/compute/roofline.h \
	sim/compute/profile.c sim/compute/profile.h \
	sim/compute/timing_csv.c sim/compute/timing_csv.h \
	sim/compute/fit.c sim/compute/fit.h \
	sim/compute/validate.c sim/compute/validate.h

check_PROGRAMS += tests/unit/test_compute tests/unit/test_calib
TESTS += tests/unit/test_compute tests/unit/test_calib
tests_unit_test_compute_SOURCES = tests/unit/test_compute.c tests/unit/assert_close.h
tests_unit_test_compute_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_compute_LDADD = $(TEST_LIBS)
tests_unit_test_calib_SOURCES = tests/unit/test_calib.c tests/unit/assert_close.h
tests_unit_test_calib_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_calib_LDADD = $(TEST_LIBS)

bench_programs += tests/bench/bench_compute
tests_bench_bench_compute_SOURCES = tests/bench/bench_compute.c
tests_bench_bench_compute_LDADD = $(GPUSIM_LIBS)

# Fitted device profiles ship inside the binary.
EMBED_FILES += workloads/profiles/H800.profile workloads/profiles/H100.profile workloads/profiles/H20.profile
# Inputs the profiles were fitted on (tests read them via $(top_srcdir));
# the DeepGEMM H800 CSV ships with the calibration data (sim/kbench/local.mk).
EXTRA_DIST += workloads/profiles/SOURCE.md \
	workloads/profiles/pipeweave-h100-fp8.csv \
	workloads/profiles/pipeweave-h800-fp8.csv
# Half-precision GEMM and attention calibration for the training executor
# (workloads/profiles/SOURCE.md): A100 from Vidur FP16 GEMMs, H100 from
# PipeWeave FP8 plus Vidur FP16 GEMMs; the CSVs they were fitted on.
EMBED_FILES += workloads/profiles/A100-80G.profile
EXTRA_DIST += workloads/profiles/make-gemm-csv.sh \
	workloads/profiles/vidur-a100-fp16-gemm.csv \
	workloads/profiles/h100-fp8-fp16-gemm.csv
