#!/usr/bin/env bash
# What metrics and the access log cost on 4 KiB GETs: two `s3kit serve`
# processes from one build, one with --metrics=false and no access log, one
# with /-/metrics on, scraped every second, and --access-log to a file, the
# same load (bench/loadgen, 16 clients) run on each in turn, the order
# swapped every round. Prints each round's ops/s and server CPU per GET
# (from /proc), their ratio, and the median ratio.
#
#   bash bench/obs.sh              # 8 rounds of 5,000 GETs
#   ROUNDS=4 N=2000 bash bench/obs.sh
#   OBSERVED="--metrics=false" SCRAPE=0 bash bench/obs.sh   # A/A: the noise floor
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d /tmp/s3kit-obs.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
ROUNDS=${ROUNDS:-8}
N=${N:-5000}

go build -o "$work/s3kit" ./cmd/s3kit
(cd bench && go build -o "$work/loadgen" ./loadgen)
freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
waitup() { for _ in $(seq 1 100); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done; echo "server at $1 did not start" >&2; return 1; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)

declare -A EP PID AK SK
start() { # label flags...
  local label=$1; shift
  local data="$work/$label" p; p=$(freeport)
  local kj; kj=$("$work/s3kit" keys create --data "$data" --name bench --json)
  AK[$label]=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["access_key_id"])' "$kj")
  SK[$label]=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["secret_access_key"])' "$kj")
  "$work/s3kit" serve --addr "127.0.0.1:$p" --data "$data" "$@" >"$work/$label.log" 2>&1 &
  PID[$label]=$!; pids+=($!)
  EP[$label]="http://127.0.0.1:$p"
  waitup "${EP[$label]}/-/health"
}
start plain --metrics=false
start observed ${OBSERVED:---access-log=$work/access.log}
# A scraper, as Prometheus would be, on the observed server only.
if [ "${SCRAPE:-1}" = 1 ]; then
  ( while sleep 1; do curl -s -o /dev/null "${EP[observed]}/-/metrics"; done ) & pids+=($!)
fi

lg() { "$work/loadgen" -json -endpoint "${EP[$1]}" -access-key "${AK[$1]}" -secret-key "${SK[$1]}" -size 4096 -c 16 "${@:2}"; }
for s in plain observed; do lg "$s" -op put -n "$N" >/dev/null; done

run() { # label -> "ops/s cpu_us_per_op"
  local before after out
  before=$(cpu_ticks "${PID[$1]}")
  out=$(lg "$1" -op get -n "$N")
  after=$(cpu_ticks "${PID[$1]}")
  python3 -c 'import json,sys; r=json.loads(sys.argv[1]); t=(int(sys.argv[3])-int(sys.argv[2]))/int(sys.argv[4]); print("%.1f %.1f" % (r["ops_per_s"], t/r["ops"]*1e6))' "$out" "$before" "$after" "$hz"
}
echo "round  plain ops/s  cpu µs/op  observed ops/s  cpu µs/op  ops ratio  cpu ratio"
ratios=(); cratios=()
for r in $(seq 1 "$ROUNDS"); do
  if (( r % 2 )); then a=$(run plain); b=$(run observed); else b=$(run observed); a=$(run plain); fi
  set -- $a $b
  ratio=$(python3 -c "print('%.3f' % ($3/$1))"); cratio=$(python3 -c "print('%.3f' % ($4/$2))")
  ratios+=("$ratio"); cratios+=("$cratio")
  printf '%5d  %11s  %9s  %14s  %9s  %9s  %9s\n' "$r" "$1" "$2" "$3" "$4" "$ratio" "$cratio"
done
python3 -c 'import statistics,sys; v=sorted(map(float,sys.argv[1:])); print("median observed/plain GET throughput: %.3f (range %.3f-%.3f)" % (statistics.median(v), v[0], v[-1]))' "${ratios[@]}"
[ -f "$work/access.log" ] && echo "access log lines: $(wc -l <"$work/access.log")"
python3 -c 'import statistics,sys; print("median cpu ratio per round: %.3f" % statistics.median(map(float,sys.argv[1:])))' "${cratios[@]}"
