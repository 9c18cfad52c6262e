/* metrics/: the catalogue against docs/metrics.md (every family documented
 * with its type, nothing documented that is not exported), and the text
 * formats: HELP and TYPE once per family, histogram samples under their
 * family, label values escaped, OpenMetrics counter names without _total
 * and its # EOF, unknown samples left out, the summary's sums. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/metrics.h"
#include "t/tap/tap.h"

static char *read_doc(void)
{
    const char *src = getenv("SW_SRC");
    char path[4096];
    snprintf(path, sizeof path, "%s/docs/metrics.md", src ? src : ".");
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    static char text[1 << 17];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = 0;
    return text;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

int main(void)
{
    char *doc = read_doc();
    ok(doc != NULL, "docs/metrics.md is readable");
    bool all = doc != NULL;
    for (size_t i = 0; doc && i < metric_family_count; i++) {
        const struct metric_family *f = &metric_families[i];
        char row[256];
        const char *type = f->type == METRIC_COUNTER ? "counter"
                           : f->type == METRIC_GAUGE ? "gauge" : "histogram";
        snprintf(row, sizeof row, "| `%s` | %s |", f->name, type);
        if (!strstr(doc, row)) {
            tap_diag("not documented as '%s'", row);
            all = false;
        }
    }
    ok(all, "every family of the catalogue is in docs/metrics.md with its type");
    /* Every documented row names a family of the catalogue. */
    bool known = doc != NULL;
    for (const char *p = doc ? strstr(doc, "\n| `") : NULL; p; p = strstr(p + 1, "\n| `")) {
        char name[128], type[32];
        if (sscanf(p, "\n| `%127[a-z_]` | %31[a-z] |", name, type) != 2 ||
            (strcmp(type, "counter") != 0 && strcmp(type, "gauge") != 0 &&
             strcmp(type, "histogram") != 0))
            continue; /* not a row of a metrics table */
        bool found = false;
        for (size_t i = 0; i < metric_family_count && !found; i++)
            found = strcmp(metric_families[i].name, name) == 0;
        if (!found) {
            tap_diag("documented but not exported: %s", name);
            known = false;
        }
    }
    ok(known, "every metric documented is exported");

    struct sample_list l;
    sample_list_init(&l);
    sample_add(&l, "smb_share_read_bytes_total", 1234, "share", "a\"b\\c\nd", NULL);
    sample_add(&l, "smb_request_duration_seconds_bucket", 3, "command", "READ", "le", "0.001", NULL);
    sample_add(&l, "smb_request_duration_seconds_bucket", 4, "command", "READ", "le", "+Inf", NULL);
    sample_add(&l, "smb_request_duration_seconds_count", 4, "command", "READ", NULL);
    sample_add(&l, "smb_request_duration_seconds_sum", 0.5, "command", "READ", NULL);
    sample_add(&l, "not_in_the_catalogue", 9, NULL);
    sample_add(&l, "smb_sessions", 2, "dialect", "3.1.1", "signing", "required", "encryption", "yes", NULL);
    sample_add(&l, "smb_sessions", 1, "dialect", "2.1", "signing", "optional", "encryption", "no", NULL);
    sample_add(&l, "samewise_scrape_error", 0, "source", "srv", NULL);
    sample_add(&l, "samewise_scrape_error", 1, "source", "lsass", NULL);
    char *text = metrics_render_text(&l, false);
    ok(text != NULL, "rendered");
    ok(strstr(text, "# TYPE smb_share_read_bytes_total counter\n") != NULL, "a counter's TYPE");
    ok(strstr(text, "smb_share_read_bytes_total{share=\"a\\\"b\\\\c\\nd\"} 1234\n") != NULL,
       "label value escaped (quote, backslash, line feed); an integer without decimals");
    is_int((long long)count(text, "# TYPE smb_request_duration_seconds histogram"), 1,
           "one TYPE line for the histogram");
    ok(strstr(text, "smb_request_duration_seconds_sum{command=\"READ\"} 0.5\n") != NULL,
       "the histogram's sum under its family");
    ok(strstr(text, "not_in_the_catalogue") == NULL, "a sample the catalogue does not know is left out");
    ok(strstr(text, "# EOF") == NULL, "no # EOF in the Prometheus format");
    free(text);
    text = metrics_render_text(&l, true);
    ok(strstr(text, "# TYPE smb_share_read_bytes counter\n") != NULL,
       "OpenMetrics: the counter family without _total");
    ok(strstr(text, "smb_share_read_bytes_total{") != NULL, "... its sample keeps _total");
    size_t len = strlen(text);
    ok(len > 6 && strcmp(text + len - 6, "# EOF\n") == 0, "OpenMetrics ends with # EOF");
    free(text);

    struct metrics_summary m;
    metrics_summarise(&l, &m);
    ok(m.sessions == 3 && m.sessions_encrypted == 2 && m.sessions_signed == 2,
       "summary: sessions summed over labels, encrypted and signing counted by label");
    ok(m.srv_up && !m.lsass_up, "summary: up from the scrape errors");
    ok(m.bytes_read == 1234, "summary: bytes read");
    sample_list_free(&l);
    return tap_done();
}
