/* A YAML document as a tree with source positions, loaded defensively.
 *
 * Provisioning files come from administrators and configuration-management
 * tools, but a file is still input: the loader refuses what could exhaust the
 * appliance (alias-expansion bombs, huge scalars, deep nesting, huge files)
 * quickly and with a message that names the file, line and column. Aliases are
 * resolved to the anchored node (shared, not copied); the expanded size they
 * would have is counted against a limit while loading. */
#ifndef SW_PROVISION_YAML_DOC_H
#define SW_PROVISION_YAML_DOC_H

#include <stdbool.h>
#include <stddef.h>

enum ydoc_kind { YDOC_SCALAR, YDOC_SEQUENCE, YDOC_MAPPING };

struct ydoc_node {
    enum ydoc_kind kind;
    int line;   /* 1-based */
    int column; /* 1-based */
    /* Scalar: NUL-terminated text; plain is false for quoted or block scalars,
     * so "on" in quotes stays a string. */
    char *text;
    bool plain;
    /* Sequence: items; mapping: keys[i] -> items[i]. */
    struct ydoc_node **keys;
    struct ydoc_node **items;
    size_t count;
    size_t expanded_size; /* nodes in this subtree, aliases expanded */
};

struct ydoc {
    char *name;              /* the file name as given, "-" shown as <stdin> */
    struct ydoc_node *root;  /* NULL for an empty document */
    struct ydoc_node **all;  /* every node, for freeing */
    size_t all_count, all_cap;
};

struct ydoc_limits {
    size_t max_input_bytes;     /* whole file */
    size_t max_scalar_bytes;
    size_t max_depth;
    size_t max_expanded_nodes;  /* aliases expanded */
};

/* The limits lwadmin apply uses: 16 MiB input, 1 MiB scalars, depth 64, a
 * million nodes after alias expansion. */
extern const struct ydoc_limits ydoc_default_limits;

/* Loads one YAML document from a file ("-" = standard input). On failure returns
 * NULL and *error is a newly allocated "FILE:LINE:COLUMN: message". */
struct ydoc *ydoc_load_file(const char *path, const struct ydoc_limits *limits, char **error);
/* The same from memory; name is used in messages. */
struct ydoc *ydoc_load_string(const char *name, const char *data, size_t len,
                              const struct ydoc_limits *limits, char **error);
void ydoc_free(struct ydoc *doc);

/* Mapping lookup by key text; NULL if absent or node is not a mapping. */
struct ydoc_node *ydoc_map_get(const struct ydoc_node *map, const char *key);

#endif
