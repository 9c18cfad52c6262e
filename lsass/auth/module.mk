# lsass/auth: settings, providers, security contexts, tokens, the failed-logon gate.
$(eval $(call add_library,lsass_auth,$(wildcard lsass/auth/*.c)))
