## reports/local.mk — charts (gnuplot scripts through a pipe) and the HTML /
## Markdown / CSV report read from the results store.
libgpusim_a_SOURCES += \
	reports/buf.c reports/buf.h \
	reports/gnuplot.c reports/gnuplot.h \
	reports/gp_spawn.c reports/gp_spawn.h \
	reports/charts.c reports/charts.h \
	reports/chart_demo.c reports/chart_demo.h \
	reports/report.c reports/report.h reports/report_int.h \
	reports/report_doc.c reports/report_render.c \
	reports/report_text.c reports/report_csv.c reports/report_specs.c \
	reports/spec_int.h reports/spec_ops.c reports/spec_serve.c \
	reports/spec_train.c

## Unit tests.  Both link a mock rep_gp_spawn (defined in the test file),
## so the real gp_spawn.o is never pulled from libgpusim.a: no gnuplot is
## needed and failures can be staged.
check_PROGRAMS += tests/unit/test_chart tests/unit/test_report
TESTS += tests/unit/test_chart tests/unit/test_report

tests_unit_test_chart_SOURCES = tests/unit/test_chart.c tests/unit/assert_close.h
tests_unit_test_chart_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_chart_LDADD = $(TEST_LIBS)

tests_unit_test_report_SOURCES = tests/unit/test_report.c tests/unit/assert_close.h \
	tests/unit/test_fs.h
tests_unit_test_report_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_report_LDADD = $(TEST_LIBS)

## Integration tests with the real gnuplot and headless Chromium (each exits
## 77, skipped, when its tool is missing).  report_fixture builds what they
## look at.
check_PROGRAMS += tests/report_fixture
tests_report_fixture_SOURCES = tests/report_fixture.c
tests_report_fixture_LDADD = $(GPUSIM_LIBS)
TESTS += tests/render_charts.sh tests/browser_report.sh
dist_noinst_SCRIPTS += tests/render_charts.sh tests/browser_report.sh

## Golden gnuplot scripts, one per chart kind (regenerate with
## GPUSIM_UPDATE_GOLDEN=1 tests/unit/test_chart run from the source tree).
EXTRA_DIST += \
	tests/golden/charts/scaling.gp tests/golden/charts/breakdown.gp \
	tests/golden/charts/frontier.gp tests/golden/charts/cdf.gp \
	tests/golden/charts/timeseries.gp tests/golden/charts/goodput.gp \
	tests/golden/charts/heatmap.gp tests/golden/charts/validation.gp \
	tests/golden/charts/topology.gp tests/golden/charts/hostile.gp

## Test artefacts (rendered charts, reports, the browser screenshot) are
## removed by clean-local in Makefile.am.

## Chart specs per command (spec_*.c), tested on a store filled like the
## commands fill it; report_e2e.sh runs the real commands and reports them.
check_PROGRAMS += tests/unit/test_report_specs
TESTS += tests/unit/test_report_specs
tests_unit_test_report_specs_SOURCES = tests/unit/test_report_specs.c tests/unit/assert_close.h \
	tests/unit/test_fs.h
tests_unit_test_report_specs_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_report_specs_LDADD = $(TEST_LIBS)
TESTS += tests/report_e2e.sh
dist_noinst_SCRIPTS += tests/report_e2e.sh
EXTRA_DIST += reports/examples/plan-frontier.png
