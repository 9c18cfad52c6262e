# Samewise: one non-recursive Makefile. Every folder contributes a module.mk that
# declares its libraries, programs and drivers with the three functions below;
# nothing else in a module.mk should need a recipe of its own.
#
#   $(eval $(call add_library,NAME,SOURCES))   -> build/lib/libNAME.a
#   $(eval $(call add_program,NAME,SOURCES))   -> build/bin/NAME (links every library)
#   $(eval $(call add_driver,NAME,SOURCES))    -> build/drivers/NAME.so (loaded by lwiod)
#
# C unit tests are t/*.c -> build/t/*.t; script tests are t/*.t. `make check` runs
# both with prove.

ifeq ($(wildcard config.mk),)
$(error config.mk is missing: run ./configure first (./configure --install-deps on a fresh machine))
endif
include config.mk
# A config.mk written before the metrics endpoint has no libmicrohttpd: say so
# rather than fail to link lwiod.
ifndef MICROHTTPD_LIBS
$(error config.mk predates libmicrohttpd (the metrics endpoint): run ./configure again (apt-get install libmicrohttpd-dev, or ./configure --install-deps))
endif

B := build
AR ?= ar
# `make V=1` shows full command lines.
ifeq ($(V),1)
Q :=
else
Q := @
endif
PROVE_JOBS ?= 2

PKG_CFLAGS := $(SQLITE_CFLAGS) $(YAML_CFLAGS) $(NCURSES_CFLAGS) $(KRB5_CFLAGS) $(KRB5LIB_CFLAGS) \
              $(LDAP_CFLAGS) $(OPENSSL_CFLAGS) $(JANSSON_CFLAGS) $(MICROHTTPD_CFLAGS) $(SYSTEMD_CFLAGS)
PKG_LIBS   := $(SQLITE_LIBS) $(YAML_LIBS) $(NCURSES_LIBS) $(KRB5_LIBS) $(KRB5LIB_LIBS) \
              $(LDAP_LIBS) $(OPENSSL_LIBS) $(JANSSON_LIBS) $(MICROHTTPD_LIBS) $(SYSTEMD_LIBS) -lpthread -ldl -lm

# -fPIC everywhere: the same objects go into programs and into driver .so files.
SW_CFLAGS := -std=c11 -D_GNU_SOURCE -fPIC -Wall -Wextra -Werror -Wshadow \
             -Wno-unused-parameter -Wstrict-prototypes -Wmissing-prototypes \
             -Wvla -Wformat=2 -I. $(PKG_CFLAGS) $(OPT_CFLAGS) $(SAN_FLAGS) $(EXTRA_CFLAGS)
SW_LDFLAGS := $(SAN_FLAGS) $(EXTRA_LDFLAGS) -Wl,--as-needed

LIBRARY_FILES :=
PROGRAMS :=
DRIVERS :=
DATA_FILES :=

define add_library
LIBRARY_FILES += $(B)/lib/lib$(1).a
$(B)/lib/lib$(1).a: $(patsubst %.c,$(B)/%.o,$(2))
	@mkdir -p $$(@D)
	@rm -f $$@
	@echo "  AR      $$@"
	$$(Q)$$(AR) rcs $$@ $$^
endef

define add_program
PROGRAMS += $(B)/bin/$(1)
$(B)/bin/$(1): $(patsubst %.c,$(B)/%.o,$(2))
endef

define add_driver
DRIVERS += $(B)/drivers/$(1).so
$(B)/drivers/$(1).so: $(patsubst %.c,$(B)/%.o,$(2))
	@mkdir -p $$(@D)
	@echo "  LD      $$@"
	$$(Q)$$(CC) -shared $$(SW_LDFLAGS) -o $$@ $$^
endef

MODULE_FILES := $(sort $(wildcard */module.mk */*/module.mk))
include $(MODULE_FILES)

# Programs link every library (order-free thanks to the group) and export their
# symbols so that drivers loaded with dlopen() resolve against them.
$(PROGRAMS): $(B)/bin/%: $(LIBRARY_FILES)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) $(SW_LDFLAGS) -rdynamic -o $@ $(filter %.o,$^) \
	    -Wl,--whole-archive -Wl,--start-group $(LIBRARY_FILES) -Wl,--end-group \
	    -Wl,--no-whole-archive $(PKG_LIBS)

$(B)/%.o: %.c config.h
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(SW_CFLAGS) -MMD -MP -c -o $@ $<

TEST_C_SOURCES := $(sort $(wildcard t/*.c))
TEST_PROGRAMS := $(patsubst t/%.c,$(B)/t/%.t,$(TEST_C_SOURCES))
TEST_SCRIPTS := $(sort $(wildcard t/*.t))

$(B)/t/%.t: $(B)/t/%.o $(B)/t/tap/tap.o $(LIBRARY_FILES)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) $(SW_LDFLAGS) -rdynamic -o $@ $< $(B)/t/tap/tap.o \
	    -Wl,--start-group $(LIBRARY_FILES) -Wl,--end-group $(PKG_LIBS)

# Fuzz targets: fuzz/NAME.c defines LLVMFuzzerTestOneInput. `make check` links
# each with a replay driver and feeds it its seed corpus fuzz/corpus/NAME/ (so
# every parser's seeds and past crashes run in every build, ASan included);
# `make fuzz` builds real libFuzzer binaries with clang into build-fuzz/, and
# `make fuzz-smoke` runs each of them for a fixed number of inputs from its
# seeds (tools/fuzz-smoke.sh; t/fuzz-smoke.t runs it in `make check`).
FUZZ_SOURCES := $(sort $(wildcard fuzz/*.c))
FUZZ_REPLAYERS := $(patsubst fuzz/%.c,$(B)/fuzz/%-replay,$(FUZZ_SOURCES))
FUZZ_BUILD ?= build-fuzz

# Code a target needs from a program or a driver, which are not libraries:
# its objects are linked into that target's binaries.
FUZZ_EXTRA_lsass_request := $(B)/lsass/daemon/requests.o $(B)/lsass/daemon/events.o $(B)/lsass/daemon/lookups.o $(B)/lsass/daemon/providers.o
FUZZ_EXTRA_npfs_queue := $(B)/drivers/npfs/queue.o
$(foreach n,lsass_request npfs_queue,$(eval \
    $(B)/fuzz/$(n)-replay $(B)/fuzz/$(n)-fuzzer: $(FUZZ_EXTRA_$(n))))

$(B)/fuzz/%-replay: $(B)/fuzz/%.o $(B)/fuzz/replay/replay.o $(LIBRARY_FILES)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) $(SW_LDFLAGS) -rdynamic -o $@ $(filter %.o,$^) \
	    -Wl,--start-group $(LIBRARY_FILES) -Wl,--end-group $(PKG_LIBS)

$(B)/fuzz/%-fuzzer: $(B)/fuzz/%.o $(LIBRARY_FILES)
	@mkdir -p $(@D)
	$(CC) $(SW_LDFLAGS) -fsanitize=fuzzer -o $@ $(filter %.o,$^) \
	    -Wl,--start-group $(LIBRARY_FILES) -Wl,--end-group $(PKG_LIBS)

fuzz-binaries: $(patsubst fuzz/%.c,$(B)/fuzz/%-fuzzer,$(FUZZ_SOURCES))

fuzz:
	$(MAKE) B=$(FUZZ_BUILD) CC=clang OPT_CFLAGS="-O1 -g" EXTRA_CFLAGS=-Wno-error \
	    SAN_FLAGS="-fsanitize=address,undefined -fsanitize=fuzzer-no-link" fuzz-binaries
	@echo "libFuzzer binaries are in $(FUZZ_BUILD)/fuzz/; run e.g."
	@echo "  $(FUZZ_BUILD)/fuzz/NAME-fuzzer -max_total_time=60 fuzz/corpus/NAME"

# Every target, built as by `make fuzz`, for FUZZ_RUNS inputs from its seeds;
# any crash, sanitizer report, leak or timeout fails.
FUZZ_RUNS ?= 2000
fuzz-smoke:
	@$(MAKE) -s FUZZ_BUILD=$(FUZZ_BUILD) fuzz >/dev/null
	FUZZ_RUNS=$(FUZZ_RUNS) tools/fuzz-smoke.sh $(FUZZ_BUILD)/fuzz

# The benchmark against smbd (bench/perf.sh, docs/benchmarks.md): never part
# of `make check`. Its load generator links libsmbclient (libsmbclient-dev),
# probed here rather than by configure: nothing else needs it.
# BENCH_ARGS=--quick for a smoke run of the benchmark itself.
$(B)/bench/smbload: bench/smbload.c
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror $$(pkg-config --cflags smbclient) \
	    -o $@ $< $$(pkg-config --libs smbclient) -lpthread

bench: all $(B)/bench/smbload
	SW_BUILD=$(abspath $(B)) bench/perf.sh $(BENCH_ARGS)


# systemd units (systemd/*.in -> build/systemd/): the programs' and the
# registry's installed paths filled in. make install puts them in
# $(systemdunitdir); nothing enables them (docs/packaging.md).
bindir ?= $(prefix)/bin
localstatedir ?= $(prefix)/var
systemdunitdir ?= $(prefix)/lib/systemd/system
journalcatalogdir ?= $(prefix)/lib/systemd/catalog
SYSTEMD_UNITS := $(patsubst systemd/%.in,$(B)/systemd/%,$(wildcard systemd/*.in))
$(B)/systemd/%: systemd/%.in config.mk
	@mkdir -p $(@D)
	@echo "  GEN     $@"
	$(Q)sed -e 's|@bindir@|$(bindir)|g' -e 's|@localstatedir@|$(localstatedir)|g' $< > $@.tmp && mv $@.tmp $@

.PHONY: all check check-build run install clean distclean fuzz fuzz-binaries fuzz-smoke fresh-check deb deb-check bench
.DEFAULT_GOAL := all
# Keep objects of test programs: they are intermediates to make, not to us.
.SECONDARY:

all: $(LIBRARY_FILES) $(PROGRAMS) $(DRIVERS) $(SYSTEMD_UNITS)

check-build: all $(TEST_PROGRAMS) $(FUZZ_REPLAYERS)

# SW_BUILD and SW_SRC tell script tests where the binaries and sources are.
# Each test runs through t/tap/run-logged.sh, which keeps its output in
# build/test-logs/; on failure the failing tests' output is printed.
check: check-build
	@rm -rf $(B)/test-logs
	SW_BUILD=$(abspath $(B)) SW_SRC=$(CURDIR) \
	    prove --exec $(CURDIR)/t/tap/run-logged.sh -j $(PROVE_JOBS) $(PROVE_FLAGS) \
	    $(TEST_PROGRAMS) $(TEST_SCRIPTS) || { tools/show-failed-tests.sh $(B)/test-logs; exit 1; }

# The README's "run the appliance" command.
run: all
	SW_BUILD=$(abspath $(B)) SW_SRC=$(CURDIR) sh tools/run-demo.sh

# The README's two commands in a fresh Debian 12 root (debootstrap; needs root).
fresh-check:
	tools/fresh-check.sh

# The Debian package (docs/packaging.md): dpkg-buildpackage on a copy of the
# tree in build-deb/, then lintian; the result is
# build-deb/samewise_VERSION_ARCH.deb.
deb:
	tools/make-deb.sh

# That package installed into a fresh Debian 12 root, booted with systemd as
# PID 1 (systemd-nspawn -b), serving a share to smbclient (root; slow: not
# part of make check).
deb-check: deb
	SW_BUILD=$(abspath $(B)) SW_SRC=$(CURDIR) prove -v t/deb/*.t

install: all
	install -d $(DESTDIR)$(bindir) $(DESTDIR)$(prefix)/lib/samewise/drivers \
	    $(if $(DATA_FILES),$(DESTDIR)$(prefix)/share/samewise) $(DESTDIR)$(prefix)/share/man/man8 \
	    $(DESTDIR)$(localstatedir)/lib/samewise $(DESTDIR)$(systemdunitdir) \
	    $(DESTDIR)$(journalcatalogdir)
	install -m 0755 $(PROGRAMS) $(DESTDIR)$(bindir)/
	install -m 0644 $(SYSTEMD_UNITS) $(DESTDIR)$(systemdunitdir)/
	install -m 0644 systemd/samewise.catalog $(DESTDIR)$(journalcatalogdir)/
	$(if $(DRIVERS),install -m 0755 $(DRIVERS) $(DESTDIR)$(prefix)/lib/samewise/drivers/)
	$(if $(DATA_FILES),install -m 0644 $(DATA_FILES) $(DESTDIR)$(prefix)/share/samewise/)
	install -m 0644 docs/*.8 $(DESTDIR)$(prefix)/share/man/man8/

clean:
	rm -rf $(B) $(FUZZ_BUILD)

distclean: clean
	rm -f config.mk config.h

-include $(shell find $(B) -name '*.d' 2>/dev/null)
