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
