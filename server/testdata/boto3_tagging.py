"""Object and bucket tagging against a running s3kit server, with real boto3.

put_object(Tagging=...), get/put/delete_object_tagging, TagCount on
get_object and head_object, copy_object with TaggingDirective COPY and
REPLACE, get/put/delete_bucket_tagging (NoSuchTagSet for a bucket without
tags), and S3's errors for invalid tag sets.

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



def bucket_tags(name):
    return {t["Key"]: t["Value"] for t in s3.get_bucket_tagging(Bucket=name)["TagSet"]}


def no_tag_set(name):
    try:
        s3.get_bucket_tagging(Bucket=name)
    except ClientError as e:
        err = e.response["Error"]
        assert err["Code"] == "NoSuchTagSet" and err["Message"] == "The TagSet does not exist", err
        assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 404, e.response
        return True
    return False


step("get_bucket_tagging without tags")
assert no_tag_set(bucket)

step("put_bucket_tagging")
r = s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [
    {"Key": "team", "Value": "blue sky"}, {"Key": "cost-center", "Value": "42"}, {"Key": "empty", "Value": ""}]})
assert r["ResponseMetadata"]["HTTPStatusCode"] == 204, r["ResponseMetadata"]
assert bucket_tags(bucket) == {"team": "blue sky", "cost-center": "42", "empty": ""}, bucket_tags(bucket)
# A put replaces the whole set; object tags are separate.
s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "only", "Value": "one"}]})
assert bucket_tags(bucket) == {"only": "one"}, bucket_tags(bucket)
assert tags("copy2") == {"fresh": "1"}, tags("copy2")
fifty = [{"Key": "k%d" % i, "Value": "v"} for i in range(50)]
s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": fifty})
assert len(bucket_tags(bucket)) == 50

step("bucket tagging limits")
fifty_one = fifty + [{"Key": "k50", "Value": "v"}]
assert error_code(s3.put_bucket_tagging, Bucket=bucket, Tagging={"TagSet": fifty_one}) == "BadRequest"
assert error_code(s3.put_bucket_tagging, Bucket=bucket, Tagging={"TagSet": dup}) == "InvalidTag"
assert error_code(s3.put_bucket_tagging, Bucket=bucket, Tagging={"TagSet": long_key}) == "InvalidTag"
assert error_code(s3.put_bucket_tagging, Bucket=bucket, Tagging={"TagSet": long_value}) == "InvalidTag"
system = [{"Key": "aws:cost", "Value": "v"}]
assert error_code(s3.put_bucket_tagging, Bucket=bucket, Tagging={"TagSet": system}) == "InvalidTag"
assert len(bucket_tags(bucket)) == 50, "a refused put changed the tags"

step("delete_bucket_tagging")
r = s3.delete_bucket_tagging(Bucket=bucket)
assert r["ResponseMetadata"]["HTTPStatusCode"] == 204, r["ResponseMetadata"]
assert no_tag_set(bucket)
s3.delete_bucket_tagging(Bucket=bucket)  # nothing to delete is no error
s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "a", "Value": "1"}]})
s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": []})
assert no_tag_set(bucket), "an empty set did not remove the tags"

step("bucket tagging of a missing or re-created bucket")
for fn, kw in ((s3.get_bucket_tagging, {}), (s3.delete_bucket_tagging, {}),
               (s3.put_bucket_tagging, {"Tagging": {"TagSet": [{"Key": "a", "Value": "1"}]}})):
    assert error_code(fn, Bucket="no-such-bucket", **kw) == "NoSuchBucket", fn.__name__
s3.create_bucket(Bucket="tagging-again")
s3.put_bucket_tagging(Bucket="tagging-again", Tagging={"TagSet": [{"Key": "gone", "Value": "soon"}]})
s3.delete_bucket(Bucket="tagging-again")
s3.create_bucket(Bucket="tagging-again")
assert no_tag_set("tagging-again"), "a re-created bucket kept its tags"

print("\nOK", flush=True)
