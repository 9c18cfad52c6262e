# The SAM library (local users and groups in the registry); its tables come
# from lsass/sam/migrations/, its settings from lsass/sam/settings.schema.
$(eval $(call add_library,sam,$(wildcard lsass/sam/*.c)))
