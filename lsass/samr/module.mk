# lsass/samr: the samr RPC interface ([MS-SAMR]) lsassd serves on \pipe\samr.
$(eval $(call add_library,samr,$(wildcard lsass/samr/*.c)))
