/* The dashboard: is the server running, where it listens, how it negotiates,
 * how much is configured, and the latest changes from the audit log. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsass/sam/sam.h"
#include "share-db/share_db.h"
#include "tui/console.h"

static const struct ui_keyhint hints[] = {
    { "F1/?", "Help" }, { "Tab", "Next screen" }, { "1-8", "Go to screen" },
    { "F10/q", "Quit" },
};

static const struct ui_column audit_columns[] = {
    { "TIME", 19, 0, 0, -1 },  { "USER", 10, 0, 0, -1 }, { "VIA", 7, 0, 0, -1 },
    { "ACTION", 16, 0, 0, -1 }, { "OBJECT", 0, 1, 8, -1 },
};

static struct {
    bool initialised;
    char *settings[8];
    size_t shares, users, groups;
    bool counts_ok;
    bool running;
    NTSTATUS sessions_status;
    size_t sessions;
    struct ui_list audit;
} dash;

static const char *const setting_names[] = {
    "srv.listen",  "srv.port",       "srv.min-dialect", "srv.max-dialect",
    "srv.signing", "srv.encryption", "srv.guest",       "srv.server-name",
};
enum { S_LISTEN, S_PORT, S_MIN, S_MAX, S_SIGNING, S_ENCRYPTION, S_GUEST, S_NAME };

static void load(void)
{
    if (!dash.initialised) {
        ui_list_init(&dash.audit, audit_columns, sizeof audit_columns / sizeof *audit_columns);
        dash.audit.empty_text = "(no changes recorded yet)";
        dash.audit.no_cursor = true; /* a summary, not something to act on */
        dash.initialised = true;
    }
    for (size_t i = 0; i < sizeof setting_names / sizeof *setting_names; i++) {
        free(dash.settings[i]);
        dash.settings[i] = NULL;
        bool is_default;
        if (!NT_SUCCESS(registry_setting_get_text(app.reg, setting_names[i], &dash.settings[i],
                                                  &is_default)))
            dash.settings[i] = strdup("?");
    }
    dash.counts_ok = true;
    struct share **shares = NULL;
    if (NT_SUCCESS(share_db_list(app.reg, &shares, &dash.shares)))
        share_list_free(shares, dash.shares);
    else
        dash.counts_ok = false;
    struct sam_user_list users;
    if (NT_SUCCESS(sam_user_list(app.reg, &users))) {
        dash.users = users.count;
        sam_user_list_free(&users);
    } else {
        dash.counts_ok = false;
    }
    struct sam_group_list groups;
    if (NT_SUCCESS(sam_group_list(app.reg, &groups))) {
        dash.groups = groups.count;
        sam_group_list_free(&groups);
    } else {
        dash.counts_ok = false;
    }
    struct audit_entry *entries = NULL;
    size_t count = 0;
    ui_list_begin(&dash.audit);
    if (NT_SUCCESS(registry_audit_list(app.reg, 0, 50, &entries, &count))) {
        for (size_t i = count; i-- > 0;) { /* newest first */
            char when[32], key[32];
            console_format_time(entries[i].at_ms / 1000, when, sizeof when);
            snprintf(key, sizeof key, "%lld", (long long)entries[i].id);
            const char *cells[] = { when, entries[i].user, entries[i].via, entries[i].action,
                                    entries[i].object };
            ui_list_add(&dash.audit, key, cells, UI_NORMAL);
        }
        registry_audit_list_free(entries, count);
    }
    ui_list_end(&dash.audit);
    dash.audit.selected = 0;
}

static void live(void)
{
    dash.running = live_server_running();
    struct live_session *sessions = NULL;
    size_t count = 0;
    dash.sessions_status = live_sessions(&sessions, &count);
    dash.sessions = count;
    live_sessions_free(sessions, count);
    traffic_refresh();
}

/* Traffic: throughput and operations with their sparklines, then the
 * session, logon and break counts (the metrics endpoint's numbers). Five
 * lines from y. */
static void draw_traffic(int y)
{
    ui_draw_text(y, 1, COLS - 2, "Traffic (live; the metrics endpoint's numbers)",
                 ui_attr(UI_HEADING), -1);
    y++;
    if (!traffic.up) {
        ui_draw_text(y, 3, COLS - 4, "no numbers: the server is not running", ui_attr(UI_DIM), -1);
        return;
    }
    int spark = COLS >= 100 ? 40 : 24;
    char line[256], graph[TRAFFIC_HISTORY * 4 + 1], rate[32], total_read[32], total_written[32];
    size_t n = traffic.count;
    traffic_sparkline(traffic.bytes_per_second, n, (size_t)spark, graph, sizeof graph);
    if (n)
        metrics_format_bytes(traffic.bytes_per_second[n - 1], rate, sizeof rate);
    else
        snprintf(rate, sizeof rate, "-");
    metrics_format_bytes(traffic.last.bytes_read, total_read, sizeof total_read);
    metrics_format_bytes(traffic.last.bytes_written, total_written, sizeof total_written);
    ui_draw_text(y, 3, 12, "Throughput:", A_BOLD, -1);
    ui_draw_text(y, 15, spark, graph, ui_attr(UI_GOOD), -1);
    snprintf(line, sizeof line, "%s/s  read %s, written %s", rate, total_read, total_written);
    ui_draw_text(y, 16 + spark, COLS - 17 - spark, line, A_NORMAL, -1);
    y++;
    traffic_sparkline(traffic.ops_per_second, n, (size_t)spark, graph, sizeof graph);
    if (n)
        snprintf(rate, sizeof rate, "%.0f", traffic.ops_per_second[n - 1]);
    else
        snprintf(rate, sizeof rate, "-");
    ui_draw_text(y, 3, 12, "Operations:", A_BOLD, -1);
    ui_draw_text(y, 15, spark, graph, ui_attr(UI_GOOD), -1);
    snprintf(line, sizeof line, "%s/s  (%.0f requests, %.0f failed)", rate,
             traffic.last.requests, traffic.last.requests_failed);
    ui_draw_text(y, 16 + spark, COLS - 17 - spark, line, A_NORMAL, -1);
    y++;
    snprintf(line, sizeof line, "Sessions %.0f (%.0f encrypted, %.0f signing required)  "
             "Open files %.0f", traffic.last.sessions, traffic.last.sessions_encrypted,
             traffic.last.sessions_signed, traffic.last.open_files);
    ui_draw_text(y, 3, COLS - 4, line, A_NORMAL, -1);
    y++;
    snprintf(line, sizeof line, "Logons %.0f ok, %.0f failed, %.0f lockouts  Breaks %.0f oplock, "
             "%.0f lease", traffic.last.logons, traffic.last.logon_failures,
             traffic.last.lockouts, traffic.last.oplock_breaks, traffic.last.lease_breaks);
    ui_draw_text(y, 3, COLS - 4, line, A_NORMAL, -1);
}

static void field(int y, int x, int width, const char *label, const char *value, attr_t attr)
{
    ui_draw_text(y, x, 12, label, A_BOLD, -1);
    ui_draw_text(y, x + 12, width - 12, value, attr, -1);
}

static void draw(int top, int height)
{
    int half = COLS / 2 < 56 ? COLS / 2 : 56; /* two columns, kept together when wide */
    int y = top + 1;
    ui_draw_text(y, 1, half - 2, "Server", ui_attr(UI_HEADING), -1);
    ui_draw_text(y, half + 1, COLS - half - 2, "Configuration", ui_attr(UI_HEADING), -1);
    y++;
    char line[160];
    field(y, 3, half - 4, "Status:", dash.running ? "running" : "server not running",
          dash.running ? ui_attr(UI_GOOD) : ui_attr(UI_BAD));
    snprintf(line, sizeof line, "%zu", dash.shares);
    field(y, half + 3, COLS - half - 4, "Shares:", dash.counts_ok ? line : "?", A_NORMAL);
    y++;
    snprintf(line, sizeof line, "%s port %s", dash.settings[S_LISTEN], dash.settings[S_PORT]);
    field(y, 3, half - 4, "Listen:", line, A_NORMAL);
    snprintf(line, sizeof line, "%zu", dash.users);
    field(y, half + 3, COLS - half - 4, "Users:", dash.counts_ok ? line : "?", A_NORMAL);
    y++;
    snprintf(line, sizeof line, "SMB %s to %s", dash.settings[S_MIN], dash.settings[S_MAX]);
    field(y, 3, half - 4, "Dialects:", line, A_NORMAL);
    snprintf(line, sizeof line, "%zu", dash.groups);
    field(y, half + 3, COLS - half - 4, "Groups:", dash.counts_ok ? line : "?", A_NORMAL);
    y++;
    field(y, 3, half - 4, "Signing:", dash.settings[S_SIGNING], A_NORMAL);
    if (NT_SUCCESS(dash.sessions_status))
        snprintf(line, sizeof line, "%zu", dash.sessions);
    else if (dash.sessions_status == STATUS_PORT_DISCONNECTED)
        snprintf(line, sizeof line, "- (server not running)");
    else
        snprintf(line, sizeof line, "- (not reported by the server yet)");
    field(y, half + 3, COLS - half - 4, "Sessions:", line, A_NORMAL);
    y++;
    field(y, 3, half - 4, "Encryption:", dash.settings[S_ENCRYPTION], A_NORMAL);
    field(y, half + 3, COLS - half - 4, "Registry:", app.db_path, A_NORMAL);
    y++;
    field(y, 3, half - 4, "Guest:", dash.settings[S_GUEST], A_NORMAL);
    field(y, half + 3, COLS - half - 4, "Name:",
          dash.settings[S_NAME][0] ? dash.settings[S_NAME] : "(the host name)", A_NORMAL);
    y++;
    if (!dash.running)
        ui_draw_text(y, 3, COLS - 4, "Start the server with: lwadmin start", ui_attr(UI_DIM), -1);
    y += 1;
    draw_traffic(y);
    y += 6;
    ui_draw_text(y, 1, COLS - 2, "Latest changes (screen 8 has the whole audit log)",
                 ui_attr(UI_HEADING), -1);
    y++;
    int rows = top + height - y;
    if (rows >= 2) {
        ui_list_draw(&dash.audit, y, 0, rows, COLS);
    }
}

static bool key(int k)
{
    (void)k;
    return false;
}

const struct screen screen_dashboard = {
    .tab = "Dashboard",
    .help = "The dashboard shows whether the server runs, where it listens, the SMB "
            "dialects and signing it negotiates, how many shares, users and sessions there "
            "are, live traffic (throughput and operations per second with a sparkline of the "
            "last two minutes, sessions, logons, breaks: the metrics endpoint's numbers, "
            "also shown by lwadmin stats), and the latest changes from the audit log. It "
            "refreshes by itself when "
            "anything changes, whoever changed it. Change the server settings on the "
            "Settings screen (5).",
    .load = load,
    .draw = draw,
    .key = key,
    .live = live,
    .hints = hints,
    .hint_count = sizeof hints / sizeof *hints,
};
