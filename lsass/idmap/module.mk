# lsass/idmap: uids and gids of SAM accounts, Unix account mappings, and the
# passwd/group view of the SAM (lsass/idmap/idmap.h).
$(eval $(call add_library,lsass_idmap,$(wildcard lsass/idmap/*.c)))
