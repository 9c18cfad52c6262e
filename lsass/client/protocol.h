/* The lsassd socket protocol, shared by the daemon and lsass_client (the
 * message layouts are documented in docs/lsass.md).
 *
 * Every message, both ways, is
 *
 *     u32 length      bytes that follow (at most LSASS_MAX_MESSAGE)
 *     u32 opcode      LSASS_OP_*
 *     u32 request_id  chosen by the caller, echoed in the response
 *     [u32 status]    responses only: NTSTATUS
 *     body            opcode-specific
 *
 * little-endian; byte strings are u32 length + bytes; strings are UTF-8
 * byte strings without a terminator. A peer that sends a length beyond
 * LSASS_MAX_MESSAGE is disconnected; a malformed body gets
 * STATUS_INVALID_PARAMETER. One request is answered before the next is read. */
#ifndef SW_LSASS_PROTOCOL_H
#define SW_LSASS_PROTOCOL_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "lib/ntstatus.h"

#define LSASS_SOCKET_NAME "lsassd.sock"
#define LSASS_PID_NAME "lsassd.pid"
/* lookups (NSS) go to this one, in the instance's public directory
 * (sw_public_path): anyone may connect, and only HELLO and the lookup
 * opcodes are served there. */
#define LSASS_PUBLIC_SOCKET_NAME "lsassd.sock"
/* Version 2 added the ACCEPT flag LSASS_ACCEPT_CONNECTION; version 3 the
 * lookup (NSS) and local logon (PAM) opcodes. A version-3 lsassd answers
 * version-1 and -2 requests as before; the client library insists on the
 * version it was built for (lsassd and srv ship together). */
#define LSASS_PROTOCOL_VERSION 3
#define LSASS_MAX_MESSAGE (1024u * 1024u)
/* Security tokens: SMB2 carries at most 64 KiB; Kerberos tickets with a big
 * PAC stay far below this. */
#define LSASS_MAX_TOKEN (256u * 1024u)
#define LSASS_MAX_STRING 1024u

enum lsass_opcode {
    LSASS_OP_HELLO = 1,            /* anyone: -> u32 protocol version */
    LSASS_OP_NEGOTIATE_TOKEN = 2,  /* -> bytes NegTokenInit2 */
    LSASS_OP_ACCEPT = 3,           /* u64 handle, u32 flags, bytes token, string client address,
                                      [flags & LSASS_ACCEPT_CONNECTION: string connection]
                                      -> u64 handle, bytes token,
                                         [on success: bytes session key, u32 logon flags,
                                          string user, string domain, bytes access token] */
    LSASS_OP_DELETE_CONTEXT = 4,   /* u64 handle -> (status only) */
    /* Lookups for the NSS module: anyone, on either socket. Not found:
     * STATUS_NO_SUCH_USER / STATUS_NO_SUCH_GROUP. */
    LSASS_OP_GETPWNAM = 5,         /* string name -> passwd */
    LSASS_OP_GETPWUID = 6,         /* u32 uid -> passwd */
    LSASS_OP_GETGRNAM = 7,         /* string name -> group */
    LSASS_OP_GETGRGID = 8,         /* u32 gid -> group */
    LSASS_OP_ENUM_PASSWD = 9,      /* u32 start uid -> u32 more, u32 next start, u32 count, passwd... */
    LSASS_OP_ENUM_GROUP = 10,      /* u32 start gid -> u32 more, u32 next start, u32 count, group... */
    LSASS_OP_INITGROUPS = 11,      /* string user -> u32 count, u32 gid... */
    /* Local logons for the PAM module: root (and lsassd's uid) only. */
    LSASS_OP_PAM_AUTHENTICATE = 12,/* string user, string password, string service, string remote host
                                      -> string user (as the SAM spells it) */
    LSASS_OP_PAM_ACCOUNT = 13,     /* string user -> (status only) */
    LSASS_OP_PAM_CHANGE_PASSWORD = 14, /* u32 flags, string user, string old, string new, string service
                                      -> string reason (also on STATUS_PASSWORD_RESTRICTION) */

    /* 100..119: monitoring (the metrics endpoint), kept apart from the
     * identity opcodes so both blocks grow without colliding. */
    LSASS_OP_STATS = 100,          /* root and lsassd's uid: -> sample list (lib/samples.h) */
};

/* PAM_CHANGE_PASSWORD flags. */
#define LSASS_PASSWORD_RESET      0x1u /* an administrator's reset: no old password */
#define LSASS_PASSWORD_CHECK_ONLY 0x2u /* only check the old password */
#define LSASS_PASSWORD_FLAGS_KNOWN (LSASS_PASSWORD_RESET | LSASS_PASSWORD_CHECK_ONLY)

/* What one caller on the public socket may ask for: a request is at most
 * this long (the lookups are small), and a page of an enumeration carries
 * at most LSASS_ENUM_PAGE entries or about LSASS_ENUM_PAGE_BYTES. */
#define LSASS_PUBLIC_MAX_REQUEST 4096u
#define LSASS_ENUM_PAGE 256u
#define LSASS_ENUM_PAGE_BYTES (64u * 1024u)
/* Members listed for one group, and groups listed for one user. */
#define LSASS_MAX_GROUP_MEMBERS 4096u
#define LSASS_MAX_USER_GROUPS 1024u

/* A passwd entry as the lookups carry it:
 *   string name, u32 uid, u32 gid, string gecos, string home, string shell */
struct lsass_passwd {
    char *name;
    uint32_t uid;
    uint32_t gid;
    char *gecos;
    char *home;
    char *shell;
};
/* A group entry: string name, u32 gid, u32 member count, string member... */
struct lsass_group {
    char *name;
    uint32_t gid;
    size_t member_count;
    char **members;
};
void lsass_put_passwd(struct buf *b, const char *name, uint32_t uid, uint32_t gid, const char *gecos,
                      const char *home, const char *shell);
/* The group's header; then member_count lsass_put_string()s. */
void lsass_put_group_header(struct buf *b, const char *name, uint32_t gid, uint32_t member_count);
/* Read one entry (malloc'd strings: the _clear functions free them, on
 * every outcome); false if malformed. */
bool lsass_get_passwd(struct buf_reader *r, struct lsass_passwd *pw);
bool lsass_get_group(struct buf_reader *r, struct lsass_group *gr);
void lsass_passwd_clear(struct lsass_passwd *pw);
void lsass_group_clear(struct lsass_group *gr);

/* ACCEPT request flags. */
#define LSASS_ACCEPT_CONNECTION 0x1u /* a string naming the SMB connection follows
                                        (limits half-finished logons per connection) */
#define LSASS_ACCEPT_FLAGS_KNOWN LSASS_ACCEPT_CONNECTION

/* Logon flags in an ACCEPT success. */
#define LSASS_LOGON_GUEST     0x1u
#define LSASS_LOGON_ANONYMOUS 0x2u

/* Starts a message in b (reset first): length placeholder, opcode, id. */
void lsass_msg_begin(struct buf *b, uint32_t opcode, uint32_t request_id);
/* Patches the length; false if the writer failed or the message is too big. */
bool lsass_msg_end(struct buf *b);
void lsass_put_bytes(struct buf *b, const void *data, size_t len);
void lsass_put_string(struct buf *b, const char *s);
/* Reads bytes (pointer into the message) of at most max bytes. */
const uint8_t *lsass_get_bytes(struct buf_reader *r, size_t max, size_t *len);
/* Reads a string into a new NUL-terminated copy (NULL on failure or an
 * embedded NUL). */
char *lsass_get_string(struct buf_reader *r);

/* An ACCEPT request body (the part after the opcode and id). */
struct lsass_accept_request {
    uint64_t handle;          /* 0: a new context */
    uint32_t flags;           /* LSASS_ACCEPT_* */
    const uint8_t *token;     /* points into the message */
    size_t token_len;         /* at most LSASS_MAX_TOKEN */
    char *client;             /* the client's address ("" if not named) */
    char *connection;         /* the SMB connection, NULL without LSASS_ACCEPT_CONNECTION */
};
/* Writes the body; LSASS_ACCEPT_CONNECTION is set when connection is not
 * NULL or empty (a version-1 request otherwise). */
void lsass_write_accept_request(struct buf *b, uint64_t handle, const uint8_t *token, size_t token_len,
                                const char *client, const char *connection);
/* Reads the body, all of r: STATUS_INVALID_PARAMETER if malformed (short,
 * too long a token or string, unknown flags, bytes left over). req's strings
 * are malloc'd: lsass_accept_request_clear() frees them, on every outcome. */
NTSTATUS lsass_read_accept_request(struct buf_reader *r, struct lsass_accept_request *req);
void lsass_accept_request_clear(struct lsass_accept_request *req);

/* Blocking I/O on a connected socket: the whole buffer or -1. */
int lsass_write_all(int fd, const void *data, size_t len);
/* Reads one message (everything after the length field) into b (reset
 * first). 0 on success; -1 on EOF, error, or a length over LSASS_MAX_MESSAGE. */
int lsass_read_message(int fd, struct buf *b);
/* The same with a smaller bound (the public socket's requests). */
int lsass_read_message_max(int fd, struct buf *b, size_t max);

#endif
