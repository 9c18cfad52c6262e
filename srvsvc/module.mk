# srvsvc: the srvsvc and wkssvc RPC services srvsvcd serves.
$(eval $(call add_library,srvsvc,$(filter-out srvsvc/srvsvcd.c,$(wildcard srvsvc/*.c))))
$(eval $(call add_program,srvsvcd,srvsvc/srvsvcd.c))
