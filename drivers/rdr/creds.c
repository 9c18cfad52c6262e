/* rdr's credentials file (rdr.credentials-file, docs/rdr.md):
 *
 *   # server          user               password (the rest of the line)
 *   fileserver:4450   WORKGROUP\alice    correct horse battery staple
 *   *                 bob                s3cret
 *
 * The first line whose server matches (the host, or host:port, or *) is
 * used. The file must belong to the user lwiod runs as and be readable by
 * nobody else (0600), as ssh insists for its keys: a file others can read
 * is refused outright rather than used. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "drivers/rdr/rdr.h"
#include "lib/crypto.h"
#include "lib/log.h"

/* Lines longer than this are refused (a password of a few hundred bytes is
 * already far beyond what Windows accepts). */
#define CREDS_LINE_MAX 1024

void rdr_credentials_clear(struct rdr_credentials *creds)
{
    free(creds->user);
    free(creds->domain);
    crypto_wipe(creds->nt_hash, sizeof creds->nt_hash);
    memset(creds, 0, sizeof *creds);
}

static bool server_matches(const char *pattern, const char *host, uint16_t port)
{
    if (strcmp(pattern, "*") == 0)
        return true;
    char with_port[300];
    snprintf(with_port, sizeof with_port, "%s:%u", host, port);
    return strcasecmp(pattern, host) == 0 || strcasecmp(pattern, with_port) == 0;
}

/* Splits "server user password..." in place; false for a malformed line. */
static bool split_line(char *line, char **server, char **user, char **password)
{
    line[strcspn(line, "\r\n")] = 0;
    char *p = line + strspn(line, " \t");
    if (*p == 0 || *p == '#')
        return false;
    *server = p;
    p += strcspn(p, " \t");
    if (*p == 0)
        return false;
    *p++ = 0;
    p += strspn(p, " \t");
    *user = p;
    p += strcspn(p, " \t");
    if (*p == 0)
        return false;
    *p++ = 0;
    p += strspn(p, " \t");
    *password = p;
    return **user != 0;
}

static NTSTATUS fill(struct rdr_credentials *out, const char *user, const char *password)
{
    const char *slash = strchr(user, '\\');
    out->domain = slash ? strndup(user, (size_t)(slash - user)) : strdup("");
    out->user = strdup(slash ? slash + 1 : user);
    if (!out->domain || !out->user) {
        rdr_credentials_clear(out);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    if (crypto_nt_hash(password, out->nt_hash) != 0) {
        rdr_credentials_clear(out);
        return STATUS_LOGON_FAILURE;
    }
    return STATUS_SUCCESS;
}

NTSTATUS rdr_credentials_find(const char *path, const char *host, uint16_t port,
                              struct rdr_credentials *out)
{
    memset(out, 0, sizeof *out);
    out->anonymous = true;
    if (!path || !*path)
        return STATUS_SUCCESS;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        log_warning("rdr: credentials file %s: %s", path, strerror(errno));
        return errno == ENOENT ? STATUS_SUCCESS : STATUS_ACCESS_DENIED;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (st.st_mode & 077) ||
        st.st_uid != geteuid()) {
        log_warning("rdr: credentials file %s is not a 0600 file of lwiod's user: not used",
                    path);
        close(fd);
        return STATUS_ACCESS_DENIED;
    }
    FILE *f = fdopen(fd, "r");
    if (!f) {
        close(fd);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    char line[CREDS_LINE_MAX];
    NTSTATUS status = STATUS_SUCCESS;
    for (int n = 0; n < 10000 && fgets(line, sizeof line, f); n++) {
        char *server, *user, *password;
        if (!split_line(line, &server, &user, &password) || !server_matches(server, host, port))
            continue;
        out->anonymous = false;
        status = fill(out, user, password);
        break;
    }
    crypto_wipe(line, sizeof line);
    fclose(f);
    return status;
}

NTSTATUS rdr_credentials_copy(const struct rdr_credentials *from, struct rdr_credentials *to)
{
    memset(to, 0, sizeof *to);
    to->anonymous = from->anonymous;
    memcpy(to->nt_hash, from->nt_hash, sizeof to->nt_hash);
    to->user = from->user ? strdup(from->user) : NULL;
    to->domain = from->domain ? strdup(from->domain) : NULL;
    if ((from->user && !to->user) || (from->domain && !to->domain)) {
        rdr_credentials_clear(to);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    return STATUS_SUCCESS;
}

/* One NUL-ended string of the ECP, bounded by its size. */
static const char *ecp_string(const char **at, const char *end)
{
    const char *s = *at;
    const char *nul = s < end ? memchr(s, 0, (size_t)(end - s)) : NULL;
    if (!nul)
        return NULL;
    *at = nul + 1;
    return s;
}

NTSTATUS rdr_credentials_from_ecp(const void *data, size_t size, struct rdr_credentials *out)
{
    memset(out, 0, sizeof *out);
    const char *at = data, *end = at + size;
    const char *domain = ecp_string(&at, end);
    const char *user = domain ? ecp_string(&at, end) : NULL;
    const char *password = user ? ecp_string(&at, end) : NULL;
    if (!password || at != end || !*user || strlen(user) > 256 || strlen(domain) > 256)
        return STATUS_INVALID_PARAMETER;
    out->domain = strdup(domain);
    out->user = strdup(user);
    if (!out->domain || !out->user) {
        rdr_credentials_clear(out);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    if (crypto_nt_hash(password, out->nt_hash) != 0) {
        rdr_credentials_clear(out);
        return STATUS_INVALID_PARAMETER;
    }
    return STATUS_SUCCESS;
}
