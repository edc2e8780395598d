## workloads — catalogs and descriptions (pure functions, no simulated time).
## EMBED_FILES lists the data files compiled into the program.
EMBED_FILES =

libgpusim_a_SOURCES += workloads/embedded.c workloads/embedded.h
nodist_libgpusim_a_SOURCES = workloads/embedded_data.c
BUILT_SOURCES += workloads/embedded_data.c
CLEANFILES += workloads/embedded_data.c
EXTRA_DIST += $(EMBED_FILES)

workloads/embedded_data.c: $(EMBED_FILES) $(top_srcdir)/build-aux/embed.sh
	$(AM_V_GEN)$(MKDIR_P) workloads && \
	  $(SHELL) $(top_srcdir)/build-aux/embed.sh $(top_srcdir) $@ $(EMBED_FILES)

## Hardware catalog (sim/config owner): gpus.ini and its loader.
EMBED_FILES += workloads/catalog/gpus.ini
EXTRA_DIST += workloads/catalog/SOURCE.md
libgpusim_a_SOURCES += workloads/hwcat.c workloads/hwcat.h
check_PROGRAMS += tests/unit/test_hwcat
TESTS += tests/unit/test_hwcat
tests_unit_test_hwcat_SOURCES = tests/unit/test_hwcat.c \
	tests/unit/assert_close.h
tests_unit_test_hwcat_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_hwcat_LDADD = $(TEST_LIBS)
