## sim/cluster — shared-cluster scheduling from traces (`gpusim cluster`):
## node table, placement (best/worst-fit, topo-pack, FGD), queueing
## policies, failures, the FGD paper's fill experiment; job-mix (Acme)
## and node-inventory (Alibaba spot 2026) priors.  The trace reader and
## the traces live under workloads/.
libgpusim_a_SOURCES += \
	sim/cluster/cluster.h sim/cluster/cluster_int.h \
	sim/cluster/nodes.c sim/cluster/place.c \
	sim/cluster/sched.c sim/cluster/ends.c sim/cluster/ends.h \
	sim/cluster/fill.c \
	sim/cluster/keys.c sim/cluster/keys.h \
	sim/cluster/priors.c sim/cluster/priors.h sim/cluster/spot.c \
	workloads/trace_jobs.c workloads/trace_jobs.h

EMBED_FILES += workloads/traces/openb_pods.csv workloads/traces/openb_nodes.csv \
	workloads/traces/acme_cluster_summary.csv workloads/traces/spot2026_pools.csv
EXTRA_DIST += workloads/traces/SOURCE.md sim/cluster/README-validation.md \
	workloads/scenarios/cluster-openb-fill.ini workloads/scenarios/cluster-synthetic.ini \
	workloads/scenarios/cluster-acme-spot.ini \
	tests/cli_cluster.sh

check_PROGRAMS += tests/unit/test_cluster
TESTS += tests/unit/test_cluster tests/cli_cluster.sh
tests_unit_test_cluster_SOURCES = tests/unit/test_cluster.c tests/unit/assert_close.h
tests_unit_test_cluster_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_cluster_LDADD = $(TEST_LIBS)

bench_programs += tests/bench/bench_cluster
tests_bench_bench_cluster_SOURCES = tests/bench/bench_cluster.c
tests_bench_bench_cluster_LDADD = $(GPUSIM_LIBS)
