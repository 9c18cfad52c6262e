/* lwconsole's internals: the application (one per process), its screens, the
 * modal stack, edits as transactions, and the live state of the server.
 * Only tui/ includes this header; the widgets are in ui.h.
 *
 * Data flow: lwconsole reads and writes registry.db through the same libraries
 * as lwadmin (registry, share-db, the SAM); every edit is one transaction,
 * audited with via = "console". While a screen is shown the app polls
 * registry_change_counter() a few times a second and reloads the screen when
 * any process (lwadmin, YAML, srvsvc, another console) committed a change.
 *
 * Adding a screen: write tui/screen_NAME.c defining
 *     const struct screen screen_NAME = { .tab = "Name", .help = ..., .load = ...,
 *                                         .draw = ..., .key = ..., .hints = ... };
 * declare it below and add it to the table in app.c. */
#ifndef SW_TUI_CONSOLE_H
#define SW_TUI_CONSOLE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "registry/registry.h"
#include "tui/ui.h"

/* The smallest terminal lwconsole draws on. */
#define CONSOLE_MIN_COLS 80
#define CONSOLE_MIN_LINES 24
/* How often live views (server status, sessions, open files) are re-read. */
#define CONSOLE_LIVE_INTERVAL_MS 2000

struct screen {
    const char *tab;           /* its name on the tab bar */
    const char *help;          /* F1 text */
    /* (Re)reads what the screen shows; called when it is first shown and
     * whenever the registry changed. */
    void (*load)(void);
    /* Draws into lines top .. top+height-1 (the whole width). */
    void (*draw)(int top, int height);
    /* A key the app did not use; true if the screen used it. */
    bool (*key)(int key);
    /* Called every CONSOLE_LIVE_INTERVAL_MS while shown (NULL: not live). */
    void (*live)(void);
    const struct ui_keyhint *hints;
    size_t hint_count;
};

extern const struct screen screen_dashboard;
extern const struct screen screen_shares;
extern const struct screen screen_users;
extern const struct screen screen_groups;
extern const struct screen screen_settings;
extern const struct screen screen_sessions;
extern const struct screen screen_files;
extern const struct screen screen_audit;

struct app {
    struct registry *reg;
    char *db_path;
    struct audit_actor actor;  /* via "console" */
    bool administrator;        /* root or the registry's owner: may close sessions */
    uint64_t change_counter;
    size_t current;            /* index of the shown screen */
    bool loaded[16];           /* screen loaded since the last change */
    bool quit;
    int64_t last_live_ms;
};

extern struct app app;

/* ---- the application ------------------------------------------------------- */

/* Opens everything the console needs after the terminal is set up. */
void app_run(void);
/* Reads one key, redrawing first; meanwhile polls the registry for changes
 * (reloading the shown screen), runs live refreshes and handles resizes and
 * a terminal too small to draw on. Never returns a resize. */
int app_read_key(void);
/* Redraws everything now. */
void app_draw(void);
/* Reloads the shown screen (after an edit this process made). */
void app_reload(void);
/* The screen shown. */
const struct screen *app_screen(void);
/* Milliseconds of a monotonic clock. */
int64_t app_now_ms(void);

/* Modals (forms, dialogs, editors) drawn over the screen, bottom first. A
 * modal's draw function may set the cursor with app_set_cursor. */
struct modal {
    void (*draw)(void *context);
    void *context;
    const struct ui_keyhint *hints;
    size_t hint_count;
};
void app_push_modal(const struct modal *modal);
void app_pop_modal(void);
void app_set_cursor(int y, int x);

/* The content area of a screen (between the tab bar and the status line). */
int app_content_top(void);
int app_content_height(void);

/* A filter typed on the status line ('/'): the list is filtered as it is
 * typed; Enter keeps the filter, Esc clears it. */
void app_edit_filter(struct ui_list *list);

/* Shows the help text of the shown screen or modal. */
void app_help(const char *title, const char *text);

/* ---- edits -------------------------------------------------------------------- */

/* What a status means to an administrator ("no such user"). */
const char *console_status_text(NTSTATUS status);
/* Starts the edit's transaction. */
NTSTATUS console_begin(void);
/* Commits if status is a success, else rolls back; returns the final status
 * (a failed commit is a failure). */
NTSTATUS console_end(NTSTATUS status);
/* Puts "Error: WHAT: MESSAGE" on the status line: the library's message if
 * it gave one (freed here), else what the status means. */
void console_error(NTSTATUS status, char *message, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A newly allocated "WHAT: MESSAGE" for a form's save failure. */
char *console_message(NTSTATUS status, char *message);
/* Local time "YYYY-MM-DD HH:MM:SS" (or "never" for 0). */
void console_format_time(int64_t seconds, char *out, size_t size);
/* printf into a newly allocated string (NULL on failure). */
char *console_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Deletes a local user or group (its name and noun, "User" or "Group", for
 * messages, title for the dialogs) through prov_account_delete: when share permissions name it, asks
 * whether to remove those grants too; says on the status line what changed. */
struct sid;
void console_delete_account(const struct sid *sid, const char *name, const char *noun,
                            const char *title);

/* The status line after a share was saved ("added", "saved"): OK, or the
 * first warning of prov_share_folder_warnings when its folder refuses writes
 * a grant promises (lwadmin share fix-permissions fixes that). */
void console_share_saved(const char *name, const char *done);

/* ---- editors used by more than one screen --------------------------------------- */

struct share;
/* The share form: add (name NULL) or edit a share. Returns the saved share's
 * name (newly allocated) or NULL if nothing was saved. */
char *share_form_run(const char *name);
/* "read-write,encrypt,hidden,abe", as lwadmin share list shows flags. */
void share_flags_text(const struct share *share, char *out, size_t size);

/* The share permission editor: principals and read/change/full. grants is a
 * NULL-terminated "PRINCIPAL:LEVEL" array (registry_strv_free), replaced on
 * OK. commit_share: when not NULL, OK saves the share's new descriptor in
 * its own transaction (the Shares list's 'p'); when NULL the caller saves
 * (the share form). Returns true on OK. */
bool share_permissions_edit(const char *share_name, char ***grants, const char *commit_share);
/* A share's permissions as grant strings. */
NTSTATUS share_permissions_read(const uint8_t *sd, size_t sd_len, char ***grants);
/* Builds a descriptor from grant strings. */
NTSTATUS share_permissions_build(char **grants, uint8_t **sd, size_t *sd_len, char **message);
/* "Administrators:full, Everyone:read" (newly allocated). */
char *share_permissions_summary(char **grants);

struct sam_user;
/* "enabled", "disabled", "locked-out", "no-password". */
const char *user_state_text(const struct sam_user *user);
/* The user forms; the first two return the saved user's name (newly
 * allocated) or NULL. */
char *user_add_form(void);
char *user_edit_form(const char *name);
void user_password_form(const char *name);

/* The members of a group, edited and saved in one transaction. */
void group_members_edit(const char *group_name);
/* The groups a user is a member of, edited and saved in one transaction. */
void user_groups_edit(const char *user_name);
/* A principal name typed into a form: NULL if it names a known account. */
char *console_validate_principal(const char *text);

/* ---- the live server (lwiod and its srv driver) ---------------------------------- */

struct live_session {
    uint64_t id;
    char *user;
    char *client;        /* "127.0.0.1:50123" */
    char *dialect;       /* "3.1.1" */
    char *shares;        /* its tree connects: "test,secret (encrypted)" */
    uint32_t open_files;
    int64_t connected_seconds;
    int64_t idle_seconds;
};

struct live_file {
    uint64_t id;
    char *user;
    char *share;
    char *path;
    uint32_t locks;
    char *access;        /* "read", "read,write" */
};

/* Whether lwiod accepts connections on its socket, sw_run_path(db,
 * "lwiod.sock"). Cheap; the app re-checks it every CONSOLE_LIVE_INTERVAL_MS. */
bool live_server_running(void);
/* The sessions and open files srv reports through the \srv device controls.
 * STATUS_NOT_IMPLEMENTED until those exist; STATUS_PORT_DISCONNECTED when
 * the server is not running. */
NTSTATUS live_sessions(struct live_session **sessions, size_t *count);
NTSTATUS live_files(struct live_file **files, size_t *count);
NTSTATUS live_session_close(uint64_t id);
NTSTATUS live_file_close(uint64_t id);
void live_sessions_free(struct live_session *sessions, size_t count);
/* Draws "server not running" (or "not reported yet") in a live screen's
 * content area; what names the list ("Sessions"). */
void live_draw_unavailable(int top, int height, NTSTATUS status, const char *what);
/* What the Sessions and Open files screens share. live_screen_draw draws the
 * title ("Sessions (3 of 3, live)") and the list, or why there is none.
 * live_screen_key does the key handling that does not depend on what is
 * listed (moving, '/' filters, and for c or Delete: server state, selection,
 * administrator). It returns false for a key it does not take; true
 * otherwise, with *to_close set when the caller should ask and close that
 * row. item is "file" or
 * "session", reported what the server reports ("open files", "sessions"). */
struct ui_list;
struct ui_row;
void live_screen_draw(struct ui_list *list, NTSTATUS state, const char *title, int top,
                      int height);
bool live_screen_key(struct ui_list *list, NTSTATUS state, int k, const char *item,
                     const char *reported, const struct ui_row **to_close);
/* "12:05", "3h07m", "2d04h". */
void console_format_duration(int64_t seconds, char *out, size_t size);
void live_files_free(struct live_file *files, size_t count);

/* ---- the dashboard's traffic panel (traffic.c) ------------------------------- */

#include "metrics/metrics.h"

/* Rates kept for the sparklines: two minutes at CONSOLE_LIVE_INTERVAL_MS. */
#define TRAFFIC_HISTORY 60

struct traffic {
    bool up;                   /* the last refresh reached srv */
    bool have_previous;
    int64_t previous_ms;
    struct metrics_summary last;
    double bytes_per_second[TRAFFIC_HISTORY]; /* read + written, oldest first */
    double ops_per_second[TRAFFIC_HISTORY];   /* SMB2 requests */
    size_t count;
};
extern struct traffic traffic;

/* Collects (metrics_collect) and adds a rate to the history. */
void traffic_refresh(void);
/* UTF-8 block characters for the last width values of a series. */
void traffic_sparkline(const double *values, size_t count, size_t width, char *out,
                       size_t size);

#endif
