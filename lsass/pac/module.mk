# lsass/pac: the bounded reader of a Kerberos PAC's logon information.
$(eval $(call add_library,lsass_pac,$(wildcard lsass/pac/*.c)))
