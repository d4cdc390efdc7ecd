#!/usr/bin/env bash
# Side-by-side transfer benchmark: `s3kit cp`
# against s5cmd v2.3.0, a minio-go program, an aws-sdk-go-v2 transfer-manager
# program, aws-cli v2 (Debian's /usr/bin/aws), rclone and boto3, all at their
# defaults and all against ONE `s3kit serve` in one run:
#   BIG_MB file up / down (MiB/s), NFILES x 64 KiB files up / down (files/s),
# then peak RSS of `s3kit cp` moving an RSS_MB file up and down, and
# `s3kit ls` of a LIST_N-key prefix (time to first line, total, peak RSS).
#
#   bash bench/transfer.sh            # full: 1 GiB, 2,000 files, 10 GiB RSS, 100,000 keys
#   QUICK=1 bash bench/transfer.sh    # smoke: 128 MiB, 200 files, 256 MiB RSS, 5,000 keys
#   env knobs: BIG_MB NFILES RSS_MB LIST_N
#              TOOLS="s3kit s3kitnv s5cmd minio awsgo awscli2 rclone boto3" (s3kitnv:
#                s3kit cp --no-verify, a diagnostic row outside the ratios)
#              REPEAT=1 (runs per job and tool; the table shows the median)
#              NICE=10 (niceness of every measured process), KEEP=1 (keep the work dir)
#              PROFILE=0 (skip the CPU profile of s3kit's transfer manager, see below)
#
# Needs: go, python3 with boto3, /usr/bin/aws (aws-cli v2) and rclone
# (apt-get install -y awscli rclone), /usr/bin/time. s5cmd is fetched from the
# Go module proxy and built once into /tmp/s5cmd-v2.3.0 (`go install` refuses
# the module because of its replace directives). A tool that is missing is
# reported as "n/a", not skipped silently. Each job runs REPEAT times; jobs are
# interleaved by tool within each repetition of a job, so that load drift
# hits every tool alike;
# the tool order rotates with each repetition, and every job starts after a
# sync (outside its timer) so none pays for another's dirty page cache.
# Prints Markdown tables and the target ratios of BENCHMARKS.md on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

BIG_MB=${BIG_MB:-1024}
NFILES=${NFILES:-2000}
RSS_MB=${RSS_MB:-10240}
LIST_N=${LIST_N:-100000}
if [ -n "${QUICK:-}" ]; then BIG_MB=128; NFILES=200; RSS_MB=256; LIST_N=5000; fi
TOOLS=${TOOLS:-"s3kit s3kitnv s5cmd minio awsgo awscli2 rclone boto3"}
NICE=${NICE:-0}
export REPEAT=${REPEAT:-1}
S5CMD=${S5CMD:-/tmp/s5cmd-v2.3.0}

work=$(mktemp -d /tmp/s3kit-transfer.XXXXXX)
srvpid=
cleanup() {
	[ -n "$srvpid" ] && kill "$srvpid" 2>/dev/null && wait "$srvpid" 2>/dev/null
	if [ -z "${KEEP:-}" ]; then rm -rf "$work"; else echo "kept $work" >&2; fi
}
trap cleanup EXIT
log() { echo "# $*" >&2; }

# --- build -----------------------------------------------------------------
log "building s3kit, peers and loadgen"
go build -o "$work/bin/s3kit" ./cmd/s3kit
(cd bench && go build -o "$work/bin/" ./peers/miniocp ./peers/awsgocp ./peers/s3kitprof ./loadgen)
if [ ! -x "$S5CMD" ]; then
	log "building s5cmd v2.3.0 from the Go module proxy into $S5CMD"
	dir=$(cd /tmp && go mod download -json github.com/peak/s5cmd/v2@v2.3.0 |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
	rm -rf "$work/s5src" && cp -r "$dir" "$work/s5src" && chmod -R u+w "$work/s5src"
	(cd "$work/s5src" && GOFLAGS=-mod=mod go build -o "$S5CMD.tmp" . && mv "$S5CMD.tmp" "$S5CMD")
	rm -rf "$work/s5src"
fi
S3KIT=$work/bin/s3kit

# --- server ----------------------------------------------------------------
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
keyjson=$("$S3KIT" keys create --data "$work/data" --name bench --json)
AWS_ACCESS_KEY_ID=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["access_key_id"])' "$keyjson")
AWS_SECRET_ACCESS_KEY=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["secret_access_key"])' "$keyjson")
EP=http://127.0.0.1:$port
# A private HOME: no ~/.aws or rclone config of the machine leaks in.
export HOME=$work/home AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_REGION=us-east-1 \
	AWS_DEFAULT_REGION=us-east-1 AWS_ENDPOINT_URL=$EP AWS_EC2_METADATA_DISABLED=true
mkdir -p "$HOME"
"$S3KIT" serve --addr "127.0.0.1:$port" --data "$work/data" >"$work/serve.log" 2>&1 &
srvpid=$!
for _ in $(seq 100); do curl -fs -o /dev/null "$EP/-/health" && break; sleep 0.1; done
curl -fs -o /dev/null "$EP/-/health" || { echo "s3kit serve did not start" >&2; cat "$work/serve.log" >&2; exit 1; }
"$S3KIT" mb s3://bench --endpoint-url "$EP" >/dev/null

# --- data ------------------------------------------------------------------
log "writing ${BIG_MB} MiB file and ${NFILES} x 64 KiB files"
head -c $((BIG_MB << 20)) /dev/urandom >"$work/big"
python3 - "$work/many" "$NFILES" <<'PY'
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
os.makedirs(d)
for i in range(n):
    with open(os.path.join(d, "f%05d" % i), "wb") as f:
        f.write(os.urandom(65536))
PY

# --- tools -----------------------------------------------------------------
export RCLONE_CONFIG_B_TYPE=s3 RCLONE_CONFIG_B_PROVIDER=Other RCLONE_CONFIG_B_ENDPOINT=$EP \
	RCLONE_CONFIG_B_REGION=us-east-1 RCLONE_CONFIG_B_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID \
	RCLONE_CONFIG_B_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY
# The machine's AWS_CA_BUNDLE is irrelevant over http:// and rclone refuses it.
unset AWS_CA_BUNDLE
boto3cp="python3 $root/bench/peers/boto3cp.py"

have() { # tool: is it installed?
	case $1 in
	s5cmd) [ -x "$S5CMD" ] ;;
	awscli2) [ -x /usr/bin/aws ] && /usr/bin/aws --version 2>&1 | grep -q '^aws-cli/2' ;;
	rclone) command -v rclone >/dev/null ;;
	boto3) python3 -c 'import boto3' 2>/dev/null ;;
	*) true ;;
	esac
}

# subcommands of bench/peers programs per job
declare -A verbs=([upbig]=up [downbig]=down [upmany]=updir [downmany]=downdir)
# cmdline TOOL JOB SRC DST: the command a tool uses for a job; JOB is one of
# upbig downbig upmany downmany; the S3 side is s3://bench/TOOL/...
cmdline() {
	local t=$1 j=$2 s=$3 d=$4 r=
	case $j in upmany | downmany) r=1 ;; esac
	case $t in
	s3kit) echo "$S3KIT cp --no-progress --endpoint-url $EP $s $d ${r:+--recursive}" ;;
	s3kitnv) echo "$S3KIT cp --no-progress --no-verify --endpoint-url $EP $s $d ${r:+--recursive}" ;;
	s5cmd)
		case $j in
		upmany) s="$s/*" d="$d/" ;;
		downmany) s="$s/*" d="$d/" ;;
		esac
		echo "$S5CMD --endpoint-url $EP cp $s $d" ;;
	minio) echo "$work/bin/miniocp -endpoint $EP ${verbs[$j]} $s $d" ;;
	awsgo) echo "$work/bin/awsgocp -endpoint $EP ${verbs[$j]} $s $d" ;;
	awscli2) echo "/usr/bin/aws --endpoint-url $EP s3 cp --only-show-errors $s $d ${r:+--recursive}" ;;
	rclone)
		s=${s/s3:\/\//b:} d=${d/s3:\/\//b:}
		echo "rclone $([ -n "$r" ] && echo copy || echo copyto) $s $d" ;;
	boto3) echo "$boto3cp ${verbs[$j]} $s $d" ;;
	esac
}

results=$work/results.jsonl
: >"$results"
# job TOOL JOB UNITS SRC DST: runs once, appends {"tool","job","s","units","ok","err"}.
job() {
	local t=$1 j=$2 units=$3 s=$4 d=$5 cmd t0 t1 ok=true err=
	cmd=$(cmdline "$t" "$j" "$s" "$d")
	log "$t $j: $cmd"
	# Flush what earlier jobs left dirty (downloaded files, removed ones), so
	# no tool pays for the previous one's writeback inside its timer.
	sync
	t0=$(date +%s.%N)
	# shellcheck disable=SC2086 # cmd is a word list by design (no spaces in paths)
	set -f # s5cmd's wildcards are its own, not the shell's
	if ! nice -n "$NICE" $cmd >"$work/out.log" 2>&1; then
		ok=false err=$(tail -c 300 "$work/out.log" | tr '\n"\\' '   ')
	fi
	set +f
	t1=$(date +%s.%N)
	case $j in
	downbig) cmp -s "$work/big" "$d" || { ok=false err="${err:-downloaded file differs}"; } ;;
	downmany) diff -rq "$work/many" "$d" >/dev/null 2>&1 || { ok=false err="${err:-downloaded files differ}"; } ;;
	esac
	printf '{"tool":"%s","job":"%s","s":%s,"units":%s,"ok":%s,"err":"%s"}\n' \
		"$t" "$j" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')" "$units" "$ok" "$err" >>"$results"
	[ "$ok" = true ] || log "  FAILED: $err"
	return 0
}

active=
for t in $TOOLS; do
	if have "$t"; then active="$active $t"; else log "$t not installed: n/a"; fi
done

# rotated N: the active tools, starting at the Nth (1-based, wrapping), so
# that no tool is always the first to run after another job's phase.
rotated() {
	local -a ts
	read -r -a ts <<<"$active"
	local n=${#ts[@]} i
	for ((i = 0; i < n; i++)); do printf '%s ' "${ts[(($1 - 1 + i) % n)]}"; done
}
# All repetitions of a job run before the next job starts, so a download
# follows another download, not the uploads (overwriting a 1 GiB object
# frees the old one's pages, and in a VM guest the next process to touch
# freshly freed memory pays for it: that made whichever download came first
# after the uploads 2-3x slower, whatever the tool).
sync
for r in $(seq "$REPEAT"); do
	for t in $(rotated "$r"); do job "$t" upbig "$BIG_MB" "$work/big" "s3://bench/$t/big"; done
done
for r in $(seq "$REPEAT"); do
	for t in $(rotated "$r"); do
		job "$t" downbig "$BIG_MB" "s3://bench/$t/big" "$work/big.out"
		rm -f "$work/big.out"
	done
done
for r in $(seq "$REPEAT"); do
	for t in $(rotated "$r"); do job "$t" upmany "$NFILES" "$work/many" "s3://bench/$t/many"; done
done
for r in $(seq "$REPEAT"); do
	for t in $(rotated "$r"); do
		mkdir -p "$work/many.out"
		job "$t" downmany "$NFILES" "s3://bench/$t/many" "$work/many.out"
		rm -rf "$work/many.out"
	done
done

# --- profile: s3kit's transfer manager (what `s3kit cp` runs, at its
# defaults) downloading and uploading the big file under a CPU profile, via
# bench/peers/s3kitprof (the CLI has no profiling flag).
if [ "${PROFILE:-1}" != 0 ]; then
	log "CPU profile of s3kit's transfer manager, ${BIG_MB} MiB down and up"
	for d in down up; do
		if [ $d = down ]; then a=s3://bench/s3kit/big b=$work/big.out; else a=$work/big b=s3://bench/prof/big; fi
		nice -n "$NICE" "$work/bin/s3kitprof" -endpoint "$EP" -cpuprofile "$work/$d.pprof" $d "$a" "$b" ||
			log "s3kitprof $d failed"
		go tool pprof -top -nodecount=25 "$work/bin/s3kitprof" "$work/$d.pprof" >"$work/$d.top" 2>/dev/null || true
	done
	rm -f "$work/big.out"
fi
"$S3KIT" rm --recursive --endpoint-url "$EP" s3://bench/ >/dev/null 2>&1 || true

# --- memory: s3kit cp of one RSS_MB file -------------------------------------
log "peak RSS of s3kit cp, ${RSS_MB} MiB (sparse source file)"
truncate -s $((RSS_MB << 20)) "$work/huge"
rss() { # CMD...: prints "max_rss_kib seconds ok"
	local ok=true
	/usr/bin/time -f '%M %e' -o "$work/time.out" nice -n "$NICE" "$@" >"$work/out.log" 2>&1 || ok=false
	echo "$(cat "$work/time.out" | tail -1) $ok"
}
rss_up=$(rss "$S3KIT" cp --no-progress --endpoint-url "$EP" "$work/huge" s3://bench/huge)
rss_down=$(rss "$S3KIT" cp --no-progress --endpoint-url "$EP" s3://bench/huge "$work/huge.out")
cmp -s "$work/huge" "$work/huge.out" || rss_down="${rss_down% *} false"
rm -f "$work/huge" "$work/huge.out"
"$S3KIT" rm --endpoint-url "$EP" s3://bench/huge >/dev/null 2>&1 || true

# --- listing: s3kit ls of LIST_N keys ---------------------------------------
log "filling s3://list/k/ with ${LIST_N} empty objects"
"$work/bin/loadgen" -endpoint "$EP" -op fill -bucket list -prefix k/ -n "$LIST_N" -c 16 -size 0 >/dev/null
ls_s3kit=$(python3 "$root/bench/peers/firstline.py" nice -n "$NICE" "$S3KIT" ls --endpoint-url "$EP" s3://list/k/)
ls_s5cmd=n/a
if have s5cmd; then ls_s5cmd=$(python3 "$root/bench/peers/firstline.py" nice -n "$NICE" "$S5CMD" --endpoint-url "$EP" ls 's3://list/k/*'); fi
ls_aws=n/a
if have awscli2; then ls_aws=$(python3 "$root/bench/peers/firstline.py" nice -n "$NICE" /usr/bin/aws --endpoint-url "$EP" s3 ls s3://list/k/); fi

# --- report ------------------------------------------------------------------
python3 - "$results" "$BIG_MB" "$NFILES" "$RSS_MB" "$LIST_N" "$rss_up" "$rss_down" \
	"$ls_s3kit" "$ls_s5cmd" "$ls_aws" "$S5CMD" "$work" <<'PY'
import json, os, subprocess, sys
(res, big, nfiles, rss_mb, list_n, rss_up, rss_down, ls_s3kit, ls_s5, ls_aws, s5, work) = sys.argv[1:]
rows = [json.loads(l) for l in open(res)]
names = {"s3kit": "s3kit cp", "s3kitnv": "(s3kit cp --no-verify)", "s5cmd": "s5cmd v2.3.0", "minio": "minio-go (miniocp)",
         "awsgo": "aws-sdk-go-v2 manager (awsgocp)", "awscli2": "aws-cli v2 (/usr/bin/aws)",
         "rclone": "rclone", "boto3": "boto3 / s3transfer"}
jobs = ["upbig", "downbig", "upmany", "downmany"]
import statistics
rate, secs, fails = {}, {}, {}
for r in rows:
    k = (r["tool"], r["job"])
    if r["ok"]:
        secs.setdefault(k, []).append(r["s"])
    else:
        fails.setdefault(k, []).append(r["err"])
for k, v in secs.items():
    rate[k] = next(r["units"] for r in rows if (r["tool"], r["job"]) == k) / statistics.median(v)
for k in fails:  # a job that failed once counts as failed, not as fast
    rate.pop(k, None)
tools = list(dict.fromkeys(r["tool"] for r in rows))
def cell(t, j):
    k = (t, j)
    if k in fails:
        return "FAILED %d/%d (%s)" % (len(fails[k]), len(fails[k]) + len(secs.get(k, [])), fails[k][0][:80].strip())
    if k not in secs:
        return "n/a"
    v = secs[k]
    return "%.1f (%.2f s%s)" % (rate[k], statistics.median(v), "" if len(v) == 1 else ", median of %d" % len(v))
big_label = "%d MiB" % int(big) if int(big) != 1024 else "1 GiB"
print("| tool | %s up MiB/s | %s down MiB/s | %s x 64 KiB up files/s | %s x 64 KiB down files/s |"
      % (big_label, big_label, nfiles, nfiles))
print("| --- | ---: | ---: | ---: | ---: |")
for t in tools:
    print("| %s | %s |" % (names.get(t, t), " | ".join(cell(t, j) for j in jobs)))
print()
print("Targets: s3kit >= 1.2x max(s5cmd, minio-go) on each job; >= 3x aws-cli v2 on the many-files jobs.")
print()
print("| job | s3kit | best of s5cmd, minio-go | ratio | target 1.2x | aws-cli v2 | ratio | target 3x |")
print("| --- | ---: | ---: | ---: | --- | ---: | ---: | --- |")
for j in jobs:
    s = rate.get(("s3kit", j))
    peers = [(rate.get((p, j)), p) for p in ("s5cmd", "minio") if rate.get((p, j))]
    best = max(peers) if peers else None
    aws = rate.get(("awscli2", j))
    def fmt(x):
        return "%.1f" % x if x else "n/a"
    r1 = s / best[0] if s and best else None
    r3 = s / aws if s and aws else None
    many = j.endswith("many")
    print("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
        j, fmt(s), "%s (%s)" % (fmt(best[0]), best[1]) if best else "n/a",
        "%.2fx" % r1 if r1 else "n/a", ("met" if r1 >= 1.2 else "MISSED") if r1 else "n/a",
        fmt(aws) if many else "-", ("%.2fx" % r3 if r3 else "n/a") if many else "-",
        (("met" if r3 >= 3 else "MISSED") if r3 else "n/a") if many else "-"))
print()
# Every run, in run order, and the same ratio taken within each repetition
# (all tools of one repetition run back to back, so this pairs runs made
# under the same load): its median and range show how much the single
# ratio above depends on the noise.
if int(os.environ.get("REPEAT", "1")) > 1:
    print("| job | per-repetition s3kit / best of s5cmd, minio-go | %s |" % " | ".join(names.get(t, t) + " s" for t in tools))
    print("| --- | --- |%s" % (" --- |" * len(tools)))
    for j in jobs:
        runs = {t: secs.get((t, j), []) for t in tools}
        per = []
        for i, v in enumerate(runs.get("s3kit", [])):
            peer = [runs[p][i] for p in ("s5cmd", "minio") if p in runs and len(runs[p]) > i]
            if peer:
                per.append(min(peer) / v)
        summary = "median %.2fx (%.2f-%.2fx)" % (statistics.median(per), min(per), max(per)) if per else "n/a"
        print("| %s | %s | %s |" % (j, summary, " | ".join(" ".join("%.2f" % x for x in runs[t]) or "-" for t in tools)))
    print()
def rss_line(label, v):
    kib, secs, ok = v.split()
    mib = int(kib) / 1024
    return "| %s | %.1f MiB | %s | %.1f s (%.0f MiB/s) | %s |" % (
        label, mib, "met" if mib <= 256 else "MISSED", float(secs), int(rss_mb) / float(secs),
        "ok" if ok == "true" else "FAILED")
print("| s3kit cp of a %d MiB file | peak RSS | target <= 256 MiB | wall time | result |" % int(rss_mb))
print("| --- | ---: | --- | ---: | --- |")
print(rss_line("upload", rss_up))
print(rss_line("download", rss_down))
print()
print("| ls of %s keys under one prefix | first line | total | lines | peak RSS |" % list_n)
print("| --- | ---: | ---: | ---: | ---: |")
for label, v in (("s3kit ls (target: first line <= 100 ms)", ls_s3kit), ("s5cmd ls", ls_s5), ("aws-cli v2 s3 ls", ls_aws)):
    if v == "n/a":
        continue
    d = json.loads(v)
    fl = "%.0f ms" % (d["first_line_s"] * 1000) if d["first_line_s"] is not None else "none"
    print("| %s | %s | %.2f s | %d%s | %.1f MiB |" % (label, fl, d["total_s"], d["lines"],
          "" if d["rc"] == 0 else " (exit %d)" % d["rc"], d["max_rss_kib"] / 1024))
import os
for d in ("down", "up"):
    p = os.path.join(work, d + ".top")
    if os.path.exists(p):
        print()
        print("CPU profile of s3kit's transfer manager, %s %s (bench/peers/s3kitprof; `go tool pprof -top`):" % (big_label, d))
        print()
        print("```")
        print(open(p).read().rstrip())
        print("```")
PY
