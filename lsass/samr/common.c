/* What every samr handler shares: the service, access masks, handles,
 * strings, times, audit actors. */
#include "lsass/samr/samr_private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/secdesc.h"

static void service_free(void *state)
{
    free(state);
}

NTSTATUS samr_interface_register(struct dcerpc_server *server, struct lsa_rpc_context *ctx,
                                 lsa_rpc_unregister_fn *unregister, void **state)
{
    struct samr_service *s = calloc(1, sizeof *s);
    if (!s)
        return STATUS_NO_MEMORY;
    s->ctx = ctx;
    /* The server keeps the pointer even on failure: freed at shutdown. */
    *unregister = service_free;
    *state = s;
    return dcerpc_server_register(server, &samr_interface, s);
}

struct samr_service *samr_service_of(struct dcerpc_call *call)
{
    return dcerpc_call_iface_ctx(call);
}

struct registry *samr_reg(struct dcerpc_call *call)
{
    return samr_service_of(call)->ctx->reg;
}

bool samr_caller_is_admin(struct dcerpc_call *call)
{
    return token_is_administrator(dcerpc_call_token(call));
}

bool samr_caller_is(struct dcerpc_call *call, const struct sid *sid)
{
    const struct access_token *t = dcerpc_call_token(call);
    return t && !t->is_anonymous && sid_equal(&t->user, sid);
}

/* Generic rights of each kind ([MS-SAMR] 2.2.1.2-2.2.1.7): read, write,
 * execute, all. */
static const uint32_t generic_map[][4] = {
    [SAMR_SERVER] = { 0x00020010, 0x0002000E, 0x00020021, 0x000F003F },
    [SAMR_DOMAIN] = { 0x00020084, 0x0002047A, 0x00020301, 0x000F07FF },
    [SAMR_USER] = { 0x0002031A, 0x00020044, 0x00020041, 0x000F07FF },
    [SAMR_GROUP] = { 0x00020010, 0x0002000E, 0x00020001, 0x000F001F },
    [SAMR_ALIAS] = { 0x00020004, 0x00020013, 0x00020008, 0x000F001F },
};

/* What a caller who is not an administrator may have, as Windows' default
 * security descriptors of SAM objects give Everyone (and, on a user, the
 * user himself): connect, look up and list; read public account data;
 * change his own password and preferences. */
static uint32_t ordinary_allowed(enum samr_kind kind, bool self)
{
    switch (kind) {
    case SAMR_SERVER:
        return SAMR_READ_CONTROL | SAM_SERVER_CONNECT | SAM_SERVER_ENUMERATE_DOMAINS |
               SAM_SERVER_LOOKUP_DOMAIN;
    case SAMR_DOMAIN:
        return SAMR_READ_CONTROL | DOMAIN_READ_PASSWORD_PARAMETERS | DOMAIN_READ_OTHER_PARAMETERS |
               DOMAIN_GET_ALIAS_MEMBERSHIP | DOMAIN_LIST_ACCOUNTS | DOMAIN_LOOKUP;
    case SAMR_USER: {
        uint32_t m = SAMR_READ_CONTROL | USER_READ_GENERAL | USER_READ_PREFERENCES | USER_READ_LOGON |
                     USER_READ_ACCOUNT | USER_LIST_GROUPS | USER_READ_GROUP_INFORMATION |
                     USER_CHANGE_PASSWORD;
        if (self)
            m |= USER_WRITE_PREFERENCES;
        return m;
    }
    case SAMR_GROUP:
        return SAMR_READ_CONTROL | GROUP_READ_INFORMATION | GROUP_LIST_MEMBERS;
    case SAMR_ALIAS:
        return SAMR_READ_CONTROL | ALIAS_READ_INFORMATION | ALIAS_LIST_MEMBERS;
    }
    return 0;
}

NTSTATUS samr_grant(struct dcerpc_call *call, enum samr_kind kind, bool self, uint32_t desired,
                    uint32_t *granted)
{
    const uint32_t *g = generic_map[kind];
    uint32_t all = g[3];
    uint32_t mapped = desired & ~(SAMR_GENERIC_READ | SAMR_GENERIC_WRITE | SAMR_GENERIC_EXECUTE |
                                  SAMR_GENERIC_ALL | SAMR_MAXIMUM_ALLOWED);
    if (desired & SAMR_GENERIC_READ)
        mapped |= g[0];
    if (desired & SAMR_GENERIC_WRITE)
        mapped |= g[1];
    if (desired & SAMR_GENERIC_EXECUTE)
        mapped |= g[2];
    if (desired & SAMR_GENERIC_ALL)
        mapped |= all;
    const struct access_token *t = dcerpc_call_token(call);
    uint32_t allowed;
    if (samr_caller_is_admin(call))
        allowed = all | SAMR_ACCESS_SYSTEM_SECURITY;
    else if (!t || t->is_anonymous)
        allowed = kind == SAMR_SERVER ? SAM_SERVER_CONNECT | SAM_SERVER_LOOKUP_DOMAIN : 0;
    else
        allowed = ordinary_allowed(kind, self);
    if (mapped & ~allowed)
        return STATUS_ACCESS_DENIED;
    *granted = mapped | ((desired & SAMR_MAXIMUM_ALLOWED) ? allowed & all : 0);
    return STATUS_SUCCESS;
}

/* The descriptor Windows gives each kind, reduced to what samr enforces:
 * owner and group Administrators; Everyone gets what an ordinary caller may
 * have, Administrators everything; a user's own account adds the user. */
static NTSTATUS default_descriptor(const struct samr_object *obj, struct security_descriptor *full)
{
    struct secdesc_entry entries[3];
    size_t n = 0;
    entries[n++] = (struct secdesc_entry){ SID_EVERYONE, ordinary_allowed(obj->kind, false), false };
    entries[n++] = (struct secdesc_entry){ SID_BUILTIN_ADMINISTRATORS, generic_map[obj->kind][3], false };
    if (obj->kind == SAMR_USER) {
        entries[n] = (struct secdesc_entry){ .mask = ordinary_allowed(SAMR_USER, true) };
        if (NT_SUCCESS(sid_append(&entries[n].sid, &obj->domain, obj->rid)))
            n++;
    }
    return secdesc_build_simple(full, &SID_BUILTIN_ADMINISTRATORS, &SID_BUILTIN_ADMINISTRATORS, entries, n);
}

/* A user's stored descriptor (SetSecurityObject) if he has one, else the
 * default. */
NTSTATUS samr_object_descriptor_full(struct dcerpc_call *call, const struct samr_object *obj,
                                     struct security_descriptor *full)
{
    if (obj->kind == SAMR_USER && !obj->builtin) {
        uint8_t *stored = NULL;
        size_t len = 0;
        NTSTATUS status = sam_user_get_descriptor(samr_reg(call), obj->rid, &stored, &len);
        if (!NT_SUCCESS(status))
            return status;
        if (stored) {
            status = secdesc_parse(stored, len, full);
            free(stored);
            return NT_SUCCESS(status) ? status : STATUS_INTERNAL_ERROR;
        }
    }
    return default_descriptor(obj, full);
}

NTSTATUS samr_object_descriptor(struct dcerpc_call *call, const struct samr_object *obj,
                                uint32_t secinfo, uint8_t **bytes, size_t *len)
{
    struct security_descriptor full, selected;
    NTSTATUS status = samr_object_descriptor_full(call, obj, &full);
    if (!NT_SUCCESS(status))
        return status;
    status = secdesc_select(&selected, &full, secinfo);
    secdesc_free(&full);
    if (!NT_SUCCESS(status))
        return status;
    uint8_t *data = NULL;
    size_t size = 0;
    status = secdesc_to_bytes(&selected, &data, &size);
    secdesc_free(&selected);
    if (!NT_SUCCESS(status))
        return status;
    *bytes = ndr_arena_alloc(dcerpc_call_arena(call), size);
    if (*bytes)
        memcpy(*bytes, data, size);
    free(data);
    *len = size;
    return *bytes ? STATUS_SUCCESS : STATUS_NO_MEMORY;
}

static void free_object(void *data)
{
    free(data);
}

NTSTATUS samr_handle_new(struct dcerpc_call *call, const struct samr_object *obj,
                         struct policy_handle *wire)
{
    struct samr_object *copy = malloc(sizeof *copy);
    if (!copy)
        return STATUS_NO_MEMORY;
    *copy = *obj;
    NTSTATUS status = dcerpc_handle_create(call, obj->kind, copy, free_object, wire);
    if (!NT_SUCCESS(status)) {
        free(copy);
        memset(wire, 0, sizeof *wire);
    }
    return status;
}

struct samr_object *samr_handle_get(struct dcerpc_call *call, const struct policy_handle *wire,
                                    enum samr_kind kind, uint32_t *fault)
{
    struct samr_object *obj = dcerpc_handle_find_kind(call, wire, kind);
    if (!obj)
        *fault = DCERPC_NCA_S_FAULT_CONTEXT_MISMATCH;
    return obj;
}

NTSTATUS samr_need(const struct samr_object *obj, uint32_t need)
{
    return (obj->granted & need) == need ? STATUS_SUCCESS : STATUS_ACCESS_DENIED;
}

uint32_t samr_setting(struct dcerpc_call *call, const char *name)
{
    uint32_t value = 0;
    if (!NT_SUCCESS(registry_setting_get_dword(samr_reg(call), name, &value)))
        value = 0; /* every setting read this way documents 0 as its default */
    return value;
}

void samr_domain_name(struct registry *reg, char *out, size_t size)
{
    char host[256] = "";
    char *configured = NULL;
    if (NT_SUCCESS(registry_setting_get_string(reg, "srv.server-name", &configured)) && configured &&
        *configured)
        snprintf(host, sizeof host, "%s", configured);
    else if (gethostname(host, sizeof host) != 0)
        snprintf(host, sizeof host, "SAMEWISE");
    free(configured);
    host[sizeof host - 1] = '\0';
    size_t n = strcspn(host, ".");
    if (n > 15)
        n = 15;
    host[n] = '\0';
    for (char *p = host; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    snprintf(out, size, "%s", host);
}

char *samr_string(struct dcerpc_call *call, const struct RPC_UNICODE_STRING *in)
{
    return ndr_unicode_string_to_utf8(dcerpc_call_arena(call), in);
}

NTSTATUS samr_set_string(struct dcerpc_call *call, const char *text, struct RPC_UNICODE_STRING *out)
{
    return ndr_unicode_string_from_utf8(dcerpc_call_arena(call), text ? text : "", out);
}

/* Seconds between 1601-01-01 and 1970-01-01. */
#define NT_EPOCH_DELTA 11644473600LL

void samr_nt_time(int64_t unix_seconds, struct old_large_integer *out)
{
    uint64_t t = unix_seconds > 0 ? (uint64_t)(unix_seconds + NT_EPOCH_DELTA) * 10000000u : 0;
    out->LowPart = (uint32_t)t;
    out->HighPart = (uint32_t)(t >> 32);
}

void samr_nt_time_never(struct old_large_integer *out)
{
    out->LowPart = 0xFFFFFFFFu;
    out->HighPart = 0x7FFFFFFFu;
}

uint32_t samr_status(NTSTATUS status)
{
    switch (status) {
    case STATUS_INVALID_DEVICE_STATE: return STATUS_INTERNAL_ERROR;
    default: return status;
    }
}

const struct audit_actor *samr_actor_of(struct dcerpc_call *call, struct lsa_rpc_actor *who)
{
    return lsa_rpc_actor(samr_service_of(call)->ctx, dcerpc_call_token(call), "samr", who);
}

void samr_audit_refused(struct dcerpc_call *call, const char *action, const char *object,
                        const char *reason)
{
    struct samr_service *service = samr_service_of(call);
    int64_t now = (int64_t)time(NULL);
    if (now - service->refused_window >= 60) {
        service->refused_window = now;
        service->refused_in_window = 0;
    }
    uint32_t limit = 60;
    if (!NT_SUCCESS(registry_setting_get_dword(samr_reg(call), "lsass.samr-audit-refused-per-minute", &limit)))
        limit = 60;
    if (++service->refused_in_window > limit)
        return;
    struct lsa_rpc_actor who;
    NTSTATUS status = registry_audit_refused(samr_reg(call), samr_actor_of(call, &who), action,
                                             object ? object : "", reason);
    if (!NT_SUCCESS(status))
        log_warning("samr: cannot audit a refused %s: %s", action, nt_status_name(status));
    samr_actor_done(&who);
}
