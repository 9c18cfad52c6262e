# pvfs: NT file semantics over a POSIX file system.
# The engine (everything but driver.c) is a static library so unit tests can
# drive it directly; the driver .so wraps it for lwiod.
PVFS_ENGINE_SRCS := $(filter-out drivers/pvfs/driver.c,$(wildcard drivers/pvfs/*.c))
$(eval $(call add_library,pvfs,$(PVFS_ENGINE_SRCS)))
$(eval $(call add_driver,pvfs,drivers/pvfs/driver.c $(PVFS_ENGINE_SRCS)))
