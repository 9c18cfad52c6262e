/* Rate-limited logging: a call site prints at most its burst per interval,
 * then one summary line with the count of what it held back. The journal's
 * MESSAGE_IDs: well-formed, distinct, and each explained by the catalog; and
 * the journal is used only when standard error is the stream $JOURNAL_STREAM
 * names. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <stdbool.h>

#include "lib/log.h"
#include "t/tap/tap.h"

static char log_path[] = "/tmp/sw-lib-log.XXXXXX";

/* Lines written to the log file so far, and whether one contains needle. */
static int count_lines(const char *needle, int *matches)
{
    fflush(stderr);
    FILE *f = fopen(log_path, "r");
    char line[512];
    int n = 0;
    *matches = 0;
    while (f && fgets(line, sizeof line, f)) {
        n++;
        if (needle && strstr(line, needle))
            (*matches)++;
    }
    if (f)
        fclose(f);
    return n;
}

/* Every event's id: 32 lower-case hex digits, none repeated, each with its
 * "-- ID" entry in systemd/samewise.catalog, and no entry there without an
 * event. */
static void check_event_ids(void)
{
    const char *src = getenv("SW_SRC");
    char path[4096];
    snprintf(path, sizeof path, "%s/systemd/samewise.catalog", src && *src ? src : ".");
    FILE *f = fopen(path, "r");
    ok(f != NULL, "the journal catalog %s exists", path);
    char catalog[64][40];
    size_t entries = 0;
    char line[512];
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "-- ", 3) == 0 && entries < 64)
            snprintf(catalog[entries++], sizeof catalog[0], "%.32s", line + 3);
    if (f)
        fclose(f);
    ok(log_event_id(LOG_EVENT_NONE) == NULL && log_event_id(LOG_EVENT_COUNT) == NULL,
       "ordinary lines have no MESSAGE_ID");
    is_int((long long)entries, LOG_EVENT_COUNT - 1, "the catalog has one entry per event");
    for (int e = LOG_EVENT_NONE + 1; e < LOG_EVENT_COUNT; e++) {
        const char *id = log_event_id((enum log_event)e);
        bool well_formed = id && strlen(id) == 32 && strspn(id, "0123456789abcdef") == 32;
        ok(well_formed, "event %s: id %s is 32 lower-case hex digits", log_event_name((enum log_event)e),
           id ? id : "(none)");
        bool unique = true;
        for (int other = LOG_EVENT_NONE + 1; other < e; other++)
            unique = unique && strcmp(log_event_id((enum log_event)other), id ? id : "") != 0 &&
                     strcmp(log_event_name((enum log_event)other), log_event_name((enum log_event)e)) != 0;
        ok(unique, "event %s: its id and name are its own", log_event_name((enum log_event)e));
        bool documented = false;
        for (size_t i = 0; id && i < entries; i++)
            documented = documented || strcmp(catalog[i], id) == 0;
        ok(documented, "event %s: the catalog explains it", log_event_name((enum log_event)e));
    }
}

/* $JOURNAL_STREAM naming standard error (DEV:INO, as systemd sets it) turns
 * the journal on; naming another file leaves lines on standard error. */
static void check_journal_choice(void)
{
    struct stat st;
    fflush(stderr);
    if (fstat(STDERR_FILENO, &st) != 0) {
        ok(0, "fstat of standard error");
        return;
    }
    char value[64];
    snprintf(value, sizeof value, "%llu:%llu", (unsigned long long)st.st_dev,
             (unsigned long long)st.st_ino + 1);
    setenv("JOURNAL_STREAM", value, 1);
    log_open("lib-log", LOG_LEVEL_WARNING, 0);
    ok(!log_to_journal(), "JOURNAL_STREAM naming another file: not the journal");
    int matches, before = count_lines(NULL, &matches);
    log_event(LOG_EVENT_STARTED, LOG_LEVEL_INFO, "test: event under the threshold");
    is_int(count_lines(NULL, &matches), before,
           "outside the journal an event keeps the level threshold");
    log_event(LOG_EVENT_STARTED, LOG_LEVEL_WARNING, "test: event in the log file");
    count_lines("warning: test: event in the log file", &matches);
    is_int(matches, 1, "and is an ordinary line in the log file");

    snprintf(value, sizeof value, "%llu:%llu", (unsigned long long)st.st_dev,
             (unsigned long long)st.st_ino);
    setenv("JOURNAL_STREAM", value, 1);
    log_open("lib-log", LOG_LEVEL_WARNING, 0);
    ok(log_to_journal(), "JOURNAL_STREAM naming standard error: the journal");
    log_event(LOG_EVENT_STARTED, LOG_LEVEL_INFO, "test: event to the journal");
    count_lines("test: event to the journal", &matches);
    /* (Without journald, sd_journal_sendv drops it: journald gone is the
     * one case where a unit's standard error is not read either.) */
    is_int(matches, 0, "the event went to the journal, not to the file");
    unsetenv("JOURNAL_STREAM");
    log_open("lib-log", LOG_LEVEL_WARNING, 0);
}

static void refused(int i)
{
    log_ratelimited(LOG_LEVEL_WARNING, "test: connection %d refused", i);
}

int main(void)
{
    int fd = mkstemp(log_path);
    if (fd < 0 || !freopen(log_path, "w", stderr)) {
        ok(0, "a scratch log file");
        return done_testing();
    }
    close(fd);
    log_open("lib-log", LOG_LEVEL_WARNING, 0);

    int matches;
    for (int i = 0; i < 100000; i++)
        refused(i);
    int lines = count_lines("refused", &matches);
    is_int(lines, LOG_RATELIMIT_BURST, "100000 calls at one site print the burst only");

    /* Another site has its own budget. */
    log_ratelimited(LOG_LEVEL_WARNING, "test: other site");
    lines = count_lines("other site", &matches);
    is_int(matches, 1, "another call site still prints");

    /* Below the threshold: nothing printed, no budget used. */
    struct log_ratelimit quiet = { .burst = 2, .interval_ms = 100000 };
    for (int i = 0; i < 5; i++)
        log_ratelimited_message(&quiet, LOG_LEVEL_DEBUG, "test: debug %d", i);
    is_int(count_lines(NULL, &matches), lines,
           "debug lines under a warning threshold print nothing");
    ok(quiet.printed == 0 && quiet.suppressed == 0, "and use no budget");

    /* A short interval: the next window prints again, after one summary. */
    struct log_ratelimit site = { .burst = 3, .interval_ms = 100 };
    for (int i = 0; i < 10; i++)
        log_ratelimited_message(&site, LOG_LEVEL_WARNING, "test: burst line %d", i);
    count_lines("burst line", &matches);
    is_int(matches, 3, "burst 3: three of ten lines printed");
    nanosleep(&(struct timespec){ .tv_nsec = 200 * 1000 * 1000 }, NULL);
    log_ratelimited_message(&site, LOG_LEVEL_WARNING, "test: burst line %d", 10);
    count_lines("7 messages suppressed: test: burst line", &matches);
    is_int(matches, 1, "the next interval starts with a summary of the 7 held back");
    count_lines("burst line 10", &matches);
    is_int(matches, 1, "and prints the new line");

    check_event_ids();
    check_journal_choice();
    unlink(log_path);
    return done_testing();
}
