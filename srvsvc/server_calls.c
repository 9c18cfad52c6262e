/* Server-wide calls ([MS-SRVS] 3.1.4.17, 3.1.4.18, 3.1.4.21, 3.1.4.26,
 * 3.1.4.29): NetrServerGetInfo, NetrServerSetInfo, NetrRemoteTOD,
 * NetrServerDiskEnum, NetprNameValidate. */
#include <string.h>
#include <time.h>

#include "lib/utf16.h"
#include "srvsvc/srvsvc_private.h"

/* Announcement defaults a Windows server reports (seconds). */
#define ANNOUNCE 240
#define ANNDELTA 3000

static NTSTATUS server_info(struct dcerpc_call *call, struct srvsvc_server_info *info)
{
    const struct srvsvc_backend *be = srvsvc_backend_of(call);
    memset(info, 0, sizeof *info);
    if (!be->server_info_get)
        return STATUS_NOT_SUPPORTED;
    NTSTATUS status = be->server_info_get(be->ctx, dcerpc_call_arena(call), info);
    if (status == STATUS_SUCCESS && !info->comment)
        info->comment = "";
    return status;
}

uint32_t srvsvc_NetrServerGetInfo(struct dcerpc_call *call, void *r)
{
    struct NetrServerGetInfo *c = r;
    memset(&c->InfoStruct, 0, sizeof c->InfoStruct);
    if (c->Level != 100 && c->Level != 101 && c->Level != 102) {
        c->Result = ERROR_INVALID_LEVEL;
        return 0;
    }
    if (c->Level == 102 && !srvsvc_caller_is_admin(call)) {
        c->Result = ERROR_ACCESS_DENIED;
        return 0;
    }
    struct srvsvc_server_info info;
    NTSTATUS status = server_info(call, &info);
    if (status != STATUS_SUCCESS) {
        c->Result = srvsvc_net_status(status);
        return 0;
    }
    if (c->Level == 100) {
        struct SERVER_INFO_100 *e = SRVSVC_NEW(call, struct SERVER_INFO_100);
        if (!e)
            return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
        e->sv100_platform_id = PLATFORM_ID_NT;
        e->sv100_name = srvsvc_strdup(call, info.name);
        c->InfoStruct.ServerInfo100 = e;
    } else if (c->Level == 101) {
        struct SERVER_INFO_101 *e = SRVSVC_NEW(call, struct SERVER_INFO_101);
        if (!e)
            return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
        e->sv101_platform_id = PLATFORM_ID_NT;
        e->sv101_name = srvsvc_strdup(call, info.name);
        e->sv101_version_major = info.version_major;
        e->sv101_version_minor = info.version_minor;
        e->sv101_type = info.type;
        e->sv101_comment = srvsvc_strdup(call, info.comment);
        c->InfoStruct.ServerInfo101 = e;
    } else {
        struct SERVER_INFO_102 *e = SRVSVC_NEW(call, struct SERVER_INFO_102);
        if (!e)
            return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
        e->sv102_platform_id = PLATFORM_ID_NT;
        e->sv102_name = srvsvc_strdup(call, info.name);
        e->sv102_version_major = info.version_major;
        e->sv102_version_minor = info.version_minor;
        e->sv102_type = info.type;
        e->sv102_comment = srvsvc_strdup(call, info.comment);
        e->sv102_users = info.users;
        e->sv102_disc = info.disc;
        e->sv102_hidden = info.hidden;
        e->sv102_announce = ANNOUNCE;
        e->sv102_anndelta = ANNDELTA;
        e->sv102_licenses = 0;
        e->sv102_userpath = srvsvc_strdup(call, "c:\\");
        c->InfoStruct.ServerInfo102 = e;
    }
    c->Result = NERR_Success;
    return 0;
}

/* The settable fields: the comment, the user limit, the autodisconnect
 * time and whether the server hides from browse lists. The other levels
 * tune Windows's own server and mean nothing here. */
uint32_t srvsvc_NetrServerSetInfo(struct dcerpc_call *call, void *r)
{
    struct NetrServerSetInfo *c = r;
    const struct srvsvc_backend *be = srvsvc_backend_of(call);
    if (!srvsvc_caller_is_admin(call)) {
        c->Result = ERROR_ACCESS_DENIED;
        return 0;
    }
    struct srvsvc_server_info info;
    memset(&info, 0, sizeof info);
    uint32_t fields = 0;
    const union SERVER_INFO *u = &c->ServerInfo;
    switch (c->Level) {
    case 101:
        if (!u->ServerInfo101)
            break;
        info.comment = u->ServerInfo101->sv101_comment;
        fields = SRVSVC_SERVER_COMMENT;
        break;
    case 102:
        if (!u->ServerInfo102)
            break;
        info.comment = u->ServerInfo102->sv102_comment;
        info.users = u->ServerInfo102->sv102_users;
        info.disc = u->ServerInfo102->sv102_disc;
        info.hidden = u->ServerInfo102->sv102_hidden;
        fields = SRVSVC_SERVER_COMMENT | SRVSVC_SERVER_USERS | SRVSVC_SERVER_DISC | SRVSVC_SERVER_HIDDEN;
        break;
    case 1005:
        if (!u->ServerInfo1005)
            break;
        info.comment = u->ServerInfo1005->sv1005_comment;
        fields = SRVSVC_SERVER_COMMENT;
        break;
    case 1010:
    case 1016:
    case 1107:
        if (!u->ServerInfoDword)
            break;
        if (c->Level == 1010) {
            info.disc = (int32_t)u->ServerInfoDword->value;
            fields = SRVSVC_SERVER_DISC;
        } else if (c->Level == 1016) {
            info.hidden = u->ServerInfoDword->value;
            fields = SRVSVC_SERVER_HIDDEN;
        } else {
            info.users = u->ServerInfoDword->value;
            fields = SRVSVC_SERVER_USERS;
        }
        break;
    default:
        c->Result = ERROR_INVALID_LEVEL;
        return 0;
    }
    if (!fields) {
        c->Result = ERROR_INVALID_PARAMETER;
        return 0;
    }
    if ((fields & SRVSVC_SERVER_COMMENT) && !info.comment)
        info.comment = "";
    if ((fields & SRVSVC_SERVER_HIDDEN) && info.hidden > 1) {
        if (c->ParmErr)
            *c->ParmErr = SV_HIDDEN_PARMNUM;
        c->Result = ERROR_INVALID_PARAMETER;
        return 0;
    }
    if (!be->server_info_set) {
        c->Result = ERROR_NOT_SUPPORTED;
        return 0;
    }
    c->Result = srvsvc_net_status(be->server_info_set(be->ctx, &info, fields, dcerpc_call_token(call)));
    return 0;
}

uint32_t srvsvc_NetrRemoteTOD(struct dcerpc_call *call, void *r)
{
    struct NetrRemoteTOD *c = r;
    struct TIME_OF_DAY_INFO *t = SRVSVC_NEW(call, struct TIME_OF_DAY_INFO);
    if (!t)
        return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
    struct timespec now, up;
    clock_gettime(CLOCK_REALTIME, &now);
    clock_gettime(CLOCK_MONOTONIC, &up);
    struct tm utc, local;
    gmtime_r(&now.tv_sec, &utc);
    localtime_r(&now.tv_sec, &local);
    t->tod_elapsedt = (uint32_t)now.tv_sec;
    t->tod_msecs = (uint32_t)(up.tv_sec * 1000 + up.tv_nsec / 1000000);
    t->tod_hours = (uint32_t)utc.tm_hour;
    t->tod_mins = (uint32_t)utc.tm_min;
    t->tod_secs = (uint32_t)utc.tm_sec;
    t->tod_hunds = (uint32_t)(now.tv_nsec / 10000000);
    /* Minutes west of UTC, as Windows counts them. */
    t->tod_timezone = (int32_t)(-local.tm_gmtoff / 60);
    t->tod_tinterval = 310; /* clock tick in 0.0001 s, what Windows reports */
    t->tod_day = (uint32_t)utc.tm_mday;
    t->tod_month = (uint32_t)utc.tm_mon + 1;
    t->tod_year = (uint32_t)utc.tm_year + 1900;
    t->tod_weekday = (uint32_t)utc.tm_wday;
    c->BufferPtr = t;
    c->Result = NERR_Success;
    return 0;
}

/* The drives a share's path may start with. Shares name their folders as
 * "C:\\..." (the file system's root is drive C:, as smbd shows it), so C:
 * is the one disk there is. */
static const char *const server_disks[] = { "C:" };
#define SERVER_DISK_COUNT (sizeof server_disks / sizeof server_disks[0])

/* 3.1.4.26: the disks as DISK_INFO, ResumeHandle and PreferedMaximumLength
 * ignored (the spec says so: the list is at most 26 short entries). Windows
 * (and smbd) end the array with one more, empty, entry that EntriesRead
 * counts and TotalEntries does not; clients such as the share wizard's
 * folder browser expect it. Windows lets administrators (and server
 * operators) enumerate disks; so does this. */
uint32_t srvsvc_NetrServerDiskEnum(struct dcerpc_call *call, void *r)
{
    struct NetrServerDiskEnum *c = r;
    c->DiskInfoStruct.EntriesRead = 0;
    c->DiskInfoStruct.Buffer = NULL;
    c->TotalEntries = 0;
    if (c->Level != 0) {
        c->Result = ERROR_INVALID_LEVEL;
        return 0;
    }
    if (!srvsvc_caller_is_admin(call)) {
        c->Result = ERROR_ACCESS_DENIED;
        return 0;
    }
    size_t n = SERVER_DISK_COUNT + 1;
    struct DISK_INFO *disks = SRVSVC_NEW_ARRAY(call, n, struct DISK_INFO);
    if (!disks)
        return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
    for (size_t i = 0; i < n; i++) {
        const char *name = i < SERVER_DISK_COUNT ? server_disks[i] : "";
        size_t len = strlen(name); /* ASCII: one UTF-16 unit a byte */
        memset(disks[i].Disk, 0, sizeof disks[i].Disk);
        for (size_t k = 0; k < len && k < 2; k++)
            disks[i].Disk[k] = (uint16_t)(unsigned char)name[k];
        disks[i].Length = (uint32_t)(len < 2 ? len : 2) + 1; /* with the terminator */
    }
    c->DiskInfoStruct.EntriesRead = (uint32_t)n;
    c->DiskInfoStruct.Buffer = disks;
    c->TotalEntries = (uint32_t)SERVER_DISK_COUNT;
    if (c->ResumeHandle)
        *c->ResumeHandle = 0;
    c->Result = NERR_Success;
    return 0;
}

/* Length in UTF-16 units, and no character from bad or below 0x20. */
static bool name_ok(const char *name, long max_units, const char *bad)
{
    long units = utf8_utf16_units(name, strlen(name));
    if (units < 1 || units > max_units)
        return false;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        if (*p < 0x20 || (bad && strchr(bad, *p)))
            return false;
    return true;
}

/* Not only dots and spaces (Windows refuses such account names). */
static bool has_substance(const char *name)
{
    for (; *name; name++)
        if (*name != '.' && *name != ' ')
            return true;
    return false;
}

uint32_t srvsvc_NetprNameValidate(struct dcerpc_call *call, void *r)
{
    struct NetprNameValidate *c = r;
    static const char account_bad[] = "\"/\\[]:|<>+=;,?*@";
    static const char computer_bad[] = "\"/\\[]:|<>+=;,?*";
    /* Flags: 0, or LM2.x compatibility (0x80000000), which adds nothing here. */
    if (c->Flags & ~0x80000000u) {
        c->Result = ERROR_INVALID_PARAMETER;
        return 0;
    }
    const char *n = c->Name;
    bool valid;
    switch (c->NameType) {
    case NAMETYPE_SHARE: valid = srvsvc_share_name_valid(n); break;
    case NAMETYPE_USER: valid = name_ok(n, 20, account_bad) && has_substance(n); break;
    case NAMETYPE_GROUP: valid = name_ok(n, 256, account_bad) && has_substance(n); break;
    case NAMETYPE_COMPUTER: valid = name_ok(n, 15, computer_bad) && n[0] != ' ' && has_substance(n); break;
    case NAMETYPE_DOMAIN:
    case NAMETYPE_WORKGROUP: valid = name_ok(n, 15, computer_bad) && has_substance(n); break;
    case NAMETYPE_PASSWORD:
    case NAMETYPE_SHAREPASSWORD: valid = name_ok(n, 256, NULL); break;
    case NAMETYPE_EVENT:
    case NAMETYPE_SERVICE:
    case NAMETYPE_NET:
    case NAMETYPE_MESSAGE:
    case NAMETYPE_MESSAGEDEST: valid = name_ok(n, 256, computer_bad); break;
    default:
        c->Result = ERROR_INVALID_PARAMETER;
        return 0;
    }
    c->Result = valid ? NERR_Success : ERROR_INVALID_NAME;
    return 0;
}
