# srvctl: the client library of the \srv device controls (library "srvctl").
# srvctl's own controls have their codec and access rule beside srv's side
# (drivers/srv/devctl_wire.c, devctl_access.c, also linked into srv.so); they
# are built into this library too, so both sides share the same code. The
# listings are read with srvsvc's parsers (srvsvc/srv_live.h).
$(eval $(call add_library,srvctl,$(wildcard srvctl/*.c) drivers/srv/devctl_wire.c \
                                 drivers/srv/devctl_access.c))
