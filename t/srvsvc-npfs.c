/* srvsvcd for real: a foreground lwiod (npfs only) and srvsvcd on a scratch
 * registry; clients open \npfs\srvsvc and \npfs\wkssvc through the lwio
 * client library (as srv does for \pipe\srvsvc), bind and call. Shares added
 * over RPC land in share-db; several clients are served at once; srvsvcd
 * stops cleanly on SIGTERM. Every process started here is stopped by PID. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dcerpc/dcerpc.h"
#include "lwiod/client/lwio.h"
#include "registry/registry.h"
#include "share-db/share_db.h"
#include "srvsvc/srvsvc.h"
#include "t/tap/tap.h"

static char dir[64], db[128], sock[192], share_dir[128];
static pid_t lwiod_pid, srvsvcd_pid;

static void sleep_ms(long ms)
{
    struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&t, NULL);
}

static pid_t spawn(char *const argv[], const char *log)
{
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
        if (fd >= 0) {
            dup2(fd, STDERR_FILENO);
            dup2(fd, STDOUT_FILENO);
        }
        execv(argv[0], argv);
        _exit(127);
    }
    return pid;
}

/* Exit status after SIGTERM, or -1 if it had to be killed. */
static int stop(pid_t *pid)
{
    if (*pid <= 0)
        return -1;
    kill(*pid, SIGTERM);
    for (int i = 0; i < 1000; i++) {
        int status;
        if (waitpid(*pid, &status, WNOHANG) == *pid) {
            *pid = 0;
            return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        }
        sleep_ms(10);
    }
    kill(*pid, SIGKILL);
    waitpid(*pid, NULL, 0);
    *pid = 0;
    return -1;
}

static void cleanup(void)
{
    stop(&srvsvcd_pid);
    stop(&lwiod_pid);
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (dir[0] && system(cmd) != 0)
        fprintf(stderr, "# could not remove %s\n", dir);
}

struct client {
    struct lwio_context *lwio;
    struct dcerpc_np_pipe *pipe;
    struct dcerpc_client *rpc;
    uint16_t ctx;
};

static NTSTATUS client_open(struct client *c, const char *path, const struct dcerpc_interface *iface)
{
    memset(c, 0, sizeof *c);
    NTSTATUS st = LwIoConnectSocket(sock, &c->lwio);
    struct dcerpc_client_transport t;
    if (st == STATUS_SUCCESS)
        st = dcerpc_np_open(c->lwio, path, &c->pipe, &t);
    if (st == STATUS_SUCCESS) {
        c->rpc = dcerpc_client_new(&t, NULL);
        uint32_t reject;
        st = dcerpc_client_bind(c->rpc, iface, &c->ctx, &reject);
    }
    return st;
}

static void client_close(struct client *c)
{
    dcerpc_client_free(c->rpc);
    dcerpc_np_close(c->pipe);
    if (c->lwio)
        LwIoDisconnect(c->lwio);
}

static uint32_t share_count(struct client *c, struct ndr_arena *arena, bool *has_ipc)
{
    struct SHARE_INFO_1_CONTAINER empty = { 0, NULL };
    struct NetrShareEnum r = { .InfoStruct = { .Level = 1, .ShareInfo.Level1 = &empty },
                               .PreferedMaximumLength = MAX_PREFERRED_LENGTH };
    uint32_t fault;
    if (dcerpc_client_call(c->rpc, c->ctx, &srvsvc_interface, SRVSVC_NetrShareEnum, &r, arena, &fault) !=
            STATUS_SUCCESS || r.Result || !r.InfoStruct.ShareInfo.Level1)
        return 0xFFFFFFFFu;
    *has_ipc = false;
    for (uint32_t i = 0; i < r.InfoStruct.ShareInfo.Level1->EntriesRead; i++)
        if (strcmp(r.InfoStruct.ShareInfo.Level1->Buffer[i].shi1_netname, "IPC$") == 0)
            *has_ipc = r.InfoStruct.ShareInfo.Level1->Buffer[i].shi1_type == (STYPE_IPC | STYPE_SPECIAL);
    return r.InfoStruct.ShareInfo.Level1->EntriesRead;
}

static void *parallel_client(void *arg)
{
    int *ok_count = arg;
    struct client c;
    struct ndr_arena *arena = ndr_arena_new(1 << 20);
    bool ipc;
    if (client_open(&c, "\\npfs\\srvsvc", &srvsvc_interface) == STATUS_SUCCESS) {
        int good = 1;
        for (int i = 0; i < 20 && good; i++)
            good = share_count(&c, arena, &ipc) >= 1;
        if (good)
            __atomic_add_fetch(ok_count, 1, __ATOMIC_SEQ_CST);
    }
    client_close(&c);
    ndr_arena_free(arena);
    return NULL;
}

int main(void)
{
    const char *build = getenv("SW_BUILD") ? getenv("SW_BUILD") : "build";
    snprintf(dir, sizeof dir, "/tmp/sw-srvsvcd.XXXXXX");
    if (!mkdtemp(dir)) {
        plan(1);
        ok(0, "scratch directory");
        return done_testing();
    }
    atexit(cleanup);
    snprintf(db, sizeof db, "%s/registry.db", dir);
    snprintf(sock, sizeof sock, "%s/registry.run/lwiod.sock", dir);
    snprintf(share_dir, sizeof share_dir, "%s/data", dir);
    mkdir(share_dir, 0700);

    char lwiod_bin[512], srvsvcd_bin[512], lwiod_log[160], srvsvcd_log[160];
    snprintf(lwiod_bin, sizeof lwiod_bin, "%s/bin/lwiod", build);
    snprintf(srvsvcd_bin, sizeof srvsvcd_bin, "%s/bin/srvsvcd", build);
    snprintf(lwiod_log, sizeof lwiod_log, "%s/lwiod.log", dir);
    snprintf(srvsvcd_log, sizeof srvsvcd_log, "%s/srvsvcd.log", dir);
    char *lwiod_argv[] = { lwiod_bin, "--db", db, "--foreground", "--drivers", "npfs", "--required-drivers",
                           "npfs", NULL };
    lwiod_pid = spawn(lwiod_argv, lwiod_log);
    char *srvsvcd_argv[] = { srvsvcd_bin, "--db", db, "--foreground", "--instances", "4", NULL };
    srvsvcd_pid = spawn(srvsvcd_argv, srvsvcd_log);

    /* Ready when a client can open the pipe (bounded). */
    struct client c;
    NTSTATUS st = STATUS_UNSUCCESSFUL;
    for (int i = 0; i < 500 && st != STATUS_SUCCESS; i++) {
        st = client_open(&c, "\\npfs\\srvsvc", &srvsvc_interface);
        if (st != STATUS_SUCCESS) {
            client_close(&c);
            sleep_ms(20);
        }
    }
    /* srvsvcd creates \npfs\wkssvc just after \npfs\srvsvc: wait for it
     * too, or a loaded machine finds it missing later in the test. */
    NTSTATUS wk = STATUS_UNSUCCESSFUL;
    for (int i = 0; st == STATUS_SUCCESS && i < 500 && wk != STATUS_SUCCESS; i++) {
        struct client probe;
        wk = client_open(&probe, "\\npfs\\wkssvc", &wkssvc_interface);
        client_close(&probe);
        if (wk != STATUS_SUCCESS)
            sleep_ms(20);
    }
    if (!ok(st == STATUS_SUCCESS, "bind srvsvc over \\npfs\\srvsvc (%s)", nt_status_name(st))) {
        diag("see %s and %s", lwiod_log, srvsvcd_log);
        return done_testing();
    }
    struct ndr_arena *arena = ndr_arena_new(1 << 22);
    bool ipc = false;
    uint32_t n = share_count(&c, arena, &ipc);
    ok(n == 1 && ipc, "NetrShareEnum: the fresh registry's IPC$ (%u shares)", (unsigned)n);

    /* A share added over RPC is in share-db. */
    char windows_path[160];
    snprintf(windows_path, sizeof windows_path, "C:%s", share_dir);
    for (char *p = windows_path; *p; p++)
        if (*p == '/')
            *p = '\\';
    struct SHARE_INFO_2 info = { .shi2_netname = "rpcshare", .shi2_remark = "added over RPC",
                                 .shi2_max_uses = 0xFFFFFFFFu, .shi2_path = windows_path };
    struct NetrShareAdd add = { .Level = 2, .InfoStruct.ShareInfo2 = &info };
    uint32_t fault;
    st = dcerpc_client_call(c.rpc, c.ctx, &srvsvc_interface, SRVSVC_NetrShareAdd, &add, arena, &fault);
    ok(st == STATUS_SUCCESS && add.Result == NERR_Success, "NetrShareAdd (result %u)", (unsigned)add.Result);
    struct registry *reg = NULL;
    struct share *stored = NULL;
    if (registry_open(db, &reg) == STATUS_SUCCESS)
        share_db_get(reg, "RPCSHARE", &stored);
    ok(stored && strcmp(stored->comment, "added over RPC") == 0 && strcmp(stored->path, share_dir) == 0 &&
       stored->max_uses == -1, "share-db holds it");
    share_free(stored);
    stored = NULL;
    struct NetrShareGetInfo get = { .NetName = "rpcshare", .Level = 502 };
    st = dcerpc_client_call(c.rpc, c.ctx, &srvsvc_interface, SRVSVC_NetrShareGetInfo, &get, arena, &fault);
    ok(st == STATUS_SUCCESS && get.Result == 0 && get.InfoStruct.ShareInfo502 &&
       strcmp(get.InfoStruct.ShareInfo502->shi502_path, windows_path) == 0 &&
       get.InfoStruct.ShareInfo502->shi502_reserved > 20,
       "NetrShareGetInfo 502: the path and share-db's default descriptor");
    struct NetrShareAdd again = add;
    dcerpc_client_call(c.rpc, c.ctx, &srvsvc_interface, SRVSVC_NetrShareAdd, &again, arena, &fault);
    is_int(again.Result, NERR_DuplicateShare, "adding it twice: NERR_DuplicateShare");
    struct NetrShareDel del = { .NetName = "IPC$" };
    dcerpc_client_call(c.rpc, c.ctx, &srvsvc_interface, SRVSVC_NetrShareDel, &del, arena, &fault);
    is_int(del.Result, ERROR_ACCESS_DENIED, "IPC$ cannot be deleted");
    struct SERVER_INFO_1005 comment = { "set over RPC" };
    struct NetrServerSetInfo set = { .Level = 1005, .ServerInfo.ServerInfo1005 = &comment };
    dcerpc_client_call(c.rpc, c.ctx, &srvsvc_interface, SRVSVC_NetrServerSetInfo, &set, arena, &fault);
    char *value = NULL;
    if (reg)
        registry_setting_get_string(reg, "srv.server-comment", &value);
    ok(set.Result == 0 && value && strcmp(value, "set over RPC") == 0, "NetrServerSetInfo 1005 sets srv.server-comment");
    free(value);
    struct NetrServerGetInfo sg = { .Level = 102 };
    dcerpc_client_call(c.rpc, c.ctx, &srvsvc_interface, SRVSVC_NetrServerGetInfo, &sg, arena, &fault);
    ok(sg.Result == 0 && sg.InfoStruct.ServerInfo102 &&
       strcmp(sg.InfoStruct.ServerInfo102->sv102_comment, "set over RPC") == 0 &&
       sg.InfoStruct.ServerInfo102->sv102_disc == 15, "NetrServerGetInfo 102 reads the settings back");
    /* No srv driver in this lwiod: no live state, nothing to close. */
    struct NetrSessionEnum se = { .InfoStruct = { .Level = 10 }, .PreferedMaximumLength = MAX_PREFERRED_LENGTH };
    dcerpc_client_call(c.rpc, c.ctx, &srvsvc_interface, SRVSVC_NetrSessionEnum, &se, arena, &fault);
    struct NetrFileClose fc = { .FileId = 5 };
    dcerpc_client_call(c.rpc, c.ctx, &srvsvc_interface, SRVSVC_NetrFileClose, &fc, arena, &fault);
    ok(se.Result == 0 && se.TotalEntries == 0 && fc.Result == NERR_FileIdNotFound,
       "without srv: no sessions, no file to close");
    struct NetrShareDel del2 = { .NetName = "rpcshare" };
    dcerpc_client_call(c.rpc, c.ctx, &srvsvc_interface, SRVSVC_NetrShareDel, &del2, arena, &fault);
    if (reg)
        share_db_get(reg, "rpcshare", &stored);
    ok(del2.Result == 0 && !stored, "NetrShareDel removes it from share-db");
    share_free(stored);
    registry_close(reg);
    client_close(&c);

    struct client w;
    st = client_open(&w, "\\npfs\\wkssvc", &wkssvc_interface);
    struct NetrWkstaGetInfo wg = { .Level = 100 };
    if (st == STATUS_SUCCESS)
        st = dcerpc_client_call(w.rpc, w.ctx, &wkssvc_interface, WKSSVC_NetrWkstaGetInfo, &wg, arena, &fault);
    ok(st == STATUS_SUCCESS && wg.Result == 0 && wg.WkstaInfo.WkstaInfo100 &&
       strcmp(wg.WkstaInfo.WkstaInfo100->wki100_langroup, "WORKGROUP") == 0, "wkssvc over \\npfs\\wkssvc");
    if (st != STATUS_SUCCESS)
        diag("wkssvc: %s", nt_status_name(st));
    client_close(&w);

    /* Four instances: four clients at once, each served. */
    pthread_t threads[4];
    int served = 0;
    for (int i = 0; i < 4; i++)
        pthread_create(&threads[i], NULL, parallel_client, &served);
    for (int i = 0; i < 4; i++)
        pthread_join(threads[i], NULL);
    is_int(served, 4, "four clients served at once");

    /* Still serving after those connections came and went, and a SIGHUP. */
    kill(srvsvcd_pid, SIGHUP);
    sleep_ms(50);
    st = client_open(&c, "\\npfs\\srvsvc", &srvsvc_interface);
    ok(st == STATUS_SUCCESS && share_count(&c, arena, &ipc) == 1,
       "instances listen again after their clients (and after SIGHUP)");
    client_close(&c);
    ndr_arena_free(arena);

    is_int(stop(&srvsvcd_pid), 0, "srvsvcd exits 0 on SIGTERM");
    is_int(stop(&lwiod_pid), 0, "lwiod exits 0 on SIGTERM");
    return done_testing();
}
