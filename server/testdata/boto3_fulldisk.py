"""A server whose disk is full, with real boto3.

The server refuses put_object (the store answers ErrInsufficientStorage):
boto3 must get 507 InsufficientStorage with the server's message, at once
(botocore retries 500 and 503, not 507), while listing and deleting the
objects already stored still work, which is how a user frees space.

Credentials, region and endpoint come from the environment
(s3test.Server.Env). Prints one line per step; exits non-zero on failure.
"""
import boto3
from botocore.exceptions import ClientError

s3 = boto3.client("s3")
bucket = "full"

print("step put_object on a full disk", flush=True)
try:
    s3.put_object(Bucket=bucket, Key="new", Body=b"data")
    raise AssertionError("put_object succeeded on a full disk")
except ClientError as e:
    status = e.response["ResponseMetadata"]["HTTPStatusCode"]
    code = e.response["Error"]["Code"]
    retries = e.response["ResponseMetadata"].get("RetryAttempts")
    print(status, code, retries, e.response["Error"]["Message"])
    assert status == 507 and code == "InsufficientStorage", (status, code)
    assert "disk is full" in e.response["Error"]["Message"]
    assert retries == 0, retries

print("step list and delete", flush=True)
keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
assert keys == ["old"], keys
s3.delete_object(Bucket=bucket, Key="old")
assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0
print("OK")
