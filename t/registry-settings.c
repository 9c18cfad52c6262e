/* Settings: the shipped schema, defaults, typed getters, validation (refused
 * values change nothing), unset, and one audit record per change. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "registry/internal.h"
#include "registry/registry.h"
#include "t/tap/tap.h"

static char dir[] = "/tmp/sw-registry-settings.XXXXXX";
static char db_path[256];

static size_t audit_count(struct registry *reg)
{
    struct audit_entry *entries;
    size_t n = 0;

    if (registry_audit_list(reg, 0, 0, &entries, &n) != STATUS_SUCCESS)
        return (size_t)-1;
    registry_audit_list_free(entries, n);
    return n;
}

static char *get(struct registry *reg, const char *name, bool *is_default)
{
    static char value[256];
    char *text = NULL;

    if (registry_setting_get_text(reg, name, &text, is_default) != STATUS_SUCCESS)
        return NULL;
    snprintf(value, sizeof(value), "%s", text);
    free(text);
    return value;
}

static void test_schema(void)
{
    const struct setting_def *def;
    static const char *const required[] = {
        "srv.listen", "srv.port", "srv.signing", "srv.encryption", "srv.min-dialect",
        "srv.max-dialect", "srv.guest", "srv.max-connections", "srv.idle-timeout",
        "srv.server-guid", "srv.server-name", "srv.server-comment", "lwiod.drivers",
        "lwiod.required-drivers", "lwiod.log-level", "lsass.log-level", "srvsvc.log-level",
        "lsass.min-password-length", "lsass.password-complexity", "lsass.lockout-threshold",
        "lsass.lockout-duration", "lsass.lockout-reset", "lsass.max-password-age",
        "lsass.failed-logon-delay", "lsass.allow-anonymous", "lsass.allow-blank-passwords",
        "lsass.max-pending-logons", "lsass.max-pending-logons-per-address",
        "lsass.max-pending-logons-per-connection", "lsass.pending-logon-timeout", "lsass.max-delayed-logons",
    };
    size_t missing = 0;

    ok(registry_schema_problem() == NULL, "every embedded settings.schema parses (%s)",
       registry_schema_problem() ? registry_schema_problem() : "clean");
    for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
        if (!registry_setting_find(required[i])) {
            diag("missing %s", required[i]);
            missing++;
        }
    }
    is_int((long long)missing, 0, "the schema has every setting the interface names");
    /* The appliance's logon defaults (Windows 11 / Server 2025's; docs/lsass.md). */
    def = registry_setting_find("lsass.failed-logon-delay");
    ok(def && strcmp(def->default_text, "2000") == 0, "lsass.failed-logon-delay defaults to 2000 ms");
    def = registry_setting_find("lsass.lockout-threshold");
    ok(def && strcmp(def->default_text, "10") == 0, "lsass.lockout-threshold defaults to 10");
    def = registry_setting_find("lsass.allow-blank-passwords");
    ok(def && strcmp(def->default_text, "off") == 0, "lsass.allow-blank-passwords defaults to off");
    def = registry_setting_find("srv.port");
    ok(def && def->type == REG_DWORD && def->constraint == SETTING_RANGE && def->min == 1 &&
           def->max == 65535 && strcmp(def->default_text, "445") == 0 && def->doc[0],
       "srv.port: dword, 445, range 1..65535, documented");
    def = registry_setting_find("srv.signing");
    ok(def && def->constraint == SETTING_ENUM && def->enum_count == 3, "srv.signing is an enum");
    bool sorted = true;
    for (size_t i = 1; i < registry_setting_count(); i++)
        sorted &= strcmp(registry_setting_at(i - 1)->name, registry_setting_at(i)->name) < 0;
    ok(sorted, "iteration is sorted by name and has no duplicates");
    ok(registry_setting_at(registry_setting_count()) == NULL, "past the end is NULL");
    ok(registry_setting_find("srv.nope") == NULL, "unknown names are not found");
}

static void test_schema_parser(void)
{
    static const struct {
        const char *line;
        const char *why;
    } bad[] = {
        { "a.b dword 5", "too few fields" },
        { "a.b dword 5 -", "no doc" },
        { "A.b dword 5 - doc", "upper-case name" },
        { "a..b dword 5 - doc", "empty name part" },
        { "a.b word 5 - doc", "unknown type" },
        { "a.b dword 5 range:9..1 doc", "empty range" },
        { "a.b dword 50 range:1..9 doc", "default outside its range" },
        { "a.b sz x enum:y|z doc", "default not in its enum" },
        { "a.b sz x enum:y||z doc", "empty enum value" },
        { "a.b dword 1 enum:1|2 doc", "enum on a number" },
        { "a.b sz x frob doc", "unknown constraint" },
        { "a.b sz \"x doc", "unterminated quote" },
        { "a.b binary 0g - doc", "bad hex default" },
    };
    struct setting_def *defs = NULL;
    size_t count = 0;
    char *problem = NULL;
    NTSTATUS status;

    status = registry_schema_parse("test.schema",
                                   "# comment\n\n  a.b  dword 0x10 range:0..100  doc text  \n"
                                   "a.c sz \"two words\" - quoted default\n"
                                   "a.d multi_sz x,y enum:X|Y|z elements\n",
                                   &defs, &count, &problem);
    ok(status == STATUS_SUCCESS && count == 3 && !problem, "a well-formed schema parses");
    if (count == 3) {
        is_str(defs[0].default_text, "16", "a default is normalised (0x10 -> 16)");
        is_str(defs[0].doc, "doc text", "the doc is the rest of the line, trimmed");
        is_str(defs[1].default_text, "two words", "a quoted default keeps its spaces");
        is_str(defs[2].default_text, "X,Y", "an enum default takes the schema's spelling");
    } else {
        skip(4, "schema did not parse");
    }
    for (size_t i = 0; i < count; i++) {
        free((char *)defs[i].name);
        free((char *)defs[i].default_text);
        free((char *)defs[i].constraint_text);
        free((char *)defs[i].doc);
        if (defs[i].enum_values)
            free((char *)defs[i].enum_values[0]);
        free((void *)defs[i].enum_values);
    }
    free(defs);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        defs = NULL;
        count = 0;
        problem = NULL;
        status = registry_schema_parse("bad.schema", bad[i].line, &defs, &count, &problem);
        ok(status != STATUS_SUCCESS && count == 0 && problem &&
               strncmp(problem, "bad.schema:1: ", 14) == 0,
           "refused: %s (%s)", bad[i].why, problem ? problem : "no message");
        free(problem);
        free(defs);
    }
}

static void test_values(struct registry *reg)
{
    struct audit_actor actor;
    char *error = NULL, *text = NULL, **items = NULL;
    uint32_t dword = 0;
    size_t count = 0, audits;
    bool is_default = false, flag = true;
    uint8_t *bytes = NULL;
    size_t len = 0;
    NTSTATUS status;

    audit_actor_self(&actor, "cli", NULL);
    is_str(get(reg, "srv.port", &is_default), "445", "a never-set value reads as its default");
    ok(is_default, "... and says it is the default");
    ok(registry_setting_get_dword(reg, "srv.port", &dword) == STATUS_SUCCESS && dword == 445,
       "typed dword getter gives the default");
    ok(registry_setting_get_bool(reg, "srv.guest", &flag) == STATUS_SUCCESS && !flag,
       "srv.guest defaults to off");
    ok(registry_setting_get_multi(reg, "lwiod.drivers", &items, &count) == STATUS_SUCCESS &&
           count == 3 && strcmp(items[0], "pvfs") == 0 && strcmp(items[2], "srv") == 0 &&
           items[3] == NULL,
       "multi_sz default is pvfs, npfs, srv");
    registry_strv_free(items);

    audits = audit_count(reg);
    status = registry_setting_set(reg, "srv.port", "70000", &actor, &error);
    ok(status == STATUS_INVALID_PARAMETER && error && strstr(error, "srv.port") &&
           strstr(error, "1..65535"),
       "a value out of range is refused with a clear message (%s)", error ? error : "none");
    free(error);
    error = NULL;
    is_str(get(reg, "srv.port", &is_default), "445", "... and the value did not change");
    is_int((long long)audit_count(reg), (long long)audits, "... and nothing was audited");

    status = registry_setting_set(reg, "srv.portt", "8445", &actor, &error);
    ok(status == STATUS_OBJECT_NAME_NOT_FOUND && error && strstr(error, "srv.portt"),
       "an unknown name is refused (%s)", error ? error : "none");
    free(error);
    error = NULL;
    status = registry_setting_set(reg, "srv.port", "12ab", &actor, &error);
    ok(status == STATUS_INVALID_PARAMETER && error, "a non-number is refused (%s)", error);
    free(error);
    error = NULL;
    status = registry_setting_set(reg, "srv.signing", "maybe", &actor, &error);
    ok(status == STATUS_INVALID_PARAMETER && error && strstr(error, "disabled|enabled|required"),
       "a value outside an enum is refused, listing the choices (%s)", error);
    free(error);
    error = NULL;
    status = registry_setting_set(reg, "srv.listen", "300.1.1.1", &actor, &error);
    ok(status == STATUS_INVALID_PARAMETER, "a bad address is refused (%s)", error);
    free(error);
    error = NULL;
    status = registry_setting_set(reg, "srv.server-comment", "two\nlines", &actor, &error);
    ok(status == STATUS_INVALID_PARAMETER, "a control character is refused (%s)", error);
    free(error);
    error = NULL;
    status = registry_setting_set(reg, "srv.server-guid", "not-a-guid", &actor, &error);
    ok(status == STATUS_INVALID_PARAMETER, "a bad GUID is refused (%s)", error);
    free(error);
    error = NULL;
    status = registry_setting_set(reg, "lwiod.drivers", "pvfs,,srv", &actor, &error);
    ok(status == STATUS_INVALID_PARAMETER, "an empty multi_sz element is refused (%s)", error);
    free(error);
    error = NULL;
    status = registry_setting_set(reg, "srv.port", "8445", NULL, &error);
    ok(status == STATUS_INVALID_PARAMETER, "a change without an actor is refused");
    free(error);
    error = NULL;
    is_int((long long)audit_count(reg), (long long)audits, "no refused change was audited");

    ok(registry_setting_set(reg, "srv.port", "0x20fd", &actor, &error) == STATUS_SUCCESS &&
           error == NULL,
       "a valid value is stored");
    is_str(get(reg, "srv.port", &is_default), "8445", "it reads back normalised");
    ok(!is_default, "... and is no longer the default");
    ok(registry_setting_get_dword(reg, "srv.port", &dword) == STATUS_SUCCESS && dword == 8445,
       "typed getter sees it");
    ok(registry_setting_set(reg, "srv.signing", "Required", &actor, NULL) == STATUS_SUCCESS,
       "enum values match case-insensitively");
    is_str(get(reg, "srv.signing", NULL), "required", "... and are stored as the schema spells them");
    ok(registry_setting_set(reg, "srv.guest", "on", &actor, NULL) == STATUS_SUCCESS &&
           registry_setting_get_bool(reg, "srv.guest", &flag) == STATUS_SUCCESS && flag,
       "an on/off setting reads as a bool");
    ok(registry_setting_set(reg, "lwiod.drivers", " pvfs , npfs ", &actor, NULL) ==
           STATUS_SUCCESS,
       "multi_sz elements are trimmed");
    is_str(get(reg, "lwiod.drivers", NULL), "pvfs,npfs", "... and joined with ','");
    ok(registry_setting_set(reg, "lwiod.drivers", "", &actor, NULL) == STATUS_SUCCESS &&
           registry_setting_get_multi(reg, "lwiod.drivers", &items, &count) == STATUS_SUCCESS &&
           count == 0 && items && items[0] == NULL,
       "an empty multi_sz has no elements");
    registry_strv_free(items);
    ok(registry_setting_set(reg, "srv.listen", "::1", &actor, NULL) == STATUS_SUCCESS,
       "an IPv6 address is accepted");
    ok(registry_setting_set(reg, "srv.server-guid", "0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0",
                            &actor, NULL) == STATUS_SUCCESS,
       "a GUID is accepted");
    is_str(get(reg, "srv.server-guid", NULL), "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
           "... and stored in lower case");
    ok(registry_setting_get_dword(reg, "srv.guest", &dword) == STATUS_OBJECT_TYPE_MISMATCH,
       "a typed getter of the wrong type fails");
    ok(registry_setting_get_binary(reg, "srv.port", &bytes, &len) == STATUS_OBJECT_TYPE_MISMATCH,
       "the binary getter checks the type too");
    ok(registry_setting_get_text(reg, "no.such", &text, NULL) == STATUS_OBJECT_NAME_NOT_FOUND &&
           text == NULL,
       "getting an unknown name fails");
    is_int((long long)audit_count(reg), (long long)audits + 7, "each accepted change was audited");

    ok(registry_setting_unset(reg, "srv.port", &actor, &error) == STATUS_SUCCESS,
       "unset succeeds");
    is_str(get(reg, "srv.port", &is_default), "445", "an unset value reads as its default again");
    ok(is_default, "... and says so");
    ok(registry_setting_unset(reg, "srv.port", &actor, &error) == STATUS_SUCCESS,
       "unsetting again is not an error");
    is_int((long long)audit_count(reg), (long long)audits + 8,
           "the unset was audited once, the no-op not at all");
}

static void test_audit(struct registry *reg)
{
    struct audit_actor actor = { .via = "yaml", .uid = 1234, .user = "alice", .source = "site.yaml" };
    struct audit_entry *entries = NULL;
    size_t n = 0;
    int64_t before;

    usleep(5000); /* so that earlier records are strictly older than `before` */
    before = registry_now_ms();

    ok(registry_setting_set(reg, "srv.max-connections", "100", &actor, NULL) == STATUS_SUCCESS,
       "a change through yaml");
    ok(registry_audit_list(reg, before, 0, &entries, &n) == STATUS_SUCCESS && n == 1,
       "the since filter finds exactly the new record");
    if (n == 1) {
        ok(entries[0].uid == 1234 && strcmp(entries[0].user, "alice") == 0 &&
               strcmp(entries[0].via, "yaml") == 0 && strcmp(entries[0].source, "site.yaml") == 0,
           "it records who (uid, user) and through what (via, source)");
        ok(strcmp(entries[0].action, "setting.set") == 0 &&
               strcmp(entries[0].object, "srv.max-connections") == 0 &&
               strcmp(entries[0].detail, "2048 (default) -> 100") == 0,
           "and what changed (%s %s: %s)", entries[0].action, entries[0].object, entries[0].detail);
        ok(entries[0].at_ms >= before && entries[0].at_ms <= registry_now_ms(), "and when");
    } else {
        skip(3, "no record");
    }
    registry_audit_list_free(entries, n);
    ok(registry_audit_list(reg, 0, 2, &entries, &n) == STATUS_SUCCESS && n == 2 &&
           entries[0].id < entries[1].id && strcmp(entries[1].via, "yaml") == 0,
       "a limit gives the newest records, oldest first");
    registry_audit_list_free(entries, n);
    actor.via = "carrier-pigeon";
    ok(registry_audit(reg, &actor, "x", NULL, NULL) == STATUS_INVALID_PARAMETER,
       "an unknown front end is refused");
    ok(registry_setting_set(reg, "srv.max-connections", "5", &actor, NULL) != STATUS_SUCCESS,
       "... also for a setting change");
    is_str(get(reg, "srv.max-connections", NULL), "100", "... which did not happen");
}

int main(void)
{
    struct registry *reg = NULL;

    if (!mkdtemp(dir))
        return 1;
    snprintf(db_path, sizeof(db_path), "%s/registry.db", dir);
    test_schema();
    test_schema_parser();
    if (!ok(registry_open(db_path, &reg) == STATUS_SUCCESS, "open a new registry"))
        return done_testing();
    test_values(reg);
    test_audit(reg);
    registry_close(reg);
    snprintf(db_path, sizeof(db_path), "rm -rf '%s'", dir);
    if (system(db_path) != 0)
        diag("could not remove %s", dir);
    return done_testing();
}
