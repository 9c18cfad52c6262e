# pam/: pam_samewise.so (docs/nss-pam.md). Built like the NSS module (nss/
# module.mk: plain objects, only its entry points exported), linked with
# libpam.
# A config.mk written before PAM was probed has no PAM_LIBS.
PAM_LIBS ?= -lpam
PAM_MODULE := $(B)/pam/pam_samewise.so
PAM_SOURCES := $(wildcard pam/*.c) nss/lsass_call.c lib/buf.c lib/paths.c lsass/client/wire.c

$(PAM_MODULE): $(patsubst %.c,$(B)/plain/%.o,$(PAM_SOURCES)) pam/exports.map
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) $(PLAIN_LDFLAGS) -Wl,--version-script=pam/exports.map -o $@ $(filter %.o,$^) $(PAM_LIBS)

all: $(PAM_MODULE)

# `make install`: PAM_MODULE_DIR, by default the security/ folder of the
# multiarch library directory. Debian's libpam looks in
# /usr/lib/$(MULTIARCH)/security: with another prefix, name the module by
# its full path in /etc/pam.d (docs/nss-pam.md), or install with
# PAM_MODULE_DIR=/usr/lib/$(MULTIARCH)/security.
PAM_MODULE_DIR ?= $(prefix)/lib$(if $(MULTIARCH),/$(MULTIARCH))/security

install: install-pam
install-pam: $(PAM_MODULE)
	install -d $(DESTDIR)$(PAM_MODULE_DIR)
	install -m 0644 $(PAM_MODULE) $(DESTDIR)$(PAM_MODULE_DIR)/
.PHONY: install-pam
