# lsass/spnego: DER reader/writer and SPNEGO tokens ([RFC 4178], [MS-SPNG]).
$(eval $(call add_library,lsass_spnego,$(wildcard lsass/spnego/*.c)))
