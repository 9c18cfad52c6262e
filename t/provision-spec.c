/* Provisioning files to typed objects: every field form, errors that name
 * file:line:column and the field, merging several files in order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "provision/spec.h"
#include "t/tap/tap.h"

static const char *full =
    "settings:\n"
    "  srv.signing: required\n"
    "  srv.port: 4450\n"
    "groups:\n"
    "  - name: engineers\n"
    "    description: Engineering\n"
    "    members: [alice]\n"
    "users:\n"
    "  - name: alice\n"
    "    full_name: Alice Example\n"
    "    enabled: yes\n"
    "    groups: [Users]\n"
    "    password: {nt_hash: a4f49c406510bdcab6824ee7c30fd852}\n"
    "  - name: bob\n"
    "    enabled: false\n"
    "    unix_account: bob\n"
    "    password: {env: BOB_PASSWORD}\n"
    "shares:\n"
    "  - name: projects\n"
    "    path: /srv/projects\n"
    "    comment: Team projects\n"
    "    read_only: true\n"
    "    max_uses: 10\n"
    "    caching: documents\n"
    "    permissions:\n"
    "      Everyone: read\n"
    "      engineers: change\n"
    "      Administrators: FULL\n"
    "    create: {owner: alice, mode: \"0770\"}\n";

static void expect_error(const char *text, const char *want, const char *name)
{
    struct prov_spec *spec = prov_spec_new();
    char *error = NULL;
    int rc = prov_spec_load_string(spec, "f.yaml", text, &error);
    if (!ok(rc != 0 && error && strstr(error, want), "%s", name))
        diag("got: %s; want: %s", error ? error : "(success)", want);
    ok(spec->share_count == 0 && spec->user_count == 0 && spec->file_count == 0,
       "%s: spec unchanged", name);
    free(error);
    prov_spec_free(spec);
}

int main(void)
{
    struct prov_spec *spec = prov_spec_new();
    char *error = NULL;
    if (!ok(prov_spec_load_string(spec, "full.yaml", full, &error) == 0, "full example loads"))
        diag("%s", error);
    is_int(spec->setting_count, 2, "two settings");
    is_str(spec->settings[1].value, "4450", "setting value as text");
    is_int(spec->group_count, 1, "one group");
    is_str(spec->groups[0].members[0], "alice", "group member");
    is_int(spec->user_count, 2, "two users");
    ok(spec->users[0].enabled && !spec->users[1].enabled, "enabled flags");
    is_int(spec->users[0].password_kind, PROV_PASSWORD_NT_HASH, "password as NT hash");
    is_int(spec->users[1].password_kind, PROV_PASSWORD_ENV, "password from environment");
    ok(spec->users[0].unix_account == NULL, "no unix_account: NULL (its own uid)");
    is_str(spec->users[1].unix_account, "bob", "unix_account as given");
    struct prov_share *sh = &spec->shares[0];
    ok(sh->read_only && !sh->hidden && sh->max_uses == 10, "share flags and max uses");
    is_str(sh->caching, "documents", "caching mode");
    is_int(sh->grant_count, 3, "three grants");
    ok(sh->grants[2].level == PROV_FULL && strcmp(sh->grants[2].principal, "Administrators") == 0,
       "grant levels are case-insensitive");
    ok(sh->create && sh->create_mode == 0770 && strcmp(sh->create_owner, "alice") == 0,
       "create with owner and mode");
    is_int(sh->at.line, 19, "share origin line");

    /* A later file replaces objects of the same name and adds new ones. */
    ok(prov_spec_load_string(spec, "override.yaml",
                             "shares:\n  - name: PROJECTS\n    path: /srv/other\n"
                             "  - name: extra\n    path: /srv/extra\n"
                             "settings: {srv.signing: disabled}\n",
                             &error) == 0,
       "second file merges");
    is_int(spec->share_count, 2, "replaced one, added one");
    is_str(spec->shares[0].path, "/srv/other", "later file wins");
    ok(spec->shares[0].grant_count == 0 && spec->shares[0].max_uses == -1,
       "replacement is whole, not field by field");
    is_str(spec->settings[0].value, "disabled", "later setting wins");
    is_int(spec->file_count, 2, "both files recorded");
    prov_spec_free(spec);

    /* An error on line 37 names line 37: eleven good shares take lines 1-34. */
    char big[4096] = "shares:\n";
    for (int i = 0; i < 11; i++) {
        char line[128];
        snprintf(line, sizeof line, "  - name: s%d\n    path: /srv/s%d\n    comment: c\n", i, i);
        strcat(big, line);
    }
    strcat(big, "  - name: bad\n    path: /srv/bad\n    max_uses: lots\n");
    expect_error(big, "f.yaml:37:15: shares[11].max_uses: must be a number",
                 "an error on line 37 names line 37, the column and the field");

    expect_error("users:\n  - name: a\n    password: secret\n",
                 "f.yaml:3:15: users[0].password: must be one of", "plain-text password refused");
    expect_error("users:\n  - name: a\n    password: {nt_hash: 1234}\n",
                 "users[0].password.nt_hash: must be 32 hexadecimal digits", "short NT hash");
    expect_error("shares:\n  - name: a\n    path: /x\n    colour: red\n",
                 "f.yaml:4:5: shares[0]: unknown field 'colour'", "unknown field");
    expect_error("shares:\n  - name: a\n", "shares[0]: the field 'path' is required",
                 "missing path");
    expect_error("shares:\n  - {name: a, path: /x, read_only: maybe}\n",
                 "shares[0].read_only: must be true or false", "bad boolean");
    expect_error("shares:\n  - {name: a, path: /x, read_only: \"true\"}\n",
                 "must be true or false", "quoted boolean is a string");
    expect_error("shares:\n  - {name: a, path: /x, permissions: {Everyone: write}}\n",
                 "shares[0].permissions.Everyone: must be read, change or full", "bad level");
    expect_error("shares:\n  - {name: a, path: /x}\n  - {name: A, path: /y}\n",
                 "f.yaml:3:5: shares: 'A' is listed twice (also at line 2)", "duplicate share");
    expect_error("printers: []\n", "unknown field 'printers'", "unknown top-level section");
    expect_error("- a\n", "the file must be a mapping", "top level must be a mapping");
    expect_error("shares:\n  - {name: a, path: /x, create: {mode: \"999\"}}\n",
                 "shares[0].create.mode: must be a number", "bad mode");

    spec = prov_spec_new();
    ok(prov_spec_load_string(spec, "empty.yaml", "", &error) == 0 && spec->share_count == 0,
       "empty file describes nothing");
    prov_spec_free(spec);
    return done_testing();
}
