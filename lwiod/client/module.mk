# lwiod/client: the lwio client library (library "lwioclient").
$(eval $(call add_library,lwioclient,$(wildcard lwiod/client/*.c)))
