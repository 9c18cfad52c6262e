# share-db: shares over the registry (its tables: share-db/migrations/*.sql,
# embedded into libregistry by registry/module.mk).
$(eval $(call add_library,sharedb,$(wildcard share-db/*.c)))
