"""pytest plugin for tests/conformance/run.sh: records each test's outcome and
category in the JSON file named by CONFORMANCE_RESULTS."""

import json
import os

# First match wins: the feature a test exercises, judged by its name and its
# markers. Access-control and data-protection features come first so that,
# say, a versioned multipart test counts under versioning.
CATEGORIES = [
    ("post object", ("post_object",), ()),
    ("cors", ("cors",), ()),
    ("public access block", ("public_access", "block_public", "publicaccess"), ()),
    ("ownership", ("ownership",), ("object_ownership",)),
    ("policy", ("policy",), ("bucket_policy", "user_policy")),
    ("acl", ("acl", "grant"), ()),
    ("object lock", ("object_lock", "retention", "legal_hold"), ("object_lock",)),
    ("lifecycle", ("lifecycle",), ("lifecycle", "lifecycle_expiration", "lifecycle_transition")),
    ("encryption", ("sse", "encrypt", "kms"), ("encryption", "sse_s3", "bucket_encryption")),
    ("versioning", ("versioning", "version", "delete_marker"), ("versioning", "delete_marker")),
    ("logging", ("logging",), ("bucket_logging",)),
    ("website", ("website",), ("s3website",)),
    ("tagging", ("tagging", "tags"), ("tagging",)),
    ("checksum", ("checksum",), ("checksum",)),
    ("conditional", ("if_match", "ifmatch", "if_none", "ifnone", "if_modified", "ifmodified",
                     "if_unmodified", "ifunmodified", "conditional"), ("conditional_write",)),
    ("multipart", ("multipart", "upload_part", "abort"), ()),
    ("copy", ("copy",), ("copy",)),
    ("listing", ("list",), ("list_objects_v2",)),
    ("auth", ("auth", "signature", "presign", "anon", "aws2", "aws4"),
     ("auth_aws2", "auth_aws4", "auth_common")),
    ("headers", ("header", "content_", "metadata", "meta"), ()),
    ("bucket create/delete", ("bucket_create", "bucket_delete", "bucket_head", "bucket_name",
                              "bucket_recreate", "buckets_create", "bucket_exist"), ()),
    ("range", ("range",), ()),
]


def categorize(name, markers):
    name = name.lower()
    for cat, words, marks in CATEGORIES:
        if any(m in markers for m in marks) or any(w in name for w in words):
            return cat
    return "object"


class _Recorder:
    def __init__(self, path):
        self.path = path
        self.results = {}
        self.meta = {}

    def pytest_collection_modifyitems(self, items):
        for item in items:
            markers = {m.name for m in item.iter_markers()}
            self.meta[item.nodeid] = categorize(item.name, markers)

    def pytest_runtest_logreport(self, report):
        prev = self.results.get(report.nodeid)
        if report.when == "call":
            outcome = report.outcome  # passed, failed, skipped
        elif report.failed:
            outcome = "error"  # setup or teardown failed
        elif report.skipped:
            outcome = "skipped"
        else:
            return
        # A failed teardown after a passed call still counts as an error.
        if prev in ("error", "failed") and outcome == "passed":
            return
        self.results[report.nodeid] = outcome

    def pytest_sessionfinish(self, session):
        out = {nid: {"outcome": o, "category": self.meta.get(nid, "object")}
               for nid, o in self.results.items()}
        with open(self.path, "w") as f:
            json.dump(out, f, indent=0, sort_keys=True)


def pytest_configure(config):
    path = os.environ.get("CONFORMANCE_RESULTS")
    if path:
        config.pluginmanager.register(_Recorder(path), "conformance-recorder")
