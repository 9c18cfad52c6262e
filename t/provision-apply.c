/* Apply and export against a real registry: plans, idempotency, dry runs that
 * change nothing, all-or-nothing failures, prune, the export/apply/export round
 * trip, and 500 shares plus 500 users in one transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lsass/sam/sam.h"
#include "provision/apply.h"
#include "share-db/share_db.h"
#include "t/tap/tap.h"

static char dir[] = "/tmp/sw-prov-XXXXXX";
static struct audit_actor actor;

static struct registry *fresh(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s.db", dir, name);
    struct registry *reg = NULL;
    if (registry_open(path, &reg) != STATUS_SUCCESS || sam_init(reg, &actor, NULL) != STATUS_SUCCESS)
        tap_diag("cannot open %s", path);
    return reg;
}

static NTSTATUS apply_text(struct registry *reg, const char *text, bool dry_run, bool prune,
                           struct prov_plan *plan, char **error)
{
    struct prov_spec *spec = prov_spec_new();
    NTSTATUS status = STATUS_INVALID_PARAMETER;
    if (prov_spec_load_string(spec, "test.yaml", text, error) == 0) {
        struct prov_options opt = { .dry_run = dry_run, .prune = prune, .actor = &actor };
        status = prov_apply(reg, spec, &opt, plan, error);
    }
    prov_spec_free(spec);
    return status;
}

static size_t share_count(struct registry *reg)
{
    struct share **shares;
    size_t count = 0;
    share_db_list(reg, &shares, &count);
    share_list_free(shares, count);
    return count;
}

static bool plan_has(const struct prov_plan *plan, char op, const char *kind, const char *name)
{
    for (size_t i = 0; i < plan->count; i++)
        if (plan->changes[i].op == op && strcmp(plan->changes[i].kind, kind) == 0 &&
            strcmp(plan->changes[i].name, name) == 0)
            return true;
    return false;
}

int main(void)
{
    if (!mkdtemp(dir))
        return 1;
    audit_actor_self(&actor, "yaml", "test.yaml");
    char projects[300], docs[300], created[300];
    snprintf(projects, sizeof projects, "%s/projects", dir);
    snprintf(docs, sizeof docs, "%s/dokumente", dir);
    snprintf(created, sizeof created, "%s/new/deeper", dir);
    mkdir(projects, 0755);
    mkdir(docs, 0755);

    char text[4096];
    snprintf(text, sizeof text,
             "settings:\n"
             "  srv.signing: required\n"
             "common: &perms\n" /* refused: unknown top-level field; see below */
             "  Everyone: read\n");
    struct registry *reg = fresh("a");
    struct prov_plan plan;
    char *error = NULL;
    ok(apply_text(reg, text, false, false, &plan, &error) != STATUS_SUCCESS &&
           strstr(error, "unknown field 'common'"),
       "unknown top-level field refused");
    free(error);

    snprintf(text, sizeof text,
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
             "    password: {nt_hash: a4f49c406510bdcab6824ee7c30fd852}\n"
             "  - name: Jürgen\n"
             "    enabled: false\n"
             "    groups: [Users]\n"
             "shares:\n"
             "  - name: projects\n"
             "    path: %s\n"
             "    comment: Team projects\n"
             "    permissions: &p\n"
             "      Everyone: read\n"
             "      engineers: change\n"
             "      Administrators: full\n"
             "  - name: Dokumente-ü\n"
             "    path: %s\n"
             "    read_only: true\n"
             "    max_uses: 5\n"
             "    permissions: *p\n"
             "  - name: fresh$\n"
             "    path: %s\n"
             "    create: {mode: \"0750\"}\n",
             projects, docs, created);

    if (!ok(apply_text(reg, text, true, false, &plan, &error) == STATUS_SUCCESS, "dry run succeeds"))
        diag("%s", error);
    ok(plan_has(&plan, '+', "share", "projects") && plan_has(&plan, '+', "user", "alice") &&
           plan_has(&plan, '~', "setting", "srv.signing") &&
           plan_has(&plan, '+', "member", "engineers"),
       "dry run shows the plan");
    prov_plan_free(&plan);
    struct stat st;
    ok(share_count(reg) == 1 && stat(created, &st) != 0, "dry run changed nothing (no share, no directory)");
    struct sam_user u;
    ok(sam_user_by_name(reg, "alice", &u) == STATUS_NO_SUCH_USER, "dry run added no user");

    if (!ok(apply_text(reg, text, false, false, &plan, &error) == STATUS_SUCCESS, "apply succeeds"))
        diag("%s", error);
    size_t first_count = plan.count;
    prov_plan_free(&plan);
    is_int(share_count(reg), 4, "three shares added beside IPC$");
    ok(stat(created, &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 07777) == 0750,
       "missing path created with the mode asked for");
    uint8_t hash[16], want[16];
    tap_hex("a4f49c406510bdcab6824ee7c30fd852", want, 16);
    ok(sam_user_by_name(reg, "alice", &u) == STATUS_SUCCESS &&
           sam_user_get_nt_hash(reg, u.rid, hash) == STATUS_SUCCESS && memcmp(hash, want, 16) == 0,
       "password set from the NT hash");
    sam_user_free(&u);
    struct share *sh = NULL;
    ok(share_db_get(reg, "dokumente-Ü", &sh) == STATUS_SUCCESS &&
           (sh->flags & SHARE_FLAG_READ_ONLY) && sh->max_uses == 5,
       "non-ASCII share with flags, found case-insensitively");
    struct share *sh2 = NULL;
    ok(sh && share_db_get(reg, "projects", &sh2) == STATUS_SUCCESS && sh->sd_len == sh2->sd_len &&
           memcmp(sh->sd, sh2->sd, sh->sd_len) == 0,
       "an alias gives the same permissions");
    share_free(sh);
    share_free(sh2);
    char *value = NULL;
    registry_setting_get_text(reg, "srv.signing", &value, NULL);
    is_str(value, "required", "setting applied");
    free(value);

    ok(apply_text(reg, text, false, false, &plan, &error) == STATUS_SUCCESS && plan.count == 0,
       "second apply finds nothing to do");
    ok(first_count > 0, "first apply had %zu changes", first_count);
    prov_plan_free(&plan);

    /* A failure late in the file changes nothing made earlier in it. */
    char bad[4096];
    snprintf(bad, sizeof bad,
             "users:\n  - name: bob\n"
             "shares:\n  - name: other\n    path: %s\n  - name: broken\n    path: /no/such/dir\n",
             projects);
    if (!ok(apply_text(reg, bad, false, false, &plan, &error) != STATUS_SUCCESS &&
           strstr(error, "test.yaml:6:5: shares.broken"),
       "missing path refused with its position"))
        diag("%s", error ? error : "");
    free(error);
    ok(sam_user_by_name(reg, "bob", &u) == STATUS_NO_SUCH_USER && share_count(reg) == 4,
       "nothing of the failed apply remains");

    snprintf(bad, sizeof bad, "shares:\n  - {name: x, path: %s, permissions: {nobody-here: read}}\n",
             projects);
    if (!ok(apply_text(reg, bad, false, false, &plan, &error) != STATUS_SUCCESS &&
           strstr(error, "shares.x.permissions"),
       "unknown principal refused"))
        diag("%s", error ? error : "");
    free(error);
    if (!ok(apply_text(reg, "settings: {srv.port: 70000}\n", false, false, &plan, &error) !=
               STATUS_SUCCESS && strstr(error, "test.yaml:1:22: settings.srv.port"),
       "out-of-range setting refused with its position"))
        diag("%s", error ? error : "");
    free(error);
    ok(apply_text(reg, "settings: {srv.colour: red}\n", false, false, &plan, &error) !=
               STATUS_SUCCESS && strstr(error, "unknown setting"),
       "unknown setting refused");
    free(error);
    ok(apply_text(reg, "users:\n  - {name: carol, groups: [nosuch]}\n", false, false, &plan,
                  &error) != STATUS_SUCCESS && strstr(error, "unknown group 'nosuch'"),
       "unknown group refused");
    free(error);

    /* Export, apply to an empty registry, export again: identical. */
    char *exported = NULL, *again = NULL;
    if (!ok(prov_export(reg, true, &exported, &error) == STATUS_SUCCESS, "export with secrets"))
        diag("%s", error);
    ok(exported && strstr(exported, "a4f49c406510bdcab6824ee7c30fd852"), "secrets when asked");
    struct registry *copy = fresh("b");
    if (!ok(exported && apply_text(copy, exported, false, false, &plan, &error) == STATUS_SUCCESS,
            "export applies to an empty registry"))
        diag("%s\n%s", error, exported);
    prov_plan_free(&plan);
    ok(prov_export(copy, true, &again, &error) == STATUS_SUCCESS && again && exported &&
           strcmp(exported, again) == 0,
       "export, apply, export: identical");
    if (again && exported && strcmp(exported, again) != 0)
        diag("first:\n%s\nsecond:\n%s", exported, again);
    free(again);
    free(exported);
    ok(prov_export(reg, false, &exported, &error) == STATUS_SUCCESS && exported &&
           !strstr(exported, "a4f49c406510bdcab6824ee7c30fd852") && !strstr(exported, "nt_hash"),
       "no secrets by default");
    free(exported);

    /* Prune removes exactly what the file omits, never built-ins. */
    snprintf(bad, sizeof bad, "users:\n  - name: alice\n    full_name: Alice Example\n"
                              "shares:\n  - {name: projects, path: %s, comment: Team projects, "
                              "permissions: {Everyone: read, Administrators: full}}\n",
             projects);
    if (!ok(apply_text(copy, bad, false, true, &plan, &error) == STATUS_SUCCESS, "prune applies"))
        diag("%s", error);
    ok(plan_has(&plan, '-', "share", "fresh$") && plan_has(&plan, '-', "user", "Jürgen") &&
           plan_has(&plan, '-', "group", "engineers") && plan_has(&plan, '~', "share", "projects") &&
           plan_has(&plan, '-', "setting", "srv.signing"),
       "prune plan removes what is not in the file");
    prov_plan_free(&plan);
    is_int(share_count(copy), 2, "projects and IPC$ remain");
    struct sam_group g;
    ok(sam_group_by_name(copy, "Administrators", &g) == STATUS_SUCCESS, "built-in group kept");
    sam_group_free(&g);
    ok(sam_user_by_name(copy, "alice", &u) == STATUS_SUCCESS, "listed user kept");
    sam_user_free(&u);

    /* 500 shares and 500 users in one transaction. */
    size_t cap = 200000, len = 0;
    char *big = malloc(cap);
    len += snprintf(big + len, cap - len, "users:\n");
    for (int i = 0; i < 500; i++)
        len += snprintf(big + len, cap - len,
                        "  - {name: user%03d, password: {nt_hash: a4f49c406510bdcab6824ee7c30fd852}}\n", i);
    len += snprintf(big + len, cap - len, "shares:\n");
    for (int i = 0; i < 500; i++)
        len += snprintf(big + len, cap - len, "  - {name: share%03d, path: %s, permissions: {user%03d: full}}\n",
                        i, projects, i);
    struct registry *many = fresh("c");
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    NTSTATUS status = apply_text(many, big, false, false, &plan, &error);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double seconds = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (!ok(status == STATUS_SUCCESS && plan.count == 1000, "500 shares and 500 users applied"))
        diag("%s", error ? error : "");
    diag("applied in %.2f s", seconds);
    ok(seconds < 30, "within seconds (%.2f)", seconds);
    prov_plan_free(&plan);
    is_int(share_count(many), 501, "all 500 shares there");
    free(big);

    registry_close(many);
    registry_close(copy);
    registry_close(reg);
    char command[512];
    snprintf(command, sizeof command, "rm -rf '%s'", dir);
    if (system(command) != 0)
        diag("cleanup failed");
    return done_testing();
}
