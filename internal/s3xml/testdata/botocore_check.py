"""Parse s3xml documents with botocore's own S3 response parser, and
serialize request documents with botocore's serializer.

stdin: {"responses": {"<Operation>": "<xml>", ...}}
stdout: {"parsed": {"<Operation>": {...}}, "requests": {"<Operation>": "<xml>"}}
"""
import json
import sys

import botocore.session
from botocore.parsers import RestXMLParser
from botocore.serialize import create_serializer

model = botocore.session.get_session().get_service_model("s3")
data = json.load(sys.stdin)
parsed = {}
for op, body in data["responses"].items():
    status = 404 if op == "Error" else 200
    shape = model.operation_model("GetObject" if op == "Error" else op).output_shape
    r = RestXMLParser().parse({"body": body.encode(), "headers": {}, "status_code": status}, shape)
    r.pop("ResponseMetadata", None)
    parsed[op] = r

ser = create_serializer("rest-xml")
requests = {}
for op, params in {
    "CompleteMultipartUpload": {"Bucket": "b", "Key": "k", "UploadId": "u", "MultipartUpload": {
        "Parts": [{"PartNumber": 1, "ETag": '"e1"', "ChecksumCRC32": "AAAAAA=="}, {"PartNumber": 2, "ETag": '"e2"'}]}},
    "DeleteObjects": {"Bucket": "b", "Delete": {"Objects": [{"Key": "a b"}, {"Key": "c", "VersionId": "null"}], "Quiet": True}},
    "CreateBucket": {"Bucket": "b", "CreateBucketConfiguration": {"LocationConstraint": "eu-west-1"}},
}.items():
    req = ser.serialize_to_request(params, model.operation_model(op))
    requests[op] = req["body"].decode() if isinstance(req["body"], bytes) else req["body"]
json.dump({"parsed": parsed, "requests": requests}, sys.stdout, default=str)
