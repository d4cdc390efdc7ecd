#!/usr/bin/env bash
# Runs the public S3 conformance suite (ceph/s3-tests, functional tests of
# test_s3.py and test_headers.py, excluding those marked fails_on_aws) against
# a fresh `s3kit serve`, or against moto with TARGET=moto, and prints pass and
# fail counts per category.
#
#   bash tests/conformance/run.sh             # s3kit, checked against the floor
#   TARGET=moto bash tests/conformance/run.sh # the same runner against moto
#   K='multipart or list' bash tests/conformance/run.sh   # a subset (pytest -k)
#
# The suite is not part of this repository: S3TESTS_DIR names a checkout of
# ceph/s3-tests (default: ../shared/vendor/ceph-s3-tests beside the
# repository). It needs Debian's python3-pytest, python3-boto3,
# python3-requests, python3-dateutil, python3-munch, python3-isodate and
# python3-tz, run with /usr/bin/python3.
#
# With TARGET=s3kit and no K, every test listed in floor.txt must pass: the
# list only grows (UPDATE_FLOOR=1 rewrites it from a run). Results go to
# $OUT (default: a temporary directory): junit.xml, results.json, server.log.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
suite=${S3TESTS_DIR:-$root/../shared/vendor/ceph-s3-tests}
target=${TARGET:-s3kit}
py=${PYTHON:-/usr/bin/python3}
out=${OUT:-$(mktemp -d)}
mkdir -p "$out"

# Outside CI a missing suite or package is a plain skip; in CI (CI=true) it
# is a failure, so a broken install cannot pass unnoticed.
skip() {
  echo "conformance: SKIP: $*" >&2
  [ "${CI:-}" = true ] && exit 1
  exit 0
}
if [ ! -f "$suite/s3tests/functional/test_s3.py" ]; then
  skip "ceph/s3-tests not found at $suite (set S3TESTS_DIR)"
fi
if ! "$py" -c 'import pytest, boto3, requests, dateutil, munch, isodate, pytz' 2>/dev/null; then
  skip "$py lacks pytest/boto3/requests/dateutil/munch/isodate/pytz" \
    "(apt-get install python3-pytest python3-boto3 python3-requests python3-dateutil python3-munch python3-isodate python3-tz)"
fi

data=$(mktemp -d)
pid=""

# The suite runs with Debian's python3 and pytest, but Debian's botocore
# (1.29) predates parameters the suite sends (checksum types, IfNoneMatch,
# MaxBuckets, CRC64NVME) and drops or refuses them on the client side. When
# a newer boto3/botocore/s3transfer for the same Python version is installed
# (pyenv's, the one users run), those packages are put first on the path.
# BOTO=debian keeps Debian's.
boto_path=""
if [ "${BOTO:-newest}" != debian ] && command -v python3 >/dev/null 2>&1; then
  newer=$(python3 - "$py" <<'PY' 2>/dev/null || true
import os, subprocess, sys
import boto3, botocore, s3transfer
mine = subprocess.run([sys.argv[1], "-c", "import sys; print(sys.version_info[:2])"],
                      capture_output=True, text=True).stdout.strip()
if mine == str(sys.version_info[:2]):
    print(" ".join(os.path.dirname(m.__file__) for m in (boto3, botocore, s3transfer)))
PY
)
  if [ -n "$newer" ]; then
    boto_path=$data/boto
    mkdir -p "$boto_path"
    for d in $newer; do ln -s "$d" "$boto_path/$(basename "$d")"; done
  fi
fi
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$data"
}
trap cleanup EXIT

key() { # NAME [keys create flags]: prints "ID SECRET" of a new key
  local name=$1; shift
  "$bin" keys create --data "$data/store" --name "$name" "$@" --json |
    "$py" -c 'import json,sys; d=json.load(sys.stdin); print(d["access_key_id"], d["secret_access_key"])'
}

case "$target" in
s3kit)
  bin=$data/s3kit
  (cd "$root" && CGO_ENABLED=0 go build -o "$bin" ./cmd/s3kit)
  mkdir -p "$data/store"
  read -r main_id main_secret < <(key main)
  # The suite's alt user is another account: its requests to main's
  # buckets are cross-account, as on AWS.
  read -r alt_id alt_secret < <(key alt --account alt)
  read -r ten_id ten_secret < <(key tenant --account tenant)
  # SSE-KMS tests name their keys from the configuration: two keys of
  # s3kit's local KMS, by ARN (the form S3 answers with).
  kms_conf=""
  for n in 1 2; do
    id=$("$bin" kms create --data "$data/store" --alias "s3tests-$n" --json |
      "$py" -c 'import json,sys; print(json.load(sys.stdin)["arn"])')
    kms_conf="$kms_conf${kms_conf:+
}kms_keyid${n#1} = $id"
  done
  "$bin" serve --addr 127.0.0.1:0 --data "$data/store" ${SERVE_FLAGS:-} >"$out/server.log" 2>&1 &
  pid=$!
  ;;
moto)
  port=$("$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  python3 -m moto.server -H 127.0.0.1 -p "$port" >"$out/server.log" 2>&1 &
  pid=$!
  main_id=AKIAMAINMAINMAINMAIN main_secret=mainsecretmainsecretmainsecretmainsecret
  alt_id=AKIAALTALTALTALTALTA alt_secret=altsecretaltsecretaltsecretaltsecretalts
  ten_id=AKIATENTENTENTENTENT ten_secret=tensecrettensecrettensecrettensecrettens
  ;;
*) echo "conformance: TARGET must be s3kit or moto" >&2; exit 2 ;;
esac

endpoint=""
for _ in $(seq 1 200); do
  if [ "$target" = s3kit ]; then
    endpoint=$(grep -o 'endpoint=http://[0-9.:]*' "$out/server.log" | head -1 | cut -d= -f2 || true)
  else
    endpoint=http://127.0.0.1:$port
  fi
  if [ -n "$endpoint" ] && curl -fs -o /dev/null "$endpoint/${HEALTH:--/health}" 2>/dev/null; then break; fi
  [ "$target" = moto ] && curl -s -o /dev/null "$endpoint/" 2>/dev/null && break
  sleep 0.1
done
[ -n "$endpoint" ] || { echo "conformance: server did not start:" >&2; cat "$out/server.log" >&2; exit 1; }
hostport=${endpoint#http://}

cat >"$out/s3tests.conf" <<CONF
[DEFAULT]
host = ${hostport%:*}
port = ${hostport##*:}
is_secure = False
ssl_verify = False

[fixtures]
bucket prefix = s3kit-conf-{random}-
iam name prefix = s3-tests-
iam path prefix = /s3-tests/

[s3 main]
display_name = main
user_id = main
email = main@example.com
api_name = default
access_key = $main_id
secret_key = $main_secret
${kms_conf:-}

[s3 alt]
display_name = alt
user_id = alt
email = alt@example.com
access_key = $alt_id
secret_key = $alt_secret

[s3 tenant]
display_name = tenant
user_id = tenant
email = tenant@example.com
access_key = $ten_id
secret_key = $ten_secret
tenant = tenant

[iam]
email = iam@example.com
user_id = iam
access_key = $main_id
secret_key = $main_secret
display_name = iam

[iam root]
access_key = $main_id
secret_key = $main_secret
user_id = root
email = root@example.com

[iam alt root]
access_key = $alt_id
secret_key = $alt_secret
user_id = altroot
email = altroot@example.com
CONF

echo "conformance: $target at $endpoint, suite $suite, botocore $(cd /tmp && PYTHONPATH=$boto_path "$py" -c 'import botocore; print(botocore.__version__)')"
args=(-m 'not fails_on_aws' -p no:cacheprovider -q -rN -p conformance_plugin)
[ -n "${K:-}" ] && args+=(-k "$K")
set +e
(cd "$suite" && S3TEST_CONF="$out/s3tests.conf" PYTHONPATH="${boto_path:+$boto_path:}$here${PYTHONPATH:+:$PYTHONPATH}" \
  CONFORMANCE_RESULTS="$out/results.json" \
  timeout "${SUITE_TIMEOUT:-1500}" "$py" -m pytest "${args[@]}" \
  s3tests/functional/test_s3.py s3tests/functional/test_headers.py >"$out/pytest.log" 2>&1)
rc=$?
set -e
tail -n 3 "$out/pytest.log"
if [ ! -f "$out/results.json" ]; then
  echo "conformance: the suite produced no results (pytest exit $rc); log in $out/pytest.log" >&2
  tail -n 40 "$out/pytest.log" >&2
  exit 1
fi
floor_args=()
if [ "$target" = s3kit ] && [ -z "${K:-}" ]; then
  floor_args=(--floor "$here/floor.txt")
  [ "${UPDATE_FLOOR:-}" = 1 ] && floor_args+=(--update-floor)
fi
"$py" "$here/report.py" "$out/results.json" "${floor_args[@]}"
