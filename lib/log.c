#include "lib/log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-journal.h>

static const char *log_ident = "samewise";
static enum log_level log_threshold = LOG_LEVEL_WARNING;
static int log_to_syslog;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *const level_names[] = { "error", "warning", "info", "debug" };
static const int level_priorities[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };

/* The one definition of the journal's MESSAGE_IDs (made with
 * `systemd-id128 new`; never change one: administrators filter on them).
 * systemd/samewise.catalog documents each; t/lib-log.c checks it does. */
static const struct {
    const char *id;
    const char *name;
} log_events[LOG_EVENT_COUNT] = {
    [LOG_EVENT_STARTED] = { "8b823ae4c3d94d8a82fcd3a70c119cbd", "started" },
    [LOG_EVENT_START_FAILED] = { "55fd2d61ef1947f28f9760b1e77dd696", "start-failed" },
    [LOG_EVENT_STOPPING] = { "d579d8ee4d454d938177baad2d50680b", "stopping" },
    [LOG_EVENT_STOPPED] = { "851d9a2e14114db08895500995fd158a", "stopped" },
    [LOG_EVENT_RELOADED] = { "78cb77b6a1f6458593af7e4f7439cbd5", "reloaded" },
    [LOG_EVENT_LOGON] = { "c31aeef5c45a458094ff32ec166f6ecb", "logon" },
    [LOG_EVENT_LOGON_FAILED] = { "67d26bc71e654a6fb472b7fe2fb2a6d0", "logon-failed" },
    [LOG_EVENT_LOCKOUT] = { "49f4b8a34d8b4b20b94f6912e97742b2", "lockout" },
};

const char *log_event_id(enum log_event event)
{
    return event > LOG_EVENT_NONE && event < LOG_EVENT_COUNT ? log_events[event].id : NULL;
}

const char *log_event_name(enum log_event event)
{
    return event > LOG_EVENT_NONE && event < LOG_EVENT_COUNT ? log_events[event].name : NULL;
}

/* The journal stream systemd connected standard error to ("DEV:INO" in
 * $JOURNAL_STREAM), read once by log_open. Standard error is compared with it
 * at each line: a daemon that detaches, or a child that inherited the
 * variable with another standard error, must not take its log file for the
 * journal. */
static bool journal_known;
static dev_t journal_dev;
static ino_t journal_ino;

static void read_journal_stream(void)
{
    const char *stream = getenv("JOURNAL_STREAM");
    unsigned long long dev, ino;
    journal_known = stream && sscanf(stream, "%llu:%llu", &dev, &ino) == 2;
    if (journal_known) {
        journal_dev = (dev_t)dev;
        journal_ino = (ino_t)ino;
    }
}

bool log_to_journal(void)
{
    struct stat st;
    return journal_known && fstat(STDERR_FILENO, &st) == 0 && st.st_dev == journal_dev &&
           st.st_ino == journal_ino;
}

void log_open(const char *ident, enum log_level level, int to_syslog)
{
    log_ident = ident;
    log_threshold = level;
    log_to_syslog = to_syslog;
    read_journal_stream();
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

/* One structured journal entry. If the entry cannot be sent (too large, out
 * of memory), the line goes to standard error, the journal stream too, with
 * the priority prefix the stream understands. */
static void journal_line(enum log_event event, enum log_level level, const char *fmt, va_list ap)
{
    enum { PREFIX = sizeof "MESSAGE=" - 1 };
    char message[4096], priority[16], ident[80], id[48];
    memcpy(message, "MESSAGE=", PREFIX);
    int len = vsnprintf(message + PREFIX, sizeof message - PREFIX, fmt, ap);
    size_t message_len = len < 0 ? PREFIX
                         : PREFIX + ((size_t)len < sizeof message - PREFIX ? (size_t)len
                                                                            : sizeof message - PREFIX - 1);
    struct iovec fields[4];
    int n = 0;
    fields[n++] = (struct iovec){ message, message_len };
    len = snprintf(priority, sizeof priority, "PRIORITY=%d", level_priorities[level]);
    fields[n++] = (struct iovec){ priority, (size_t)len };
    len = snprintf(ident, sizeof ident, "SYSLOG_IDENTIFIER=%s", log_ident);
    fields[n++] = (struct iovec){ ident, len < (int)sizeof ident ? (size_t)len : sizeof ident - 1 };
    const char *message_id = log_event_id(event);
    if (message_id) {
        len = snprintf(id, sizeof id, "MESSAGE_ID=%s", message_id);
        fields[n++] = (struct iovec){ id, (size_t)len };
    }
    if (sd_journal_sendv(fields, n) >= 0)
        return;
    pthread_mutex_lock(&log_lock);
    fprintf(stderr, "<%d>%s\n", level_priorities[level], message + PREFIX);
    pthread_mutex_unlock(&log_lock);
}

static void log_vevent(enum log_event event, enum log_level level, const char *fmt, va_list ap)
{
    if (log_to_syslog) {
        vsyslog(level_priorities[level], fmt, ap);
    } else if (log_to_journal()) {
        journal_line(event, level, fmt, ap);
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

static void log_vmessage(enum log_level level, const char *fmt, va_list ap)
{
    log_vevent(LOG_EVENT_NONE, level, fmt, ap);
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

void log_event(enum log_event event, enum log_level level, const char *fmt, ...)
{
    /* In the journal, events pass the threshold (lib/log.h); a log file
     * keeps the threshold, as the tests and lwadmin's error tails expect. */
    if (level > log_threshold && !(log_event_id(event) && log_to_journal()))
        return;
    va_list ap;
    va_start(ap, fmt);
    log_vevent(event, level, fmt, ap);
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
