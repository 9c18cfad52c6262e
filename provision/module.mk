# provision: declarative provisioning (lwadmin apply / export) over YAML.
$(eval $(call add_library,provision,$(wildcard provision/*.c)))
