#!/usr/bin/env bash
# Server benchmarks, side by side in one run with the same load
# client (bench/loadgen, aws-sdk-go-v2): s3kit serve (durable, on disk, SigV4
# checked) vs gofakes3 (in memory, no auth) vs moto (python3 -m moto.server).
#
#   bash bench/server.sh            # full run (1 GiB objects, 100,000-key listing)
#   QUICK=1 bash bench/server.sh    # smaller sizes, for a smoke run
#
# Prints a Markdown table; append it to BENCHMARKS.md with the date.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$(mktemp -d /tmp/s3kit-bench.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

SMALL_N=${SMALL_N:-5000}
BIG=${BIG:-$((1<<30))}
LIST_N=${LIST_N:-100000}
MOTO_N=${MOTO_N:-1000}
if [ -n "${QUICK:-}" ]; then SMALL_N=1000; BIG=$((128<<20)); LIST_N=5000; MOTO_N=200; fi

go build -o "$work/s3kit" ./cmd/s3kit
(cd bench && go build -o "$work/loadgen" ./loadgen && go build -o "$work/gofakes3srv" ./gofakes3srv)

freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
waitup() { for _ in $(seq 1 100); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done; echo "server at $1 did not start" >&2; return 1; }

# s3kit
p=$(freeport); data="$work/data"
keyjson=$("$work/s3kit" keys create --data "$data" --name bench --json)
AK=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["access_key_id"])' "$keyjson")
SK=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["secret_access_key"])' "$keyjson")
"$work/s3kit" serve --addr "127.0.0.1:$p" --data "$data" >"$work/s3kit.log" 2>&1 & s3pid=$!; pids+=($s3pid)
waitup "http://127.0.0.1:$p/-/health"
S3KIT="http://127.0.0.1:$p"

# gofakes3
p=$(freeport); "$work/gofakes3srv" -addr "127.0.0.1:$p" >/dev/null 2>&1 & pids+=($!)
GOFAKES3="http://127.0.0.1:$p"; sleep 0.5

# moto
p=$(freeport); python3 -m moto.server -H 127.0.0.1 -p "$p" >/dev/null 2>&1 & pids+=($!)
MOTO="http://127.0.0.1:$p"; waitup "$MOTO/" || true

lg() { "$work/loadgen" -json "$@"; }
results="$work/results.jsonl"
run() { # label endpoint key secret args...
  local label=$1 ep=$2 ak=$3 sk=$4; shift 4
  lg -label "$label" -endpoint "$ep" -access-key "$ak" -secret-key "$sk" "$@" | tee -a "$results"
}
rss() { awk '/VmHWM/ {print $2}' "/proc/$1/status"; }

for s in "s3kit $S3KIT $AK $SK" "gofakes3 $GOFAKES3 x y"; do
  set -- $s
  run "$1" "$2" "$3" "$4" -op put -n "$SMALL_N" -c 16 -size 4096
  run "$1" "$2" "$3" "$4" -op get -n "$SMALL_N" -c 16 -size 4096
done
run moto "$MOTO" x y -op put -n "$MOTO_N" -c 16 -size 4096 || true
run moto "$MOTO" x y -op get -n "$MOTO_N" -c 16 -size 4096 || true

# The RSS target is about receiving a 1 GiB object: restart s3kit (same data
# dir) so its peak covers the large-object phase only. The small-object
# phase's peak is reported too; much of it is bbolt's mmap of the index
# (file-backed page cache), shown as RssFile.
rss_small=$(rss $s3pid)
rss_small_file=$(awk '/RssFile/ {print $2}' "/proc/$s3pid/status")
kill "$s3pid"; wait "$s3pid" 2>/dev/null || true
"$work/s3kit" serve --addr "${S3KIT#http://}" --data "$data" >>"$work/s3kit.log" 2>&1 & s3pid=$!; pids+=($s3pid)
waitup "$S3KIT/-/health"
rss_before=$(rss $s3pid)
for s in "s3kit $S3KIT $AK $SK" "gofakes3 $GOFAKES3 x y"; do
  set -- $s
  run "$1" "$2" "$3" "$4" -op bigput -size "$BIG" -c 8 -part-size $((16<<20))
  [ "$1" = s3kit ] && rss_after_put=$(rss $s3pid)
  run "$1" "$2" "$3" "$4" -op bigget -size "$BIG"
  run "$1" "$2" "$3" "$4" -op rangeget -size "$BIG" -c 8 -part-size $((16<<20))
done

for s in "s3kit $S3KIT $AK $SK" "gofakes3 $GOFAKES3 x y"; do
  set -- $s
  run "$1" "$2" "$3" "$4" -op fill -bucket list -prefix k/ -n "$LIST_N" -c 16 -size 0 >/dev/null
  run "$1" "$2" "$3" "$4" -op listall -bucket list -prefix k/ -n "$LIST_N"
done

echo
echo "s3kit server peak RSS (VmHWM): small-object phase $((rss_small/1024)) MiB (of which index mmap $((rss_small_file/1024)) MiB);"
echo "restarted for the large-object phase: $((rss_before/1024)) MiB before the big PUT, $((rss_after_put/1024)) MiB after"
python3 - "$results" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print("| server | op | ops | workers | size | ops/s | MiB/s | p50 ms | p99 ms | seconds |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
for r in rows:
    print(f"| {r['label']} | {r['op']} | {r['ops']} | {r['workers']} | {r['size']} | {r['ops_per_s']:.0f} | {r['mib_per_s']:.1f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['seconds']:.2f} |")
def get(label, op, f):
    for r in rows:
        if r['label'] == label and r['op'] == op: return r[f]
print()
for op, f in [("put","ops_per_s"),("get","ops_per_s"),("bigput","mib_per_s"),("bigget","mib_per_s"),("rangeget","mib_per_s")]:
    a, b = get("s3kit", op, f), get("gofakes3", op, f)
    if a and b: print(f"- {op}: s3kit / gofakes3 = {a/b:.2f}x")
a, b = get("s3kit","listall","seconds"), get("gofakes3","listall","seconds")
if a and b: print(f"- listall time: s3kit / gofakes3 = {a/b:.2f}x (lower is better)")
PY
