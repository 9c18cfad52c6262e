#!/bin/bash
# bench/perf.sh: Samewise against Samba's smbd, twice (its defaults, and its
# best configuration: vfs objects = io_uring, use sendfile = yes, aio read
# and write size = 1), with C clients: bench/smbload (libsmbclient),
# smbclient and smbtorture's smb2.bench.echo. See docs/benchmarks.md.
#
#   bench/perf.sh [--quick] [--runs N] [--size MiB] [--no-write]
#
#   --quick      one round, 32 MiB files, small counts: a smoke run of the
#                benchmark itself (about two minutes), not numbers to quote
#   --runs N     rounds (default 5); every number is the median of the rounds
#   --size MiB   the sequential file size (default 512)
#   --no-write   print the table only, write no results file
#
# Every server is pinned to CPU 0 (taskset -a, all its processes and
# threads) and every client to CPU 1. Each round runs every workload on the
# three servers in turn (A/B/C alternation), so a drift of the machine's
# speed touches all three alike. Server CPU is the utime+stime (children
# included) of the server's processes from /proc/PID/stat, before and after
# each run; memory is PSS from /proc/PID/smaps_rollup summed over them.
# Everything listens on 127.0.0.1; every process started is stopped by pid
# at exit; every client run is bounded by timeout(1).
set -u

here=$(cd "$(dirname "$0")/.." && pwd)
export SW_SRC=$here
export SW_BUILD=${SW_BUILD:-$here/build}
quick=
runs=5
size=512
write_results=1
while [ $# -gt 0 ]; do
    case $1 in
    --quick) quick=1 ;;
    --runs) runs=$2; shift ;;
    --size) size=$2; shift ;;
    --no-write) write_results= ;;
    -h|--help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done
case $size in ''|*[!0-9]*|0) echo "bench: --size wants MiB" >&2; exit 2 ;; esac
case $runs in ''|*[!0-9]*|0) echo "bench: --runs wants a count" >&2; exit 2 ;; esac

die() { echo "bench: $*" >&2; exit 1; }
# SMBLOAD: the load generator of another build (comparing builds with one client).
LOAD=${SMBLOAD:-$SW_BUILD/bench/smbload}
[ -x "$SW_BUILD/bin/lwadmin" ] || die "$SW_BUILD/bin/lwadmin is missing: build first (make)"
[ -x "$LOAD" ] || die "$LOAD is missing: make $SW_BUILD/bench/smbload (needs libsmbclient-dev)"
command -v smbclient >/dev/null || die "needs smbclient"
command -v taskset >/dev/null || die "needs taskset (util-linux)"
[ "$(nproc)" -ge 2 ] || die "needs two CPUs (server on one, clients on the other)"

if [ -n "$quick" ]; then
    runs=1; [ "$size" = 512 ] && size=32
    small_ops=200; meta_files=200; echo_secs=3; idle_conns=50
else
    small_ops=2000; meta_files=2000; echo_secs=10; idle_conns=500
fi

. "$here/bench/smbd.sh"
smbd_available || die "$SMBD_WHY: apt-get install samba libnss-wrapper"
. "$SW_SRC/t/tap/tap.sh"
. "$SW_SRC/t/tap/appliance.sh"
_tap_planned=skip # not a test: no TAP plan at exit
appliance_init || die "appliance_init failed"
B=$(mktemp -d "${TMPDIR:-/tmp}/samewise-perf.XXXXXX") || die "mktemp failed"
tap_at_exit "rm -rf '$B'"
chmod 0755 "$B"
for d in samewise smbd smbd-best; do mkdir -m 0777 "$B/$d"; chmod 0777 "$B/$d"; done
"$LWADMIN" share set test --path "$B/samewise" >/dev/null || die "cannot move the share"
# One core for the server: one event loop (srv.network-threads; a build
# without the setting ignores it).
"$LWADMIN" config set srv.network-threads 1 >/dev/null 2>&1
# The idle-connection measurement opens hundreds from 127.0.0.1.
"$LWADMIN" config set srv.max-connections-per-address 0 >/dev/null 2>&1
appliance_available || die "Samewise cannot start: $APPLIANCE_WHY"
password_file=$T/alice.password

# Two smbd instances: smbd.sh keeps one in its SMBD_* variables; these two
# functions save and bring back an instance's.
smbd_save() { eval "${1}_CONF=\$SMBD_CONF ${1}_PID=\$SMBD_PID ${1}_PORT=\$SMBD_PORT ${1}_DIR=\$SMBD_DIR"; }
smbd_use() { eval "SMBD_CONF=\$${1}_CONF SMBD_PID=\$${1}_PID SMBD_PORT=\$${1}_PORT SMBD_DIR=\$${1}_DIR"; }
stop_all_smbd() { smbd_use SD; smbd_stop; smbd_use SB; smbd_stop; }
SD_CONF= SB_CONF=
tap_at_exit stop_all_smbd
smbd_setup "$T/smbd" "$B/smbd" alice "$APPLIANCE_PASSWORD" || die "smbd setup: $SMBD_WHY"
smbd_start || die "$SMBD_WHY"
smbd_save SD
SMBD_SHARE_EXTRA='    vfs objects = io_uring
    use sendfile = yes
    aio read size = 1
    aio write size = 1'
smbd_setup "$T/smbd-best" "$B/smbd-best" alice "$APPLIANCE_PASSWORD" || die "smbd setup: $SMBD_WHY"
smbd_start || die "$SMBD_WHY"
smbd_save SB

servers="samewise smbd smbd-best"
port_of() {
    case $1 in samewise) echo "$APPLIANCE_PORT" ;; smbd) echo "$SD_PORT" ;; smbd-best) echo "$SB_PORT" ;; esac
}
pids_of() {
    case $1 in
    samewise) ps -eo pid=,args= | awk -v t="$APPLIANCE_DB" 'index($0, t) && $2 != "awk" {print $1}' ;;
    smbd) smbd_use SD; smbd_pids ;;
    smbd-best) smbd_use SB; smbd_pids ;;
    esac
}
# Pins every process and thread of the server to CPU 0 (children forked
# later inherit it).
pin() { local p; for p in $(pids_of "$1"); do taskset -a -p -c 0 "$p" >/dev/null 2>&1; done; }
# CPU ticks (user+system, children reaped included) summed over the pids.
ticks() {
    local p t=0 v
    for p in $(pids_of "$1"); do
        v=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | awk '{print $12 + $13 + $14 + $15}')
        t=$((t + ${v:-0}))
    done
    echo "$t"
}
pss() {
    local p t=0 v
    for p in $(pids_of "$1"); do
        v=$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null); t=$((t + ${v:-0}))
    done
    echo "$t $(pids_of "$1" | wc -w)"
}
HZ=$(getconf CLK_TCK)

results=$T/results.jsonl
: > "$results"
emit() { echo "$1" >> "$results"; }

for s in $servers; do pin "$s"; set -- $(pss "$s")
    emit "{\"server\": \"$s\", \"metric\": \"PSS idle after start\", \"unit\": \"MiB\", \"better\": \"lower\", \"value\": $(awk -v k="$1" 'BEGIN {print k / 1024}'), \"procs\": $2}"
done

# run SERVER METRIC UNIT WORK_UNITS_FIELD CMD...: runs the client on CPU 1,
# records its rate and the server's CPU per unit of work.
run() {
    local s=$1 metric=$2 field=$3 per=$4; shift 4
    local before after out val work
    pin "$s"
    before=$(ticks "$s")
    # A shell function (smbclient_run, torture_echo) pins and bounds its
    # own client.
    if declare -F "$1" >/dev/null; then
        out=$("$@" 2>"$T/client.err")
    else
        out=$(timeout 600 taskset -c 1 "$@" 2>"$T/client.err")
    fi
    local rc=$?
    after=$(ticks "$s")
    if [ $rc != 0 ]; then
        echo "bench: $s: $metric failed: $(tail -2 "$T/client.err" | tr '\n' ' ')" >&2
        return
    fi
    val=$(printf '%s' "$out" | /usr/bin/python3 -c "import json,sys; print(json.loads(sys.stdin.read().strip().splitlines()[-1])['$field'])" 2>/dev/null)
    work=$(printf '%s' "$out" | /usr/bin/python3 -c "import json,sys; d=json.loads(sys.stdin.read().strip().splitlines()[-1]); print(d.get('$per', 0))" 2>/dev/null)
    [ -n "$val" ] || { echo "bench: $s: $metric: no result" >&2; return; }
    emit "{\"server\": \"$s\", \"metric\": \"$metric\", \"unit\": \"$field\", \"better\": \"higher\", \"value\": $val, \"cpu_s\": $(awk -v t=$((after - before)) -v hz="$HZ" 'BEGIN {print t / hz}'), \"work\": ${work:-0}, \"per\": \"$per\"}"
    local p99
    p99=$(printf '%s' "$out" | /usr/bin/python3 -c "import json,sys; print(json.loads(sys.stdin.read().strip().splitlines()[-1]).get('p99_us', ''))" 2>/dev/null)
    [ -z "$p99" ] || emit "{\"server\": \"$s\", \"metric\": \"$metric: p99 latency\", \"unit\": \"us\", \"better\": \"lower\", \"value\": $p99}"
}

# smbclient: a whole get or put of the file, MB/s from its wall time.
smbclient_run() { # SERVER get|put PROTECTION
    local s=$1 op=$2 prot=$3 port
    port=$(port_of "$s")
    local t0 t1
    t0=$(date +%s.%N)
    if [ "$op" = get ]; then
        timeout 600 taskset -c 1 smbclient "//127.0.0.1/test" -p "$port" -U "alice%$APPLIANCE_PASSWORD" \
            -m SMB3_11 --client-protection="$prot" -c "get seq.dat /dev/null" >/dev/null 2>&1 || return 1
    else
        timeout 600 taskset -c 1 smbclient "//127.0.0.1/test" -p "$port" -U "alice%$APPLIANCE_PASSWORD" \
            -m SMB3_11 --client-protection="$prot" -c "put $B/local.dat put.dat" >/dev/null 2>&1 || return 1
    fi
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" -v m="$size" 'BEGIN {printf "{\"MBps\": %.1f, \"bytes\": %d}\n", m * 1048576 / (b - a) / 1e6, m * 1048576}'
}

head -c $((size * 1048576)) /dev/urandom > "$B/local.dat" || die "cannot make the local file"

# Each server gets the read file through its own write path (the first
# sequential write below); smbclient reads it as seq.dat.
L() { echo "$LOAD" -H 127.0.0.1 -P "$(port_of "$1")" -s test -U alice -p "$password_file"; }
for s in $servers; do
    $(L "$s") -m "$size" -f seq.dat write >/dev/null 2>"$T/client.err" ||
        die "$s: cannot write the test file: $(cat "$T/client.err")"
done

torture_echo() { # SERVER
    local s=$1 out
    out=$(timeout 120 taskset -c 1 smbtorture "//127.0.0.1/test" -p "$(port_of "$s")" \
        -U "alice%$APPLIANCE_PASSWORD" --option=torture:timelimit="$echo_secs" \
        --option=torture:nprocs=64 smb2.bench.echo 2>&1)
    printf '%s\n' "$out" > "$T/echo.out"
    # It prints "echo[num/s=N,avslat=...]" once a second: their mean.
    printf '%s\n' "$out" | grep -o 'num/s=[0-9]*' | awk -F= -v secs="$echo_secs" '
        { sum += $2; n++ }
        END { if (n) printf "{\"ops_per_s\": %.1f, \"ops\": %d}\n", sum / n, sum / n * secs; else exit 1 }' ||
        { tail -5 "$T/echo.out" >&2; return 1; }
}

for round in $(seq 1 "$runs"); do
    echo "bench: round $round of $runs" >&2
    for s in $servers; do
        run "$s" "sequential read, smbload 1 MiB calls" MBps bytes $(L "$s") -m "$size" -f seq.dat read
        run "$s" "sequential read signed, smbload" MBps bytes $(L "$s") -e sign -m "$size" -f seq.dat read
        run "$s" "sequential read AES-128-GCM, smbload" MBps bytes $(L "$s") -e encrypt -c AES-128-GCM -m "$size" -f seq.dat read
        run "$s" "sequential read AES-256-GCM, smbload" MBps bytes $(L "$s") -e encrypt -c AES-256-GCM -m "$size" -f seq.dat read
        run "$s" "sequential write, smbload 1 MiB calls" MBps bytes $(L "$s") -m "$size" -f seqw.dat write
        run "$s" "sequential write AES-128-GCM, smbload" MBps bytes $(L "$s") -e encrypt -c AES-128-GCM -m "$size" -f seqw.dat write
        run "$s" "sequential read, smbclient get" MBps bytes smbclient_run "$s" get off
        run "$s" "sequential read encrypted, smbclient get" MBps bytes smbclient_run "$s" get encrypt
        run "$s" "sequential write, smbclient put" MBps bytes smbclient_run "$s" put off
        run "$s" "8 connections x 4 KiB write/read" ops_per_s ops $(L "$s") -n 8 -o "$small_ops" -f small small
        run "$s" "64 connections x 4 KiB write/read" ops_per_s ops $(L "$s") -n 64 -o $((small_ops / 8)) -f small small
        run "$s" "metadata: create, write, close, stat, delete" ops_per_s files $(L "$s") -n "$meta_files" -f meta meta
        if command -v smbtorture >/dev/null; then
            run "$s" "smb2.bench.echo, 64 connections" ops_per_s ops torture_echo "$s"
        fi
    done
done
# p99 of the small I/O is in the client's output too: kept with the rows.

sleep 3 # longer than the large-buffer cache's idle period (srv bufpool)
for s in $servers; do set -- $(pss "$s")
    emit "{\"server\": \"$s\", \"metric\": \"PSS idle after the runs\", \"unit\": \"MiB\", \"better\": \"lower\", \"value\": $(awk -v k="$1" 'BEGIN {print k / 1024}'), \"procs\": $2}"
done
# What an idle logged-on connection (with a tree connect) costs: the PSS
# summed over the server's processes with idle_conns of them open, less
# before, per connection.
mkfifo "$T/idle.fifo" || die "mkfifo"
for s in $servers; do
    set -- $(pss "$s"); before=$1
    : > "$T/idle.out"
    timeout 600 taskset -c 1 $(L "$s") -n "$idle_conns" idle < "$T/idle.fifo" > "$T/idle.out" 2>"$T/client.err" &
    lpid=$!
    exec 7> "$T/idle.fifo"
    i=0
    while [ $i -lt 1200 ] && [ ! -s "$T/idle.out" ] && kill -0 "$lpid" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
    if [ -s "$T/idle.out" ]; then
        sleep 1
        set -- $(pss "$s")
        emit "{\"server\": \"$s\", \"metric\": \"PSS per idle logged-on connection ($idle_conns open)\", \"unit\": \"KiB\", \"better\": \"lower\", \"value\": $(awk -v a="$before" -v b="$1" -v n="$idle_conns" 'BEGIN {print (b - a) / n}')}"
    else
        echo "bench: $s: $idle_conns idle connections failed: $(tail -2 "$T/client.err" | tr '\n' ' ')" >&2
    fi
    exec 7>&-
    wait "$lpid" 2>/dev/null
done
sleep 2

# The largest process alone (Samewise: lwiod, which holds srv).
for s in $servers; do
    big=0
    for p in $(pids_of "$s"); do
        v=$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null)
        [ "${v:-0}" -gt "$big" ] && big=$v
    done
    emit "{\"server\": \"$s\", \"metric\": \"PSS idle after the runs, largest process\", \"unit\": \"MiB\", \"better\": \"lower\", \"value\": $(awk -v k="$big" 'BEGIN {print k / 1024}')}"
done

asan=no
ldd "$SW_BUILD/bin/lwiod" 2>/dev/null | grep -q libasan && asan=yes
out_md=
if [ -n "$write_results" ]; then
    mkdir -p "$here/bench/results" || die "cannot create bench/results"
    out_md=$here/bench/results/perf-$(date +%Y-%m-%d)${quick:+-quick}.md
fi
export quick asan size runs
/usr/bin/python3 - "$results" "$out_md" "$SW_SRC" <<'PY'
import json, os, platform, statistics, subprocess, sys
rows = {}
order = []
for line in open(sys.argv[1]):
    line = line.strip()
    if not line.startswith("{"):
        continue
    r = json.loads(line)
    if r["metric"] not in rows:
        order.append(r["metric"])
    rows.setdefault(r["metric"], {}).setdefault(r["server"], []).append(r)

def med(rs, f):
    return statistics.median(f(r) for r in rs)

def cpu_per(rs):
    # Server CPU per unit: microseconds per MB (bytes) or per operation.
    def one(r):
        w = r.get("work", 0)
        if not w:
            return float("nan")
        if r["per"] == "bytes":
            return r["cpu_s"] * 1e6 / (w / 1e6)
        return r["cpu_s"] * 1e6 / w
    return med(rs, one)

servers = ["samewise", "smbd", "smbd-best"]
lines = ["| workload | unit | Samewise | smbd | smbd best | Samewise / smbd | Samewise / smbd best | server CPU µs per MB or op: Samewise / smbd / smbd best |",
         "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |"]
for m in order:
    d = rows[m]
    vals = {s: med(d[s], lambda r: r["value"]) if s in d else None for s in servers}
    unit = next(iter(d.values()))[0]["unit"]
    def f(v):
        return "-" if v is None else ("%.1f" % v)
    def ratio(a, b):
        return "-" if a is None or not b else "%.2f" % (a / b)
    cpu = " / ".join("%.0f" % cpu_per(d[s]) if s in d and "cpu_s" in d[s][0] else "-" for s in servers)
    lines.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
        m, unit, f(vals["samewise"]), f(vals["smbd"]), f(vals["smbd-best"]),
        ratio(vals["samewise"], vals["smbd"]), ratio(vals["samewise"], vals["smbd-best"]),
        cpu if "cpu_s" in next(iter(d.values()))[0] else "-"))
table = "\n".join(lines)
print(table)
if sys.argv[2]:
    src = sys.argv[3]
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    commit = subprocess.run(["git", "-C", src, "describe", "--always", "--dirty"], capture_output=True, text=True).stdout.strip() or "?"
    smbd = subprocess.run(["smbd", "--version"], capture_output=True, text=True).stdout.strip()
    load = open("/proc/loadavg").read().split()[:3]
    head = ["# Samewise, smbd and smbd at its best: bench/perf.sh%s" % (" --quick" if os.environ.get("quick") else ""),
            "",
            "%s (%d cores), Linux %s, load average %s at the end. Samewise `%s` (ASan build: %s); %s." % (
                cpu, os.cpu_count(), platform.release(), " ".join(load), commit, os.environ.get("asan"), smbd),
            "Servers pinned to CPU 0, clients to CPU 1; medians of %s rounds, servers alternated within each round;" % os.environ.get("runs"),
            "sequential files of %s MiB. smbd best: vfs objects = io_uring, use sendfile = yes, aio read/write size = 1." % os.environ.get("size"),
            "Rates: higher is better; server CPU: lower is better. See docs/benchmarks.md.",
            ""]
    with open(sys.argv[2], "w") as out:
        out.write("\n".join(head) + "\n" + table + "\n")
    print("wrote", sys.argv[2])
PY
