"""A stream of PUTs for the crash test: 4 threads upload objects whose bytes
are derived from their key, and a fifth uploads 12 MiB objects in 5 MiB
multipart parts, each printing "ACK <key>" (flushed) after its 200.
The server is killed mid-stream; every request then fails and the script
exits. Retries are off so an acknowledgement means exactly one 200.
With --sse the bucket gets SSE-S3 default encryption first, so every
object is written encrypted.

usage: crash_put.py ENDPOINT KEY_ID SECRET BUCKET [--sse]
"""

import sys
import threading

import io

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config

from common import content

endpoint, key_id, secret, bucket = sys.argv[1:5]
s3 = boto3.Session(aws_access_key_id=key_id, aws_secret_access_key=secret, region_name="us-east-1").client(
    "s3", endpoint_url=endpoint,
    config=Config(retries={"total_max_attempts": 1}, connect_timeout=2, read_timeout=10, max_pool_connections=8))
s3.create_bucket(Bucket=bucket)
if "--sse" in sys.argv[5:]:
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
print("READY", flush=True)

lock = threading.Lock()
counter = iter(range(1_000_000))


def size_of(i):
    return (i * 7919) % (256 << 10)


def worker():
    while True:
        with lock:
            i = next(counter)
        key = "obj-%06d" % i
        try:
            s3.put_object(Bucket=bucket, Key=key, Body=content(key, size_of(i)))
        except Exception as e:  # noqa: BLE001 - the server is gone
            with lock:
                print("STOP %s %s" % (key, type(e).__name__), flush=True)
            return
        with lock:
            print("ACK " + key, flush=True)


MULTIPART_SIZE = 12 << 20


def multipart_worker():
    tc = TransferConfig(multipart_threshold=5 << 20, multipart_chunksize=5 << 20, max_concurrency=2)
    for j in range(1000):
        key = "mp-%04d" % j
        try:
            s3.upload_fileobj(io.BytesIO(content(key, MULTIPART_SIZE)), bucket, key, Config=tc)
        except Exception as e:  # noqa: BLE001 - the server is gone
            with lock:
                print("STOP %s %s" % (key, type(e).__name__), flush=True)
            return
        with lock:
            print("ACK " + key, flush=True)


threads = [threading.Thread(target=worker) for _ in range(4)] + [threading.Thread(target=multipart_worker)]
for t in threads:
    t.start()
for t in threads:
    t.join()
