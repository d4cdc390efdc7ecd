"""Server-side encryption (SSE-S3, SSE-C) against a running s3kit server, with real boto3.

put_object/get_object/head_object/copy_object with
ServerSideEncryption="AES256" and the ServerSideEncryption field on every
answer; ranged GETs of an encrypted single-part and multipart object
(ranges across packages and parts); upload_part, complete and list_parts
on an encrypted upload; a copy from encrypted to plain and back; the
ETag of a single PUT is the plaintext's MD5, as on AWS; an unknown
algorithm is InvalidArgument. SSE-C: the key is needed to read (400
without it, 403 with another key), multipart with the key and a ranged
GET across its parts, a copy from an SSE-C source. Bucket default
encryption: put, get, applied to a PUT, deleted.

Credentials, region and endpoint come from the environment
(s3test.Server.Env). Prints one line per step; exits non-zero on failure.
"""
import hashlib
import os

import boto3
from botocore.exceptions import ClientError

s3 = boto3.client("s3")
bucket = "sse"
s3.create_bucket(Bucket=bucket)


def step(name):
    print("step", name, flush=True)


def error_code(fn, **kw):
    try:
        fn(**kw)
    except ClientError as e:
        return e.response["Error"]["Code"]
    raise AssertionError("%s succeeded" % fn.__name__)


body = os.urandom(300 * 1024 + 7)

step("put_object AES256")
r = s3.put_object(Bucket=bucket, Key="k", Body=body, ServerSideEncryption="AES256")
assert r["ServerSideEncryption"] == "AES256", r
assert r["ETag"] == '"%s"' % hashlib.md5(body).hexdigest(), r["ETag"]

step("get_object and head_object")
g = s3.get_object(Bucket=bucket, Key="k")
assert g["ServerSideEncryption"] == "AES256"
assert g["ContentLength"] == len(body)
assert g["Body"].read() == body
h = s3.head_object(Bucket=bucket, Key="k")
assert h["ServerSideEncryption"] == "AES256" and h["ContentLength"] == len(body)
listed = s3.list_objects_v2(Bucket=bucket)["Contents"][0]
assert listed["Size"] == len(body) and listed["ETag"] == r["ETag"], listed

step("ranged get")
for first, last in [(0, 0), (65535, 65537), (100000, 250000), (len(body) - 10, len(body) - 1)]:
    g = s3.get_object(Bucket=bucket, Key="k", Range="bytes=%d-%d" % (first, last))
    assert g["Body"].read() == body[first:last + 1], (first, last)
    assert g["ContentRange"] == "bytes %d-%d/%d" % (first, last, len(body))

step("unencrypted object has no ServerSideEncryption")
s3.put_object(Bucket=bucket, Key="plain", Body=b"plain")
assert "ServerSideEncryption" not in s3.head_object(Bucket=bucket, Key="plain")

step("copy_object plain -> AES256 -> plain")
c = s3.copy_object(Bucket=bucket, Key="c1", CopySource={"Bucket": bucket, "Key": "plain"}, ServerSideEncryption="AES256")
assert c["ServerSideEncryption"] == "AES256"
assert s3.head_object(Bucket=bucket, Key="c1")["ServerSideEncryption"] == "AES256"
c = s3.copy_object(Bucket=bucket, Key="c2", CopySource={"Bucket": bucket, "Key": "k"})
assert "ServerSideEncryption" not in c
assert s3.get_object(Bucket=bucket, Key="c2")["Body"].read() == body
c = s3.copy_object(Bucket=bucket, Key="k", CopySource={"Bucket": bucket, "Key": "k"}, ServerSideEncryption="AES256")
assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == body

step("multipart AES256 and ranged get across parts")
u = s3.create_multipart_upload(Bucket=bucket, Key="mp", ServerSideEncryption="AES256")
assert u["ServerSideEncryption"] == "AES256"
parts = [os.urandom(5 * 1024 * 1024 + 11), os.urandom(5 * 1024 * 1024), os.urandom(12345)]
done = []
for i, p in enumerate(parts, 1):
    pr = s3.upload_part(Bucket=bucket, Key="mp", UploadId=u["UploadId"], PartNumber=i, Body=p)
    assert pr["ServerSideEncryption"] == "AES256"
    done.append({"PartNumber": i, "ETag": pr["ETag"]})
lp = s3.list_parts(Bucket=bucket, Key="mp", UploadId=u["UploadId"])
assert [p["Size"] for p in lp["Parts"]] == [len(p) for p in parts], lp["Parts"]
cr = s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=u["UploadId"], MultipartUpload={"Parts": done})
assert cr["ServerSideEncryption"] == "AES256"
whole = b"".join(parts)
h = s3.head_object(Bucket=bucket, Key="mp")
assert h["ContentLength"] == len(whole) and h["ServerSideEncryption"] == "AES256"
edge = len(parts[0])
for first, last in [(edge - 5, edge + 5), (0, len(whole) - 1), (edge + len(parts[1]) - 1, len(whole) - 1)]:
    g = s3.get_object(Bucket=bucket, Key="mp", Range="bytes=%d-%d" % (first, last))
    assert g["Body"].read() == whole[first:last + 1], (first, last)
g = s3.get_object(Bucket=bucket, Key="mp", PartNumber=2)
assert g["Body"].read() == parts[1] and g["ContentLength"] == len(parts[1])

step("SSE-C put, get with the key, without it, with another")
key_a, key_b = os.urandom(32), os.urandom(32)
r = s3.put_object(Bucket=bucket, Key="c", Body=body, SSECustomerAlgorithm="AES256", SSECustomerKey=key_a)
assert r["SSECustomerAlgorithm"] == "AES256" and "SSECustomerKeyMD5" in r and "ServerSideEncryption" not in r, r
g = s3.get_object(Bucket=bucket, Key="c", SSECustomerAlgorithm="AES256", SSECustomerKey=key_a)
assert g["Body"].read() == body and g["SSECustomerAlgorithm"] == "AES256"
try:
    s3.get_object(Bucket=bucket, Key="c")
    raise AssertionError("GET without the key succeeded")
except ClientError as e:
    assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 400, e.response
    assert e.response["Error"]["Code"] == "InvalidRequest", e.response
try:
    s3.head_object(Bucket=bucket, Key="c", SSECustomerAlgorithm="AES256", SSECustomerKey=key_b)
    raise AssertionError("HEAD with another key succeeded")
except ClientError as e:
    assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 403, e.response
assert error_code(s3.get_object, Bucket=bucket, Key="c", SSECustomerAlgorithm="AES256", SSECustomerKey=key_b) == "AccessDenied"

step("SSE-C multipart and ranged get across parts")
u = s3.create_multipart_upload(Bucket=bucket, Key="cmp", SSECustomerAlgorithm="AES256", SSECustomerKey=key_a)
assert u["SSECustomerAlgorithm"] == "AES256"
done = []
for i, p in enumerate(parts, 1):
    pr = s3.upload_part(Bucket=bucket, Key="cmp", UploadId=u["UploadId"], PartNumber=i, Body=p,
                        SSECustomerAlgorithm="AES256", SSECustomerKey=key_a)
    done.append({"PartNumber": i, "ETag": pr["ETag"]})
s3.complete_multipart_upload(Bucket=bucket, Key="cmp", UploadId=u["UploadId"], MultipartUpload={"Parts": done})
for first, last in [(edge - 5, edge + 5), (edge + len(parts[1]) - 3, len(whole) - 1)]:
    g = s3.get_object(Bucket=bucket, Key="cmp", Range="bytes=%d-%d" % (first, last), SSECustomerAlgorithm="AES256", SSECustomerKey=key_a)
    assert g["Body"].read() == whole[first:last + 1], (first, last)
assert error_code(s3.get_object, Bucket=bucket, Key="cmp", Range="bytes=0-9") == "InvalidRequest"

step("SSE-C copy source")
c = s3.copy_object(Bucket=bucket, Key="c-plain", CopySource={"Bucket": bucket, "Key": "c"},
                   CopySourceSSECustomerAlgorithm="AES256", CopySourceSSECustomerKey=key_a)
assert s3.get_object(Bucket=bucket, Key="c-plain")["Body"].read() == body

step("bucket default encryption")
assert error_code(s3.get_bucket_encryption, Bucket=bucket) == "ServerSideEncryptionConfigurationNotFoundError"
s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [
    {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": True}]})
rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256" and rule["BucketKeyEnabled"], rule
r = s3.put_object(Bucket=bucket, Key="by-default", Body=b"default")
assert r["ServerSideEncryption"] == "AES256", r
assert s3.get_object(Bucket=bucket, Key="by-default")["ServerSideEncryption"] == "AES256"
s3.delete_bucket_encryption(Bucket=bucket)
assert error_code(s3.get_bucket_encryption, Bucket=bucket) == "ServerSideEncryptionConfigurationNotFoundError"
assert "ServerSideEncryption" not in s3.put_object(Bucket=bucket, Key="after", Body=b"x")

step("unknown algorithm")
assert error_code(s3.put_object, Bucket=bucket, Key="bad", Body=b"x", ServerSideEncryption="AES512") == "InvalidArgument"

print("OK")
