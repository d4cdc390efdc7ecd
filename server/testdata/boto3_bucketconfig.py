"""A new bucket's configuration subresources against a running s3kit
server, with real boto3: botocore must parse every answer.

The gets S3 answers with an error on a new bucket (policy, policy status,
CORS, lifecycle, website, replication, Object Lock, and default encryption,
which s3kit applies only when configured) must raise S3's code, status and
message; the others (accelerate, request payment,
logging, ownership controls, public access block, notifications) must
return S3's new-bucket values. Deleting a configuration the bucket lacks
answers 204; putting one is NotImplemented; a missing bucket is
NoSuchBucket.

Credentials, region and endpoint come from the environment
(s3test.Server.Env). Prints one line per step; exits non-zero on failure.
"""
import boto3
from botocore.exceptions import ClientError

s3 = boto3.client("s3")
bucket = "config"
s3.create_bucket(Bucket=bucket)


def step(name):
    print("step", name, flush=True)


def error(fn, **kw):
    try:
        fn(**kw)
    except ClientError as e:
        return e.response
    raise AssertionError("%s succeeded" % fn.__name__)


step("configurations a new bucket does not have")
for fn, code, msg in (
        (s3.get_bucket_policy, "NoSuchBucketPolicy", "The bucket policy does not exist"),
        (s3.get_bucket_policy_status, "NoSuchBucketPolicy", "The bucket policy does not exist"),
        (s3.get_bucket_cors, "NoSuchCORSConfiguration", "The CORS configuration does not exist"),
        (s3.get_bucket_lifecycle_configuration, "NoSuchLifecycleConfiguration",
         "The lifecycle configuration does not exist"),
        (s3.get_bucket_website, "NoSuchWebsiteConfiguration",
         "The specified bucket does not have a website configuration"),
        (s3.get_bucket_replication, "ReplicationConfigurationNotFoundError",
         "The replication configuration was not found"),
        (s3.get_object_lock_configuration, "ObjectLockConfigurationNotFoundError",
         "Object Lock configuration does not exist for this bucket"),
        (s3.get_bucket_encryption, "ServerSideEncryptionConfigurationNotFoundError",
         "The server side encryption configuration was not found")):
    r = error(fn, Bucket=bucket)
    err = r["Error"]
    assert err["Code"] == code and err["Message"] == msg, (fn.__name__, err)
    assert err.get("BucketName") == bucket, (fn.__name__, err)
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 404, (fn.__name__, r["ResponseMetadata"])
    print("  ", fn.__name__, code, flush=True)


def body(r):
    r = dict(r)
    r.pop("ResponseMetadata")
    return r


step("get_bucket_accelerate_configuration")
r = s3.get_bucket_accelerate_configuration(Bucket=bucket)
assert body(r) == {}, r

step("get_bucket_request_payment")
r = s3.get_bucket_request_payment(Bucket=bucket)
assert body(r) == {"Payer": "BucketOwner"}, r

step("get_bucket_logging")
r = s3.get_bucket_logging(Bucket=bucket)
assert body(r) == {}, r

step("get_bucket_ownership_controls")
r = s3.get_bucket_ownership_controls(Bucket=bucket)
assert body(r) == {"OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}}, r

step("get_public_access_block")
r = s3.get_public_access_block(Bucket=bucket)
assert body(r) == {"PublicAccessBlockConfiguration": {
    "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}}, r

step("get_bucket_notification_configuration")
r = s3.get_bucket_notification_configuration(Bucket=bucket)
assert body(r) == {}, r

step("deleting a configuration the bucket lacks")
for fn in (s3.delete_bucket_policy, s3.delete_bucket_cors, s3.delete_bucket_lifecycle,
           s3.delete_bucket_website, s3.delete_bucket_replication, s3.delete_bucket_encryption):
    r = fn(Bucket=bucket)
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 204, (fn.__name__, r["ResponseMetadata"])
assert error(s3.get_bucket_encryption, Bucket=bucket)["Error"]["Code"] == "ServerSideEncryptionConfigurationNotFoundError"

step("puts are not implemented")
for fn, kw in ((s3.put_public_access_block, {"PublicAccessBlockConfiguration": {"BlockPublicAcls": False}}),):
    assert error(fn, Bucket=bucket, **kw)["Error"]["Code"] == "NotImplemented", fn.__name__

step("a missing bucket")
for fn in (s3.get_bucket_policy, s3.get_bucket_encryption, s3.get_public_access_block,
           s3.get_object_lock_configuration, s3.get_bucket_notification_configuration, s3.delete_bucket_cors):
    assert error(fn, Bucket="no-such-bucket")["Error"]["Code"] == "NoSuchBucket", fn.__name__

print("\nOK", flush=True)
