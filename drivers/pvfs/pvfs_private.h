/* pvfs internals shared by the engine's files (not for other modules).
 *
 * Objects and lifetime:
 *   volume  one directory tree; owns the node table and the mutex that guards
 *           every node (see pvfs.h for the lock order).
 *   node    the shared state of one stream of one file, keyed by (device,
 *           inode, stream): its opens (for share modes), delete-pending flag,
 *           byte-range locks and waiting locks. Created by the first open,
 *           freed when the last open closes. A named stream's node holds a
 *           reference on its file's default-stream node ("base").
 *   file    one open; references its node.
 * All node fields and the node lists of opens are read and written only with
 * volume->lock held. */
#ifndef SW_PVFS_PRIVATE_H
#define SW_PVFS_PRIVATE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "drivers/pvfs/pvfs.h"
#include "lib/buf.h"
#include "lib/ntstatus.h"
#include "lib/token.h"

/* Linux's largest xattr value; a file system may allow less (ext4: a block). */
#define PVFS_XATTR_MAX 65536u
/* NT limits a name component to 255 UTF-16 code units. */
#define PVFS_NAME_MAX_UNITS 255

struct pvfs_node;
struct pvfs_notify;
struct pvfs_notify_open;

struct pvfs_volume {
    char *root;           /* realpath of the root, no trailing slash ("/" stays "/") */
    int root_fd;          /* O_PATH | O_DIRECTORY */
    dev_t root_dev;
    uint32_t serial;      /* volume serial number reported to clients */
    uint64_t created;     /* NT time: the root's birth (or change) time */
    pthread_mutex_t lock;
    struct pvfs_node **buckets;
    size_t bucket_count;
    size_t node_count;
    pthread_mutex_t notify_lock; /* notify.c's state, never held with lock */
    struct pvfs_notify *notify;  /* started by the first change-notify request */
    /* Creations in progress (creating.c), under lock; creating_done
     * (CLOCK_MONOTONIC) is broadcast when one ends. */
    struct pvfs_creating *creating;
    pthread_cond_t creating_done;
    /* Tests only: called by a create right after it made the name on disk,
     * before the descriptor is stored (no lock held). NULL in lwiod. */
    void (*test_created_hook)(void *arg, const char *name);
    void *test_created_arg;
    /* oplock.c, under lock: creates waiting for a break to end, the count
     * of breaks awaiting acknowledgment, every lease (by key), and the
     * thread that ends breaks nobody acknowledged in time (started with
     * the first break; oplock_cond wakes it and in-place waiters). */
    struct pvfs_oplock_waiter *oplock_waiters;
    unsigned oplock_breaks;
    struct pvfs_lease *leases;
    pthread_cond_t oplock_cond;
    pthread_t oplock_timer;
    bool oplock_timer_started;
    bool oplock_stopping;
};

/* A lease ([MS-FSA] Oplock with a lease key): shared by the opens that gave
 * one key, on one node; freed with its last open. Under volume->lock. */
struct pvfs_lease {
    struct pvfs_lease *next;       /* node->leases */
    struct pvfs_lease *volume_next; /* volume->leases */
    struct pvfs_node *node;
    uint8_t key[PVFS_LEASE_KEY_SIZE];
    uint32_t state;                /* PVFS_LEASE_* */
    bool breaking;                 /* acknowledgment awaited */
    uint32_t break_to;             /* lowered by later breaks while breaking */
    uint32_t told_to;              /* the target the holder was told */
    uint64_t deadline_ms;          /* monotonic: the break counts as acknowledged then */
    bool untold;                   /* a break no open of the lease was waiting to hear */
    struct pvfs_oplock_break untold_break;
    unsigned opens;
};

struct pvfs_lock_range {
    uint64_t offset;
    uint64_t length;
    uint32_t key;
    bool exclusive;
    const struct pvfs_file *owner;
};

struct pvfs_lock_waiter {
    struct pvfs_lock_waiter *next;
    struct pvfs_file *file;
    struct pvfs_lock_range range;
    pvfs_lock_done_fn done;
    void *context;
    NTSTATUS status; /* set when taken off the queue, for the done call */
};

struct pvfs_node {
    struct pvfs_node *hash_next;
    dev_t dev;
    ino_t ino;
    char *stream;            /* NULL for the default stream; else the name as stored */
    struct pvfs_node *base;  /* a stream's default-stream node (referenced) */
    unsigned refs;           /* opens + stream nodes that point here */
    struct pvfs_file *opens; /* list through file->node_next */
    bool delete_pending;
    char *delete_path;       /* root-relative path to remove, set with delete_pending */
    char *delete_beneath;    /* the confinement it is removed beneath (root-relative) */
    struct pvfs_lock_range *locks;
    size_t lock_count;
    size_t lock_capacity;
    struct pvfs_lock_waiter *waiters; /* FIFO */
    struct pvfs_lease *leases;        /* oplock.c: the leases of this node */
};

struct pvfs_dir_entry {
    char *name;
    unsigned char d_type;
};

struct pvfs_dir_cursor {
    struct pvfs_dir_entry *entries; /* matching entries, "." and ".." first */
    size_t count;
    size_t next;
    bool started;
    bool matched_any;
    char *pattern;
};

/* A string an open no longer uses but another thread may still be reading. */
struct pvfs_retired {
    struct pvfs_retired *next;
    char *string;
};

struct pvfs_file {
    struct pvfs_volume *volume;
    struct pvfs_node *node;
    struct pvfs_file *node_next;
    struct access_token *token;
    int fd;                   /* the file or directory itself, never O_PATH */
    bool is_directory;
    bool writable_fd;         /* fd is O_RDWR */
    bool short_names;         /* pvfs_create_args.short_names */
    /* path and stream change when the file (or stream) is renamed, through
     * any open of it, under volume->lock; read them with pvfs_file_path()
     * and pvfs_file_stream(). A replaced string stays allocated until this
     * open closes (retired), so a reader never sees freed memory. */
    char *path;               /* root-relative, on-disk spelling, no symlinks ("" = root) */
    char *beneath;            /* root-relative confinement directory ("" = root) */
    char *stream;             /* NULL: default stream; else as stored in the xattr name */
    struct pvfs_retired *retired;
    uint32_t granted_access;
    /* PVFS_ECP_ACCESS_CEILING of the create (all ones without one): what
     * this open may do through names it makes later (a rename's or hard
     * link's new entry, a replaced target), not only through itself. */
    uint32_t access_ceiling;
    uint32_t share_access;
    uint32_t mode;            /* FileModeInformation bits */
    bool delete_on_close;
    pthread_mutex_t lock;     /* position, dir cursor */
    uint64_t position;
    uint64_t allocation_size; /* as last set, for reporting (0: derived) */
    size_t next_ea;           /* [MS-FSA] Open.NextEaEntry: index of the next EA a scan returns */
    struct pvfs_dir_cursor dir;
    struct pvfs_notify_open *notify; /* armed change notify (notify.c, notify_lock) */
    /* oplock.c, under volume->lock: the oplock held (PVFS_OPLOCK_NONE,
     * LEVEL_II, EXCLUSIVE, BATCH) or the lease joined, the break
     * outstanding, and who hears of the next break. */
    uint8_t oplock;
    bool oplock_breaking;
    uint8_t oplock_break_to;
    uint64_t oplock_deadline_ms;
    struct pvfs_lease *lease;
    bool stat_open;                /* attributes/synchronize only: breaks nothing */
    pvfs_oplock_break_fn break_fn;
    void *break_context;
    bool untold;
    struct pvfs_oplock_break untold_break;
};

static inline const char *pvfs_file_path(const struct pvfs_file *file)
{
    return __atomic_load_n(&file->path, __ATOMIC_ACQUIRE);
}

static inline const char *pvfs_file_stream(const struct pvfs_file *file)
{
    return __atomic_load_n(&file->stream, __ATOMIC_ACQUIRE);
}

/* Replace an open's path or stream name (volume->lock held). */
NTSTATUS pvfs_file_set_path(struct pvfs_file *file, const char *path);
NTSTATUS pvfs_file_set_stream(struct pvfs_file *file, const char *stream);

/* ---- path.c: NT names ---- */
struct pvfs_path {
    char **components;      /* validated UTF-8 names */
    size_t count;
    char *stream;           /* NULL: the default stream */
    bool trailing_backslash;
};
NTSTATUS pvfs_path_parse(const char *nt_path, struct pvfs_path *path);
void pvfs_path_free(struct pvfs_path *path);
/* One name component: no \ / : * ? " < > | or control characters, not "."
 * or "..", at most 255 UTF-16 units, valid UTF-8. */
NTSTATUS pvfs_name_valid(const char *name, size_t len);
/* A stream name (between the colons): like a name, without ':' or '\'. */
NTSTATUS pvfs_stream_name_valid(const char *name, size_t len);
/* "a/b" + "c" -> "a/b/c"; "" + "c" -> "c". Newly allocated. */
char *pvfs_path_join(const char *dir, const char *name);
/* The directory part and last component of a root-relative path. */
char *pvfs_path_dirname(const char *path);
const char *pvfs_path_basename(const char *path);
/* The NT name of a root-relative path as seen from beneath: "\dir\a.txt"
 * ("\" for beneath itself), plus ":stream" when stream is set. */
char *pvfs_nt_name(const char *path, const char *beneath, const char *stream);

/* ---- lookup.c: safe, case-insensitive resolution ---- */
/* Opens (O_PATH) the directory `beneath` (root-relative) of the volume. */
NTSTATUS pvfs_open_beneath(struct pvfs_volume *volume, const char *beneath, int *fd);
struct pvfs_resolved {
    char *parent;      /* root-relative canonical path of the parent directory */
    char *name;        /* the last component, as on disk when it exists */
    char *path;        /* root-relative canonical path when it exists, else parent/name */
    bool exists;
    int fd;            /* O_PATH fd of the target when it exists, else -1 */
    int parent_fd;     /* O_PATH fd of the parent directory, or -1 for the root */
};
/* Resolves components beneath beneath_fd (which is the root-relative
 * directory `beneath`). Missing final component: exists false, parent set.
 * Missing earlier component: STATUS_OBJECT_PATH_NOT_FOUND. short_names: a
 * component that names no entry may be an entry's 8.3 short name. */
NTSTATUS pvfs_resolve(struct pvfs_volume *volume, const char *beneath, int beneath_fd,
                      char *const *components, size_t count, bool short_names,
                      struct pvfs_resolved *out);
void pvfs_resolved_free(struct pvfs_resolved *resolved);
/* The canonical root-relative path of an open fd (via /proc/self/fd), or
 * STATUS_ACCESS_DENIED if it lies outside the volume root. */
NTSTATUS pvfs_fd_path(struct pvfs_volume *volume, int fd, char **path);
/* True if path is beneath (or equal to) dir; both root-relative. */
bool pvfs_path_is_beneath(const char *path, const char *dir);
/* Opens a root-relative canonical path's parent directory (O_PATH), refusing
 * any symlink on the way (paths stored in opens are symlink-free). */
NTSTATUS pvfs_open_parent(struct pvfs_volume *volume, const char *path, int *fd);
/* The same, opened beneath the confinement directory `beneath` (root-
 * relative, as in an open): path must lie strictly beneath it, and no
 * component between the two may be a symlink or "..". */
NTSTATUS pvfs_open_parent_beneath(struct pvfs_volume *volume, const char *beneath,
                                  const char *path, int *fd);
/* openat2(2) of path beneath dirfd: RESOLVE_BENEATH, RESOLVE_NO_MAGICLINKS
 * and RESOLVE_NO_SYMLINKS (no symlink on any component), O_CLOEXEC. -1 and
 * errno on failure. */
int pvfs_openat_no_symlinks(int dirfd, const char *path, int flags);

/* ---- node.c: the open-file table, share modes ---- */
NTSTATUS pvfs_node_get(struct pvfs_volume *volume, dev_t dev, ino_t ino, const char *stream,
                       struct pvfs_node **node);
void pvfs_node_put(struct pvfs_volume *volume, struct pvfs_node *node);
/* Share-mode check of a new open against the node's opens ([MS-FSA]
 * 2.1.5.1.2.2 "Algorithm to check sharing access"), and, for DELETE on a
 * file's default stream, against the opens of its named streams. */
NTSTATUS pvfs_share_check(struct pvfs_volume *volume, struct pvfs_node *node, uint32_t access,
                          uint32_t share);
/* The one sharing rule: whether an open for access with share mode share
 * and the existing open other refuse each other. */
bool pvfs_share_conflicts(uint32_t access, uint32_t share, const struct pvfs_file *other);
void pvfs_node_add_open(struct pvfs_node *node, struct pvfs_file *file);
/* Makes node delete-pending, to be removed as `path` beneath the
 * confinement directory `beneath` (both root-relative; volume->lock held). */
NTSTATUS pvfs_node_set_delete_pending(struct pvfs_node *node, const char *path,
                                      const char *beneath);
void pvfs_node_remove_open(struct pvfs_node *node, struct pvfs_file *file);
/* True if an open of a file beneath dir (root-relative) exists, other than
 * the ones of except. */
bool pvfs_volume_has_open_beneath(struct pvfs_volume *volume, const char *dir,
                                  const struct pvfs_node *except);
/* Opens on the node of any other stream of the same file? */
bool pvfs_node_file_has_other_opens(struct pvfs_volume *volume, const struct pvfs_node *node);
/* Calls fn for every open of every stream of the file (dev, ino). */
void pvfs_volume_for_each_open(struct pvfs_volume *volume, dev_t dev, ino_t ino,
                               void (*fn)(struct pvfs_file *file, void *ctx), void *ctx);

/* ---- attributes.c: stat, times, DOS attributes ---- */
struct pvfs_stat {
    struct stat st;
    uint64_t creation_time;   /* NT times */
    uint64_t last_access_time;
    uint64_t last_write_time;
    uint64_t change_time;
    uint32_t attributes;      /* FILE_ATTRIBUTE_*, never 0 */
    uint32_t stored_attributes; /* as user.DOSATTRIB has them (0 without it) */
    uint64_t allocation_size;
};
uint64_t pvfs_nt_time(const struct timespec *ts);
struct timespec pvfs_timespec(uint64_t nt_time);
/* Everything about fd (O_PATH fds too). name: the last component, for the
 * hidden-dot-file rule (may be NULL). */
NTSTATUS pvfs_stat_fd(int fd, const char *name, struct pvfs_stat *out);
/* A ChangeTime set with FileBasicInformation (Linux cannot set ctime): kept
 * in PVFS_XATTR_CHANGE_TIME with the coarse clock read just before it was
 * written, and reported while the inode's ctime shows no later change. */
/* The volume's 16-byte object id (FileFsObjectIdInformation, and the
 * BirthVolumeId of the files' object ids). */
void pvfs_volume_object_id(const struct pvfs_volume *volume, uint8_t id[16]);
#define PVFS_XATTR_CHANGE_TIME PVFS_XATTR_SAMEWISE_PREFIX "ChangeTime"
NTSTATUS pvfs_change_time_store(int fd, uint64_t change_time);
/* Stores DOS attributes (the settable ones and FILE_ATTRIBUTE_SPARSE_FILE)
 * and creation time (user.DOSATTRIB). */
NTSTATUS pvfs_dosattrib_store(int fd, bool is_directory, uint32_t attributes,
                              uint64_t creation_time);
/* The attributes a client may set ([MS-FSCC] 2.6). */
#define PVFS_SETTABLE_ATTRIBUTES (FILE_ATTRIBUTE_READONLY | FILE_ATTRIBUTE_HIDDEN | \
    FILE_ATTRIBUTE_SYSTEM | FILE_ATTRIBUTE_ARCHIVE | FILE_ATTRIBUTE_TEMPORARY | \
    FILE_ATTRIBUTE_OFFLINE | FILE_ATTRIBUTE_NOT_CONTENT_INDEXED)

/* ---- security.c ---- */
/* nobody and nogroup: a uid/gid that stands for no one. */
#define PVFS_NOBODY_ID 65534u
/* Whether the token's unix uid or gid `id` is its own, so that it owns what
 * that id owns on disk: never for a token on a stand-in identity
 * (unix_id_shared), never for 65534 or -1, and 0 only for SYSTEM. */
bool pvfs_token_owns_unix_id(const struct access_token *token, uint32_t id);
/* The token an open acts with: the caller's plus the Unix User/Group SIDs
 * (S-1-22-1-uid, S-1-22-2-gid) of the unix identity it owns
 * (pvfs_token_owns_unix_id), so that the owner of a file without a stored
 * descriptor is recognised. */
struct access_token *pvfs_token_for_open(const struct access_token *token);
/* Access check of desired against fd's descriptor (stored or derived from
 * owner and mode). parent_fd (may be -1): a directory whose
 * FILE_DELETE_CHILD grants DELETE. */
NTSTATUS pvfs_access_check(int fd, int parent_fd, const struct access_token *token,
                           uint32_t desired, uint32_t create_options, uint32_t *granted);
/* Access check on a directory for creating a child in it. */
NTSTATUS pvfs_access_check_parent(int parent_fd, const struct access_token *token,
                                  bool directory);
/* Stores the descriptor of a new file: sd (self-relative, may be NULL) and
 * what it inherits from the parent directory parent_fd. */
NTSTATUS pvfs_security_new_file(int fd, int parent_fd, const struct access_token *token,
                                bool is_directory, const void *sd, size_t sd_size);
/* Reads fd's descriptor (stored or derived) in self-relative form. */
NTSTATUS pvfs_security_read(int fd, uint8_t **sd, size_t *sd_size);
/* Stores a self-relative descriptor (replacing it whole) in Samba's format. */
NTSTATUS pvfs_security_write(int fd, const uint8_t *sd, size_t sd_size);

/* ---- streams.c: user.DosStream.NAME:$DATA ---- */
/* Finds the stored spelling of stream `name` (case-insensitive) on fd. */
NTSTATUS pvfs_stream_find(int fd, const char *name, char **stored);
NTSTATUS pvfs_stream_create(int fd, const char *name);
NTSTATUS pvfs_stream_read_all(int fd, const char *stored, uint8_t **data, size_t *size);
NTSTATUS pvfs_stream_write_all(int fd, const char *stored, const uint8_t *data, size_t size);
NTSTATUS pvfs_stream_remove(int fd, const char *stored);
/* Lists the streams of fd (names as stored, sizes), for FileStreamInformation. */
struct pvfs_stream_info {
    char *name;
    uint64_t size;
};
NTSTATUS pvfs_stream_list(int fd, struct pvfs_stream_info **streams, size_t *count);
void pvfs_stream_list_free(struct pvfs_stream_info *streams, size_t count);

/* ---- private_xattr.c: the xattrs pvfs keeps for itself ---- */
/* Our own family of xattrs (user.samewise.ChangeTime, ...). */
#define PVFS_XATTR_SAMEWISE_PREFIX "user.samewise."
/* Where an unprivileged lwiod keeps descriptors (security.NTACL as root). */
#define PVFS_XATTR_NTACL_UNPRIVILEGED "user.NTACL"
/* Every xattr pvfs or Samba keeps for itself: an exact name, or a prefix
 * naming a family. No client-chosen name (EA, stream) ever reaches one. */
struct pvfs_private_xattr {
    const char *name;
    bool prefix;
};
/* The i-th entry of the list (private_xattr.c), NULL past its end. A
 * function, not an exported array: the pvfs engine is linked into lwiod and
 * into pvfs.so, and a global defined in both is one object twice (ASan's
 * odr-violation). */
const struct pvfs_private_xattr *pvfs_private_xattr_at(size_t i);
/* xattr_name is (case-insensitively) one of the list's names. */
bool pvfs_xattr_is_private(const char *xattr_name);
/* The xattr of descriptors: security.NTACL when privileged (root), else
 * user.NTACL; pvfs_xattr_ntacl_name() for this process. */
const char *pvfs_xattr_ntacl_name_for(bool privileged);
const char *pvfs_xattr_ntacl_name(void);
/* The xattr user.EA_NAME into out; STATUS_ACCESS_DENIED if that is a
 * private xattr (whatever the case), STATUS_INVALID_EA_NAME if too long. */
NTSTATUS pvfs_ea_xattr_name(const char *ea_name, char *out, size_t size);
/* The xattr user.DosStream.STREAM:$DATA of a stream (malloc'd; NULL when
 * out of memory). */
char *pvfs_stream_xattr_name(const char *stream);
/* fsetxattr (O_PATH fds too) of one of pvfs's own xattrs; -1 with EPERM
 * for a name not in the list (pvfs_private_xattr_at). */
int pvfs_private_xattr_set(int fd, const char *name, const void *value, size_t size, int flags);

/* ---- ea.c: extended attributes as user.NAME xattrs ---- */
/* All xattr names of fd (O_PATH fds too), NUL-separated, malloc'd (NULL and
 * 0 when there are none or the file system has no xattrs); retried when the
 * list grows between the two calls. EAs and named streams both list them. */
NTSTATUS pvfs_xattr_names(int fd, char **names, size_t *size);
struct pvfs_ea {
    char *name;             /* as given or stored (not upper-cased), NUL-terminated */
    uint8_t *value;
    uint16_t value_length;  /* 0 in a set: delete the EA */
    uint8_t flags;          /* FILE_NEED_EA, accepted and not kept (nor by smbd) */
};
struct pvfs_ea_list {
    struct pvfs_ea *items;
    size_t count;
    size_t capacity;
};
/* An EA name Windows accepts: 1-255 bytes, no control characters and
 * none of " * + , / : ; < = > ? [ \ ] | */
bool pvfs_ea_name_valid(const char *name, size_t len);
/* Parse a FILE_FULL_EA_INFORMATION (FILE_GET_EA_INFORMATION) chain from
 * untrusted bytes. A malformed chain (an entry past the end, a
 * NextEntryOffset not a multiple of 4 or inside its entry, a name without
 * its NUL) is STATUS_EA_LIST_INCONSISTENT; a bad name or flag
 * STATUS_INVALID_EA_NAME; *error_offset (may be NULL) is then the offset
 * of the entry at fault. */
NTSTATUS pvfs_ea_parse_full(const void *buffer, size_t length, struct pvfs_ea_list *out,
                            uint32_t *error_offset);
NTSTATUS pvfs_ea_parse_get(const void *buffer, size_t length, struct pvfs_ea_list *out,
                           uint32_t *error_offset);
void pvfs_ea_list_free(struct pvfs_ea_list *list);
/* The file's EAs (fd may be O_PATH), sorted by name (case-insensitive). */
NTSTATUS pvfs_ea_read(int fd, struct pvfs_ea_list *out);
/* Sets (value) or deletes (no value) each EA of set; replace_all first
 * removes every EA the file has. STATUS_ACCESS_DENIED for a private name
 * and STATUS_EA_TOO_LARGE for a list over 64 KiB - 5, both before any
 * change. */
NTSTATUS pvfs_ea_write(int fd, const struct pvfs_ea_list *set, bool replace_all);
/* FileEaInformation.EaSize of a list / of fd's EAs (0 on error). */
uint32_t pvfs_ea_size_of(const struct pvfs_ea_list *list);
uint32_t pvfs_ea_size(int fd);
/* SET_INFO FileFullEaInformation. */
NTSTATUS pvfs_ea_set(struct pvfs_file *file, const void *buffer, uint32_t length);

/* ---- lock.c ---- */
/* Would a read (write) of [offset, offset+length) by file conflict with a
 * byte-range lock? Called without the volume lock. */
NTSTATUS pvfs_lock_check_io(struct pvfs_file *file, uint64_t offset, uint64_t length,
                            uint32_t key, bool write);
/* Drops file's locks and waiters; collects the waiters to complete into
 * *done_list (called with volume->lock held; complete after unlocking). */
void pvfs_lock_release_file(struct pvfs_file *file, struct pvfs_lock_waiter **done_list);

/* ---- oplock.c: oplocks and leases on the node ----
 * Work found under volume->lock (breaks to tell, creates to wake) is
 * collected in a pvfs_oplock_work and run by pvfs_oplock_run once the lock
 * is released. */
struct pvfs_oplock_event;
struct pvfs_oplock_work {
    struct pvfs_oplock_event *events;
};
/* What a create that is about to join node brings. */
struct pvfs_oplock_opener {
    uint32_t granted;              /* the access it gets */
    uint32_t share;
    bool stat_open;
    bool overwrite;                /* OVERWRITE(_IF) or SUPERSEDE */
    bool delete_on_close;          /* FILE_DELETE_ON_CLOSE: handle caching must go */
    const struct pvfs_oplock_request *request; /* or NULL */
};
/* Before the share check (volume->lock held): starts the breaks this open
 * needs. STATUS_PENDING: wait for them (pvfs_oplock_wait_register or
 * pvfs_oplock_wait_here) and try again; STATUS_INVALID_PARAMETER: the
 * lease key leases another file. */
NTSTATUS pvfs_oplock_open_check(struct pvfs_volume *volume, struct pvfs_node *node,
                                const struct pvfs_oplock_opener *opener,
                                struct pvfs_oplock_work *work);
/* fn(context) once a break on node ends (or the node loses an open). */
NTSTATUS pvfs_oplock_wait_register(struct pvfs_volume *volume, struct pvfs_node *node,
                                   pvfs_oplock_ready_fn fn, void *context);
/* Waits (volume->lock held, given up meanwhile) until node has no break
 * outstanding, or a little beyond the break timeout. */
void pvfs_oplock_wait_here(struct pvfs_volume *volume, struct pvfs_node *node);
/* After the open joined node (volume->lock held): what it is granted. */
void pvfs_oplock_grant(struct pvfs_volume *volume, struct pvfs_file *file,
                       const struct pvfs_oplock_opener *opener, struct pvfs_oplock_granted *out);
/* The open leaves its node (volume->lock held). */
void pvfs_oplock_close(struct pvfs_volume *volume, struct pvfs_file *file,
                       struct pvfs_oplock_work *work);
/* A write, lock or size change through file: other opens' level II
 * oplocks and read leases break (volume->lock held). */
void pvfs_oplock_break_level2_locked(struct pvfs_volume *volume, struct pvfs_file *file,
                                     struct pvfs_oplock_work *work);
void pvfs_oplock_break_level2(struct pvfs_file *file);
/* A rename or delete disposition through file: other opens' exclusive and
 * batch oplocks and other keys' H leases break; waits (in place, at most
 * the break timeout) for their acknowledgments. No lock held. */
void pvfs_oplock_break_handles(struct pvfs_file *file);
void pvfs_oplock_run(struct pvfs_oplock_work *work);
/* volume.c: stops the timer thread. */
void pvfs_oplock_shutdown(struct pvfs_volume *volume);
void pvfs_lock_complete(struct pvfs_lock_waiter *done_list);

/* ---- short_name.c: 8.3 names (computed from the long name, never stored) ---- */
#define PVFS_SHORT_NAME_SIZE 13 /* "PPHHHH~H.EXT" and its NUL */
/* A valid 8.3 name ([MS-FSCC] 2.1.5.2.1 with FAT's characters): its own
 * short name. */
bool pvfs_name_is_8dot3(const char *name);
/* The generated short name of a name that is not an 8.3 name (and not "."
 * or ".."): true and *out set; false (out empty) when the name needs none. */
bool pvfs_short_name(const char *name, char out[PVFS_SHORT_NAME_SIZE]);
/* Could name be a short name we generate (so worth a directory search)? */
bool pvfs_short_name_shaped(const char *name);
/* Is short_name (any case) the generated short name of long_name? */
bool pvfs_short_name_is(const char *long_name, const char *short_name);

/* ---- directory.c / wildcard.c ---- */
/* [MS-FSA] 2.1.4.4 IsNameInExpression, case-insensitive: * ? < > " */
bool pvfs_name_matches(const char *pattern, const char *name);
void pvfs_dir_cursor_free(struct pvfs_dir_cursor *dir);

/* ---- query_info.c helpers shared with directory.c ---- */
/* UTF-8 to UTF-16LE appended to b; returns the byte length, or -1. */
long pvfs_put_utf16(struct buf *b, const char *utf8);
/* Copies the structure in b into the caller's buffer with the truncation
 * rules of pvfs.h: fixed is the size below which nothing is returned. */
NTSTATUS pvfs_return_info(const struct buf *b, size_t fixed, void *buffer, uint32_t length,
                          uint32_t *written);

/* ---- notify.c ---- */
/* Completes the open's waiting change-notify requests with
 * STATUS_NOTIFY_CLEANUP and drops its watch (pvfs_close). */
void pvfs_notify_close(struct pvfs_file *file);
/* node (a directory) became delete-pending: its opens' waiting requests end
 * with STATUS_DELETE_PENDING (as Windows answers). Called with volume->lock
 * held; complete the list with pvfs_notify_complete once it is dropped. */
struct pvfs_notify_request;
struct pvfs_notify_request *pvfs_notify_delete_pending(struct pvfs_volume *volume,
                                                       struct pvfs_node *node);
void pvfs_notify_complete(struct pvfs_notify_request *done);
/* Stops the volume's event thread (pvfs_volume_close). */
void pvfs_notify_shutdown(struct pvfs_volume *volume);

/* ---- creating.c: creations in progress ---- */
/* Registers the making of name in the directory parent_fd, before the name
 * is made; end it once the file is complete or removed again. */
struct pvfs_creating;
NTSTATUS pvfs_creating_begin(struct pvfs_volume *volume, int parent_fd, const char *name,
                             struct pvfs_creating **entry);
/* Ends and frees entry (NULL: nothing) and wakes the opens waiting for it. */
void pvfs_creating_end(struct pvfs_volume *volume, struct pvfs_creating *entry);
/* If name in parent_fd is being created, waits (bounded) until that ends;
 * true if it waited, and the caller must resolve the name again. Takes
 * volume->lock: never call it with that held. */
bool pvfs_creating_wait(struct pvfs_volume *volume, int parent_fd, const char *name);

/* ---- create.c helpers used by set_info.c ---- */
/* Removes the file (or stream) whose delete is pending; called once its last
 * open is gone. */
void pvfs_delete_now(struct pvfs_volume *volume, struct pvfs_node *node, int fd);
/* True if the directory (root-relative path) has entries other than . and .. */
NTSTATUS pvfs_directory_is_empty(int dir_fd, bool *empty);

#endif
