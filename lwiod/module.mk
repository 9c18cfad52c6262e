# lwiod: the I/O manager core (library "lwiod"), the daemon, and lwio-tool.
# The client library lives in lwiod/client/ (its own module.mk).
LWIOD_CORE := lwiod/calls.c lwiod/config.c lwiod/driver.c lwiod/ecp.c lwiod/file.c \
              lwiod/iomgr.c lwiod/irp.c lwiod/ntfile.c lwiod/workpool.c
$(eval $(call add_library,lwiod,$(LWIOD_CORE)))
