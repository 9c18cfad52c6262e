/* Shared by the marshaller (ndr_push.c) and the unmarshaller (ndr_pull.c);
 * not part of the module's interface. */
#ifndef SW_DCERPC_NDR_PRIVATE_H
#define SW_DCERPC_NDR_PRIVATE_H

#include "dcerpc/ndr.h"

/* The size_is/length_is/switch_is values a member hands to its type, carried
 * through pointers to the pointee. hoisted: the conformance was read or
 * written in front of the enclosing conformant struct (hoisted_count). */
struct ndr_args {
    bool has_size, has_length, has_switch, hoisted;
    uint32_t size, length, sw, hoisted_count;
    /* Unmarshalling a top-level array sized by a parameter that follows it:
     * its counts are taken from the wire and checked later (ndr_pull.c). */
    bool from_wire;
};

/* Alignment of a type's inline representation. */
size_t ndr_align_of(const struct ndr_type *type, unsigned depth);
/* The fewest wire bytes one inline instance can take (to refuse counts that
 * the remaining data cannot hold before allocating for them). */
size_t ndr_min_wire(const struct ndr_type *type, unsigned depth);
/* True if a pointer to this type points at the string/element pointer itself
 * (see ndr.h), rather than at an allocated object. */
bool ndr_target_is_slot(const struct ndr_type *target);
/* True if the struct ends in an inline conformant array. */
bool ndr_struct_is_conformant(const struct ndr_type *type);
/* The member's arguments, read from the enclosing struct at base. Returns
 * false if an expression cannot be evaluated (a NULL pointer to dereference). */
bool ndr_member_args(const struct ndr_member *member, const void *base, struct ndr_args *args);
/* The arm for a discriminant; *found false if there is none (then the union is
 * valid only with has_default). */
const struct ndr_arm *ndr_union_arm(const struct ndr_type *type, uint32_t value, bool *found);
/* Reads the integer member value at p of the given width. */
uint64_t ndr_load_int(const void *p, size_t width);

#endif
