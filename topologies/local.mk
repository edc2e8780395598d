## topologies/local.mk — topology builders, routing, summary and export
## (included by the top-level Makefile.am; paths relative to the repo root).
libgpusim_a_SOURCES += \
	topologies/topo.c topologies/topo.h \
	topologies/build_util.c topologies/build_util.h \
	topologies/build_single.c topologies/build_spine_leaf.c \
	topologies/build_fat_tree.c topologies/build_rail.c \
	topologies/build_hpn.c \
	topologies/route.c topologies/route.h \
	topologies/bisection.c topologies/bisection.h \
	topologies/summary.c topologies/summary.h \
	topologies/export.c topologies/export.h

check_PROGRAMS += tests/unit/test_topo tests/unit/test_topo_route \
	tests/unit/test_topo_summary
TESTS += tests/unit/test_topo tests/unit/test_topo_route \
	tests/unit/test_topo_summary
tests_unit_test_topo_SOURCES = tests/unit/test_topo.c tests/unit/assert_close.h
tests_unit_test_topo_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_topo_LDADD = $(TEST_LIBS)
tests_unit_test_topo_route_SOURCES = tests/unit/test_topo_route.c \
	tests/unit/assert_close.h
tests_unit_test_topo_route_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_topo_route_LDADD = $(TEST_LIBS)
tests_unit_test_topo_summary_SOURCES = tests/unit/test_topo_summary.c \
	tests/unit/assert_close.h
tests_unit_test_topo_summary_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_topo_summary_LDADD = $(TEST_LIBS)

bench_programs += tests/bench/bench_topo
tests_bench_bench_topo_SOURCES = tests/bench/bench_topo.c
tests_bench_bench_topo_LDADD = $(GPUSIM_LIBS)
