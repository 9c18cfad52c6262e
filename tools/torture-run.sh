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
# Default suites: the issue's conformance set of docs/CONFORMANCE.md. Options:
#   --all                every smb2 suite smbtorture lists, but smb2.hold-oplock
#                        and smb2.hold-sharemode (they wait for a key press
#                        forever) and smb2.bench (benchmarks, not checks)
#   --out DIR            results directory (default $SW_BUILD/torture/<time>;
#                        $SW_BUILD/torture/latest points at the newest)
#   --suite-timeout S    bound on one smbtorture invocation (default 600)
#   --from DIR           do not run: reuse the results in DIR
#   --update-doc         rewrite docs/CONFORMANCE.md from the results
#   --update-pass        add subtests that passed, and pass again twice more,
#                        to t/srv-smbtorture.pass (never removes one: a listed
#                        subtest that fails is a regression, reported with
#                        exit status 1; never adds one named on a
#                        "# flaky: NAME -- why" line there)
#   --reference          also run the suites against Samba's smbd (a private
#                        instance, bench/smbd.sh) and show its result beside
#                        each subtest in the document
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
#   reference/           the same for smbd (--reference)
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
reference=
all_suites=
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
    --reference) reference=1 ;;
    --all) all_suites=1 ;;
    -h|--help) usage 0 ;;
    -*) echo "torture-run: unknown option $1" >&2; usage ;;
    *) suites+=("$1") ;;
    esac
    shift
done
if [ -n "$all_suites" ]; then
    read -r -a suites <<< "$(smbtorture --list 2>/dev/null | sed -n 's/^\(smb2\.[^.]*\)\..*/\1/p' |
        sort -u | grep -vxE 'smb2\.(hold-oplock|hold-sharemode|bench)' | tr '\n' ' ')"
fi
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
    CONFORMANCE_SET=$default_suites /usr/bin/python3 - "$@" <<'PY'
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
    # -- missing features
    (r"", r"oplock_level was 0 \(0x0\), expected",
     "No oplocks or leases: srv answers every CREATE with SMB2_OPLOCK_LEVEL_NONE. These subtests open "
     "their file asking for a batch oplock (the replay test also a durable handle) and check that "
     "they got it before testing anything else (session reconnect, reauthentication, binding, "
     "signing and encryption algorithms), so all of them stop at that first check."),
    (r"^smb2\.compound\.related9$", r"expected NT_STATUS_INVALID_PARAMETER",
     "A compound whose first element is (invalidly) marked related: srv fails that element with "
     "STATUS_INVALID_PARAMETER but still runs the related CLOSE after it; Windows fails the related "
     "elements that follow with STATUS_INVALID_PARAMETER too, and the handle stays open."),
    (r"^smb2\.compound\.(related7|related8|interim1|interim2)$", r"NOT_SUPPORTED|notify",
     "No CHANGE_NOTIFY: srv answers it STATUS_NOT_SUPPORTED before looking at the compound "
     "(these subtests check how a NOTIFY in a compound inherits the previous element's error or "
     "handle, goes async and is cancelled)."),
    (r"^smb2\.compound\.related[345]$", r"NOT_SUPPORTED|INVALID_DEVICE_REQUEST",
     "No FSCTL_CREATE_OR_GET_OBJECT_ID (object ids): the IOCTL in the compound answers "
     "STATUS_INVALID_DEVICE_REQUEST (or STATUS_NOT_SUPPORTED)."),
    (r"^smb2\.(replay|durable-open|durable-v2-open|durable-v2-delay)\.", r"durable_open(_v2)? got 0x0",
     "No durable handle on a lease or level II oplock: srv makes an open durable only "
     "when it holds a batch oplock, and these subtests ask for durability with a lease."),
    (r"^smb2\.session\.reauth5$", r"OBJECT_NAME_NOT_FOUND",
     "Re-authenticated anonymously, the subtest deletes a file that does not exist "
     "and wants STATUS_SUCCESS (smbtorture 4.17's smb2_util_unlink does not ignore "
     "OBJECT_NAME_NOT_FOUND); srv, like Windows' file systems, says the name is not found."),
    (r"^smb2\.maximum_allowed(\.maximum_allowed)?$", r"max_allowed\.c:161",
     "Not a bug: the subtest's loop opens a file whose DACL grants Authenticated Users "
     "FILE_GENERIC_READ with MAXIMUM_ALLOWED plus one bit each, and every bit is answered as "
     "it wants but GENERIC_EXECUTE. That one maps to FILE_GENERIC_EXECUTE, whose FILE_EXECUTE "
     "the DACL does not grant; [MS-DTYP] 2.5.3.2 denies a request with rights still pending "
     "after the DACL, MAXIMUM_ALLOWED or not, [MS-FSA] 2.1.5.1.2.1 computes MAXIMUM_ALLOWED "
     "from the file's own descriptor, and SeChangeNotifyPrivilege bypasses the traverse "
     "check of the directories on the path (Microsoft's IFS guide, \"Checking for Traverse "
     "Privilege on IRP_MJ_CREATE\"), it grants nothing on the file opened. The "
     "subtest's comment (GENERIC_EXECUTE a subset of GENERIC_READ) does not hold for the "
     "file mapping; smbd's se_access_check denies the open too (smbd knownfails the "
     "subtest, stopping earlier at DELETE)."),
    (r"^smb2\.lock\.replay_smb3_specification_multi$", r"LOCK_NOT_GRANTED",
     "Lock sequences are checked on durable and resilient opens only, as Windows "
     "does; with multichannel offered this subtest uses a plain open and expects "
     "the replayed LOCK to be recognised there too ([MS-SMB2] 3.3.5.14 allows it "
     "for any open of a multichannel session; smbd does that)."),
    (r"^smb2\.lock\.replay_broken_windows$", r"INVALID_DEVICE_REQUEST",
     "No FSCTL_LMR_REQUEST_RESILIENCY (resilient handles): STATUS_INVALID_DEVICE_REQUEST."),
    (r"", r"only granted",
     "Credits: srv grants at most 512; the test asks for 65535 (or 1, then 65535 in one request) and "
     "wants at least 8192, as Windows 2016 and smbd (`smb2 max credits = 8192`) grant."),
    (r"", r"EAS_NOT_SUPPORTED",
     "No extended attributes: a CREATE with an EA buffer answers STATUS_EAS_NOT_SUPPORTED."),
    (r"", r"ALT_NAME_INFORMATION",
     "No 8.3 short names: FileAlternateNameInformation on a long name answers "
     "STATUS_OBJECT_NAME_NOT_FOUND ([MS-FSA] 2.1.5.11.2 for a link without a short name); the test "
     "expects a short name, as Windows with 8.3 names on, and smbd's mangled names, give."),
    (r"", r"change_time not setup correctly",
     "ChangeTime cannot be set: the subtest's setup (smb2_create_complex_file) sets all four times "
     "with FileBasicInformation and gives up (STATUS_INVALID_PARAMETER, its own) when ChangeTime "
     "reads back different: srv keeps the file system's ctime, which Linux does not let anyone set."),
    (r"^smb2\.getinfo\.fsinfo$", r"QUOTA_INFORMATION",
     "No FileFsControlInformation (quotas): QUERY_INFO answers STATUS_INVALID_INFO_CLASS."),
    (r"^smb2\.create\.quota-fake-file$", r"OBJECT_NAME_INVALID|OBJECT_NAME_NOT_FOUND",
     "No NTFS quota file: opening `$Extend\\$Quota:$Q:$INDEX_ALLOCATION` answers "
     "STATUS_OBJECT_NAME_INVALID (Windows has it; smbd fakes it)."),
    (r"^smb2\.create\.blob$", r"alloc_size",
     "AllocationSize is not kept: a CREATE asking for 1 MiB (the AllocationSize field) reports "
     "4096 bytes allocated."),
    # -- behaviour that differs from Windows
    (r"^smb2\.(read\.eof|lock\.zerobyteread)$", r"END_OF_FILE",
     "A zero-length READ at or past the end of file answers STATUS_END_OF_FILE; Windows answers "
     "STATUS_SUCCESS with no data (only a non-empty read past the end is STATUS_END_OF_FILE)."),
    (r"^smb2\.read\.dir$", r"INVALID_DEVICE_REQUEST",
     "READ on a directory handle answers STATUS_INVALID_PARAMETER; Windows answers "
     "STATUS_INVALID_DEVICE_REQUEST."),
    (r"^smb2\.getinfo\.qfs_buffercheck$", r"INFO_LENGTH_MISMATCH",
     "A file system QUERY_INFO with an output buffer smaller than the class's fixed part answers "
     "STATUS_SUCCESS; Windows answers STATUS_INFO_LENGTH_MISMATCH."),
    (r"^smb2\.getinfo\.granted$", r"granted dir access",
     "A directory opened for FILE_EXECUTE | FILE_READ_ATTRIBUTES reports SYNCHRONIZE granted too "
     "(AccessFlags 0x1000a0); Windows reports exactly what was asked (0xa0), as it does for files."),
    (r"^smb2\.getinfo\.normalized$", r"hroot should be empty",
     "FileNormalizedNameInformation on the share root returns a name; Windows returns an empty one."),
    (r"^smb2\.create\.gentest$", r"create\.c:488\)",
     "CREATE accepts CreateOptions with reserved bits (0xF0000000); Windows answers "
     "STATUS_INVALID_PARAMETER."),
    (r"^smb2\.create\.gentest$", r"access_mask 0x0de0fe00 - should be 0x0df0fe00",
     "A CREATE asking for SYNCHRONIZE alone is granted: of the 32 single-bit DesiredAccess values srv "
     "refuses 0x0de0fe00, which is what the test expects of Windows 7; for other Windows it wants "
     "SYNCHRONIZE refused too (0x0df0fe00)."),
    (r"^smb2\.create\.acl(file|dir)$", r"verify_sd",
     "A security descriptor given with CREATE is stored in canonical order (the new explicit ACE "
     "before the inherited ones it came with); the test reads it back and wants the DACL exactly as "
     "sent."),
    (r"^smb2\.create\.nulldacl$", r"DACL_PRESENT",
     "A NULL DACL (SE_DACL_PRESENT with no ACL: everyone allowed) set with SET_INFO reads back "
     "without SE_DACL_PRESENT."),
    (r"^smb2\.create\.mkdir-dup$", r"ACCESS_DENIED",
     "Three connections opening one new directory at once (FILE_OPEN_IF): one gets "
     "STATUS_ACCESS_DENIED instead of the existing directory, a race between making the "
     "directory and the others' access check."),
    (r"^smb2\.compound\.invalid2$", r"USER_SESSION_DELETED - should be NT_STATUS_INVALID_PARAMETER",
     "A related element after elements with an invalid SessionId answers "
     "STATUS_USER_SESSION_DELETED; Windows answers STATUS_INVALID_PARAMETER."),
    (r"^smb2\.compound\.compound-padding$", r"body_size",
     "The last response of a compound is not padded to 8 bytes; Windows pads it too (the test "
     "wants a 24-byte body for a 3-byte READ)."),
    (r"^smb2\.lock\.valid-request$", r"FILE_CLOSED",
     "A LOCK with an unknown FileId and an invalid range answers STATUS_INVALID_PARAMETER: the "
     "range is checked before the handle; Windows answers STATUS_FILE_CLOSED."),
    (r"^smb2\.lock\.cancel(-tdis|-logoff)?$", r"CANCELLED",
     "A pending (blocking) LOCK ended by CLOSE of its handle, TREE_DISCONNECT or LOGOFF answers "
     "STATUS_CANCELLED; Windows answers STATUS_RANGE_NOT_LOCKED (or STATUS_SUCCESS when the blocking "
     "lock went away first)."),
    (r"^smb2\.lock\.multiple-unlock$", r"LOCK_NOT_GRANTED, expected NT_STATUS_OK",
     "A LOCK request that unlocks a range and then (invalidly, mixing) locks another fails with "
     "STATUS_INVALID_PARAMETER as it should, but srv undoes the unlock; Windows keeps the elements "
     "it already did, so the first range is unlocked."),
    (r"^smb2\.rename\.", r"should be NT_STATUS_SHARING_VIOLATION",
     "Rename of a file whose parent directory is open with DELETE access succeeds; Windows refuses "
     "it with STATUS_SHARING_VIOLATION."),
    (r"", r"NT_STATUS_NOT_SUPPORTED|not supported|smb2_util_setup_dir not ok",
     "A command or information class srv does not implement yet answers STATUS_NOT_SUPPORTED."),
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

def flaky_names():
    # "# flaky: NAME -- why" lines: subtests that pass only sometimes; they
    # stay out of the list (and out of make check) until the race is fixed.
    names = []
    if os.path.exists(PASS_FILE):
        for line in open(PASS_FILE):
            m = re.match(r"#\s*flaky:\s*(.+?)\s+--\s", line)
            if m:
                names.append(m.group(1))
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
ref = {}
if os.path.exists(os.path.join(rdir, "reference", "results.tsv")):
    ref = {n: r for n, r, _ in load(os.path.join(rdir, "reference"))}
    ref_info = meta(os.path.join(rdir, "reference"))
def ref_word(name):
    r = ref.get(name)
    if r is None:
        return ""
    return {"success": "passes", "skip": "skips"}.get(r, "fails too (%s)" % r if r != "failure" else "fails too")
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
    have = set(listed) | set(flaky_names())
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
    names = sorted(set(listed) | set(added))  # plain name order: stable whatever suites ran
    with open(PASS_FILE, "w") as f:
        f.write("\n".join(header) + "\n")
        for n in names:
            f.write(n + "\n")
    for n in added:
        print("added to the pass list:", n)
    sys.exit(0)

if mode == "doc":
    listed = set(read_pass_file())
    flaky = set(flaky_names())
    now = info.get("date", datetime.date.today().isoformat())
    out = []
    w = out.append
    w("# Conformance: smbtorture against Samewise")
    w("")
    w("Samba's `smbtorture` (Debian samba-testsuite, %s) run against a whole" % info.get("smbtorture", "?"))
    w("Samewise instance (lwadmin start: lwiod with srv, lsassd) on loopback, by")
    w("`tools/torture-run.sh`. Results of the run of %s, source `%s`." % (now, info.get("commit", "?")))
    w("This file is generated by `tools/torture-run.sh --update-doc` (the issue's suites")
    w("with `--reference` take a minute or two for both servers; `--all` about twenty")
    w("minutes, most of it subtests that hang until `--suite-timeout`).")
    w("The causes come from the rule table in `tools/torture-run.sh`, written after")
    w("reading each failing subtest's source (samba 4.17, `source4/torture/smb2/`).")
    w("Every failure in the issue's conformance set has one; in the other suites a")
    w("subtest without a rule is listed as *Unclassified* with smbtorture's message.")
    w("")
    w("## How it runs")
    w("")
    w("- One smbtorture invocation per suite (`--format=subunit --fullname`), bounded")
    w("  by a timeout, from a scratch directory, against the scratch share `test`")
    w("  (emptied between suites), as user alice; a second user (bob) for the")
    w("  subtests that want one (`torture:user2name`), anonymous logons allowed")
    w("  (`lsass.allow-anonymous on`, Windows' and smbd's default; smb2.session.reauth2-5")
    w("  re-authenticate anonymously) and `torture:acl_xattr_name=DOSATTRIB` (Samba's")
    w("  private xattr, which must never be an EA: smb2.ea.acl_xattr). The setup is")
    w("  `appliance_torture_setup` in `t/tap/appliance.sh`, shared with make check.")
    w("- `--all` runs every smb2 suite smbtorture lists but smb2.hold-oplock and")
    w("  smb2.hold-sharemode (they wait for a key press forever) and smb2.bench")
    w("  (benchmarks: see bench/ for those).")
    w("- A `test:` line with no result line is recorded as *hung* (the invocation")
    w("  hit its time limit) or *crashed* (smbtorture ended); the subtests after it")
    w("  are run again in a new invocation, so one hang does not hide a suite.")
    w("- After every invocation the runner checks that lwiod is still the same")
    w("  process; a server that died is noted here and restarted.")
    w("- Passing subtests are kept in `t/srv-smbtorture.pass` and run by")
    w("  `t/srv-smbtorture.t` in `make check`, so none regresses")
    w("  (`tools/torture-run.sh --update-pass` adds new ones after two more passes;")
    w("  a `# flaky: NAME -- why` line there keeps a racy one out).")
    w("")
    w("Regenerate:")
    w("")
    w("```")
    w("make                                   # or: ./configure && make -j2")
    w("tools/torture-run.sh --reference --out /tmp/req      # the issue's suites, Samewise and smbd")
    w("tools/torture-run.sh --all --suite-timeout 60 --out /tmp/all   # every suite, Samewise")
    w("cp -r /tmp/req/reference /tmp/all/ && tools/torture-run.sh --from /tmp/all --update-doc")
    w("tools/torture-run.sh --update-pass     # and add what now passes to t/srv-smbtorture.pass")
    w("tools/torture-run.sh smb2.lock         # one suite, results in build/torture/latest")
    w("tools/torture-run.sh --from build/torture/latest --update-doc   # no rerun")
    w("```")
    w("")
    w("## Summary")
    w("")
    def table(title, names):
        if not names:
            return
        if title:
            w(title)
            w("")
        if ref:
            w("| suite | subtests | pass | not yet | smbd passes |")
            w("| --- | ---: | ---: | ---: | ---: |")
        else:
            w("| suite | subtests | pass | not yet |")
            w("| --- | ---: | ---: | ---: |")
        tp = tn = tr = 0
        for s in names:
            items = by_suite.get(s, [])
            p = sum(1 for i in items if i[1] in PASSING)
            r = sum(1 for i in items if ref.get(i[0]) in PASSING)
            tp += p
            tn += len(items) - p
            tr += r
            # A suite smbd did not run in (a reference from another run): "-".
            rcol = (" %d |" % r if any(i[0] in ref for i in items) else " - |") if ref else ""
            w("| %s | %d | %d | %d |%s" % (s, len(items), p, len(items) - p, rcol))
        any_ref = any(i[0] in ref for s in names for i in by_suite.get(s, []))
        w("| **all** | %d | %d | %d |%s" % (tp + tn, tp, tn,
                                             (" %d |" % tr if any_ref else " - |") if ref else ""))
        w("")
    required = os.environ.get("CONFORMANCE_SET", "").split()
    table("The issue's conformance set (the suites issue #5 names):" if set(suites) - set(required) else "",
          [s for s in suites if s in required])
    table("Every other smb2 suite (`--all`):", [s for s in suites if s not in required])
    if ref:
        w("smbd: %s, run by `tools/torture-run.sh --reference` in the same run with the same" % ref_info.get("server", "Samba's smbd"))
        w("options (bench/smbd.sh: a private configuration, a tdbsam passdb with the same users).")
        w("It is a second opinion, not the specification: smbtorture's expectations are")
        w("Windows', and Samba fails some of them too. \"-\": smbd was not run on that suite.")
        w("")
    # The causes table covers the issue's conformance set when the run went
    # beyond it (the other suites' subtests are listed below with theirs).
    in_set = set(required) if set(suites) - set(required) else set(suites)
    causes = {}
    for name, result, detail in rows:
        if result not in PASSING and suite_of(name, suites) in in_set:
            causes.setdefault(cause_of(name, result, detail), []).append(name)
    if causes:
        w("## Causes" + (" (the issue's conformance set)" if in_set != set(suites) else ""))
        w("")
        if ref:
            w("| subtests | smbd passes | cause |")
            w("| ---: | ---: | --- |")
        else:
            w("| subtests | cause |")
            w("| ---: | --- |")
        for c, names in sorted(causes.items(), key=lambda kv: -len(kv[1])):
            if ref:
                w("| %d | %d | %s |" % (len(names), sum(1 for n in names if ref.get(n) in PASSING), c))
            else:
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
                rw = ref_word(name)
                w("- `%s` (%s%s)%s" % (name, result, "; smbd " + rw if rw else "", ": " + d if d else ""))
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
            note = ""
            if n in flaky:
                note = " (flaky: kept out of t/srv-smbtorture.pass)"
            elif n not in listed:
                note = " (not yet in t/srv-smbtorture.pass)"
            w("- `%s`%s" % (n, note))
    else:
        w("None yet.")
    w("")
    # The RPC suites' sections (rpc.samr, ...) are written by hand below a
    # marker, from their own ratchet tests (t/samr-smbtorture.t): keep them.
    MARK = "<!-- RPC suites: kept as they are by tools/torture-run.sh -->"
    kept = ""
    if os.path.exists(DOC):
        with open(DOC) as f:
            old = f.read()
        if MARK in old:
            kept = "\n" + old[old.index(MARK):]
    with open(DOC, "w") as f:
        f.write("\n".join(out) + kept)
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

# The server under test: Samewise, or smbd for a --reference run. Results
# go to $res (the results directory, or its reference/ folder).
target=samewise
res=
lwiod_pid() { cat "$APPLIANCE_RUN_DIR/lwiod.pid" 2>/dev/null; }
target_port() { if [ "$target" = smbd ]; then echo "$SMBD_PORT"; else echo "$APPLIANCE_PORT"; fi; }
target_share() { if [ "$target" = smbd ]; then echo "$smbd_share"; else echo "$APPLIANCE_SHARE_DIR"; fi; }
# A process that runs: not gone, and not a zombie (a daemon whose parent is
# init may stay one for a while after it died).
proc_alive() {
    local state
    state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
    [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}
server_alive() {
    if [ "$target" = smbd ]; then
        proc_alive "$SMBD_PID"
        return
    fi
    local pid
    pid=$(lwiod_pid)
    [ -n "$pid" ] && [ "$pid" = "$server_pid" ] && proc_alive "$pid"
}
note_server() { echo "$*" >> "$res/server.txt"; echo "torture-run: $*" >&2; }
restart_server() {
    if [ "$target" = smbd ]; then
        smbd_stop
        smbd_start || die "smbd could not be restarted: $SMBD_WHY"
        return
    fi
    cp "$APPLIANCE_RUN_DIR/lwiod.log" "$res/lwiod.died-$(date +%H%M%S).log" 2>/dev/null
    appliance_stop >/dev/null 2>&1
    _appliance_cleanup
    appliance_start >/dev/null 2>&1 || die "srv could not be restarted: $(head -1 "$T/appliance-start.err")"
    server_pid=$(lwiod_pid)
}
# torture ARGS...: smbtorture (the harness's client configuration and
# credentials) against the target's share "test", bounded by the suite time.
torture() {
    APPLIANCE_PORT=$(target_port) APPLIANCE_CLIENT_TIMEOUT=$suite_timeout appliance_smbtorture \
        --format=subunit --fullname --basedir="$T/torture" \
        --option=torture:user2name=bob --option="torture:user2password=$bob_password" \
        --option=torture:user2domain=WORKGROUP \
        --option=torture:acl_xattr_name=DOSATTRIB \
        //127.0.0.1/test "$@"
}

clean_scratch() {
    find "$(target_share)" "$T/torture" -mindepth 1 -maxdepth 1 -exec rm -rf {} + 2>/dev/null
}

# Runs SUITE: invocation after invocation over the subtests without a result.
run_suite() {
    local suite=$1 all remaining inv=0 rc parsed name result detail
    all=$(subtests_of "$suite")
    if [ -z "$all" ]; then
        printf '%s\tnot-run\tsmbtorture lists no such suite\n' "$suite" >> "$res/results.tsv"
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
        echo "torture-run: $target: $suite (invocation $inv, ${#args[@]} name(s))" >&2
        torture "${args[@]}" > "$res/$suite.$inv.subunit" 2>&1
        rc=$?
        parsed=$(parse_subunit "$res/$suite.$inv.subunit")
        local died=
        if ! server_alive; then
            died=1
            local last
            last=$(printf '%s\n' "$parsed" | awk -F'\t' 'END {print $1}')
            note_server "$target died during $suite; last subtest started: ${last:-none}; restarted"
            restart_server
        fi
        local got=0
        while IFS=$'\t' read -r name result detail; do
            [ -n "$name" ] || continue
            if ! printf '%s\n' "$remaining" | grep -qxF -- "$name"; then
                continue # not one of ours (e.g. a nested suite's subtest)
            fi
            got=$((got + 1))
            if [ "$result" = started ]; then
                if [ -n "$died" ]; then result="failure"; detail="server died ${detail}"
                elif [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then result=hung; detail="no result within ${suite_timeout}s ${detail}"
                else result=crashed; detail="smbtorture exit status $rc ${detail}"; fi
            elif [ -n "$died" ] && [ "$result" != success ]; then
                detail="server died ${detail}"
            fi
            printf '%s\t%s\t%s\n' "$name" "$result" "$detail" >> "$res/results.tsv"
            remaining=$(printf '%s\n' "$remaining" | grep -vxF -- "$name")
        done <<< "$parsed"
        if [ "$got" -eq 0 ]; then
            # Nothing ran: no point in going round again.
            local why
            why=$(grep -v '^smbtorture\|^Using seed\|^time:' "$res/$suite.$inv.subunit" | head -3 | tr '\n' ' ')
            while IFS= read -r name; do
                [ -n "$name" ] && printf '%s\tnot-run\tsmbtorture exit %s: %s\n' "$name" "$rc" "$why" >> "$res/results.tsv"
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
        torture "${names[@]}" > "$dir/$suite.subunit" 2>&1
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
appliance_torture_setup || die "cannot set the appliance up for smbtorture"
bob_password=$APPLIANCE_PASSWORD2
appliance_available || die "srv cannot start: $APPLIANCE_WHY"
server_pid=$(lwiod_pid)

{
    echo "date=$(date -u +%Y-%m-%dT%H:%MZ)"
    echo "commit=$(git -C "$SW_SRC" describe --always --dirty 2>/dev/null || echo unknown)"
    echo "smbtorture=$(smbtorture --version 2>/dev/null | head -1 | sed 's/^Version //')"
    echo "suites=${suites[*]}"
    echo "suite_timeout=$suite_timeout"
} > "$out/meta.txt"

res=$out
for s in "${suites[@]}"; do
    run_suite "$s"
done
[ -s "$out/server.txt" ] && echo "server_events=1" >> "$out/meta.txt"
cp "$APPLIANCE_RUN_DIR/lwiod.log" "$out/lwiod.log" 2>/dev/null

# The same suites against Samba's smbd (bench/smbd.sh): a second opinion on
# each subtest, shown beside Samewise's result in the document.
if [ -n "$reference" ]; then
    . "$SW_SRC/bench/smbd.sh"
    # Its share must be reachable by the users' Unix identity (nobody) and
    # $T is 0700: a scratch folder of its own.
    smbd_top=$(mktemp -d "${TMPDIR:-/tmp}/samewise-torture.XXXXXX") || die "mktemp failed"
    tap_at_exit "rm -rf '$smbd_top'"
    chmod 0755 "$smbd_top"
    smbd_share=$smbd_top/share
    mkdir -m 0777 "$smbd_share" && chmod 0777 "$smbd_share"
    smbd_setup "$T/smbd" "$smbd_share" alice "$APPLIANCE_PASSWORD" &&
        smbd_add_user bob "$bob_password" 65533 || die "smbd setup failed: $SMBD_WHY"
    tap_at_exit smbd_stop
    smbd_start || die "$SMBD_WHY"
    target=smbd
    res=$out/reference
    mkdir -p "$res"
    : > "$res/results.tsv"
    : > "$res/server.txt"
    { cp "$out/meta.txt" /dev/stdout; echo "server=smbd $(smbd --version | sed "s/^Version //")"; } > "$res/meta.txt"
    for s in "${suites[@]}"; do
        run_suite "$s"
    done
    smbd_stop
    target=samewise
    res=$out
    # the pass list is Samewise's: confirmation runs go to Samewise
fi
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
