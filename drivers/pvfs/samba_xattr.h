/* The extended attributes Samba keeps beside a file, in Samba's own byte
 * formats, so a share moved between smbd and Samewise keeps its ACLs, DOS
 * attributes, creation times and alternate data streams.
 *
 * Formats (facts from Samba's librpc/idl/xattr.idl and vfs_streams_xattr.c;
 * all NDR, little-endian, 4-byte aligned where a field asks for it):
 *
 *   security.NTACL      xattr_NTACL: u16 version, u16 level (= version), a
 *                       unique pointer, then version 1: the descriptor;
 *                       2: {sd*, hash[16]}; 3: {sd*, u16 hash_type, hash[64]};
 *                       4: {sd*, u16 hash_type, hash[64], NUL-terminated UTF-8
 *                       description, NTTIME time, sys_acl_hash[64]}, then the
 *                       descriptor. The descriptor's four offsets count from
 *                       the start of the whole xattr, not from the descriptor
 *                       (NDR relative pointers without a relative base).
 *   user.DOSATTRIB      xattr_DOSATTRIB: a NUL-terminated "0x<hex>" string
 *                       (empty for versions >= 4), then u16 version, u16
 *                       level and xattr_DosInfo1..5. A bare hex string is the
 *                       oldest form. Samba writes version 5 {valid_flags,
 *                       attrib, create_time}.
 *   user.DosStream.NAME:$DATA
 *                       the stream's bytes plus one trailing byte: 0 for a
 *                       stream in one xattr (newer Samba puts an extent count
 *                       there for streams spread over several xattrs; those
 *                       are refused, not misread).
 */
#ifndef SW_PVFS_SAMBA_XATTR_H
#define SW_PVFS_SAMBA_XATTR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "lib/ntstatus.h"

#define XATTR_NTACL_NAME "security.NTACL"
#define XATTR_DOSATTRIB_NAME "user.DOSATTRIB"
#define XATTR_DOSSTREAM_PREFIX "user.DosStream."
#define XATTR_DOSSTREAM_SUFFIX ":$DATA"

#define XATTR_SD_HASH_SIZE 64
#define XATTR_SD_HASH_TYPE_NONE 0x0
#define XATTR_SD_HASH_TYPE_SHA256 0x1

#define XATTR_DOSINFO_ATTRIB 0x00000001
#define XATTR_DOSINFO_EA_SIZE 0x00000002
#define XATTR_DOSINFO_SIZE 0x00000004
#define XATTR_DOSINFO_ALLOC_SIZE 0x00000008
#define XATTR_DOSINFO_CREATE_TIME 0x00000010
#define XATTR_DOSINFO_CHANGE_TIME 0x00000020
#define XATTR_DOSINFO_ITIME 0x00000040

/* Extracts the self-relative security descriptor from a security.NTACL
 * value of any version (1-4), with its offsets made relative to itself
 * again. The bytes between and after the parts are kept as they were, so a
 * descriptor written by samba_ntacl_encode() comes back byte for byte.
 * *sd is newly allocated. STATUS_INVALID_SECURITY_DESCR on malformed input. */
NTSTATUS samba_ntacl_decode(const uint8_t *blob, size_t len, uint8_t **sd, size_t *sd_len);

/* Builds a version 4 security.NTACL value around a self-relative descriptor
 * (sd, sd_len), hash type SHA-256. hash is the SHA-256 that Samba compares
 * against its own mapping of the POSIX permissions (we store the hash of the
 * descriptor itself, in the same v3 envelope Samba hashes); sys_acl_hash is
 * the hash of Samba's POSIX ACL blob, or NULL for zeros. out must be empty
 * (NDR alignment counts from its start). */
NTSTATUS samba_ntacl_encode(const uint8_t *sd, size_t sd_len, const char *description,
                            const uint8_t *sys_acl_hash, struct buf *out);

/* The total length of the self-relative descriptor that starts at sd[0] (the
 * end of its furthest part), checking that every part lies within len and
 * after the 20-byte header. 0 if malformed. */
size_t samba_sd_extent(const uint8_t *sd, size_t len);

/* Samba's hash of a file's POSIX permissions (posix_sys_acl_blob_get_fd):
 * SHA-256 over the NDR form of smb_acl_wrapper {access ACL (from
 * system.posix_acl_access, or the three entries the mode implies), default
 * ACL (directories only; empty when there is none), owner, group, mode}.
 * Stored in a v4 security.NTACL, it tells smbd the descriptor is still
 * current: smbd ignores a stored descriptor whose hash does not match.
 * fd may be an O_PATH fd. hash receives 32 bytes, zero-padded to 64. */
NTSTATUS samba_sys_acl_hash(int fd, uint8_t hash[XATTR_SD_HASH_SIZE]);

struct samba_dosinfo {
    uint32_t valid_flags; /* XATTR_DOSINFO_ATTRIB, XATTR_DOSINFO_CREATE_TIME */
    uint32_t attrib;      /* FILE_ATTRIBUTE_* */
    uint64_t create_time; /* NT time (100 ns since 1601) */
};

/* Reads any form of user.DOSATTRIB (bare hex string, versions 1-5). */
NTSTATUS samba_dosattrib_decode(const uint8_t *blob, size_t len, struct samba_dosinfo *info);
/* Writes version 5, exactly as smbd does, into the empty buffer out. */
void samba_dosattrib_encode(const struct samba_dosinfo *info, struct buf *out);

#endif
