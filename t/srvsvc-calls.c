/* srvsvc and wkssvc through the C client runtime: the cases impacket cannot
 * send (unknown levels, anonymous callers, edge values of the preferred
 * length and resume handle, parameter errors with their ParmErr number) and
 * the path and name conventions. */
#include <stdlib.h>
#include <string.h>

#include "dcerpc/dcerpc.h"
#include "lib/sid.h"
#include "srvsvc/srvsvc.h"
#include "t/tap/tap.h"

static struct dcerpc_server *server;
static struct ndr_arena *arena;

struct conn {
    struct dcerpc_loopback *loop;
    struct dcerpc_client *client;
    uint16_t srvsvc, wkssvc;
};

static void conn_open(struct conn *c, const struct access_token *token)
{
    struct dcerpc_caller caller = { .token = token };
    struct dcerpc_client_transport t;
    c->loop = dcerpc_loopback_new(server, &caller, &t);
    c->client = dcerpc_client_new(&t, NULL);
    uint32_t reject;
    dcerpc_client_bind(c->client, &srvsvc_interface, &c->srvsvc, &reject);
    dcerpc_client_bind(c->client, &wkssvc_interface, &c->wkssvc, &reject);
}

static void conn_close(struct conn *c)
{
    dcerpc_client_free(c->client);
    dcerpc_loopback_free(c->loop);
}

/* Calls and returns the fault (0 for a reply). */
static uint32_t call(struct conn *c, const struct dcerpc_interface *iface, uint16_t opnum, void *r)
{
    uint32_t fault = 0;
    NTSTATUS st = dcerpc_client_call(c->client, iface == &srvsvc_interface ? c->srvsvc : c->wkssvc, iface,
                                     opnum, r, arena, &fault);
    if (st != STATUS_SUCCESS && !fault)
        fault = 0xFFFFFFFFu;
    return fault;
}

static uint32_t share_enum(struct conn *c, uint32_t level, uint32_t prefmax, uint32_t *resume, uint32_t *entries,
                           uint32_t *total)
{
    struct SHARE_INFO_1_CONTAINER empty = { 0, NULL };
    struct NetrShareEnum r = { .InfoStruct = { .Level = level, .ShareInfo.Level1 = &empty },
                               .PreferedMaximumLength = prefmax, .ResumeHandle = resume };
    if (call(c, &srvsvc_interface, SRVSVC_NetrShareEnum, &r))
        return 0xFFFFFFFFu;
    if (resume && r.ResumeHandle)
        *resume = *r.ResumeHandle;
    *entries = r.InfoStruct.ShareInfo.Level1 ? r.InfoStruct.ShareInfo.Level1->EntriesRead : 0;
    *total = r.TotalEntries;
    return r.Result;
}

static void test_levels(struct conn *admin)
{
    uint32_t entries, total;
    is_int(share_enum(admin, 7, MAX_PREFERRED_LENGTH, NULL, &entries, &total), ERROR_INVALID_LEVEL,
           "NetrShareEnum level 7: ERROR_INVALID_LEVEL, not a fault");
    struct NetrServerGetInfo sg = { .Level = 503 };
    ok(call(admin, &srvsvc_interface, SRVSVC_NetrServerGetInfo, &sg) == 0 && sg.Result == ERROR_INVALID_LEVEL,
       "NetrServerGetInfo level 503 (no arm): ERROR_INVALID_LEVEL");
    struct NetrFileGetInfo fg = { .FileId = 1, .Level = 1 };
    ok(call(admin, &srvsvc_interface, SRVSVC_NetrFileGetInfo, &fg) == 0 && fg.Result == ERROR_INVALID_LEVEL,
       "NetrFileGetInfo level 1: ERROR_INVALID_LEVEL");
    struct NetrWkstaGetInfo wg = { .Level = 502 };
    ok(call(admin, &wkssvc_interface, WKSSVC_NetrWkstaGetInfo, &wg) == 0 && wg.Result == ERROR_INVALID_LEVEL,
       "NetrWkstaGetInfo level 502: ERROR_INVALID_LEVEL");
    struct NetrSessionEnum se = { .InfoStruct = { .Level = 3 }, .PreferedMaximumLength = MAX_PREFERRED_LENGTH };
    ok(call(admin, &srvsvc_interface, SRVSVC_NetrSessionEnum, &se) == 0 && se.Result == ERROR_INVALID_LEVEL,
       "NetrSessionEnum level 3: ERROR_INVALID_LEVEL");
    struct NetrServerSetInfo ss = { .Level = 1502 };
    struct SERVER_INFO_DWORD dw = { 5 };
    ss.ServerInfo.ServerInfoDword = &dw;
    ok(call(admin, &srvsvc_interface, SRVSVC_NetrServerSetInfo, &ss) == 0 && ss.Result == ERROR_INVALID_LEVEL,
       "NetrServerSetInfo level 1502 (a Windows tunable): ERROR_INVALID_LEVEL");
}

static void test_paging(struct conn *admin)
{
    uint32_t entries = 0, total = 0, resume = 0;
    /* A preferred length of 0 still makes progress: one entry per call. */
    uint32_t status = share_enum(admin, 0, 0, &resume, &entries, &total);
    ok(status == ERROR_MORE_DATA && entries == 1 && total == 5 && resume == 1,
       "preferred length 0: one entry, ERROR_MORE_DATA, resume 1");
    status = share_enum(admin, 0, 0, &resume, &entries, &total);
    ok(status == ERROR_MORE_DATA && entries == 1 && total == 4 && resume == 2,
       "next call resumes: TotalEntries counts from the resume point");
    resume = 99;
    status = share_enum(admin, 0, MAX_PREFERRED_LENGTH, &resume, &entries, &total);
    ok(status == NERR_Success && entries == 0 && total == 0, "a resume handle past the end: nothing, success");
    status = share_enum(admin, 1, MAX_PREFERRED_LENGTH, NULL, &entries, &total);
    ok(status == NERR_Success && entries == 5, "no resume handle: everything");
}

static void test_rights(void)
{
    struct conn anon;
    conn_open(&anon, NULL);
    uint32_t entries, total;
    is_int(share_enum(&anon, 1, MAX_PREFERRED_LENGTH, NULL, &entries, &total), NERR_Success,
           "anonymous may list shares at level 1");
    is_int(share_enum(&anon, 2, MAX_PREFERRED_LENGTH, NULL, &entries, &total), ERROR_ACCESS_DENIED,
           "anonymous may not at level 2");
    struct NetrServerGetInfo sg = { .Level = 102 };
    call(&anon, &srvsvc_interface, SRVSVC_NetrServerGetInfo, &sg);
    is_int(sg.Result, ERROR_ACCESS_DENIED, "NetrServerGetInfo 102 needs an administrator");
    struct NetrShareDel del = { .NetName = "data" };
    call(&anon, &srvsvc_interface, SRVSVC_NetrShareDel, &del);
    is_int(del.Result, ERROR_ACCESS_DENIED, "anonymous may not delete a share");
    struct NetrWkstaUserEnum wu = { .UserInfo = { .Level = 0 }, .PreferredMaximumLength = MAX_PREFERRED_LENGTH };
    call(&anon, &wkssvc_interface, WKSSVC_NetrWkstaUserEnum, &wu);
    is_int(wu.Result, ERROR_ACCESS_DENIED, "nor enumerate users");
    conn_close(&anon);
}

static void test_add_checks(struct conn *admin)
{
    uint32_t parm_err = 0;
    struct SHARE_INFO_2 info = { .shi2_netname = "printers", .shi2_type = STYPE_PRINTQ, .shi2_remark = "",
                                 .shi2_path = "C:\\tmp" };
    struct NetrShareAdd add = { .Level = 2, .InfoStruct.ShareInfo2 = &info, .ParmErr = &parm_err };
    call(admin, &srvsvc_interface, SRVSVC_NetrShareAdd, &add);
    ok(add.Result == ERROR_NOT_SUPPORTED && add.ParmErr && *add.ParmErr == SHARE_TYPE_PARMNUM,
       "a print share: ERROR_NOT_SUPPORTED, ParmErr SHARE_TYPE_PARMNUM");
    info.shi2_type = STYPE_DISKTREE;
    info.shi2_path = "D:\\data";
    parm_err = 0;
    add.ParmErr = &parm_err;
    call(admin, &srvsvc_interface, SRVSVC_NetrShareAdd, &add);
    ok(add.Result == ERROR_INVALID_PARAMETER && add.ParmErr && *add.ParmErr == SHARE_PATH_PARMNUM,
       "a path on another drive: ParmErr SHARE_PATH_PARMNUM");
    uint8_t garbage[24] = { 9, 9, 9 };
    struct SHARE_INFO_502_I i502 = { .shi502_netname = "sd", .shi502_path = "C:\\tmp", .shi502_reserved = 24,
                                     .shi502_security_descriptor = garbage };
    struct NetrShareAdd add502 = { .Level = 502, .InfoStruct.ShareInfo502 = &i502, .ParmErr = &parm_err };
    call(admin, &srvsvc_interface, SRVSVC_NetrShareAdd, &add502);
    ok(add502.Result == ERROR_INVALID_PARAMETER && add502.ParmErr && *add502.ParmErr == SHARE_FILE_SD_PARMNUM,
       "a garbage descriptor: ParmErr SHARE_FILE_SD_PARMNUM");
    /* A sane header whose DACL offset points at the owner SID: no ACL there
     * (revision 1), so the whole descriptor is refused, not just its header. */
    uint8_t bad_acl[36] = { 0x01, 0, 0x04, 0x80, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 20, 0, 0, 0,
                            0x01, 0x02, 0, 0, 0, 0, 0, 0x05, 0x20, 0, 0, 0, 0x20, 0x02, 0, 0 };
    i502.shi502_netname = "sd2";
    i502.shi502_reserved = sizeof bad_acl;
    i502.shi502_security_descriptor = bad_acl;
    parm_err = 0;
    add502.ParmErr = &parm_err;
    call(admin, &srvsvc_interface, SRVSVC_NetrShareAdd, &add502);
    ok(add502.Result == ERROR_INVALID_PARAMETER && add502.ParmErr && *add502.ParmErr == SHARE_FILE_SD_PARMNUM,
       "a descriptor whose DACL does not parse is refused");
    uint8_t absolute[36];
    memcpy(absolute, bad_acl, sizeof absolute);
    absolute[2] = 0, absolute[3] = 0, absolute[16] = 0; /* no DACL, SE_SELF_RELATIVE clear */
    i502.shi502_security_descriptor = absolute;
    parm_err = 0;
    add502.ParmErr = &parm_err;
    call(admin, &srvsvc_interface, SRVSVC_NetrShareAdd, &add502);
    ok(add502.Result == ERROR_INVALID_PARAMETER && add502.ParmErr && *add502.ParmErr == SHARE_FILE_SD_PARMNUM,
       "a descriptor not marked self-relative is refused");
    absolute[3] = 0x80;
    parm_err = 0;
    add502.ParmErr = &parm_err;
    call(admin, &srvsvc_interface, SRVSVC_NetrShareAdd, &add502);
    is_int(add502.Result, NERR_Success, "the same descriptor marked self-relative (an owner only) is stored");
    struct NetrShareGetInfo gi = { .NetName = "sd2", .Level = 502 };
    call(admin, &srvsvc_interface, SRVSVC_NetrShareGetInfo, &gi);
    ok(gi.Result == NERR_Success && gi.InfoStruct.ShareInfo502->shi502_reserved == sizeof absolute &&
           memcmp(gi.InfoStruct.ShareInfo502->shi502_security_descriptor, absolute, sizeof absolute) == 0,
       "... and read back byte for byte");
    struct NetrShareDel del_sd2 = { .NetName = "sd2" };
    call(admin, &srvsvc_interface, SRVSVC_NetrShareDel, &del_sd2);
    /* smbtorture checks every share's shi2_path, IPC$'s "" too: an empty
     * device begins every path. */
    struct NetrShareCheck check = { .Device = "" };
    call(admin, &srvsvc_interface, SRVSVC_NetrShareCheck, &check);
    is_int(check.Result, NERR_Success, "NetrShareCheck of an empty device (IPC$'s path)");
    struct NetrServerGetInfo sg502 = { .Level = 502 };
    ok(call(admin, &srvsvc_interface, SRVSVC_NetrServerGetInfo, &sg502) == 0 && sg502.Result == ERROR_INVALID_LEVEL &&
           !sg502.InfoStruct.ServerInfo502,
       "NetrServerGetInfo 502: ERROR_INVALID_LEVEL with its arm's NULL pointer");
    struct NetrShareAdd add1 = { .Level = 1, .InfoStruct.ShareInfo1 = NULL };
    call(admin, &srvsvc_interface, SRVSVC_NetrShareAdd, &add1);
    is_int(add1.Result, ERROR_INVALID_LEVEL, "NetrShareAdd level 1: ERROR_INVALID_LEVEL");
    struct SHARE_INFO_1004 remark = { "x" };
    struct NetrShareSetInfo set = { .NetName = "nosuch", .Level = 1004, .ShareInfo.ShareInfo1004 = &remark };
    call(admin, &srvsvc_interface, SRVSVC_NetrShareSetInfo, &set);
    is_int(set.Result, NERR_NetNameNotFound, "NetrShareSetInfo of a missing share");
    struct NetrSessionDel sd = { 0 };
    call(admin, &srvsvc_interface, SRVSVC_NetrSessionDel, &sd);
    is_int(sd.Result, ERROR_INVALID_PARAMETER, "NetrSessionDel with neither client nor user");
    struct NetrConnectionEnum ce = { .InfoStruct = { .Level = 0 }, .PreferedMaximumLength = MAX_PREFERRED_LENGTH };
    call(admin, &srvsvc_interface, SRVSVC_NetrConnectionEnum, &ce);
    is_int(ce.Result, ERROR_INVALID_PARAMETER, "NetrConnectionEnum without a qualifier");
    ce.Qualifier = "nosuch";
    call(admin, &srvsvc_interface, SRVSVC_NetrConnectionEnum, &ce);
    is_int(ce.Result, NERR_NetNameNotFound, "NetrConnectionEnum on a missing share");
    struct NetprNameValidate nv = { .Name = "alice", .NameType = NAMETYPE_USER, .Flags = 1 };
    call(admin, &srvsvc_interface, SRVSVC_NetprNameValidate, &nv);
    is_int(nv.Result, ERROR_INVALID_PARAMETER, "NetprNameValidate with unknown flags");
    static const struct { const char *name; uint32_t type; uint32_t want; } names[] = {
        { "alice", NAMETYPE_USER, NERR_Success },
        { "a@b", NAMETYPE_USER, ERROR_INVALID_NAME },
        { "...", NAMETYPE_USER, ERROR_INVALID_NAME },
        { "averyveryverylongname", NAMETYPE_USER, ERROR_INVALID_NAME },
        { "FILESRV01", NAMETYPE_COMPUTER, NERR_Success },
        { "FILESRV0123456789", NAMETYPE_COMPUTER, ERROR_INVALID_NAME },
        { "WORKGROUP", NAMETYPE_WORKGROUP, NERR_Success },
        { "data$", NAMETYPE_SHARE, NERR_Success },
        { "da:ta", NAMETYPE_SHARE, ERROR_INVALID_NAME },
        { "x", 99, ERROR_INVALID_PARAMETER },
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        struct NetprNameValidate v = { .Name = (char *)names[i].name, .NameType = names[i].type };
        call(admin, &srvsvc_interface, SRVSVC_NetprNameValidate, &v);
        is_int(v.Result, names[i].want, "NetprNameValidate \"%s\" as type %u", names[i].name,
               (unsigned)names[i].type);
    }
}

static void test_conventions(void)
{
    struct ndr_arena *a = ndr_arena_new(1 << 16);
    is_str(srvsvc_path_to_windows(a, "/srv/data"), "C:\\srv\\data", "POSIX path to Windows");
    is_str(srvsvc_path_to_windows(a, ""), "", "IPC$'s empty path stays empty");
    is_str(srvsvc_path_from_windows(a, "C:\\srv\\data"), "/srv/data", "Windows path to POSIX");
    is_str(srvsvc_path_from_windows(a, "c:"), "/", "C: alone is the root");
    is_str(srvsvc_path_from_windows(a, "/already/posix"), "/already/posix", "a POSIX path is taken as is");
    ok(srvsvc_path_from_windows(a, "E:\\x") == NULL && srvsvc_path_from_windows(a, "relative") == NULL &&
       srvsvc_path_from_windows(a, "") == NULL, "other drives, relative and empty paths refused");
    ok(srvsvc_share_name_valid("Data$") && !srvsvc_share_name_valid("") && !srvsvc_share_name_valid("a\\b") &&
       !srvsvc_share_name_valid("tab\there"), "share name rules");
    char long_name[82];
    memset(long_name, 'x', 81);
    long_name[81] = 0;
    ok(!srvsvc_share_name_valid(long_name) && (long_name[80] = 0, srvsvc_share_name_valid(long_name)),
       "80 characters at most");
    ndr_arena_free(a);
}

int main(void)
{
    struct srvsvc_memory *mem = srvsvc_memory_new("UNIT");
    static const char *const extra[] = { "a", "b", "c", "d$" };
    for (size_t i = 0; i < 4; i++) {
        struct srvsvc_share s = { .name = (char *)extra[i], .path = "/tmp", .comment = "" };
        srvsvc_memory_add_share(mem, &s);
    }
    struct srvsvc_backend backend;
    srvsvc_memory_backend(mem, &backend);
    server = dcerpc_server_new(NULL);
    srvsvc_register(server, &backend);
    arena = ndr_arena_new(1 << 24);
    struct sid user;
    sid_parse("S-1-5-21-9-9-9-500", &user);
    struct access_token *admin_token = token_new(&user, &user);
    token_add_group(admin_token, &SID_BUILTIN_ADMINISTRATORS);
    struct conn admin;
    conn_open(&admin, admin_token);

    test_levels(&admin);
    test_paging(&admin);
    test_rights();
    test_add_checks(&admin);
    test_conventions();

    conn_close(&admin);
    token_free(admin_token);
    ndr_arena_free(arena);
    dcerpc_server_free(server);
    srvsvc_memory_free(mem);
    return done_testing();
}
