# lib: the base runtime every other module links.
$(eval $(call add_library,swbase,$(wildcard lib/*.c)))
