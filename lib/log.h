/* Logging for daemons and tools: levels, to stderr, syslog or the journal.
 *
 * Under systemd (standard error is the journal stream that $JOURNAL_STREAM
 * names) each line goes to journald as a structured entry with its PRIORITY,
 * SYSLOG_IDENTIFIER and, for the kinds of event below, a MESSAGE_ID, so that
 * `journalctl -p warning` and `journalctl MESSAGE_ID=...` select them.
 * Elsewhere lines go to standard error (a daemon's NAME.log) as before.
 *
 * Never pass a secret (password, hash, key, session key) to these calls: logs
 * are readable by more people than the registry is. */
#ifndef SW_LOG_H
#define SW_LOG_H

#include <stdbool.h>

enum log_level { LOG_LEVEL_ERROR, LOG_LEVEL_WARNING, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };

/* ident names the program in each line; to_syslog sends lines to syslog(3)
 * instead of stderr. Safe to call again (e.g. after daemonising). */
void log_open(const char *ident, enum log_level level, int to_syslog);
void log_set_level(enum log_level level);
enum log_level log_get_level(void);
/* Parses "error", "warning", "info", "debug"; -1 if unknown. */
int log_level_parse(const char *name);

void log_message(enum log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The kinds of event that carry a journal MESSAGE_ID. The ids are defined
 * once, in lib/log.c; systemd/samewise.catalog explains each to
 * `journalctl -x` (t/lib-log.c checks the two agree). */
enum log_event {
    LOG_EVENT_NONE,         /* an ordinary line: no MESSAGE_ID */
    LOG_EVENT_STARTED,      /* a daemon serves: it told its starter (and systemd) it is ready */
    LOG_EVENT_START_FAILED, /* a daemon could not start */
    LOG_EVENT_STOPPING,     /* a daemon was asked to stop (SIGTERM, SIGINT) */
    LOG_EVENT_STOPPED,      /* a daemon stopped cleanly */
    LOG_EVENT_RELOADED,     /* a daemon re-read its settings (SIGHUP or a registry change) */
    LOG_EVENT_LOGON,        /* lsassd: a logon succeeded (SMB, RPC bind or PAM) */
    LOG_EVENT_LOGON_FAILED, /* lsassd: a logon was refused (the status says why) */
    LOG_EVENT_LOCKOUT,      /* lsassd: an account was locked out by bad passwords */
    LOG_EVENT_COUNT
};

/* The MESSAGE_ID of an event (32 lower-case hex digits), or NULL for
 * LOG_EVENT_NONE and out-of-range values; and its short name
 * ("started", ...). */
const char *log_event_id(enum log_event event);
const char *log_event_name(enum log_event event);

/* log_message with the event's MESSAGE_ID when the line goes to the journal
 * (elsewhere the same line as log_message). In the journal an event is logged
 * whatever the level threshold: an administrator wants to see a daemon start
 * and stop at the default level (warning). So events are only what happens a few times
 * per run, never what a client can repeat. */
void log_event(enum log_event event, enum log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Is this process's standard error the journal stream systemd gave it? */
bool log_to_journal(void);

#define log_error(...) log_message(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warning(...) log_message(LOG_LEVEL_WARNING, __VA_ARGS__)
#define log_info(...) log_message(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...) log_message(LOG_LEVEL_DEBUG, __VA_ARGS__)

/* Rate limiting, for every line a remote party can trigger (a client's bad
 * frame, a refused connection): without it, a client repeating the cause can
 * fill the disk and spend a core on formatting. Each call site gets its own
 * budget: at most `burst` lines per `interval_ms` (LOG_RATELIMIT_BURST lines
 * per LOG_RATELIMIT_INTERVAL_MS when zero); lines over it are counted, and
 * the first line of a later interval is preceded by one summary line, "N
 * messages suppressed: <format>". (A summary waits for that next line: there
 * is no timer.) Thread-safe. */
#define LOG_RATELIMIT_BURST 10
#define LOG_RATELIMIT_INTERVAL_MS 5000

struct log_ratelimit {
    unsigned burst;              /* 0: LOG_RATELIMIT_BURST */
    unsigned interval_ms;        /* 0: LOG_RATELIMIT_INTERVAL_MS */
    /* state, under the module's lock */
    unsigned long long window_start_ms;
    unsigned printed;
    unsigned long suppressed;
};

void log_ratelimited_message(struct log_ratelimit *limit, enum log_level level,
                             const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* log_ratelimited(LOG_LEVEL_WARNING, "srv: %s: refused", peer): a budget of
 * its own for this call site, with the default burst and interval. */
#define log_ratelimited(level, ...)                                    \
    do {                                                               \
        static struct log_ratelimit log_ratelimit_site_;               \
        log_ratelimited_message(&log_ratelimit_site_, level, __VA_ARGS__); \
    } while (0)

#endif
