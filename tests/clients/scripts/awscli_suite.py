"""aws-cli v1 against a running s3kit server: aws s3 cp/ls/sync/rm/mb/rb and
aws s3api calls, each with --endpoint-url.

The commands run through aws-cli's own driver (awscli.clidriver, what the
`aws` executable calls) inside this one process, so the suite pays aws-cli's
import cost once instead of per command; the Go test runs the real `aws`
executable separately.

usage: awscli_suite.py ENDPOINT WORKDIR   (credentials in AWS_* variables)
"""

import contextlib
import hashlib
import io
import json
import os
import sys

from awscli.clidriver import create_clidriver

from common import check, content, expect, finish

endpoint, work = sys.argv[1:3]
os.chdir(work)


def aws(*args):
    """Run one aws command; return its stdout, raising on a non-zero exit."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = create_clidriver().main(["--endpoint-url", endpoint] + list(args))
    if rc != 0:
        raise AssertionError("aws %s: exit %d\n%s%s" % (" ".join(args), rc, out.getvalue(), err.getvalue()))
    return out.getvalue()


def write(name, data):
    os.makedirs(os.path.dirname(name) or ".", exist_ok=True)
    with open(name, "wb") as f:
        f.write(data)


def read(name):
    with open(name, "rb") as f:
        return f.read()


small = b"hello aws-cli\n"
big = content("aws-cli big", 10 << 20)  # above the 8 MiB default threshold: multipart
tree = {"a.txt": b"a", "sub/b.txt": b"bb", "sub/deeper/c.txt": b"ccc"}
write("small.txt", small)
write("big.bin", big)
for name, data in tree.items():
    write(os.path.join("tree", name), data)


@check("aws s3 mb, cp (single and multipart), ls")
def _():
    aws("s3", "mb", "s3://cli-bucket")
    aws("s3", "cp", "small.txt", "s3://cli-bucket/small.txt")
    aws("s3", "cp", "big.bin", "s3://cli-bucket/big.bin")
    ls = aws("s3", "ls", "s3://cli-bucket/")
    expect("small.txt" in ls and "big.bin" in ls and "10485760" in ls, "ls:\n" + ls)


@check("aws s3 cp download, byte for byte")
def _():
    aws("s3", "cp", "s3://cli-bucket/big.bin", "big.out")
    expect(hashlib.sha256(read("big.out")).digest() == hashlib.sha256(big).digest(), "download differs")


@check("aws s3 sync up, again (nothing to do), and down")
def _():
    aws("s3", "sync", "tree", "s3://cli-bucket/tree/")
    again = aws("s3", "sync", "tree", "s3://cli-bucket/tree/")
    expect(again.strip() == "", "second sync printed:\n" + again)
    aws("s3", "sync", "s3://cli-bucket/tree/", "tree-copy")
    for name, data in tree.items():
        got = read(os.path.join("tree-copy", name))
        expect(got == data, "synced %s = %r" % (name, got))


@check("aws s3api put-object, head-object, list-objects-v2, get-object, delete-object")
def _():
    aws("s3api", "put-object", "--bucket", "cli-bucket", "--key", "api/obj.txt", "--body", "small.txt",
        "--content-type", "text/x-api", "--metadata", "origin=s3api")
    head = json.loads(aws("s3api", "head-object", "--bucket", "cli-bucket", "--key", "api/obj.txt"))
    expect(head["ContentType"] == "text/x-api" and head["ContentLength"] == len(small)
           and head["Metadata"] == {"origin": "s3api"}, "head-object %r" % head)
    listed = json.loads(aws("s3api", "list-objects-v2", "--bucket", "cli-bucket", "--prefix", "tree/"))
    keys = [c["Key"] for c in listed["Contents"]]
    expect(keys == ["tree/a.txt", "tree/sub/b.txt", "tree/sub/deeper/c.txt"], "keys %r" % keys)
    aws("s3api", "get-object", "--bucket", "cli-bucket", "--key", "api/obj.txt", "api.out")
    expect(read("api.out") == small, "get-object wrote %r" % read("api.out"))
    aws("s3api", "delete-object", "--bucket", "cli-bucket", "--key", "api/obj.txt")
    aws("s3api", "head-bucket", "--bucket", "cli-bucket")


@check("aws s3 rm, rm --recursive, rb")
def _():
    aws("s3", "rm", "s3://cli-bucket/small.txt")
    aws("s3", "rm", "--recursive", "s3://cli-bucket/")
    rest = aws("s3", "ls", "--recursive", "s3://cli-bucket/")
    expect(rest.strip() == "", "left after rm --recursive:\n" + rest)
    aws("s3", "rb", "s3://cli-bucket")


finish()
