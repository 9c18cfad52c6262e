# supervise: starting, finding and stopping an instance's daemons (lwadmin
# start/stop/status; docs/appliance.md).
$(eval $(call add_library,supervise,$(wildcard supervise/*.c)))
