"""Multipart checksums against a running s3kit server, with real boto3.

upload_file of a multi-part file with boto3's defaults (CRC32, COMPOSITE),
with ChecksumAlgorithm=CRC32C (needs awscrt in botocore; skipped without
it), and with a precomputed whole-file CRC32 (FULL_OBJECT, verified by the
server at Complete); then head_object and get_object with
ChecksumMode=ENABLED, whose values must equal a local computation and which
botocore validates where it can (whole-object FULL_OBJECT values and part
values; composite "-N" values it skips). Raw upload_part without a checksum
is refused on a CRC32 (COMPOSITE) upload, as is one with another
algorithm, and accepted (the server computes it) on a FULL_OBJECT one.
Conditional complete_multipart_upload (IfNoneMatch "*", IfMatch) answers
412 and 404 as S3 does and leaves a refused upload open.

Credentials, region and endpoint come from the environment
(s3test.Server.Env). Prints one line per step; exits non-zero on failure.
"""
import base64
import hashlib
import os
import sys
import tempfile
import zlib

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.compat import HAS_CRT
from botocore.exceptions import ClientError
from botocore.httpchecksum import StreamingChecksumBody

s3 = boto3.client("s3")
bucket = "mp-checksums"
s3.create_bucket(Bucket=bucket)

chunk = TransferConfig().multipart_chunksize  # boto3's default part size
data = os.urandom(2 * chunk + 12345)  # three parts, the last short
parts = [data[i:i + chunk] for i in range(0, len(data), chunk)]
tmp = tempfile.mkdtemp()
src = os.path.join(tmp, "src.bin")
with open(src, "wb") as f:
    f.write(data)


def step(name):
    print("step", name, flush=True)


def crc32(b):
    return zlib.crc32(b).to_bytes(4, "big")


def crc32c(b):
    from awscrt import checksums
    return checksums.crc32c(b).to_bytes(4, "big")


def b64(raw):
    return base64.b64encode(raw).decode()


def composite(fn):
    return "%s-%d" % (b64(fn(b"".join(fn(p) for p in parts))), len(parts))


def check_object(key, field, want, want_type, part_fn=None):
    """head and get with ChecksumMode=ENABLED return want; the bytes match."""
    h = s3.head_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED")
    assert h.get(field) == want, (key, field, h.get(field), want)
    assert h.get("ChecksumType") == want_type, (key, h.get("ChecksumType"))
    assert h["ETag"].endswith('-%d"' % len(parts)), h["ETag"]
    g = s3.get_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED")
    assert g.get(field) == want and g.get("ChecksumType") == want_type, (key, g.get(field), want)
    # botocore validates a whole-object value while reading (a composite
    # "-N" one it cannot, and skips).
    assert isinstance(g["Body"], StreamingChecksumBody) == ("-" not in want), (key, type(g["Body"]))
    assert g["Body"].read() == data, key
    if part_fn is not None:
        # A COMPOSITE object's part carries the part's own checksum, which
        # botocore validates against the part's bytes.
        p = s3.get_object(Bucket=bucket, Key=key, PartNumber=2, ChecksumMode="ENABLED")
        assert p.get(field) == b64(part_fn(parts[1])), (key, p.get(field))
        assert isinstance(p["Body"], StreamingChecksumBody), type(p["Body"])
        assert p["Body"].read() == parts[1], key
    # A range is not the object: no checksum.
    r = s3.get_object(Bucket=bucket, Key=key, Range="bytes=10-99", ChecksumMode="ENABLED")
    assert field not in r, (key, r.get(field))
    assert r["Body"].read() == data[10:100], key
    print(key, field, want, want_type, flush=True)


step("upload_file defaults (CRC32 COMPOSITE)")
s3.upload_file(src, bucket, "default.bin")
check_object("default.bin", "ChecksumCRC32", composite(crc32), "COMPOSITE", crc32)

step("download_file")
dst = os.path.join(tmp, "dst.bin")
s3.download_file(bucket, "default.bin", dst)
with open(dst, "rb") as f:
    assert hashlib.sha256(f.read()).digest() == hashlib.sha256(data).digest()

step("upload_file ChecksumAlgorithm=CRC32C")
if HAS_CRT:
    s3.upload_file(src, bucket, "crc32c.bin", ExtraArgs={"ChecksumAlgorithm": "CRC32C"})
    check_object("crc32c.bin", "ChecksumCRC32C", composite(crc32c), "COMPOSITE", crc32c)
else:
    print("skip: botocore computes CRC32C only with awscrt, which is not installed", flush=True)

step("upload_file with a whole-file CRC32 (FULL_OBJECT)")
full = b64(crc32(data))
s3.upload_file(src, bucket, "full.bin", ExtraArgs={"ChecksumCRC32": full})
check_object("full.bin", "ChecksumCRC32", full, "FULL_OBJECT")

step("upload_file with a wrong whole-file CRC32")
try:
    s3.upload_file(src, bucket, "wrong.bin", ExtraArgs={"ChecksumCRC32": b64(crc32(b"other"))})
    sys.exit("a wrong full-object checksum was accepted")
except Exception as e:  # s3transfer wraps the ClientError
    cause = e if isinstance(e, ClientError) else e.__cause__ or e.__context__
    assert isinstance(cause, ClientError) and cause.response["Error"]["Code"] == "BadDigest", repr(e)
try:
    s3.head_object(Bucket=bucket, Key="wrong.bin")
    sys.exit("the refused upload created an object")
except ClientError as e:
    assert e.response["Error"]["Code"] == "404", e.response

step("get_object_attributes")
attrs = ["ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"]
a = s3.get_object_attributes(Bucket=bucket, Key="default.bin", ObjectAttributes=attrs)
head = s3.head_object(Bucket=bucket, Key="default.bin")
assert a["ETag"] == head["ETag"].strip('"'), (a["ETag"], head["ETag"])
assert a["ObjectSize"] == len(data) and a["StorageClass"] == "STANDARD", a
# The composite value without its "-N" suffix, as S3 gives it here.
assert a["Checksum"] == {"ChecksumCRC32": composite(crc32).split("-")[0], "ChecksumType": "COMPOSITE"}, a["Checksum"]
op = a["ObjectParts"]
assert op["TotalPartsCount"] == len(parts) and op["IsTruncated"] is False, op
assert [(p["PartNumber"], p["Size"], p["ChecksumCRC32"]) for p in op["Parts"]] == \
    [(i + 1, len(p), b64(crc32(p))) for i, p in enumerate(parts)], op["Parts"]
page = s3.get_object_attributes(Bucket=bucket, Key="default.bin", ObjectAttributes=["ObjectParts"],
                                MaxParts=1, PartNumberMarker=1)["ObjectParts"]
assert [p["PartNumber"] for p in page["Parts"]] == [2] and page["IsTruncated"] is True, page
assert page["NextPartNumberMarker"] == 2, page
f = s3.get_object_attributes(Bucket=bucket, Key="full.bin", ObjectAttributes=["Checksum", "ObjectParts"])
assert f["Checksum"] == {"ChecksumCRC32": full, "ChecksumType": "FULL_OBJECT"}, f["Checksum"]
# No Part elements without a COMPOSITE checksum, but the page's fields all the same.
assert f["ObjectParts"] == {"TotalPartsCount": len(parts), "PartNumberMarker": 0, "NextPartNumberMarker": len(parts),
                            "MaxParts": 1000, "IsTruncated": False}, f["ObjectParts"]
s3.put_object(Bucket=bucket, Key="single", Body=b"single")
one = s3.get_object_attributes(Bucket=bucket, Key="single", ObjectAttributes=attrs)
assert "ObjectParts" not in one and one["ObjectSize"] == 6, one
assert one["Checksum"]["ChecksumType"] == "FULL_OBJECT" and one["Checksum"]["ChecksumCRC32"] == b64(crc32(b"single")), one
for bad in (["Nope"],):
    try:
        s3.get_object_attributes(Bucket=bucket, Key="single", ObjectAttributes=bad)
        sys.exit("an unknown attribute was accepted")
    except ClientError as e:
        assert e.response["Error"]["Code"] == "InvalidArgument", e.response
try:
    s3.get_object_attributes(Bucket=bucket, Key="missing", ObjectAttributes=["ETag"])
    sys.exit("attributes of a missing key")
except ClientError as e:
    assert e.response["Error"]["Code"] == "NoSuchKey", e.response
print(a, flush=True)

step("upload_part without a checksum on a CRC32 upload")
# botocore adds a CRC32 to every part; this client sends parts bare.
bare = boto3.client("s3", config=Config(request_checksum_calculation="when_required"))
up = s3.create_multipart_upload(Bucket=bucket, Key="raw.bin", ChecksumAlgorithm="CRC32")["UploadId"]


def part_error(client, **kw):
    try:
        client.upload_part(Bucket=bucket, Key="raw.bin", UploadId=up, PartNumber=1, Body=parts[0], **kw)
    except ClientError as e:
        return e.response["Error"]
    sys.exit("upload_part %s was accepted" % (kw or "without a checksum"))


err = part_error(bare)
assert err["Code"] == "InvalidRequest", err
assert err["Message"] == "Checksum Type mismatch occurred, expected checksum Type: crc32, actual checksum Type: null", err
err = part_error(s3, ChecksumAlgorithm="SHA256")
assert err["Code"] == "InvalidRequest", err
assert err["Message"] == "Checksum Type mismatch occurred, expected checksum Type: crc32, actual checksum Type: sha256", err
assert "Parts" not in s3.list_parts(Bucket=bucket, Key="raw.bin", UploadId=up), "a refused part was stored"
# botocore's default CRC32 goes through, and the upload completes.
p = s3.upload_part(Bucket=bucket, Key="raw.bin", UploadId=up, PartNumber=1, Body=parts[0])
assert p["ChecksumCRC32"] == b64(crc32(parts[0])), p
done = s3.complete_multipart_upload(Bucket=bucket, Key="raw.bin", UploadId=up, MultipartUpload={"Parts": [
    {"PartNumber": 1, "ETag": p["ETag"], "ChecksumCRC32": p["ChecksumCRC32"]}]})
assert done["ChecksumCRC32"] == "%s-1" % b64(crc32(crc32(parts[0]))), done

step("upload_part without a checksum on a FULL_OBJECT CRC32 upload")
up = s3.create_multipart_upload(Bucket=bucket, Key="raw-full.bin", ChecksumAlgorithm="CRC32",
                                ChecksumType="FULL_OBJECT")["UploadId"]
done = []
for i, part in enumerate(parts):
    r = bare.upload_part(Bucket=bucket, Key="raw-full.bin", UploadId=up, PartNumber=i + 1, Body=part)
    assert "ChecksumCRC32" not in r, r  # computed by the server, not echoed
    done.append({"PartNumber": i + 1, "ETag": r["ETag"]})
listed = s3.list_parts(Bucket=bucket, Key="raw-full.bin", UploadId=up)["Parts"]
assert [p["ChecksumCRC32"] for p in listed] == [b64(crc32(p)) for p in parts], listed
r = s3.complete_multipart_upload(Bucket=bucket, Key="raw-full.bin", UploadId=up, ChecksumType="FULL_OBJECT",
                                 ChecksumCRC32=full, MultipartUpload={"Parts": done})
assert r["ChecksumCRC32"] == full and r["ChecksumType"] == "FULL_OBJECT", r

step("complete_multipart_upload with IfNoneMatch and IfMatch")


def one_part(key, body):
    up = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
    etag = s3.upload_part(Bucket=bucket, Key=key, UploadId=up, PartNumber=1, Body=body)["ETag"]
    return up, {"Parts": [{"PartNumber": 1, "ETag": etag}]}


def complete_error(key, up, doc, **cond):
    try:
        s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=up, MultipartUpload=doc, **cond)
    except ClientError as e:
        return e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"]["Code"]
    sys.exit("complete_multipart_upload %s was accepted" % cond)


up, doc = one_part("cond.bin", b"first")
etag = s3.complete_multipart_upload(Bucket=bucket, Key="cond.bin", UploadId=up, MultipartUpload=doc,
                                    IfNoneMatch="*")["ETag"]
up, doc = one_part("cond.bin", b"second")
assert complete_error("cond.bin", up, doc, IfNoneMatch="*") == (412, "PreconditionFailed")
assert complete_error("cond.bin", up, doc, IfMatch='"0123456789abcdef0123456789abcdef-1"') == (412, "PreconditionFailed")
assert s3.get_object(Bucket=bucket, Key="cond.bin")["Body"].read() == b"first"
s3.complete_multipart_upload(Bucket=bucket, Key="cond.bin", UploadId=up, MultipartUpload=doc, IfMatch=etag)
assert s3.get_object(Bucket=bucket, Key="cond.bin")["Body"].read() == b"second"
up, doc = one_part("cond-new.bin", b"third")
assert complete_error("cond-new.bin", up, doc, IfMatch="*") == (404, "NoSuchKey")
assert complete_error("cond-new.bin", up, doc, IfMatch=etag) == (404, "NoSuchKey")
s3.complete_multipart_upload(Bucket=bucket, Key="cond-new.bin", UploadId=up, MultipartUpload=doc, IfNoneMatch="*")

print("\nOK", flush=True)
