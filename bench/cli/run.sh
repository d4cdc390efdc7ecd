#!/usr/bin/env bash
# Compares `s3kit cp` with peers against ONE `s3kit serve`, all in one run:
#   1 GiB up / down (MiB/s), N x 64 KiB files up / down (files/s),
#   and `s3kit sync` of SYNC_FILES small files (first run, then a no-op run).
# Peers run when installed: aws-cli v1 (`aws`), s5cmd ($S5CMD or PATH),
# rclone. Usage: bench/cli/run.sh  (env: SIZE_MB=1024 NFILES=2000 SYNC_FILES=10000)
set -euo pipefail
cd "$(dirname "$0")/../.."
SIZE_MB=${SIZE_MB:-1024}
NFILES=${NFILES:-2000}
SYNC_FILES=${SYNC_FILES:-10000}
WORK=$(mktemp -d /tmp/s3kit-bench.XXXXXX)
trap 'kill "$SERVER_PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT

go build -o "$WORK/s3kit" ./cmd/s3kit
S3KIT="$WORK/s3kit"
export HOME="$WORK/home"
mkdir -p "$HOME"
"$S3KIT" serve --addr 127.0.0.1:0 --data "$WORK/data" >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 100); do grep -q "Secret access key" "$WORK/serve.log" 2>/dev/null && break; sleep 0.1; done
ENDPOINT=$(awk '/S3 endpoint:/ {print $3; exit}' "$WORK/serve.log")
export AWS_ACCESS_KEY_ID=$(awk '/Access key ID:/ {print $4; exit}' "$WORK/serve.log")
export AWS_SECRET_ACCESS_KEY=$(awk '/Secret access key:/ {print $4; exit}' "$WORK/serve.log")
export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 AWS_ENDPOINT_URL="$ENDPOINT"

head -c $((SIZE_MB << 20)) /dev/urandom >"$WORK/big"
mkdir -p "$WORK/many"
for i in $(seq -w 1 "$NFILES"); do head -c 65536 /dev/urandom >"$WORK/many/f$i"; done
"$S3KIT" mb s3://bench >/dev/null

now() { date +%s.%N; }
rate() { awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN { printf "%.1f", n / (b - a) }'; }
# job NAME UNITS COUNT CMD... : runs CMD, prints one table cell (units/s)
job() {
	local units=$1 count=$2; shift 2
	local t0 t1
	t0=$(now)
	if ! "$@" >/dev/null 2>"$WORK/err"; then echo "failed ($(head -c 200 "$WORK/err" | tr '\n' ' '))"; return; fi
	t1=$(now)
	rate "$t0" "$t1" "$count"
}

row() { # tool up_big down_big up_many down_many
	printf '| %s | %s | %s | %s | %s |\n' "$@"
}
echo "| tool | ${SIZE_MB} MiB up MiB/s | ${SIZE_MB} MiB down MiB/s | ${NFILES}x64KiB up files/s | ${NFILES}x64KiB down files/s |"
echo "| --- | --- | --- | --- | --- |"

clean() { rm -rf "$WORK/out" "$WORK/outmany"; mkdir -p "$WORK/outmany"; }

clean
row "s3kit cp" \
	"$(job MiB "$SIZE_MB" "$S3KIT" cp "$WORK/big" s3://bench/s3kit/big --no-progress)" \
	"$(job MiB "$SIZE_MB" "$S3KIT" cp s3://bench/s3kit/big "$WORK/out" --no-progress)" \
	"$(job files "$NFILES" "$S3KIT" cp "$WORK/many" s3://bench/s3kit/many --recursive --no-progress)" \
	"$(job files "$NFILES" "$S3KIT" cp s3://bench/s3kit/many "$WORK/outmany" --recursive --no-progress)"

clean
row "s3kit cp --no-verify" \
	"$(job MiB "$SIZE_MB" "$S3KIT" cp "$WORK/big" s3://bench/s3kitnv/big --no-progress --no-verify)" \
	"$(job MiB "$SIZE_MB" "$S3KIT" cp s3://bench/s3kitnv/big "$WORK/out" --no-progress --no-verify)" \
	"$(job files "$NFILES" "$S3KIT" cp "$WORK/many" s3://bench/s3kitnv/many --recursive --no-progress --no-verify)" \
	"$(job files "$NFILES" "$S3KIT" cp s3://bench/s3kitnv/many "$WORK/outmany" --recursive --no-progress --no-verify)"

S5CMD=${S5CMD:-$(command -v s5cmd || true)}
if [ -n "$S5CMD" ]; then
	clean
	row "s5cmd ${S5CMD_VERSION:-$("$S5CMD" version 2>/dev/null | head -1)}" \
		"$(job MiB "$SIZE_MB" "$S5CMD" --endpoint-url "$ENDPOINT" cp "$WORK/big" s3://bench/s5/big)" \
		"$(job MiB "$SIZE_MB" "$S5CMD" --endpoint-url "$ENDPOINT" cp s3://bench/s5/big "$WORK/out")" \
		"$(job files "$NFILES" "$S5CMD" --endpoint-url "$ENDPOINT" cp "$WORK/many/*" s3://bench/s5/many/)" \
		"$(job files "$NFILES" "$S5CMD" --endpoint-url "$ENDPOINT" cp "s3://bench/s5/many/*" "$WORK/outmany/")"
fi

if command -v rclone >/dev/null; then
	export RCLONE_CONFIG_B_TYPE=s3 RCLONE_CONFIG_B_PROVIDER=Other RCLONE_CONFIG_B_ENDPOINT="$ENDPOINT" \
		RCLONE_CONFIG_B_ACCESS_KEY_ID="$AWS_ACCESS_KEY_ID" RCLONE_CONFIG_B_SECRET_ACCESS_KEY="$AWS_SECRET_ACCESS_KEY"
	clean
	# rclone refuses AWS_CA_BUNDLE with its own transport.
	rc() { env -u AWS_CA_BUNDLE rclone "$@"; }
	row "rclone $(rclone version | head -1 | awk '{print $2}')" \
		"$(job MiB "$SIZE_MB" rc copyto "$WORK/big" b:bench/rc/big)" \
		"$(job MiB "$SIZE_MB" rc copyto b:bench/rc/big "$WORK/out")" \
		"$(job files "$NFILES" rc copy "$WORK/many" b:bench/rc/many)" \
		"$(job files "$NFILES" rc copy b:bench/rc/many "$WORK/outmany")"
fi

if command -v aws >/dev/null; then
	clean
	row "$(aws --version 2>&1 | awk '{print $1}')" \
		"$(job MiB "$SIZE_MB" aws s3 cp "$WORK/big" s3://bench/aws/big --only-show-errors)" \
		"$(job MiB "$SIZE_MB" aws s3 cp s3://bench/aws/big "$WORK/out" --only-show-errors)" \
		"$(job files "$NFILES" aws s3 cp "$WORK/many" s3://bench/aws/many --recursive --only-show-errors)" \
		"$(job files "$NFILES" aws s3 cp s3://bench/aws/many "$WORK/outmany" --recursive --only-show-errors)"
fi

if [ "$SYNC_FILES" -gt 0 ]; then
	mkdir -p "$WORK/sync"
	for i in $(seq -w 1 "$SYNC_FILES"); do echo "$i" >"$WORK/sync/f$i"; done
	echo
	echo "| s3kit sync of ${SYNC_FILES} small files | files/s |"
	echo "| --- | --- |"
	echo "| first sync (all uploaded) | $(job files "$SYNC_FILES" "$S3KIT" sync "$WORK/sync" s3://bench/sync --no-progress) |"
	echo "| second sync (nothing to do; listing + walk) | $(job files "$SYNC_FILES" "$S3KIT" sync "$WORK/sync" s3://bench/sync --no-progress) |"
	t0=$(now)
	("$S3KIT" ls s3://bench/sync/ --recursive | head -1 >/dev/null) || true # ls dies of SIGPIPE
	t1=$(now)
	echo
	echo "s3kit ls of the ${SYNC_FILES}-key prefix: first line after $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", (b - a) * 1000 }') ms (process start included)," \
		"peak RSS $( { /usr/bin/time -f %M "$S3KIT" ls s3://bench/sync/ --recursive >/dev/null; } 2>&1 | tail -1) KiB for the whole listing"
fi
echo
echo "Peak RSS of s3kit cp ${SIZE_MB} MiB upload / download (KiB):" \
	"$( { /usr/bin/time -f %M "$S3KIT" cp "$WORK/big" s3://bench/rss/big --no-progress >/dev/null; } 2>&1 | tail -1)" / \
	"$( { /usr/bin/time -f %M "$S3KIT" cp s3://bench/rss/big "$WORK/rss.out" --no-progress >/dev/null; } 2>&1 | tail -1)"
