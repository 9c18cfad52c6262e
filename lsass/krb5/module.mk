# lsass/krb5: the Kerberos mechanism (MIT GSSAPI) and the keytab tools.
$(eval $(call add_library,lsass_krb5,$(wildcard lsass/krb5/*.c)))
