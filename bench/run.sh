#!/bin/bash
# bench/run.sh: Samewise side by side with Samba's smbd, on this machine, in
# one run; prints a table of ratios (Samewise / smbd) and writes it to
# bench/results/<date>.md. See docs/benchmarks.md.
#
#   bench/run.sh [--quick] [--size MiB] [--no-write]
#
#   --quick      small counts (a smoke run, about a minute)
#   --size MiB   the sequential transfer's file size (default 100)
#   --no-write   print the table only, write no results file
#
# Samewise runs from the build tree ($SW_BUILD, default ./build) through the
# test harness (t/tap/appliance.sh: lwadmin start on a scratch registry); smbd
# runs with a private configuration whose every directory is under the same
# scratch folder, on 127.0.0.1 only, with a passdb holding the same user and
# password. Their shares are two scratch directories side by side (mode
# 0777) on the same file system. Every process started here is stopped by its pid at exit.
set -u

here=$(cd "$(dirname "$0")/.." && pwd)
export SW_SRC=$here
export SW_BUILD=${SW_BUILD:-$here/build}
quick=
size=100
write_results=1
while [ $# -gt 0 ]; do
    case $1 in
    --quick) quick=1 ;;
    --size) size=$2; shift ;;
    --no-write) write_results= ;;
    -h|--help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done
case $size in ''|*[!0-9]*|0) echo "bench: --size wants MiB" >&2; exit 2 ;; esac

die() { echo "bench: $*" >&2; exit 1; }
[ -x "$SW_BUILD/bin/lwadmin" ] || die "$SW_BUILD/bin/lwadmin is missing: build first (make)"

# smbd, smbpasswd and nss_wrapper (which gives smbd the Unix account "alice"
# without touching /etc/passwd) come from Debian packages.
. "$here/bench/smbd.sh"
if ! smbd_available; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "bench: $SMBD_WHY; installing samba and libnss-wrapper (apt-get)" >&2
        apt-get install -y samba libnss-wrapper >/dev/null 2>&1 ||
            { apt-get update >/dev/null 2>&1 && apt-get install -y samba libnss-wrapper >/dev/null 2>&1; } ||
            die "apt-get install samba libnss-wrapper failed"
        smbd_available || die "$SMBD_WHY"
    else
        die "$SMBD_WHY: apt-get install samba libnss-wrapper"
    fi
fi
command -v smbclient >/dev/null || die "needs smbclient (apt-get install smbclient)"
/usr/bin/python3 -c 'import impacket' 2>/dev/null || die "needs python3-impacket"
PY=/usr/bin/python3
BENCH=$here/bench/smbbench.py

if [ -n "$quick" ]; then
    connect_count=20; small_count=200; list_runs=3; xfer_runs=2; load_small=100
    [ "$size" = 100 ] && size=16
else
    connect_count=100; small_count=1000; list_runs=5; xfer_runs=3; load_small=300
fi

# The harness: scratch directory $T (removed at exit), Samewise's registry,
# share, user alice and client configuration; exit actions stop what started.
. "$SW_SRC/t/tap/tap.sh"
. "$SW_SRC/t/tap/appliance.sh"
_tap_planned=skip # not a test: no TAP plan at exit
appliance_init || die "appliance_init failed"
# The shares: side by side in a folder every user may traverse ($T is 0700
# and smbd acts as alice's Unix account, nobody).
B=$(mktemp -d "${TMPDIR:-/tmp}/samewise-bench.XXXXXX") || die "mktemp failed"
tap_at_exit "rm -rf '$B'"
chmod 0755 "$B"
mkdir -m 0777 "$B/samewise" "$B/smbd"
chmod 0777 "$B/samewise" "$B/smbd"
sw_share=$B/samewise
"$LWADMIN" share set test --path "$sw_share" >/dev/null || die "cannot move the share"
appliance_available || die "Samewise cannot start: $APPLIANCE_WHY"
sw_port=$APPLIANCE_PORT

# ---------------------------------------------------------------- smbd
# bench/smbd.sh: a private configuration under $T/smbd, the same user and
# password; alice acts as nobody on disk, as a Samewise user without a Unix
# account does (lsass.unix-fallback-user).
smbd_setup "$T/smbd" "$B/smbd" alice "$APPLIANCE_PASSWORD" || die "smbd setup failed: $SMBD_WHY"
tap_at_exit smbd_stop
smbd_start || die "$SMBD_WHY"
smbd_port=$SMBD_PORT

# ---------------------------------------------------------------- memory
samewise_pids() {
    ps -eo pid=,args= | awk -v t="$APPLIANCE_DB" 'index($0, t) && $2 != "awk" {print $1}'
}
# mem SERVER: "RSS PSS" in KiB, summed over the server's processes.
mem() {
    local pids p rss=0 pss=0 v
    if [ "$1" = samewise ]; then pids=$(samewise_pids); else pids=$(smbd_pids); fi
    for p in $pids; do
        v=$(awk '/^VmRSS:/ {print $2}' "/proc/$p/status" 2>/dev/null); rss=$((rss + ${v:-0}))
        v=$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null); pss=$((pss + ${v:-0}))
    done
    echo "$rss $pss $(echo $pids | wc -w)"
}
emit_mem() { # SERVER LABEL "RSS PSS N"
    set -- "$1" "$2" $3
    printf '{"server": "%s", "metric": "memory %s: RSS", "unit": "MiB", "better": "lower", "value": %s, "procs": %s}\n' \
        "$1" "$2" "$(awk -v k="$3" 'BEGIN {printf "%.1f", k / 1024}')" "$5"
    printf '{"server": "%s", "metric": "memory %s: PSS", "unit": "MiB", "better": "lower", "value": %s, "procs": %s}\n' \
        "$1" "$2" "$(awk -v k="$4" 'BEGIN {printf "%.1f", k / 1024}')" "$5"
}

results=$T/results.jsonl
: > "$results"
password_file=$T/alice.password
run_bench() { # SERVER BENCH ARGS...
    local server=$1 port share_dir
    shift
    if [ "$server" = samewise ]; then port=$sw_port; share_dir=$sw_share
    else port=$smbd_port; share_dir=$B/smbd; fi
    echo "bench: $server: $1" >&2
    timeout 900 "$PY" "$BENCH" "$@" --port "$port" --user alice --password-file "$password_file" \
        --share test --share-dir "$share_dir" --client-conf "$APPLIANCE_CONF" \
        --auth-file "$APPLIANCE_AUTH" --scratch "$T" |
        sed "s/^{/{\"server\": \"$server\", /" >> "$results"
}

for s in samewise smbd; do emit_mem "$s" "idle after start" "$(mem "$s")" >> "$results"; done

for s in samewise smbd; do run_bench "$s" connect --count "$connect_count"; done
for s in samewise smbd; do run_bench "$s" smallfiles --count "$small_count"; done
for s in samewise smbd; do run_bench "$s" listing --runs "$list_runs"; done
for s in samewise smbd; do run_bench "$s" transfer --runs "$xfer_runs" --size "$size"; done
sleep 1
for s in samewise smbd; do emit_mem "$s" "idle after the transfers" "$(mem "$s")" >> "$results"; done

# Under load: 8 clients logging on again and again and 4 making, reading and
# deleting small files at once; the peak of the sums, sampled every 0.2 s
# while they run (at most 10 minutes).
load() { # SERVER
    local s=$1 port pids=() p peak_rss=0 peak_pss=0 peak_n=0 i=0 m
    if [ "$s" = samewise ]; then port=$sw_port; else port=$smbd_port; fi
    echo "bench: $s: load" >&2
    for i in 1 2 3 4 5 6 7 8; do
        timeout 600 "$PY" "$BENCH" connect --count 50 --port "$port" --user alice \
            --password-file "$password_file" --share test > /dev/null 2>&1 &
        pids+=($!)
    done
    for i in 1 2 3 4; do
        timeout 600 "$PY" "$BENCH" smallfiles --count "$load_small" --port "$port" --user alice \
            --password-file "$password_file" --share test > /dev/null 2>&1 &
        pids+=($!)
    done
    i=0
    while [ $i -lt 3000 ]; do
        m=$(mem "$s")
        set -- $m
        [ "$1" -gt "$peak_rss" ] && peak_rss=$1 && peak_n=$3
        [ "$2" -gt "$peak_pss" ] && peak_pss=$2
        local alive=0
        for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
        [ $alive = 1 ] || break
        sleep 0.2; i=$((i + 1))
    done
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    emit_mem "$s" "peak under load (8 logon loops + 4 small-file clients)" "$peak_rss $peak_pss $peak_n"
}
for s in samewise smbd; do load "$s" >> "$results"; done
sleep 1
for s in samewise smbd; do emit_mem "$s" "idle after the load" "$(mem "$s")" >> "$results"; done

# ---------------------------------------------------------------- report
asan=no
ldd "$SW_BUILD/bin/lwiod" 2>/dev/null | grep -q libasan && asan=yes
date_tag=$(date +%Y-%m-%d)
out_md=$here/bench/results/$date_tag.md
[ -n "$write_results" ] || out_md=
[ -z "$out_md" ] || mkdir -p "$here/bench/results" || die "cannot create bench/results"
"$PY" - "$results" "$out_md" <<PY
import json, sys, collections
rows = collections.OrderedDict()
for line in open(sys.argv[1]):
    line = line.strip()
    if not line.startswith("{"):
        continue
    r = json.loads(line)
    rows.setdefault(r["metric"], {"unit": r["unit"], "better": r["better"]})[r["server"]] = r

def cell(r):
    if r is None:
        return "-"
    if "error" in r:
        return "n/a (%s)" % r["error"]
    v = r["value"]
    text = "%.1f" % v if v >= 10 else "%.2f" % v
    if "procs" in r:
        text += " (%d proc%s)" % (r["procs"], "" if r["procs"] == 1 else "s")
    return text

table = ["| metric | unit | Samewise | smbd | Samewise / smbd | better |",
         "| --- | --- | ---: | ---: | ---: | --- |"]
for metric, d in rows.items():
    a, b = d.get("samewise"), d.get("smbd")
    ratio = "-"
    if a and b and "value" in a and "value" in b and b["value"]:
        ratio = "%.2f" % (a["value"] / b["value"])
    table.append("| %s | %s | %s | %s | %s | %s |" % (metric, d["unit"], cell(a), cell(b), ratio, d["better"]))
print("\n".join(table))
if sys.argv[2]:
    import platform, subprocess
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    head = [
        "# Benchmarks: Samewise and smbd, $date_tag",
        "",
        "\`bench/run.sh%s\` on %s (%d cores), Linux %s." % (" --quick" if "$quick" else "", cpu,
                                                        __import__("os").cpu_count(), platform.release()),
        "Samewise \`%s\` (ASan build: $asan); %s. Both on 127.0.0.1 in the same run,"
        % (subprocess.run(["git", "-C", "$SW_SRC", "describe", "--always", "--dirty"],
                          capture_output=True, text=True).stdout.strip() or "?",
           "smbd " + subprocess.run(["smbd", "--version"], capture_output=True, text=True).stdout.strip().replace("Version ", "")),
        "same client, same user, shares on the same file system. Ratios are",
        "Samewise / smbd: below 1 is better where lower is better, above 1 where",
        "higher is better. n/a: the server could not do it (its status).",
        "Sequential transfer: $size MiB; see docs/benchmarks.md for what each line measures.",
        "",
    ]
    with open(sys.argv[2], "w") as f:
        f.write("\n".join(head + table) + "\n")
    print("wrote", sys.argv[2])
PY
