# lwiod: the I/O manager core and socket server (library "lwiod"), the daemon
# and lwio-tool. The client library lives in lwiod/client/ (its own module.mk).
LWIOD_CORE := lwiod/calls.c lwiod/config.c lwiod/driver.c lwiod/ecp.c lwiod/file.c \
              lwiod/iomgr.c lwiod/irp.c lwiod/ntfile.c lwiod/workpool.c \
              lwiod/server.c lwiod/server_ops.c
$(eval $(call add_library,lwiod,$(LWIOD_CORE)))
# The metrics endpoint (libmicrohttpd) is the daemon's, not the library's:
# every program links every library whole, and only lwiod serves HTTP.
$(eval $(call add_program,lwiod,lwiod/main.c lwiod/metrics_http.c))
$(eval $(call add_program,lwio-tool,$(wildcard lwiod/tool/*.c)))
