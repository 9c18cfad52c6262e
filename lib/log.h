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

#endif
