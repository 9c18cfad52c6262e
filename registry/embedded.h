/* Files embedded into libregistry at build time by registry/embed.sh (rule in
 * registry/module.mk): every settings.schema and every migrations/NNN-*.sql
 * found one or two folders deep in the source tree. Internal to registry/. */
#ifndef SW_REGISTRY_EMBEDDED_H
#define SW_REGISTRY_EMBEDDED_H

#include <stddef.h>

struct registry_embedded_file {
    const char *path; /* relative to the source tree: "share-db/migrations/001-shares.sql" */
    const char *text;
};

/* Sorted by path; count excludes the terminating { NULL, NULL }. */
extern const struct registry_embedded_file registry_embedded_schemas[];
extern const size_t registry_embedded_schema_count;
extern const struct registry_embedded_file registry_embedded_migrations[];
extern const size_t registry_embedded_migration_count;

#endif
