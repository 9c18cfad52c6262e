/* The catalogue: every metric the appliance exports, with its type and
 * meaning. docs/metrics.md lists the same (t/metrics-render.c compares). */
#include <string.h>

#include "metrics/metrics.h"

const struct metric_family metric_families[] = {
    /* The appliance's daemons (from their pid files and /proc). */
    { "samewise_info", METRIC_GAUGE, "Always 1; the version label says which Samewise runs." },
    { "samewise_up", METRIC_GAUGE, "1 if the daemon runs for this registry, else 0." },
    { "samewise_scrape_error", METRIC_GAUGE,
      "1 if the last collection could not read this source (srv, lsass), else 0." },
    { "samewise_process_cpu_seconds_total", METRIC_COUNTER,
      "CPU time (user and system) the daemon has used." },
    { "samewise_process_resident_memory_bytes", METRIC_GAUGE, "The daemon's resident memory." },
    { "samewise_process_virtual_memory_bytes", METRIC_GAUGE, "The daemon's virtual memory size." },
    { "samewise_process_threads", METRIC_GAUGE, "Threads of the daemon." },
    { "samewise_process_start_time_seconds", METRIC_GAUGE,
      "When the daemon started, in Unix seconds." },
    /* srv: traffic. */
    { "smb_share_read_bytes_total", METRIC_COUNTER,
      "Bytes clients read from the share (SMB2 READ payload)." },
    { "smb_share_written_bytes_total", METRIC_COUNTER,
      "Bytes clients wrote to the share (SMB2 WRITE payload)." },
    { "smb_share_reads_total", METRIC_COUNTER, "Successful SMB2 READs on the share." },
    { "smb_share_writes_total", METRIC_COUNTER, "Successful SMB2 WRITEs on the share." },
    { "smb_requests_total", METRIC_COUNTER, "SMB2 requests answered, by command." },
    { "smb_requests_failed_total", METRIC_COUNTER,
      "SMB2 requests answered with an error status, by command." },
    { "smb_request_duration_seconds", METRIC_HISTOGRAM,
      "Time from a request's arrival to its response, by command." },
    /* srv: state, counted at collection. */
    { "smb_connections", METRIC_GAUGE,
      "TCP connections by negotiated dialect (none: not negotiated yet)." },
    { "smb_connections_accepted_total", METRIC_COUNTER, "TCP connections accepted." },
    { "smb_sessions", METRIC_GAUGE,
      "Authenticated sessions by dialect, whether signing is required and whether the "
      "session is encrypted." },
    { "smb_tree_connects", METRIC_GAUGE, "Tree connects (shares in use)." },
    { "smb_open_files", METRIC_GAUGE, "Files and pipes open in sessions." },
    { "smb_durable_handles_disconnected", METRIC_GAUGE,
      "Durable opens kept for a client that lost its connection." },
    /* srv: protection and caching. */
    { "smb_messages_signed_total", METRIC_COUNTER, "Responses sent signed." },
    { "smb_messages_encrypted_total", METRIC_COUNTER, "Responses sent encrypted." },
    { "smb_messages_decrypted_total", METRIC_COUNTER, "Requests that arrived encrypted." },
    { "smb_oplock_breaks_total", METRIC_COUNTER, "Oplock break notifications sent." },
    { "smb_lease_breaks_total", METRIC_COUNTER, "Lease break notifications sent." },
    /* lsassd: authentication. */
    { "lsass_logons_total", METRIC_COUNTER, "Successful logons, by the provider that decided." },
    { "lsass_logon_failures_total", METRIC_COUNTER,
      "Failed logons, by provider (none: no provider knew the user) and reason." },
    { "lsass_lockouts_total", METRIC_COUNTER, "Accounts that became locked out." },
};
const size_t metric_family_count = sizeof metric_families / sizeof *metric_families;

const struct metric_family *metric_family_of(const char *name)
{
    static const char *const suffixes[] = { "_bucket", "_count", "_sum" };
    for (size_t i = 0; i < metric_family_count; i++) {
        const struct metric_family *f = &metric_families[i];
        size_t n = strlen(f->name);
        if (strncmp(name, f->name, n) != 0)
            continue;
        if (name[n] == 0)
            return f->type == METRIC_HISTOGRAM ? NULL : f;
        if (f->type != METRIC_HISTOGRAM)
            continue;
        for (size_t s = 0; s < 3; s++)
            if (strcmp(name + n, suffixes[s]) == 0)
                return f;
    }
    return NULL;
}
