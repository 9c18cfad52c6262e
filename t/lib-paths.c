/* The run directory is derived from the registry path, so instances with
 * different registries never share sockets or pid files. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/paths.h"
#include "t/tap/tap.h"

int main(void)
{
    char *dir = sw_run_dir("/srv/a/registry.db");
    is_str(dir, "/srv/a/registry.run", "foo.db -> foo.run");
    free(dir);
    dir = sw_run_dir("/srv/b/config");
    is_str(dir, "/srv/b/config.run", "no .db suffix -> .run appended");
    free(dir);
    char *sock = sw_run_path("/srv/a/registry.db", "lwiod.sock");
    is_str(sock, "/srv/a/registry.run/lwiod.sock", "socket path in the run directory");
    free(sock);
    dir = sw_public_dir("/srv/a/registry.db");
    is_str(dir, "/srv/a/registry.pub", "the public directory: foo.db -> foo.pub, beside the run directory");
    free(dir);
    sock = sw_public_path("/srv/b/config", "lsassd.sock");
    is_str(sock, "/srv/b/config.pub/lsassd.sock", "  its socket (no .db suffix: .pub appended)");
    free(sock);
    char scratch[] = "/tmp/sw-paths.XXXXXX", db_in_scratch[64], public_dir[64];
    if (ok(mkdtemp(scratch) != NULL, "a scratch directory")) {
        snprintf(db_in_scratch, sizeof db_in_scratch, "%s/registry.db", scratch);
        snprintf(public_dir, sizeof public_dir, "%s/registry.pub", scratch);
        mode_t old_mask = umask(077);
        ok(sw_public_dir_create(db_in_scratch) == 0 && sw_public_dir_create(db_in_scratch) == 0,
           "sw_public_dir_create makes it, and again is no error");
        umask(old_mask);
        struct stat st;
        is_int(stat(public_dir, &st) == 0 ? (long long)(st.st_mode & 07777) : -1, 0755,
               "  mode 0755 whatever the umask (every local user reaches the lookup socket)");
        rmdir(public_dir);
        rmdir(scratch);
    }
    setenv("SAMEWISE_DB", "/env/registry.db", 1);
    char *db = sw_db_path(NULL);
    is_str(db, "/env/registry.db", "SAMEWISE_DB when no --db");
    free(db);
    db = sw_db_path("/arg/r.db");
    is_str(db, "/arg/r.db", "--db wins over the environment");
    free(db);
    db = sw_db_path("rel.db");
    ok(db && db[0] == '/', "relative --db made absolute");
    free(db);
    return done_testing();
}
