/* The settings schema: every setting's name, type, default, constraint and
 * one-line doc, parsed once from the embedded settings.schema files. */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/log.h"
#include "registry/embedded.h"
#include "registry/internal.h"

static struct setting_def *schema;
static size_t schema_count;
static char *schema_problem;
static pthread_once_t schema_once = PTHREAD_ONCE_INIT;

static const struct {
    enum reg_type type;
    const char *name;
    const char *short_name;
} type_names[] = {
    { REG_SZ, "REG_SZ", "sz" },
    { REG_DWORD, "REG_DWORD", "dword" },
    { REG_QWORD, "REG_QWORD", "qword" },
    { REG_MULTI_SZ, "REG_MULTI_SZ", "multi_sz" },
    { REG_BINARY, "REG_BINARY", "binary" },
};

const char *reg_type_name(enum reg_type type)
{
    for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
        if (type_names[i].type == type)
            return type_names[i].name;
    return "REG_NONE";
}

const char *reg_type_short_name(enum reg_type type)
{
    for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
        if (type_names[i].type == type)
            return type_names[i].short_name;
    return "none";
}

static bool type_from_short_name(const char *name, enum reg_type *type)
{
    for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++) {
        if (strcmp(type_names[i].short_name, name) == 0) {
            *type = type_names[i].type;
            return true;
        }
    }
    return false;
}

/* Lower-case letters, digits and '-', in dot-separated non-empty parts. */
static bool setting_name_valid(const char *name)
{
    bool part_empty = true;

    for (const char *p = name; *p; p++) {
        if (*p == '.') {
            if (part_empty)
                return false;
            part_empty = true;
        } else if (islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-' ||
                   *p == '_') {
            part_empty = false;
        } else {
            return false;
        }
    }
    return !part_empty;
}

/* Next whitespace-separated token of a line, or a "double-quoted" one (no
 * escapes: a quote cannot be part of a default). NULL at the end of the line
 * or for an unterminated quote. */
static char *next_token(char **cursor)
{
    char *p = *cursor, *start;

    while (*p == ' ' || *p == '\t')
        p++;
    if (!*p)
        return NULL;
    if (*p == '"') {
        start = ++p;
        p = strchr(p, '"');
        if (!p)
            return NULL;
    } else {
        start = p;
        while (*p && *p != ' ' && *p != '\t')
            p++;
    }
    if (*p)
        *p++ = '\0';
    *cursor = p;
    return start;
}

static bool parse_constraint(const char *text, struct setting_def *def, char **why)
{
    def->constraint_text = strdup(text);
    if (!def->constraint_text)
        return false;
    if (strcmp(text, "-") == 0) {
        def->constraint = SETTING_ANY;
    } else if (strcmp(text, "ipaddr") == 0) {
        def->constraint = SETTING_IPADDR;
    } else if (strcmp(text, "abspath") == 0) {
        def->constraint = SETTING_ABSPATH;
    } else if (strcmp(text, "guid") == 0) {
        def->constraint = SETTING_GUID;
    } else if (strcmp(text, "unixuser") == 0) {
        def->constraint = SETTING_UNIXUSER;
    } else if (strcmp(text, "idrange") == 0) {
        def->constraint = SETTING_IDRANGE;
    } else if (strcmp(text, "endpoint") == 0) {
        def->constraint = SETTING_ENDPOINT;
    } else if (strncmp(text, "range:", 6) == 0) {
        char lo[32], *dots;
        const char *range = text + 6;
        dots = strstr(range, "..");
        if (!dots || (size_t)(dots - range) >= sizeof(lo)) {
            *why = "range wants range:MIN..MAX";
            return false;
        }
        memcpy(lo, range, (size_t)(dots - range));
        lo[dots - range] = '\0';
        if (!registry_parse_u64(lo, &def->min) || !registry_parse_u64(dots + 2, &def->max) ||
            def->min > def->max) {
            *why = "range wants range:MIN..MAX with MIN <= MAX";
            return false;
        }
        def->constraint = SETTING_RANGE;
    } else if (strncmp(text, "enum:", 5) == 0) {
        const char *p = text + 5;
        size_t n = 1;
        const char **values;
        char *copy;
        for (const char *q = p; *q; q++)
            n += *q == '|';
        values = calloc(n, sizeof(*values));
        copy = strdup(p);
        if (!values || !copy) {
            free(values);
            free(copy);
            return false;
        }
        for (size_t i = 0; i < n; i++) {
            values[i] = copy;
            copy = strchr(copy, '|');
            if (copy)
                *copy++ = '\0';
            if (!*values[i]) {
                *why = "enum wants enum:a|b|c with no empty value";
                def->enum_values = values;
                def->enum_count = n;
                return false;
            }
        }
        def->enum_values = values;
        def->enum_count = n;
        def->constraint = SETTING_ENUM;
    } else {
        *why = "unknown constraint (want -, range:MIN..MAX, enum:a|b, ipaddr, abspath, guid, unixuser, idrange, endpoint)";
        return false;
    }
    return true;
}

static void free_def(struct setting_def *def)
{
    free((char *)def->name);
    free((char *)def->default_text);
    free((char *)def->constraint_text);
    free((char *)def->doc);
    if (def->enum_values)
        free((char *)def->enum_values[0]);
    free((void *)def->enum_values);
    memset(def, 0, sizeof(*def));
}

/* One non-comment line into def; *why says what is wrong. */
static NTSTATUS parse_line(const char *file, char *line, struct setting_def *def,
                           const char **why)
{
    char *cursor = line, *name, *type, *deflt, *constraint, *doc, *normalized = NULL;
    char *problem = NULL, *constraint_why = NULL;
    NTSTATUS status;

    name = next_token(&cursor);
    type = name ? next_token(&cursor) : NULL;
    deflt = type ? next_token(&cursor) : NULL;
    constraint = deflt ? next_token(&cursor) : NULL;
    if (!constraint) {
        *why = "want: name type default constraint doc";
        return STATUS_INVALID_PARAMETER;
    }
    doc = cursor;
    while (*doc == ' ' || *doc == '\t')
        doc++;
    /* An optional "apply:live" (the default) or "apply:restart" before the
     * doc: whether a running server takes a new value without a restart. */
    if (strncmp(doc, "apply:", 6) == 0) {
        char *apply = next_token(&doc);
        if (apply && strcmp(apply, "apply:restart") == 0) {
            def->needs_restart = true;
        } else if (!apply || strcmp(apply, "apply:live") != 0) {
            *why = "bad apply (want apply:live or apply:restart)";
            return STATUS_INVALID_PARAMETER;
        }
        while (*doc == ' ' || *doc == '\t')
            doc++;
    }
    for (size_t len = strlen(doc); len > 0 && (doc[len - 1] == ' ' || doc[len - 1] == '\t');)
        doc[--len] = '\0';
    if (!*doc) {
        *why = "missing the one-line doc";
        return STATUS_INVALID_PARAMETER;
    }
    if (!setting_name_valid(name)) {
        *why = "bad name (lower-case dotted words: srv.port)";
        return STATUS_INVALID_PARAMETER;
    }
    if (!type_from_short_name(type, &def->type)) {
        *why = "bad type (want sz, dword, qword, multi_sz or binary)";
        return STATUS_INVALID_PARAMETER;
    }
    def->name = strdup(name);
    def->doc = strdup(doc);
    def->schema_file = file;
    if (!def->name || !def->doc)
        return STATUS_NO_MEMORY;
    if (!parse_constraint(constraint, def, &constraint_why)) {
        *why = constraint_why ? constraint_why : "out of memory";
        return constraint_why ? STATUS_INVALID_PARAMETER : STATUS_NO_MEMORY;
    }
    if (def->constraint == SETTING_ENUM && def->type != REG_SZ && def->type != REG_MULTI_SZ) {
        *why = "enum applies to sz and multi_sz only";
        return STATUS_INVALID_PARAMETER;
    }
    if ((def->constraint == SETTING_IPADDR || def->constraint == SETTING_ABSPATH ||
         def->constraint == SETTING_GUID || def->constraint == SETTING_UNIXUSER ||
         def->constraint == SETTING_IDRANGE || def->constraint == SETTING_ENDPOINT) &&
        def->type != REG_SZ) {
        *why = "ipaddr, abspath, guid, unixuser, idrange and endpoint apply to sz only";
        return STATUS_INVALID_PARAMETER;
    }
    status = registry_setting_validate(def, deflt, &normalized, &problem);
    free(problem);
    if (!NT_SUCCESS(status)) {
        *why = "the default does not satisfy the type and constraint";
        return status;
    }
    def->default_text = normalized;
    return STATUS_SUCCESS;
}

NTSTATUS registry_schema_parse(const char *file, const char *text, struct setting_def **defs,
                               size_t *count, char **problem)
{
    NTSTATUS result = STATUS_SUCCESS;
    unsigned line_number = 0;
    const char *p = text;

    while (*p) {
        const char *end = strchr(p, '\n');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        struct setting_def def, *grown;
        const char *why = NULL;
        char *line, *s;
        NTSTATUS status;

        line_number++;
        line = strndup(p, len);
        p += len + (end ? 1 : 0);
        if (!line)
            return STATUS_NO_MEMORY;
        for (s = line; *s == ' ' || *s == '\t'; s++)
            ;
        if (!*s || *s == '#' || *s == '\r') {
            free(line);
            continue;
        }
        if (len && line[len - 1] == '\r')
            line[len - 1] = '\0';
        memset(&def, 0, sizeof(def));
        status = parse_line(file, s, &def, &why);
        free(line);
        if (NT_SUCCESS(status)) {
            grown = realloc(*defs, (*count + 1) * sizeof(**defs));
            if (!grown)
                status = STATUS_NO_MEMORY;
            else
                *defs = grown;
        }
        if (!NT_SUCCESS(status)) {
            if (NT_SUCCESS(result)) {
                result = status;
                registry_error(problem, "%s:%u: %s", file, line_number, why ? why : "out of memory");
            }
            free_def(&def);
            continue;
        }
        (*defs)[(*count)++] = def;
    }
    return result;
}

static int compare_defs(const void *a, const void *b)
{
    return strcmp(((const struct setting_def *)a)->name, ((const struct setting_def *)b)->name);
}

static void load_schema(void)
{
    for (size_t i = 0; i < registry_embedded_schema_count; i++) {
        char *problem = NULL;
        registry_schema_parse(registry_embedded_schemas[i].path, registry_embedded_schemas[i].text,
                              &schema, &schema_count, &problem);
        if (problem && !schema_problem)
            schema_problem = problem;
        else
            free(problem);
    }
    qsort(schema, schema_count, sizeof(*schema), compare_defs);
    /* Two modules must not claim one name: keep the first, report the clash. */
    for (size_t i = 1; i < schema_count;) {
        if (strcmp(schema[i - 1].name, schema[i].name) == 0) {
            if (!schema_problem &&
                asprintf(&schema_problem, "%s: setting %s is also defined in %s",
                         schema[i].schema_file, schema[i].name, schema[i - 1].schema_file) < 0)
                schema_problem = NULL;
            free_def(&schema[i]);
            memmove(&schema[i], &schema[i + 1], (schema_count - i - 1) * sizeof(*schema));
            schema_count--;
        } else {
            i++;
        }
    }
    if (schema_problem)
        log_error("registry: settings schema: %s", schema_problem);
}

static void schema_ready(void)
{
    pthread_once(&schema_once, load_schema);
}

const char *registry_schema_problem(void)
{
    schema_ready();
    return schema_problem;
}

const struct setting_def *registry_setting_find(const char *name)
{
    struct setting_def key;

    schema_ready();
    if (!name || !schema_count)
        return NULL;
    key.name = name;
    return bsearch(&key, schema, schema_count, sizeof(*schema), compare_defs);
}

size_t registry_setting_count(void)
{
    schema_ready();
    return schema_count;
}

const struct setting_def *registry_setting_at(size_t index)
{
    schema_ready();
    return index < schema_count ? &schema[index] : NULL;
}
