/* Decoding the values an LDAP directory sends, which are untrusted: every
 * function bounds what it accepts and refuses the rest (the fuzz target
 * fuzz/ldap_values.c feeds them arbitrary bytes). Values arrive as (pointer,
 * length) pairs, not NUL-terminated. */
#ifndef SW_LSASS_LDAP_VALUES_H
#define SW_LSASS_LDAP_VALUES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/sid.h"

#define LDAP_NAME_MAX     256   /* uid, cn, memberUid */
#define LDAP_TEXT_MAX     1024  /* gecos, homeDirectory, loginShell */
#define LDAP_MAX_MEMBERS  4096  /* memberUid values kept of one group */
#define LDAP_MAX_USER_GROUPS 1024

/* A name (uid, cn, memberUid): 1..LDAP_NAME_MAX bytes of UTF-8 without
 * control characters, ':', ',', '/', '\\', '@' or leading '-' or spaces (it
 * ends up in passwd lines, grants and file names). out gets a copy. */
bool ldap_value_name(const char *value, size_t len, char *out, size_t out_size);
/* A passwd text field (gecos, home, shell): up to LDAP_TEXT_MAX bytes, no
 * control characters and no ':'. */
bool ldap_value_text(const char *value, size_t len, char *out, size_t out_size);
/* uidNumber / gidNumber: decimal, 1..4294967294 (0, root, is refused; so is
 * (uint32_t)-1, the "no id" value). */
bool ldap_value_id(const char *value, size_t len, uint32_t *id);
/* sambaNTPassword: exactly 32 hex digits. */
bool ldap_value_nt_hash(const char *value, size_t len, uint8_t hash[16]);
/* sambaSID: "S-1-..." as lib/sid parses it, bounded in length. */
bool ldap_value_sid(const char *value, size_t len, struct sid *sid);
/* sambaAcctFlags "[DU         ]": true when 'D' (disabled) is among them. */
bool ldap_value_disabled(const char *value, size_t len);

/* RFC 4515: name with '*', '(', ')', '\\', NUL and bytes outside printable
 * ASCII escaped as \XX. false if out is too small. */
bool ldap_filter_escape(const char *name, char *out, size_t out_size);

#endif
