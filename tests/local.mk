## tests/local.mk — end-to-end tests of the gpusim program (shell scripts
## around the CLI) and their helper programs.  Unit tests live beside each
## module's fragment.
check_PROGRAMS += tests/json_get
tests_json_get_SOURCES = tests/json_get.c
tests_json_get_LDADD = $(JANSSON_LIBS)

TESTS += tests/cli_topo.sh tests/kbench_e2e.sh tests/calib_e2e.sh tests/readme_keys.sh \
	tests/cli_collective.sh
EXTRA_DIST += tests/testlib.sh tests/cli_topo.sh tests/calib_e2e.sh \
	tests/readme_keys.sh build-aux/readme-keys.sh tests/cli_collective.sh

# `make fuzz`: build the scenario-loader libFuzzer harness with clang and run
# it for FUZZ_SECONDS (default 180).  Not part of `make check`.
FUZZ_SECONDS = 180
FUZZ_HARNESS_FILES = tests/fuzz/fuzz_scenario.c sim/config/ini.c sim/config/units.c \
	sim/config/schema.c sim/config/scenario.c sim/config/keys_cluster.c \
	sim/config/keys_run.c sim/core/error.c
fuzz:
	@test -n "$(CLANG)" || { echo "make fuzz: clang not found by configure" >&2; exit 2; }
	$(MKDIR_P) tests/fuzz/corpus-run
	$(CLANG) -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -I$(top_srcdir) \
	  -fsanitize=fuzzer,address,undefined $(JANSSON_CFLAGS) \
	  $(addprefix $(top_srcdir)/,$(FUZZ_HARNESS_FILES)) $(JANSSON_LIBS) -lm \
	  -o tests/fuzz/fuzz_scenario
	tests/fuzz/fuzz_scenario -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
	  tests/fuzz/corpus-run $(top_srcdir)/tests/fuzz/corpus
.PHONY: fuzz

# `make readme-keys`: regenerate the README's scenario key reference.
readme-keys: gpusim$(EXEEXT)
	$(SHELL) $(top_srcdir)/build-aux/readme-keys.sh ./gpusim$(EXEEXT) \
	  $(top_srcdir)/README.md > README.md.new && \
	  mv README.md.new $(top_srcdir)/README.md
.PHONY: readme-keys
