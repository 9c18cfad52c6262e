/* share-db: names validated as Windows does, paths that must exist, the
 * default security descriptor, grants, IPC$, audit records and atomicity. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/secdesc.h"
#include "share-db/share_db.h"
#include "t/tap/tap.h"

static char dir[] = "/tmp/sw-share-db.XXXXXX";
static struct audit_actor actor;

static char *in_dir(const char *name)
{
    static char path[4][300];
    static int next;
    char *p = path[next++ % 4];

    snprintf(p, sizeof(path[0]), "%s/%s", dir, name);
    return p;
}

static size_t audit_count(struct registry *reg)
{
    struct audit_entry *entries;
    size_t n = 0;

    registry_audit_list(reg, 0, 0, &entries, &n);
    registry_audit_list_free(entries, n);
    return n;
}

/* The newest audit record's "action object: detail". */
static const char *last_audit(struct registry *reg)
{
    static char line[1024];
    struct audit_entry *entries;
    size_t n = 0;

    line[0] = '\0';
    if (registry_audit_list(reg, 0, 1, &entries, &n) == STATUS_SUCCESS && n == 1)
        snprintf(line, sizeof(line), "%s %s: %s", entries[0].action, entries[0].object,
                 entries[0].detail ? entries[0].detail : "");
    registry_audit_list_free(entries, n);
    return line;
}

/* Checks a call's status and its message. The call is an argument, so it has
 * run (and set *error) before *error is read here. */
static void refused(NTSTATUS got, NTSTATUS expected, char **error, const char *what)
{
    ok(got == expected && *error, "%s (%s: %s)", what, nt_status_name(got),
       *error ? *error : "no message");
    free(*error);
    *error = NULL;
}

static void accepted(NTSTATUS got, char **error, const char *what)
{
    ok(got == STATUS_SUCCESS && !*error, "%s (%s)", what, *error ? *error : "ok");
    free(*error);
    *error = NULL;
}

static NTSTATUS add(struct registry *reg, const char *name, const char *path, char **error)
{
    struct share share = { .name = (char *)name, .path = (char *)path, .max_uses = -1 };
    return share_db_add(reg, &share, &actor, error);
}

static NTSTATUS resolve_alice(void *context, const char *name, struct sid *sid)
{
    (void)context;
    if (strcasecmp(name, "alice") == 0)
        return sid_parse("S-1-5-21-1-2-3-1000", sid);
    return STATUS_NONE_MAPPED;
}

static char *name_alice(void *context, const struct sid *sid)
{
    struct sid alice;
    (void)context;
    sid_parse("S-1-5-21-1-2-3-1000", &alice);
    return sid_equal(sid, &alice) ? strdup("alice") : NULL;
}

static void test_names(void)
{
    static const char *const good[] = { "data", "Data Share", "caf\xc3\xa9", "a$", "C$", "x.y",
                                        "-_~!@#%^&()'{}" };
    static const char *const bad[] = { "", ".", "..", "  ", "IPC$", "ipc$", "ADMIN$", "print$",
                                       "CON", "nul", "COM1", "lpt9", "bad\xff", "tab\there" };
    const char *forbidden = "\"/\\[]:|<>+=;,*?";
    char name[200], *error = NULL;
    int forbidden_refused = 0;

    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        ok(share_validate_name(good[i], &error) == STATUS_SUCCESS && !error, "name '%s' is valid",
           good[i]);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char what[64];
        snprintf(what, sizeof(what), "name '%s' is refused", bad[i]);
        for (char *p = what; *p; p++) /* keep the TAP line printable */
            if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x80)
                *p = '?';
        refused(share_validate_name(bad[i], &error), STATUS_OBJECT_NAME_INVALID, &error, what);
    }
    for (const char *c = forbidden; *c; c++) {
        snprintf(name, sizeof(name), "a%cb", *c);
        if (share_validate_name(name, NULL) == STATUS_OBJECT_NAME_INVALID)
            forbidden_refused++;
        else
            diag("'%s' was accepted", name);
    }
    is_int(forbidden_refused, (int)strlen(forbidden), "each of \" / \\ [ ] : | < > + = ; , * ? is refused");
    memset(name, 'n', 80);
    name[80] = '\0';
    ok(share_validate_name(name, NULL) == STATUS_SUCCESS, "80 characters are allowed");
    strcat(name, "n");
    ok(share_validate_name(name, NULL) == STATUS_OBJECT_NAME_INVALID, "81 are not");
    /* 80 two-byte characters are 80 UTF-16 units: the limit counts characters. */
    name[0] = '\0';
    for (int i = 0; i < 80; i++)
        strcat(name, "\xc3\xa9");
    ok(share_validate_name(name, NULL) == STATUS_SUCCESS, "80 non-ASCII characters are allowed");
}

static void test_ipc(struct registry *reg)
{
    struct share *ipc = NULL, change = { 0 };
    char *error = NULL;
    size_t audits = audit_count(reg);

    ok(share_db_get(reg, "IPC$", &ipc) == STATUS_SUCCESS && ipc, "IPC$ exists in a new registry");
    if (!ipc) {
        skip(6, "no IPC$");
        return;
    }
    ok(ipc->type == STYPE_IPC && share_is_hidden(ipc) && strcmp(ipc->path, "") == 0,
       "it is an IPC share, hidden, with no path");
    refused(share_db_delete(reg, "ipc$", &actor, &error), STATUS_ACCESS_DENIED, &error,
            "it cannot be deleted");
    ok(sqlite3_exec(registry_sqlite(reg), "DELETE FROM shares WHERE name = 'IPC$'", NULL, NULL,
                    NULL) != SQLITE_OK,
       "not even with raw SQL");
    share_free(ipc);
    ipc = NULL;
    ok(share_db_get(reg, "ipc$", &ipc) == STATUS_SUCCESS, "it is still there");
    is_int((long long)audit_count(reg), (long long)audits, "the refused deletes left no record");
    change.name = "IPC$";
    change.comment = "Remote IPC for tests";
    change.type = STYPE_DISKTREE;
    change.path = dir;
    change.max_uses = -1;
    accepted(share_db_set(reg, &change, &actor, &error), &error, "its comment can be changed");
    share_free(ipc);
    ipc = NULL;
    share_db_get(reg, "IPC$", &ipc);
    ok(ipc && ipc->type == STYPE_IPC && strcmp(ipc->path, "") == 0 &&
           strcmp(ipc->comment, "Remote IPC for tests") == 0,
       "but it keeps its type and path");
    share_free(ipc);
}

static void test_add(struct registry *reg)
{
    char *error = NULL, **grants = NULL, *canonical = NULL;
    struct share *share = NULL;
    struct security_descriptor sd;
    size_t audits, count = 0;
    char real_dir[300];

    audits = audit_count(reg);
    refused(add(reg, "missing", in_dir("no-such-dir"), &error), STATUS_OBJECT_PATH_NOT_FOUND, &error,
            "a share on a missing path is refused");
    ok(share_db_get(reg, "missing", &share) == STATUS_BAD_NETWORK_NAME && !share,
       "... and was not added");
    is_int((long long)audit_count(reg), (long long)audits, "... nor audited");
    refused(add(reg, "rel", "relative/dir", &error), STATUS_OBJECT_PATH_SYNTAX_BAD, &error,
            "a relative path is refused");
    refused(add(reg, "file", in_dir("a-file"), &error), STATUS_NOT_A_DIRECTORY, &error,
            "a path to a file is refused");
    refused(add(reg, "bad:name", in_dir("data"), &error), STATUS_OBJECT_NAME_INVALID, &error,
            "an invalid name is refused by add");
    is_int((long long)audit_count(reg), (long long)audits, "no refused add was audited");

    accepted(add(reg, "Data", in_dir("link-to-data/../data/."), &error), &error, "a share is added");
    ok(share_db_get(reg, "dAtA", &share) == STATUS_SUCCESS && share,
       "it is found case-insensitively");
    if (!share) {
        skip(8, "no share");
        return;
    }
    if (!realpath(in_dir("data"), real_dir))
        real_dir[0] = '\0';
    is_str(share->path, real_dir, "its path was canonicalised");
    is_str(share->name, "Data", "it keeps the case it was created with");
    ok(share->type == STYPE_DISKTREE && share->max_uses == -1 && !share_is_hidden(share) &&
           strcmp(share->comment, "") == 0,
       "a disk share, unlimited, visible, no comment");
    ok(share->sd && secdesc_parse(share->sd, share->sd_len, &sd) == STATUS_SUCCESS,
       "it got a security descriptor");
    ok(sd.dacl && sd.dacl->count == 2 && sd.has_owner &&
           sid_equal(&sd.owner, &SID_BUILTIN_ADMINISTRATORS) &&
           sid_equal(&sd.dacl->aces[0].sid, &SID_BUILTIN_ADMINISTRATORS) &&
           sd.dacl->aces[0].mask == 0x001f01ff && sd.dacl->aces[0].type == ACCESS_ALLOWED_ACE_TYPE &&
           sid_equal(&sd.dacl->aces[1].sid, &SID_EVERYONE) && sd.dacl->aces[1].mask == 0x001200a9,
       "the default: Administrators full (0x1f01ff), Everyone read (0x1200a9)");
    secdesc_free(&sd);
    ok(share_sd_to_grants(share->sd, share->sd_len, NULL, NULL, &grants, &count) ==
               STATUS_SUCCESS &&
           count == 2 && strcmp(grants[0], "Administrators:full") == 0 &&
           strcmp(grants[1], "Everyone:read") == 0 && grants[2] == NULL,
       "it reads back as grants Administrators:full, Everyone:read");
    registry_strv_free(grants);
    is_int((long long)audit_count(reg), (long long)audits + 1, "the add was audited");
    ok(strncmp(last_audit(reg), "share.add Data: path=", 21) == 0 &&
           strstr(last_audit(reg), "grants=Administrators:full,Everyone:read"),
       "with what was added (%s)", last_audit(reg));
    share_free(share);
    share = NULL;

    refused(add(reg, "DATA", in_dir("data"), &error), STATUS_OBJECT_NAME_COLLISION, &error,
            "a second share of the same name in another case is refused");
    ok(add(reg, "caf\xc3\xa9", in_dir("data"), NULL) == STATUS_SUCCESS &&
           add(reg, "CAF\xc3\x89", in_dir("data"), NULL) == STATUS_OBJECT_NAME_COLLISION,
       "names compare case-insensitively beyond ASCII too");
    ok(share_db_get(reg, "CAF\xc3\x89", &share) == STATUS_SUCCESS, "and are found so");
    share_free(share);
    share = NULL;
    ok(add(reg, "secret$", in_dir("data"), NULL) == STATUS_SUCCESS &&
           share_db_get(reg, "secret$", &share) == STATUS_SUCCESS && share_is_hidden(share) &&
           (share->flags & SHARE_FLAG_HIDDEN),
       "a name ending in $ is hidden");
    share_free(share);
    share = NULL;
    ok(share_validate_path(in_dir("data"), &canonical, NULL) == STATUS_SUCCESS &&
           strcmp(canonical, real_dir) == 0,
       "share_validate_path gives the canonical path");
    free(canonical);
}

static void test_fields(struct registry *reg)
{
    struct share share = { .name = "opts", .path = in_dir("data"), .max_uses = -1 };
    struct share *got = NULL;
    char *error = NULL, *words;
    uint32_t caching = 0;
    uint8_t garbage[24] = { 1, 0, 4, 0x80, 0xff, 0xff };

    share.flags = 0x00000001u;
    refused(share_db_add(reg, &share, &actor, &error), STATUS_INVALID_PARAMETER, &error,
            "unknown flag bits are refused");
    share.flags = 0;
    share.max_uses = 0;
    refused(share_db_add(reg, &share, &actor, &error), STATUS_INVALID_PARAMETER, &error,
            "max uses 0 is refused");
    share.max_uses = 10;
    share.comment = "line\nbreak";
    refused(share_db_add(reg, &share, &actor, &error), STATUS_INVALID_PARAMETER, &error,
            "a comment with a control character is refused");
    share.comment = "Team files";
    share.sd = garbage;
    share.sd_len = sizeof(garbage);
    refused(share_db_add(reg, &share, &actor, &error), STATUS_INVALID_SECURITY_DESCR, &error,
            "a malformed security descriptor is refused");
    share.sd = NULL;
    share.sd_len = 0;
    share.type = STYPE_IPC;
    refused(share_db_add(reg, &share, &actor, &error), STATUS_INVALID_PARAMETER, &error,
            "a second IPC share is refused");
    share.type = STYPE_DISKTREE;
    ok(share_caching_parse("Documents", &caching) && caching == SHARE_CACHING_DOCUMENTS &&
           !share_caching_parse("sometimes", &caching),
       "caching modes parse");
    share.flags = SHARE_FLAG_READ_ONLY | SHARE_FLAG_ENCRYPT_DATA | SHARE_FLAG_ACCESS_BASED_ENUM |
                  SHARE_CACHING_NONE;
    accepted(share_db_add(reg, &share, &actor, &error), &error, "every flag together");
    ok(share_db_get(reg, "opts", &got) == STATUS_SUCCESS && got->flags == share.flags &&
           got->max_uses == 10 && strcmp(got->comment, "Team files") == 0,
       "flags, max uses and comment are stored");
    words = share_flags_describe(got ? got->flags : 0);
    is_str(words, "read-only,encrypt-data,access-based-enumeration,caching=none",
           "flags in words");
    free(words);
    share_free(got);
}

static void test_grants(struct registry *reg)
{
    static const char *const grants[] = { "alice:change", "everyone:READ", "BUILTIN\\Administrators:full",
                                          "alice:read", "S-1-5-32-545:read",
                                          "NT AUTHORITY\\Authenticated Users:change" };
    char *error = NULL, **back = NULL;
    uint8_t *sd = NULL;
    size_t sd_len = 0, n = 0;
    struct share share = { .name = "team", .path = in_dir("data"), .max_uses = -1 };
    struct share *got = NULL;
    struct security_descriptor parsed;

    accepted(share_sd_from_grants(grants, 6, resolve_alice, NULL, &sd, &sd_len, &error), &error,
             "grants build a descriptor");
    ok(sd && secdesc_parse(sd, sd_len, &parsed) == STATUS_SUCCESS && parsed.dacl &&
           parsed.dacl->count == 5 && parsed.dacl->aces[0].mask == (0x001301bfu | 0x001200a9u),
       "one ACE per principal; a principal's grants add up");
    secdesc_free(&parsed);
    ok(share_sd_to_grants(sd, sd_len, name_alice, NULL, &back, &n) == STATUS_SUCCESS && n == 5 &&
           strcmp(back[0], "alice:change") == 0 && strcmp(back[1], "Everyone:read") == 0 &&
           strcmp(back[2], "Administrators:full") == 0 && strcmp(back[3], "Users:read") == 0 &&
           strcmp(back[4], "Authenticated Users:change") == 0,
       "and read back as grants");
    registry_strv_free(back);
    share.sd = sd;
    share.sd_len = sd_len;
    ok(share_db_add(reg, &share, &actor, NULL) == STATUS_SUCCESS &&
           share_db_get(reg, "team", &got) == STATUS_SUCCESS && got->sd_len == sd_len &&
           memcmp(got->sd, sd, sd_len) == 0,
       "a share stores the descriptor it is given");
    share_free(got);
    free(sd);
    sd = NULL;
    refused(share_sd_from_grants((const char *const[]){ "bob:read" }, 1, resolve_alice, NULL, &sd,
                                 &sd_len, &error),
            STATUS_NONE_MAPPED, &error, "an unknown principal is refused");
    refused(share_sd_from_grants((const char *const[]){ "alice:read" }, 1, NULL, NULL, &sd, &sd_len,
                            &error), STATUS_NONE_MAPPED, &error,
            "a SAM name with no resolver is refused");
    refused(share_sd_from_grants((const char *const[]){ "Everyone:write" }, 1, NULL, NULL, &sd,
                            &sd_len, &error), STATUS_INVALID_PARAMETER, &error,
            "an unknown level is refused");
    refused(share_sd_from_grants((const char *const[]){ "Everyone" }, 1, NULL, NULL, &sd, &sd_len,
                            &error), STATUS_INVALID_PARAMETER, &error,
            "a grant without a level is refused");
    ok(share_sd_from_grants((const char *const[]){ "S-1-5-21-9-9-9-500:full" }, 1, NULL, NULL,
                            &sd, &sd_len, &error) == STATUS_SUCCESS &&
           share_sd_to_grants(sd, sd_len, NULL, NULL, &back, &n) == STATUS_SUCCESS && n == 1 &&
           strcmp(back[0], "S-1-5-21-9-9-9-500:full") == 0,
       "a SID string is a principal, shown as itself when it has no name");
    registry_strv_free(back);
    free(sd);
}

static void test_set_delete(struct registry *reg)
{
    struct share *share = NULL;
    char *error = NULL;
    size_t audits;

    share_db_get(reg, "data", &share);
    if (!share) {
        skip(9, "no share");
        return;
    }
    audits = audit_count(reg);
    free(share->comment);
    share->comment = strdup("Shared data");
    share->flags |= SHARE_FLAG_READ_ONLY;
    accepted(share_db_set(reg, share, &actor, &error), &error, "a share is changed");
    is_str(last_audit(reg),
           "share.set Data: comment: \"\" -> \"Shared data\"; flags: caching=manual -> "
           "read-only,caching=manual",
           "the audit record says what changed");
    share_free(share);
    share = NULL;
    share_db_get(reg, "data", &share);
    ok(share && strcmp(share->comment, "Shared data") == 0 &&
           (share->flags & SHARE_FLAG_READ_ONLY) && share->sd,
       "the change is stored and the descriptor kept");
    free(share->path);
    share->path = strdup(in_dir("no-such-dir"));
    refused(share_db_set(reg, share, &actor, &error), STATUS_OBJECT_PATH_NOT_FOUND, &error,
            "set refuses a missing path too");
    share_free(share);
    share = NULL;
    share_db_get(reg, "data", &share);
    ok(share && strstr(share->path, "no-such-dir") == NULL, "... and changed nothing");
    free(share->name);
    share->name = strdup("nothere");
    refused(share_db_set(reg, share, &actor, &error), STATUS_BAD_NETWORK_NAME, &error,
            "set of a missing share fails");
    share_free(share);
    is_int((long long)audit_count(reg), (long long)audits + 1, "only the good change was audited");

    accepted(share_db_delete(reg, "DATA", &actor, &error), &error, "a share is deleted");
    ok(share_db_get(reg, "data", &share) == STATUS_BAD_NETWORK_NAME, "it is gone");
    ok(strncmp(last_audit(reg), "share.delete Data: path=", 24) == 0, "and the delete audited (%s)",
       last_audit(reg));
    refused(share_db_delete(reg, "data", &actor, &error), STATUS_BAD_NETWORK_NAME, &error,
            "deleting it again fails");
}

static void test_transaction(struct registry *reg)
{
    struct share *share = NULL, **list = NULL;
    size_t audits = audit_count(reg), n = 0;
    bool sorted = true;

    registry_begin(reg);
    add(reg, "one", in_dir("data"), NULL);
    add(reg, "two", in_dir("data"), NULL);
    ok(share_db_get(reg, "two", &share) == STATUS_SUCCESS, "inside a transaction the adds show");
    share_free(share);
    share = NULL;
    registry_rollback(reg);
    ok(share_db_get(reg, "one", &share) == STATUS_BAD_NETWORK_NAME &&
           share_db_get(reg, "two", &share) == STATUS_BAD_NETWORK_NAME,
       "a rolled-back caller's transaction takes both adds with it");
    is_int((long long)audit_count(reg), (long long)audits, "and their audit records");

    registry_begin(reg);
    add(reg, "three", in_dir("data"), NULL);
    ok(add(reg, "three", in_dir("data"), NULL) == STATUS_OBJECT_NAME_COLLISION,
       "a failing add inside a transaction");
    registry_commit(reg);
    ok(share_db_get(reg, "three", &share) == STATUS_SUCCESS,
       "does not undo the caller's earlier work");
    share_free(share);

    ok(share_db_list(reg, &list, &n) == STATUS_SUCCESS && n >= 6, "list (%zu shares)", n);
    for (size_t i = 1; i < n; i++)
        sorted &= strcasecmp(list[i - 1]->name, list[i]->name) <= 0;
    ok(sorted, "sorted by name");
    bool has_ipc = false;
    for (size_t i = 0; i < n; i++)
        has_ipc |= strcmp(list[i]->name, "IPC$") == 0;
    ok(has_ipc, "including IPC$");
    share_list_free(list, n);
}

/* The pieces of deleting an account that grants name: finding its ACEs and
 * taking them out, leaving the other grants as they were. */
static void test_without_sid(void)
{
    static const char *const grants[] = { "S-1-5-21-1-2-3-1000:change", "Everyone:read",
                                          "S-1-5-21-1-2-3-1001:full" };
    struct sid gone, kept, never;
    uint8_t *sd = NULL, *less = NULL;
    size_t sd_len = 0, less_len = 0;
    char **left = NULL;
    size_t count = 0;

    sid_parse("S-1-5-21-1-2-3-1000", &gone);
    sid_parse("S-1-5-21-1-2-3-1001", &kept);
    sid_parse("S-1-5-21-1-2-3-1002", &never);
    ok(share_sd_from_grants(grants, 3, NULL, NULL, &sd, &sd_len, NULL) == STATUS_SUCCESS,
       "a descriptor with three grants");
    ok(share_sd_names_sid(sd, sd_len, &gone) && share_sd_names_sid(sd, sd_len, &kept) &&
       !share_sd_names_sid(sd, sd_len, &never), "share_sd_names_sid finds exactly the named SIDs");
    ok(!share_sd_names_sid(NULL, 0, &gone), "a NULL descriptor names nobody");
    ok(share_sd_without_sid(sd, sd_len, &gone, &less, &less_len) == STATUS_SUCCESS &&
       !share_sd_names_sid(less, less_len, &gone), "share_sd_without_sid removes the ACE");
    ok(share_sd_to_grants(less, less_len, NULL, NULL, &left, &count) == STATUS_SUCCESS &&
       count == 2 && strcmp(left[0], "Everyone:read") == 0 &&
       strcmp(left[1], "S-1-5-21-1-2-3-1001:full") == 0, "and keeps the others in order");
    registry_strv_free(left);
    free(less);
    ok(share_sd_without_sid(sd, 3, &gone, &less, &less_len) != STATUS_SUCCESS && !less,
       "a truncated descriptor is refused");
    free(sd);
}

int main(void)
{
    struct registry *reg = NULL;
    char command[400];
    FILE *f;

    if (!mkdtemp(dir))
        return 1;
    mkdir(in_dir("data"), 0700);
    if (symlink(in_dir("data"), in_dir("link-to-data")) != 0)
        diag("symlink failed");
    f = fopen(in_dir("a-file"), "w");
    if (f)
        fclose(f);
    audit_actor_self(&actor, "cli", NULL);
    test_names();
    test_without_sid();
    if (ok(registry_open(in_dir("registry.db"), &reg) == STATUS_SUCCESS, "open a registry")) {
        test_ipc(reg);
        test_add(reg);
        test_fields(reg);
        test_grants(reg);
        test_set_delete(reg);
        test_transaction(reg);
        registry_close(reg);
    }
    snprintf(command, sizeof(command), "rm -rf '%s'", dir);
    if (system(command) != 0)
        diag("could not remove %s", dir);
    return done_testing();
}
