/* Logging for daemons and tools: levels, to stderr or syslog.
 *
 * Never pass a secret (password, hash, key, session key) to these calls: logs
 * are readable by more people than the registry is. */
#ifndef SW_LOG_H
#define SW_LOG_H

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
