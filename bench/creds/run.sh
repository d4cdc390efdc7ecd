#!/bin/sh
# Start-up comparison for `s3kit creds` against hello-world Go programs and
# peer SDKs (target in BENCHMARKS.md).
#
# Builds s3kit and the comparison programs of bench/credbench (hello
# world, net/http hello, aws-sdk-go-v2, minio-go, and s3kitlib: the
# credentials package without the CLI), prepares a
# throw-away HOME, and runs hyperfine side by side in two worlds:
# credentials in the environment, and in ~/.aws/credentials [default].
# Prints a Markdown table of medians and ratios to stdout.
#
# s3kit is built twice: as `go build` makes it by default (cgo on when a C
# compiler is present, so dynamically linked against libc: the loader runs
# first) and with CGO_ENABLED=0 (static, as release builds are). Each has a
# "floor" row: the same binary built with -tags startupfloor and
# bench/creds/floor.go overlaid into cmd/s3kit, which exits after package
# initialisation, before main: what "s3kit creds" costs beyond it is the
# command itself.
#
# On a busy machine hyperfine's per-command blocks see different load;
# bench/creds/interleave.py runs the commands round-robin instead.
#
# Usage: bench/creds/run.sh [runs]        (needs hyperfine and python3)
set -eu
RUNS=${1:-30}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

printf '{"Replace":{"%s/cmd/s3kit/floor.go":"%s/bench/creds/floor.go"}}\n' "$ROOT" "$ROOT" >"$TMP/floor.json"
FLOOR="-tags startupfloor -overlay $TMP/floor.json"
(cd "$ROOT" && go build -o "$TMP/s3kit" ./cmd/s3kit &&
	go build $FLOOR -o "$TMP/floor" ./cmd/s3kit &&
	CGO_ENABLED=0 go build -o "$TMP/s3kit-static" ./cmd/s3kit &&
	CGO_ENABLED=0 go build $FLOOR -o "$TMP/floor-static" ./cmd/s3kit)
(cd "$ROOT/bench" && go build -o "$TMP/hello" ./credbench/hello &&
	CGO_ENABLED=0 go build -o "$TMP/nethttp" ./credbench/nethttp &&
	go build -o "$TMP/sdkv2" ./credbench/sdkv2 && go build -o "$TMP/minio" ./credbench/minio &&
	go build -o "$TMP/s3kitlib" ./credbench/s3kitlib)

mkdir -p "$TMP/home/.aws"
printf '[default]\naws_access_key_id = AKIDBENCHFILE\naws_secret_access_key = secretbenchfile\n' >"$TMP/home/.aws/credentials"
printf '[default]\nregion = us-east-1\n' >"$TMP/home/.aws/config"

PY='import boto3; boto3.Session().get_credentials().get_frozen_credentials()'
run() { # world-name, extra env assignments...
	name=$1
	shift
	env -i PATH="$PATH" HOME="$TMP/home" AWS_EC2_METADATA_DISABLED=true "$@" \
		hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$TMP/$name.json" \
		-n hello "$TMP/hello" \
		-n "net/http hello (static)" "$TMP/nethttp" \
		-n "s3kit floor" "$TMP/floor" \
		-n "s3kit creds" "$TMP/s3kit creds" \
		-n "s3kit floor (static)" "$TMP/floor-static" \
		-n "s3kit creds (static)" "$TMP/s3kit-static creds" \
		-n "s3kit creds --json" "$TMP/s3kit creds --json" \
		-n "credentials package alone" "$TMP/s3kitlib" \
		-n aws-sdk-go-v2 "$TMP/sdkv2" \
		-n minio-go "$TMP/minio" >/dev/null
	env -i PATH="$PATH" HOME="$TMP/home" AWS_EC2_METADATA_DISABLED=true "$@" \
		hyperfine -N --warmup 1 --runs 10 --export-json "$TMP/$name-py.json" \
		-n boto3 "python3 -c '$PY'" >/dev/null
}
run env AWS_ACCESS_KEY_ID=AKIDBENCHENV AWS_SECRET_ACCESS_KEY=secretbenchenv
run file

python3 - "$TMP" <<'PYEOF'
import json, sys, os
tmp = sys.argv[1]
for world in ("env", "file"):
    rows = json.load(open(os.path.join(tmp, world + ".json")))["results"]
    rows += json.load(open(os.path.join(tmp, world + "-py.json")))["results"]
    med = {r["command"]: r["median"] * 1000 for r in rows}
    cpu = {r["command"]: (r["user"] + r["system"]) * 1000 for r in rows}
    base, cbase = med["hello"], cpu["hello"]
    s3k, cs3k = med["s3kit creds"], cpu["s3kit creds"]
    print(f"\n#### credentials in {'the environment' if world == 'env' else '~/.aws/credentials'}\n")
    print("| program | median wall ms | wall × hello | wall ÷ s3kit creds | mean CPU ms (user+sys) | CPU × hello | CPU ÷ s3kit creds |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name in ("hello", "net/http hello (static)", "s3kit floor", "s3kit creds", "s3kit creds --json",
                 "s3kit floor (static)", "s3kit creds (static)",
                 "credentials package alone", "aws-sdk-go-v2", "minio-go", "boto3"):
        m, c = med[name], cpu[name]
        print(f"| {name} | {m:.2f} | {m / base:.2f} | {m / s3k:.2f} | {c:.2f} | {c / cbase:.2f} | {c / cs3k:.2f} |")
PYEOF
