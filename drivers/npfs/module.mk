# drivers/npfs: in-memory named pipes (build/drivers/npfs.so).
$(eval $(call add_driver,npfs,$(wildcard drivers/npfs/*.c)))
