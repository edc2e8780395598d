## sim/core — error vocabulary shared by every module.
libgpusim_a_SOURCES += sim/core/error.c sim/core/error.h
