"""Bucket notification configuration through real boto3 against a running
s3kit server with a webhook target.

put_bucket_notification_configuration with a QueueConfiguration naming
the webhook's queue ARN (argv[1]), an event list and prefix/suffix rules
must round-trip through get_bucket_notification_configuration, with the
Id kept and the rule names as S3 answers them ("Prefix", "Suffix"); an
unknown queue, an unsupported event and overlapping configurations raise
InvalidArgument; then one object is written and one deleted (the Go test
checks the webhook got their events).

Credentials, region and endpoint come from the environment
(s3test.Server.Env). Prints one line per step; exits non-zero on failure.
"""
import sys

import boto3
from botocore.exceptions import ClientError

arn = sys.argv[1]
s3 = boto3.client("s3")
bucket = "notify"
s3.create_bucket(Bucket=bucket)


def step(name):
    print("step", name, flush=True)


def error(fn, **kw):
    try:
        fn(**kw)
    except ClientError as e:
        return e.response
    raise AssertionError("%s succeeded" % fn.__name__)


step("a new bucket has no configuration")
r = s3.get_bucket_notification_configuration(Bucket=bucket)
r.pop("ResponseMetadata")
assert r == {}, r

step("put and get")
config = {"QueueConfigurations": [{
    "Id": "images",
    "QueueArn": arn,
    "Events": ["s3:ObjectCreated:*", "s3:ObjectRemoved:Delete"],
    "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "img/"},
                                       {"Name": "suffix", "Value": ".jpg"}]}},
}]}
s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=config)
r = s3.get_bucket_notification_configuration(Bucket=bucket)
r.pop("ResponseMetadata")
want = {"QueueConfigurations": [{
    "Id": "images",
    "QueueArn": arn,
    "Events": ["s3:ObjectCreated:*", "s3:ObjectRemoved:Delete"],
    "Filter": {"Key": {"FilterRules": [{"Name": "Prefix", "Value": "img/"},
                                       {"Name": "Suffix", "Value": ".jpg"}]}},
}]}
assert r == want, r

step("refusals")
bad_arn = arn.rsplit(":", 1)[0] + ":nosuchhook"
for name, cfg, msg in (
        ("unknown queue", {"QueueConfigurations": [{"QueueArn": bad_arn, "Events": ["s3:ObjectCreated:*"]}]},
         "Unable to validate the following destination configurations"),
        ("unsupported event", {"QueueConfigurations": [{"QueueArn": arn, "Events": ["s3:ObjectCreated:Nope"]}]},
         "The event is not supported for notifications"),
        ("overlap", {"QueueConfigurations": [{"QueueArn": arn, "Events": ["s3:ObjectCreated:*"]},
                                             {"QueueArn": arn, "Events": ["s3:ObjectCreated:Put"]}]},
         "Configurations overlap. Configurations on the same bucket cannot share a common event type.")):
    err = error(s3.put_bucket_notification_configuration, Bucket=bucket, NotificationConfiguration=cfg)
    assert err["Error"]["Code"] == "InvalidArgument", (name, err)
    assert err["Error"]["Message"] == msg, (name, err)
    assert err["ResponseMetadata"]["HTTPStatusCode"] == 400, (name, err)
    print("  ", name, flush=True)
r = s3.get_bucket_notification_configuration(Bucket=bucket)
r.pop("ResponseMetadata")
assert r == want, ("a refused put changed the configuration", r)

step("events")
s3.put_object(Bucket=bucket, Key="img/a cat.jpg", Body=b"meow")
s3.put_object(Bucket=bucket, Key="img/a cat.png", Body=b"not reported")
s3.delete_object(Bucket=bucket, Key="img/a cat.jpg")

print("\nOK", flush=True)
