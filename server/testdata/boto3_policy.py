"""Identities, bucket policies and STS against a running s3kit server, with
real boto3.

The owner's key comes from the environment (s3test.Server.Env); BOB_ID and
BOB_SECRET are a key of another account, BOB_ACCOUNT its account ID.
sts.get_caller_identity answers for both; another account is refused
until a bucket policy lets it in; put/get/delete_bucket_policy,
get_bucket_policy_status, MalformedPolicy, an explicit deny, a condition
on s3:prefix, and anonymous reads of a public object (botocore UNSIGNED).
Prints one line per step; exits non-zero on failure.
"""
import json
import os

import boto3
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

s3 = boto3.client("s3")
bob = boto3.client("s3", aws_access_key_id=os.environ["BOB_ID"], aws_secret_access_key=os.environ["BOB_SECRET"])
anon = boto3.client("s3", config=Config(signature_version=UNSIGNED))
bucket = "policies"


def step(name):
    print("step", name, flush=True)


def error_code(fn, **kw):
    try:
        fn(**kw)
    except ClientError as e:
        return e.response["Error"]["Code"]
    raise AssertionError("%s succeeded" % fn.__name__)


step("sts get_caller_identity")
me = boto3.client("sts").get_caller_identity()
assert len(me["Account"]) == 12 and me["Arn"] == "arn:aws:iam::%s:user/%s" % (me["Account"], os.environ["AWS_ACCESS_KEY_ID"]), me
assert me["UserId"].startswith("AIDA"), me
them = boto3.client("sts", aws_access_key_id=os.environ["BOB_ID"], aws_secret_access_key=os.environ["BOB_SECRET"]).get_caller_identity()
assert them["Account"] == os.environ["BOB_ACCOUNT"] and them["Arn"].endswith(":user/bob"), them
bad = boto3.client("sts", aws_access_key_id=os.environ["BOB_ID"], aws_secret_access_key="wrong" * 8)
assert error_code(bad.get_caller_identity) == "SignatureDoesNotMatch"

step("another account is refused")
s3.create_bucket(Bucket=bucket)
s3.put_object(Bucket=bucket, Key="public/a.txt", Body=b"hello")
s3.put_object(Bucket=bucket, Key="private/b.txt", Body=b"secret")
assert error_code(bob.get_object, Bucket=bucket, Key="public/a.txt") == "AccessDenied"
assert error_code(bob.put_object, Bucket=bucket, Key="x", Body=b"x") == "AccessDenied"
assert error_code(anon.get_object, Bucket=bucket, Key="public/a.txt") == "AccessDenied"
assert bucket not in [b["Name"] for b in bob.list_buckets()["Buckets"]]

step("no policy yet")
assert error_code(s3.get_bucket_policy, Bucket=bucket) == "NoSuchBucketPolicy"

step("MalformedPolicy")
try:
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::elsewhere/*"}]}))
    raise AssertionError("malformed policy accepted")
except ClientError as e:
    assert e.response["Error"]["Code"] == "MalformedPolicy", e.response
    assert e.response["Error"]["Message"] == "Policy has invalid resource", e.response

policy = {"Version": "2012-10-17", "Statement": [
    {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
     "Resource": "arn:aws:s3:::%s/public/*" % bucket},
    {"Sid": "BobLists", "Effect": "Allow", "Principal": {"AWS": os.environ["BOB_ACCOUNT"]},
     "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::" + bucket,
     "Condition": {"StringLike": {"s3:prefix": "public/*"}}},
    {"Sid": "NobodyWrites", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
     "Resource": "arn:aws:s3:::%s/public/*" % bucket},
]}

step("only the owner sets the policy")
assert error_code(bob.put_bucket_policy, Bucket=bucket, Policy=json.dumps(policy)) == "AccessDenied"
s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
assert json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"]) == policy
assert s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"]["IsPublic"] is True

step("the policy applies")
assert anon.get_object(Bucket=bucket, Key="public/a.txt")["Body"].read() == b"hello"
assert bob.get_object(Bucket=bucket, Key="public/a.txt")["Body"].read() == b"hello"
assert error_code(anon.get_object, Bucket=bucket, Key="private/b.txt") == "AccessDenied"
assert error_code(anon.put_object, Bucket=bucket, Key="public/new", Body=b"x") == "AccessDenied"
keys = [o["Key"] for o in bob.list_objects_v2(Bucket=bucket, Prefix="public/")["Contents"]]
assert keys == ["public/a.txt"], keys
assert error_code(bob.list_objects_v2, Bucket=bucket, Prefix="private/") == "AccessDenied"
step("explicit deny wins over the owner's own access")
assert error_code(s3.put_object, Bucket=bucket, Key="public/c.txt", Body=b"x") == "AccessDenied"
assert error_code(s3.head_object, Bucket=bucket, Key="public/c.txt") == "404"
s3.put_object(Bucket=bucket, Key="private/c.txt", Body=b"x")

step("delete_bucket_policy")
s3.delete_bucket_policy(Bucket=bucket)
assert error_code(s3.get_bucket_policy, Bucket=bucket) == "NoSuchBucketPolicy"
assert error_code(anon.get_object, Bucket=bucket, Key="public/a.txt") == "AccessDenied"
print("OK")
