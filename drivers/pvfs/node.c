/* The open-file table: one node per (device, inode, stream), holding every
 * open of it, so share modes, delete-pending and byte-range locks apply
 * across all opens whatever path or hard link they came through.
 * Every function here runs with volume->lock held. */
#include "drivers/pvfs/pvfs_private.h"

#include <stdlib.h>
#include <string.h>

#include "lib/utf16.h"

static size_t bucket_of(const struct pvfs_volume *volume, dev_t dev, ino_t ino)
{
    uint64_t h = (uint64_t)ino * 0x9E3779B97F4A7C15ull ^ (uint64_t)dev;
    return (size_t)(h % volume->bucket_count);
}

static bool same_stream(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return utf8_casecmp(a, b) == 0;
}

static struct pvfs_node *find(struct pvfs_volume *volume, dev_t dev, ino_t ino,
                              const char *stream)
{
    for (struct pvfs_node *n = volume->buckets[bucket_of(volume, dev, ino)]; n; n = n->hash_next)
        if (n->dev == dev && n->ino == ino && same_stream(n->stream, stream))
            return n;
    return NULL;
}

NTSTATUS pvfs_node_get(struct pvfs_volume *volume, dev_t dev, ino_t ino, const char *stream,
                       struct pvfs_node **out)
{
    struct pvfs_node *node = find(volume, dev, ino, stream);
    if (node) {
        node->refs++;
        *out = node;
        return STATUS_SUCCESS;
    }
    struct pvfs_node *base = NULL;
    if (stream) {
        NTSTATUS status = pvfs_node_get(volume, dev, ino, NULL, &base);
        if (status != STATUS_SUCCESS)
            return status;
    }
    node = calloc(1, sizeof *node);
    if (!node || (stream && !(node->stream = strdup(stream)))) {
        free(node);
        if (base)
            pvfs_node_put(volume, base);
        return STATUS_NO_MEMORY;
    }
    node->dev = dev;
    node->ino = ino;
    node->base = base;
    node->refs = 1;
    size_t b = bucket_of(volume, dev, ino);
    node->hash_next = volume->buckets[b];
    volume->buckets[b] = node;
    volume->node_count++;
    *out = node;
    return STATUS_SUCCESS;
}

void pvfs_node_put(struct pvfs_volume *volume, struct pvfs_node *node)
{
    if (--node->refs > 0)
        return;
    size_t b = bucket_of(volume, node->dev, node->ino);
    for (struct pvfs_node **p = &volume->buckets[b]; *p; p = &(*p)->hash_next) {
        if (*p == node) {
            *p = node->hash_next;
            break;
        }
    }
    volume->node_count--;
    struct pvfs_node *base = node->base;
    free(node->stream);
    free(node->delete_path);
    free(node->delete_beneath);
    free(node->locks);
    free(node);
    if (base)
        pvfs_node_put(volume, base);
}

void pvfs_node_add_open(struct pvfs_node *node, struct pvfs_file *file)
{
    file->node_next = node->opens;
    node->opens = file;
}

void pvfs_node_remove_open(struct pvfs_node *node, struct pvfs_file *file)
{
    for (struct pvfs_file **p = &node->opens; *p; p = &(*p)->node_next) {
        if (*p == file) {
            *p = file->node_next;
            file->node_next = NULL;
            return;
        }
    }
}

/* Only these rights take part in sharing ([MS-FSA] 2.1.5.1.2.2): an open for
 * attributes or security alone neither conflicts nor is conflicted with. */
#define SHARING_RIGHTS (FILE_READ_DATA | FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_EXECUTE | DELETE)

bool pvfs_share_conflicts(uint32_t access, uint32_t share, const struct pvfs_file *other)
{
    uint32_t oa = other->granted_access, os = other->share_access;
    if (!(oa & SHARING_RIGHTS))
        return false;
    if ((access & (FILE_READ_DATA | FILE_EXECUTE)) && !(os & FILE_SHARE_READ))
        return true;
    if ((access & (FILE_WRITE_DATA | FILE_APPEND_DATA)) && !(os & FILE_SHARE_WRITE))
        return true;
    if ((access & DELETE) && !(os & FILE_SHARE_DELETE))
        return true;
    if ((oa & (FILE_READ_DATA | FILE_EXECUTE)) && !(share & FILE_SHARE_READ))
        return true;
    if ((oa & (FILE_WRITE_DATA | FILE_APPEND_DATA)) && !(share & FILE_SHARE_WRITE))
        return true;
    if ((oa & DELETE) && !(share & FILE_SHARE_DELETE))
        return true;
    return false;
}

NTSTATUS pvfs_share_check(struct pvfs_volume *volume, struct pvfs_node *node, uint32_t access,
                          uint32_t share)
{
    if (!(access & SHARING_RIGHTS))
        return STATUS_SUCCESS;
    for (const struct pvfs_file *f = node->opens; f; f = f->node_next)
        if (pvfs_share_conflicts(access, share, f))
            return STATUS_SHARING_VIOLATION;
    /* Deleting a file removes its streams: every open stream must share
     * delete too (as NTFS and Samba check). */
    if (!node->stream && (access & DELETE)) {
        /* A file's stream nodes share its (dev, inode), hence its bucket. */
        size_t b = bucket_of(volume, node->dev, node->ino);
        for (const struct pvfs_node *n = volume->buckets[b]; n; n = n->hash_next)
            if (n->base == node)
                for (const struct pvfs_file *f = n->opens; f; f = f->node_next)
                    if ((f->granted_access & SHARING_RIGHTS) &&
                        !(f->share_access & FILE_SHARE_DELETE))
                        return STATUS_SHARING_VIOLATION;
    }
    return STATUS_SUCCESS;
}

bool pvfs_volume_has_open_beneath(struct pvfs_volume *volume, const char *dir,
                                  const struct pvfs_node *except)
{
    for (size_t b = 0; b < volume->bucket_count; b++)
        for (const struct pvfs_node *n = volume->buckets[b]; n; n = n->hash_next) {
            if (n == except || (except && n->base == except))
                continue;
            for (const struct pvfs_file *f = n->opens; f; f = f->node_next)
                if (pvfs_path_is_beneath(f->path, dir))
                    return true;
        }
    return false;
}

bool pvfs_node_file_has_other_opens(struct pvfs_volume *volume, const struct pvfs_node *node)
{
    const struct pvfs_node *base = node->base ? node->base : node;
    size_t b = bucket_of(volume, node->dev, node->ino);
    for (const struct pvfs_node *n = volume->buckets[b]; n; n = n->hash_next)
        if (n != node && (n == base || n->base == base) && n->opens)
            return true;
    return false;
}

void pvfs_volume_for_each_open(struct pvfs_volume *volume, dev_t dev, ino_t ino,
                               void (*fn)(struct pvfs_file *file, void *ctx), void *ctx)
{
    for (struct pvfs_node *n = volume->buckets[bucket_of(volume, dev, ino)]; n; n = n->hash_next)
        if (n->dev == dev && n->ino == ino)
            for (struct pvfs_file *f = n->opens; f; f = f->node_next)
                fn(f, ctx);
}

NTSTATUS pvfs_node_set_delete_pending(struct pvfs_node *node, const char *path,
                                      const char *beneath)
{
    char *p = strdup(path), *b = strdup(beneath ? beneath : "");
    if (!p || !b) {
        free(p);
        free(b);
        return STATUS_NO_MEMORY;
    }
    free(node->delete_path);
    free(node->delete_beneath);
    node->delete_path = p;
    node->delete_beneath = b;
    node->delete_pending = true;
    return STATUS_SUCCESS;
}
