"""Verify the crash test after the restart: every acknowledged object is
there byte for byte, and every object the server lists (acknowledged or
caught in flight) is whole, never torn.

With --sse every acknowledged object must also still be encrypted
(SSE-S3).

usage: crash_verify.py ENDPOINT KEY_ID SECRET BUCKET ACK_FILE [--sse]
"""

import sys

import boto3

from common import check, content, expect, finish

endpoint, key_id, secret, bucket, ack_file = sys.argv[1:6]
s3 = boto3.Session(aws_access_key_id=key_id, aws_secret_access_key=secret, region_name="us-east-1").client(
    "s3", endpoint_url=endpoint)
with open(ack_file) as f:
    acked = [line.strip() for line in f if line.strip()]


def expected(key):
    if key.startswith("mp-"):  # crash_put.py's multipart thread
        return content(key, 12 << 20)
    i = int(key.split("-")[1])
    return content(key, (i * 7919) % (256 << 10))


listed = []
for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
    listed += [(o["Key"], o["Size"]) for o in page.get("Contents", [])]


@check("every acknowledged object survived byte for byte")
def _():
    bad = []
    for key in acked:
        data = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        if data != expected(key):
            bad.append(key)
    expect(not bad, "%d of %d acknowledged objects differ or are missing: %r" % (len(bad), len(acked), bad[:10]))
    return "%d acknowledged, %d listed" % (len(acked), len(listed))


if "--sse" in sys.argv[6:]:
    @check("every acknowledged object is still encrypted")
    def _():
        plain = [k for k in acked if s3.head_object(Bucket=bucket, Key=k).get("ServerSideEncryption") != "AES256"]
        expect(not plain, "not encrypted: %r" % plain[:10])


@check("no listed object is torn")
def _():
    names = {k for k, _ in listed}
    missing = [k for k in acked if k not in names]
    expect(not missing, "acknowledged but not listed: %r" % missing[:10])
    torn = []
    for key, size in listed:
        want = expected(key)
        if size != len(want) or s3.get_object(Bucket=bucket, Key=key)["Body"].read() != want:
            torn.append(key)
    expect(not torn, "torn objects: %r" % torn[:10])


finish()
