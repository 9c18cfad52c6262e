/* Extended attributes (EAs): [MS-FSCC] 2.4.12 FileEaInformation, 2.4.15
 * FileFullEaInformation and FILE_GET_EA_INFORMATION; [MS-FSA] 2.1.5.12.10,
 * 2.1.5.12.12 (query) and 2.1.5.15.5 (set).
 *
 * Storage is Samba's (source3/smbd/smb2_trans2.c, set_ea and
 * get_ea_list_from_fsp): the EA NAME is the xattr "user.NAME" holding the
 * value bytes, so a tree keeps its EAs when it moves between smbd and
 * Samewise. Names are case-insensitive: setting an EA that exists under
 * another spelling rewrites that xattr, a new one keeps the client's
 * spelling; queries return names upper-cased, as Windows does. An xattr
 * outside the user namespace, one Samba or Samewise keeps for itself
 * (user.DOSATTRIB, user.DosStream.*, user.SAMBA_PAI, user.samewise.*, ...),
 * one whose name Windows could not use, and one with an empty or overlong
 * value is never shown as an EA, and setting such a name (in any case) is
 * refused with STATUS_ACCESS_DENIED, as smbd refuses it. The list of those
 * names and the EA name -> xattr mapping live in private_xattr.c, the one
 * place that decides what a client may name.
 *
 * EAs belong to the file: an open of a named stream sees its file's EAs
 * (its fd is the file's). */
#include "drivers/pvfs/pvfs_private.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/xattr.h>

#include "drivers/pvfs/samba_xattr.h"

#define USER_PREFIX "user."
#define USER_PREFIX_LEN (sizeof USER_PREFIX - 1)
#define FILE_NEED_EA 0x80u
/* [MS-FSA] 2.1.5.15.5: the packed list may not exceed 64 KiB - 5. */
#define EA_PACKED_MAX (65536u - 5u)
/* FILE_FULL_EA_INFORMATION's fixed part: NextEntryOffset, Flags,
 * EaNameLength, EaValueLength. */
#define FULL_EA_HEADER 8u
#define GET_EA_HEADER 5u

/* ---- names ---- */

bool pvfs_ea_name_valid(const char *name, size_t len)
{
    /* Characters Windows refuses in an EA name (Samba probed them from
     * Windows 2012: is_invalid_windows_ea_name). */
    static const char bad[] = "\"*+,/:;<=>?[\\]|";
    if (len == 0 || len > 255)
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c < 0x20 || (c < 0x80 && strchr(bad, c)))
            return false;
    }
    return true;
}

/* ---- lists ---- */

void pvfs_ea_list_free(struct pvfs_ea_list *list)
{
    for (size_t i = 0; i < list->count; i++) {
        free(list->items[i].name);
        free(list->items[i].value);
    }
    free(list->items);
    list->items = NULL;
    list->count = 0;
    list->capacity = 0;
}

static NTSTATUS list_add(struct pvfs_ea_list *list, const char *name, size_t name_len,
                         uint8_t flags, const uint8_t *value, size_t value_len)
{
    if (list->count == list->capacity) {
        size_t capacity = list->capacity ? list->capacity * 2 : 8;
        struct pvfs_ea *items = realloc(list->items, capacity * sizeof *items);
        if (!items)
            return STATUS_NO_MEMORY;
        list->items = items;
        list->capacity = capacity;
    }
    struct pvfs_ea *e = &list->items[list->count];
    e->name = strndup(name, name_len);
    e->value = malloc(value_len ? value_len : 1);
    if (!e->name || !e->value) {
        free(e->name);
        free(e->value);
        return STATUS_NO_MEMORY;
    }
    if (value_len)
        memcpy(e->value, value, value_len);
    e->flags = flags;
    e->value_length = (uint16_t)value_len;
    list->count++;
    return STATUS_SUCCESS;
}

/* Walks a chain of entries linked by a leading NextEntryOffset, the way
 * IoCheckEaBufferValidity does: each entry lies inside the buffer, a
 * non-zero NextEntryOffset is a multiple of 4 and lands past the entry
 * (and inside the buffer). full: FILE_FULL_EA_INFORMATION entries, else
 * FILE_GET_EA_INFORMATION entries. */
static NTSTATUS parse_chain(const void *buffer, size_t length, bool full,
                            struct pvfs_ea_list *out, uint32_t *error_offset)
{
    struct buf_reader all;
    rd_init(&all, buffer, length);
    size_t at = 0;
    NTSTATUS status = STATUS_SUCCESS;
    *out = (struct pvfs_ea_list){ 0 };
    if (error_offset)
        *error_offset = 0;
    for (;;) {
        if (error_offset)
            *error_offset = (uint32_t)at;
        struct buf_reader r = rd_sub(&all, at, length - at);
        uint32_t next = rd_u32(&r);
        uint8_t flags = 0;
        uint16_t value_len = 0;
        if (full)
            flags = rd_u8(&r);
        uint8_t name_len = rd_u8(&r);
        if (full)
            value_len = rd_u16(&r);
        const char *name = (const char *)rd_bytes(&r, name_len);
        uint8_t nul = rd_u8(&r);
        const uint8_t *value = rd_bytes(&r, value_len);
        size_t used = (full ? FULL_EA_HEADER : GET_EA_HEADER) + name_len + 1u + value_len;
        if (!rd_ok(&r) || nul != 0 ||
            (next != 0 && ((next & 3u) != 0 || next < used || next >= length - at))) {
            status = STATUS_EA_LIST_INCONSISTENT;
            break;
        }
        if (!pvfs_ea_name_valid(name, name_len) || (flags & ~FILE_NEED_EA)) {
            status = STATUS_INVALID_EA_NAME;
            break;
        }
        status = list_add(out, name, name_len, flags, value, value_len);
        if (status != STATUS_SUCCESS || next == 0)
            break;
        at += next;
    }
    if (status != STATUS_SUCCESS)
        pvfs_ea_list_free(out);
    else if (error_offset)
        *error_offset = 0;
    return status;
}

NTSTATUS pvfs_ea_parse_full(const void *buffer, size_t length, struct pvfs_ea_list *out,
                            uint32_t *error_offset)
{
    return parse_chain(buffer, length, true, out, error_offset);
}

NTSTATUS pvfs_ea_parse_get(const void *buffer, size_t length, struct pvfs_ea_list *out,
                           uint32_t *error_offset)
{
    return parse_chain(buffer, length, false, out, error_offset);
}

/* The packed size of a list ([MS-FSA] ExtendedAttributesLength): 4 + name
 * + NUL + value per EA. */
static uint64_t packed_size(const struct pvfs_ea_list *list)
{
    uint64_t n = 0;
    for (size_t i = 0; i < list->count; i++)
        n += 4u + strlen(list->items[i].name) + 1u + list->items[i].value_length;
    return n;
}

uint32_t pvfs_ea_size_of(const struct pvfs_ea_list *list)
{
    uint64_t n = packed_size(list);
    /* [MS-FSA] 2.1.5.12.10: plus 4 for the list's header when not empty. */
    return n ? (uint32_t)(n + 4u) : 0;
}

/* ---- xattrs (fd may be O_PATH: then through its /proc link) ---- */

static ssize_t x_list(int fd, char *list, size_t size)
{
    ssize_t n = flistxattr(fd, list, size);
    if (n < 0 && errno == EBADF) {
        char proc[64];
        snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
        n = listxattr(proc, list, size);
    }
    return n;
}

static ssize_t x_get(int fd, const char *name, void *value, size_t size)
{
    ssize_t n = fgetxattr(fd, name, value, size);
    if (n < 0 && errno == EBADF) {
        char proc[64];
        snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
        n = getxattr(proc, name, value, size);
    }
    return n;
}

NTSTATUS pvfs_xattr_names(int fd, char **names, size_t *size)
{
    *names = NULL;
    *size = 0;
    for (int attempt = 0; attempt < 4; attempt++) {
        ssize_t n = x_list(fd, NULL, 0);
        if (n < 0)
            return errno == ENOTSUP ? STATUS_SUCCESS : nt_status_from_errno(errno);
        if (n == 0)
            return STATUS_SUCCESS;
        char *list = malloc((size_t)n);
        if (!list)
            return STATUS_NO_MEMORY;
        ssize_t got = x_list(fd, list, (size_t)n);
        if (got >= 0) {
            *names = list;
            *size = (size_t)got;
            return STATUS_SUCCESS;
        }
        free(list);
        if (errno != ERANGE) /* grew meanwhile: ask again */
            return nt_status_from_errno(errno);
    }
    return STATUS_UNSUCCESSFUL;
}

/* The EA name of an xattr, or NULL if the xattr is not one. */
static const char *ea_name_of(const char *xattr_name)
{
    if (strncmp(xattr_name, USER_PREFIX, USER_PREFIX_LEN) != 0 ||
        pvfs_xattr_is_private(xattr_name))
        return NULL;
    const char *name = xattr_name + USER_PREFIX_LEN;
    return pvfs_ea_name_valid(name, strlen(name)) ? name : NULL;
}

static int by_name(const void *a, const void *b)
{
    return strcasecmp(((const struct pvfs_ea *)a)->name, ((const struct pvfs_ea *)b)->name);
}

NTSTATUS pvfs_ea_read(int fd, struct pvfs_ea_list *out)
{
    char *names;
    size_t size;
    *out = (struct pvfs_ea_list){ 0 };
    NTSTATUS status = pvfs_xattr_names(fd, &names, &size);
    if (status != STATUS_SUCCESS)
        return status;
    uint8_t *value = malloc(PVFS_XATTR_MAX);
    if (!value && size) {
        free(names);
        return STATUS_NO_MEMORY;
    }
    for (size_t off = 0; off < size && status == STATUS_SUCCESS;) {
        const char *x = names + off;
        size_t xl = strnlen(x, size - off);
        off += xl + 1;
        if (off > size)
            break; /* unterminated last name: not from the kernel */
        const char *name = ea_name_of(x);
        if (!name)
            continue;
        ssize_t n = x_get(fd, x, value, PVFS_XATTR_MAX);
        /* Gone meanwhile, or larger than an EA value can be (its length
         * is 16 bits): not an EA. An empty value is none either (Windows
         * reports a file with one as corrupt). */
        if (n <= 0 || n > 0xFFFF)
            continue;
        status = list_add(out, name, strlen(name), 0, value, (size_t)n);
    }
    free(value);
    free(names);
    if (status != STATUS_SUCCESS)
        pvfs_ea_list_free(out);
    else if (out->count > 1)
        /* By name: the same order on every file system (xattr listing
         * order is the file system's), so an index means the same EA
         * from one query to the next. */
        qsort(out->items, out->count, sizeof out->items[0], by_name);
    return status;
}

uint32_t pvfs_ea_size(int fd)
{
    struct pvfs_ea_list list;
    if (pvfs_ea_read(fd, &list) != STATUS_SUCCESS)
        return 0;
    uint32_t n = pvfs_ea_size_of(&list);
    pvfs_ea_list_free(&list);
    return n;
}

static const struct pvfs_ea *find(const struct pvfs_ea_list *list, const char *name)
{
    for (size_t i = 0; i < list->count; i++)
        if (strcasecmp(list->items[i].name, name) == 0)
            return &list->items[i];
    return NULL;
}

NTSTATUS pvfs_ea_write(int fd, const struct pvfs_ea_list *set, bool replace_all)
{
    struct pvfs_ea_list have;
    char xname[USER_PREFIX_LEN + 256];
    NTSTATUS status = STATUS_SUCCESS;
    /* No list of more than the limit can be the result, whatever it
     * deletes or repeats: refused at once, which also bounds the work
     * below (quadratic in the number of entries). */
    if (packed_size(set) > EA_PACKED_MAX)
        return STATUS_EA_TOO_LARGE;
    /* Refuse the whole set before changing anything: no EA name reaches
     * an xattr pvfs keeps for itself (private_xattr.c). */
    for (size_t i = 0; i < set->count; i++) {
        status = pvfs_ea_xattr_name(set->items[i].name, xname, sizeof xname);
        if (status != STATUS_SUCCESS)
            return status;
    }
    status = pvfs_ea_read(fd, &have);
    if (status != STATUS_SUCCESS)
        return status;
    /* The size the list will have ([MS-FSA] 2.1.5.15.5: too large, and
     * nothing changes). */
    uint64_t total = 0;
    for (size_t i = 0; i < have.count && !replace_all; i++)
        if (!find(set, have.items[i].name))
            total += 4u + strlen(have.items[i].name) + 1u + have.items[i].value_length;
    for (size_t i = 0; i < set->count; i++) {
        const struct pvfs_ea *e = &set->items[i];
        bool later = false; /* a later entry of the same name wins */
        for (size_t j = i + 1; j < set->count && !later; j++)
            later = strcasecmp(set->items[j].name, e->name) == 0;
        if (!later && e->value_length)
            total += 4u + strlen(e->name) + 1u + e->value_length;
    }
    if (total > EA_PACKED_MAX) {
        status = STATUS_EA_TOO_LARGE;
        goto out;
    }
    if (replace_all) {
        for (size_t i = 0; i < have.count && status == STATUS_SUCCESS; i++) {
            status = pvfs_ea_xattr_name(have.items[i].name, xname, sizeof xname);
            if (status == STATUS_SUCCESS && fremovexattr(fd, xname) != 0 && errno != ENODATA) {
                status = nt_status_from_errno(errno);
            }
        }
        pvfs_ea_list_free(&have);
    }
    for (size_t i = 0; i < set->count && status == STATUS_SUCCESS; i++) {
        const struct pvfs_ea *e = &set->items[i];
        /* An existing spelling is kept (Samba's canonicalize_ea_name). */
        struct pvfs_ea *old = (struct pvfs_ea *)find(&have, e->name);
        status = pvfs_ea_xattr_name(old ? old->name : e->name, xname, sizeof xname);
        if (status != STATUS_SUCCESS)
            break;
        if (e->value_length == 0) {
            /* Deleting an EA that is not there succeeds. */
            if (fremovexattr(fd, xname) != 0 && errno != ENODATA)
                status = nt_status_from_errno(errno);
            else if (old)
                old->name[0] = '\0'; /* gone: a later entry makes it anew */
        } else if (fsetxattr(fd, xname, e->value, e->value_length, 0) != 0) {
            /* ext4 without ea_inode keeps all of an inode's xattrs in one
             * block: past that it says ENOSPC, which for the client is an
             * EA list too large, not a full disk. */
            status = errno == ENOTSUP                   ? STATUS_EAS_NOT_SUPPORTED
                     : errno == ENOSPC || errno == E2BIG ? STATUS_EA_TOO_LARGE
                                                         : nt_status_from_errno(errno);
        } else if (!old) {
            /* Now there: a later entry of the same name finds this spelling. */
            status = list_add(&have, e->name, strlen(e->name), 0, NULL, 0);
        }
    }
out:
    pvfs_ea_list_free(&have);
    return status;
}

/* ---- FILE_FULL_EA_INFORMATION output ---- */

/* Appends one entry (the name upper-cased, as Windows returns it) if it
 * fits in length; false if it does not. prev: the offset of the previous
 * entry, or SIZE_MAX. */
static bool put_entry(struct buf *b, size_t *prev, uint32_t length, const char *name,
                      const struct pvfs_ea *value)
{
    size_t name_len = strlen(name);
    uint16_t value_len = value ? value->value_length : 0;
    size_t at = *prev == SIZE_MAX ? 0 : (b->len + 3u) & ~(size_t)3u;
    if (at + FULL_EA_HEADER + name_len + 1u + value_len > length)
        return false;
    wr_align(b, 4);
    if (*prev != SIZE_MAX)
        wr_put_u32_at(b, *prev, (uint32_t)(at - *prev));
    wr_u32(b, 0);
    wr_u8(b, 0);
    wr_u8(b, (uint8_t)name_len);
    wr_u16(b, value_len);
    for (size_t i = 0; i <= name_len; i++) {
        char c = name[i];
        wr_u8(b, (uint8_t)(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c));
    }
    if (value_len)
        wr_bytes(b, value->value, value_len);
    *prev = at;
    return true;
}

NTSTATUS pvfs_query_ea(struct pvfs_file *file, void *buffer, uint32_t length,
                       bool return_single_entry, const void *ea_list, uint32_t ea_list_length,
                       const uint32_t *ea_index, bool restart_scan, uint32_t *written)
{
    struct pvfs_ea_list want = { 0 }, have = { 0 };
    struct buf b;
    buf_init(&b);
    size_t prev = SIZE_MAX, returned = 0, total = 0;
    bool locked = false;
    *written = 0;
    NTSTATUS status = STATUS_SUCCESS;
    if (!(file->granted_access & FILE_READ_EA))
        return STATUS_ACCESS_DENIED;
    if (ea_list && ea_list_length) {
        status = pvfs_ea_parse_get(ea_list, ea_list_length, &want, NULL);
        if (status != STATUS_SUCCESS)
            goto out;
    }
    status = pvfs_ea_read(file->fd, &have);
    if (status != STATUS_SUCCESS)
        goto out;
    if (have.count == 0) {
        status = STATUS_NO_EAS_ON_FILE;
        goto out;
    }
    if (want.count) {
        /* The named EAs, in the order asked; one the file lacks comes
         * back with an empty value. */
        total = return_single_entry ? 1 : want.count;
        for (size_t i = 0; i < total; i++) {
            const struct pvfs_ea *e = find(&have, want.items[i].name);
            if (!put_entry(&b, &prev, length, want.items[i].name, e))
                break;
            returned++;
        }
    } else {
        /* A scan from the open's place in the list ([MS-FSA]
         * Open.NextEaEntry), or from the 1-based index asked for. */
        pthread_mutex_lock(&file->lock);
        locked = true;
        size_t start;
        if (ea_index) {
            if (*ea_index == 0 || *ea_index > have.count + 1) {
                status = STATUS_NONEXISTENT_EA_ENTRY;
                goto out;
            }
            start = *ea_index - 1;
        } else {
            start = restart_scan ? 0 : file->next_ea;
        }
        if (start >= have.count) {
            status = STATUS_NO_MORE_EAS;
            goto out;
        }
        total = have.count - start;
        if (return_single_entry)
            total = 1;
        for (size_t i = 0; i < total; i++) {
            const struct pvfs_ea *e = &have.items[start + i];
            if (!put_entry(&b, &prev, length, e->name, e))
                break;
            returned++;
        }
        if (returned)
            file->next_ea = start + returned;
    }
    if (!wr_ok(&b)) {
        status = STATUS_NO_MEMORY;
        goto out;
    }
    if (returned == 0) {
        status = STATUS_BUFFER_TOO_SMALL;
        goto out;
    }
    memcpy(buffer, b.data, b.len);
    *written = (uint32_t)b.len;
    status = returned < total ? STATUS_BUFFER_OVERFLOW : STATUS_SUCCESS;
out:
    if (locked)
        pthread_mutex_unlock(&file->lock);
    buf_free(&b);
    pvfs_ea_list_free(&want);
    pvfs_ea_list_free(&have);
    return status;
}

NTSTATUS pvfs_ea_set(struct pvfs_file *file, const void *buffer, uint32_t length)
{
    if (!(file->granted_access & FILE_WRITE_EA))
        return STATUS_ACCESS_DENIED;
    struct pvfs_ea_list set;
    NTSTATUS status = pvfs_ea_parse_full(buffer, length, &set, NULL);
    if (status != STATUS_SUCCESS)
        return status;
    status = pvfs_ea_write(file->fd, &set, false);
    pvfs_ea_list_free(&set);
    return status;
}
