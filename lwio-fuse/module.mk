# lwio-fuse: a FUSE file system over lwiod's \rdr (libfuse3; docs/rdr.md).
# A config.mk written before lwio-fuse has no FUSE3_*: ask pkg-config.
FUSE3_CFLAGS ?= $(shell pkg-config --cflags fuse3 2>/dev/null)
FUSE3_LIBS ?= $(shell pkg-config --libs fuse3 2>/dev/null)
$(eval $(call add_program,lwio-fuse,lwio-fuse/lwio_fuse.c))
$(B)/lwio-fuse/lwio_fuse.o: SW_CFLAGS += $(FUSE3_CFLAGS)
$(B)/bin/lwio-fuse: PKG_LIBS += $(FUSE3_LIBS)
