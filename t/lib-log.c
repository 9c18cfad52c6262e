/* Rate-limited logging: a call site prints at most its burst per interval,
 * then one summary line with the count of what it held back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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
    unlink(log_path);
    return done_testing();
}
