/* SDDL to and from security descriptors; the subset is described in lib/sddl.h. */
#include "lib/sddl.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- tables ------------------------------------------------------------- */

struct sid_alias {
    const char *code;
    const char *sid;
};

/* SID strings for SDDL aliases ([MS-DTYP] 2.5.1.1). Domain-relative aliases
 * (DA, DU, ...) need a domain and are not supported. */
static const struct sid_alias sid_aliases[] = {
    { "WD", "S-1-1-0" },        { "CO", "S-1-3-0" },         { "CG", "S-1-3-1" },
    { "OW", "S-1-3-4" },        { "NU", "S-1-5-2" },         { "IU", "S-1-5-4" },
    { "SU", "S-1-5-6" },        { "AN", "S-1-5-7" },         { "ED", "S-1-5-9" },
    { "PS", "S-1-5-10" },       { "AU", "S-1-5-11" },        { "RC", "S-1-5-12" },
    { "SY", "S-1-5-18" },       { "LS", "S-1-5-19" },        { "NS", "S-1-5-20" },
    { "WR", "S-1-5-33" },       { "BA", "S-1-5-32-544" },    { "BU", "S-1-5-32-545" },
    { "BG", "S-1-5-32-546" },   { "PU", "S-1-5-32-547" },    { "AO", "S-1-5-32-548" },
    { "SO", "S-1-5-32-549" },   { "PO", "S-1-5-32-550" },    { "BO", "S-1-5-32-551" },
    { "RE", "S-1-5-32-552" },   { "RU", "S-1-5-32-554" },    { "RD", "S-1-5-32-555" },
    { "NO", "S-1-5-32-556" },   { "MU", "S-1-5-32-558" },    { "LU", "S-1-5-32-559" },
    { "IS", "S-1-5-32-568" },   { "CY", "S-1-5-32-569" },    { "ER", "S-1-5-32-573" },
    { "RM", "S-1-5-32-580" },   { "AC", "S-1-15-2-1" },
};

struct code {
    const char *code;
    uint32_t value;
};

/* Whole-mask codes, written only for exactly these masks. */
static const struct code whole_rights[] = {
    { "FA", FILE_ALL_ACCESS },      { "FR", FILE_GENERIC_READ },
    { "FW", FILE_GENERIC_WRITE },   { "FX", FILE_GENERIC_EXECUTE },
    { "KA", 0x000F003Fu },          { "KR", 0x00020019u },
    { "KW", 0x00020006u },          { "KX", 0x00020019u },
};

/* Single-bit codes, in the order Windows writes them: by increasing bit
 * ("CCDCLCSWRPWPDTLOCRSDRCWDWO" from sc sdshow, "SDGXGWGR" on a volume root). */
static const struct code bit_rights[] = {
    { "CC", 0x00000001u },    { "DC", 0x00000002u },     { "LC", 0x00000004u },
    { "SW", 0x00000008u },    { "RP", 0x00000010u },     { "WP", 0x00000020u },
    { "DT", 0x00000040u },    { "LO", 0x00000080u },     { "CR", 0x00000100u },
    { "SD", DELETE },         { "RC", READ_CONTROL },    { "WD", WRITE_DAC },
    { "WO", WRITE_OWNER },    { "GA", GENERIC_ALL },     { "GX", GENERIC_EXECUTE },
    { "GW", GENERIC_WRITE },  { "GR", GENERIC_READ },
};

static const struct code ace_types[] = {
    { "A", ACCESS_ALLOWED_ACE_TYPE },         { "D", ACCESS_DENIED_ACE_TYPE },
    { "AU", SYSTEM_AUDIT_ACE_TYPE },          { "AL", SYSTEM_ALARM_ACE_TYPE },
    { "OA", ACCESS_ALLOWED_OBJECT_ACE_TYPE }, { "OD", ACCESS_DENIED_OBJECT_ACE_TYPE },
    { "OU", SYSTEM_AUDIT_OBJECT_ACE_TYPE },   { "OL", SYSTEM_ALARM_OBJECT_ACE_TYPE },
};

/* ACE flags, by increasing bit as Windows writes them ("OICIIOID"). */
static const struct code ace_flags[] = {
    { "OI", OBJECT_INHERIT_ACE },       { "CI", CONTAINER_INHERIT_ACE },
    { "NP", NO_PROPAGATE_INHERIT_ACE }, { "IO", INHERIT_ONLY_ACE },
    { "ID", INHERITED_ACE },            { "CR", CRITICAL_ACE_FLAG },
    { "SA", SUCCESSFUL_ACCESS_ACE_FLAG }, { "FA", FAILED_ACCESS_ACE_FLAG },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- SIDs and rights ---------------------------------------------------- */

NTSTATUS sddl_parse_sid(const char *text, struct sid *sid)
{
    if (text[0] && text[1] && !text[2]) {
        for (size_t i = 0; i < N(sid_aliases); i++)
            if (strcmp(text, sid_aliases[i].code) == 0)
                return sid_parse(sid_aliases[i].sid, sid);
    }
    if (text[0] != 'S' || text[1] != '-')
        return STATUS_INVALID_PARAMETER; /* neither an alias we know nor a SID */
    return sid_parse(text, sid);
}

void sddl_format_sid(const struct sid *sid, char *out, size_t out_size)
{
    sid_format(sid, out, out_size);
    for (size_t i = 0; i < N(sid_aliases); i++) {
        if (strcmp(out, sid_aliases[i].sid) == 0) {
            snprintf(out, out_size, "%s", sid_aliases[i].code);
            return;
        }
    }
}

NTSTATUS sddl_parse_rights(const char *text, uint32_t *mask)
{
    *mask = 0;
    if (isdigit((unsigned char)text[0])) {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(text, &end, 0);
        if (errno || *end || v > 0xFFFFFFFFull)
            return STATUS_INVALID_PARAMETER;
        *mask = (uint32_t)v;
        return STATUS_SUCCESS;
    }
    size_t len = strlen(text);
    if (len % 2)
        return STATUS_INVALID_PARAMETER;
    for (size_t at = 0; at < len; at += 2) {
        bool found = false;
        for (size_t i = 0; i < N(whole_rights) && !found; i++)
            if (strncmp(text + at, whole_rights[i].code, 2) == 0)
                *mask |= whole_rights[i].value, found = true;
        for (size_t i = 0; i < N(bit_rights) && !found; i++)
            if (strncmp(text + at, bit_rights[i].code, 2) == 0)
                *mask |= bit_rights[i].value, found = true;
        if (!found)
            return STATUS_INVALID_PARAMETER;
    }
    return STATUS_SUCCESS;
}

void sddl_format_rights(uint32_t mask, char *out, size_t out_size)
{
    for (size_t i = 0; i < 4; i++) { /* FA FR FW FX only: K* are not file rights */
        if (mask == whole_rights[i].value) {
            snprintf(out, out_size, "%s", whole_rights[i].code);
            return;
        }
    }
    uint32_t covered = 0;
    for (size_t i = 0; i < N(bit_rights); i++)
        covered |= bit_rights[i].value;
    if (mask == 0 || (mask & ~covered)) {
        snprintf(out, out_size, "0x%x", mask);
        return;
    }
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; i < N(bit_rights) && n + 3 <= out_size; i++) {
        if (mask & bit_rights[i].value) {
            memcpy(out + n, bit_rights[i].code, 3);
            n += 2;
        }
    }
}

/* ---- parsing ------------------------------------------------------------ */

/* Copies the text between *p and the next stop character (not included) into
 * field, which holds size bytes; fails if it does not fit. */
static bool take_field(const char **p, char stop, char *field, size_t size)
{
    const char *end = strchr(*p, stop);
    if (!end || (size_t)(end - *p) >= size)
        return false;
    memcpy(field, *p, (size_t)(end - *p));
    field[end - *p] = '\0';
    *p = end + 1;
    return true;
}

static void skip_space(const char **p)
{
    while (isspace((unsigned char)**p))
        (*p)++;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)tolower((unsigned char)c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* "bf967aba-0de6-11d0-a285-00aa003049e2" to the GUID's wire bytes: the first
 * three groups little-endian, the last eight bytes as written. */
static bool parse_guid(const char *text, uint8_t guid[16])
{
    static const int groups[] = { 8, 4, 4, 4, 12 };
    uint8_t raw[16];
    size_t n = 0;
    const char *p = text;
    for (size_t g = 0; g < 5; g++) {
        for (int i = 0; i < groups[g]; i += 2) {
            int hi = hex_value(p[0]), lo = hi < 0 ? -1 : hex_value(p[1]);
            if (hi < 0 || lo < 0)
                return false;
            raw[n++] = (uint8_t)(hi << 4 | lo);
            p += 2;
        }
        if (*p != (g == 4 ? '\0' : '-'))
            return false;
        p++;
    }
    static const int order[16] = { 3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15 };
    for (int i = 0; i < 16; i++)
        guid[i] = raw[order[i]];
    return true;
}

static bool lookup(const struct code *table, size_t count, const char *code, uint32_t *value)
{
    for (size_t i = 0; i < count; i++) {
        if (strcmp(code, table[i].code) == 0) {
            *value = table[i].value;
            return true;
        }
    }
    return false;
}

/* One "(type;flags;rights;object;inherit_object;sid)" with *p just past '('. */
static NTSTATUS parse_ace(const char **p, struct acl *acl)
{
    char type[8], flags[64], rights[128], object[40], inherited[40], sid_text[SID_STRING_MAX];
    struct ace ace = { 0 };
    uint32_t value;
    if (!take_field(p, ';', type, sizeof type) || !take_field(p, ';', flags, sizeof flags) ||
        !take_field(p, ';', rights, sizeof rights) || !take_field(p, ';', object, sizeof object) ||
        !take_field(p, ';', inherited, sizeof inherited) ||
        !take_field(p, ')', sid_text, sizeof sid_text))
        return STATUS_INVALID_PARAMETER;
    /* A sixth ';' is the resource attribute of an RA ACE: not supported. */
    if (strchr(sid_text, ';') || !lookup(ace_types, N(ace_types), type, &value))
        return STATUS_INVALID_PARAMETER;
    ace.type = (uint8_t)value;
    size_t len = strlen(flags);
    if (len % 2)
        return STATUS_INVALID_PARAMETER;
    for (size_t at = 0; at < len; at += 2) {
        char code[3] = { flags[at], flags[at + 1], '\0' };
        if (!lookup(ace_flags, N(ace_flags), code, &value))
            return STATUS_INVALID_PARAMETER;
        ace.flags |= (uint8_t)value;
    }
    NTSTATUS status = sddl_parse_rights(rights, &ace.mask);
    if (status != STATUS_SUCCESS)
        return status;
    if (ace_is_object(ace.type)) {
        if (object[0]) {
            if (!parse_guid(object, ace.object_type))
                return STATUS_INVALID_PARAMETER;
            ace.object_flags |= ACE_OBJECT_TYPE_PRESENT;
        }
        if (inherited[0]) {
            if (!parse_guid(inherited, ace.inherited_object_type))
                return STATUS_INVALID_PARAMETER;
            ace.object_flags |= ACE_INHERITED_OBJECT_TYPE_PRESENT;
        }
    } else if (object[0] || inherited[0]) {
        return STATUS_INVALID_PARAMETER;
    }
    status = sddl_parse_sid(sid_text, &ace.sid);
    if (status != STATUS_SUCCESS)
        return status;
    return acl_add(acl, &ace);
}

/* "flags(ace)(ace)..." after "D:" or "S:", up to the next part or the end. */
static NTSTATUS parse_acl(const char **p, struct acl **out, uint16_t *control, bool dacl)
{
    NTSTATUS status = STATUS_INVALID_PARAMETER;
    bool null_acl = false;
    struct acl *acl = acl_new();
    if (!acl)
        return STATUS_NO_MEMORY;
    for (;;) {
        if (strncmp(*p, "NO_ACCESS_CONTROL", 17) == 0) {
            null_acl = true;
            *p += 17;
        } else if (**p == 'P') {
            *control |= dacl ? SE_DACL_PROTECTED : SE_SACL_PROTECTED;
            *p += 1;
        } else if (strncmp(*p, "AR", 2) == 0) {
            *control |= dacl ? SE_DACL_AUTO_INHERIT_REQ : SE_SACL_AUTO_INHERIT_REQ;
            *p += 2;
        } else if (strncmp(*p, "AI", 2) == 0) {
            *control |= dacl ? SE_DACL_AUTO_INHERITED : SE_SACL_AUTO_INHERITED;
            *p += 2;
        } else {
            break;
        }
    }
    skip_space(p);
    while (**p == '(') {
        (*p)++;
        if ((status = parse_ace(p, acl)) != STATUS_SUCCESS)
            goto out;
        skip_space(p);
    }
    status = STATUS_INVALID_PARAMETER;
    if (null_acl && acl->count) /* a NULL ACL cannot hold ACEs */
        goto out;
    *out = null_acl ? NULL : acl;
    if (!null_acl)
        acl = NULL;
    status = STATUS_SUCCESS;
out:
    acl_free(acl);
    return status;
}

/* The owner or group SID text runs to the next "X:" part or the end. */
static NTSTATUS parse_part_sid(const char **p, struct sid *sid)
{
    const char *end = *p;
    while (*end && !(strchr("OGDS", *end) && end[1] == ':') && !isspace((unsigned char)*end))
        end++;
    char text[SID_STRING_MAX];
    if ((size_t)(end - *p) >= sizeof text)
        return STATUS_INVALID_SID;
    memcpy(text, *p, (size_t)(end - *p));
    text[end - *p] = '\0';
    *p = end;
    return sddl_parse_sid(text, sid);
}

NTSTATUS sddl_parse(const char *text, struct security_descriptor *sd)
{
    NTSTATUS status = STATUS_INVALID_PARAMETER;
    secdesc_init(sd);
    if (!text || strlen(text) > SDDL_MAX_LENGTH)
        goto out;
    const char *p = text;
    bool seen[4] = { false };
    for (;;) {
        skip_space(&p);
        if (!*p)
            break;
        const char *kinds = "OGDS";
        const char *kind = strchr(kinds, *p);
        status = STATUS_INVALID_PARAMETER;
        if (!kind || p[1] != ':' || seen[kind - kinds])
            goto out;
        seen[kind - kinds] = true;
        p += 2;
        struct acl *acl = NULL;
        switch (*kind) {
        case 'O':
            status = parse_part_sid(&p, &sd->owner);
            sd->has_owner = status == STATUS_SUCCESS;
            break;
        case 'G':
            status = parse_part_sid(&p, &sd->group);
            sd->has_group = status == STATUS_SUCCESS;
            break;
        case 'D':
            status = parse_acl(&p, &acl, &sd->control, true);
            if (status == STATUS_SUCCESS)
                secdesc_set_dacl(sd, acl);
            break;
        case 'S':
            status = parse_acl(&p, &acl, &sd->control, false);
            if (status == STATUS_SUCCESS)
                secdesc_set_sacl(sd, acl);
            break;
        }
        if (status != STATUS_SUCCESS)
            goto out;
    }
    status = STATUS_SUCCESS;
out:
    if (status != STATUS_SUCCESS)
        secdesc_free(sd);
    return status;
}

/* ---- formatting --------------------------------------------------------- */

static void format_guid(struct buf *b, const uint8_t g[16])
{
    char text[40];
    snprintf(text, sizeof text,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", g[3], g[2],
             g[1], g[0], g[5], g[4], g[7], g[6], g[8], g[9], g[10], g[11], g[12], g[13], g[14],
             g[15]);
    wr_bytes(b, text, strlen(text));
}

static void put(struct buf *b, const char *s) { wr_bytes(b, s, strlen(s)); }

static NTSTATUS format_ace(struct buf *b, const struct ace *ace)
{
    const char *type = NULL;
    for (size_t i = 0; i < N(ace_types); i++)
        if (ace_types[i].value == ace->type)
            type = ace_types[i].code;
    /* A condition or attribute in app data has no SDDL form here. */
    if (!type || ace->app_data_len)
        return STATUS_NOT_SUPPORTED;
    put(b, "(");
    put(b, type);
    put(b, ";");
    uint8_t written = 0;
    for (size_t i = 0; i < N(ace_flags); i++) {
        if ((ace->flags & ace_flags[i].value) && !(written & ace_flags[i].value)) {
            put(b, ace_flags[i].code);
            written |= (uint8_t)ace_flags[i].value;
        }
    }
    if (written != ace->flags)
        return STATUS_NOT_SUPPORTED;
    char text[SID_STRING_MAX];
    sddl_format_rights(ace->mask, text, sizeof text);
    put(b, ";");
    put(b, text);
    put(b, ";");
    if (ace->object_flags & ACE_OBJECT_TYPE_PRESENT)
        format_guid(b, ace->object_type);
    put(b, ";");
    if (ace->object_flags & ACE_INHERITED_OBJECT_TYPE_PRESENT)
        format_guid(b, ace->inherited_object_type);
    put(b, ";");
    sddl_format_sid(&ace->sid, text, sizeof text);
    put(b, text);
    put(b, ")");
    return STATUS_SUCCESS;
}

static NTSTATUS format_acl(struct buf *b, const char *label, const struct acl *acl,
                           uint16_t control, bool dacl)
{
    put(b, label);
    if (control & (dacl ? SE_DACL_PROTECTED : SE_SACL_PROTECTED))
        put(b, "P");
    if (control & (dacl ? SE_DACL_AUTO_INHERIT_REQ : SE_SACL_AUTO_INHERIT_REQ))
        put(b, "AR");
    if (control & (dacl ? SE_DACL_AUTO_INHERITED : SE_SACL_AUTO_INHERITED))
        put(b, "AI");
    if (!acl) {
        put(b, "NO_ACCESS_CONTROL");
        return STATUS_SUCCESS;
    }
    for (size_t i = 0; i < acl->count; i++) {
        NTSTATUS status = format_ace(b, &acl->aces[i]);
        if (status != STATUS_SUCCESS)
            return status;
    }
    return STATUS_SUCCESS;
}

NTSTATUS sddl_format(const struct security_descriptor *sd, char **text)
{
    struct buf b;
    buf_init(&b);
    NTSTATUS status = STATUS_SUCCESS;
    char sid_text[SID_STRING_MAX];
    if (sd->has_owner) {
        sddl_format_sid(&sd->owner, sid_text, sizeof sid_text);
        put(&b, "O:");
        put(&b, sid_text);
    }
    if (sd->has_group) {
        sddl_format_sid(&sd->group, sid_text, sizeof sid_text);
        put(&b, "G:");
        put(&b, sid_text);
    }
    if (sd->control & SE_DACL_PRESENT)
        status = format_acl(&b, "D:", sd->dacl, sd->control, true);
    if (status == STATUS_SUCCESS && (sd->control & SE_SACL_PRESENT))
        status = format_acl(&b, "S:", sd->sacl, sd->control, false);
    wr_u8(&b, 0);
    if (status == STATUS_SUCCESS && !wr_ok(&b))
        status = STATUS_NO_MEMORY;
    if (status == STATUS_SUCCESS) {
        size_t len;
        *text = (char *)buf_steal(&b, &len);
    }
    buf_free(&b);
    return status;
}
