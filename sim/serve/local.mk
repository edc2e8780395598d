## sim/serve — inference serving: traffic generators and trace replay
## (workloads/), replicas with continuous batching, KV cache, router,
## metrics, and the [service]/[traffic]/[slo] key tables.
libgpusim_a_SOURCES += \
	workloads/traffic.c workloads/traffic.h \
	workloads/trace_requests.c workloads/trace_requests.h \
	sim/serve/perf.c sim/serve/perf.h \
	sim/serve/metrics.c sim/serve/metrics.h \
	sim/serve/prefix.c sim/serve/prefix.h \
	sim/serve/replica.c sim/serve/serve_int.h \
	sim/serve/serve.c sim/serve/serve.h \
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

check_PROGRAMS += tests/unit/test_traffic tests/unit/test_serve
TESTS += tests/unit/test_traffic tests/unit/test_serve
tests_unit_test_traffic_SOURCES = tests/unit/test_traffic.c tests/unit/assert_close.h
tests_unit_test_traffic_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_traffic_LDADD = $(TEST_LIBS)
tests_unit_test_serve_SOURCES = tests/unit/test_serve.c tests/unit/assert_close.h
tests_unit_test_serve_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_serve_LDADD = $(TEST_LIBS)

bench_programs += tests/bench/bench_serve
tests_bench_bench_serve_SOURCES = tests/bench/bench_serve.c
tests_bench_bench_serve_LDADD = $(GPUSIM_LIBS)
