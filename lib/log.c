#include "lib/log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

static const char *log_ident = "samewise";
static enum log_level log_threshold = LOG_LEVEL_WARNING;
static int log_to_syslog;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *const level_names[] = { "error", "warning", "info", "debug" };

void log_open(const char *ident, enum log_level level, int to_syslog)
{
    log_ident = ident;
    log_threshold = level;
    log_to_syslog = to_syslog;
    if (to_syslog)
        openlog(ident, LOG_PID, LOG_DAEMON);
}

void log_set_level(enum log_level level) { log_threshold = level; }
enum log_level log_get_level(void) { return log_threshold; }

int log_level_parse(const char *name)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(name, level_names[i]) == 0)
            return i;
    return -1;
}

static void log_vmessage(enum log_level level, const char *fmt, va_list ap)
{
    if (log_to_syslog) {
        static const int priorities[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
        vsyslog(priorities[level], fmt, ap);
    } else {
        char stamp[32];
        struct timespec now;
        struct tm tm;
        clock_gettime(CLOCK_REALTIME, &now);
        localtime_r(&now.tv_sec, &tm);
        strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);
        /* One lock so lines from several threads never interleave. */
        pthread_mutex_lock(&log_lock);
        fprintf(stderr, "%s.%03ld %s[%d] %s: ", stamp, now.tv_nsec / 1000000, log_ident,
                (int)getpid(), level_names[level]);
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
        pthread_mutex_unlock(&log_lock);
    }
}

void log_message(enum log_level level, const char *fmt, ...)
{
    if (level > log_threshold)
        return;
    va_list ap;
    va_start(ap, fmt);
    log_vmessage(level, fmt, ap);
    va_end(ap);
}

/* One lock for every call site's budget: taken briefly, never while
 * writing a line. */
static pthread_mutex_t ratelimit_lock = PTHREAD_MUTEX_INITIALIZER;

static unsigned long long monotonic_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (unsigned long long)now.tv_sec * 1000ull + (unsigned long long)now.tv_nsec / 1000000;
}

void log_ratelimited_message(struct log_ratelimit *limit, enum log_level level,
                             const char *fmt, ...)
{
    /* Lines below the threshold cost nothing and use no budget. */
    if (level > log_threshold)
        return;
    unsigned burst = limit->burst ? limit->burst : LOG_RATELIMIT_BURST;
    unsigned interval = limit->interval_ms ? limit->interval_ms : LOG_RATELIMIT_INTERVAL_MS;
    unsigned long long now = monotonic_ms();
    unsigned long suppressed = 0;
    bool print;
    pthread_mutex_lock(&ratelimit_lock);
    if (limit->printed == 0 || now - limit->window_start_ms >= interval) {
        suppressed = limit->suppressed;
        limit->suppressed = 0;
        limit->window_start_ms = now;
        limit->printed = 0;
    }
    print = limit->printed < burst;
    if (print)
        limit->printed++;
    else
        limit->suppressed++;
    pthread_mutex_unlock(&ratelimit_lock);
    if (suppressed)
        log_message(level, "%lu messages suppressed: %s", suppressed, fmt);
    if (print) {
        va_list ap;
        va_start(ap, fmt);
        log_vmessage(level, fmt, ap);
        va_end(ap);
    }
}
