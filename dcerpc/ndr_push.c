/* NDR 2.0 marshalling: a value's scalars first, then its deferred pointees in
 * order ([C706] 14.3.12: embedded pointers are represented after the
 * outermost structure that holds them, each pointee followed by its own
 * deferred pointees), top-level parameters one after another. */
#include <stdlib.h>
#include <string.h>

#include "dcerpc/ndr_private.h"
#include "lib/utf16.h"

struct full_pointer {
    const void *ptr;
    uint32_t id;
    bool done; /* pointee already represented */
};

struct push_ctx {
    struct buf *out;
    size_t base; /* alignment is relative to the start of this value */
    NTSTATUS status;
    unsigned depth;
    uint32_t next_id;
    struct full_pointer *full;
    size_t full_count, full_cap;
};

static void push_scalars(struct push_ctx *c, const struct ndr_type *t, const void *slot,
                         const struct ndr_args *args);
static void push_buffers(struct push_ctx *c, const struct ndr_type *t, const void *slot,
                         const struct ndr_args *args);

static void fail(struct push_ctx *c, NTSTATUS status)
{
    if (c->status == STATUS_SUCCESS)
        c->status = status;
}

static void align(struct push_ctx *c, size_t n)
{
    size_t rem = (c->out->len - c->base) % n;
    if (n > 1 && rem)
        wr_zeros(c->out, n - rem);
}

/* Referent IDs: any unique non-zero value; Windows starts at 0x20000 and steps
 * by 4, which this follows so captures compare easily. */
static uint32_t new_id(struct push_ctx *c)
{
    c->next_id += 4;
    return c->next_id;
}

static struct full_pointer *full_lookup(struct push_ctx *c, const void *p, bool add)
{
    for (size_t i = 0; i < c->full_count; i++)
        if (c->full[i].ptr == p)
            return &c->full[i];
    if (!add)
        return NULL;
    if (c->full_count == c->full_cap) {
        size_t cap = c->full_cap ? c->full_cap * 2 : 16;
        struct full_pointer *grown = realloc(c->full, cap * sizeof *grown);
        if (!grown) {
            fail(c, STATUS_NO_MEMORY);
            return NULL;
        }
        c->full = grown;
        c->full_cap = cap;
    }
    struct full_pointer *e = &c->full[c->full_count++];
    e->ptr = p;
    e->id = new_id(c);
    e->done = false;
    return e;
}

static const void *load_ptr(const void *slot)
{
    const void *p;
    memcpy(&p, slot, sizeof p);
    return p;
}

static void push_string(struct push_ctx *c, const struct ndr_type *t, const void *slot)
{
    const char *s = load_ptr(slot);
    if (!s) {
        fail(c, STATUS_INVALID_PARAMETER);
        return;
    }
    size_t len = strlen(s);
    align(c, 4);
    if (t->char_size == 1) {
        if (len >= UINT32_MAX) {
            fail(c, STATUS_INVALID_PARAMETER);
            return;
        }
        uint32_t units = (uint32_t)len + 1;
        wr_u32(c->out, units);
        wr_u32(c->out, 0);
        wr_u32(c->out, units);
        wr_bytes(c->out, s, len + 1);
        return;
    }
    if (len == 0) { /* just the terminator */
        wr_u32(c->out, 1);
        wr_u32(c->out, 0);
        wr_u32(c->out, 1);
        wr_u16(c->out, 0);
        return;
    }
    uint8_t *utf16 = NULL;
    size_t utf16_len = 0;
    NTSTATUS status = utf8_to_utf16le(s, len, &utf16, &utf16_len);
    if (status != STATUS_SUCCESS) {
        fail(c, status);
        return;
    }
    if (utf16_len / 2 >= UINT32_MAX) {
        free(utf16);
        fail(c, STATUS_INVALID_PARAMETER);
        return;
    }
    /* Counts include the terminating NUL ([C706] 14.3.4). */
    uint32_t units = (uint32_t)(utf16_len / 2) + 1;
    wr_u32(c->out, units);
    wr_u32(c->out, 0);
    wr_u32(c->out, units);
    wr_bytes(c->out, utf16, utf16_len);
    wr_u16(c->out, 0);
    free(utf16);
}

/* How many elements an array represents, checked against its arguments. */
static bool array_counts(struct push_ctx *c, const struct ndr_type *t, const void *slot,
                         const struct ndr_args *args, uint32_t *count, uint32_t *length)
{
    if (!args->has_size || (t->varying && !args->has_length)) {
        fail(c, STATUS_INVALID_PARAMETER); /* descriptor without size_is/length_is */
        return false;
    }
    *count = args->size;
    *length = t->varying ? args->length : args->size;
    if (*length > *count || (*length > 0 && !load_ptr(slot))) {
        fail(c, STATUS_INVALID_PARAMETER);
        return false;
    }
    return true;
}

static void push_array_scalars(struct push_ctx *c, const struct ndr_type *t, const void *slot,
                               const struct ndr_args *args)
{
    uint32_t count, length;
    if (!array_counts(c, t, slot, args, &count, &length))
        return;
    if (!args->hoisted) {
        align(c, 4);
        wr_u32(c->out, count);
    } else if (args->hoisted_count != count) {
        fail(c, STATUS_INVALID_PARAMETER);
        return;
    }
    if (t->varying) {
        align(c, 4);
        wr_u32(c->out, 0);
        wr_u32(c->out, length);
    }
    const uint8_t *elems = load_ptr(slot);
    struct ndr_args none = { 0 };
    for (uint32_t i = 0; i < length && c->status == STATUS_SUCCESS; i++)
        push_scalars(c, t->target, elems + (size_t)i * t->target->size, &none);
}

static void push_array_buffers(struct push_ctx *c, const struct ndr_type *t, const void *slot,
                               const struct ndr_args *args)
{
    uint32_t count, length;
    if (!array_counts(c, t, slot, args, &count, &length))
        return;
    const uint8_t *elems = load_ptr(slot);
    struct ndr_args none = { 0 };
    for (uint32_t i = 0; i < length && c->status == STATUS_SUCCESS; i++)
        push_buffers(c, t->target, elems + (size_t)i * t->target->size, &none);
}

static void push_struct_scalars(struct push_ctx *c, const struct ndr_type *t, const uint8_t *base)
{
    bool conformant = ndr_struct_is_conformant(t);
    uint32_t hoisted = 0;
    if (conformant) {
        struct ndr_args last;
        if (!ndr_member_args(&t->members[t->member_count - 1], base, &last) || !last.has_size) {
            fail(c, STATUS_INVALID_PARAMETER);
            return;
        }
        hoisted = last.size;
        align(c, 4);
        wr_u32(c->out, hoisted);
    }
    align(c, ndr_align_of(t, c->depth));
    for (size_t i = 0; i < t->member_count && c->status == STATUS_SUCCESS; i++) {
        const struct ndr_member *m = &t->members[i];
        struct ndr_args a;
        if (!ndr_member_args(m, base, &a)) {
            fail(c, STATUS_INVALID_PARAMETER);
            return;
        }
        if (conformant && i == t->member_count - 1) {
            a.hoisted = true;
            a.hoisted_count = hoisted;
        } else if (m->type->kind == NDR_KIND_ARRAY ||
                   (m->type->kind == NDR_KIND_STRUCT && ndr_struct_is_conformant(m->type))) {
            fail(c, STATUS_INVALID_PARAMETER); /* conformance only at the end */
            return;
        }
        push_scalars(c, m->type, base + m->offset, &a);
    }
}

static void push_struct_buffers(struct push_ctx *c, const struct ndr_type *t, const uint8_t *base)
{
    for (size_t i = 0; i < t->member_count && c->status == STATUS_SUCCESS; i++) {
        const struct ndr_member *m = &t->members[i];
        struct ndr_args a;
        if (!ndr_member_args(m, base, &a)) {
            fail(c, STATUS_INVALID_PARAMETER);
            return;
        }
        if (i == t->member_count - 1 && ndr_struct_is_conformant(t))
            a.hoisted = true, a.hoisted_count = a.size;
        push_buffers(c, m->type, base + m->offset, &a);
    }
}

static void push_discriminant(struct push_ctx *c, size_t size, uint32_t v)
{
    switch (size) {
    case 1: wr_u8(c->out, (uint8_t)v); break;
    case 2: align(c, 2); wr_u16(c->out, (uint16_t)v); break;
    default: align(c, 4); wr_u32(c->out, v); break;
    }
}

static const struct ndr_type *union_arm_type(struct push_ctx *c, const struct ndr_type *t,
                                             const struct ndr_args *args, bool *ok)
{
    *ok = false;
    if (!args->has_switch) {
        fail(c, STATUS_INVALID_PARAMETER);
        return NULL;
    }
    bool found;
    const struct ndr_arm *arm = ndr_union_arm(t, args->sw, &found);
    if (!found && !t->has_default) {
        fail(c, STATUS_INVALID_LEVEL);
        return NULL;
    }
    *ok = true;
    return found ? arm->type : NULL;
}

/* A pointee, right where it is represented. */
static void push_pointee(struct push_ctx *c, const struct ndr_type *target, const void *slot,
                         const struct ndr_args *args)
{
    const void *tslot = ndr_target_is_slot(target) ? slot : load_ptr(slot);
    push_scalars(c, target, tslot, args);
    push_buffers(c, target, tslot, args);
}

static void push_scalars(struct push_ctx *c, const struct ndr_type *t, const void *slot,
                         const struct ndr_args *args)
{
    if (c->status != STATUS_SUCCESS)
        return;
    if (++c->depth > NDR_MAX_DEPTH) {
        fail(c, STATUS_INVALID_PARAMETER);
        c->depth--;
        return;
    }
    switch (t->kind) {
    case NDR_KIND_U8:
        wr_u8(c->out, *(const uint8_t *)slot);
        break;
    case NDR_KIND_U16:
        align(c, 2);
        wr_u16(c->out, (uint16_t)ndr_load_int(slot, 2));
        break;
    case NDR_KIND_U32:
        align(c, 4);
        wr_u32(c->out, (uint32_t)ndr_load_int(slot, 4));
        break;
    case NDR_KIND_U64:
        align(c, 8);
        wr_u64(c->out, ndr_load_int(slot, 8));
        break;
    case NDR_KIND_STRING:
        push_string(c, t, slot);
        break;
    case NDR_KIND_ARRAY:
        push_array_scalars(c, t, slot, args);
        break;
    case NDR_KIND_FIXED_ARRAY: {
        struct ndr_args none = { 0 };
        uint32_t n = t->fixed_count;
        if (t->varying) {
            if (!args->has_length || args->length > t->fixed_count) {
                fail(c, STATUS_INVALID_PARAMETER);
                break;
            }
            n = args->length;
            align(c, 4);
            wr_u32(c->out, 0); /* offset */
            wr_u32(c->out, n);
        }
        for (uint32_t i = 0; i < n && c->status == STATUS_SUCCESS; i++)
            push_scalars(c, t->target, (const uint8_t *)slot + (size_t)i * t->target->size, &none);
        break;
    }
    case NDR_KIND_STRUCT:
        push_struct_scalars(c, t, slot);
        break;
    case NDR_KIND_UNION: {
        bool ok;
        const struct ndr_type *arm = union_arm_type(c, t, args, &ok);
        if (!ok)
            break;
        push_discriminant(c, t->switch_size, args->sw);
        struct ndr_args none = { 0 };
        if (arm)
            push_scalars(c, arm, slot, &none);
        break;
    }
    case NDR_KIND_POINTER: {
        const void *p = load_ptr(slot);
        uint32_t id = 0;
        if (t->pointer == NDR_POINTER_REF && !p) {
            fail(c, STATUS_INVALID_PARAMETER);
            break;
        }
        if (p && t->pointer == NDR_POINTER_FULL) {
            struct full_pointer *e = full_lookup(c, p, true);
            id = e ? e->id : 0;
        } else if (p) {
            id = new_id(c);
        }
        align(c, 4);
        wr_u32(c->out, id);
        break;
    }
    case NDR_KIND_PARAMS:
        fail(c, STATUS_INVALID_PARAMETER);
        break;
    }
    c->depth--;
}

static void push_buffers(struct push_ctx *c, const struct ndr_type *t, const void *slot,
                         const struct ndr_args *args)
{
    if (c->status != STATUS_SUCCESS)
        return;
    if (++c->depth > NDR_MAX_DEPTH) {
        fail(c, STATUS_INVALID_PARAMETER);
        c->depth--;
        return;
    }
    switch (t->kind) {
    case NDR_KIND_ARRAY:
        push_array_buffers(c, t, slot, args);
        break;
    case NDR_KIND_FIXED_ARRAY: {
        struct ndr_args none = { 0 };
        uint32_t n = t->varying && args->length < t->fixed_count ? args->length : t->fixed_count;
        for (uint32_t i = 0; i < n && c->status == STATUS_SUCCESS; i++)
            push_buffers(c, t->target, (const uint8_t *)slot + (size_t)i * t->target->size, &none);
        break;
    }
    case NDR_KIND_STRUCT:
        push_struct_buffers(c, t, slot);
        break;
    case NDR_KIND_UNION: {
        bool ok;
        const struct ndr_type *arm = union_arm_type(c, t, args, &ok);
        struct ndr_args none = { 0 };
        if (ok && arm)
            push_buffers(c, arm, slot, &none);
        break;
    }
    case NDR_KIND_POINTER: {
        const void *p = load_ptr(slot);
        if (!p)
            break;
        if (t->pointer == NDR_POINTER_FULL) {
            struct full_pointer *e = full_lookup(c, p, false);
            if (!e || e->done)
                break;
            e->done = true;
        }
        push_pointee(c, t->target, slot, args);
        break;
    }
    default:
        break; /* scalars and strings have no deferred part */
    }
    c->depth--;
}

/* A top-level parameter: a pointer's pointee follows its referent ID at once
 * (a [ref] one has no referent ID at all). */
static void push_param(struct push_ctx *c, const struct ndr_member *m, const uint8_t *base)
{
    const void *slot = base + m->offset;
    /* A NULL [unique] or [ptr] parameter is its ID alone: what would size
     * its pointee (lpcbData beside a NULL lpData) may be NULL too. */
    bool null_pointer = m->type->kind == NDR_KIND_POINTER && m->type->pointer != NDR_POINTER_REF &&
                        load_ptr(slot) == NULL;
    struct ndr_args a;
    memset(&a, 0, sizeof a);
    if (!null_pointer && !ndr_member_args(m, base, &a)) {
        fail(c, STATUS_INVALID_PARAMETER);
        return;
    }
    if (m->type->kind != NDR_KIND_POINTER) {
        push_scalars(c, m->type, slot, &a);
        push_buffers(c, m->type, slot, &a);
        return;
    }
    const void *p = load_ptr(slot);
    if (m->type->pointer == NDR_POINTER_REF) {
        if (!p) {
            fail(c, STATUS_INVALID_PARAMETER);
            return;
        }
        push_pointee(c, m->type->target, slot, &a);
        return;
    }
    uint32_t id = 0;
    bool represent = p != NULL;
    if (p && m->type->pointer == NDR_POINTER_FULL) {
        struct full_pointer *e = full_lookup(c, p, true);
        id = e ? e->id : 0;
        represent = e && !e->done;
        if (e)
            e->done = true;
    } else if (p) {
        id = new_id(c);
    }
    align(c, 4);
    wr_u32(c->out, id);
    if (represent)
        push_pointee(c, m->type->target, slot, &a);
}

NTSTATUS ndr_push(struct buf *out, const struct ndr_type *type, const void *value,
                  unsigned direction)
{
    struct push_ctx c = { .out = out, .base = out->len, .next_id = 0x00020000 - 4 };
    if (type->kind == NDR_KIND_PARAMS) {
        const uint8_t *base = value;
        for (size_t i = 0; i < type->member_count && c.status == STATUS_SUCCESS; i++)
            if (type->members[i].direction & direction)
                push_param(&c, &type->members[i], base);
    } else {
        struct ndr_args none = { 0 };
        push_scalars(&c, type, value, &none);
        push_buffers(&c, type, value, &none);
    }
    free(c.full);
    if (c.status == STATUS_SUCCESS && !wr_ok(out))
        c.status = STATUS_NO_MEMORY;
    return c.status;
}
