/* lib/samples.h: building sample lists, finding values, and the wire codec
 * both ways, with the malformed inputs a reader must refuse. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/samples.h"
#include "t/tap/tap.h"

/* Encodes l and returns the bytes (in b). */
static void encode(struct buf *b, const struct sample_list *l)
{
    buf_init(b);
    sample_list_write(b, l);
}

static NTSTATUS decode_bytes(const uint8_t *data, size_t len)
{
    struct sample_list l;
    NTSTATUS st = sample_list_read(data, len, &l);
    sample_list_free(&l);
    return st;
}

int main(void)
{
    struct sample_list l;
    sample_list_init(&l);
    sample_add(&l, "smb_share_read_bytes_total", 1234, "share", "data", NULL);
    sample_add(&l, "smb_share_read_bytes_total", 10, "share", "other \"quoted\"", NULL);
    sample_add(&l, "smb_open_files", 3, NULL);
    sample_add(&l, "smb_request_duration_seconds_bucket", 7, "command", "READ", "le", "+Inf", NULL);
    sample_add(&l, "x", 0.25, NULL);
    ok(!l.failed && l.count == 5, "five samples added");
    is_int((long long)sample_find(&l, "smb_share_read_bytes_total", -1, "share", "data", NULL), 1234,
           "find by name and label");
    is_int((long long)sample_find(&l, "smb_share_read_bytes_total", -1, "share", "nope", NULL), -1,
           "a label value that matches nothing gives the default");
    is_int((long long)sample_find(&l, "smb_request_duration_seconds_bucket", -1, "le", "+Inf", NULL), 7,
           "a subset of the labels is enough");
    is_int((long long)sample_sum(&l, "smb_share_read_bytes_total"), 1244, "sum over labels");

    struct sample_list bad;
    sample_list_init(&bad);
    sample_add(&bad, "9starts_with_digit", 1, NULL);
    ok(bad.failed, "a name starting with a digit fails the list");
    sample_list_free(&bad);
    sample_add(&bad, "ok_name", 1, "bad-key", "v", NULL);
    ok(bad.failed, "a label key with a dash fails the list");
    sample_list_free(&bad);
    sample_add(&bad, "n", 1, "a", "1", "b", "2", "c", "3", "d", "4", "e", "5", NULL);
    ok(bad.failed, "more than SAMPLE_MAX_LABELS labels fail the list");
    sample_list_free(&bad);

    struct buf b;
    encode(&b, &l);
    struct sample_list back;
    is_int(sample_list_read(b.data, b.len, &back), STATUS_SUCCESS, "the encoding reads back");
    ok(back.count == l.count, "same count");
    bool same = back.count == l.count;
    for (size_t i = 0; same && i < l.count; i++) {
        same = strcmp(back.items[i].name, l.items[i].name) == 0 &&
               back.items[i].label_count == l.items[i].label_count &&
               back.items[i].value == l.items[i].value;
        for (size_t j = 0; same && j < l.items[i].label_count; j++)
            same = strcmp(back.items[i].labels[j].key, l.items[i].labels[j].key) == 0 &&
                   strcmp(back.items[i].labels[j].value, l.items[i].labels[j].value) == 0;
    }
    ok(same, "names, labels and values are the same (0.25 exactly)");
    sample_list_free(&back);

    /* Every truncation is refused. */
    bool all_refused = true;
    for (size_t n = 0; n < b.len; n++)
        all_refused = all_refused && decode_bytes(b.data, n) == STATUS_INVALID_NETWORK_RESPONSE;
    ok(all_refused, "every truncation of the encoding is refused");
    /* A byte after the last record. */
    uint8_t *longer = malloc(b.len + 1);
    memcpy(longer, b.data, b.len);
    longer[b.len] = 0;
    is_int(decode_bytes(longer, b.len + 1), STATUS_INVALID_NETWORK_RESPONSE, "a trailing byte is refused");
    free(longer);
    /* A count far beyond what the bytes hold is refused before any allocation. */
    uint8_t huge[16] = { 0xff, 0xff, 0xff, 0x7f };
    is_int(decode_bytes(huge, sizeof huge), STATUS_INVALID_NETWORK_RESPONSE, "a huge count is refused");
    /* A NUL inside a name; a bad name; too many labels. */
    struct buf w;
    buf_init(&w);
    wr_u32(&w, 1);
    wr_u16(&w, 3);
    wr_bytes(&w, "a\0b", 3);
    wr_u8(&w, 0);
    wr_u64(&w, 0);
    is_int(decode_bytes(w.data, w.len), STATUS_INVALID_NETWORK_RESPONSE, "a NUL in a name is refused");
    buf_reset(&w);
    wr_u32(&w, 1);
    wr_u16(&w, 3);
    wr_bytes(&w, "a b", 3);
    wr_u8(&w, 0);
    wr_u64(&w, 0);
    is_int(decode_bytes(w.data, w.len), STATUS_INVALID_NETWORK_RESPONSE, "a space in a name is refused");
    buf_reset(&w);
    wr_u32(&w, 1);
    wr_u16(&w, 1);
    wr_bytes(&w, "a", 1);
    wr_u8(&w, SAMPLE_MAX_LABELS + 1);
    for (int i = 0; i < SAMPLE_MAX_LABELS + 1; i++) {
        wr_u16(&w, 1);
        wr_bytes(&w, "k", 1);
        wr_u16(&w, 1);
        wr_bytes(&w, "v", 1);
    }
    wr_u64(&w, 0);
    is_int(decode_bytes(w.data, w.len), STATUS_INVALID_NETWORK_RESPONSE, "too many labels are refused");
    buf_reset(&w);
    wr_u32(&w, 0);
    struct sample_list empty;
    is_int(sample_list_read(w.data, w.len, &empty), STATUS_SUCCESS, "an empty list reads");
    ok(empty.count == 0, "... with no samples");
    sample_list_free(&empty);
    buf_free(&w);

    /* Moving keeps order and empties the source. */
    struct sample_list to;
    sample_list_init(&to);
    sample_add(&to, "first", 1, NULL);
    sample_list_move(&to, &l);
    ok(to.count == 6 && l.count == 0 && strcmp(to.items[1].name, "smb_share_read_bytes_total") == 0,
       "move appends in order and empties the source");
    ok(isfinite(to.items[5].value), "values survive the move");
    sample_list_free(&to);
    sample_list_free(&l);
    buf_free(&b);
    return tap_done();
}
