/* Samples: a daemon's counters as a flat list of (name, labels, value), and
 * the one wire format that carries them between processes.
 *
 * srv (a \srv device control) and lsassd (an opcode of its socket protocol)
 * each answer "what are your numbers" with such a list; the metrics module
 * (metrics/metrics.h) gathers the lists, knows each name's type and meaning,
 * and renders them for Prometheus, `lwadmin stats` and lwconsole. Keeping
 * the producers ignorant of the exposition format means a new counter is one
 * line where it is counted plus one catalogue entry (docs/metrics.md).
 *
 * Wire format (little-endian): u32 count, then count records; a record is
 * u16 name length + name bytes, u8 label count (at most SAMPLE_MAX_LABELS),
 * that many (u16 + key bytes, u16 + value bytes), then the value as the 64
 * bits of an IEEE-754 double. Names and keys are [a-zA-Z_][a-zA-Z0-9_]*;
 * label values are UTF-8 without NUL. A reader checks every length and
 * refuses anything else (STATUS_INVALID_NETWORK_RESPONSE). */
#ifndef SW_LIB_SAMPLES_H
#define SW_LIB_SAMPLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "lib/ntstatus.h"

#define SAMPLE_MAX_LABELS 4
#define SAMPLE_MAX_NAME 128
#define SAMPLE_MAX_LABEL_VALUE 256
#define SAMPLE_MAX_COUNT 100000u

struct sample_label {
    char *key;
    char *value;
};

struct sample {
    char *name;
    size_t label_count;
    struct sample_label labels[SAMPLE_MAX_LABELS];
    double value;
};

struct sample_list {
    struct sample *items;
    size_t count, capacity;
    bool failed; /* out of memory, or a bad name: the list is incomplete */
};

void sample_list_init(struct sample_list *l);
void sample_list_free(struct sample_list *l);
/* Appends a sample. Labels are given as key, value pairs terminated by NULL:
 *     sample_add(l, "smb_share_read_bytes_total", 1234.0, "share", "data", NULL);
 * A bad name or key, or more than SAMPLE_MAX_LABELS labels, marks the list
 * failed (a programming error, found by the tests). */
void sample_add(struct sample_list *l, const char *name, double value, ...);
/* Moves every sample of from to the end of to (from is left empty). */
void sample_list_move(struct sample_list *to, struct sample_list *from);
/* The value of the first sample with this name and these labels (NULL-
 * terminated pairs, which must all match; others may be present), or def. */
double sample_find(const struct sample_list *l, const char *name, double def, ...);
/* Sum of every sample of this name. */
double sample_sum(const struct sample_list *l, const char *name);

/* Is s a valid metric or label name? */
bool sample_name_ok(const char *s);

void sample_list_write(struct buf *b, const struct sample_list *l);
/* Reads a whole buffer (bytes after the last record are refused). */
NTSTATUS sample_list_read(const void *data, size_t size, struct sample_list *out);

#endif
