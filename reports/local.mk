## reports/local.mk — (module fragment, see Makefile.am)
