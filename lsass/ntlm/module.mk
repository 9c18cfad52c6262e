# lsass/ntlm: NTLMSSP messages, NTLMv2, keys, acceptor and initiator ([MS-NLMP]).
$(eval $(call add_library,lsass_ntlm,$(wildcard lsass/ntlm/*.c)))
