"""Bucket versioning against a running s3kit server, with real boto3.

The edges AWS documents in "Working with objects in a versioning-enabled
bucket" and "... in a versioning-suspended bucket": objects from before
versioning are the null version; a delete without a version ID adds a
delete marker, which makes GET/HEAD answer 404 with x-amz-delete-marker;
a GET of the marker's version ID is 405; deleting the marker or the
current version by ID brings the previous version back; a suspended
bucket's PUT and DELETE replace the null version; ListObjectVersions pages
across key and version boundaries with the paginator and by hand;
DeleteObjects reports markers; copy_object and upload_part_copy read an
older version.

Credentials, region and endpoint come from the environment
(s3test.Server.Env). Prints one line per step; exits non-zero on failure.
"""
import boto3
from botocore.exceptions import ClientError

s3 = boto3.client("s3")
bucket = "versioning"
s3.create_bucket(Bucket=bucket)


def step(name):
    print("step", name, flush=True)


def error(fn, **kw):
    try:
        fn(**kw)
    except ClientError as e:
        return e.response
    raise AssertionError("%s succeeded" % fn.__name__)


def body(**kw):
    return s3.get_object(Bucket=bucket, **kw)["Body"].read()


def history(key):
    """The key's versions and markers, newest first, as (id, is_marker, is_latest)."""
    r = s3.list_object_versions(Bucket=bucket, Prefix=key)
    out = [(v["VersionId"], False, v["IsLatest"], v["LastModified"]) for v in r.get("Versions", []) if v["Key"] == key]
    out += [(m["VersionId"], True, m["IsLatest"], m["LastModified"]) for m in r.get("DeleteMarkers", []) if m["Key"] == key]
    # The server lists newest first; boto3 splits the two kinds, so put
    # them back in order: the latest first, then by time.
    out.sort(key=lambda e: (not e[2], -e[3].timestamp()))
    return [e[:3] for e in out]


step("unversioned bucket")
assert "Status" not in s3.get_bucket_versioning(Bucket=bucket)
r = s3.put_object(Bucket=bucket, Key="k", Body=b"before")
assert "VersionId" not in r, r

step("enable")
s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
assert s3.head_object(Bucket=bucket, Key="k")["VersionId"] == "null"
v1 = s3.put_object(Bucket=bucket, Key="k", Body=b"one")["VersionId"]
v2 = s3.put_object(Bucket=bucket, Key="k", Body=b"two")["VersionId"]
assert len({v1, v2, "null"}) == 3, (v1, v2)
assert body(Key="k") == b"two"
assert body(Key="k", VersionId=v1) == b"one"
assert body(Key="k", VersionId="null") == b"before"
assert s3.get_object(Bucket=bucket, Key="k", VersionId=v1)["VersionId"] == v1
assert [h[0] for h in history("k")] == [v2, v1, "null"], history("k")

step("delete marker as latest")
d = s3.delete_object(Bucket=bucket, Key="k")
assert d["DeleteMarker"] is True and d["VersionId"], d
dm = d["VersionId"]
e = error(s3.get_object, Bucket=bucket, Key="k")
assert e["Error"]["Code"] == "NoSuchKey", e
assert e["ResponseMetadata"]["HTTPHeaders"]["x-amz-delete-marker"] == "true", e
assert e["ResponseMetadata"]["HTTPHeaders"]["x-amz-version-id"] == dm, e
e = error(s3.head_object, Bucket=bucket, Key="k")
assert e["Error"]["Code"] == "404" and e["ResponseMetadata"]["HTTPHeaders"]["x-amz-delete-marker"] == "true", e
e = error(s3.get_object, Bucket=bucket, Key="k", VersionId=dm)
assert e["ResponseMetadata"]["HTTPStatusCode"] == 405 and e["Error"]["Code"] == "MethodNotAllowed", e
assert history("k")[0] == (dm, True, True), history("k")
assert "Contents" not in s3.list_objects_v2(Bucket=bucket, Prefix="k")

step("permanent deletes bring back the previous version")
r = s3.delete_object(Bucket=bucket, Key="k", VersionId=dm)
assert r["DeleteMarker"] is True and r["VersionId"] == dm, r
assert body(Key="k") == b"two"
r = s3.delete_object(Bucket=bucket, Key="k", VersionId=v2)
assert r["VersionId"] == v2 and "DeleteMarker" not in r, r
assert body(Key="k") == b"one"
assert history("k") == [(v1, False, True), ("null", False, False)], history("k")
assert error(s3.get_object, Bucket=bucket, Key="k", VersionId=v2)["Error"]["Code"] == "NoSuchVersion"

step("suspended: the null version")
s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Suspended"
r = s3.put_object(Bucket=bucket, Key="k", Body=b"null-1")
assert "VersionId" not in r, r  # S3 names no version for a null write
assert s3.head_object(Bucket=bucket, Key="k")["VersionId"] == "null"
# The earlier null version ("before") is replaced, wherever it was.
assert history("k") == [("null", False, True), (v1, False, False)], history("k")
s3.put_object(Bucket=bucket, Key="k", Body=b"null-2")
assert body(Key="k", VersionId="null") == b"null-2"
assert history("k") == [("null", False, True), (v1, False, False)], history("k")
d = s3.delete_object(Bucket=bucket, Key="k")
assert d["DeleteMarker"] is True and d["VersionId"] == "null", d
assert history("k") == [("null", True, True), (v1, False, False)], history("k")
assert body(Key="k", VersionId=v1) == b"one"

step("copy and upload_part_copy from a version")
s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
r = s3.copy_object(Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": "k", "VersionId": v1})
assert r["CopySourceVersionId"] == v1 and r["VersionId"], r
assert body(Key="copy") == b"one"
up = s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
p = s3.upload_part_copy(Bucket=bucket, Key="mp", UploadId=up, PartNumber=1,
                        CopySource={"Bucket": bucket, "Key": "k", "VersionId": v1})
assert p["CopySourceVersionId"] == v1, p
c = s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=up,
                                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": p["CopyPartResult"]["ETag"]}]})
assert c["VersionId"], c
assert body(Key="mp", VersionId=c["VersionId"]) == b"one"
e = error(s3.copy_object, Bucket=bucket, Key="c2", CopySource={"Bucket": bucket, "Key": "k", "VersionId": "null"})
assert e["Error"]["Code"] == "InvalidRequest", e

step("tagging a version")
s3.put_object_tagging(Bucket=bucket, Key="k", VersionId=v1, Tagging={"TagSet": [{"Key": "t", "Value": "1"}]})
assert s3.get_object_tagging(Bucket=bucket, Key="k", VersionId=v1)["TagSet"] == [{"Key": "t", "Value": "1"}]

step("paging across key and version boundaries")
keys = ["p/a", "p/b", "p/c/d", "p/e"]
for i in range(3):
    for k in keys:
        s3.put_object(Bucket=bucket, Key=k, Body=str(i).encode())
s3.delete_object(Bucket=bucket, Key="p/b")
full = s3.list_object_versions(Bucket=bucket, Prefix="p/")
n = len(full["Versions"]) + len(full["DeleteMarkers"])
assert n == 13 and not full["IsTruncated"], full
for size in (1, 2, 3, 5):
    seen = []
    kw = {"Bucket": bucket, "Prefix": "p/", "MaxKeys": size}
    pages = 0
    while True:
        r = s3.list_object_versions(**kw)
        pages += 1
        got = [(v["Key"], v["VersionId"]) for v in r.get("Versions", []) + r.get("DeleteMarkers", [])]
        assert len(got) <= size, r
        seen += got
        if not r["IsTruncated"]:
            break
        kw["KeyMarker"], kw["VersionIdMarker"] = r["NextKeyMarker"], r["NextVersionIdMarker"]
    assert sorted(seen) == sorted((v["Key"], v["VersionId"]) for v in full["Versions"] + full["DeleteMarkers"]), (size, seen)
    assert len(seen) == len(set(seen)) == 13 and pages == -(-13 // size), (size, pages)
pg = s3.get_paginator("list_object_versions")
got = []
for page in pg.paginate(Bucket=bucket, Prefix="p/", Delimiter="/", PaginationConfig={"PageSize": 2}):
    got += [v["Key"] for v in page.get("Versions", [])] + [c["Prefix"] for c in page.get("CommonPrefixes", [])]
    got += [m["Key"] for m in page.get("DeleteMarkers", [])]
assert sorted(got) == sorted(["p/a"] * 3 + ["p/b"] * 4 + ["p/c/"] + ["p/e"] * 3), got

step("delete_objects with versions")
vs = s3.list_object_versions(Bucket=bucket, Prefix="p/a")["Versions"]
r = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "p/a", "VersionId": vs[-1]["VersionId"]}, {"Key": "p/e"}]})
deleted = {d["Key"]: d for d in r["Deleted"]}
assert deleted["p/a"]["VersionId"] == vs[-1]["VersionId"] and "DeleteMarker" not in deleted["p/a"], r
assert deleted["p/e"]["DeleteMarker"] is True and deleted["p/e"]["DeleteMarkerVersionId"], r

step("empty the bucket by versions and delete it")
assert error(s3.delete_bucket, Bucket=bucket)["Error"]["Code"] == "BucketNotEmpty"
for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
    objs = [{"Key": v["Key"], "VersionId": v["VersionId"]} for v in page.get("Versions", []) + page.get("DeleteMarkers", [])]
    if objs:
        r = s3.delete_objects(Bucket=bucket, Delete={"Objects": objs, "Quiet": True})
        assert not r.get("Errors"), r
s3.delete_bucket(Bucket=bucket)
print("OK")
