"""Behaviours clients rely on, as AWS documents them, against a running
s3kit server in us-east-1, with real boto3 parsing every answer.

- create_bucket in any region: get_bucket_location, head_bucket's
  BucketRegion and list_buckets' BucketRegion report it; without a
  constraint the bucket is in the server's region; creating a bucket you
  own again succeeds (us-east-1's legacy answer).
- delete_bucket with an unfinished multipart upload succeeds.
- complete_multipart_upload retried after it succeeded returns the same
  ETag.
- list_objects_v2 with EncodingType="url" leaves "/" unencoded.
- metadata sent as an RFC 2047 encoded-word comes back as it was sent.
- delete_object with IfMatch and delete_objects with ETag are conditional.
- DSSE-KMS uploads fail with NotImplemented and store nothing;
  AES256 works.
- get_object with a PartNumber past the parts is 416 InvalidPartNumber.
- a presigned POST stores its file.

Credentials, region and endpoint come from the environment
(s3test.Server.Env). Prints one line per step; exits non-zero on failure.
"""
import email.header

import boto3
import requests
from botocore.exceptions import ClientError

s3 = boto3.client("s3")


def step(name):
    print("step", name, flush=True)


def error(fn, **kw):
    try:
        fn(**kw)
    except ClientError as e:
        return e.response
    raise AssertionError("%s succeeded" % fn.__name__)


def code(r):
    return r["Error"]["Code"], r["ResponseMetadata"]["HTTPStatusCode"]


step("create_bucket in any region")
s3.create_bucket(Bucket="far", CreateBucketConfiguration={"LocationConstraint": "ap-southeast-2"})
s3.create_bucket(Bucket="near")
assert s3.get_bucket_location(Bucket="far")["LocationConstraint"] == "ap-southeast-2"
assert s3.get_bucket_location(Bucket="near")["LocationConstraint"] is None
assert s3.head_bucket(Bucket="far")["BucketRegion"] == "ap-southeast-2"
assert s3.head_bucket(Bucket="near")["BucketRegion"] == "us-east-1"
regions = {b["Name"]: b.get("BucketRegion") for b in s3.list_buckets()["Buckets"]}
assert regions == {"far": "ap-southeast-2", "near": "us-east-1"}, regions

step("create_bucket of a bucket you own, in us-east-1")
s3.put_object(Bucket="near", Key="kept", Body=b"kept")
s3.create_bucket(Bucket="near")
assert s3.get_object(Bucket="near", Key="kept")["Body"].read() == b"kept"

step("delete_bucket with an unfinished multipart upload")
up = s3.create_multipart_upload(Bucket="far", Key="interrupted")
s3.upload_part(Bucket="far", Key="interrupted", UploadId=up["UploadId"], PartNumber=1, Body=b"part")
s3.delete_bucket(Bucket="far")
assert code(error(s3.head_bucket, Bucket="far"))[1] == 404

step("complete_multipart_upload retried")
up = s3.create_multipart_upload(Bucket="near", Key="mp")
p = s3.upload_part(Bucket="near", Key="mp", UploadId=up["UploadId"], PartNumber=1, Body=b"only part")
parts = {"Parts": [{"PartNumber": 1, "ETag": p["ETag"]}]}
first = s3.complete_multipart_upload(Bucket="near", Key="mp", UploadId=up["UploadId"], MultipartUpload=parts)
again = s3.complete_multipart_upload(Bucket="near", Key="mp", UploadId=up["UploadId"], MultipartUpload=parts)
assert again["ETag"] == first["ETag"], (first, again)
assert s3.head_object(Bucket="near", Key="mp")["ETag"] == first["ETag"]

step("list_objects_v2 with EncodingType=url")
for k in ("foo+1/bar", "foo/bar/xyzzy", "quux ab/thud", "asdf+b"):
    s3.put_object(Bucket="near", Key="enc/" + k, Body=b"x")
r = s3.list_objects_v2(Bucket="near", Prefix="enc/", Delimiter="/", EncodingType="url")
assert [o["Key"] for o in r["Contents"]] == ["enc/asdf%2Bb"], r["Contents"]
assert [c["Prefix"] for c in r["CommonPrefixes"]] == ["enc/foo%2B1/", "enc/foo/", "enc/quux%20ab/"], r["CommonPrefixes"]
assert r["Delimiter"] == "/"

step("non-ASCII metadata as an RFC 2047 encoded-word")
word = email.header.Header("café ☕", "utf-8").encode()
s3.put_object(Bucket="near", Key="meta", Body=b"x", Metadata={"drink": word})
got = s3.head_object(Bucket="near", Key="meta")["Metadata"]["drink"]
decoded = "".join(p.decode(c or "ascii") if isinstance(p, bytes) else p for p, c in email.header.decode_header(got))
assert decoded == "café ☕", (word, got, decoded)

step("conditional deletes")
etag = s3.put_object(Bucket="near", Key="cond", Body=b"x")["ETag"]
assert code(error(s3.delete_object, Bucket="near", Key="cond", IfMatch='"00000000000000000000000000000000"')) == (
    "PreconditionFailed", 412)
s3.delete_object(Bucket="near", Key="cond", IfMatch=etag)
assert code(error(s3.delete_object, Bucket="near", Key="cond", IfMatch=etag)) == ("NoSuchKey", 404)
a = s3.put_object(Bucket="near", Key="a", Body=b"a")["ETag"]
s3.put_object(Bucket="near", Key="b", Body=b"b")
r = s3.delete_objects(Bucket="near", Delete={"Objects": [{"Key": "a", "ETag": a}, {"Key": "b", "ETag": a}]})
assert [d["Key"] for d in r.get("Deleted", [])] == ["a"], r
assert [(x["Key"], x["Code"]) for x in r["Errors"]] == [("b", "PreconditionFailed")], r["Errors"]

step("encryption s3kit does not implement")
for kw in ({"ServerSideEncryption": "aws:kms:dsse"},):
    assert code(error(s3.put_object, Bucket="near", Key="secret", Body=b"secret", **kw)) == ("NotImplemented", 501), kw
    assert code(error(s3.create_multipart_upload, Bucket="near", Key="secret", **kw)) == ("NotImplemented", 501), kw
assert code(error(s3.head_object, Bucket="near", Key="secret"))[1] == 404
assert not s3.list_multipart_uploads(Bucket="near").get("Uploads")
s3.put_object(Bucket="near", Key="sse-s3", Body=b"x", ServerSideEncryption="AES256")

step("get_object with a PartNumber past the parts")
r = error(s3.get_object, Bucket="near", Key="kept", PartNumber=2)
assert code(r) == ("InvalidPartNumber", 416), r

step("presigned POST")
post = s3.generate_presigned_post(Bucket="near", Key="posted")
resp = requests.post(post["url"], data=post["fields"], files={"file": ("f", b"data")}, timeout=30)
assert resp.status_code == 204, (resp.status_code, resp.content)
assert s3.get_object(Bucket="near", Key="posted")["Body"].read() == b"data"

print("\nOK", flush=True)
