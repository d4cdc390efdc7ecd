"""Browser-form uploads (boto3's generate_presigned_post) against a running
s3kit server, posted with requests: SigV4 and SigV2 forms, conditions
boto3 writes (content-length-range, starts-with on Content-Type, fields
given in Fields), success_action_status 201, and refusals that store
nothing.

Credentials, region and endpoint come from the environment
(s3test.Server.Env). Prints one line per step; exits non-zero on failure.
"""
import os
import xml.etree.ElementTree as ET

import boto3
import requests
from botocore.config import Config
from botocore.exceptions import ClientError

# botocore signs presigned POSTs with SigV2 unless told otherwise.
s3 = boto3.client("s3", config=Config(signature_version="s3v4"))
bucket = "forms"
s3.create_bucket(Bucket=bucket)


def step(name):
    print("step", name, flush=True)


def missing(key):
    try:
        s3.head_object(Bucket=bucket, Key=key)
    except ClientError as e:
        return e.response["Error"]["Code"] == "404"
    return False


step("generate_presigned_post with conditions")
post = s3.generate_presigned_post(
    Bucket=bucket, Key="uploads/${filename}",
    Fields={"Content-Type": "text/plain", "x-amz-meta-owner": "ann", "success_action_status": "201"},
    Conditions=[["content-length-range", 1, 1024], ["starts-with", "$Content-Type", "text/"],
                {"x-amz-meta-owner": "ann"}, {"success_action_status": "201"}],
    ExpiresIn=600)
assert "x-amz-signature" in post["fields"], post["fields"]
r = requests.post(post["url"], data=post["fields"], files={"file": ("note.txt", b"hello form")}, timeout=30)
assert r.status_code == 201, (r.status_code, r.text)
doc = ET.fromstring(r.content)
assert doc.find("Key").text == "uploads/note.txt" and doc.find("Bucket").text == bucket, r.text
obj = s3.get_object(Bucket=bucket, Key="uploads/note.txt")
assert obj["Body"].read() == b"hello form"
assert obj["ContentType"] == "text/plain" and obj["Metadata"] == {"owner": "ann"}, obj
assert obj["ETag"] == doc.find("ETag").text == r.headers["ETag"]

step("a file larger than content-length-range")
r = requests.post(post["url"], data=post["fields"], files={"file": ("big.txt", b"x" * 2000)}, timeout=30)
assert r.status_code == 400 and "<Code>EntityTooLarge</Code>" in r.text, (r.status_code, r.text)
assert missing("uploads/big.txt")

step("a field the policy does not name")
r = requests.post(post["url"], data={**post["fields"], "x-amz-meta-extra": "1"}, files={"file": ("extra.txt", b"x")}, timeout=30)
assert r.status_code == 403 and "Extra input fields: x-amz-meta-extra" in r.text, (r.status_code, r.text)
assert missing("uploads/extra.txt")

step("a changed field")
r = requests.post(post["url"], data={**post["fields"], "Content-Type": "image/png"}, files={"file": ("png.txt", b"x")}, timeout=30)
assert r.status_code == 403 and "Policy Condition failed" in r.text, (r.status_code, r.text)
assert missing("uploads/png.txt")

step("a signature made with another secret")
other = boto3.client("s3", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"], aws_secret_access_key="not-the-secret", config=Config(signature_version="s3v4"))
p2 = other.generate_presigned_post(Bucket=bucket, Key="forged")
r = requests.post(p2["url"], data=p2["fields"], files={"file": ("f", b"x")}, timeout=30)
assert r.status_code == 403 and "<Code>SignatureDoesNotMatch</Code>" in r.text, (r.status_code, r.text)
assert missing("forged")

step("signature version 2 (botocore's default)")
v2 = boto3.client("s3")
p3 = v2.generate_presigned_post(Bucket=bucket, Key="v2")
assert "AWSAccessKeyId" in p3["fields"] and "signature" in p3["fields"], p3["fields"]
r = requests.post(p3["url"], data=p3["fields"], files={"file": ("f", b"two")}, timeout=30)
assert r.status_code == 204, (r.status_code, r.text)
assert s3.get_object(Bucket=bucket, Key="v2")["Body"].read() == b"two"

print("\nOK", flush=True)
