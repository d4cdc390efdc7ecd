"""Drives botocore (boto3 1.43.x, default checksum settings) against the Go
test listener in botocore_test.go and checks every object round-trips.

usage: botocore_client.py HTTP_ENDPOINT HTTPS_ENDPOINT
Prints one JSON line per operation; exits 1 on the first failure.
"""

import io
import json
import sys
import urllib.request
import ssl
import warnings

import boto3
from botocore.config import Config

warnings.filterwarnings("ignore")

AK, SK = "AKIDBOTOCORE", "botocore/secret+key"


def client(endpoint, signature_version=None, **s3cfg):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=AK,
        aws_secret_access_key=SK,
        region_name="us-east-1",
        verify=False,
        config=Config(retries={"max_attempts": 1}, signature_version=signature_version,
                      s3=dict(addressing_style="path", **s3cfg)),
    )


def body(n, seed):
    return bytes((i * 31 + seed) % 251 for i in range(n))


def report(op, **kw):
    print(json.dumps(dict(op=op, **kw)), flush=True)


def put_get(c, label, key, data, **put_kw):
    c.put_object(Bucket="bkt", Key=key, Body=data, **put_kw)
    got = c.get_object(Bucket="bkt", Key=key)["Body"].read()
    want = data if isinstance(data, bytes) else None
    if want is None:
        data.seek(0)
        want = data.read()
    if got != want:
        raise SystemExit(f"{label}: object changed in transit: {len(got)} bytes back, {len(want)} sent")
    report(label, key=key, size=len(want))


def fetch(url, method="GET", data=None):
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    req = urllib.request.Request(url, method=method, data=data)
    with urllib.request.urlopen(req, context=ctx) as resp:
        return resp.read()


def main():
    http_ep, https_ep = sys.argv[1], sys.argv[2]
    plain = client(http_ep)
    tls = client(https_ep)

    # Over http botocore signs the payload (hex SHA-256) and sends the
    # CRC32 as a header.
    put_get(plain, "http put small", "small key", b"hello world")
    put_get(plain, "http put odd key", "dir/a+b c$&=;:@~!'()*,.txt", body(1000, 1),
            Metadata={"note": "  spaced   value "}, ContentType="text/plain")
    put_get(plain, "http put stream", "big", io.BytesIO(body(300_000, 2)))
    plain.list_objects_v2(Bucket="bkt", Prefix="a b+c/", Delimiter="/")
    report("http list with odd prefix")
    plain.head_object(Bucket="bkt", Key="small key")
    report("http head")

    # Over https with default settings botocore sends aws-chunked
    # STREAMING-UNSIGNED-PAYLOAD-TRAILER with a trailing CRC32.
    put_get(tls, "https put small (unsigned trailer)", "t-small", b"hello trailer")
    put_get(tls, "https put stream (unsigned trailer)", "t-big", io.BytesIO(body(1_200_000, 3)))
    put_get(tls, "https put empty (unsigned trailer)", "t-empty", b"")
    for alg in ("CRC32C", "SHA1", "SHA256", "CRC64NVME"):
        try:
            put_get(tls, f"https put {alg} trailer", "t-" + alg, io.BytesIO(body(70_000, 4)), ChecksumAlgorithm=alg)
        except Exception as e:  # CRC64NVME needs awscrt
            if "awscrt" in str(e) or "MissingDependency" in type(e).__name__:
                report(f"https put {alg} trailer", skipped=str(e))
                continue
            raise
    # Explicit payload signing over https.
    signed = client(https_ep, payload_signing_enabled=True)
    put_get(signed, "https put signed payload", "t-signed", io.BytesIO(body(5000, 5)))

    # Presigned URLs (UNSIGNED-PAYLOAD, query auth). boto3 presigns with
    # SigV2 unless told s3v4.
    plain = client(http_ep, signature_version="s3v4")
    tls = client(https_ep, signature_version="s3v4")
    data = body(2048, 6)
    url = plain.generate_presigned_url("put_object", Params={"Bucket": "bkt", "Key": "pre/put key"}, ExpiresIn=300)
    fetch(url, "PUT", data)
    url = plain.generate_presigned_url("get_object", Params={"Bucket": "bkt", "Key": "pre/put key"}, ExpiresIn=300)
    if fetch(url) != data:
        raise SystemExit("presigned GET returned other bytes")
    report("presigned put+get")
    url = tls.generate_presigned_url("get_object", Params={"Bucket": "bkt", "Key": "t-small"}, ExpiresIn=604800)
    if fetch(url) != b"hello trailer":
        raise SystemExit("presigned https GET returned other bytes")
    report("presigned https get, 7 days")

    # payload_signing_enabled=False: UNSIGNED-PAYLOAD for bodies that are
    # not streamed with a trailer.
    unsigned = client(https_ep, payload_signing_enabled=False)
    if unsigned.get_object(Bucket="bkt", Key="t-big")["Body"].read() != body(1_200_000, 3):
        raise SystemExit("unsigned-payload GET returned other bytes")
    unsigned.delete_objects(Bucket="bkt", Delete={"Objects": [{"Key": "t-small"}, {"Key": "a b"}]})
    report("https get + delete objects (UNSIGNED-PAYLOAD)")


if __name__ == "__main__":
    main()
