/* NT path names: splitting "dir\name:stream:$DATA", validating components,
 * and the small string helpers for root-relative unix paths. */
#include "drivers/pvfs/pvfs_private.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/utf16.h"

static bool forbidden_char(unsigned char c, bool stream)
{
    if (c < 0x20)
        return true;
    switch (c) {
    case '\\':
    case '/': /* the unix separator: never part of a name */
    case ':':
        return true;
    case '*':
    case '?':
    case '"':
    case '<':
    case '>':
    case '|':
        return !stream; /* NTFS allows these in stream names, except none of ours */
    default:
        return false;
    }
}

static NTSTATUS name_check(const char *name, size_t len, bool stream)
{
    if (len == 0)
        return STATUS_OBJECT_NAME_INVALID;
    for (size_t i = 0; i < len; i++)
        if (forbidden_char((unsigned char)name[i], stream))
            return STATUS_OBJECT_NAME_INVALID;
    long units = utf8_utf16_units(name, len);
    if (units < 0)
        return STATUS_OBJECT_NAME_INVALID;
    if (units > PVFS_NAME_MAX_UNITS)
        return STATUS_OBJECT_NAME_INVALID;
    return STATUS_SUCCESS;
}

NTSTATUS pvfs_name_valid(const char *name, size_t len)
{
    if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
        return STATUS_OBJECT_NAME_INVALID;
    return name_check(name, len, false);
}

NTSTATUS pvfs_stream_name_valid(const char *name, size_t len)
{
    return name_check(name, len, true);
}

void pvfs_path_free(struct pvfs_path *path)
{
    for (size_t i = 0; i < path->count; i++)
        free(path->components[i]);
    free(path->components);
    free(path->stream);
    memset(path, 0, sizeof *path);
}

/* Splits the last component "name:stream[:type]" into name and stream. */
static NTSTATUS split_stream(const char *last, size_t len, size_t *name_len, char **stream)
{
    const char *colon = memchr(last, ':', len);
    *stream = NULL;
    *name_len = len;
    if (!colon)
        return STATUS_SUCCESS;
    *name_len = (size_t)(colon - last);
    const char *s = colon + 1;
    size_t rest = len - *name_len - 1;
    const char *colon2 = memchr(s, ':', rest);
    size_t stream_len = colon2 ? (size_t)(colon2 - s) : rest;
    if (colon2) {
        const char *type = colon2 + 1;
        size_t type_len = rest - stream_len - 1;
        /* $DATA is the only stream type of a file ([MS-FSCC] 2.1.5). */
        if (type_len != 5 || strncasecmp(type, "$DATA", 5) != 0)
            return STATUS_OBJECT_NAME_INVALID;
        if (stream_len == 0)
            return STATUS_SUCCESS; /* "name::$DATA" is the default stream */
    } else if (stream_len == 0) {
        return STATUS_OBJECT_NAME_INVALID; /* "name:" */
    }
    NTSTATUS status = pvfs_stream_name_valid(s, stream_len);
    if (status != STATUS_SUCCESS)
        return status;
    *stream = strndup(s, stream_len);
    return *stream ? STATUS_SUCCESS : STATUS_NO_MEMORY;
}

NTSTATUS pvfs_path_parse(const char *nt_path, struct pvfs_path *path)
{
    NTSTATUS status = STATUS_SUCCESS;
    memset(path, 0, sizeof *path);
    if (!utf8_valid(nt_path))
        return STATUS_OBJECT_NAME_INVALID;
    const char *p = nt_path;
    if (*p == '\\')
        p++;
    size_t len = strlen(p);
    if (len > 0 && p[len - 1] == '\\') {
        path->trailing_backslash = true;
        len--;
    }
    if (len == 0)
        return STATUS_SUCCESS; /* the root */
    size_t max = 1;
    for (size_t i = 0; i < len; i++)
        if (p[i] == '\\')
            max++;
    path->components = calloc(max, sizeof *path->components);
    if (!path->components)
        return STATUS_NO_MEMORY;
    size_t start = 0;
    while (start <= len) {
        const char *end = memchr(p + start, '\\', len - start);
        size_t clen = end ? (size_t)(end - (p + start)) : len - start;
        size_t name_len = clen;
        if (!end) {
            status = split_stream(p + start, clen, &name_len, &path->stream);
            if (status != STATUS_SUCCESS)
                goto fail;
        }
        status = pvfs_name_valid(p + start, name_len);
        if (status != STATUS_SUCCESS)
            goto fail;
        char *c = strndup(p + start, name_len);
        if (!c) {
            status = STATUS_NO_MEMORY;
            goto fail;
        }
        path->components[path->count++] = c;
        if (!end)
            break;
        start += clen + 1;
    }
    if (path->stream && path->trailing_backslash) {
        status = STATUS_OBJECT_NAME_INVALID;
        goto fail;
    }
    return STATUS_SUCCESS;
fail:
    pvfs_path_free(path);
    return status;
}

char *pvfs_path_join(const char *dir, const char *name)
{
    size_t dl = strlen(dir), nl = strlen(name);
    if (dl == 0)
        return strdup(name);
    if (nl == 0)
        return strdup(dir);
    char *out = malloc(dl + 1 + nl + 1);
    if (!out)
        return NULL;
    memcpy(out, dir, dl);
    out[dl] = '/';
    memcpy(out + dl + 1, name, nl + 1);
    return out;
}

char *pvfs_path_dirname(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? strndup(path, (size_t)(slash - path)) : strdup("");
}

const char *pvfs_path_basename(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

bool pvfs_path_is_beneath(const char *path, const char *dir)
{
    size_t dl = strlen(dir);
    if (dl == 0)
        return true;
    return strncmp(path, dir, dl) == 0 && (path[dl] == '\0' || path[dl] == '/');
}

char *pvfs_nt_name(const char *path, const char *beneath, const char *stream)
{
    const char *rel = path;
    size_t bl = strlen(beneath);
    if (bl && pvfs_path_is_beneath(path, beneath))
        rel = path[bl] == '/' ? path + bl + 1 : path + bl;
    size_t rl = strlen(rel), sl = stream ? strlen(stream) + 1 : 0;
    char *out = malloc(1 + rl + sl + 1);
    if (!out)
        return NULL;
    out[0] = '\\';
    for (size_t i = 0; i < rl; i++)
        out[1 + i] = rel[i] == '/' ? '\\' : rel[i];
    if (stream) {
        out[1 + rl] = ':';
        memcpy(out + 2 + rl, stream, sl - 1);
    }
    out[1 + rl + sl] = '\0';
    return out;
}
