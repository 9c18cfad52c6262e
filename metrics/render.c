/* The text formats: Prometheus 0.0.4 and OpenMetrics 1.0 (metrics.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "metrics/metrics.h"

static void put(struct buf *b, const char *s)
{
    wr_bytes(b, s, strlen(s));
}

/* A label value: backslash, double quote and line feed escaped (both
 * formats agree on these three). */
static void put_label_value(struct buf *b, const char *v)
{
    for (; *v; v++) {
        if (*v == '\\')
            put(b, "\\\\");
        else if (*v == '"')
            put(b, "\\\"");
        else if (*v == '\n')
            put(b, "\\n");
        else
            wr_u8(b, (uint8_t)*v);
    }
}

static void put_value(struct buf *b, double v)
{
    char text[40];
    if (isnan(v))
        snprintf(text, sizeof text, "NaN");
    else if (isinf(v))
        snprintf(text, sizeof text, v > 0 ? "+Inf" : "-Inf");
    else if (v == floor(v) && fabs(v) < 9007199254740992.0)
        snprintf(text, sizeof text, "%.0f", v); /* counters: exact integers */
    else
        snprintf(text, sizeof text, "%.15g", v);
    put(b, text);
}

static void put_sample(struct buf *b, const struct sample *s)
{
    put(b, s->name);
    if (s->label_count) {
        wr_u8(b, '{');
        for (size_t i = 0; i < s->label_count; i++) {
            if (i)
                wr_u8(b, ',');
            put(b, s->labels[i].key);
            put(b, "=\"");
            put_label_value(b, s->labels[i].value);
            wr_u8(b, '"');
        }
        wr_u8(b, '}');
    }
    wr_u8(b, ' ');
    put_value(b, s->value);
    wr_u8(b, '\n');
}

char *metrics_render_text(const struct sample_list *l, bool openmetrics)
{
    struct buf b;
    buf_init(&b);
    for (size_t f = 0; f < metric_family_count; f++) {
        const struct metric_family *fam = &metric_families[f];
        bool any = false;
        for (size_t i = 0; i < l->count; i++) {
            if (metric_family_of(l->items[i].name) != fam)
                continue;
            if (!any) {
                /* OpenMetrics names a counter family without its _total. */
                char name[SAMPLE_MAX_NAME + 1];
                snprintf(name, sizeof name, "%s", fam->name);
                size_t n = strlen(name);
                if (openmetrics && fam->type == METRIC_COUNTER && n > 6 &&
                    strcmp(name + n - 6, "_total") == 0)
                    name[n - 6] = 0;
                const char *type = fam->type == METRIC_COUNTER ? "counter"
                                   : fam->type == METRIC_GAUGE ? "gauge"
                                                               : "histogram";
                put(&b, "# HELP ");
                put(&b, name);
                wr_u8(&b, ' ');
                put(&b, fam->help); /* the catalogue's: no backslash or line feed */
                put(&b, "\n# TYPE ");
                put(&b, name);
                wr_u8(&b, ' ');
                put(&b, type);
                wr_u8(&b, '\n');
                any = true;
            }
            put_sample(&b, &l->items[i]);
        }
    }
    if (openmetrics)
        put(&b, "# EOF\n");
    wr_u8(&b, 0);
    if (!wr_ok(&b)) {
        buf_free(&b);
        return NULL;
    }
    size_t len;
    return (char *)buf_steal(&b, &len);
}

/* The sum of a metric's samples whose label key has value (key NULL: all). */
static double sum_where(const struct sample_list *l, const char *name, const char *key,
                        const char *value)
{
    double sum = 0;
    for (size_t i = 0; i < l->count; i++) {
        const struct sample *s = &l->items[i];
        if (strcmp(s->name, name) != 0)
            continue;
        bool match = key == NULL;
        for (size_t j = 0; j < s->label_count && !match; j++)
            match = strcmp(s->labels[j].key, key) == 0 && strcmp(s->labels[j].value, value) == 0;
        if (match)
            sum += s->value;
    }
    return sum;
}

void metrics_summarise(const struct sample_list *l, struct metrics_summary *out)
{
    memset(out, 0, sizeof *out);
    out->srv_up = sample_find(l, "samewise_scrape_error", 1, "source", "srv", NULL) == 0;
    out->lsass_up = sample_find(l, "samewise_scrape_error", 1, "source", "lsass", NULL) == 0;
    out->bytes_read = sum_where(l, "smb_share_read_bytes_total", NULL, NULL);
    out->bytes_written = sum_where(l, "smb_share_written_bytes_total", NULL, NULL);
    out->requests = sum_where(l, "smb_requests_total", NULL, NULL);
    out->requests_failed = sum_where(l, "smb_requests_failed_total", NULL, NULL);
    out->connections = sum_where(l, "smb_connections", NULL, NULL);
    out->sessions = sum_where(l, "smb_sessions", NULL, NULL);
    out->sessions_signed = sum_where(l, "smb_sessions", "signing", "required");
    out->sessions_encrypted = sum_where(l, "smb_sessions", "encryption", "yes");
    out->open_files = sum_where(l, "smb_open_files", NULL, NULL);
    out->tree_connects = sum_where(l, "smb_tree_connects", NULL, NULL);
    out->logons = sum_where(l, "lsass_logons_total", NULL, NULL);
    out->logon_failures = sum_where(l, "lsass_logon_failures_total", NULL, NULL);
    out->lockouts = sum_where(l, "lsass_lockouts_total", NULL, NULL);
    out->oplock_breaks = sum_where(l, "smb_oplock_breaks_total", NULL, NULL);
    out->lease_breaks = sum_where(l, "smb_lease_breaks_total", NULL, NULL);
}

void metrics_format_bytes(double v, char *out, size_t size)
{
    static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
    size_t u = 0;
    while (v >= 1024 && u < 4) {
        v /= 1024;
        u++;
    }
    snprintf(out, size, u ? "%.1f %s" : "%.0f %s", v, units[u]);
}
