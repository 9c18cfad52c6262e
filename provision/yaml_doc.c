#include "provision/yaml_doc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

const struct ydoc_limits ydoc_default_limits = {
    .max_input_bytes = 16u << 20,
    .max_scalar_bytes = 1u << 20,
    .max_depth = 64,
    .max_expanded_nodes = 1000000,
};

struct anchor {
    char *name;
    struct ydoc_node *node;
};

struct loader {
    struct ydoc *doc;
    const struct ydoc_limits *limits;
    struct ydoc_node *stack[256]; /* open collections; depth is capped below this */
    size_t depth;
    struct ydoc_node *pending_key[256]; /* for mappings: a key awaiting its value */
    struct anchor *anchors;
    size_t anchor_count;
    size_t expanded_total;
    char *error;
};

static void set_error(struct loader *l, int line, int column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void set_error(struct loader *l, int line, int column, const char *fmt, ...)
{
    if (l->error)
        return;
    char message[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    size_t len = strlen(l->doc->name) + strlen(message) + 64;
    l->error = malloc(len);
    if (l->error)
        snprintf(l->error, len, "%s:%d:%d: %s", l->doc->name, line, column, message);
}

static struct ydoc_node *new_node(struct loader *l, enum ydoc_kind kind, yaml_mark_t mark)
{
    struct ydoc *doc = l->doc;
    if (doc->all_count == doc->all_cap) {
        size_t cap = doc->all_cap ? doc->all_cap * 2 : 64;
        struct ydoc_node **all = realloc(doc->all, cap * sizeof *all);
        if (!all)
            return NULL;
        doc->all = all;
        doc->all_cap = cap;
    }
    struct ydoc_node *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    n->kind = kind;
    n->line = (int)mark.line + 1;
    n->column = (int)mark.column + 1;
    n->expanded_size = 1;
    doc->all[doc->all_count++] = n;
    return n;
}

static int append(struct ydoc_node *parent, struct ydoc_node *key, struct ydoc_node *value)
{
    struct ydoc_node **items = realloc(parent->items, (parent->count + 1) * sizeof *items);
    if (!items)
        return -1;
    parent->items = items;
    if (parent->kind == YDOC_MAPPING) {
        struct ydoc_node **keys = realloc(parent->keys, (parent->count + 1) * sizeof *keys);
        if (!keys)
            return -1;
        parent->keys = keys;
        keys[parent->count] = key;
    }
    items[parent->count++] = value;
    return 0;
}

static int remember_anchor(struct loader *l, const yaml_char_t *name, struct ydoc_node *node)
{
    if (!name)
        return 0;
    struct anchor *a = realloc(l->anchors, (l->anchor_count + 1) * sizeof *a);
    if (!a)
        return -1;
    l->anchors = a;
    a[l->anchor_count].name = strdup((const char *)name);
    if (!a[l->anchor_count].name)
        return -1;
    a[l->anchor_count++].node = node;
    return 0;
}

static struct ydoc_node *find_anchor(struct loader *l, const yaml_char_t *name)
{
    /* The latest definition wins, as YAML allows an anchor to be redefined. */
    for (size_t i = l->anchor_count; i-- > 0;)
        if (strcmp(l->anchors[i].name, (const char *)name) == 0)
            return l->anchors[i].node;
    return NULL;
}

/* Attaches a finished node (scalar, alias target, or closed collection) to the
 * collection that is open, or makes it the root. */
static int attach(struct loader *l, struct ydoc_node *node, yaml_mark_t mark)
{
    if (l->depth == 0) {
        if (l->doc->root) {
            set_error(l, (int)mark.line + 1, (int)mark.column + 1,
                      "only one document per file is accepted");
            return -1;
        }
        l->doc->root = node;
        return 0;
    }
    struct ydoc_node *parent = l->stack[l->depth - 1];
    parent->expanded_size += node->expanded_size;
    if (parent->kind == YDOC_SEQUENCE)
        return append(parent, NULL, node);
    if (!l->pending_key[l->depth - 1]) {
        if (node->kind != YDOC_SCALAR) {
            set_error(l, node->line, node->column, "a mapping key must be a plain value");
            return -1;
        }
        /* Duplicate keys would let a later value silently override an earlier
         * one; refuse them so the file means one thing. */
        for (size_t i = 0; i < parent->count; i++)
            if (strcmp(parent->keys[i]->text, node->text) == 0) {
                set_error(l, node->line, node->column, "duplicate key '%s'", node->text);
                return -1;
            }
        l->pending_key[l->depth - 1] = node;
        return 0;
    }
    struct ydoc_node *key = l->pending_key[l->depth - 1];
    l->pending_key[l->depth - 1] = NULL;
    return append(parent, key, node);
}

static int handle_event(struct loader *l, yaml_event_t *ev)
{
    yaml_mark_t mark = ev->start_mark;
    struct ydoc_node *node;
    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        if (ev->data.scalar.length > l->limits->max_scalar_bytes) {
            set_error(l, (int)mark.line + 1, (int)mark.column + 1,
                      "a value of %zu bytes is longer than the limit of %zu",
                      ev->data.scalar.length, l->limits->max_scalar_bytes);
            return -1;
        }
        node = new_node(l, YDOC_SCALAR, mark);
        if (!node || !(node->text = strndup((const char *)ev->data.scalar.value,
                                            ev->data.scalar.length)))
            goto nomem;
        if (strlen(node->text) != ev->data.scalar.length) {
            set_error(l, node->line, node->column, "a value contains a NUL character");
            return -1;
        }
        node->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        if (remember_anchor(l, ev->data.scalar.anchor, node))
            goto nomem;
        l->expanded_total++;
        return attach(l, node, mark);
    case YAML_ALIAS_EVENT:
        node = find_anchor(l, ev->data.alias.anchor);
        if (!node) {
            set_error(l, (int)mark.line + 1, (int)mark.column + 1, "unknown alias '*%s'",
                      (const char *)ev->data.alias.anchor);
            return -1;
        }
        /* An alias to an anchor that is still open would make a cycle. */
        for (size_t i = 0; i < l->depth; i++)
            if (l->stack[i] == node) {
                set_error(l, (int)mark.line + 1, (int)mark.column + 1,
                          "alias '*%s' refers to a node that contains it",
                          (const char *)ev->data.alias.anchor);
                return -1;
            }
        l->expanded_total += node->expanded_size;
        if (l->expanded_total > l->limits->max_expanded_nodes) {
            set_error(l, (int)mark.line + 1, (int)mark.column + 1,
                      "aliases expand to more than %zu nodes (an alias-expansion bomb?)",
                      l->limits->max_expanded_nodes);
            return -1;
        }
        return attach(l, node, mark);
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT:
        if (l->depth >= l->limits->max_depth || l->depth >= sizeof l->stack / sizeof l->stack[0]) {
            set_error(l, (int)mark.line + 1, (int)mark.column + 1,
                      "nesting deeper than %zu levels", l->limits->max_depth);
            return -1;
        }
        node = new_node(l, ev->type == YAML_SEQUENCE_START_EVENT ? YDOC_SEQUENCE : YDOC_MAPPING,
                        mark);
        if (!node)
            goto nomem;
        if (remember_anchor(l, ev->type == YAML_SEQUENCE_START_EVENT
                                   ? ev->data.sequence_start.anchor
                                   : ev->data.mapping_start.anchor,
                            node))
            goto nomem;
        l->expanded_total++;
        l->pending_key[l->depth] = NULL;
        l->stack[l->depth++] = node;
        return 0;
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        node = l->stack[--l->depth];
        return attach(l, node, mark);
    default:
        return 0;
    }
nomem:
    set_error(l, (int)mark.line + 1, (int)mark.column + 1, "out of memory");
    return -1;
}

static void free_anchors(struct loader *l)
{
    for (size_t i = 0; i < l->anchor_count; i++)
        free(l->anchors[i].name);
    free(l->anchors);
}

void ydoc_free(struct ydoc *doc)
{
    if (!doc)
        return;
    for (size_t i = 0; i < doc->all_count; i++) {
        free(doc->all[i]->text);
        free(doc->all[i]->keys);
        free(doc->all[i]->items);
        free(doc->all[i]);
    }
    free(doc->all);
    free(doc->name);
    free(doc);
}

struct ydoc *ydoc_load_string(const char *name, const char *data, size_t len,
                              const struct ydoc_limits *limits, char **error)
{
    *error = NULL;
    if (!limits)
        limits = &ydoc_default_limits;
    struct loader l = { .limits = limits };
    l.doc = calloc(1, sizeof *l.doc);
    if (!l.doc || !(l.doc->name = strdup(strcmp(name, "-") == 0 ? "<stdin>" : name))) {
        free(l.doc);
        *error = strdup("out of memory");
        return NULL;
    }
    if (len > limits->max_input_bytes) {
        set_error(&l, 1, 1, "the file is %zu bytes, more than the limit of %zu", len,
                  limits->max_input_bytes);
        goto fail;
    }
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        set_error(&l, 1, 1, "cannot start the YAML parser");
        goto fail;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
    int documents = 0;
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            set_error(&l, (int)parser.problem_mark.line + 1, (int)parser.problem_mark.column + 1,
                      "YAML syntax error: %s%s%s", parser.problem ? parser.problem : "unknown",
                      parser.context ? " " : "", parser.context ? parser.context : "");
            break;
        }
        int done = ev.type == YAML_STREAM_END_EVENT;
        if (ev.type == YAML_DOCUMENT_START_EVENT && ++documents > 1)
            set_error(&l, (int)ev.start_mark.line + 1, (int)ev.start_mark.column + 1,
                      "only one document per file is accepted");
        int rc = l.error ? -1 : handle_event(&l, &ev);
        yaml_event_delete(&ev);
        if (rc || done)
            break;
    }
    yaml_parser_delete(&parser);
    if (l.error)
        goto fail;
    free_anchors(&l);
    return l.doc;
fail:
    free_anchors(&l);
    ydoc_free(l.doc);
    *error = l.error ? l.error : strdup("out of memory");
    return NULL;
}

struct ydoc *ydoc_load_file(const char *path, const struct ydoc_limits *limits, char **error)
{
    *error = NULL;
    if (!limits)
        limits = &ydoc_default_limits;
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    const char *shown = strcmp(path, "-") == 0 ? "<stdin>" : path;
    if (!f) {
        if (asprintf(error, "%s: %s", shown, strerror(errno)) < 0)
            *error = NULL;
        return NULL;
    }
    /* Refuse an oversized file before reading it: a 100 MB scalar must be
     * refused quickly, not after the parser has buffered it. */
    struct stat st;
    if (f != stdin && fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) &&
        (size_t)st.st_size > limits->max_input_bytes) {
        fclose(f);
        if (asprintf(error, "%s:1:1: the file is %lld bytes, more than the limit of %zu", shown,
                     (long long)st.st_size, limits->max_input_bytes) < 0)
            *error = NULL;
        return NULL;
    }
    size_t cap = 65536, len = 0;
    char *data = malloc(cap);
    while (data) {
        if (len == cap) {
            if (cap > limits->max_input_bytes)
                break;
            char *grown = realloc(data, cap * 2);
            if (!grown) {
                free(data);
                data = NULL;
                break;
            }
            data = grown;
            cap *= 2;
        }
        size_t n = fread(data + len, 1, cap - len, f);
        if (n == 0)
            break;
        len += n;
    }
    int read_error = ferror(f);
    if (f != stdin)
        fclose(f);
    if (!data || read_error) {
        free(data);
        if (asprintf(error, "%s: cannot read the file", shown) < 0)
            *error = NULL;
        return NULL;
    }
    struct ydoc *doc = ydoc_load_string(path, data, len, limits, error);
    free(data);
    return doc;
}

struct ydoc_node *ydoc_map_get(const struct ydoc_node *map, const char *key)
{
    if (!map || map->kind != YDOC_MAPPING)
        return NULL;
    for (size_t i = 0; i < map->count; i++)
        if (strcmp(map->keys[i]->text, key) == 0)
            return map->items[i];
    return NULL;
}
