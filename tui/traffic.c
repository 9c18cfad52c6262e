/* The dashboard's traffic panel: the metrics endpoint's numbers (gathered
 * by metrics/metrics.h, as `lwadmin stats` does), turned into rates between
 * two live refreshes, with a sparkline of the last TRAFFIC_HISTORY rates. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "metrics/metrics.h"
#include "tui/console.h"

struct traffic traffic;

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void traffic_refresh(void)
{
    struct sample_list l;
    sample_list_init(&l);
    struct metrics_summary m;
    bool ok = metrics_collect(app.db_path, &l) == STATUS_SUCCESS;
    metrics_summarise(&l, &m);
    sample_list_free(&l);
    int64_t now = now_ms();
    if (!ok || !m.srv_up) {
        traffic.up = false;
        traffic.have_previous = false; /* a restart starts the counters again */
        return;
    }
    if (traffic.have_previous && now > traffic.previous_ms) {
        double seconds = (double)(now - traffic.previous_ms) / 1000.0;
        double bytes = (m.bytes_read + m.bytes_written) -
                       (traffic.last.bytes_read + traffic.last.bytes_written);
        double ops = m.requests - traffic.last.requests;
        /* Counters only grow while srv runs; a drop is a restart between two
         * refreshes: no rate for that interval. */
        if (bytes >= 0 && ops >= 0) {
            if (traffic.count == TRAFFIC_HISTORY) { /* full: the oldest goes */
                memmove(traffic.bytes_per_second, traffic.bytes_per_second + 1,
                        (TRAFFIC_HISTORY - 1) * sizeof *traffic.bytes_per_second);
                memmove(traffic.ops_per_second, traffic.ops_per_second + 1,
                        (TRAFFIC_HISTORY - 1) * sizeof *traffic.ops_per_second);
                traffic.count--;
            }
            size_t at = traffic.count++;
            traffic.bytes_per_second[at] = bytes / seconds;
            traffic.ops_per_second[at] = ops / seconds;
        }
    }
    traffic.last = m;
    traffic.previous_ms = now;
    traffic.have_previous = true;
    traffic.up = true;
}

/* The last width values of a series as block characters scaled to its
 * largest value (a series of zeros is a flat line). */
void traffic_sparkline(const double *values, size_t count, size_t width, char *out,
                       size_t size)
{
    static const char *const blocks[] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
    size_t first = count > width ? count - width : 0;
    double max = 0;
    for (size_t i = first; i < count; i++)
        if (values[i] > max)
            max = values[i];
    size_t len = 0;
    out[0] = 0;
    for (size_t i = first; i < count; i++) {
        int level = max > 0 ? (int)lround(values[i] / max * 7) : 0;
        if (level < 0)
            level = 0;
        if (level > 7)
            level = 7;
        size_t n = strlen(blocks[level]);
        if (len + n + 1 > size)
            break;
        memcpy(out + len, blocks[level], n + 1);
        len += n;
    }
}
