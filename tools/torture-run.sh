#!/bin/bash
# tools/torture-run.sh: Samba's smbtorture against a whole Samewise instance.
#
# Starts a scratch appliance with the test harness (t/tap/appliance.sh: a
# scratch registry, share "test" on a scratch directory, user alice, loopback
# port), runs each smbtorture suite in its own bounded invocation from a
# scratch directory, and records one result per subtest from
# `--format=subunit --fullname`. Nothing needs make: run it from the source
# tree after building (default build directory: ./build, or $SW_BUILD).
#
#   tools/torture-run.sh [OPTIONS] [SUITE...]
#
# Default suites: the conformance set of docs/CONFORMANCE.md. Options:
#   --out DIR            results directory (default $SW_BUILD/torture/<time>;
#                        $SW_BUILD/torture/latest points at the newest)
#   --suite-timeout S    bound on one smbtorture invocation (default 600)
#   --from DIR           do not run: reuse the results in DIR
#   --update-doc         rewrite docs/CONFORMANCE.md from the results
#   --update-pass        add subtests that passed, and pass again twice more,
#                        to t/srv-smbtorture.pass (never removes one: a listed
#                        subtest that fails is a regression, reported with
#                        exit status 1)
#   --list               print the subtests of the suites and exit
#
# Results (in the results directory):
#   SUITE.N.subunit      smbtorture's output (stdout and stderr) for
#                        invocation N of SUITE
#   results.tsv          NAME <tab> RESULT <tab> DETAIL, one subtest a line
#                        (DETAIL: smbtorture's reason, then what the subtest
#                        printed, " | " between lines);
#                        RESULT is success, failure, error, skip, xfail,
#                        uxsuccess, hung (a `test:` line, no result, the
#                        invocation timed out), crashed (a `test:` line, no
#                        result, smbtorture ended) or not-run
#   server.txt           srv crashes and restarts noticed between invocations
#   lwiod.log            the server's log
#
# A subtest that hangs or crashes costs one invocation: the runner restarts
# smbtorture with the subtests that have not run yet (bounded by the count of
# subtests). A server that died is noted and restarted before going on.
set -u

here=$(cd "$(dirname "$0")/.." && pwd)
export SW_SRC=$here
export SW_BUILD=${SW_BUILD:-$here/build}

default_suites="smb2.connect smb2.read smb2.getinfo smb2.setinfo smb2.dir smb2.create
smb2.compound smb2.credits smb2.lock smb2.rename smb2.sharemode smb2.delete-on-close-perms
smb2.session smb2.maxfid smb2.scan smb2.tcon"

out=
from=
suite_timeout=600
update_doc=
update_pass=
list_only=
suites=()
usage() { sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit "${1:-2}"; }
while [ $# -gt 0 ]; do
    case $1 in
    --out) out=$2; shift ;;
    --from) from=$2; shift ;;
    --suite-timeout) suite_timeout=$2; shift ;;
    --update-doc) update_doc=1 ;;
    --update-pass) update_pass=1 ;;
    --list) list_only=1 ;;
    -h|--help) usage 0 ;;
    -*) echo "torture-run: unknown option $1" >&2; usage ;;
    *) suites+=("$1") ;;
    esac
    shift
done
[ ${#suites[@]} -gt 0 ] || read -r -a suites <<< "$(echo $default_suites)"
case $suite_timeout in ''|*[!0-9]*) echo "torture-run: --suite-timeout wants seconds" >&2; exit 2 ;; esac

die() { echo "torture-run: $*" >&2; exit 1; }
command -v smbtorture >/dev/null || die "smbtorture is not installed (Debian: samba-testsuite)"

# The runnable subtests of a suite, one full name a line. `smbtorture --list`
# prints SUITE.TCASE.TEST and every smb2 test sits in a test case of its own
# name, so the last component repeats; a name that matches a longer suite
# (smb2.session-id for smb2.session) belongs to that one, not this.
subtests_of() {
    smbtorture --list "$1" 2>/dev/null | awk -v s="$1" '
        index($0, s ".") != 1 { next }
        {
            n = split($0, part, ".")
            name = $0
            if (n >= 2 && part[n] == part[n - 1])
                name = substr($0, 1, length($0) - length(part[n]) - 1)
            if (name == s || index(name, s ".") == 1) print name
        }'
}

if [ -n "$list_only" ]; then
    for s in "${suites[@]}"; do subtests_of "$s"; done
    exit 0
fi

# ---------------------------------------------------------------- reporting
# report.py reads results.tsv and writes the summary, the document and the
# pass list; it is kept in this file so the runner stays one script.
report() { # MODE RESULTS-DIR [ARGS]
    /usr/bin/python3 - "$@" <<'PY'
import os, re, sys, datetime, subprocess

mode, rdir = sys.argv[1], sys.argv[2]
src = os.environ["SW_SRC"]
PASS_FILE = os.path.join(src, "t", "srv-smbtorture.pass")
DOC = os.path.join(src, "docs", "CONFORMANCE.md")

# Why a subtest does not pass, by the subtest's name and smbtorture's failure
# text. First match wins; each rule was written after reading the failing
# subtest's source (samba 4.17, source4/torture/smb2/). The fallback groups by
# the first status smbtorture complains about.
RULES = [
    # (name regex, detail regex, cause)
    (r"", r"^hung\b",
     "Hung: no result before the invocation's time limit (srv never answered a request, or a wait never ended)."),
    (r"", r"^crashed\b",
     "smbtorture stopped in the middle of the subtest (the client crashed or the connection was cut)."),
    (r"", r"^server died\b",
     "The server died during this subtest (see server.txt in the results)."),
    (r"^smb2\.credits\.(session_setup_credits_granted|skipped_mid)$", r"only granted",
     "srv grants at most 512 credits; the test asks for 65535 and wants at least 8192, as Windows 2016 and smbd (`smb2 max credits = 8192`) grant."),
    (r"", r"NT_STATUS_NOT_SUPPORTED|not supported|smb2_util_setup_dir not ok",
     "A command srv does not implement yet answers STATUS_NOT_SUPPORTED (CREATE, CLOSE, READ, WRITE, QUERY_DIRECTORY, QUERY_INFO, SET_INFO, LOCK, FLUSH are being written on branch smb2); the subtest's first step already needs one."),
]

def cause_of(name, result, detail):
    if result == "skip":
        why = re.sub(r"^\.\./\.\./source4/torture/smb2/[a-z_-]+\.c:\d+: ", "", detail.split(" | ")[0])
        return "Skipped by smbtorture: " + re.sub(r"\s+", " ", why)
    text = detail
    if result in ("hung", "crashed"):
        text = result + " " + detail
    for name_re, detail_re, cause in RULES:
        if re.search(name_re, name) and re.search(detail_re, text, re.I):
            return cause
    m = re.search(r"(NT_STATUS_[A-Z0-9_]+)", detail)
    if m:
        return "Unclassified: srv answered %s where the test expected otherwise." % m.group(1)
    return "Unclassified: " + (detail.split(" | ")[0][:160] or result)

def load(rdir):
    rows = []
    with open(os.path.join(rdir, "results.tsv"), encoding="utf-8", errors="replace") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 2:
                continue
            parts += [""] * (3 - len(parts))
            rows.append(tuple(parts[:3]))
    return rows

def suite_of(name, suites):
    best = ""
    for s in suites:
        if (name == s or name.startswith(s + ".")) and len(s) > len(best):
            best = s
    return best or name.rsplit(".", 1)[0]

def read_pass_file():
    names = []
    if os.path.exists(PASS_FILE):
        with open(PASS_FILE) as f:
            for line in f:
                line = line.rstrip("\n")
                if line and not line.startswith("#"):
                    names.append(line)
    return names

def meta(rdir):
    m = {}
    p = os.path.join(rdir, "meta.txt")
    if os.path.exists(p):
        for line in open(p):
            k, _, v = line.rstrip("\n").partition("=")
            m[k] = v
    return m

rows = load(rdir)
info = meta(rdir)
suites = info.get("suites", "").split()
by_suite = {}
for name, result, detail in rows:
    by_suite.setdefault(suite_of(name, suites), []).append((name, result, detail))
PASSING = ("success",)

if mode == "summary":
    total = {"pass": 0, "other": 0}
    print("%-28s %5s %5s %5s" % ("suite", "total", "pass", "not"))
    for s in suites or sorted(by_suite):
        items = by_suite.get(s, [])
        p = sum(1 for i in items if i[1] in PASSING)
        total["pass"] += p
        total["other"] += len(items) - p
        print("%-28s %5d %5d %5d" % (s, len(items), p, len(items) - p))
    print("%-28s %5d %5d %5d" % ("all", total["pass"] + total["other"], total["pass"], total["other"]))
    listed = read_pass_file()
    results = {n: r for n, r, _ in rows}
    regressions = [n for n in listed if n in results and results[n] not in PASSING]
    for n in regressions:
        print("REGRESSION: %s (listed in t/srv-smbtorture.pass) now %s" % (n, results[n]))
    sys.exit(1 if regressions else 0)

if mode == "newly-passing":
    listed = set(read_pass_file())
    for name, result, _ in rows:
        if result in PASSING and name not in listed:
            print(name)
    sys.exit(0)

if mode == "add-pass":
    # argv[3]: a results directory of confirmation runs; add the subtests
    # that passed in the main run and in every confirmation run.
    confirm = [load(d) for d in sys.argv[3:]]
    listed = read_pass_file()
    have = set(listed)
    ok = {n for n, r, _ in rows if r in PASSING}
    for c in confirm:
        ok &= {n for n, r, _ in c if r in PASSING}
    added = sorted(ok - have)
    if not os.path.exists(PASS_FILE):
        header = ["# Subtests that pass against srv: t/srv-smbtorture.t runs exactly these.",
                  "# Maintained by tools/torture-run.sh --update-pass (adds only); one full",
                  "# smbtorture name a line. Remove a line only with a reason in the commit."]
    else:
        header = [l.rstrip("\n") for l in open(PASS_FILE) if l.startswith("#")]
    names = sorted(set(listed) | set(added), key=lambda n: (suite_of(n, suites), n))
    with open(PASS_FILE, "w") as f:
        f.write("\n".join(header) + "\n")
        for n in names:
            f.write(n + "\n")
    for n in added:
        print("added to the pass list:", n)
    sys.exit(0)

if mode == "doc":
    listed = set(read_pass_file())
    now = info.get("date", datetime.date.today().isoformat())
    out = []
    w = out.append
    w("# Conformance: smbtorture against Samewise")
    w("")
    w("Samba's `smbtorture` (Debian samba-testsuite, %s) run against a whole" % info.get("smbtorture", "?"))
    w("Samewise instance (lwadmin start: lwiod with srv, lsassd) on loopback, by")
    w("`tools/torture-run.sh`. Results of the run of %s, source `%s`." % (now, info.get("commit", "?")))
    w("This file is generated: `tools/torture-run.sh --update-doc` (about a minute")
    w("while most subtests fail fast; each suite is bounded by `--suite-timeout`).")
    w("The causes come from the rule table in `tools/torture-run.sh`, written after")
    w("reading each failing subtest's source (samba 4.17, `source4/torture/smb2/`).")
    w("")
    w("## How it runs")
    w("")
    w("- One smbtorture invocation per suite (`--format=subunit --fullname`), bounded")
    w("  by a timeout, from a scratch directory, against the scratch share `test`")
    w("  (emptied between suites), as user alice; a second user (bob) for the")
    w("  subtests that want one (`torture:user2name`).")
    w("- A `test:` line with no result line is recorded as *hung* (the invocation")
    w("  hit its time limit) or *crashed* (smbtorture ended); the subtests after it")
    w("  are run again in a new invocation, so one hang does not hide a suite.")
    w("- After every invocation the runner checks that lwiod is still the same")
    w("  process; a server that died is noted here and restarted.")
    w("- Passing subtests are kept in `t/srv-smbtorture.pass` and run by")
    w("  `t/srv-smbtorture.t` in `make check`, so none regresses")
    w("  (`tools/torture-run.sh --update-pass` adds new ones after two more passes).")
    w("")
    w("Regenerate:")
    w("")
    w("```")
    w("make                                   # or: ./configure && make -j2")
    w("tools/torture-run.sh --update-doc      # all suites; rewrites this file")
    w("tools/torture-run.sh smb2.lock         # one suite, results in build/torture/latest")
    w("tools/torture-run.sh --from build/torture/latest --update-doc   # no rerun")
    w("```")
    w("")
    w("## Summary")
    w("")
    w("| suite | subtests | pass | not yet |")
    w("| --- | ---: | ---: | ---: |")
    tp = tn = 0
    for s in suites:
        items = by_suite.get(s, [])
        p = sum(1 for i in items if i[1] in PASSING)
        tp += p
        tn += len(items) - p
        w("| %s | %d | %d | %d |" % (s, len(items), p, len(items) - p))
    w("| **all** | %d | %d | %d |" % (tp + tn, tp, tn))
    w("")
    causes = {}
    for name, result, detail in rows:
        if result not in PASSING:
            causes.setdefault(cause_of(name, result, detail), []).append(name)
    if causes:
        w("## Causes")
        w("")
        w("| subtests | cause |")
        w("| ---: | --- |")
        for c, names in sorted(causes.items(), key=lambda kv: -len(kv[1])):
            w("| %d | %s |" % (len(names), c))
        w("")
    if info.get("server_events"):
        w("## Server events during the run")
        w("")
        for line in open(os.path.join(rdir, "server.txt")):
            w("- " + line.rstrip("\n"))
        w("")
    w("## Per suite: not passing yet, by cause")
    w("")
    for s in suites:
        items = by_suite.get(s, [])
        bad = [i for i in items if i[1] not in PASSING]
        p = len(items) - len(bad)
        w("### %s (%d of %d pass)" % (s, p, len(items)))
        w("")
        if not items:
            w("No subtests recorded.")
            w("")
            continue
        groups = {}
        for name, result, detail in bad:
            groups.setdefault(cause_of(name, result, detail), []).append((name, result, detail))
        for c, members in groups.items():
            w("*%s*" % c)
            w("")
            for name, result, detail in members:
                d = detail.split(" | ")[0].strip()
                d = re.sub(r"^\.\./\.\./source4/torture/smb2/", "", d)
                d = d.replace("`", "'")
                if len(d) > 150:
                    d = d[:147] + "..."
                w("- `%s` (%s)%s" % (name, result, ": " + d if d else ""))
            w("")
        good = [i[0] for i in items if i[1] in PASSING]
        if good:
            w("Passing: " + ", ".join("`%s`" % g for g in good))
            w("")
    w("## Passing subtests")
    w("")
    good = [n for n, r, _ in rows if r in PASSING]
    if good:
        for n in good:
            w("- `%s`%s" % (n, "" if n in listed else " (not yet in t/srv-smbtorture.pass)"))
    else:
        w("None yet.")
    w("")
    with open(DOC, "w") as f:
        f.write("\n".join(out))
    print("wrote", DOC)
    sys.exit(0)

sys.exit("report: unknown mode " + mode)
PY
}

# ---------------------------------------------------------------- running
# Parses one smbtorture --format=subunit output: NAME <tab> RESULT <tab>
# DETAIL for every subtest that got a result, and NAME <tab> started for one
# that did not. DETAIL is the bracketed text (or, when empty, the lines the
# subtest printed), one line, " | " between lines.
parse_subunit() {
    awk '
    function flush_detail(   d) {
        d = detail
        # smbtorture says "Unknown error/failure" when a subtest returned
        # false without a reason; what it printed before says why.
        # Otherwise the printed lines follow the reason, as context for the
        # cause rules.
        if (said != "" && (d == "" || d ~ /^Unknown error\/failure/)) d = said (d == "" ? "" : " | " d)
        else if (said != "") d = d " | " said
        gsub(/\t/, " ", d)
        if (length(d) > 600) d = substr(d, 1, 600)
        printf "%s\t%s\t%s\n", cur, res, d
        done[cur] = 1
    }
    in_detail {
        if ($0 == "]") { in_detail = 0; flush_detail(); next }
        line = $0; sub(/^[ \t]+/, "", line)
        if (line != "") detail = (detail == "" ? line : detail " | " line)
        next
    }
    /^time: / || /^progress: / { next }
    /^test: / {
        cur = substr($0, 7); started[cur] = 1; order[++n] = cur; said = ""; next
    }
    match($0, /^(success|successful|failure|fail|error|skip|xfail|uxsuccess): /) {
        res = substr($0, 1, RLENGTH - 2)
        if (res == "successful") res = "success"
        if (res == "fail") res = "failure"
        cur = substr($0, RLENGTH + 1)
        detail = ""
        if (cur ~ / \[$/) { sub(/ \[$/, "", cur); in_detail = 1; next }
        flush_detail(); next
    }
    {
        line = $0; sub(/^[ \t]+/, "", line)
        if (line != "" && length(said) < 600) said = (said == "" ? line : said " | " line)
    }
    END {
        if (in_detail) flush_detail()
        for (i = 1; i <= n; i++) if (!(order[i] in done)) printf "%s\tstarted\t%s\n", order[i], said
    }' "$@"
}

lwiod_pid() { cat "$APPLIANCE_RUN_DIR/lwiod.pid" 2>/dev/null; }
server_alive() {
    local pid
    pid=$(lwiod_pid)
    [ -n "$pid" ] && [ "$pid" = "$server_pid" ] && kill -0 "$pid" 2>/dev/null
}
note_server() { echo "$*" >> "$out/server.txt"; echo "torture-run: $*" >&2; }
restart_server() {
    cp "$APPLIANCE_RUN_DIR/lwiod.log" "$out/lwiod.died-$(date +%H%M%S).log" 2>/dev/null
    appliance_stop >/dev/null 2>&1
    _appliance_cleanup
    appliance_start >/dev/null 2>&1 || die "srv could not be restarted: $(head -1 "$T/appliance-start.err")"
    server_pid=$(lwiod_pid)
}

clean_scratch() {
    find "$APPLIANCE_SHARE_DIR" "$T/torture" -mindepth 1 -maxdepth 1 -exec rm -rf {} + 2>/dev/null
}

# Runs SUITE: invocation after invocation over the subtests without a result.
run_suite() {
    local suite=$1 all remaining inv=0 rc parsed name res detail
    all=$(subtests_of "$suite")
    if [ -z "$all" ]; then
        printf '%s\tnot-run\tsmbtorture lists no such suite\n' "$suite" >> "$out/results.tsv"
        return
    fi
    remaining=$all
    local bound
    bound=$(printf '%s\n' "$all" | wc -l)
    while [ -n "$remaining" ] && [ "$inv" -lt "$bound" ]; do
        inv=$((inv + 1))
        clean_scratch
        local args=()
        if [ "$remaining" = "$all" ]; then
            args=("$suite")
        else
            mapfile -t args <<< "$remaining"
        fi
        echo "torture-run: $suite (invocation $inv, ${#args[@]} name(s))" >&2
        APPLIANCE_CLIENT_TIMEOUT=$suite_timeout appliance_smbtorture \
            --format=subunit --fullname --basedir="$T/torture" \
            --option=torture:user2name=bob --option="torture:user2password=$bob_password" \
            --option=torture:user2domain=WORKGROUP \
            //127.0.0.1/test "${args[@]}" > "$out/$suite.$inv.subunit" 2>&1
        rc=$?
        parsed=$(parse_subunit "$out/$suite.$inv.subunit")
        local died=
        if ! server_alive; then
            died=1
            local last
            last=$(printf '%s\n' "$parsed" | awk -F'\t' 'END {print $1}')
            note_server "srv (lwiod pid $server_pid) died during $suite; last subtest started: ${last:-none}; restarted"
            restart_server
        fi
        local got=0
        while IFS=$'\t' read -r name res detail; do
            [ -n "$name" ] || continue
            if ! printf '%s\n' "$remaining" | grep -qxF -- "$name"; then
                continue # not one of ours (e.g. a nested suite's subtest)
            fi
            got=$((got + 1))
            if [ "$res" = started ]; then
                if [ -n "$died" ]; then res="failure"; detail="server died ${detail}"
                elif [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then res=hung; detail="no result within ${suite_timeout}s ${detail}"
                else res=crashed; detail="smbtorture exit status $rc ${detail}"; fi
            elif [ -n "$died" ] && [ "$res" != success ]; then
                detail="server died ${detail}"
            fi
            printf '%s\t%s\t%s\n' "$name" "$res" "$detail" >> "$out/results.tsv"
            remaining=$(printf '%s\n' "$remaining" | grep -vxF -- "$name")
        done <<< "$parsed"
        if [ "$got" -eq 0 ]; then
            # Nothing ran: no point in going round again.
            local why
            why=$(grep -v '^smbtorture\|^Using seed\|^time:' "$out/$suite.$inv.subunit" | head -3 | tr '\n' ' ')
            while IFS= read -r name; do
                [ -n "$name" ] && printf '%s\tnot-run\tsmbtorture exit %s: %s\n' "$name" "$rc" "$why" >> "$out/results.tsv"
            done <<< "$remaining"
            remaining=
        fi
    done
}

# One confirmation invocation per suite for NAMES (stdin): results into DIR.
confirm_run() { # DIR
    local dir=$1 suite names
    mkdir -p "$dir"
    : > "$dir/results.tsv"
    cp "$out/meta.txt" "$dir/meta.txt"
    local list
    list=$(cat)
    for suite in "${suites[@]}"; do
        mapfile -t names < <(printf '%s\n' "$list" | while IFS= read -r n; do
            case $n in "$suite"|"$suite".*) [ "$(suite_of_name "$n")" = "$suite" ] && echo "$n" ;; esac
        done)
        [ ${#names[@]} -gt 0 ] && [ -n "${names[0]}" ] || continue
        clean_scratch
        APPLIANCE_CLIENT_TIMEOUT=$suite_timeout appliance_smbtorture \
            --format=subunit --fullname --basedir="$T/torture" \
            --option=torture:user2name=bob --option="torture:user2password=$bob_password" \
            --option=torture:user2domain=WORKGROUP \
            //127.0.0.1/test "${names[@]}" > "$dir/$suite.subunit" 2>&1
        parse_subunit "$dir/$suite.subunit" >> "$dir/results.tsv"
        server_alive || { note_server "srv died during a confirmation run of $suite; restarted"; restart_server; }
    done
}

# The longest of our suites that NAME belongs to.
suite_of_name() {
    local best= s
    for s in "${suites[@]}"; do
        case $1 in "$s"|"$s".*) [ ${#s} -gt ${#best} ] && best=$s ;; esac
    done
    echo "$best"
}

if [ -n "$from" ]; then
    [ -f "$from/results.tsv" ] || die "$from/results.tsv: no results there"
    out=$from
    # the suites of that run, unless given
    if [ $# -eq 0 ] && [ -f "$out/meta.txt" ]; then :; fi
    report summary "$out"
    rc=$?
    [ -n "$update_doc" ] && report doc "$out"
    [ -n "$update_pass" ] && echo "torture-run: --update-pass needs a fresh run (it confirms passes)" >&2
    exit $rc
fi

[ -x "$SW_BUILD/bin/lwadmin" ] || die "$SW_BUILD/bin/lwadmin is missing: build first (make)"
stamp=$(date +%Y%m%d-%H%M%S)
[ -n "$out" ] || out=$SW_BUILD/torture/$stamp
mkdir -p "$out" || die "cannot create $out"
out=$(cd "$out" && pwd)
: > "$out/results.tsv"
: > "$out/server.txt"

# The harness: $T scratch directory (removed at exit), an exit action that
# stops every daemon it started. tap.sh prints a TAP plan at exit unless told
# this is not a test.
. "$SW_SRC/t/tap/tap.sh"
. "$SW_SRC/t/tap/appliance.sh"
_tap_planned=skip
appliance_init || die "appliance_init failed"
bob_password="Sw-$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')-8Bb"
printf '%s\n' "$bob_password" | "$LWADMIN" user add bob --password-stdin >/dev/null &&
    "$LWADMIN" share set test --grant bob:full >/dev/null || die "cannot add the second user"
appliance_available || die "srv cannot start: $APPLIANCE_WHY"
server_pid=$(lwiod_pid)

{
    echo "date=$(date -u +%Y-%m-%dT%H:%MZ)"
    echo "commit=$(git -C "$SW_SRC" describe --always --dirty 2>/dev/null || echo unknown)"
    echo "smbtorture=$(smbtorture --version 2>/dev/null | head -1 | sed 's/^Version //')"
    echo "suites=${suites[*]}"
    echo "suite_timeout=$suite_timeout"
} > "$out/meta.txt"

for s in "${suites[@]}"; do
    run_suite "$s"
done
[ -s "$out/server.txt" ] && echo "server_events=1" >> "$out/meta.txt"
cp "$APPLIANCE_RUN_DIR/lwiod.log" "$out/lwiod.log" 2>/dev/null
ln -sfn "$out" "$SW_BUILD/torture/latest" 2>/dev/null

if [ -n "$update_pass" ]; then
    newly=$(report newly-passing "$out")
    if [ -n "$newly" ]; then
        echo "torture-run: confirming $(printf '%s\n' "$newly" | wc -l) newly passing subtest(s) twice" >&2
        printf '%s\n' "$newly" | confirm_run "$out/confirm1"
        printf '%s\n' "$newly" | confirm_run "$out/confirm2"
        report add-pass "$out" "$out/confirm1" "$out/confirm2"
    fi
fi
echo "results: $out"
report summary "$out"
rc=$?
[ -n "$update_doc" ] && report doc "$out"
exit $rc
