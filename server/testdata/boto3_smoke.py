"""Drive a running s3kit server with real boto3, using its defaults.

Credentials, region, endpoint and CA bundle come from the environment
(s3test.Server.Env). Prints one line per step; exits non-zero on failure.
"""
import hashlib
import io
import sys

import boto3
import botocore
import botocore.config
from botocore.exceptions import ClientError

s3 = boto3.client("s3")
bucket = "boto3-bucket"


import time
T0 = time.time()


def step(name):
    print("step %.2f" % (time.time() - T0), name, flush=True)


step("create_bucket")
s3.create_bucket(Bucket=bucket)
names = [b["Name"] for b in s3.list_buckets()["Buckets"]]
assert bucket in names, names

step("list_buckets MaxBuckets, ContinuationToken, Prefix")
s3.create_bucket(Bucket=bucket + "-2")
first = s3.list_buckets(MaxBuckets=1, Prefix=bucket)
assert [b["Name"] for b in first["Buckets"]] == [bucket] and first["Prefix"] == bucket, first
rest = s3.list_buckets(MaxBuckets=1, Prefix=bucket, ContinuationToken=first["ContinuationToken"])
assert [b["Name"] for b in rest["Buckets"]] == [bucket + "-2"] and "ContinuationToken" not in rest, rest
pages = s3.get_paginator("list_buckets").paginate(Prefix=bucket, PaginationConfig={"PageSize": 1})
assert [b["Name"] for p in pages for b in p["Buckets"]] == [bucket, bucket + "-2"]
s3.delete_bucket(Bucket=bucket + "-2")

step("put_object Content-Encoding kept as sent beside aws-chunked")
# botocore adds aws-chunked to the codings for its checksum trailer.
s3.put_object(Bucket=bucket, Key="enc", Body=b"x", ContentEncoding="deflate, gzip")
assert s3.head_object(Bucket=bucket, Key="enc")["ContentEncoding"] == "deflate, gzip"
s3.delete_object(Bucket=bucket, Key="enc")

step("put_object default checksums")
captured = {}


def capture(request, **kwargs):
    captured["headers"] = dict(request.headers)


s3.meta.events.register("before-send.s3.PutObject", capture)
body = b"hello from boto3 " * 1000
resp = s3.put_object(Bucket=bucket, Key="dir/a b+c.txt", Body=io.BytesIO(body),
                     ContentType="text/plain", Metadata={"Color": "blue"})
s3.meta.events.unregister("before-send.s3.PutObject", capture)
sent = {k.lower(): (v.decode() if isinstance(v, bytes) else v) for k, v in captured["headers"].items()}
print("sent content-encoding:", sent.get("content-encoding"), "x-amz-trailer:", sent.get("x-amz-trailer"),
      "sha256:", sent.get("x-amz-content-sha256"), flush=True)
if sys.argv[1:] == ["--expect-trailer"]:
    assert sent.get("x-amz-trailer") == "x-amz-checksum-crc32", sent
    assert sent.get("x-amz-content-sha256") == "STREAMING-UNSIGNED-PAYLOAD-TRAILER", sent
assert resp["ETag"] == '"%s"' % hashlib.md5(body).hexdigest(), resp["ETag"]

step("get_object checksum validated")
got = s3.get_object(Bucket=bucket, Key="dir/a b+c.txt", ChecksumMode="ENABLED")
data = got["Body"].read()
assert data == body
assert got["ContentType"] == "text/plain", got["ContentType"]
assert got["Metadata"] == {"color": "blue"}, got["Metadata"]
assert got.get("ChecksumCRC32"), got
print("checksum:", got["ChecksumCRC32"], flush=True)

step("ACLs disabled, as on S3 by default")
try:
    s3.put_object(Bucket=bucket, Key="public", Body=b"x", ACL="public-read")
    raise SystemExit("put_object with ACL=public-read accepted")
except ClientError as e:
    assert e.response["Error"]["Code"] == "AccessControlListNotSupported", e.response
    assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 400, e.response
try:
    s3.head_object(Bucket=bucket, Key="public")
    raise SystemExit("refused put_object wrote the object")
except ClientError as e:
    assert e.response["Error"]["Code"] == "404", e.response
s3.put_object(Bucket=bucket, Key="owned", Body=b"x", ACL="bucket-owner-full-control")
s3.put_object_acl(Bucket=bucket, Key="owned", ACL="bucket-owner-full-control")
try:
    s3.put_object_acl(Bucket=bucket, Key="owned", ACL="public-read")
    raise SystemExit("put_object_acl public-read accepted")
except ClientError as e:
    assert e.response["Error"]["Code"] == "AccessControlListNotSupported", e.response
grants = s3.get_object_acl(Bucket=bucket, Key="owned")["Grants"]
assert [g["Permission"] for g in grants] == ["FULL_CONTROL"], grants

step("head_object / range")
h = s3.head_object(Bucket=bucket, Key="dir/a b+c.txt")
assert h["ContentLength"] == len(body)
r = s3.get_object(Bucket=bucket, Key="dir/a b+c.txt", Range="bytes=0-4")
assert r["Body"].read() == b"hello"

step("list_objects_v2 paginator")
for i in range(5):
    s3.put_object(Bucket=bucket, Key="many/%d" % i, Body=b"x")
keys = []
for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix="many/", PaginationConfig={"PageSize": 2}):
    keys += [o["Key"] for o in page.get("Contents", [])]
assert keys == ["many/%d" % i for i in range(5)], keys
lst = s3.list_objects_v2(Bucket=bucket, Delimiter="/")
assert [p["Prefix"] for p in lst["CommonPrefixes"]] == ["dir/", "many/"], lst

step("copy_object")
s3.copy_object(Bucket=bucket, Key="copy.txt", CopySource={"Bucket": bucket, "Key": "dir/a b+c.txt"})
assert s3.get_object(Bucket=bucket, Key="copy.txt")["Body"].read() == body

step("errors")
try:
    s3.get_object(Bucket=bucket, Key="missing")
    raise SystemExit("no error for missing key")
except ClientError as e:
    assert e.response["Error"]["Code"] == "NoSuchKey", e.response

step("multipart upload_fileobj")
from boto3.s3.transfer import TransferConfig
big = bytes(range(256)) * (4096 * 6)  # 6 MiB: two parts
cfg = TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024)
s3.upload_fileobj(io.BytesIO(big), bucket, "big.bin", Config=cfg)
out = io.BytesIO()
s3.download_fileobj(bucket, "big.bin", out, Config=cfg)
assert out.getvalue() == big
etag = s3.head_object(Bucket=bucket, Key="big.bin")["ETag"]
assert etag.endswith('-2"'), etag

step("delete_objects")
objs = [{"Key": o["Key"]} for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
res = s3.delete_objects(Bucket=bucket, Delete={"Objects": objs})
assert len(res["Deleted"]) == len(objs), res
s3.delete_bucket(Bucket=bucket)

step("presigned get")
s3.create_bucket(Bucket=bucket)
s3.put_object(Bucket=bucket, Key="p", Body=b"presigned")
url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "p"}, ExpiresIn=60)
import os
import ssl
import urllib.error
import urllib.request
ctx = ssl.create_default_context(cafile=os.environ.get("AWS_CA_BUNDLE"))
try:
    assert urllib.request.urlopen(url, context=ctx).read() == b"presigned"
except urllib.error.HTTPError as e:
    raise SystemExit("presigned GET refused: %s %s" % (e.code, e.read()))
try:
    urllib.request.urlopen(url.replace("Signature=", "Signature=0"), context=ctx)
    raise SystemExit("tampered presigned URL accepted")
except urllib.error.HTTPError as e:
    assert e.code == 403, e.code
step("presigned get with override and odd key")
odd = "dir/ü ñ+x=1&y.txt"
s3.put_object(Bucket=bucket, Key=odd, Body=b"odd")
url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": odd,
                                "ResponseContentDisposition": 'attachment; filename="a b.txt"'}, ExpiresIn=60)
r = urllib.request.urlopen(url, context=ctx)
assert r.read() == b"odd"
assert r.headers["Content-Disposition"] == 'attachment; filename="a b.txt"', r.headers

step("presigned put")
put_url = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "up"}, ExpiresIn=60)
import urllib3
pool = urllib3.PoolManager(ssl_context=ctx)
resp = pool.request("PUT", put_url, body=b"uploaded")
assert resp.status == 200, (resp.status, resp.data)
assert s3.get_object(Bucket=bucket, Key="up")["Body"].read() == b"uploaded"
v4 = boto3.client("s3", config=botocore.config.Config(signature_version="s3v4"))
url4 = v4.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "up"}, ExpiresIn=60)
assert "X-Amz-Signature=" in url4, url4
assert urllib.request.urlopen(url4, context=ctx).read() == b"uploaded"
try:
    i = url4.index("X-Amz-Signature=") + len("X-Amz-Signature=")
    flipped = "1" if url4[i] == "0" else "0"
    urllib.request.urlopen(url4[:i] + flipped + url4[i + 1:], context=ctx)
    raise SystemExit("tampered v4 presigned URL accepted")
except urllib.error.HTTPError as e:
    assert e.code == 403, e.code
print("OK")
