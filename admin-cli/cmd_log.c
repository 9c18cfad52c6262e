/* lwadmin log [--since TIME] [--limit N] [--kind KIND]... [--log NAME]
 * [--follow]: the audit log, oldest first; with --follow, then every new
 * record as it is written, until interrupted. */
#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "admin-cli/cli.h"

/* TIME: "@SECONDS" (Unix time), "N[smhdw]" (that long ago), "today",
 * "yesterday", or "YYYY-MM-DD[(T| )HH:MM[:SS]][Z]" (local time unless Z).
 * Returns Unix seconds, or -1 if not understood. */
static int64_t parse_time(const char *text, time_t now)
{
    uint64_t n;
    if (text[0] == '@')
        return cli_parse_uint(text + 1, INT64_MAX, &n) ? (int64_t)n : -1;
    size_t len = strlen(text);
    if (len >= 2 && strchr("smhdw", text[len - 1]) && isdigit((unsigned char)text[0])) {
        char number[24];
        if (len - 1 >= sizeof number)
            return -1;
        memcpy(number, text, len - 1);
        number[len - 1] = '\0';
        static const int64_t units[] = { ['s' - 'a'] = 1, ['m' - 'a'] = 60, ['h' - 'a'] = 3600,
                                         ['d' - 'a'] = 86400, ['w' - 'a'] = 604800 };
        int64_t unit = units[text[len - 1] - 'a'];
        if (!cli_parse_uint(number, (uint64_t)(now / unit), &n))
            return -1;
        return (int64_t)now - (int64_t)n * unit;
    }
    struct tm tm;
    if (strcmp(text, "today") == 0 || strcmp(text, "yesterday") == 0) {
        if (!localtime_r(&now, &tm))
            return -1;
        tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
        if (text[0] == 'y')
            tm.tm_mday--;
        tm.tm_isdst = -1;
        return (int64_t)mktime(&tm);
    }
    static const char *const formats[] = { "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S",
                                           "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d" };
    for (size_t i = 0; i < sizeof formats / sizeof *formats; i++) {
        memset(&tm, 0, sizeof tm);
        const char *end = strptime(text, formats[i], &tm);
        if (!end)
            continue;
        bool utc = false;
        if (*end == 'Z' || *end == 'z') {
            utc = true;
            end++;
        }
        if (*end)
            continue;
        tm.tm_isdst = -1;
        return utc ? (int64_t)timegm(&tm) : (int64_t)mktime(&tm);
    }
    return -1;
}

static json_t *entry_json(const struct audit_entry *e)
{
    char at[96];
    time_t seconds = (time_t)(e->at_ms / 1000);
    struct tm tm;
    if (gmtime_r(&seconds, &tm))
        snprintf(at, sizeof at, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                 (int)(e->at_ms % 1000));
    else
        snprintf(at, sizeof at, "?");
    json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)e->id, "at", at, "via",
                          e->via ? e->via : "", "user", e->user ? e->user : "", "action",
                          e->action ? e->action : "");
    if (!o)
        return NULL;
    json_object_set_new(o, "uid", e->uid >= 0 ? json_integer(e->uid) : json_null());
    json_object_set_new(o, "source", e->source ? json_string(e->source) : json_null());
    json_object_set_new(o, "object", e->object ? json_string(e->object) : json_null());
    json_object_set_new(o, "detail", e->detail ? json_string(e->detail) : json_null());
    json_object_set_new(o, "outcome", json_string(e->outcome ? e->outcome : "ok"));
    json_object_set_new(o, "log", json_string(registry_audit_log_name(e->log)));
    json_object_set_new(o, "record", json_integer((json_int_t)e->record));
    return o;
}

/* What --kind and --log keep. */
#define MAX_KINDS 16
struct log_filter {
    const char *kinds[MAX_KINDS]; /* an action ("share.add") or its prefix ("share", "logon") */
    size_t kind_count;
    bool by_log;
    enum audit_log log;
};

static bool kind_matches(const char *kind, const char *action)
{
    size_t len = strlen(kind);
    return strcmp(kind, action) == 0 || (strncmp(kind, action, len) == 0 && action[len] == '.');
}

static bool filter_keeps(const struct log_filter *f, const struct audit_entry *e)
{
    if (f->by_log && e->log != f->log)
        return false;
    if (f->kind_count == 0)
        return true;
    for (size_t i = 0; i < f->kind_count; i++)
        if (e->action && kind_matches(f->kinds[i], e->action))
            return true;
    return false;
}

/* The ACTION cell: a refused attempt shows as such where the eye reads. */
static void action_cell(const struct audit_entry *e, char *out, size_t size)
{
    bool refused = e->outcome && strcmp(e->outcome, "ok") != 0;
    snprintf(out, size, "%s%s%s%s", e->action ? e->action : "", refused ? " [" : "",
             refused ? e->outcome : "", refused ? "]" : "");
}

static volatile sig_atomic_t follow_stop;

static void on_stop_signal(int sig)
{
    (void)sig;
    follow_stop = 1;
}

/* --follow: polls for records after last_id twice a second and prints each
 * as one line (table columns separated by two spaces, or one JSON object a
 * line with --json), flushing, until SIGINT, SIGTERM or SIGPIPE. */
static int follow(struct cli *cli, const struct log_filter *filter, int64_t last_id)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_stop_signal;
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);
    signal(SIGPIPE, SIG_IGN);
    while (!follow_stop) {
        struct audit_entry *entries = NULL;
        size_t count = 0;
        NTSTATUS status = registry_audit_list_after(cli->reg, last_id, 1000, &entries, &count);
        if (!NT_SUCCESS(status))
            return cli_fail_status(cli, status, NULL, "cannot read the audit log");
        for (size_t i = 0; i < count; i++) {
            const struct audit_entry *e = &entries[i];
            last_id = e->id;
            if (!filter_keeps(filter, e))
                continue;
            if (cli->json) {
                json_t *o = entry_json(e);
                char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
                if (text)
                    printf("%s\n", text);
                free(text);
                json_decref(o);
            } else {
                char at[32], act[160];
                cli_format_time(e->at_ms / 1000, at, sizeof at);
                action_cell(e, act, sizeof act);
                printf("%s  %s  %s  %s  %s  %s\n", at, e->via ? e->via : "", e->user ? e->user : "", act,
                       e->object ? e->object : "", e->detail ? e->detail : "");
            }
        }
        registry_audit_list_free(entries, count);
        if (fflush(stdout) != 0 || ferror(stdout))
            return CLI_OK; /* the reader went away (a closed pipe) */
        if (count == 1000)
            continue;
        struct timespec pause = { 0, 500 * 1000000L };
        nanosleep(&pause, NULL);
    }
    return CLI_OK;
}

static int run_log(struct cli *cli, const struct cli_command *command, int argc, char **argv)
{
    static const struct option options[] = {
        { "since", required_argument, NULL, 's' },
        { "limit", required_argument, NULL, 'n' },
        { "follow", no_argument, NULL, 'f' },
        { "kind", required_argument, NULL, 'k' },
        { "log", required_argument, NULL, 'L' },
        CLI_COMMON_OPTIONS,
        { NULL, 0, NULL, 0 },
    };
    int64_t since = 0;
    uint64_t limit = 0;
    bool following = false;
    struct log_filter filter;
    memset(&filter, 0, sizeof filter);
    cli_getopt_reset();
    int c;
    while ((c = cli_getopt(cli, command, argc, argv, "n:f", options)) != -1) {
        switch (c) {
        case 's':
            since = parse_time(optarg, time(NULL));
            if (since < 0)
                return cli_usage_error(cli, "--since: cannot understand '%s' (use e.g. "
                                            "2024-05-01, '2024-05-01 13:00', 2h, 3d, today "
                                            "or @UNIXTIME)", optarg);
            break;
        case 'n':
            if (!cli_parse_uint(optarg, 1000000000, &limit))
                return cli_usage_error(cli, "--limit: not a number: '%s'", optarg);
            break;
        case 'f':
            following = true;
            break;
        case 'k':
            if (filter.kind_count == MAX_KINDS)
                return cli_usage_error(cli, "--kind: at most %d kinds", MAX_KINDS);
            filter.kinds[filter.kind_count++] = optarg;
            break;
        case 'L':
            if (!registry_audit_log_parse(optarg, &filter.log))
                return cli_usage_error(cli, "--log: '%s' is none of Application, System, Security", optarg);
            filter.by_log = true;
            break;
        case CLI_GETOPT_HELP:
            return CLI_OK;
        default:
            return CLI_USAGE;
        }
    }
    if (!cli_positional(cli, argc, argv, 0, 0))
        return CLI_USAGE;
    int rc = cli_open(cli, false);
    if (rc != CLI_OK)
        return rc;
    struct audit_entry *entries = NULL;
    size_t count = 0;
    if (following && since == 0 && limit == 0 && filter.kind_count == 0 && !filter.by_log) {
        /* A bare --follow starts with the last ten, as tail -f does. */
        limit = 10;
    }
    /* A filter applies before --limit: the newest N records of that kind. */
    NTSTATUS status = registry_audit_list(cli->reg, since * 1000,
                                          filter.kind_count || filter.by_log ? 0 : (size_t)limit, &entries, &count);
    if (!NT_SUCCESS(status))
        return cli_fail_status(cli, status, NULL, "cannot read the audit log");
    int64_t last_id = 0;
    for (size_t i = 0; i < count; i++)
        last_id = entries[i].id;
    size_t kept = 0;
    for (size_t i = 0; i < count; i++)
        if (filter_keeps(&filter, &entries[i]))
            entries[kept++] = entries[i];
        else
            registry_audit_entry_clear(&entries[i]);
    size_t first = limit && kept > limit ? kept - (size_t)limit : 0;
    if (cli->json && following) {
        for (size_t i = first; i < kept; i++) {
            json_t *o = entry_json(&entries[i]);
            char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
            if (text)
                printf("%s\n", text);
            free(text);
            json_decref(o);
        }
        rc = CLI_OK;
    } else if (cli->json) {
        json_t *array = json_array();
        for (size_t i = first; array && i < kept; i++)
            if (json_array_append_new(array, entry_json(&entries[i])) != 0) {
                json_decref(array);
                array = NULL;
            }
        rc = cli_print_json(cli, array);
    } else {
        struct cli_table table;
        static const char *const headings[] = { "TIME", "VIA", "USER", "ACTION", "OBJECT",
                                                "DETAIL" };
        cli_table_init(&table, 6, headings);
        for (size_t i = first; i < kept; i++) {
            const struct audit_entry *e = &entries[i];
            char at[32];
            cli_format_time(e->at_ms / 1000, at, sizeof at);
            char action[160];
            action_cell(e, action, sizeof action);
            const char *row[] = { at, e->via, e->user, action, e->object, e->detail };
            cli_table_add(&table, row);
        }
        rc = cli_table_print(cli, &table);
    }
    registry_audit_list_free(entries, kept);
    fflush(stdout);
    if (rc == CLI_OK && following)
        rc = follow(cli, &filter, last_id);
    return rc;
}

const struct cli_command cli_command_log = {
    .name = "log",
    .summary = "the audit log: who changed what, when, through which front end; logons refused, daemons started",
    .usage = "[--since TIME] [--limit N] [--kind KIND]... [--log NAME] [--follow]\n"
             "    --since TIME  only changes from TIME on: 2024-05-01, '2024-05-01 13:00',\n"
             "                  2024-05-01T13:00:00Z, 30m, 2h, 3d, 1w (ago), today,\n"
             "                  yesterday, @UNIXTIME\n"
             "    --limit N     only the newest N records\n"
             "    --kind KIND   only records of this kind: an action (share.add) or its\n"
             "                  first word (share, user, group, logon, daemon, setting);\n"
             "                  may be repeated\n"
             "    --log NAME    only what the event log NAME shows: Application, System\n"
             "                  or Security (docs/eventlog.md)\n"
             "    --follow      then print each new record as it is written (one line,\n"
             "                  or one JSON object a line with --json) until interrupted;\n"
             "                  alone it starts with the newest 10\n",
    .run = run_log,
};
