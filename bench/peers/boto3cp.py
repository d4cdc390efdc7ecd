#!/usr/bin/env python3
"""boto3 peer for bench/transfer.sh: s3transfer at its defaults.

    boto3cp.py up FILE s3://B/K | down s3://B/K FILE
    boto3cp.py updir DIR s3://B/P | downdir s3://B/P DIR

Single files use client.upload_file / download_file (TransferConfig()
defaults: 8 MiB threshold and parts, 10 threads). Directories submit every
file to one s3transfer TransferManager with the same defaults, which is how
s3transfer runs many files at once (it is what aws-cli v1 does).
Endpoint, region and keys come from the AWS_* environment.
"""
import os
import sys

import boto3
from boto3.s3.transfer import TransferConfig, create_transfer_manager


def split(url):
    assert url.startswith("s3://"), url
    b, _, k = url[5:].partition("/")
    return b, k


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, src, dst = argv
    s3 = boto3.client("s3", endpoint_url=os.environ.get("AWS_ENDPOINT_URL"))
    if cmd == "up":
        s3.upload_file(src, *split(dst))
    elif cmd == "down":
        b, k = split(src)
        s3.download_file(b, k, dst)
    elif cmd == "updir":
        b, p = split(dst)
        p = p.rstrip("/")
        with create_transfer_manager(s3, TransferConfig()) as tm:
            futs = []
            for root, _, files in os.walk(src):
                for f in files:
                    path = os.path.join(root, f)
                    key = p + "/" + os.path.relpath(path, src).replace(os.sep, "/")
                    futs.append(tm.upload(path, b, key))
            for f in futs:
                f.result()
    elif cmd == "downdir":
        b, p = split(src)
        if p and not p.endswith("/"):
            p += "/"
        keys = []
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=b, Prefix=p):
            keys += [o["Key"] for o in page.get("Contents", [])]
        with create_transfer_manager(s3, TransferConfig()) as tm:
            futs = []
            for k in keys:
                path = os.path.join(dst, k[len(p):])
                os.makedirs(os.path.dirname(path), exist_ok=True)
                futs.append(tm.download(b, k, path))
            for f in futs:
                f.result()
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
