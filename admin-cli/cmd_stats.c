/* lwadmin stats: the running appliance's counters, the same numbers the
 * metrics endpoint serves (metrics/metrics.h; docs/metrics.md).
 *
 *   stats                 a summary, then traffic by share, requests by
 *                         command (with mean latency), the daemons' CPU
 *                         and memory
 *   stats --json          the summary and every sample
 *   stats --prometheus    exactly what the endpoint would answer
 *
 * Exit 1 when the SMB server is not running. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin-cli/cli.h"
#include "metrics/metrics.h"
#include "srvctl/srvctl.h"

static json_t *sample_json(const struct sample *s)
{
    json_t *labels = json_object();
    for (size_t i = 0; labels && i < s->label_count; i++)
        json_object_set_new(labels, s->labels[i].key, json_string(s->labels[i].value));
    return json_pack("{s:s, s:o, s:f}", "name", s->name, "labels", labels ? labels : json_null(),
                     "value", s->value);
}

static int print_json(struct cli *cli, const struct sample_list *l)
{
    struct metrics_summary m;
    metrics_summarise(l, &m);
    json_t *samples = json_array();
    for (size_t i = 0; samples && i < l->count; i++)
        if (metric_family_of(l->items[i].name))
            json_array_append_new(samples, sample_json(&l->items[i]));
    json_t *summary = json_pack(
        "{s:b, s:b, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f}",
        "srv_up", m.srv_up, "lsass_up", m.lsass_up, "bytes_read", m.bytes_read,
        "bytes_written", m.bytes_written, "requests", m.requests, "requests_failed",
        m.requests_failed, "connections", m.connections, "sessions", m.sessions,
        "sessions_signing_required", m.sessions_signed, "sessions_encrypted",
        m.sessions_encrypted, "open_files", m.open_files, "tree_connects", m.tree_connects,
        "logons", m.logons, "logon_failures", m.logon_failures, "lockouts", m.lockouts,
        "oplock_breaks", m.oplock_breaks, "lease_breaks", m.lease_breaks);
    if (!samples || !summary) {
        json_decref(samples);
        json_decref(summary);
        return cli_fail(cli, "out of memory");
    }
    return cli_print_json(cli, json_pack("{s:o, s:o}", "summary", summary, "samples", samples));
}

static int print_text(struct cli *cli, const struct sample_list *l)
{
    struct metrics_summary m;
    metrics_summarise(l, &m);
    char read[32], written[32];
    metrics_format_bytes(m.bytes_read, read, sizeof read);
    metrics_format_bytes(m.bytes_written, written, sizeof written);
    printf("read:        %s\nwritten:     %s\n", read, written);
    printf("requests:    %.0f (%.0f failed)\n", m.requests, m.requests_failed);
    printf("connections: %.0f\nsessions:    %.0f (%.0f signing required, %.0f encrypted)\n",
           m.connections, m.sessions, m.sessions_signed, m.sessions_encrypted);
    printf("open files:  %.0f\ntree connects: %.0f\n", m.open_files, m.tree_connects);
    printf("breaks:      %.0f oplock, %.0f lease\n", m.oplock_breaks, m.lease_breaks);
    if (m.lsass_up)
        printf("logons:      %.0f (%.0f failed, %.0f lockouts)\n", m.logons, m.logon_failures,
               m.lockouts);
    else
        printf("logons:      unknown (lsassd did not answer)\n");

    static const char *const share_heads[] = { "SHARE", "READ", "WRITTEN", "READS", "WRITES" };
    struct cli_table t;
    cli_table_init(&t, 5, share_heads);
    for (size_t i = 0; i < l->count; i++) {
        const struct sample *s = &l->items[i];
        if (strcmp(s->name, "smb_share_read_bytes_total") != 0 || s->label_count != 1)
            continue;
        const char *share = s->labels[0].value;
        char r[32], w[32], rn[32], wn[32];
        metrics_format_bytes(s->value, r, sizeof r);
        metrics_format_bytes(sample_find(l, "smb_share_written_bytes_total", 0, "share", share, NULL), w,
                     sizeof w);
        snprintf(rn, sizeof rn, "%.0f", sample_find(l, "smb_share_reads_total", 0, "share", share, NULL));
        snprintf(wn, sizeof wn, "%.0f", sample_find(l, "smb_share_writes_total", 0, "share", share, NULL));
        const char *cells[] = { share, r, w, rn, wn };
        cli_table_add(&t, cells);
    }
    printf("\n");
    int rc = cli_table_print(cli, &t);

    static const char *const command_heads[] = { "COMMAND", "REQUESTS", "FAILED", "MEAN MS" };
    cli_table_init(&t, 4, command_heads);
    for (size_t i = 0; i < l->count; i++) {
        const struct sample *s = &l->items[i];
        if (strcmp(s->name, "smb_requests_total") != 0 || s->label_count != 1 || s->value == 0)
            continue;
        const char *command = s->labels[0].value;
        double sum = sample_find(l, "smb_request_duration_seconds_sum", 0, "command", command, NULL);
        char n[32], failed[32], mean[32];
        snprintf(n, sizeof n, "%.0f", s->value);
        snprintf(failed, sizeof failed, "%.0f",
                 sample_find(l, "smb_requests_failed_total", 0, "command", command, NULL));
        snprintf(mean, sizeof mean, "%.3f", sum * 1000 / s->value);
        const char *cells[] = { command, n, failed, mean };
        cli_table_add(&t, cells);
    }
    printf("\n");
    if (rc == CLI_OK)
        rc = cli_table_print(cli, &t);
    else
        cli_table_free(&t);

    static const char *const daemon_heads[] = { "DAEMON", "STATE", "CPU SECONDS", "MEMORY",
                                                "THREADS" };
    cli_table_init(&t, 5, daemon_heads);
    for (size_t i = 0; i < l->count; i++) {
        const struct sample *s = &l->items[i];
        if (strcmp(s->name, "samewise_up") != 0 || s->label_count != 1)
            continue;
        const char *daemon = s->labels[0].value;
        char cpu[32], rss[32], threads[32];
        snprintf(cpu, sizeof cpu, "%.2f",
                 sample_find(l, "samewise_process_cpu_seconds_total", 0, "daemon", daemon, NULL));
        metrics_format_bytes(sample_find(l, "samewise_process_resident_memory_bytes", 0, "daemon",
                                         daemon, NULL), rss, sizeof rss);
        snprintf(threads, sizeof threads, "%.0f",
                 sample_find(l, "samewise_process_threads", 0, "daemon", daemon, NULL));
        bool up = s->value == 1;
        const char *cells[] = { daemon, up ? "running" : "stopped", up ? cpu : NULL,
                                up ? rss : NULL, up ? threads : NULL };
        cli_table_add(&t, cells);
    }
    printf("\n");
    if (rc == CLI_OK)
        rc = cli_table_print(cli, &t);
    else
        cli_table_free(&t);
    return rc;
}

static int run_stats(struct cli *cli, const struct cli_command *command, int argc, char **argv)
{
    enum { OPT_PROMETHEUS = 0x2001 };
    static const struct option options[] = {
        { "prometheus", no_argument, NULL, OPT_PROMETHEUS }, CLI_COMMON_OPTIONS,
        { NULL, 0, NULL, 0 },
    };
    bool prometheus = false;
    int c;
    cli_getopt_reset();
    while ((c = cli_getopt(cli, command, argc, argv, "", options)) != -1) {
        switch (c) {
        case OPT_PROMETHEUS: prometheus = true; break;
        case CLI_GETOPT_HELP: return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (!cli_positional(cli, argc, argv, 0, 0))
        return CLI_USAGE;
    /* Say why srv cannot be asked (not running, access denied) as the other
     * live commands do, before collecting without it. */
    struct srvctl *ctl;
    int rc = cli_srvctl_open(cli, &ctl);
    if (rc != CLI_OK)
        return rc;
    srvctl_close(ctl);
    struct sample_list l;
    sample_list_init(&l);
    if (metrics_collect(cli->db_argument, &l) != STATUS_SUCCESS) {
        sample_list_free(&l);
        return cli_fail(cli, "out of memory");
    }
    struct metrics_summary m;
    metrics_summarise(&l, &m);
    if (!m.srv_up) {
        rc = cli_fail(cli, "the SMB server is not running (start it with 'lwadmin start')");
    } else if (prometheus) {
        char *text = metrics_render_text(&l, false);
        rc = text && fputs(text, stdout) >= 0 ? CLI_OK : cli_fail(cli, "out of memory");
        free(text);
    } else if (cli->json) {
        rc = print_json(cli, &l);
    } else {
        rc = print_text(cli, &l);
    }
    sample_list_free(&l);
    return rc;
}

const struct cli_command cli_command_stats = {
    .name = "stats",
    .summary = "show the running server's counters (the metrics endpoint's numbers)",
    .usage = "[--prometheus]\n"
             "    --prometheus  print them in the Prometheus text format, as the endpoint does\n",
    .run = run_stats,
};
