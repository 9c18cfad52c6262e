# lsass/ldap: the LDAP directory provider (RFC 2307 users and groups).
$(eval $(call add_library,lsass_ldap,$(wildcard lsass/ldap/*.c)))
