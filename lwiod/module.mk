# lwiod: the I/O manager core (library "lwiod"), the daemon, and lwio-tool.
# The client library lives in lwiod/client/ (its own module.mk).
$(eval $(call add_library,lwiod,lwiod/stub.c lwiod/ntfile.c))
