/* Shared helpers of the pvfs unit tests (t/pvfs-*.c): a scratch volume in a
 * temporary directory, tokens, and short forms of the engine calls. */
#ifndef SW_T_PVFS_UTIL_H
#define SW_T_PVFS_UTIL_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "drivers/pvfs/pvfs.h"
#include "lib/access.h"
#include "lib/secdesc.h"
#include "lib/sid.h"
#include "lib/token.h"
#include "t/tap/tap.h"

static char scratch_root[256];

/* rm -rf of the scratch directory (only ever our own mkdtemp result). */
static inline void scratch_cleanup(void)
{
    if (!scratch_root[0])
        return;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", scratch_root);
    if (system(cmd) != 0)
        fprintf(stderr, "# could not remove %s\n", scratch_root);
}

static inline const char *scratch_dir(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(scratch_root, sizeof scratch_root, "%s/pvfs-test-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(scratch_root)) {
        perror("mkdtemp");
        exit(1);
    }
    atexit(scratch_cleanup);
    return scratch_root;
}

/* scratch_root/rel, in a static buffer (one at a time). */
static inline const char *on_disk(const char *rel)
{
    static char path[600];
    snprintf(path, sizeof path, "%s/%s", scratch_root, rel);
    return path;
}

static inline void write_disk_file(const char *rel, const char *content)
{
    FILE *f = fopen(on_disk(rel), "w");
    if (!f) {
        perror(rel);
        exit(1);
    }
    fputs(content, f);
    fclose(f);
}

static inline struct access_token *make_token(const char *user_sid)
{
    struct sid user, group;
    sid_parse(user_sid, &user);
    sid_parse("S-1-5-21-1-2-3-513", &group);
    struct access_token *t = token_new(&user, &group);
    token_add_group(t, &group);
    token_add_group(t, &SID_EVERYONE);
    token_add_group(t, &SID_AUTHENTICATED_USERS);
    return t;
}

#define ALICE "S-1-5-21-1-2-3-1000"
#define BOB "S-1-5-21-1-2-3-1001"

static inline struct pvfs_create_args args_of(const char *path, uint32_t access, uint32_t share,
                                uint32_t disposition, uint32_t options)
{
    struct pvfs_create_args a;
    memset(&a, 0, sizeof a);
    a.path = path;
    a.desired_access = access;
    a.share_access = share;
    a.create_disposition = disposition;
    a.create_options = options;
    return a;
}

/* Opens path; returns the status, *file on success. */
static inline NTSTATUS open_file(struct pvfs_volume *v, const struct access_token *t,
                                 const char *path, uint32_t access, uint32_t share,
                                 uint32_t disposition, uint32_t options, struct pvfs_file **file,
                                 uint32_t *action)
{
    struct pvfs_create_args a = args_of(path, access, share, disposition, options);
    uint32_t ignored;
    return pvfs_create(v, t, &a, file, action ? action : &ignored);
}

#define SHARE_ALL (FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE)

#endif
