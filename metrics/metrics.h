/* metrics: the appliance's numbers, gathered and rendered.
 *
 * One place knows every metric's name, type and meaning (the catalogue,
 * docs/metrics.md) and gathers the samples the daemons produce (srv through
 * the \srv STATS control, lsassd through LSASS_OP_STATS, every daemon's
 * memory and CPU from /proc). Three front ends show them: the HTTP endpoint
 * in lwiod (Prometheus text or OpenMetrics), `lwadmin stats [--json]` and
 * lwconsole's dashboard, so they always agree.
 *
 *     struct sample_list s;
 *     sample_list_init(&s);
 *     metrics_collect(db_path, &s);      // never fails for a daemon that is down:
 *                                        // samewise_up{daemon} says so
 *     char *text = metrics_render_text(&s, false);
 *     ...
 *     free(text); sample_list_free(&s);
 */
#ifndef SW_METRICS_H
#define SW_METRICS_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/ntstatus.h"
#include "lib/samples.h"

enum metric_type { METRIC_COUNTER, METRIC_GAUGE, METRIC_HISTOGRAM };

struct metric_family {
    const char *name;      /* the family: "smb_requests_total", "smb_request_duration_seconds" */
    enum metric_type type;
    const char *help;
};

/* The catalogue, in the order families are rendered. */
extern const struct metric_family metric_families[];
extern const size_t metric_family_count;
/* The family a sample name belongs to (a histogram's _bucket, _count and _sum
 * samples belong to it); NULL if the catalogue does not know it. */
const struct metric_family *metric_family_of(const char *sample_name);

/* Gathers everything for the instance of db_path (NULL: $SAMEWISE_DB, then
 * the installed default) into *out. A daemon that is not running, or that
 * refuses, leaves its samples out and samewise_up{daemon} 0;
 * samewise_scrape_error{source} says which source failed. STATUS_NO_MEMORY
 * is the only failure. */
NTSTATUS metrics_collect(const char *db_path, struct sample_list *out);

/* The Prometheus text exposition format (version 0.0.4), or with
 * openmetrics the OpenMetrics text format (counter families named without
 * _total, "# EOF" at the end). malloc'd; NULL when out of memory. Samples
 * the catalogue does not know are left out. */
char *metrics_render_text(const struct sample_list *samples, bool openmetrics);
#define METRICS_CONTENT_TYPE_TEXT "text/plain; version=0.0.4; charset=utf-8"
#define METRICS_CONTENT_TYPE_OPENMETRICS \
    "application/openmetrics-text; version=1.0.0; charset=utf-8"

/* The summary `lwadmin stats` and lwconsole show (sums over labels). */
struct metrics_summary {
    bool srv_up, lsass_up;
    double bytes_read, bytes_written;  /* all shares */
    double requests;                   /* all commands */
    double requests_failed;
    double connections, sessions, open_files, tree_connects;
    double sessions_signed, sessions_encrypted;
    double logons, logon_failures, lockouts;
    double oplock_breaks, lease_breaks;
};
void metrics_summarise(const struct sample_list *samples, struct metrics_summary *out);
/* "1.5 GiB", "12.0 KiB", "300 B": bytes for a person (binary units). */
void metrics_format_bytes(double bytes, char *out, size_t size);

#endif
