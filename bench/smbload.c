/* bench/smbload: an SMB load generator in C on libsmbclient, for
 * bench/perf.sh (docs/benchmarks.md). A Python client is slower than the
 * server it measures; this one costs the client core little per request.
 *
 *   smbload [options] read|write|small|meta|idle
 *
 *   -H host -P port -s share -U user -p password-file
 *   -e none|sign|encrypt   what the client asks for (default none)
 *   -c cipher              AES-128-GCM, AES-256-GCM ... (with -e encrypt)
 *   -m MiB                 read/write: the file's size (default 256)
 *   -r KiB                 read/write: bytes per call (default 1024)
 *   -n N                   small, idle: connections; meta: files
 *   -o N                   small: operations per connection
 *   -f name                the file (read/write), name prefix (small/meta)
 *
 * Prints one JSON object: seconds, bytes or ops, MB/s or ops/s, and for
 * small the 50th and 99th percentile latency in microseconds. Exits 1 on
 * any failed call (the message names it). Every loop is bounded by its
 * count; the caller bounds the time (timeout(1)).
 *
 * Signing and encryption are asked for through the smb.conf libsmbclient
 * reads from $HOME/.smb/smb.conf: this program writes one into a private
 * directory it makes and points HOME at it before the first context. */

#include <errno.h>
#include <fcntl.h>
#include <libsmbclient.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <stdbool.h>
#include <time.h>
#include <unistd.h>

static const char *host = "127.0.0.1", *share = "test", *user = "alice", *file = "bench.dat";
static char password[256];
static int port = 445;
static const char *protection = "none", *cipher = NULL;
static uint64_t size_mib = 256;
static size_t request_kib = 1024;
static int count = 8, ops = 2000;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
    fprintf(stderr, "smbload: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void auth(SMBCCTX *c, const char *srv, const char *shr, char *wg, int wglen, char *un,
                 int unlen, char *pw, int pwlen)
{
    (void)c, (void)srv, (void)shr;
    snprintf(wg, (size_t)wglen, "WORKGROUP");
    snprintf(un, (size_t)unlen, "%s", user);
    snprintf(pw, (size_t)pwlen, "%s", password);
}

static char conf_dir[64];

static void remove_client_conf(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/.smb/smb.conf", conf_dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/.smb", conf_dir);
    rmdir(path);
    rmdir(conf_dir);
}

/* The client configuration: signing or encryption as asked. */
static void write_client_conf(void)
{
    snprintf(conf_dir, sizeof conf_dir, "%s/smbload.XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    char *dir = mkdtemp(conf_dir);
    if (!dir)
        die("mkdtemp");
    atexit(remove_client_conf);
    char path[512];
    snprintf(path, sizeof path, "%s/.smb", dir);
    if (mkdir(path, 0700) != 0)
        die("mkdir");
    snprintf(path, sizeof path, "%s/.smb/smb.conf", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        die("smb.conf");
    fprintf(f, "[global]\n  client min protocol = SMB3_11\n  client max protocol = SMB3_11\n");
    if (strcmp(protection, "sign") == 0)
        fprintf(f, "  client signing = required\n");
    if (strcmp(protection, "encrypt") == 0) {
        fprintf(f, "  client smb encrypt = required\n");
        if (cipher)
            fprintf(f, "  client smb3 encryption algorithms = %s\n", cipher);
    }
    fclose(f);
    setenv("HOME", dir, 1);
}

/* Making and freeing contexts touches libsmbclient's global state: one
 * thread at a time (each thread then uses only its own context). */
static pthread_mutex_t context_lock = PTHREAD_MUTEX_INITIALIZER;

static void context_free(SMBCCTX *c)
{
    pthread_mutex_lock(&context_lock);
    smbc_free_context(c, 1);
    pthread_mutex_unlock(&context_lock);
}

static SMBCCTX *context(void)
{
    pthread_mutex_lock(&context_lock);
    SMBCCTX *c = smbc_new_context();
    if (!c)
        die("smbc_new_context");
    smbc_setFunctionAuthDataWithContext(c, auth);
    smbc_setPort(c, (uint16_t)port);
    smbc_setOptionUseKerberos(c, 0);
    smbc_setOptionFallbackAfterKerberos(c, 1);
    smbc_setOptionNoAutoAnonymousLogin(c, 1);
    if (strcmp(protection, "encrypt") == 0)
        smbc_setOptionSmbEncryptionLevel(c, SMBC_ENCRYPTLEVEL_REQUIRE);
    if (!smbc_init_context(c))
        die("smbc_init_context");
    pthread_mutex_unlock(&context_lock);
    return c;
}

static void url(char *out, size_t n, const char *name)
{
    snprintf(out, n, "smb://%s/%s/%s", host, share, name);
}

/* Sequential: the whole file in request-sized calls. */
static int sequential(bool reading)
{
    SMBCCTX *c = context();
    char u[512];
    url(u, sizeof u, file);
    size_t chunk = request_kib * 1024;
    uint8_t *buf = malloc(chunk);
    if (!buf)
        die("malloc");
    memset(buf, 0x5a, chunk);
    SMBCFILE *fh = smbc_getFunctionOpen(c)(c, u, reading ? O_RDONLY : O_WRONLY | O_CREAT | O_TRUNC,
                                           0644);
    if (!fh)
        die(u);
    uint64_t total = size_mib * 1024 * 1024, done = 0;
    double t0 = now();
    while (done < total) {
        size_t want = total - done < chunk ? (size_t)(total - done) : chunk;
        ssize_t n = reading ? smbc_getFunctionRead(c)(c, fh, buf, want)
                            : smbc_getFunctionWrite(c)(c, fh, buf, want);
        if (n < 0)
            die(reading ? "read" : "write");
        if (n == 0)
            break;
        done += (uint64_t)n;
    }
    if (smbc_getFunctionClose(c)(c, fh) < 0)
        die("close");
    double t = now() - t0;
    printf("{\"op\": \"%s\", \"bytes\": %llu, \"seconds\": %.4f, \"MBps\": %.1f}\n",
           reading ? "read" : "write", (unsigned long long)done, t, done / t / 1e6);
    free(buf);
    context_free(c);
    return done == total ? 0 : 1;
}

/* Small I/O: count connections at once, each writing and reading 4 KiB
 * at random offsets of its own 1 MiB file. One process a connection:
 * Debian's libsmbclient does not export its thread hooks, and its talloc
 * stack frames are not safe in threads without them. */
struct worker {
    int id;
    double *lat;   /* in shared memory: the parent sorts them */
};

static int small_worker(struct worker *w, int ready, int go)
{
    SMBCCTX *c = context();
    char name[256], u[512];
    snprintf(name, sizeof name, "%s.%d", file, w->id);
    url(u, sizeof u, name);
    SMBCFILE *fh = smbc_getFunctionOpen(c)(c, u, O_RDWR | O_CREAT, 0644);
    if (!fh) {
        fprintf(stderr, "smbload: open %s: %s\n", u, strerror(errno));
        return 1;
    }
    /* Logged on and open: tell the parent, wait for the start. */
    char b = 1;
    bool told = write(ready, &b, 1) == 1;
    /* Closed at once: the parent sees end of file once every child has
     * either said it is ready or died, never waits for one that failed. */
    close(ready);
    if (!told || read(go, &b, 1) < 0)
        return 1;
    uint8_t buf[4096];
    memset(buf, w->id, sizeof buf);
    unsigned seed = (unsigned)w->id * 2654435761u;
    for (int i = 0; i < ops; i++) {
        off_t off = (off_t)(rand_r(&seed) % 256) * 4096;
        double t0 = now();
        if (smbc_getFunctionLseek(c)(c, fh, off, SEEK_SET) < 0 ||
            (i % 2 ? smbc_getFunctionRead(c)(c, fh, buf, sizeof buf)
                   : smbc_getFunctionWrite(c)(c, fh, buf, sizeof buf)) < 0) {
            fprintf(stderr, "smbload: %s %s: %s\n", i % 2 ? "read" : "write", u, strerror(errno));
            return 1;
        }
        w->lat[i] = now() - t0;
    }
    smbc_getFunctionClose(c)(c, fh);
    smbc_getFunctionUnlink(c)(c, u);
    context_free(c);
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int small(void)
{
    size_t n = (size_t)count * (size_t)ops;
    double *lat = mmap(NULL, n * sizeof *lat, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                       -1, 0);
    pid_t *pids = calloc((size_t)count, sizeof *pids);
    if (lat == MAP_FAILED || !pids)
        die("memory");
    /* Every connection starts together: each child logs on and opens its
     * file, says so, then waits for go to close. */
    int go[2];
    if (pipe(go) != 0)
        die("pipe");
    /* One logon at a time (a burst of 64 connects overflows smbd's listen
     * backlog of 50): each child is ready before the next is made. Each has
     * its own ready pipe, so a child that dies first is seen as end of
     * file, and the run fails below. */
    for (int i = 0; i < count; i++) {
        int rp[2];
        if (pipe(rp) != 0)
            die("pipe");
        pids[i] = fork();
        if (pids[i] < 0)
            die("fork");
        if (pids[i] == 0) {
            close(go[1]);
            close(rp[0]);
            struct worker w = { .id = i, .lat = lat + (size_t)i * (size_t)ops };
            _exit(small_worker(&w, rp[1], go[0]));
        }
        close(rp[1]);
        char b;
        ssize_t r = read(rp[0], &b, 1);
        close(rp[0]);
        if (r != 1) {
            /* Not ready: start the others now (they fail or finish), the
             * exit status says the run failed. */
            for (int j = i + 1; j < count; j++)
                pids[j] = -1;
            break;
        }
    }
    close(go[0]);
    double t0 = now();
    close(go[1]); /* end of file: every child starts */
    int failed = 0;
    for (int i = 0; i < count; i++) {
        int st;
        if (pids[i] < 0 || waitpid(pids[i], &st, 0) < 0 || !WIFEXITED(st) ||
            WEXITSTATUS(st) != 0)
            failed = 1;
    }
    double t = now() - t0;
    qsort(lat, n, sizeof *lat, cmp_double);
    printf("{\"op\": \"small\", \"connections\": %d, \"ops\": %zu, \"seconds\": %.4f, "
           "\"ops_per_s\": %.1f, \"p50_us\": %.1f, \"p99_us\": %.1f}\n",
           count, n, t, n / t, lat[n / 2] * 1e6, lat[n * 99 / 100] * 1e6);
    munmap(lat, n * sizeof *lat);
    free(pids);
    return failed;
}

/* Metadata: create, write 1 KiB, close, stat, delete, count times. */
static int meta(void)
{
    SMBCCTX *c = context();
    uint8_t buf[1024];
    memset(buf, 1, sizeof buf);
    double t0 = now();
    for (int i = 0; i < count; i++) {
        char name[256], u[512];
        snprintf(name, sizeof name, "%s.m%d", file, i);
        url(u, sizeof u, name);
        struct stat st;
        SMBCFILE *fh = smbc_getFunctionOpen(c)(c, u, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (!fh || smbc_getFunctionWrite(c)(c, fh, buf, sizeof buf) < 0 ||
            smbc_getFunctionClose(c)(c, fh) < 0 || smbc_getFunctionStat(c)(c, u, &st) < 0 ||
            smbc_getFunctionUnlink(c)(c, u) < 0)
            die(u);
    }
    double t = now() - t0;
    printf("{\"op\": \"meta\", \"files\": %d, \"seconds\": %.4f, \"ops_per_s\": %.1f}\n", count, t,
           count / t);
    context_free(c);
    return 0;
}

/* Idle: count connections logged on with a tree connect (a stat of the
 * share's root), kept open until standard input closes (or five minutes):
 * what an idle client costs the server. Prints one line when all are up. */
static int idle(void)
{
    SMBCCTX **c = calloc((size_t)count, sizeof *c);
    if (!c)
        die("calloc");
    char u[512];
    snprintf(u, sizeof u, "smb://%s/%s/", host, share);
    for (int i = 0; i < count; i++) {
        struct stat st;
        c[i] = context();
        if (smbc_getFunctionStat(c[i])(c[i], u, &st) < 0)
            die(u);
    }
    printf("{\"op\": \"idle\", \"connections\": %d}\n", count);
    fflush(stdout);
    alarm(300);
    char b[64];
    while (read(0, b, sizeof b) > 0)
        ;
    for (int i = 0; i < count; i++)
        context_free(c[i]);
    free(c);
    return 0;
}

int main(int argc, char **argv)
{
    const char *password_file = NULL;
    int opt;
    while ((opt = getopt(argc, argv, "H:P:s:U:p:e:c:m:r:n:o:f:")) != -1) {
        switch (opt) {
        case 'H': host = optarg; break;
        case 'P': port = atoi(optarg); break;
        case 's': share = optarg; break;
        case 'U': user = optarg; break;
        case 'p': password_file = optarg; break;
        case 'e': protection = optarg; break;
        case 'c': cipher = optarg; break;
        case 'm': size_mib = strtoull(optarg, NULL, 10); break;
        case 'r': request_kib = strtoul(optarg, NULL, 10); break;
        case 'n': count = atoi(optarg); break;
        case 'o': ops = atoi(optarg); break;
        case 'f': file = optarg; break;
        default: fprintf(stderr, "smbload: see the comment at the top of bench/smbload.c\n"); return 2;
        }
    }
    if (optind != argc - 1 || count < 1 || count > 1000000 || ops < 1 || ops > 10000000 ||
        request_kib < 1 || request_kib > 16384 || port < 1 || port > 65535) {
        fprintf(stderr, "smbload: usage: smbload [options] read|write|small|meta\n");
        return 2;
    }
    if (password_file) {
        FILE *f = fopen(password_file, "r");
        if (!f || !fgets(password, sizeof password, f))
            die(password_file);
        fclose(f);
        password[strcspn(password, "\r\n")] = 0;
    }
    write_client_conf();
    const char *what = argv[optind];
    if (strcmp(what, "read") == 0)
        return sequential(true);
    if (strcmp(what, "write") == 0)
        return sequential(false);
    if (strcmp(what, "small") == 0) {
        if (count > 1024) {
            fprintf(stderr, "smbload: small: at most 1024 connections\n");
            return 2;
        }
        return small();
    }
    if (strcmp(what, "meta") == 0)
        return meta();
    if (strcmp(what, "idle") == 0)
        return idle();
    fprintf(stderr, "smbload: unknown workload %s\n", what);
    return 2;
}
