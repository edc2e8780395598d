## sim/serve — inference serving: traffic generators and trace replay
## (workloads/), replicas with continuous batching, KV cache, router,
## metrics, autoscaling and cost, validation against measured runs, and
## the [service]/[traffic]/[slo]/[autoscale] key tables.
libgpusim_a_SOURCES += \
	workloads/traffic.c workloads/traffic.h \
	workloads/trace_requests.c workloads/trace_requests.h \
	sim/serve/perf.c sim/serve/perf.h \
	sim/serve/metrics.c sim/serve/metrics.h \
	sim/serve/prefix.c sim/serve/prefix.h \
	sim/serve/replica.c sim/serve/serve_int.h \
	sim/serve/serve.c sim/serve/serve.h sim/serve/serve_config.c \
	sim/serve/autoscale.c sim/serve/autoscale.h \
	sim/serve/fleet.c \
	sim/serve/disagg.c \
	sim/serve/validate.c sim/serve/validate.h \
	sim/serve/keys_serve.c sim/serve/keys_serve.h

# Trace excerpts compiled into the program (workloads/embedded.h).
EMBED_FILES += \
	workloads/traces/serving/azure-code-2023.csv \
	workloads/traces/serving/azure-conv-2023.csv \
	workloads/traces/serving/mooncake-conversation.jsonl \
	workloads/traces/serving/genai-lora-requests.csv \
	workloads/traces/serving/servegen-m-large-rate.csv \
	workloads/traces/serving/genai-basemodel-load.csv
EXTRA_DIST += workloads/traces/serving/SOURCE.md

check_PROGRAMS += tests/unit/test_traffic tests/unit/test_serve \
	tests/unit/test_autoscale tests/unit/test_serve_validate \
	tests/unit/test_serve_moe
TESTS += tests/unit/test_traffic tests/unit/test_serve \
	tests/unit/test_autoscale tests/unit/test_serve_validate \
	tests/unit/test_serve_moe
tests_unit_test_traffic_SOURCES = tests/unit/test_traffic.c tests/unit/assert_close.h
tests_unit_test_traffic_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_traffic_LDADD = $(TEST_LIBS)
tests_unit_test_serve_SOURCES = tests/unit/test_serve.c tests/unit/assert_close.h \
	tests/unit/serve_testlib.h
tests_unit_test_serve_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_serve_LDADD = $(TEST_LIBS)

bench_programs += tests/bench/bench_serve
tests_bench_bench_serve_SOURCES = tests/bench/bench_serve.c
tests_bench_bench_serve_LDADD = $(GPUSIM_LIBS)
tests_unit_test_autoscale_SOURCES = tests/unit/test_autoscale.c tests/unit/assert_close.h \
	tests/unit/serve_testlib.h
tests_unit_test_autoscale_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_autoscale_LDADD = $(TEST_LIBS)

# gpusim serve end to end, and the shipped serving scenarios it runs.
TESTS += tests/cli_serve.sh
EXTRA_DIST += tests/cli_serve.sh \
	workloads/scenarios/aigc-spike.ini workloads/scenarios/diurnal-chat.ini \
	workloads/scenarios/code-assist.ini workloads/scenarios/long-context.ini \
	workloads/scenarios/disagg-long-context.ini
tests_unit_test_serve_moe_SOURCES = tests/unit/test_serve_moe.c tests/unit/assert_close.h \
	tests/unit/serve_testlib.h
tests_unit_test_serve_moe_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_serve_moe_LDADD = $(TEST_LIBS)
tests_unit_test_serve_validate_SOURCES = tests/unit/test_serve_validate.c tests/unit/assert_close.h
tests_unit_test_serve_validate_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_serve_validate_LDADD = $(TEST_LIBS)

# Serving validation data (gpusim validate --serving FILE).
EXTRA_DIST += workloads/validation/serving/SOURCE.md \
	workloads/validation/serving/convert.py \
	workloads/validation/serving/serving.csv \
	workloads/validation/serving/vllm-RTX4090-llama3-8b.csv \
	workloads/validation/serving/vllm-RTXPRO6000-llama3-8b.csv \
	workloads/validation/serving/vllm-RTXPRO6000-qwen3-32b.csv \
	workloads/validation/serving/vllm-RTXPRO6000-qwen3-30b-a3b.csv \
	workloads/validation/serving/llmservingsim-rtx4090-bf16-gemm.csv \
	workloads/validation/serving/llmservingsim-rtxpro6000-bf16-gemm.csv \
	workloads/validation/serving/llmservingsim-rtxpro6000-allreduce-20260908.csv \
	workloads/validation/serving/llmservingsim-rtxpro6000-allreduce-20260926.csv
# The timings the shipped H20 profile was fitted on (its embed line is with
# the other profiles in sim/compute/local.mk; test_serve_validate refits it).
EXTRA_DIST += workloads/profiles/pipeweave-h20-fp8.csv
