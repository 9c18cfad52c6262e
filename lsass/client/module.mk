# lsass/client: the lsassd socket protocol and the client library srv links.
$(eval $(call add_library,lsass_client,$(wildcard lsass/client/*.c)))
