# nss/: libnss_samewise.so.2, the SAM's users and groups for glibc's NSS
# (docs/nss-pam.md). It is loaded into every process that looks up a user,
# so it is linked from its own objects, built without the sanitizers (an
# ASan-built module cannot load into an uninstrumented getent), and exports
# only its _nss_samewise_* entry points (nss/exports.map).
#
# $(B)/plain/ holds objects built that way; the PAM module (pam/) uses it too.

PLAIN_CFLAGS := $(filter-out $(SAN_FLAGS),$(SW_CFLAGS)) -fvisibility=hidden
PLAIN_LDFLAGS := $(filter-out $(SAN_FLAGS),$(SW_LDFLAGS)) -shared -Wl,-z,defs -Wl,-z,relro -Wl,-z,now

$(B)/plain/%.o: %.c config.h
	@mkdir -p $(@D)
	@echo "  CC      $< (plain)"
	$(Q)$(CC) $(PLAIN_CFLAGS) -MMD -MP -c -o $@ $<

NSS_MODULE := $(B)/nss/libnss_samewise.so.2
NSS_SOURCES := $(wildcard nss/*.c) lib/buf.c lib/paths.c lsass/client/wire.c lsass/client/identity.c

$(NSS_MODULE): $(patsubst %.c,$(B)/plain/%.o,$(NSS_SOURCES)) nss/exports.map
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) $(PLAIN_LDFLAGS) -Wl,-soname,libnss_samewise.so.2 -Wl,--version-script=nss/exports.map \
	    -o $@ $(filter %.o,$^)

all: $(NSS_MODULE)

# `make install`: into the multiarch library directory, where the dynamic
# linker's cache (ldconfig) finds it for glibc's dlopen; with the default
# prefix /usr/local that is /usr/local/lib/x86_64-linux-gnu, which Debian's
# /etc/ld.so.conf.d lists. Override with NSS_LIBDIR=... (e.g. /usr/lib/$(MULTIARCH)).
MULTIARCH ?= $(shell $(CC) -print-multiarch 2>/dev/null)
NSS_LIBDIR ?= $(prefix)/lib$(if $(MULTIARCH),/$(MULTIARCH))

install: install-nss
install-nss: $(NSS_MODULE)
	install -d $(DESTDIR)$(NSS_LIBDIR)
	install -m 0644 $(NSS_MODULE) $(DESTDIR)$(NSS_LIBDIR)/
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" -eq 0 ] && command -v ldconfig >/dev/null; then ldconfig; fi
.PHONY: install-nss
