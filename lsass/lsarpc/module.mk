# lsass/lsarpc: the lsarpc and dssetup RPC interfaces lsassd serves.
$(eval $(call add_library,lsarpc,$(wildcard lsass/lsarpc/*.c)))
