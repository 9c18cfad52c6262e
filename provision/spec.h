/* The desired state a provisioning file describes (docs/provisioning.md).
 *
 * prov_spec_load() turns a YAML document into typed objects, checking the
 * structure (known fields, types, value forms) and naming file:line:column and
 * the field for every problem. Checks that need the registry (setting ranges,
 * paths, principals) happen when the plan is made. Several files merge in
 * order: a later setting, group, user or share of the same name replaces the
 * earlier one whole. */
#ifndef SW_PROVISION_SPEC_H
#define SW_PROVISION_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Where an object or field came from, for messages: "file:line:column". */
struct prov_origin {
    const char *file; /* owned by the spec */
    int line;
    int column;
};

struct prov_setting {
    char *name;
    char *value;
    struct prov_origin at;
};

struct prov_group {
    char *name;
    char *description; /* NULL: empty */
    char **members;    /* user names */
    size_t member_count;
    struct prov_origin at;
};

enum prov_password_kind { PROV_PASSWORD_NONE, PROV_PASSWORD_NT_HASH, PROV_PASSWORD_FILE,
                          PROV_PASSWORD_ENV };

struct prov_user {
    char *name;
    char *full_name;
    char *description;
    char *unix_account;    /* the Unix account it acts as on disk; NULL: none,
                              its own uid (lsass/idmap/idmap.h) */
    bool enabled;          /* default true */
    bool password_never_expires;
    char **groups;         /* group or alias names */
    size_t group_count;
    enum prov_password_kind password_kind;
    char *password_source; /* 32 hex digits, a file path, or a variable name */
    struct prov_origin at;
};

enum prov_level { PROV_READ, PROV_CHANGE, PROV_FULL };

struct prov_grant {
    char *principal;
    enum prov_level level;
    struct prov_origin at;
};

struct prov_share {
    char *name;
    char *path;
    char *comment;
    bool read_only, hidden, encrypt, access_based_enumeration, guest_ok;
    char *caching;         /* manual | documents | programs | none; NULL: manual */
    int32_t max_uses;      /* -1 unlimited */
    struct prov_grant *grants; /* none given: the default descriptor */
    size_t grant_count;
    bool create;           /* create the path if missing */
    char *create_owner;    /* user name or uid; NULL: root */
    char *create_group;
    uint32_t create_mode;  /* default 0755 */
    struct prov_origin at;
};

/* A provider's secret (providers.ldap.bind_password): from a file or an
 * environment variable, never plain text in the file. name is the provider
 * ("ldap"), so that a later file's replaces an earlier one's. */
struct prov_provider {
    char *name;
    enum prov_password_kind bind_password_kind; /* NONE, FILE or ENV */
    char *bind_password_source;
    struct prov_origin at;
};

struct prov_spec {
    char **files;          /* names of the files merged, for audit and messages */
    size_t file_count;
    struct prov_setting *settings;
    size_t setting_count;
    struct prov_group *groups;
    size_t group_count;
    struct prov_user *users;
    size_t user_count;
    struct prov_share *shares;
    size_t share_count;
    struct prov_provider *providers;
    size_t provider_count;
};

struct prov_spec *prov_spec_new(void);
void prov_spec_free(struct prov_spec *spec);

/* Loads one file ("-" = standard input) and merges it into spec. On failure
 * the spec is unchanged and *error is "FILE:LINE:COLUMN: field: message". */
int prov_spec_load(struct prov_spec *spec, const char *path, char **error);
/* The same from memory (tests). */
int prov_spec_load_string(struct prov_spec *spec, const char *name, const char *text,
                          char **error);

const char *prov_level_name(enum prov_level level);

#endif
