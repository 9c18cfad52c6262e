# srvsvc: the srvsvc and wkssvc RPC services srvsvcd serves.
$(eval $(call add_library,srvsvc,$(filter-out srvsvc/srvsvcd.c,$(wildcard srvsvc/*.c))))
