/* prov_export: the registry as a provisioning file, written with libyaml's
 * emitter so every value is quoted exactly as YAML needs. */
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "lib/crypto.h"
#include "lsass/ldap/ldap_provider.h"
#include "lsass/sam/sam.h"
#include "provision/apply.h"
#include "share-db/share_db.h"

struct out {
    yaml_emitter_t emitter;
    char *data;
    size_t len;
    bool failed;
};

static int write_handler(void *context, unsigned char *buffer, size_t size)
{
    struct out *o = context;
    char *grown = realloc(o->data, o->len + size + 1);
    if (!grown)
        return 0;
    memcpy(grown + o->len, buffer, size);
    o->len += size;
    grown[o->len] = '\0';
    o->data = grown;
    return 1;
}

static void emit(struct out *o, yaml_event_t *ev, int made)
{
    if (!made || o->failed || !yaml_emitter_emit(&o->emitter, ev))
        o->failed = true;
}

/* A string value: the emitter picks plain or quoted form. */
static void scalar(struct out *o, const char *text)
{
    yaml_event_t ev;
    emit(o, &ev, yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)text,
                                              (int)strlen(text), 1, 1, YAML_ANY_SCALAR_STYLE));
}

/* A string that must read back as a string even if it looks like a boolean or
 * number ("on", "0770", "3.0"). */
static void string_value(struct out *o, const char *text)
{
    yaml_event_t ev;
    emit(o, &ev, yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)text,
                                              (int)strlen(text), 0, 1,
                                              YAML_DOUBLE_QUOTED_SCALAR_STYLE));
}

static void start_map(struct out *o, bool flow)
{
    yaml_event_t ev;
    emit(o, &ev, yaml_mapping_start_event_initialize(
                     &ev, NULL, NULL, 1, flow ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE));
}

static void end_map(struct out *o)
{
    yaml_event_t ev;
    emit(o, &ev, yaml_mapping_end_event_initialize(&ev));
}

static void start_seq(struct out *o, bool flow)
{
    yaml_event_t ev;
    emit(o, &ev, yaml_sequence_start_event_initialize(
                     &ev, NULL, NULL, 1, flow ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE));
}

static void end_seq(struct out *o)
{
    yaml_event_t ev;
    emit(o, &ev, yaml_sequence_end_event_initialize(&ev));
}

static void key_string(struct out *o, const char *key, const char *value)
{
    scalar(o, key);
    string_value(o, value);
}

static void key_bool(struct out *o, const char *key, bool value)
{
    scalar(o, key);
    scalar(o, value ? "true" : "false");
}

static NTSTATUS export_settings(struct out *o, struct registry *reg)
{
    bool any = false;
    for (size_t i = 0; i < registry_setting_count(); i++) {
        const struct setting_def *def = registry_setting_at(i);
        char *value = NULL;
        bool is_default = true;
        NTSTATUS status = registry_setting_get_text(reg, def->name, &value, &is_default);
        if (!NT_SUCCESS(status))
            return status;
        if (!is_default) {
            if (!any) {
                scalar(o, "settings");
                start_map(o, false);
                any = true;
            }
            key_string(o, def->name, value);
        }
        free(value);
    }
    if (any)
        end_map(o);
    return STATUS_SUCCESS;
}

static NTSTATUS export_groups(struct out *o, struct registry *reg)
{
    struct sam_group_list groups;
    NTSTATUS status = sam_group_list(reg, &groups);
    if (!NT_SUCCESS(status))
        return status;
    scalar(o, "groups");
    start_seq(o, false);
    for (size_t i = 0; NT_SUCCESS(status) && i < groups.count; i++) {
        const struct sam_group *g = &groups.groups[i];
        start_map(o, false);
        key_string(o, "name", g->name);
        if (g->description[0])
            key_string(o, "description", g->description);
        struct sid *members = NULL;
        size_t count = 0;
        status = sam_group_members(reg, &g->sid, &members, &count);
        scalar(o, "members");
        start_seq(o, true);
        for (size_t m = 0; NT_SUCCESS(status) && m < count; m++) {
            char *name = sam_sid_display(reg, &members[m]);
            if (!name)
                status = STATUS_NO_MEMORY;
            else
                string_value(o, name);
            free(name);
        }
        end_seq(o);
        free(members);
        end_map(o);
    }
    end_seq(o);
    sam_group_list_free(&groups);
    return status;
}

static void hex(const uint8_t *data, size_t len, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[data[i] >> 4];
        out[2 * i + 1] = digits[data[i] & 15];
    }
    out[2 * len] = '\0';
}

static NTSTATUS export_users(struct out *o, struct registry *reg, bool with_secrets)
{
    struct sam_user_list users;
    NTSTATUS status = sam_user_list(reg, &users);
    if (!NT_SUCCESS(status))
        return status;
    scalar(o, "users");
    start_seq(o, false);
    for (size_t i = 0; i < users.count; i++) {
        const struct sam_user *u = &users.users[i];
        start_map(o, false);
        key_string(o, "name", u->name);
        if (u->full_name[0])
            key_string(o, "full_name", u->full_name);
        if (u->description[0])
            key_string(o, "description", u->description);
        key_bool(o, "enabled", !(u->flags & SAM_USER_DISABLED));
        if (u->flags & SAM_USER_PASSWORD_NEVER_EXPIRES)
            key_bool(o, "password_never_expires", true);
        if (u->unix_account)
            key_string(o, "unix_account", u->unix_account);
        uint8_t hash[16];
        if (with_secrets && NT_SUCCESS(sam_user_get_nt_hash(reg, u->rid, hash))) {
            char text[33];
            hex(hash, 16, text);
            scalar(o, "password");
            start_map(o, true);
            key_string(o, "nt_hash", text);
            end_map(o);
            crypto_wipe(text, sizeof text);
            crypto_wipe(hash, sizeof hash);
        }
        end_map(o);
    }
    end_seq(o);
    sam_user_list_free(&users);
    return STATUS_SUCCESS;
}

static const char *caching_name(uint32_t flags)
{
    switch (flags & SHARE_CACHING_MASK) {
    case SHARE_CACHING_DOCUMENTS: return "documents";
    case SHARE_CACHING_PROGRAMS: return "programs";
    case SHARE_CACHING_NONE: return "none";
    default: return "manual";
    }
}

static NTSTATUS export_shares(struct out *o, struct registry *reg, char **error)
{
    struct share **shares = NULL;
    size_t count = 0;
    NTSTATUS status = share_db_list(reg, &shares, &count);
    if (!NT_SUCCESS(status))
        return status;
    scalar(o, "shares");
    start_seq(o, false);
    for (size_t i = 0; NT_SUCCESS(status) && i < count; i++) {
        const struct share *s = shares[i];
        if (s->type == STYPE_IPC)
            continue;
        start_map(o, false);
        key_string(o, "name", s->name);
        key_string(o, "path", s->path);
        if (s->comment[0])
            key_string(o, "comment", s->comment);
        if (s->flags & SHARE_FLAG_READ_ONLY)
            key_bool(o, "read_only", true);
        /* A $ name is hidden by its name; only an explicit flag is written. */
        size_t len = strlen(s->name);
        if ((s->flags & SHARE_FLAG_HIDDEN) && !(len && s->name[len - 1] == '$'))
            key_bool(o, "hidden", true);
        if (s->flags & SHARE_FLAG_ENCRYPT_DATA)
            key_bool(o, "encrypt", true);
        if (s->flags & SHARE_FLAG_ACCESS_BASED_ENUM)
            key_bool(o, "access_based_enumeration", true);
        if (s->flags & SHARE_FLAG_GUEST_OK)
            key_bool(o, "guest_ok", true);
        if ((s->flags & SHARE_CACHING_MASK) != SHARE_CACHING_MANUAL)
            key_string(o, "caching", caching_name(s->flags));
        if (s->max_uses >= 0) {
            char number[16];
            snprintf(number, sizeof number, "%d", (int)s->max_uses);
            scalar(o, "max_uses");
            scalar(o, number);
        }
        char **grants = NULL;
        size_t grant_count = 0;
        status = share_sd_to_grants(s->sd, s->sd_len, ldap_sam_principal_namer, reg, &grants,
                                    &grant_count);
        if (NT_SUCCESS(status)) {
            scalar(o, "permissions");
            start_map(o, false);
            for (size_t g = 0; g < grant_count; g++) {
                /* "PRINCIPAL:LEVEL"; the principal may itself hold no colon but
                 * a SID string never does either. */
                char *colon = strrchr(grants[g], ':');
                if (!colon || strstr(grants[g], ":deny:") || strstr(colon, "0x")) {
                    if (asprintf(error, "share %s has a permission export cannot express (%s): "
                                        "edit it with lwadmin share set --grant",
                                 s->name, grants[g]) < 0)
                        *error = NULL;
                    status = STATUS_NOT_SUPPORTED;
                    break;
                }
                *colon = '\0';
                key_string(o, grants[g], colon + 1);
            }
            end_map(o);
            registry_strv_free(grants);
        }
        end_map(o);
    }
    end_seq(o);
    share_list_free(shares, count);
    return status;
}

NTSTATUS prov_export(struct registry *reg, bool with_secrets, char **yaml, char **error)
{
    struct out o = { .failed = false };
    *yaml = NULL;
    *error = NULL;
    if (!yaml_emitter_initialize(&o.emitter))
        return STATUS_NO_MEMORY;
    yaml_emitter_set_output(&o.emitter, write_handler, &o);
    yaml_emitter_set_unicode(&o.emitter, 1);
    yaml_emitter_set_width(&o.emitter, 100);
    yaml_event_t ev;
    emit(&o, &ev, yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING));
    emit(&o, &ev, yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1));
    start_map(&o, false);
    NTSTATUS status = export_settings(&o, reg);
    if (NT_SUCCESS(status))
        status = export_groups(&o, reg);
    if (NT_SUCCESS(status))
        status = export_users(&o, reg, with_secrets);
    if (NT_SUCCESS(status))
        status = export_shares(&o, reg, error);
    end_map(&o);
    emit(&o, &ev, yaml_document_end_event_initialize(&ev, 1));
    emit(&o, &ev, yaml_stream_end_event_initialize(&ev));
    yaml_emitter_flush(&o.emitter);
    yaml_emitter_delete(&o.emitter);
    if (NT_SUCCESS(status) && o.failed)
        status = STATUS_NO_MEMORY;
    if (!NT_SUCCESS(status)) {
        if (o.data)
            crypto_wipe(o.data, o.len);
        free(o.data);
        if (!*error && asprintf(error, "export failed: %s", nt_status_name(status)) < 0)
            *error = NULL;
        return status;
    }
    *yaml = o.data;
    return STATUS_SUCCESS;
}
