/* NDR 2.0 unmarshalling, the mirror of ndr_push.c. Every count is checked
 * against the bytes that remain before anything is allocated for it, every
 * allocation comes from the caller's capped arena, and nesting is bounded.
 *
 * Between the scalar pass and the deferred pass an embedded pointer's slot
 * holds its referent ID (as an integer); the deferred pass replaces it with
 * the pointee or NULL. A value is only handed back once both passes succeed,
 * so no caller ever sees an ID in place of a pointer. */
#include <stdlib.h>
#include <string.h>

#include "dcerpc/ndr_private.h"
#include "lib/utf16.h"

struct full_referent {
    uint32_t id;
    void *ptr;
};

/* A top-level array whose size_is or length_is names a parameter that comes
 * after it on the wire (BaseRegQueryValue's lpData, sized by lpcbData and
 * lpcbLen): the counts it arrived with, to check once that parameter is read. */
struct late_check {
    const struct ndr_member *member;
    uint32_t max_count, length;
};

#define NDR_MAX_LATE 4

struct pull_ctx {
    struct buf_reader r;
    struct ndr_arena *arena;
    NTSTATUS status;
    unsigned depth;
    struct full_referent *full;
    size_t full_count, full_cap;
    /* The counts of the last from_wire array read. */
    uint32_t wire_max_count, wire_length;
    struct late_check late[NDR_MAX_LATE];
    size_t late_count;
};

static void pull_scalars(struct pull_ctx *c, const struct ndr_type *t, void *slot,
                         const struct ndr_args *args);
static void pull_buffers(struct pull_ctx *c, const struct ndr_type *t, void *slot,
                         const struct ndr_args *args);

static void fail(struct pull_ctx *c, NTSTATUS status)
{
    if (c->status == STATUS_SUCCESS)
        c->status = status;
}

/* Checks the reader after a run of reads: a short buffer is malformed input. */
static bool reader_ok(struct pull_ctx *c)
{
    if (!rd_ok(&c->r))
        fail(c, STATUS_DATA_ERROR);
    return c->status == STATUS_SUCCESS;
}

static void *alloc(struct pull_ctx *c, size_t count, size_t size)
{
    void *p = ndr_arena_array(c->arena, count, size);
    if (!p)
        fail(c, STATUS_INSUFFICIENT_RESOURCES);
    return p;
}

static void *load_ptr(const void *slot)
{
    void *p;
    memcpy(&p, slot, sizeof p);
    return p;
}

static void store_ptr(void *slot, const void *p) { memcpy(slot, &p, sizeof p); }

static void store_int(void *slot, size_t width, uint64_t v)
{
    switch (width) {
    case 1: { uint8_t x = (uint8_t)v; memcpy(slot, &x, 1); break; }
    case 2: { uint16_t x = (uint16_t)v; memcpy(slot, &x, 2); break; }
    case 4: { uint32_t x = (uint32_t)v; memcpy(slot, &x, 4); break; }
    default: memcpy(slot, &v, 8); break;
    }
}

/* Refuses n elements of at least min bytes each when fewer bytes remain. */
static bool count_fits(struct pull_ctx *c, uint64_t n, size_t min)
{
    if (min == 0)
        min = 1;
    if (n > rd_remaining(&c->r) / min) {
        fail(c, STATUS_DATA_ERROR);
        return false;
    }
    return true;
}

static void pull_string(struct pull_ctx *c, const struct ndr_type *t, void *slot)
{
    rd_align(&c->r, 4);
    uint32_t max_count = rd_u32(&c->r);
    uint32_t offset = rd_u32(&c->r);
    uint32_t actual = rd_u32(&c->r);
    if (!reader_ok(c))
        return;
    if (offset != 0 || actual > max_count) {
        fail(c, STATUS_DATA_ERROR);
        return;
    }
    size_t unit = t->char_size == 1 ? 1 : 2;
    if (!count_fits(c, actual, unit))
        return;
    const uint8_t *data = rd_bytes(&c->r, (size_t)actual * unit);
    if (!reader_ok(c))
        return;
    /* A [string] ends at its first NUL, as the C string it becomes on
     * Windows: what follows is not part of it (impacket, for one, sends a
     * server name of ten NULs). No terminator at all is taken as counted. */
    size_t len = 0;
    while (len < (size_t)actual && (data[len * unit] != 0 || (unit == 2 && data[len * unit + 1] != 0)))
        len++;
    len *= unit;
    char *s;
    if (unit == 1) {
        s = alloc(c, len + 1, 1);
        if (!s)
            return;
        memcpy(s, data, len);
    } else {
        char *utf8 = NULL;
        NTSTATUS status = utf16le_to_utf8(data, len, &utf8);
        if (status != STATUS_SUCCESS) {
            fail(c, status);
            return;
        }
        s = ndr_arena_strdup(c->arena, utf8);
        free(utf8);
        if (!s) {
            fail(c, STATUS_INSUFFICIENT_RESOURCES);
            return;
        }
    }
    store_ptr(slot, s);
}

/* Elements represented: size_is, or length_is for a varying array. */
static bool array_expected(struct pull_ctx *c, const struct ndr_type *t,
                           const struct ndr_args *args, uint32_t *n)
{
    if (!args->has_size || (t->varying && !args->has_length)) {
        fail(c, STATUS_INVALID_PARAMETER); /* descriptor without size_is/length_is */
        return false;
    }
    *n = t->varying ? args->length : args->size;
    return true;
}

static void pull_array_scalars(struct pull_ctx *c, const struct ndr_type *t, void *slot,
                               const struct ndr_args *args)
{
    uint32_t expected = 0;
    if (!args->from_wire && !array_expected(c, t, args, &expected))
        return;
    uint32_t max_count;
    if (args->hoisted) {
        max_count = args->hoisted_count;
    } else {
        rd_align(&c->r, 4);
        max_count = rd_u32(&c->r);
    }
    uint32_t length = max_count;
    if (t->varying) {
        rd_align(&c->r, 4);
        uint32_t offset = rd_u32(&c->r);
        length = rd_u32(&c->r);
        if (!reader_ok(c))
            return;
        if (offset != 0 || length > max_count) {
            fail(c, STATUS_DATA_ERROR);
            return;
        }
    }
    if (!reader_ok(c))
        return;
    if (args->from_wire) {
        /* Sized by a later parameter: as sent, checked once it is read. */
        c->wire_max_count = max_count;
        c->wire_length = length;
    } else if (max_count != args->size || length != expected) {
        /* The wire counts must agree with the members that size the array. */
        fail(c, STATUS_DATA_ERROR);
        return;
    }
    if (!count_fits(c, length, ndr_min_wire(t->target, 0)))
        return;
    uint8_t *elems = NULL;
    if (max_count > 0) {
        /* A varying array's C form has all size_is elements (the caller may
         * index up to size_is); the arena's cap bounds the unrepresented part. */
        elems = alloc(c, max_count, t->target->size);
        if (!elems)
            return;
    }
    store_ptr(slot, elems);
    struct ndr_args none = { 0 };
    for (uint32_t i = 0; i < length && c->status == STATUS_SUCCESS; i++)
        pull_scalars(c, t->target, elems + (size_t)i * t->target->size, &none);
}

static void pull_array_buffers(struct pull_ctx *c, const struct ndr_type *t, void *slot,
                               const struct ndr_args *args)
{
    uint32_t n = c->wire_length;
    if (!args->from_wire && !array_expected(c, t, args, &n))
        return;
    uint8_t *elems = load_ptr(slot);
    if (n > 0 && !elems) {
        fail(c, STATUS_DATA_ERROR);
        return;
    }
    struct ndr_args none = { 0 };
    for (uint32_t i = 0; i < n && c->status == STATUS_SUCCESS; i++)
        pull_buffers(c, t->target, elems + (size_t)i * t->target->size, &none);
}

static bool is_integer(const struct ndr_type *t)
{
    return t->kind >= NDR_KIND_U8 && t->kind <= NDR_KIND_U64;
}

static void check_range(struct pull_ctx *c, const struct ndr_member *m, const void *slot)
{
    if (m->range_max && is_integer(m->type) &&
        ndr_load_int(slot, m->type->size) > m->range_max)
        fail(c, STATUS_DATA_ERROR);
}

static void pull_struct_scalars(struct pull_ctx *c, const struct ndr_type *t, uint8_t *base)
{
    bool conformant = ndr_struct_is_conformant(t);
    uint32_t hoisted = 0;
    if (conformant) {
        rd_align(&c->r, 4);
        hoisted = rd_u32(&c->r);
        if (!reader_ok(c))
            return;
    }
    rd_align(&c->r, ndr_align_of(t, c->depth));
    for (size_t i = 0; i < t->member_count && c->status == STATUS_SUCCESS; i++) {
        const struct ndr_member *m = &t->members[i];
        struct ndr_args a;
        if (!ndr_member_args(m, base, &a)) {
            fail(c, STATUS_DATA_ERROR);
            return;
        }
        if (conformant && i == t->member_count - 1) {
            a.hoisted = true;
            a.hoisted_count = hoisted;
        } else if (m->type->kind == NDR_KIND_ARRAY ||
                   (m->type->kind == NDR_KIND_STRUCT && ndr_struct_is_conformant(m->type))) {
            fail(c, STATUS_INVALID_PARAMETER);
            return;
        }
        pull_scalars(c, m->type, base + m->offset, &a);
        check_range(c, m, base + m->offset);
    }
}

static void pull_struct_buffers(struct pull_ctx *c, const struct ndr_type *t, uint8_t *base)
{
    for (size_t i = 0; i < t->member_count && c->status == STATUS_SUCCESS; i++) {
        const struct ndr_member *m = &t->members[i];
        struct ndr_args a;
        if (!ndr_member_args(m, base, &a)) {
            fail(c, STATUS_DATA_ERROR);
            return;
        }
        pull_buffers(c, m->type, base + m->offset, &a);
    }
}

static const struct ndr_type *union_arm_type(struct pull_ctx *c, const struct ndr_type *t,
                                             uint32_t value, bool *ok)
{
    bool found;
    const struct ndr_arm *arm = ndr_union_arm(t, value, &found);
    *ok = found || t->has_default;
    if (!*ok)
        fail(c, STATUS_INVALID_LEVEL);
    return found ? arm->type : NULL;
}

static void pull_union_scalars(struct pull_ctx *c, const struct ndr_type *t, void *slot,
                               const struct ndr_args *args)
{
    if (!args->has_switch) {
        fail(c, STATUS_INVALID_PARAMETER);
        return;
    }
    uint32_t disc, mask;
    switch (t->switch_size) {
    case 1: disc = rd_u8(&c->r); mask = 0xFF; break;
    case 2: rd_align(&c->r, 2); disc = rd_u16(&c->r); mask = 0xFFFF; break;
    default: rd_align(&c->r, 4); disc = rd_u32(&c->r); mask = 0xFFFFFFFF; break;
    }
    if (!reader_ok(c))
        return;
    /* A non-encapsulated union's discriminant repeats its switch_is member. */
    if (disc != (args->sw & mask)) {
        fail(c, STATUS_INVALID_LEVEL);
        return;
    }
    bool ok;
    const struct ndr_type *arm = union_arm_type(c, t, disc, &ok);
    struct ndr_args none = { 0 };
    if (ok && arm)
        pull_scalars(c, arm, slot, &none);
}

static void *full_find(struct pull_ctx *c, uint32_t id, bool *found)
{
    for (size_t i = 0; i < c->full_count; i++) {
        if (c->full[i].id == id) {
            *found = true;
            return c->full[i].ptr;
        }
    }
    *found = false;
    return NULL;
}

static void full_add(struct pull_ctx *c, uint32_t id, void *ptr)
{
    if (c->full_count == c->full_cap) {
        size_t cap = c->full_cap ? c->full_cap * 2 : 16;
        struct full_referent *grown = realloc(c->full, cap * sizeof *grown);
        if (!grown) {
            fail(c, STATUS_NO_MEMORY);
            return;
        }
        c->full = grown;
        c->full_cap = cap;
    }
    c->full[c->full_count].id = id;
    c->full[c->full_count].ptr = ptr;
    c->full_count++;
}

/* Reads a pointee into slot (the pointer's own slot). */
static void pull_pointee(struct pull_ctx *c, const struct ndr_type *ptr_type, uint32_t id,
                         void *slot, const struct ndr_args *args)
{
    const struct ndr_type *target = ptr_type->target;
    bool full = ptr_type->pointer == NDR_POINTER_FULL;
    if (full) {
        bool found;
        void *seen = full_find(c, id, &found);
        if (found) {
            store_ptr(slot, seen);
            return;
        }
    }
    store_ptr(slot, NULL);
    if (ndr_target_is_slot(target)) {
        pull_scalars(c, target, slot, args);
        pull_buffers(c, target, slot, args);
        if (full && c->status == STATUS_SUCCESS)
            full_add(c, id, load_ptr(slot));
        return;
    }
    void *obj = alloc(c, 1, target->size);
    if (!obj)
        return;
    store_ptr(slot, obj);
    if (full)
        full_add(c, id, obj); /* before its contents: a list may point back */
    pull_scalars(c, target, obj, args);
    pull_buffers(c, target, obj, args);
}

static void pull_scalars(struct pull_ctx *c, const struct ndr_type *t, void *slot,
                         const struct ndr_args *args)
{
    if (c->status != STATUS_SUCCESS)
        return;
    if (++c->depth > NDR_MAX_DEPTH) {
        fail(c, STATUS_DATA_ERROR);
        c->depth--;
        return;
    }
    switch (t->kind) {
    case NDR_KIND_U8:
    case NDR_KIND_U16:
    case NDR_KIND_U32:
    case NDR_KIND_U64: {
        rd_align(&c->r, t->size);
        uint64_t v = t->size == 1 ? rd_u8(&c->r) : t->size == 2 ? rd_u16(&c->r)
                   : t->size == 4 ? rd_u32(&c->r) : rd_u64(&c->r);
        if (reader_ok(c))
            store_int(slot, t->size, v);
        break;
    }
    case NDR_KIND_STRING:
        pull_string(c, t, slot);
        break;
    case NDR_KIND_ARRAY:
        pull_array_scalars(c, t, slot, args);
        break;
    case NDR_KIND_FIXED_ARRAY: {
        struct ndr_args none = { 0 };
        uint32_t n = t->fixed_count;
        if (t->varying) {
            rd_align(&c->r, 4);
            uint32_t offset = rd_u32(&c->r);
            n = rd_u32(&c->r);
            if (!reader_ok(c))
                break;
            if (offset != 0 || n > t->fixed_count) {
                fail(c, STATUS_DATA_ERROR);
                break;
            }
            /* The elements not on the wire read as zeros. */
            memset(slot, 0, (size_t)t->fixed_count * t->target->size);
        }
        for (uint32_t i = 0; i < n && c->status == STATUS_SUCCESS; i++)
            pull_scalars(c, t->target, (uint8_t *)slot + (size_t)i * t->target->size, &none);
        break;
    }
    case NDR_KIND_STRUCT:
        pull_struct_scalars(c, t, slot);
        break;
    case NDR_KIND_UNION:
        pull_union_scalars(c, t, slot, args);
        break;
    case NDR_KIND_POINTER: {
        rd_align(&c->r, 4);
        uint32_t id = rd_u32(&c->r);
        if (!reader_ok(c))
            break;
        if (t->pointer == NDR_POINTER_REF && id == 0) {
            fail(c, STATUS_DATA_ERROR);
            break;
        }
        store_ptr(slot, (void *)(uintptr_t)id);
        break;
    }
    case NDR_KIND_PARAMS:
        fail(c, STATUS_INVALID_PARAMETER);
        break;
    }
    c->depth--;
}

static void pull_buffers(struct pull_ctx *c, const struct ndr_type *t, void *slot,
                         const struct ndr_args *args)
{
    if (c->status != STATUS_SUCCESS)
        return;
    if (++c->depth > NDR_MAX_DEPTH) {
        fail(c, STATUS_DATA_ERROR);
        c->depth--;
        return;
    }
    switch (t->kind) {
    case NDR_KIND_ARRAY:
        pull_array_buffers(c, t, slot, args);
        break;
    case NDR_KIND_FIXED_ARRAY: {
        struct ndr_args none = { 0 };
        for (uint32_t i = 0; i < t->fixed_count && c->status == STATUS_SUCCESS; i++)
            pull_buffers(c, t->target, (uint8_t *)slot + (size_t)i * t->target->size, &none);
        break;
    }
    case NDR_KIND_STRUCT:
        pull_struct_buffers(c, t, slot);
        break;
    case NDR_KIND_UNION: {
        if (!args->has_switch) {
            fail(c, STATUS_INVALID_PARAMETER);
            break;
        }
        bool ok;
        const struct ndr_type *arm = union_arm_type(c, t, args->sw, &ok);
        struct ndr_args none = { 0 };
        if (ok && arm)
            pull_buffers(c, arm, slot, &none);
        break;
    }
    case NDR_KIND_POINTER: {
        uint32_t id = (uint32_t)(uintptr_t)load_ptr(slot);
        store_ptr(slot, NULL);
        if (id != 0)
            pull_pointee(c, t, id, slot, args);
        break;
    }
    default:
        break;
    }
    c->depth--;
}

/* True if expr names a parameter after index (in this direction): one not
 * read yet when the parameter at index is. */
static bool names_later(const struct ndr_type *params, size_t index, const struct ndr_expr *expr,
                        unsigned direction)
{
    if (expr->kind != NDR_EXPR_FIELD && expr->kind != NDR_EXPR_DEREF)
        return false;
    for (size_t j = index + 1; j < params->member_count; j++)
        if (params->members[j].offset == expr->offset && (params->members[j].direction & direction))
            return true;
    return false;
}

static void pull_param(struct pull_ctx *c, const struct ndr_type *params, size_t index, uint8_t *base,
                       unsigned direction)
{
    const struct ndr_member *m = &params->members[index];
    /* [MS-RPCE] 2.2.5.3.4.1 / MIDL: a top-level [unique] array whose size or
     * length is a later parameter carries its counts in front of its
     * elements; they are read as sent and checked against that parameter
     * after the whole list (late_check). Only a pointer to an array can be
     * sized so. */
    bool late = m->type->kind == NDR_KIND_POINTER && m->type->target->kind == NDR_KIND_ARRAY &&
                (names_later(params, index, &m->size_is, direction) ||
                 names_later(params, index, &m->length_is, direction));
    struct ndr_args a;
    memset(&a, 0, sizeof a);
    a.from_wire = late;
    void *slot = base + m->offset;
    if (m->type->kind != NDR_KIND_POINTER) {
        if (!ndr_member_args(m, base, &a)) {
            fail(c, STATUS_DATA_ERROR);
            return;
        }
        pull_scalars(c, m->type, slot, &a);
        pull_buffers(c, m->type, slot, &a);
        check_range(c, m, slot);
        return;
    }
    uint32_t id = 1; /* a top-level [ref] pointer is always there, without an ID */
    if (m->type->pointer != NDR_POINTER_REF) {
        rd_align(&c->r, 4);
        id = rd_u32(&c->r);
        if (!reader_ok(c))
            return;
    }
    store_ptr(slot, NULL);
    /* A NULL pointer is its ID alone: its sizes are not needed (and what
     * would give them may be NULL too). */
    if (id == 0)
        return;
    if (!late && !ndr_member_args(m, base, &a)) {
        fail(c, STATUS_DATA_ERROR);
        return;
    }
    pull_pointee(c, m->type, id, slot, &a);
    if (late && c->status == STATUS_SUCCESS) {
        if (c->late_count == NDR_MAX_LATE) {
            fail(c, STATUS_INVALID_PARAMETER); /* a descriptor no interface has */
            return;
        }
        c->late[c->late_count++] = (struct late_check){ m, c->wire_max_count, c->wire_length };
    }
}

/* The counts of late-sized arrays against the parameters now read. */
static void check_late(struct pull_ctx *c, const uint8_t *base)
{
    for (size_t i = 0; i < c->late_count && c->status == STATUS_SUCCESS; i++) {
        const struct late_check *l = &c->late[i];
        const struct ndr_type *array = l->member->type->target;
        struct ndr_args a;
        /* A NULL pointer named by size_is (lpcbData absent, lpData sent) is
         * malformed, as is any disagreement. */
        if (!ndr_member_args(l->member, base, &a) || !a.has_size || l->max_count != a.size ||
            (array->varying && (!a.has_length || l->length != a.length)) ||
            (!array->varying && l->length != a.size))
            fail(c, STATUS_DATA_ERROR);
    }
}

NTSTATUS ndr_pull(struct ndr_arena *arena, const uint8_t *data, size_t len,
                  const struct ndr_type *type, void *value, unsigned direction)
{
    struct pull_ctx c = { .arena = arena };
    rd_init(&c.r, data, len);
    if (type->kind == NDR_KIND_PARAMS) {
        uint8_t *base = value;
        for (size_t i = 0; i < type->member_count && c.status == STATUS_SUCCESS; i++)
            if (type->members[i].direction & direction)
                pull_param(&c, type, i, base, direction);
        check_late(&c, base);
    } else {
        struct ndr_args none = { 0 };
        pull_scalars(&c, type, value, &none);
        pull_buffers(&c, type, value, &none);
    }
    free(c.full);
    return c.status;
}
