"""boto3 1.43 against a running s3kit server: client and resource APIs with
the default checksum settings, multipart transfers, presigned URLs, and the
authentication and authorisation failures.

usage: boto3_suite.py CONFIG_JSON
CONFIG_JSON: {"endpoint", "key", "secret", "ro_key", "ro_secret",
              "scoped_key", "scoped_secret", "scoped_bucket", "tmp"}
"""

import base64
import datetime
import hashlib
import http.client
import json
import os
import re
import sys
import time
import urllib.parse
import zlib

import boto3
import botocore.auth
from boto3.s3.transfer import TransferConfig
from botocore import UNSIGNED
from botocore.config import Config

from common import check, content, error_code, expect, expect_client_error, finish

cfg = json.loads(sys.argv[1])
E = cfg["endpoint"]
NO_RETRY = Config(retries={"total_max_attempts": 1})


def client(key, secret, **kw):
    return boto3.Session(aws_access_key_id=key, aws_secret_access_key=secret,
                         region_name="us-east-1").client("s3", endpoint_url=E, **kw)


s3 = client(cfg["key"], cfg["secret"])
B = "suite-bucket"


def raw(method, url, data=None, headers=None):
    """A raw HTTP request with no implicit headers (urllib would add a
    Content-Type, which SigV2 presigned URLs sign); returns (status, body)."""
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    try:
        conn.request(method, u.path + ("?" + u.query if u.query else ""), body=data, headers=headers or {})
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def xml_code(body):
    text = body.decode("utf-8", "replace")
    start, end = text.find("<Code>"), text.find("</Code>")
    return text[start + 6:end] if start >= 0 and end > start else ""


def exists(key, bucket=B):
    try:
        s3.head_object(Bucket=bucket, Key=key)
        return True
    except Exception as e:  # noqa: BLE001
        if error_code(e) in ("404", "NoSuchKey"):
            return False
        raise


@check("client: create, head and locate a bucket")
def _():
    s3.create_bucket(Bucket=B)
    s3.head_bucket(Bucket=B)
    loc = s3.get_bucket_location(Bucket=B).get("LocationConstraint")
    expect(loc in (None, ""), "LocationConstraint %r for us-east-1" % loc)
    expect_client_error(lambda: s3.head_bucket(Bucket="suite-missing"), "404", "NoSuchBucket")
    names = [b["Name"] for b in s3.list_buckets()["Buckets"]]
    expect(B in names, "list_buckets: %r" % names)


@check("client: put and get with metadata and the default CRC32 checksum")
def _():
    body = content("meta", 100_000)
    put = s3.put_object(Bucket=B, Key="dir/meta.bin", Body=body, ContentType="application/x-test",
                        CacheControl="max-age=60", Metadata={"Color": "blue", "x": "1"})
    want_crc = base64.b64encode(zlib.crc32(body).to_bytes(4, "big")).decode()
    expect(put.get("ChecksumCRC32") in (None, want_crc), "put checksum %r" % put.get("ChecksumCRC32"))
    got = s3.get_object(Bucket=B, Key="dir/meta.bin", ChecksumMode="ENABLED")
    data = got["Body"].read()
    expect(data == body, "body differs (%d bytes read)" % len(data))
    expect(got["ContentType"] == "application/x-test", "ContentType %r" % got["ContentType"])
    expect(got["CacheControl"] == "max-age=60", "CacheControl %r" % got.get("CacheControl"))
    expect(got["Metadata"] == {"color": "blue", "x": "1"}, "Metadata %r" % got["Metadata"])
    expect(got.get("ChecksumCRC32") == want_crc, "stored checksum %r, want %r" % (got.get("ChecksumCRC32"), want_crc))
    expect(got["ETag"] == '"%s"' % hashlib.md5(body).hexdigest(), "ETag %r" % got["ETag"])
    return "ETag %s, CRC32 %s" % (got["ETag"], want_crc)


@check("client: ranged and conditional GET")
def _():
    body = content("meta", 100_000)
    r = s3.get_object(Bucket=B, Key="dir/meta.bin", Range="bytes=10-19")
    expect(r["Body"].read() == body[10:20], "range body differs")
    expect(r["ContentRange"] == "bytes 10-19/100000", "ContentRange %r" % r["ContentRange"])
    r = s3.get_object(Bucket=B, Key="dir/meta.bin", Range="bytes=-5")
    expect(r["Body"].read() == body[-5:], "suffix range differs")
    etag = s3.head_object(Bucket=B, Key="dir/meta.bin")["ETag"]
    expect_client_error(lambda: s3.get_object(Bucket=B, Key="dir/meta.bin", IfNoneMatch=etag), "304", "NotModified")
    expect_client_error(lambda: s3.get_object(Bucket=B, Key="dir/meta.bin", IfMatch='"nope"'), "PreconditionFailed", "412")
    expect_client_error(lambda: s3.get_object(Bucket=B, Key="missing"), "NoSuchKey")


@check("client: list_objects_v2 with prefix, delimiter and pagination")
def _():
    keys = ["list/a", "list/b/1", "list/b/2", "list/c", "list/d"]
    for k in keys:
        s3.put_object(Bucket=B, Key=k, Body=k.encode())
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=B, Prefix="list/", PaginationConfig={"PageSize": 2})
    seen = [o["Key"] for p in pages for o in p.get("Contents", [])]
    expect(seen == keys, "paginated %r" % seen)
    r = s3.list_objects_v2(Bucket=B, Prefix="list/", Delimiter="/")
    expect([o["Key"] for o in r["Contents"]] == ["list/a", "list/c", "list/d"], "contents %r" % r["Contents"])
    expect([p["Prefix"] for p in r["CommonPrefixes"]] == ["list/b/"], "prefixes %r" % r["CommonPrefixes"])
    v1 = s3.list_objects(Bucket=B, Prefix="list/", MaxKeys=3)
    expect(v1["IsTruncated"] and len(v1["Contents"]) == 3, "v1 page %r" % v1)


@check("client: keys with odd characters round-trip")
def _():
    odd = ["a//b/../c ü+%.txt", "../../etc/passwd", "sp ace/?query=1&x#frag", "tab\there"]
    for k in odd:
        s3.put_object(Bucket=B, Key=k, Body=k.encode())
        got = s3.get_object(Bucket=B, Key=k)["Body"].read()
        expect(got == k.encode(), "key %r read back %r" % (k, got))
    listed = {o["Key"] for o in s3.list_objects_v2(Bucket=B)["Contents"]}
    expect(set(odd) <= listed, "missing from listing: %r" % (set(odd) - listed))
    s3.delete_objects(Bucket=B, Delete={"Objects": [{"Key": k} for k in odd], "Quiet": True})
    expect(not any(exists(k) for k in odd), "delete_objects left keys behind")


@check("client: copy_object keeps or replaces metadata")
def _():
    s3.copy_object(Bucket=B, Key="copy/same", CopySource={"Bucket": B, "Key": "dir/meta.bin"})
    h = s3.head_object(Bucket=B, Key="copy/same")
    expect(h["Metadata"] == {"color": "blue", "x": "1"}, "COPY metadata %r" % h["Metadata"])
    s3.copy_object(Bucket=B, Key="copy/new", CopySource={"Bucket": B, "Key": "dir/meta.bin"},
                   MetadataDirective="REPLACE", Metadata={"y": "2"}, ContentType="text/plain")
    h = s3.head_object(Bucket=B, Key="copy/new")
    expect(h["Metadata"] == {"y": "2"} and h["ContentType"] == "text/plain", "REPLACE gave %r" % h)


@check("client: list_object_versions on an unversioned bucket")
def _():
    r = s3.list_object_versions(Bucket=B, Prefix="list/")
    keys = [v["Key"] for v in r.get("Versions", [])]
    expect(keys == ["list/a", "list/b/1", "list/b/2", "list/c", "list/d"], "versions %r" % keys)
    expect(all(v.get("VersionId") == "null" for v in r["Versions"]), "VersionId not null")


@check("client: multipart API by hand, ETag md5-of-md5s-N")
def _():
    parts = [content("mp1", 5 << 20), content("mp2", 1000)]
    up = s3.create_multipart_upload(Bucket=B, Key="mp/hand")
    etags = []
    for i, p in enumerate(parts, 1):
        etags.append(s3.upload_part(Bucket=B, Key="mp/hand", UploadId=up["UploadId"], PartNumber=i, Body=p)["ETag"])
    listed = s3.list_parts(Bucket=B, Key="mp/hand", UploadId=up["UploadId"])["Parts"]
    expect([p["PartNumber"] for p in listed] == [1, 2], "list_parts %r" % listed)
    s3.complete_multipart_upload(Bucket=B, Key="mp/hand", UploadId=up["UploadId"], MultipartUpload={
        "Parts": [{"PartNumber": i + 1, "ETag": e} for i, e in enumerate(etags)]})
    want = '"%s-2"' % hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest()
    h = s3.head_object(Bucket=B, Key="mp/hand")
    expect(h["ETag"] == want, "ETag %r, want %r" % (h["ETag"], want))
    data = s3.get_object(Bucket=B, Key="mp/hand")["Body"].read()
    expect(data == b"".join(parts), "assembled body differs")
    up = s3.create_multipart_upload(Bucket=B, Key="mp/aborted")
    s3.abort_multipart_upload(Bucket=B, Key="mp/aborted", UploadId=up["UploadId"])
    expect_client_error(lambda: s3.list_parts(Bucket=B, Key="mp/aborted", UploadId=up["UploadId"]), "NoSuchUpload")


@check("transfer: upload_file and download_file, 20 MiB with an 8 MiB threshold")
def _():
    src = os.path.join(cfg["tmp"], "big.bin")
    dst = os.path.join(cfg["tmp"], "big.out")
    data = content("big", 20 << 20)
    with open(src, "wb") as f:
        f.write(data)
    tc = TransferConfig(multipart_threshold=8 << 20, multipart_chunksize=8 << 20, max_concurrency=4)
    s3.upload_file(src, B, "big/file.bin", Config=tc)
    etag = s3.head_object(Bucket=B, Key="big/file.bin")["ETag"]
    expect(etag.endswith('-3"'), "ETag %r is not a 3-part multipart ETag" % etag)
    s3.download_file(B, "big/file.bin", dst, Config=tc)
    with open(dst, "rb") as f:
        got = f.read()
    expect(hashlib.sha256(got).digest() == hashlib.sha256(data).digest(), "downloaded file differs")
    return "ETag " + etag


@check("resource API: bucket, objects, filter, batch delete")
def _():
    res = boto3.Session(aws_access_key_id=cfg["key"], aws_secret_access_key=cfg["secret"],
                        region_name="us-east-1").resource("s3", endpoint_url=E)
    bucket = res.Bucket("suite-resource")
    bucket.create()
    for i in range(3):
        bucket.put_object(Key="r/%d" % i, Body=b"resource %d" % i)
    obj = res.Object("suite-resource", "r/1")
    expect(obj.get()["Body"].read() == b"resource 1", "Object.get")
    expect(obj.content_length == 10, "content_length %r" % obj.content_length)
    keys = [o.key for o in bucket.objects.filter(Prefix="r/")]
    expect(keys == ["r/0", "r/1", "r/2"], "filter %r" % keys)
    bucket.objects.all().delete()
    bucket.delete()
    expect("suite-resource" not in [b.name for b in res.buckets.all()], "bucket not deleted")


def tamper_signature(url):
    """Change the first character of the (v2 or v4) signature parameter."""
    m = re.search(r"(Signature=)([^&])", url)
    repl = "0" if m.group(2) != "0" else "1"
    return url[:m.start(2)] + repl + url[m.end(2):]


class _TwoHoursAgo:
    """Stands in for the time module inside botocore.auth (SigV2 presign)."""

    def __getattr__(self, name):
        return getattr(time, name)

    def time(self):
        return time.time() - 7200


def presign_expired(c, op, params):
    """A presigned URL that expired: signed two hours ago for 60 seconds."""
    real_dt, real_time = botocore.auth.get_current_datetime, botocore.auth.time
    botocore.auth.get_current_datetime = lambda *a, **k: real_dt(*a, **k) - datetime.timedelta(hours=2)
    botocore.auth.time = _TwoHoursAgo()
    try:
        return c.generate_presigned_url(op, Params=params, ExpiresIn=60)
    finally:
        botocore.auth.get_current_datetime, botocore.auth.time = real_dt, real_time


def presign_checks(c, label):
    url = c.generate_presigned_url("get_object", Params={"Bucket": B, "Key": "list/a"}, ExpiresIn=300)
    status, body = raw("GET", url)
    expect(status == 200 and body == b"list/a", "GET %d %r\n%s" % (status, body[:300], url))
    status, body = raw("GET", url.replace("list/a", "list/c"))
    expect(status == 403 and xml_code(body) == "SignatureDoesNotMatch", "tampered key: %d %s" % (status, xml_code(body)))
    status, body = raw("GET", tamper_signature(url))
    expect(status == 403 and xml_code(body) == "SignatureDoesNotMatch", "tampered signature: %d %s" % (status, xml_code(body)))
    expired = presign_expired(c, "get_object", {"Bucket": B, "Key": "list/a"})
    status, body = raw("GET", expired)
    expect(status == 403 and xml_code(body) == "AccessDenied", "expired: %d %s\n%s" % (status, body[:300], expired))

    key = "presigned/" + label
    url = c.generate_presigned_url("put_object", Params={"Bucket": B, "Key": key}, ExpiresIn=300)
    status, body = raw("PUT", url, data=b"via presigned put")
    expect(status == 200, "PUT %d %r" % (status, body[:300]))
    got = s3.get_object(Bucket=B, Key=key)["Body"].read()
    expect(got == b"via presigned put", "read back %r" % got)
    status, body = raw("PUT", url.replace(key, key + "-evil"), data=b"evil")
    expect(status == 403 and xml_code(body) == "SignatureDoesNotMatch", "tampered PUT: %d %s" % (status, xml_code(body)))
    status, body = raw("PUT", presign_expired(c, "put_object", {"Bucket": B, "Key": key + "-late"}), data=b"late")
    expect(status == 403 and xml_code(body) == "AccessDenied", "expired PUT: %d %s" % (status, xml_code(body)))
    expect(not exists(key + "-evil") and not exists(key + "-late"), "a refused presigned PUT wrote an object")
    return url.split("?")[1][:40] + "..."


@check("presigned GET and PUT, boto3's default (SigV2 query auth); tampered and expired refused")
def _():
    return presign_checks(s3, "v2")


@check("presigned GET and PUT with signature_version=s3v4; tampered and expired refused")
def _():
    return presign_checks(client(cfg["key"], cfg["secret"], config=Config(signature_version="s3v4")), "v4")


@check("wrong secret: SignatureDoesNotMatch and nothing written")
def _():
    bad = client(cfg["key"], cfg["secret"][:-1] + ("A" if cfg["secret"][-1] != "A" else "B"), config=NO_RETRY)
    expect_client_error(lambda: bad.put_object(Bucket=B, Key="auth/wrong-secret", Body=b"x"), "SignatureDoesNotMatch")
    expect_client_error(lambda: bad.create_bucket(Bucket="auth-wrong-secret"), "SignatureDoesNotMatch")
    expect(not exists("auth/wrong-secret"), "object written")
    expect_client_error(lambda: s3.head_bucket(Bucket="auth-wrong-secret"), "404", "NoSuchBucket")


@check("unknown key: InvalidAccessKeyId and nothing written")
def _():
    bad = client("AKIAUNKNOWNUNKNOWN22", cfg["secret"], config=NO_RETRY)
    expect_client_error(lambda: bad.put_object(Bucket=B, Key="auth/unknown", Body=b"x"), "InvalidAccessKeyId")
    expect(not exists("auth/unknown"), "object written")


@check("unsigned requests: AccessDenied and nothing written")
def _():
    anon = boto3.Session(region_name="us-east-1").client(
        "s3", endpoint_url=E, config=Config(signature_version=UNSIGNED, retries={"total_max_attempts": 1}))
    expect_client_error(lambda: anon.put_object(Bucket=B, Key="auth/unsigned", Body=b"x"), "AccessDenied")
    expect_client_error(lambda: anon.list_objects_v2(Bucket=B), "AccessDenied")
    status, body = raw("PUT", E + "/" + B + "/auth/raw", data=b"raw")
    expect(status == 403 and xml_code(body) == "AccessDenied", "raw PUT: %d %s" % (status, body[:200]))
    expect(not exists("auth/unsigned") and not exists("auth/raw"), "object written")


@check("read-only key reads but may not write")
def _():
    ro = client(cfg["ro_key"], cfg["ro_secret"], config=NO_RETRY)
    expect(ro.get_object(Bucket=B, Key="list/a")["Body"].read() == b"list/a", "read failed")
    expect_client_error(lambda: ro.put_object(Bucket=B, Key="auth/ro", Body=b"x"), "AccessDenied")
    expect_client_error(lambda: ro.delete_object(Bucket=B, Key="list/a"), "AccessDenied")
    expect(not exists("auth/ro") and exists("list/a"), "read-only key changed the bucket")


@check("bucket-scoped key may use only its bucket")
def _():
    sb = cfg["scoped_bucket"]
    s3.create_bucket(Bucket=sb)
    sc = client(cfg["scoped_key"], cfg["scoped_secret"], config=NO_RETRY)
    sc.put_object(Bucket=sb, Key="mine", Body=b"ok")
    expect(sc.get_object(Bucket=sb, Key="mine")["Body"].read() == b"ok", "own bucket read")
    expect_client_error(lambda: sc.get_object(Bucket=B, Key="list/a"), "AccessDenied")
    expect_client_error(lambda: sc.put_object(Bucket=B, Key="auth/scoped", Body=b"x"), "AccessDenied")
    expect(not exists("auth/scoped"), "scoped key wrote outside its bucket")


@check("DeleteBucket on a non-empty bucket: BucketNotEmpty")
def _():
    expect_client_error(lambda: s3.delete_bucket(Bucket=B), "BucketNotEmpty")


finish()
