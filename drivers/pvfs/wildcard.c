/* Directory search patterns ([MS-FSA] 2.1.4.4, FsRtlIsNameInExpression),
 * compared without regard to case:
 *   *  any run of characters (possibly none)
 *   ?  exactly one character
 *   <  DOS_STAR: any run of characters that stops before the name's last '.'
 *   >  DOS_QM: one character, or none at a '.' or at the end of the name
 *   "  DOS_DOT: a '.', or nothing at the end of the name
 * (the DOS forms are what a client's "*.*" and "????????.???" become).
 * Matching is memoised over (pattern position, name position), so no
 * pattern costs more than their product. */
#include "drivers/pvfs/pvfs_private.h"

#include <stdlib.h>
#include <string.h>

#include "lib/utf16.h"

#define DOS_STAR '<'
#define DOS_QM '>'
#define DOS_DOT '"'
#define MAX_PATTERN 1024

/* Upper-cased code points of s, or NULL (ill-formed or too long). */
static uint32_t *code_points(const char *s, size_t max, size_t *count)
{
    char *upper = utf8_upper(s);
    if (!upper)
        return NULL;
    size_t len = strlen(upper);
    uint32_t *cp = malloc((len + 1) * sizeof *cp);
    size_t n = 0;
    for (size_t i = 0; cp && i < len;) {
        size_t step = utf8_decode(upper + i, len - i, &cp[n]);
        if (step == 0 || n >= max) {
            free(cp);
            cp = NULL;
            break;
        }
        i += step;
        n++;
    }
    free(upper);
    *count = n;
    return cp;
}

struct matcher {
    const uint32_t *p, *n;
    size_t plen, nlen;
    size_t last_dot; /* index of the name's last '.', or nlen if none */
    uint8_t *memo;   /* 0 unknown, 1 no, 2 yes */
};

static bool match(struct matcher *m, size_t pi, size_t ni)
{
    uint8_t *cell = &m->memo[pi * (m->nlen + 1) + ni];
    if (*cell)
        return *cell == 2;
    bool r;
    if (pi == m->plen) {
        r = ni == m->nlen;
    } else {
        uint32_t c = m->p[pi];
        bool more = ni < m->nlen;
        switch (c) {
        case '*':
            r = match(m, pi + 1, ni) || (more && match(m, pi, ni + 1));
            break;
        case DOS_STAR: {
            size_t limit = m->last_dot >= ni && m->last_dot < m->nlen ? m->last_dot : m->nlen;
            r = false;
            for (size_t k = ni; k <= limit && !r; k++)
                r = match(m, pi + 1, k);
            break;
        }
        case DOS_QM:
            if (!more || m->n[ni] == '.')
                r = match(m, pi + 1, ni);
            else
                r = match(m, pi + 1, ni + 1);
            break;
        case DOS_DOT:
            if (more && m->n[ni] == '.')
                r = match(m, pi + 1, ni + 1);
            else
                r = !more && match(m, pi + 1, ni);
            break;
        case '?':
            r = more && match(m, pi + 1, ni + 1);
            break;
        default:
            r = more && m->n[ni] == c && match(m, pi + 1, ni + 1);
            break;
        }
    }
    *cell = r ? 2 : 1;
    return r;
}

bool pvfs_name_matches(const char *pattern, const char *name)
{
    if (!pattern || strcmp(pattern, "*") == 0)
        return true;
    size_t plen, nlen;
    uint32_t *p = code_points(pattern, MAX_PATTERN, &plen);
    uint32_t *n = code_points(name, MAX_PATTERN, &nlen);
    bool r = false;
    if (p && n) {
        struct matcher m = { p, n, plen, nlen, nlen, NULL };
        for (size_t i = 0; i < nlen; i++)
            if (n[i] == '.')
                m.last_dot = i;
        m.memo = calloc((plen + 1) * (nlen + 1), 1);
        if (m.memo)
            r = match(&m, 0, 0);
        free(m.memo);
    }
    free(p);
    free(n);
    return r;
}
