/* Between the server runtime (server.c) and the interfaces it serves itself
 * (mgmt.c); not part of the module's interface. */
#ifndef SW_DCERPC_SERVER_PRIVATE_H
#define SW_DCERPC_SERVER_PRIVATE_H

#include "dcerpc/dcerpc.h"

/* The management interface ([C706] appendix Q, afa8bd80-7d8a-11c9-bef4-
 * 08002b102989 v1.0), which every server answers on every endpoint. */
extern const struct dcerpc_interface dcerpc_mgmt_interface;

/* Its operations' parameters (opnums 0 to 4, in this order). */
struct mgmt_if_id {
    struct dcerpc_uuid uuid;
    uint16_t vers_major;
    uint16_t vers_minor;
};
struct mgmt_if_id_vector {
    uint32_t count;
    struct mgmt_if_id **if_id; /* [size_is(count)] rpc_if_id_p_t if_id[*] */
};
struct mgmt_inq_if_ids {
    struct mgmt_if_id_vector *if_id_vector; /* [out] */
    uint32_t status;                        /* [out] error_status_t */
};
struct mgmt_inq_stats {
    uint32_t max_count;   /* [in] */
    uint32_t count;       /* [out] */
    uint32_t *statistics; /* [out, size_is(count)] */
    uint32_t status;      /* [out] */
};
struct mgmt_is_server_listening {
    uint32_t status; /* [out] */
    uint32_t result; /* [out] */
};
struct mgmt_stop_server_listening {
    uint32_t status; /* [out] */
};
struct mgmt_inq_princ_name {
    uint32_t authn_proto;    /* [in] */
    uint32_t princ_name_size; /* [in] */
    uint32_t princ_name_len; /* not on the wire: the varying length */
    uint8_t *princ_name;     /* [out] */
    uint32_t status;         /* [out] */
};
#define RPC_S_UNKNOWN_AUTHN_SERVICE 1747u

/* The interfaces a call's server serves (mgmt included), up to cap; the
 * number there are. */
size_t dcerpc_call_server_ifaces(const struct dcerpc_call *call, struct dcerpc_syntax_id *out, size_t cap);

/* The server's counters ([C706] rpc_mgmt_inq_stats), in this order. */
enum { DCERPC_STATS_CALLS_IN, DCERPC_STATS_CALLS_OUT, DCERPC_STATS_PKTS_IN, DCERPC_STATS_PKTS_OUT,
       DCERPC_STATS_COUNT };
void dcerpc_call_server_stats(const struct dcerpc_call *call, uint32_t stats[DCERPC_STATS_COUNT]);

#endif
