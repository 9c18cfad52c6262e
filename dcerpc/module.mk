# dcerpc: the NDR engine, connection-oriented PDUs, server and client runtimes.
$(eval $(call add_library,dcerpc,$(wildcard dcerpc/*.c)))
