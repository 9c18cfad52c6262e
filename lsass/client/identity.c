/* passwd and group entries as lsassd's lookups carry them (protocol.h).
 * Also compiled into libnss_samewise.so.2, so nothing here may need more
 * than lib/buf.c and libc. */
#include "lsass/client/protocol.h"

#include <stdlib.h>
#include <string.h>

void lsass_put_passwd(struct buf *b, const char *name, uint32_t uid, uint32_t gid, const char *gecos,
                      const char *home, const char *shell)
{
    lsass_put_string(b, name);
    wr_u32(b, uid);
    wr_u32(b, gid);
    lsass_put_string(b, gecos);
    lsass_put_string(b, home);
    lsass_put_string(b, shell);
}

void lsass_put_group_header(struct buf *b, const char *name, uint32_t gid, uint32_t member_count)
{
    lsass_put_string(b, name);
    wr_u32(b, gid);
    wr_u32(b, member_count);
}

bool lsass_get_passwd(struct buf_reader *r, struct lsass_passwd *pw)
{
    memset(pw, 0, sizeof *pw);
    pw->name = lsass_get_string(r);
    pw->uid = rd_u32(r);
    pw->gid = rd_u32(r);
    if (!pw->name || !rd_ok(r))
        return false;
    pw->gecos = lsass_get_string(r);
    if (!pw->gecos)
        return false;
    pw->home = lsass_get_string(r);
    if (!pw->home)
        return false;
    pw->shell = lsass_get_string(r);
    return pw->shell && pw->name[0] && rd_ok(r);
}

bool lsass_get_group(struct buf_reader *r, struct lsass_group *gr)
{
    memset(gr, 0, sizeof *gr);
    gr->name = lsass_get_string(r);
    gr->gid = rd_u32(r);
    uint32_t count = rd_u32(r);
    /* Each member takes at least its 4-byte length: a count the message
     * cannot hold is refused before anything is allocated for it. */
    if (!gr->name || !gr->name[0] || !rd_ok(r) || count > LSASS_MAX_GROUP_MEMBERS || count > rd_remaining(r) / 4)
        return false;
    gr->members = calloc((size_t)count + 1, sizeof *gr->members);
    if (!gr->members)
        return false;
    for (uint32_t i = 0; i < count; i++) {
        gr->members[i] = lsass_get_string(r);
        if (!gr->members[i])
            return false;
        gr->member_count++; /* counted before checked: lsass_group_clear frees it */
        if (!gr->members[i][0])
            return false;
    }
    return rd_ok(r);
}

void lsass_passwd_clear(struct lsass_passwd *pw)
{
    free(pw->name);
    free(pw->gecos);
    free(pw->home);
    free(pw->shell);
    memset(pw, 0, sizeof *pw);
}

void lsass_group_clear(struct lsass_group *gr)
{
    for (size_t i = 0; i < gr->member_count; i++)
        free(gr->members[i]);
    free(gr->members);
    free(gr->name);
    memset(gr, 0, sizeof *gr);
}
