# lsass/rpc: lsassd's RPC host (the interface table, the npfs pipes through lwiod).
$(eval $(call add_library,lsass_rpc,$(wildcard lsass/rpc/*.c)))
