## sim/kbench — the kernel timing module: gpusim-kbench (CPU backend always,
## CUDA backend when configure found nvcc) and its library parts.
##
## Statistics, the CSV record and the shape grid go into libgpusim.a (gpusim
## calibrate reads the CSV).  The backends live only in gpusim-kbench, which
## links OpenBLAS *before* $(GPUSIM_LIBS): gsl.pc also brings -lgslcblas, and
## the first library on the line must be the one that provides cblas_sgemm.
##
## Automake knows nothing of CUDA, so kbench_cuda.cu has an explicit nvcc rule
## below.  configure checks that cudart, cuBLAS and cuBLASLt link (CUDA_LDFLAGS
## points at where it found them) and, with them, whether NCCL
## does: NCCL collectives are built in when it is found.
## Target GPUs: override KBENCH_NVCC_ARCH (default: A100, L4/L40/Ada, H100
## machine code plus compute_90 PTX for newer GPUs).

libgpusim_a_SOURCES += \
	sim/kbench/kbench.h \
	sim/kbench/kbench_stats.c sim/kbench/kbench_stats.h \
	sim/kbench/kbench_csv.c sim/kbench/kbench_csv.h \
	sim/kbench/kbench_grid.c sim/kbench/kbench_grid.h

bin_PROGRAMS += gpusim-kbench
gpusim_kbench_SOURCES = sim/kbench/kbench_main.c sim/kbench/kbench_cpu.c
gpusim_kbench_CPPFLAGS = $(AM_CPPFLAGS) $(OPENBLAS_CFLAGS) $(KBENCH_CUDA_DEFS)
gpusim_kbench_LDFLAGS = $(AM_LDFLAGS) $(KBENCH_CUDA_LINKFLAGS)
gpusim_kbench_LDADD = $(KBENCH_CUDA_OBJ) $(KBENCH_CUDA_LIBS) $(OPENBLAS_LIBS) \
	$(GPUSIM_LIBS) -lpthread -lm
EXTRA_gpusim_kbench_DEPENDENCIES = $(KBENCH_CUDA_OBJ)

if HAVE_NCCL
KBENCH_NCCL_CPPFLAGS = -DHAVE_NCCL=1
KBENCH_NCCL_LIBS = -lnccl
else
KBENCH_NCCL_CPPFLAGS =
KBENCH_NCCL_LIBS =
endif
KBENCH_NVCC_ARCH = \
	-gencode arch=compute_80,code=sm_80 \
	-gencode arch=compute_89,code=sm_89 \
	-gencode arch=compute_90,code=sm_90 \
	-gencode arch=compute_90,code=compute_90
KBENCH_NVCCFLAGS = -O2 -std=c++17

EXTRA_DIST += sim/kbench/kbench_cuda.cu

if HAVE_CUDA
KBENCH_CUDA_DEFS = -DKBENCH_HAVE_CUDA=1
KBENCH_CUDA_OBJ = sim/kbench/kbench_cuda.$(OBJEXT)
## -L/-rpath to where configure linked cudart/cuBLAS (empty: default path).
KBENCH_CUDA_LINKFLAGS = $(CUDA_LDFLAGS)
KBENCH_CUDA_LIBS = -lcublasLt -lcublas -lcudart $(KBENCH_NCCL_LIBS) -lstdc++ -ldl -lrt
CLEANFILES += $(KBENCH_CUDA_OBJ)

$(KBENCH_CUDA_OBJ): $(srcdir)/sim/kbench/kbench_cuda.cu \
		$(srcdir)/sim/kbench/kbench.h $(srcdir)/sim/kbench/kbench_grid.h \
		$(srcdir)/sim/core/error.h
	$(AM_V_GEN)$(MKDIR_P) sim/kbench && \
	  $(NVCC) $(KBENCH_NVCCFLAGS) $(KBENCH_NVCC_ARCH) -I$(top_srcdir) \
	    -I$(top_builddir) $(KBENCH_CUDA_DEFS) $(KBENCH_NCCL_CPPFLAGS) \
	    -c -o $@ $(srcdir)/sim/kbench/kbench_cuda.cu
else
KBENCH_CUDA_DEFS =
KBENCH_CUDA_OBJ =
KBENCH_CUDA_LINKFLAGS =
KBENCH_CUDA_LIBS =
endif

if CUDA_COMPILE_ONLY
## nvcc and the CUDA headers are here but not the libraries: compile the
## backend anyway during `make check` so a change that breaks it is seen.
KBENCH_CUDA_CHECK_OBJ = sim/kbench/kbench_cuda_check.$(OBJEXT)
CLEANFILES += $(KBENCH_CUDA_CHECK_OBJ)
check-local: $(KBENCH_CUDA_CHECK_OBJ)
$(KBENCH_CUDA_CHECK_OBJ): $(srcdir)/sim/kbench/kbench_cuda.cu \
		$(srcdir)/sim/kbench/kbench.h $(srcdir)/sim/kbench/kbench_grid.h \
		$(srcdir)/sim/core/error.h
	$(AM_V_GEN)$(MKDIR_P) sim/kbench && \
	  $(NVCC) $(KBENCH_NVCCFLAGS) $(KBENCH_NVCC_ARCH) -I$(top_srcdir) \
	    -I$(top_builddir) -DKBENCH_HAVE_CUDA=1 \
	    -c -o $@ $(srcdir)/sim/kbench/kbench_cuda.cu
endif

check_PROGRAMS += tests/unit/test_kbench
TESTS += tests/unit/test_kbench
tests_unit_test_kbench_SOURCES = tests/unit/test_kbench.c tests/unit/assert_close.h
tests_unit_test_kbench_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_kbench_LDADD = $(TEST_LIBS)

## The end-to-end shell test (the lead lists it in TESTS).
EXTRA_DIST += tests/kbench_e2e.sh

## Published kernel timings in the kernel timing CSV format, with their
## sources and the converter that made them (run by hand, not at build time).
EXTRA_DIST += \
	workloads/calibration/SOURCE.md \
	workloads/calibration/h800-deepgemm-fp8.csv \
	workloads/calibration/pipeweave-fp8-gemm-h100.csv \
	workloads/calibration/pipeweave-fp8-gemm-h200.csv \
	workloads/calibration/pipeweave-fp8-gemm-h800.csv \
	workloads/calibration/pipeweave-fp8-gemm-h20.csv \
	workloads/calibration/vidur-a100-llama2-7b.csv \
	workloads/calibration/vidur-a100-llama2-70b.csv \
	workloads/calibration/vidur-h100-llama2-7b.csv \
	workloads/calibration/vidur-h100-llama2-70b.csv \
	workloads/calibration/flashattention.csv \
	workloads/calibration/LICENSE.pipeweave \
	workloads/calibration/LICENSE.vidur \
	workloads/calibration/convert/convert.sh
