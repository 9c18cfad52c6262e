/* Gathering the samples of one instance (metrics.h): srv and lsassd over
 * their control channels, every daemon's memory and CPU from /proc. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "lib/paths.h"
#include "lsass/client/lsass_client.h"
#include "metrics/metrics.h"
#include "srvctl/srvctl.h"
#include "supervise/supervise.h"

/* How long a collection waits for lsassd: a scrape must not hang. */
#define LSASS_TIMEOUT_SECONDS 2

static bool read_small_file(const char *path, char *out, size_t cap)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return false;
    size_t n = fread(out, 1, cap - 1, f);
    fclose(f);
    out[n] = 0;
    return n > 0;
}

/* The boot time (Unix seconds), to turn a process's start (clock ticks
 * after boot) into a time. */
static double boot_time(void)
{
    char text[8192];
    if (!read_small_file("/proc/stat", text, sizeof text))
        return 0;
    const char *line = strstr(text, "\nbtime ");
    return line ? strtod(line + 7, NULL) : 0;
}

/* /proc/PID/stat (proc(5)): the fields after the command's closing
 * parenthesis, counted from field 3 (state). */
static void add_process(struct sample_list *l, const char *daemon, pid_t pid)
{
    char path[64], text[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    if (!read_small_file(path, text, sizeof text))
        return;
    const char *p = strrchr(text, ')');
    if (!p)
        return;
    p++;
    unsigned long long field[64] = { 0 };
    int n = 3;
    for (char *end; *p && n < 64;) {
        while (*p == ' ')
            p++;
        if (n == 3) { /* state: a letter */
            p = strchr(p, ' ');
            if (!p)
                return;
            n++;
            continue;
        }
        field[n] = strtoull(p, &end, 10);
        if (end == p)
            break;
        p = end;
        n++;
    }
    if (n <= 24)
        return;
    double ticks = (double)sysconf(_SC_CLK_TCK);
    double page = (double)sysconf(_SC_PAGESIZE);
    sample_add(l, "samewise_process_cpu_seconds_total", (double)(field[14] + field[15]) / ticks,
               "daemon", daemon, NULL);
    sample_add(l, "samewise_process_threads", (double)field[20], "daemon", daemon, NULL);
    sample_add(l, "samewise_process_start_time_seconds", boot_time() + (double)field[22] / ticks,
               "daemon", daemon, NULL);
    sample_add(l, "samewise_process_virtual_memory_bytes", (double)field[23], "daemon", daemon,
               NULL);
    sample_add(l, "samewise_process_resident_memory_bytes", (double)field[24] * page, "daemon",
               daemon, NULL);
}

static void collect_daemons(const char *db_path, struct sample_list *l)
{
    for (size_t i = 0; i < SUPERVISE_DAEMON_COUNT; i++) {
        const char *name = supervise_daemon_names[i];
        struct supervise_process proc;
        bool running = supervise_find(db_path, name, &proc) == STATUS_SUCCESS && proc.running;
        sample_add(l, "samewise_up", running ? 1 : 0, "daemon", name, NULL);
        if (running)
            add_process(l, name, proc.pid);
    }
}

static bool collect_srv(const char *db_path, struct sample_list *l)
{
    struct srvctl *ctl;
    NTSTATUS status = srvctl_open(db_path, &ctl);
    if (status != STATUS_SUCCESS)
        return false;
    status = srvctl_stats(ctl, l);
    srvctl_close(ctl);
    return status == STATUS_SUCCESS;
}

static bool collect_lsass(const char *db_path, struct sample_list *l)
{
    struct lsass_client *c;
    if (lsass_client_open(db_path, &c) != STATUS_SUCCESS)
        return false;
    lsass_client_set_timeout(c, LSASS_TIMEOUT_SECONDS);
    NTSTATUS status = lsass_client_stats(c, l);
    lsass_client_close(c);
    return status == STATUS_SUCCESS;
}

NTSTATUS metrics_collect(const char *db_argument, struct sample_list *out)
{
    char *db_path = sw_db_path(db_argument);
    if (!db_path)
        return STATUS_NO_MEMORY;
    sample_add(out, "samewise_info", 1, "version", SW_VERSION, NULL);
    collect_daemons(db_path, out);
    bool srv = collect_srv(db_path, out);
    bool lsass = collect_lsass(db_path, out);
    sample_add(out, "samewise_scrape_error", srv ? 0 : 1, "source", "srv", NULL);
    sample_add(out, "samewise_scrape_error", lsass ? 0 : 1, "source", "lsass", NULL);
    free(db_path);
    return out->failed ? STATUS_NO_MEMORY : STATUS_SUCCESS;
}
