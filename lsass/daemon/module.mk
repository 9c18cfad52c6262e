# lsass/daemon: lsassd.
$(eval $(call add_program,lsassd,$(wildcard lsass/daemon/*.c)))
