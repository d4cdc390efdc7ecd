"""boto3 1.43 with its default settings against "s3kit serve --tls".

The environment holds only AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
AWS_ENDPOINT_URL, AWS_DEFAULT_REGION and AWS_CA_BUNDLE (the server's
printed certificate). Over HTTPS botocore's default
request_checksum_calculation (when_supported) sends uploads as aws-chunked
with a trailing CRC32; the checks make sure that shape is what was sent,
that the bytes arrive intact (single PUT and a multipart upload_file), and
that the server refuses a body whose trailer does not match.
"""

import base64
import hashlib
import os
import tempfile
import zlib

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config

from common import check, content, expect, expect_client_error, finish

s3 = boto3.client("s3")
bucket = "tls-defaults"
sent = []  # (operation, headers) of every request, from botocore's before-send


def record(request, event_name, **_):
    # event_name is "before-send.s3.OperationName".
    sent.append((event_name.rsplit(".", 1)[-1], dict(request.headers)))


s3.meta.events.register("before-send.s3", record)


def crc32_b64(data):
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


def header(headers, name):
    for k, v in headers.items():
        if k.lower() == name:
            return v.decode() if isinstance(v, bytes) else v
    return None


def expect_trailer(op):
    hs = [h for o, h in sent if o == op]
    expect(hs, "no %s request was sent" % op)
    for h in hs:
        expect(header(h, "x-amz-trailer") == "x-amz-checksum-crc32", "%s x-amz-trailer %r" % (op, header(h, "x-amz-trailer")))
        expect(header(h, "x-amz-content-sha256") == "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
               "%s x-amz-content-sha256 %r" % (op, header(h, "x-amz-content-sha256")))
    return len(hs)


@check("the endpoint is https and the CA bundle is the printed one")
def _():
    expect(s3.meta.endpoint_url.startswith("https://"), "endpoint %s" % s3.meta.endpoint_url)
    s3.create_bucket(Bucket=bucket)
    return "%s, AWS_CA_BUNDLE=%s" % (s3.meta.endpoint_url, os.environ["AWS_CA_BUNDLE"])


@check("put_object: aws-chunked with a CRC32 trailer, bytes verified end to end")
def _():
    data = content("tls-put", 3 * 1024 * 1024 + 17)
    del sent[:]
    s3.put_object(Bucket=bucket, Key="put.bin", Body=data)
    expect_trailer("PutObject")
    head = s3.head_object(Bucket=bucket, Key="put.bin", ChecksumMode="ENABLED")
    expect(head.get("ChecksumCRC32") == crc32_b64(data), "stored CRC32 %r, want %r" % (head.get("ChecksumCRC32"), crc32_b64(data)))
    got = s3.get_object(Bucket=bucket, Key="put.bin")["Body"].read()
    expect(hashlib.sha256(got).digest() == hashlib.sha256(data).digest(), "read back %d bytes that differ" % len(got))


@check("upload_file multipart: every part aws-chunked with a CRC32 trailer, bytes verified")
def _():
    data = content("tls-multipart", 9 * 1024 * 1024 + 5)  # past the 8 MiB default threshold
    with tempfile.TemporaryDirectory() as d:
        src, dst = os.path.join(d, "in.bin"), os.path.join(d, "out.bin")
        with open(src, "wb") as f:
            f.write(data)
        del sent[:]
        s3.upload_file(src, bucket, "multi.bin", Config=TransferConfig())
        parts = expect_trailer("UploadPart")
        expect(parts >= 2, "%d parts, want a multipart upload" % parts)
        s3.download_file(bucket, "multi.bin", dst)
        with open(dst, "rb") as f:
            got = f.read()
    expect(got == data, "downloaded %d bytes that differ from the %d uploaded" % (len(got), len(data)))
    return "%d parts" % parts


@check("a corrupted trailing checksum is refused with BadDigest and nothing is stored")
def _():
    # botocore retries a BadDigest (its S3 retry rules do, for Content-MD5)
    # with backoff; one attempt is enough here. The body is botocore's own,
    # with one character of the trailer's CRC32 changed (same length).
    once = boto3.client("s3", config=Config(retries={"total_max_attempts": 1}))
    corrupted = []

    def corrupt(request, **_):
        if not corrupted:
            body = request.body.read()
            marker = b"x-amz-checksum-crc32:"
            i = body.index(marker) + len(marker)
            flipped = b"A" if body[i:i + 1] != b"A" else b"B"
            corrupted.append(body[:i] + flipped + body[i + 1:])
        request.body = corrupted[0]

    once.meta.events.register_first("before-send.s3.PutObject", corrupt)
    expect_client_error(lambda: once.put_object(Bucket=bucket, Key="corrupt.bin", Body=b"x" * 1000), "BadDigest")
    expect(corrupted, "the upload was not aws-chunked with a trailer")
    expect_client_error(lambda: s3.head_object(Bucket=bucket, Key="corrupt.bin"), "404", "NoSuchKey")


finish()
