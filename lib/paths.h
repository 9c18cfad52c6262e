/* Where an instance keeps its files.
 *
 * One instance = one registry. Its run directory (sockets, pid files, logs) is
 * derived from the registry's path, so instances with different registries can
 * run side by side: /x/registry.db -> /x/registry.run/. */
#ifndef SW_PATHS_H
#define SW_PATHS_H

/* The registry path a program should use: the --db argument if given (may be
 * NULL), else $SAMEWISE_DB, else the installed default. Returns a newly
 * allocated absolute path (relative paths are made absolute against the current
 * directory; the file need not exist). NULL on allocation failure. */
char *sw_db_path(const char *db_argument);

/* The run directory for a registry path: its directory + the file name with a
 * trailing ".db" replaced by ".run" (or ".run" appended). Newly allocated. */
char *sw_run_dir(const char *db_path);

/* run_dir/name, newly allocated: sw_run_path(db, "lwiod.sock"). */
char *sw_run_path(const char *db_path, const char *name);

/* Creates the run directory (mode 0700) if missing. 0 or -1 with errno. */
int sw_run_dir_create(const char *db_path);

/* The public directory beside the run directory (/x/registry.db ->
 * /x/registry.pub/, mode 0755): sockets any local user may reach, which
 * the run directory (0700) keeps out. It holds lsassd's lookup socket, the
 * one the NSS module uses from every process on the machine. */
char *sw_public_dir(const char *db_path);
/* public_dir/name, newly allocated. */
char *sw_public_path(const char *db_path, const char *name);
/* Creates the public directory (mode 0755) if missing. 0 or -1 with errno. */
int sw_public_dir_create(const char *db_path);

/* Where the driver .so files are: beside the program in a build tree
 * (build/bin/../drivers), else the installed library directory. */
char *sw_driver_dir(void);

#endif
