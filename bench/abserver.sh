#!/usr/bin/env bash
# Alternating A/B rounds of bench/loadgen against several servers started
# side by side, reporting per round: ops/s, the server's CPU per operation
# (utime+stime from /proc) and its context switches per operation. CPU per
# op moves far less than ops/s on a shared machine, so this is the way to
# compare two builds of the server.
#
#   bash bench/abserver.sh ROUNDS NAME=BINARY[:GOMAXPROCS] ...
#   e.g. go build -o /tmp/old ./cmd/s3kit   (at the old commit)
#        go build -o /tmp/new ./cmd/s3kit
#        bash bench/abserver.sh 5 old=/tmp/old new=/tmp/new gofakes3=gofakes3
#   env: OP=put|get (default put), SIZE=4096, N=5000 operations per round, C=16 workers,
#        FRESH=1 to restart every server on an empty data directory before each of its
#        rounds (what a server's first minutes cost: the scripted bench/server.sh runs
#        its PUTs on a fresh server)
#   After the table: each server's median ops/s and its per-round ratio to the
#   last-named server (median and range).
#
# BINARY "gofakes3" runs bench/gofakes3srv (in memory, no auth). Linux only
# (/proc). Servers bind 127.0.0.1 on free ports and are stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { sed -n "2,19p" "$0" >&2; exit 2; }
rounds=$1; shift
work=$(mktemp -d /tmp/s3kit-ab.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
(cd bench && go build -o "$work/loadgen" ./loadgen && go build -o "$work/gofakes3srv" ./gofakes3srv)
OP=${OP:-put} SIZE=${SIZE:-4096} N=${N:-5000} C=${C:-16}

freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
declare -A ep ak sk pid spec
names=()
# start NAME: (re)starts a server on an empty data directory.
start() {
	local name=$1 bin=${spec[$1]%%:*} procs port
	procs=${spec[$1]#"$bin"}; procs=${procs#:}
	if [ -n "${pid[$name]:-}" ]; then kill "${pid[$name]}"; wait "${pid[$name]}" 2>/dev/null || true; fi
	port=$(freeport); ep[$name]=http://127.0.0.1:$port
	rm -rf "${work:?}/$name"
	if [ "$bin" = gofakes3 ]; then
		"$work/gofakes3srv" -addr "127.0.0.1:$port" >/dev/null 2>&1 &
		ak[$name]=x sk[$name]=y
	else
		keyjson=$("$bin" keys create --data "$work/$name" --name ab --json)
		ak[$name]=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["access_key_id"])' "$keyjson")
		sk[$name]=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["secret_access_key"])' "$keyjson")
		GOMAXPROCS=${procs:-$(nproc)} "$bin" serve --addr "127.0.0.1:$port" --data "$work/$name" >/dev/null 2>&1 &
	fi
	pid[$name]=$!; pids+=($!)
	for _ in $(seq 100); do curl -s -o /dev/null "${ep[$name]}/" && break; sleep 0.1; done
}
for v in "$@"; do
	name=${v%%=*}; spec[$name]=${v#*=}; names+=("$name")
	start "$name"
done
lg() { "$work/loadgen" -json -endpoint "${ep[$1]}" -access-key "${ak[$1]}" -secret-key "${sk[$1]}" -n "$N" -c "$C" -size "$SIZE" -op "$2"; }
cpu() { awk '{print $14+$15}' "/proc/$1/stat"; }
switches() { cat /proc/"$1"/task/*/status 2>/dev/null | awk '/ctxt_switches/ {s+=$2} END {print s}'; }
if [ "$OP" = get ]; then for name in "${names[@]}"; do lg "$name" put >/dev/null; done; fi
tick=$(getconf CLK_TCK)
echo "| round |$(printf ' %s |' "${names[@]}")"
echo "| --- |$(printf -- ' --- |%.0s' "${names[@]}")"
for r in $(seq "$rounds"); do
	row="| $r |"
	for name in "${names[@]}"; do
		if [ -n "${FRESH:-}" ] && [ "$r" -gt 1 ]; then
			start "$name"
			if [ "$OP" = get ]; then lg "$name" put >/dev/null; fi
		fi
		p=${pid[$name]}
		c0=$(cpu "$p") s0=$(switches "$p")
		ops=$(lg "$name" "$OP" | python3 -c 'import json,sys; print(round(json.load(sys.stdin)["ops_per_s"]))')
		echo "$name $ops" >>"$work/ops"
		c1=$(cpu "$p") s1=$(switches "$p")
		row="$row $ops ops/s, $(( (c1 - c0) * 1000000 / tick / N )) us/op, $(awk -v a="$s0" -v b="$s1" -v n="$N" 'BEGIN { printf "%.1f", (b - a) / n }') cs/op |"
	done
	echo "$row"
done
# Per server: median ops/s, and the median over rounds of its ops/s divided
# by the last-named server's in the same round (the reference, e.g. gofakes3).
python3 - "$work/ops" "${names[@]}" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
names, ref = sys.argv[2:], sys.argv[-1]
ops = {n: [int(o) for m, o in rows if m == n] for n in names}
print()
for n in names:
    ratios = [a / b for a, b in zip(ops[n], ops[ref]) if b]
    line = f"- {n}: median {statistics.median(ops[n]):.0f} ops/s"
    if n != ref and ratios:
        line += f"; per-round ratio to {ref}: median {statistics.median(ratios):.2f}x (range {min(ratios):.2f}-{max(ratios):.2f}x)"
    print(line)
PY
