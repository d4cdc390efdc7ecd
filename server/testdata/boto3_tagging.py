"""Object tagging against a running s3kit server, with real boto3.

put_object(Tagging=...), get/put/delete_object_tagging, TagCount on
get_object and head_object, copy_object with TaggingDirective COPY and
REPLACE, and S3's errors for invalid tag sets.

Credentials, region and endpoint come from the environment
(s3test.Server.Env). Prints one line per step; exits non-zero on failure.
"""
import boto3
from botocore.exceptions import ClientError

s3 = boto3.client("s3")
bucket = "tagging"
s3.create_bucket(Bucket=bucket)


def step(name):
    print("step", name, flush=True)


def tags(key):
    return {t["Key"]: t["Value"] for t in s3.get_object_tagging(Bucket=bucket, Key=key)["TagSet"]}


def error_code(fn, **kw):
    try:
        fn(**kw)
    except ClientError as e:
        return e.response["Error"]["Code"]
    raise AssertionError("%s succeeded" % fn.__name__)


step("put_object Tagging")
s3.put_object(Bucket=bucket, Key="k", Body=b"body", Tagging="a=b&c=d&sp%20ace=x%2By")
assert tags("k") == {"a": "b", "c": "d", "sp ace": "x+y"}, tags("k")
assert s3.get_object(Bucket=bucket, Key="k")["TagCount"] == 3
assert s3.head_object(Bucket=bucket, Key="k")["TagCount"] == 3

step("put_object_tagging")
etag = s3.head_object(Bucket=bucket, Key="k")["ETag"]
s3.put_object_tagging(Bucket=bucket, Key="k", Tagging={"TagSet": [
    {"Key": "project", "Value": "blue"}, {"Key": "owner", "Value": "team@example.com"}]})
assert tags("k") == {"project": "blue", "owner": "team@example.com"}, tags("k")
h = s3.head_object(Bucket=bucket, Key="k")
assert h["ETag"] == etag and h["TagCount"] == 2, h

step("copy_object TaggingDirective")
s3.copy_object(Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": "k"})
assert tags("copy") == {"project": "blue", "owner": "team@example.com"}, tags("copy")
s3.copy_object(Bucket=bucket, Key="copy2", CopySource={"Bucket": bucket, "Key": "k"},
               TaggingDirective="REPLACE", Tagging="fresh=1")
assert tags("copy2") == {"fresh": "1"}, tags("copy2")
s3.copy_object(Bucket=bucket, Key="copy3", CopySource={"Bucket": bucket, "Key": "k"},
               TaggingDirective="COPY", Tagging="ignored=1")
assert tags("copy3") == {"project": "blue", "owner": "team@example.com"}, tags("copy3")

step("delete_object_tagging")
s3.delete_object_tagging(Bucket=bucket, Key="k")
assert tags("k") == {}, tags("k")
assert "TagCount" not in s3.head_object(Bucket=bucket, Key="k")

step("limits")
eleven = [{"Key": "k%d" % i, "Value": "v"} for i in range(11)]
assert error_code(s3.put_object_tagging, Bucket=bucket, Key="k", Tagging={"TagSet": eleven}) == "BadRequest"
dup = [{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}]
assert error_code(s3.put_object_tagging, Bucket=bucket, Key="k", Tagging={"TagSet": dup}) == "InvalidTag"
long_key = [{"Key": "k" * 129, "Value": "v"}]
assert error_code(s3.put_object_tagging, Bucket=bucket, Key="k", Tagging={"TagSet": long_key}) == "InvalidTag"
long_value = [{"Key": "k", "Value": "v" * 257}]
assert error_code(s3.put_object_tagging, Bucket=bucket, Key="k", Tagging={"TagSet": long_value}) == "InvalidTag"
assert error_code(s3.put_object_tagging, Bucket=bucket, Key="missing", Tagging={"TagSet": []}) == "NoSuchKey"
assert error_code(s3.put_object, Bucket=bucket, Key="dup", Body=b"x", Tagging="a=1&a=2") == "InvalidArgument"

print("\nOK", flush=True)
