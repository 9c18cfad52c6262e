# libregistry. Besides its own sources it compiles one generated file that
# embeds every module's settings schema and migration SQL:
#   */settings.schema, */*/settings.schema              (format: docs/registry.md)
#   */migrations/NNN-*.sql, */*/migrations/NNN-*.sql   (see registry/registry.h)
# A module adds settings or tables by adding such a file; no code to register.
REGISTRY_SCHEMA_FILES := $(sort $(wildcard */settings.schema */*/settings.schema))
REGISTRY_MIGRATION_FILES := $(sort $(wildcard */migrations/[0-9]*.sql */*/migrations/[0-9]*.sql))
REGISTRY_EMBEDDED := $(REGISTRY_SCHEMA_FILES) -- $(REGISTRY_MIGRATION_FILES)

# The list of embedded files, rewritten only when it changes, so that adding or
# removing a file (not only editing one) regenerates the C file.
$(shell mkdir -p $(B)/registry && { echo '$(REGISTRY_EMBEDDED)' | cmp -s - $(B)/registry/embedded.list || echo '$(REGISTRY_EMBEDDED)' > $(B)/registry/embedded.list; })

$(B)/registry/embedded.c: registry/embed.sh $(REGISTRY_SCHEMA_FILES) $(REGISTRY_MIGRATION_FILES) $(B)/registry/embedded.list
	@mkdir -p $(@D)
	sh registry/embed.sh $(REGISTRY_EMBEDDED) > $@.tmp
	mv $@.tmp $@

$(eval $(call add_library,registry,$(wildcard registry/*.c) $(B)/registry/embedded.c))
