/* Applying a provisioning spec to a registry, and exporting a registry as one.
 *
 * Apply works out and makes the changes in a single registry transaction: each
 * object is compared with the registry and changed only where it differs, and
 * each change is recorded in the plan. A dry run does the same and rolls back,
 * so a dry run validates exactly what a real apply would (a missing path, an
 * unknown principal, a password the policy refuses) and shows the same plan.
 * Nothing is committed unless everything succeeded. */
#ifndef SW_PROVISION_APPLY_H
#define SW_PROVISION_APPLY_H

#include <stdbool.h>
#include <stdio.h>

#include "lib/ntstatus.h"
#include "provision/spec.h"
#include "registry/registry.h"

/* One field a change modifies, old and new as shown to a person. A secret
 * (a password) has neither: only that it changes ("password (changed)"). */
struct prov_field {
    char *field;    /* "comment", "permissions", "password", "value" */
    char *old_value; /* NULL for a secret */
    char *new_value; /* NULL for a secret */
};

struct prov_change {
    char op;        /* '+' add, '~' change, '-' remove */
    char *kind;     /* "setting", "group", "user", "share", "member" */
    char *name;
    char *detail;   /* what changes, "" if nothing to add; never a secret; for
                       '~' the fields as "field: OLD -> NEW; ..." */
    struct prov_field *fields; /* for '~': every field that changes */
    size_t field_count;
};

struct prov_plan {
    struct prov_change *changes;
    size_t count;
    /* Shares of the files whose grants promise writes their folders refuse
     * (provision/share_folder.h), as the registry is after the plan (also in
     * a dry run): NULL-terminated, or NULL when there are none. */
    char **warnings;
};

struct prov_options {
    bool dry_run;
    bool prune;     /* remove shares, users, groups and settings the spec omits */
    const struct audit_actor *actor;
};

/* On failure nothing is changed and *error says which object and why (with the
 * file:line:column it came from). */
NTSTATUS prov_apply(struct registry *reg, const struct prov_spec *spec,
                    const struct prov_options *options, struct prov_plan *plan, char **error);
void prov_plan_free(struct prov_plan *plan);

/* The plan as text lines ("+ share projects: path=/srv/projects",
 * "~ share data: comment: \"Old\" -> \"New\"") or a JSON array of
 * {op, kind, name, detail, changes: [{field, old, new} or {field, secret: true}]}. */
void prov_plan_print(const struct prov_plan *plan, FILE *out);
char *prov_plan_json(const struct prov_plan *plan);

/* The whole configuration as a provisioning file that prov_apply accepts:
 * settings that differ from their defaults, groups with members, users (NT hash
 * only with with_secrets), shares with permissions. Built-ins that cannot be
 * changed (IPC$) are left out. *yaml is malloc'd. */
NTSTATUS prov_export(struct registry *reg, bool with_secrets, char **yaml, char **error);

#endif
