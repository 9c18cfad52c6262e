/* The management interface every endpoint answers ([C706] appendix Q, the
 * remote half of rpc_mgmt_*): which interfaces are served, the call and
 * packet counters, whether the server listens, and principal names. A
 * client may ask it of any pipe (smbtorture's rpc.mgmt asks each pipe it
 * knows). Stopping the server is refused. */
#include <string.h>

#include "dcerpc/server_private.h"

#define M NDR_MEMBER

/* ---- inq_if_ids ---- */
static const struct ndr_type clock_seq_bytes = { .kind = NDR_KIND_FIXED_ARRAY, .name = "clock_seq", .size = 2,
                                                 .target = &ndr_u8, .fixed_count = 2 };
static const struct ndr_type node_bytes = { .kind = NDR_KIND_FIXED_ARRAY, .name = "node", .size = 6,
                                            .target = &ndr_u8, .fixed_count = 6 };
static const struct ndr_member if_id_members[] = {
    M(struct mgmt_if_id, uuid.time_low, ndr_u32),
    M(struct mgmt_if_id, uuid.time_mid, ndr_u16),
    M(struct mgmt_if_id, uuid.time_hi_and_version, ndr_u16),
    M(struct mgmt_if_id, uuid.clock_seq, clock_seq_bytes),
    M(struct mgmt_if_id, uuid.node, node_bytes),
    M(struct mgmt_if_id, vers_major, ndr_u16),
    M(struct mgmt_if_id, vers_minor, ndr_u16),
};
static NDR_STRUCT_TYPE(struct mgmt_if_id, if_id_type, if_id_members);
static NDR_POINTER_TYPE(if_id_unique, NDR_POINTER_UNIQUE, if_id_type);
static NDR_ARRAY_TYPE(if_id_array, if_id_unique);
static const struct ndr_member if_id_vector_members[] = {
    M(struct mgmt_if_id_vector, count, ndr_u32),
    M(struct mgmt_if_id_vector, if_id, if_id_array, .size_is = NDR_FIELD(struct mgmt_if_id_vector, count)),
};
static NDR_STRUCT_TYPE(struct mgmt_if_id_vector, if_id_vector_type, if_id_vector_members);
static NDR_POINTER_TYPE(if_id_vector_unique, NDR_POINTER_UNIQUE, if_id_vector_type);
static const struct ndr_member inq_if_ids_members[] = {
    M(struct mgmt_inq_if_ids, if_id_vector, if_id_vector_unique, .direction = NDR_OUT),
    M(struct mgmt_inq_if_ids, status, ndr_u32, .direction = NDR_OUT),
};
static NDR_PARAMS_TYPE(struct mgmt_inq_if_ids, inq_if_ids_params, inq_if_ids_members);

/* A bound on what one answer lists; far above what any server registers. */
#define MAX_IFACES 64

static uint32_t inq_if_ids(struct dcerpc_call *call, void *r)
{
    struct mgmt_inq_if_ids *c = r;
    struct ndr_arena *arena = dcerpc_call_arena(call);
    struct dcerpc_syntax_id ids[MAX_IFACES];
    size_t n = dcerpc_call_server_ifaces(call, ids, MAX_IFACES);
    if (n > MAX_IFACES)
        n = MAX_IFACES;
    struct mgmt_if_id_vector *v = ndr_arena_alloc(arena, sizeof *v);
    struct mgmt_if_id **list = ndr_arena_array(arena, n ? n : 1, sizeof *list);
    struct mgmt_if_id *items = ndr_arena_array(arena, n ? n : 1, sizeof *items);
    if (!v || !list || !items)
        return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
    for (size_t i = 0; i < n; i++) {
        items[i].uuid = ids[i].uuid;
        items[i].vers_major = ids[i].major;
        items[i].vers_minor = ids[i].minor;
        list[i] = &items[i];
    }
    v->count = (uint32_t)n;
    v->if_id = list;
    c->if_id_vector = v;
    c->status = 0;
    return 0;
}

/* ---- inq_stats: [in] max_count; [out] the counters as a conformant
 * array after their count ([C706] rpc_mgmt_inq_stats; Samba's client sends
 * a second [in] word, ignored as trailing stub bytes). ---- */
static NDR_ARRAY_TYPE(u32_array, ndr_u32);
static const struct ndr_member inq_stats_members[] = {
    M(struct mgmt_inq_stats, max_count, ndr_u32, .direction = NDR_IN),
    M(struct mgmt_inq_stats, count, ndr_u32, .direction = NDR_OUT),
    M(struct mgmt_inq_stats, statistics, u32_array, .direction = NDR_OUT,
      .size_is = NDR_FIELD(struct mgmt_inq_stats, count)),
    M(struct mgmt_inq_stats, status, ndr_u32, .direction = NDR_OUT),
};
static NDR_PARAMS_TYPE(struct mgmt_inq_stats, inq_stats_params, inq_stats_members);

static uint32_t inq_stats(struct dcerpc_call *call, void *r)
{
    struct mgmt_inq_stats *c = r;
    uint32_t stats[DCERPC_STATS_COUNT];
    dcerpc_call_server_stats(call, stats);
    c->count = c->max_count < DCERPC_STATS_COUNT ? c->max_count : DCERPC_STATS_COUNT;
    c->statistics = ndr_arena_array(dcerpc_call_arena(call), DCERPC_STATS_COUNT, sizeof(uint32_t));
    if (!c->statistics)
        return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
    memcpy(c->statistics, stats, c->count * sizeof(uint32_t));
    c->status = 0;
    return 0;
}

/* ---- is_server_listening: [out] status, returns boolean32 ---- */
static const struct ndr_member is_listening_members[] = {
    M(struct mgmt_is_server_listening, status, ndr_u32, .direction = NDR_OUT),
    M(struct mgmt_is_server_listening, result, ndr_u32, .direction = NDR_OUT),
};
static NDR_PARAMS_TYPE(struct mgmt_is_server_listening, is_listening_params, is_listening_members);

static uint32_t is_server_listening(struct dcerpc_call *call, void *r)
{
    struct mgmt_is_server_listening *c = r;
    c->status = 0;
    c->result = 1; /* it is answering this call */
    return 0;
}

/* ---- stop_server_listening: refused ---- */
static const struct ndr_member stop_members[] = {
    M(struct mgmt_stop_server_listening, status, ndr_u32, .direction = NDR_OUT),
};
static NDR_PARAMS_TYPE(struct mgmt_stop_server_listening, stop_params, stop_members);

static uint32_t stop_server_listening(struct dcerpc_call *call, void *r)
{
    struct mgmt_stop_server_listening *c = r;
    c->status = DCERPC_FAULT_ACCESS_DENIED; /* rpc_s_access_denied: daemons stop by signal */
    return 0;
}

/* ---- inq_princ_name: [in] authn_proto, princ_name_size; [out, string,
 * size_is(princ_name_size)] char princ_name[]; [out] status. No RPC-level
 * authentication service is offered (the pipe's SMB session
 * authenticates), so every protocol is unknown and the name empty. ---- */

static const struct ndr_type u8_varying = { .kind = NDR_KIND_ARRAY, .name = "char_varying", .size = sizeof(void *),
                                            .target = &ndr_u8, .varying = true };
static const struct ndr_member princ_name_members[] = {
    M(struct mgmt_inq_princ_name, authn_proto, ndr_u32, .direction = NDR_IN),
    M(struct mgmt_inq_princ_name, princ_name_size, ndr_u32, .direction = NDR_IN),
    M(struct mgmt_inq_princ_name, princ_name, u8_varying, .direction = NDR_OUT,
      .size_is = NDR_FIELD(struct mgmt_inq_princ_name, princ_name_size),
      .length_is = NDR_FIELD(struct mgmt_inq_princ_name, princ_name_len)),
    M(struct mgmt_inq_princ_name, status, ndr_u32, .direction = NDR_OUT),
};
static NDR_PARAMS_TYPE(struct mgmt_inq_princ_name, princ_name_params, princ_name_members);

/* Bounds what a client's size makes the reply carry. */
#define MAX_PRINC_NAME 4096u

static uint32_t inq_princ_name(struct dcerpc_call *call, void *r)
{
    struct mgmt_inq_princ_name *c = r;
    /* Windows answers a zero size with bad stub data. */
    if (c->princ_name_size == 0 || c->princ_name_size > MAX_PRINC_NAME)
        return DCERPC_NCA_S_FAULT_INVALID_BOUND;
    c->princ_name = ndr_arena_alloc(dcerpc_call_arena(call), c->princ_name_size);
    if (!c->princ_name)
        return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
    c->princ_name_len = 1; /* the empty string: its terminator */
    c->status = RPC_S_UNKNOWN_AUTHN_SERVICE;
    return 0;
}

static const struct dcerpc_operation mgmt_ops[] = {
    { "inq_if_ids", &inq_if_ids_params, inq_if_ids },
    { "inq_stats", &inq_stats_params, inq_stats },
    { "is_server_listening", &is_listening_params, is_server_listening },
    { "stop_server_listening", &stop_params, stop_server_listening },
    { "inq_princ_name", &princ_name_params, inq_princ_name },
};

const struct dcerpc_interface dcerpc_mgmt_interface = {
    "mgmt",
    { { 0xAFA8BD80, 0x7D8A, 0x11C9, { 0xBE, 0xF4 }, { 0x08, 0x00, 0x2B, 0x10, 0x29, 0x89 } }, 1, 0 },
    mgmt_ops,
    NDR_ARRAY_LEN(mgmt_ops),
};
