"""Bucket CORS against a running s3kit server, with real boto3 and
requests: put/get/delete_bucket_cors round-trip every field, S3's errors
for invalid rules, and the answers a browser gets (a preflight OPTIONS
without credentials, a presigned PUT with an Origin reading ETag).

Credentials, region and endpoint come from the environment
(s3test.Server.Env). Prints one line per step; exits non-zero on failure.
"""
import os

import boto3
import requests
from botocore.exceptions import ClientError

s3 = boto3.client("s3")
endpoint = os.environ["AWS_ENDPOINT_URL"]
bucket = "cors"
s3.create_bucket(Bucket=bucket)


def step(name):
    print("step", name, flush=True)


def error(fn, **kw):
    try:
        fn(**kw)
    except ClientError as e:
        return e.response
    raise AssertionError("%s succeeded" % fn.__name__)


step("a bucket without rules")
e = error(s3.get_bucket_cors, Bucket=bucket)
assert e["Error"]["Code"] == "NoSuchCORSConfiguration", e
assert e["ResponseMetadata"]["HTTPStatusCode"] == 404, e
r = requests.options(f"{endpoint}/{bucket}/k", headers={"Origin": "https://app.example", "Access-Control-Request-Method": "PUT"})
assert r.status_code == 403 and "<Code>AccessForbidden</Code>" in r.text, (r.status_code, r.text)

step("put_bucket_cors and get_bucket_cors")
rules = [
    {"ID": "app", "AllowedHeaders": ["content-type", "x-amz-*"], "AllowedMethods": ["PUT", "POST", "GET"],
     "AllowedOrigins": ["https://app.example", "http://*.app.example"], "ExposeHeaders": ["ETag", "x-amz-version-id"],
     "MaxAgeSeconds": 3000},
    {"AllowedMethods": ["GET", "HEAD"], "AllowedOrigins": ["*"]},
]
s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": rules})
got = s3.get_bucket_cors(Bucket=bucket)["CORSRules"]
assert got == rules, got

step("invalid rules")
for rule, code, msg in (
        ({"AllowedMethods": ["PATCH"], "AllowedOrigins": ["*"]}, "InvalidRequest",
         "Found unsupported HTTP method in CORS config. Unsupported method is PATCH"),
        ({"AllowedMethods": ["GET"], "AllowedOrigins": ["https://*.*.example"]}, "InvalidRequest",
         'AllowedOrigin "https://*.*.example" can not have more than one wildcard.'),
):
    e = error(s3.put_bucket_cors, Bucket=bucket, CORSConfiguration={"CORSRules": [rule]})
    assert e["Error"]["Code"] == code and e["Error"]["Message"] == msg, e["Error"]
e = error(s3.put_bucket_cors, Bucket=bucket, CORSConfiguration={"CORSRules": []})
assert e["Error"]["Code"] == "MalformedXML", e["Error"]
e = error(s3.put_bucket_cors, Bucket=bucket, CORSConfiguration={"CORSRules": [rules[1]] * 101})
assert e["Error"]["Code"] == "InvalidRequest", e["Error"]
assert s3.get_bucket_cors(Bucket=bucket)["CORSRules"] == rules, "a refused put changed the rules"

step("preflight")
r = requests.options(f"{endpoint}/{bucket}/some/key", headers={
    "Origin": "http://eu.app.example", "Access-Control-Request-Method": "PUT",
    "Access-Control-Request-Headers": "Content-Type,X-Amz-Date,x-amz-content-sha256"})
assert r.status_code == 200, (r.status_code, r.text)
assert r.headers["Access-Control-Allow-Origin"] == "http://eu.app.example", r.headers
assert r.headers["Access-Control-Allow-Methods"] == "PUT, POST, GET", r.headers
assert r.headers["Access-Control-Allow-Headers"] == "content-type, x-amz-date, x-amz-content-sha256", r.headers
assert r.headers["Access-Control-Expose-Headers"] == "ETag, x-amz-version-id", r.headers
assert r.headers["Access-Control-Max-Age"] == "3000", r.headers
assert r.headers["Access-Control-Allow-Credentials"] == "true", r.headers
r = requests.options(f"{endpoint}/{bucket}/k", headers={
    "Origin": "http://eu.app.example", "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "authorization"})
assert r.status_code == 403, "a header no rule allows"
r = requests.options(f"{endpoint}/{bucket}/k", headers={"Origin": "https://other.example", "Access-Control-Request-Method": "GET"})
assert r.status_code == 200 and r.headers["Access-Control-Allow-Origin"] == "*", r.headers
r = requests.options(f"{endpoint}/{bucket}/k", headers={"Access-Control-Request-Method": "GET"})
assert r.status_code == 400, "no Origin"

step("presigned PUT from an allowed origin")
url = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "up.txt"}, ExpiresIn=300)
r = requests.put(url, data=b"hello", headers={"Origin": "https://app.example"})
assert r.status_code == 200, (r.status_code, r.text)
assert r.headers["Access-Control-Allow-Origin"] == "https://app.example", r.headers
assert "ETag" in r.headers["Access-Control-Expose-Headers"], r.headers
assert r.headers["ETag"] == s3.head_object(Bucket=bucket, Key="up.txt")["ETag"]

step("delete_bucket_cors")
assert s3.delete_bucket_cors(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 204
e = error(s3.get_bucket_cors, Bucket=bucket)
assert e["Error"]["Code"] == "NoSuchCORSConfiguration", e
r = requests.put(url, data=b"hello", headers={"Origin": "https://app.example"})
assert r.status_code == 200 and "Access-Control-Allow-Origin" not in r.headers, r.headers

print("\nOK", flush=True)
