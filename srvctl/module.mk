# srvctl: the client library of the \srv device controls (library "srvctl").
# The wire codec and the access rule live beside srv's side of the controls
# (drivers/srv/devctl_wire.c, devctl_access.c, also linked into srv.so) and
# are built into this library too, so both sides share the same code.
$(eval $(call add_library,srvctl,$(wildcard srvctl/*.c) drivers/srv/devctl_wire.c \
                                 drivers/srv/devctl_access.c))
