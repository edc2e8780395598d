## workloads — catalogs and descriptions (pure functions, no simulated time).
## EMBED_FILES lists the data files compiled into the program; the table is
## regenerated whenever the list (the Makefile) or a file changes.
EMBED_FILES =

libgpusim_a_SOURCES += workloads/embedded.c workloads/embedded.h
nodist_libgpusim_a_SOURCES = workloads/embedded_data.c
BUILT_SOURCES += workloads/embedded_data.c
CLEANFILES += workloads/embedded_data.c
EXTRA_DIST += $(EMBED_FILES)

workloads/embedded_data.c: $(EMBED_FILES) $(top_srcdir)/build-aux/embed.sh Makefile
	$(AM_V_GEN)$(MKDIR_P) workloads && \
	  $(SHELL) $(top_srcdir)/build-aux/embed.sh $(top_srcdir) $@ $(EMBED_FILES)

## Hardware catalog (sim/config owner): gpus.ini and its loader.
EMBED_FILES += workloads/catalog/gpus.ini
EXTRA_DIST += workloads/catalog/SOURCE.md
libgpusim_a_SOURCES += workloads/hwcat.c workloads/hwcat.h \
	workloads/gpu_profile.c workloads/gpu_profile.h
check_PROGRAMS += tests/unit/test_hwcat
TESTS += tests/unit/test_hwcat
tests_unit_test_hwcat_SOURCES = tests/unit/test_hwcat.c \
	tests/unit/assert_close.h
tests_unit_test_hwcat_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_hwcat_LDADD = $(TEST_LIBS)

## Training workload model (issue 5, first half): model catalog, parallelism
## plan, memory per GPU, per-stage op graph, FLOPs, [model]/[parallel]/[train]
## keys.
EMBED_FILES += workloads/models/models.ini
EXTRA_DIST += workloads/models/SOURCE.md
libgpusim_a_SOURCES += workloads/model_catalog.c workloads/model_catalog.h \
	workloads/parallel.c workloads/parallel.h \
	workloads/train_memory.c workloads/train_memory.h \
	workloads/train_graph.c workloads/train_graph.h \
	workloads/train_flops.c workloads/train_flops.h \
	workloads/keys_train.c workloads/keys_train.h
check_PROGRAMS += tests/unit/test_model_catalog tests/unit/test_parallel \
	tests/unit/test_train_memory tests/unit/test_train_graph
TESTS += tests/unit/test_model_catalog tests/unit/test_parallel \
	tests/unit/test_train_memory tests/unit/test_train_graph
tests_unit_test_model_catalog_SOURCES = tests/unit/test_model_catalog.c \
	tests/unit/assert_close.h
tests_unit_test_model_catalog_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_model_catalog_LDADD = $(TEST_LIBS)
tests_unit_test_parallel_SOURCES = tests/unit/test_parallel.c
tests_unit_test_parallel_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_parallel_LDADD = $(TEST_LIBS)
tests_unit_test_train_memory_SOURCES = tests/unit/test_train_memory.c \
	tests/unit/assert_close.h
tests_unit_test_train_memory_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_train_memory_LDADD = $(TEST_LIBS)
tests_unit_test_train_graph_SOURCES = tests/unit/test_train_graph.c \
	tests/unit/assert_close.h
tests_unit_test_train_graph_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_train_graph_LDADD = $(TEST_LIBS)
