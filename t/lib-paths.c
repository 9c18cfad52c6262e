/* The run directory is derived from the registry path, so instances with
 * different registries never share sockets or pid files. */
#include <stdlib.h>

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
