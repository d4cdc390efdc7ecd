"""The seed's three ways of giving boto3 credentials, one per run.

usage: boto3_ways.py code ENDPOINT ACCESS_KEY_ID SECRET
       boto3_ways.py env              (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_ENDPOINT_URL set)
       boto3_ways.py profile NAME     (~/.aws/credentials and ~/.aws/config hold the profile)

The Go test runs each in a clean environment (a fresh HOME, no other AWS_*).
"""

import sys

import boto3

from common import check, expect, finish

mode = sys.argv[1]
if mode == "code":
    endpoint, key_id, secret = sys.argv[2:5]
    # Exactly the seed's shape: keys in code, endpoint_url on the client, no region.
    session = boto3.Session(aws_access_key_id=key_id, aws_secret_access_key=secret)
    s3 = session.client("s3", endpoint_url=endpoint)
    want_method = "explicit"
elif mode == "env":
    session = boto3.Session()
    s3 = boto3.client("s3")
    want_method = "env"
elif mode == "profile":
    session = boto3.Session(profile_name=sys.argv[2])
    s3 = session.client("s3")
    want_method = "shared-credentials-file"
else:
    raise SystemExit("unknown mode " + mode)

bucket = "ways-" + mode


@check("credentials come from the intended place")
def _():
    method = session.get_credentials().method
    expect(method == want_method, "credential method %r, want %r" % (method, want_method))
    return "%s via %s" % (method, s3.meta.endpoint_url)


@check("create bucket, put, get, list, delete")
def _():
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="hello.txt", Body=b"hello from " + mode.encode())
    body = s3.get_object(Bucket=bucket, Key="hello.txt")["Body"].read()
    expect(body == b"hello from " + mode.encode(), "read back %r" % body)
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
    expect(keys == ["hello.txt"], "listed %r" % keys)
    s3.delete_object(Bucket=bucket, Key="hello.txt")
    s3.delete_bucket(Bucket=bucket)
    names = [b["Name"] for b in s3.list_buckets()["Buckets"]]
    expect(bucket not in names, "bucket still listed: %r" % names)


finish()
