#!/usr/bin/env bash
# Durable 4 KiB PUTs through `s3kit serve` with the disk store's
# write-ahead log (the default) and without it (disk.Options.DisableLog,
# switched on by S3KIT_DISK_NOLOG through a build overlay, so no product
# code reads the variable), interleaved round by round on fresh data
# directories, with the same load client (bench/loadgen).
#
#   bash bench/disklog.sh                       # c = 1 8 16 64, 4 rounds
#   CONCS="8 16" ROUNDS=6 bash bench/disklog.sh
#
# Prints one JSON line per run (label wal or nolog).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$(mktemp -d /tmp/s3kit-disklog.XXXXXX)
sp=
cleanup() { [ -n "$sp" ] && kill "$sp" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
N=${N:-4000}; ROUNDS=${ROUNDS:-4}

sed -e 's/disk.Options{Now: now, Logger: logger}/disk.Options{Now: now, Logger: logger, DisableLog: os.Getenv("S3KIT_DISK_NOLOG") != ""}/' \
    -e 's/^\t"net\/http"$/\t"net\/http"\n\t"os"/' internal/cli/serve_wire.go > "$work/serve_wire.go"
grep -q S3KIT_DISK_NOLOG "$work/serve_wire.go" || { echo "serve_wire.go changed: update the overlay" >&2; exit 1; }
printf '{"Replace":{"%s":"%s"}}' "$root/internal/cli/serve_wire.go" "$work/serve_wire.go" > "$work/overlay.json"
go build -overlay "$work/overlay.json" -o "$work/s3kit" ./cmd/s3kit
(cd bench && go build -o "$work/loadgen" ./loadgen)

freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
waitup() { for _ in $(seq 1 100); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done; return 1; }
for r in $(seq 1 "$ROUNDS"); do
  for design in wal nolog; do
    data=$(mktemp -d "$work/data.XXXX")
    kj=$("$work/s3kit" keys create --data "$data" --name bench --json)
    AK=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["access_key_id"])' "$kj")
    SK=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["secret_access_key"])' "$kj")
    p=$(freeport)
    if [ "$design" = nolog ]; then export S3KIT_DISK_NOLOG=1; else unset S3KIT_DISK_NOLOG; fi
    "$work/s3kit" serve --addr "127.0.0.1:$p" --data "$data" >/dev/null 2>&1 & sp=$!
    waitup "http://127.0.0.1:$p/-/health"
    for c in ${CONCS:-1 8 16 64}; do
      n=$N; [ "$c" = 1 ] && n=$((N/4))
      "$work/loadgen" -json -label "$design" -endpoint "http://127.0.0.1:$p" -access-key "$AK" -secret-key "$SK" \
        -op put -n "$n" -c "$c" -size 4096 -prefix "c$c/"
    done
    kill "$sp"; wait "$sp" 2>/dev/null || true; sp=
    rm -rf "$data"
  done
done
