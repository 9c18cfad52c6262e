/* Sample lists and their wire codec (samples.h). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lib/samples.h"

void sample_list_init(struct sample_list *l)
{
    memset(l, 0, sizeof *l);
}

static void sample_clear(struct sample *s)
{
    free(s->name);
    for (size_t i = 0; i < s->label_count; i++) {
        free(s->labels[i].key);
        free(s->labels[i].value);
    }
}

void sample_list_free(struct sample_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        sample_clear(&l->items[i]);
    free(l->items);
    sample_list_init(l);
}

bool sample_name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > SAMPLE_MAX_NAME)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        if (!alpha && !(i > 0 && c >= '0' && c <= '9'))
            return false;
    }
    return true;
}

static struct sample *grow(struct sample_list *l)
{
    if (l->failed)
        return NULL;
    if (l->count == l->capacity) {
        size_t cap = l->capacity ? l->capacity * 2 : 64;
        struct sample *items = realloc(l->items, cap * sizeof *items);
        if (!items) {
            l->failed = true;
            return NULL;
        }
        l->items = items;
        l->capacity = cap;
    }
    struct sample *s = &l->items[l->count];
    memset(s, 0, sizeof *s);
    return s;
}

/* Adds a sample from pairs already checked to be at most SAMPLE_MAX_LABELS;
 * takes nothing over: copies every string. */
static bool add_copy(struct sample_list *l, const char *name, double value, const char *const *pairs,
                     size_t label_count)
{
    struct sample *s = grow(l);
    if (!s)
        return false;
    bool ok = sample_name_ok(name) && (s->name = strdup(name)) != NULL;
    for (size_t i = 0; ok && i < label_count; i++) {
        const char *k = pairs[2 * i], *v = pairs[2 * i + 1];
        ok = sample_name_ok(k) && strlen(v) <= SAMPLE_MAX_LABEL_VALUE;
        if (ok) {
            s->labels[i].key = strdup(k);
            s->labels[i].value = strdup(v);
            s->label_count = i + 1;
            ok = s->labels[i].key && s->labels[i].value;
        }
    }
    if (!ok) {
        sample_clear(s);
        l->failed = true;
        return false;
    }
    s->value = value;
    l->count++;
    return true;
}

void sample_add(struct sample_list *l, const char *name, double value, ...)
{
    const char *pairs[2 * SAMPLE_MAX_LABELS];
    size_t n = 0;
    va_list ap;
    va_start(ap, value);
    for (;;) {
        const char *k = va_arg(ap, const char *);
        if (!k)
            break;
        const char *v = va_arg(ap, const char *);
        if (n == SAMPLE_MAX_LABELS || !v) {
            l->failed = true;
            va_end(ap);
            return;
        }
        pairs[2 * n] = k;
        pairs[2 * n + 1] = v;
        n++;
    }
    va_end(ap);
    add_copy(l, name, value, pairs, n);
}

void sample_list_move(struct sample_list *to, struct sample_list *from)
{
    for (size_t i = 0; i < from->count; i++) {
        struct sample *s = grow(to);
        if (!s) {
            sample_clear(&from->items[i]);
            continue;
        }
        *s = from->items[i];
        to->count++;
    }
    if (from->failed)
        to->failed = true;
    free(from->items);
    sample_list_init(from);
}

static bool labels_match(const struct sample *s, va_list ap)
{
    for (;;) {
        const char *k = va_arg(ap, const char *);
        if (!k)
            return true;
        const char *v = va_arg(ap, const char *);
        bool found = false;
        for (size_t i = 0; i < s->label_count && !found; i++)
            found = strcmp(s->labels[i].key, k) == 0 && v && strcmp(s->labels[i].value, v) == 0;
        if (!found)
            return false;
    }
}

double sample_find(const struct sample_list *l, const char *name, double def, ...)
{
    for (size_t i = 0; i < l->count; i++) {
        if (strcmp(l->items[i].name, name) != 0)
            continue;
        va_list ap;
        va_start(ap, def);
        bool match = labels_match(&l->items[i], ap);
        va_end(ap);
        if (match)
            return l->items[i].value;
    }
    return def;
}

double sample_sum(const struct sample_list *l, const char *name)
{
    double sum = 0;
    for (size_t i = 0; i < l->count; i++)
        if (strcmp(l->items[i].name, name) == 0)
            sum += l->items[i].value;
    return sum;
}

/* ---- wire ---- */

static void put_string(struct buf *b, const char *s)
{
    size_t n = strlen(s);
    if (n > UINT16_MAX) {
        b->failed = true;
        return;
    }
    wr_u16(b, (uint16_t)n);
    wr_bytes(b, s, n);
}

void sample_list_write(struct buf *b, const struct sample_list *l)
{
    wr_u32(b, (uint32_t)l->count);
    for (size_t i = 0; i < l->count; i++) {
        const struct sample *s = &l->items[i];
        put_string(b, s->name);
        wr_u8(b, (uint8_t)s->label_count);
        for (size_t j = 0; j < s->label_count; j++) {
            put_string(b, s->labels[j].key);
            put_string(b, s->labels[j].value);
        }
        uint64_t bits;
        memcpy(&bits, &s->value, sizeof bits);
        wr_u64(b, bits);
    }
}

/* A string of at most max bytes into out (NUL-terminated, no NUL inside). */
static bool get_string(struct buf_reader *r, char *out, size_t max)
{
    uint16_t n = rd_u16(r);
    const uint8_t *p = rd_bytes(r, n);
    if (!rd_ok(r) || !p || n > max || memchr(p, 0, n))
        return false;
    memcpy(out, p, n);
    out[n] = 0;
    return true;
}

NTSTATUS sample_list_read(const void *data, size_t size, struct sample_list *out)
{
    struct buf_reader r;
    sample_list_init(out);
    rd_init(&r, data, size);
    uint32_t count = rd_u32(&r);
    /* The smallest record is 2 + 1 + 8 bytes plus a one-byte name. */
    if (!rd_ok(&r) || count > SAMPLE_MAX_COUNT || count > rd_remaining(&r) / 12)
        return STATUS_INVALID_NETWORK_RESPONSE;
    char name[SAMPLE_MAX_NAME + 1];
    char keys[SAMPLE_MAX_LABELS][SAMPLE_MAX_NAME + 1];
    char values[SAMPLE_MAX_LABELS][SAMPLE_MAX_LABEL_VALUE + 1];
    for (uint32_t i = 0; i < count; i++) {
        if (!get_string(&r, name, SAMPLE_MAX_NAME))
            goto bad;
        uint8_t labels = rd_u8(&r);
        if (!rd_ok(&r) || labels > SAMPLE_MAX_LABELS)
            goto bad;
        const char *pairs[2 * SAMPLE_MAX_LABELS];
        for (uint8_t j = 0; j < labels; j++) {
            if (!get_string(&r, keys[j], SAMPLE_MAX_NAME) ||
                !get_string(&r, values[j], SAMPLE_MAX_LABEL_VALUE))
                goto bad;
            if (!sample_name_ok(keys[j]))
                goto bad;
            pairs[2 * j] = keys[j];
            pairs[2 * j + 1] = values[j];
        }
        uint64_t bits = rd_u64(&r);
        if (!rd_ok(&r))
            goto bad;
        double value;
        memcpy(&value, &bits, sizeof value);
        if (!sample_name_ok(name))
            goto bad;
        if (!add_copy(out, name, value, pairs, labels)) { /* names checked: memory */
            sample_list_free(out);
            return STATUS_NO_MEMORY;
        }
    }
    if (rd_remaining(&r) != 0)
        goto bad;
    return STATUS_SUCCESS;
bad:
    sample_list_free(out);
    return STATUS_INVALID_NETWORK_RESPONSE;
}
