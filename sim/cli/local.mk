## sim/cli — the gpusim program: argument parsing, the session frame shared
## by every subcommand, one file per subcommand.
bin_PROGRAMS += gpusim
gpusim_SOURCES = sim/cli/main.c sim/cli/commands.h \
	sim/cli/args.c sim/cli/args.h \
	sim/cli/session.c sim/cli/session.h \
	sim/cli/keys.c sim/cli/keys.h \
	sim/cli/cluster.c sim/cli/cluster.h \
	sim/cli/profiles.c sim/cli/profiles.h \
	sim/cli/cmd_topo.c sim/cli/cmd_serve.c sim/cli/cmd_calibrate.c sim/cli/cmd_validate.c \
	sim/cli/cmd_report.c sim/cli/cmd_train.c sim/cli/cmd_collective.c sim/cli/cmd_cluster.c
gpusim_SOURCES += sim/cli/runner.c sim/cli/runner.h sim/cli/cmd_sweep.c
gpusim_SOURCES += sim/cli/cmd_plan.c
if HAVE_MPI
gpusim_LDADD = libgpusim_mpi.a $(GPUSIM_LIBS) $(MPI_LIBS)
else
gpusim_LDADD = $(GPUSIM_LIBS)
endif
