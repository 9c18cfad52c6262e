/* Descriptor arithmetic shared by both directions, and the base types. */
#include <string.h>

#include "dcerpc/ndr_private.h"

const struct ndr_type ndr_u8 = { .kind = NDR_KIND_U8, .name = "uint8", .size = 1 };
const struct ndr_type ndr_u16 = { .kind = NDR_KIND_U16, .name = "uint16", .size = 2 };
const struct ndr_type ndr_u32 = { .kind = NDR_KIND_U32, .name = "uint32", .size = 4 };
const struct ndr_type ndr_u64 = { .kind = NDR_KIND_U64, .name = "hyper", .size = 8 };
const struct ndr_type ndr_wstring = { .kind = NDR_KIND_STRING, .name = "wstring",
                                      .size = sizeof(char *), .char_size = 2 };
const struct ndr_type ndr_cstring = { .kind = NDR_KIND_STRING, .name = "cstring",
                                      .size = sizeof(char *), .char_size = 1 };
NDR_POINTER_TYPE(ndr_wstring_ref, NDR_POINTER_REF, ndr_wstring);
NDR_POINTER_TYPE(ndr_wstring_unique, NDR_POINTER_UNIQUE, ndr_wstring);
NDR_ARRAY_TYPE(ndr_u8_array, ndr_u8);
NDR_POINTER_TYPE(ndr_u8_array_unique, NDR_POINTER_UNIQUE, ndr_u8_array);
NDR_POINTER_TYPE(ndr_u32_unique, NDR_POINTER_UNIQUE, ndr_u32);
NDR_POINTER_TYPE(ndr_u32_ref, NDR_POINTER_REF, ndr_u32);

size_t ndr_align_of(const struct ndr_type *type, unsigned depth)
{
    if (!type || depth > NDR_MAX_DEPTH)
        return 1;
    switch (type->kind) {
    case NDR_KIND_U8: return 1;
    case NDR_KIND_U16: return 2;
    case NDR_KIND_U32: return 4;
    case NDR_KIND_U64: return 8;
    case NDR_KIND_POINTER:
    case NDR_KIND_STRING: return 4;
    case NDR_KIND_ARRAY: return ndr_align_of(type->target, depth + 1);
    case NDR_KIND_FIXED_ARRAY: {
        size_t a = ndr_align_of(type->target, depth + 1);
        return type->varying && a < 4 ? 4 : a; /* the offset and length words */
    }
    case NDR_KIND_STRUCT: {
        size_t align = 1;
        for (size_t i = 0; i < type->member_count; i++) {
            size_t a = ndr_align_of(type->members[i].type, depth + 1);
            if (a > align)
                align = a;
        }
        return align;
    }
    case NDR_KIND_UNION: {
        size_t align = type->switch_size ? type->switch_size : 4;
        for (size_t i = 0; i < type->arm_count; i++) {
            size_t a = ndr_align_of(type->arms[i].type, depth + 1);
            if (type->arms[i].type && a > align)
                align = a;
        }
        return align;
    }
    case NDR_KIND_PARAMS: return 1;
    }
    return 1;
}

size_t ndr_min_wire(const struct ndr_type *type, unsigned depth)
{
    if (!type || depth > NDR_MAX_DEPTH)
        return 0;
    switch (type->kind) {
    case NDR_KIND_U8: return 1;
    case NDR_KIND_U16: return 2;
    case NDR_KIND_U32: return 4;
    case NDR_KIND_U64: return 8;
    case NDR_KIND_POINTER: return 4;
    case NDR_KIND_STRING: return 12;
    case NDR_KIND_ARRAY: return 0;
    case NDR_KIND_FIXED_ARRAY: {
        if (type->varying)
            return 8; /* offset and length, no element */
        size_t one = ndr_min_wire(type->target, depth + 1);
        return one && type->fixed_count > SIZE_MAX / one ? SIZE_MAX : one * type->fixed_count;
    }
    case NDR_KIND_STRUCT: {
        size_t total = 0;
        for (size_t i = 0; i < type->member_count; i++) {
            size_t m = ndr_min_wire(type->members[i].type, depth + 1);
            total = m > SIZE_MAX - total ? SIZE_MAX : total + m;
        }
        return total;
    }
    case NDR_KIND_UNION: return type->switch_size ? type->switch_size : 4;
    case NDR_KIND_PARAMS: return 0;
    }
    return 0;
}

bool ndr_target_is_slot(const struct ndr_type *target)
{
    return target->kind == NDR_KIND_STRING || target->kind == NDR_KIND_ARRAY;
}

bool ndr_struct_is_conformant(const struct ndr_type *type)
{
    return type->kind == NDR_KIND_STRUCT && type->member_count > 0 &&
           type->members[type->member_count - 1].type->kind == NDR_KIND_ARRAY;
}

uint64_t ndr_load_int(const void *p, size_t width)
{
    switch (width) {
    case 1: { uint8_t v; memcpy(&v, p, 1); return v; }
    case 2: { uint16_t v; memcpy(&v, p, 2); return v; }
    case 4: { uint32_t v; memcpy(&v, p, 4); return v; }
    case 8: { uint64_t v; memcpy(&v, p, 8); return v; }
    }
    return 0;
}

static bool eval(const struct ndr_expr *expr, const void *base, uint32_t *value)
{
    uint64_t v;
    switch (expr->kind) {
    case NDR_EXPR_CONST:
        v = expr->constant;
        break;
    case NDR_EXPR_FIELD:
        v = ndr_load_int((const uint8_t *)base + expr->offset, expr->width);
        break;
    case NDR_EXPR_DEREF: {
        const void *p;
        memcpy(&p, (const uint8_t *)base + expr->offset, sizeof p);
        if (!p)
            return false;
        v = ndr_load_int(p, expr->width);
        break;
    }
    default:
        return false;
    }
    if (expr->divide > 1)
        v /= expr->divide;
    /* NDR 2.0 conformance and discriminants are 32-bit. */
    if (v > UINT32_MAX)
        return false;
    *value = (uint32_t)v;
    return true;
}

bool ndr_member_args(const struct ndr_member *member, const void *base, struct ndr_args *args)
{
    memset(args, 0, sizeof *args);
    if (member->size_is.kind != NDR_EXPR_NONE) {
        if (!eval(&member->size_is, base, &args->size))
            return false;
        args->has_size = true;
    }
    if (member->length_is.kind != NDR_EXPR_NONE) {
        if (!eval(&member->length_is, base, &args->length))
            return false;
        args->has_length = true;
    }
    if (member->switch_is.kind != NDR_EXPR_NONE) {
        if (!eval(&member->switch_is, base, &args->sw))
            return false;
        args->has_switch = true;
    }
    return true;
}

const struct ndr_arm *ndr_union_arm(const struct ndr_type *type, uint32_t value, bool *found)
{
    uint32_t mask = type->switch_size == 1 ? 0xFFu : type->switch_size == 2 ? 0xFFFFu : 0xFFFFFFFFu;
    for (size_t i = 0; i < type->arm_count; i++) {
        if ((type->arms[i].value & mask) == (value & mask)) {
            *found = true;
            return &type->arms[i];
        }
    }
    *found = false;
    return NULL;
}
