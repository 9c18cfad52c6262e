# lsass/local: the local provider (SAM accounts, account policy).
$(eval $(call add_library,lsass_local,$(wildcard lsass/local/*.c)))
