"""A boto3 client whose region is not the server's, against s3kit.

The server is in us-east-1 (s3test's default); the client signs for
eu-central-1, as a user whose default region that is would. list_buckets,
put/get/head_object, a multipart upload and a presigned GET must all work:
the server verifies each signature with the region it names.

Credentials and endpoint come from the environment (s3test.Server.Env).
Prints one line per step; exits non-zero on failure.
"""
import urllib.request

import boto3

home = boto3.client("s3")  # the server's own region
bucket = "regions"
home.create_bucket(Bucket=bucket)

eu = boto3.client("s3", region_name="eu-central-1")


def step(name):
    print("step", name, flush=True)


step("list_buckets")
names = [b["Name"] for b in eu.list_buckets()["Buckets"]]
assert bucket in names, names

step("put_object and get_object")
eu.put_object(Bucket=bucket, Key="k", Body=b"hello from frankfurt")
assert eu.get_object(Bucket=bucket, Key="k")["Body"].read() == b"hello from frankfurt"
assert eu.head_object(Bucket=bucket, Key="k")["ContentLength"] == 20
assert home.get_object(Bucket=bucket, Key="k")["Body"].read() == b"hello from frankfurt"

step("upload_fileobj multipart")
import io

from boto3.s3.transfer import TransferConfig

data = bytes(range(256)) * (6 * 4096 + 1)  # just over 6 MiB: two parts
eu.upload_fileobj(io.BytesIO(data), bucket, "big",
                  Config=TransferConfig(multipart_threshold=5 << 20, multipart_chunksize=5 << 20))
assert eu.get_object(Bucket=bucket, Key="big")["Body"].read() == data

step("presigned GET signed for eu-central-1")
url = eu.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=300)
with urllib.request.urlopen(url) as resp:
    assert resp.read() == b"hello from frankfurt"

print("OK")
