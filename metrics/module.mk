# metrics: the catalogue, the collection and the text formats behind the
# metrics endpoint (in lwiod), `lwadmin stats` and lwconsole's dashboard.
$(eval $(call add_library,metrics,$(wildcard metrics/*.c)))
