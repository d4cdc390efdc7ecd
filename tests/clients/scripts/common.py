"""Shared helpers of the real-client scripts.

Each script runs named checks in order and prints, as its last line, a JSON
list of {"name", "ok", "detail"}; the Go test turns every entry into a
subtest. A failing check never stops the ones after it.
"""

import hashlib
import json
import sys
import traceback

_results = []


def check(name):
    """Decorator: run the function now and record its outcome under name."""

    def run(fn):
        try:
            detail = fn()
            _results.append({"name": name, "ok": True, "detail": str(detail or "")})
        except Exception as e:  # noqa: BLE001 - every failure is a result
            _results.append({
                "name": name,
                "ok": False,
                "detail": "%s: %s\n%s" % (type(e).__name__, e, traceback.format_exc()),
            })
        return fn

    return run


def finish():
    sys.stdout.write(json.dumps(_results) + "\n")
    sys.stdout.flush()


def expect(cond, message):
    if not cond:
        raise AssertionError(message)


def error_code(exc):
    """The S3 error code of a botocore ClientError ('' for anything else)."""
    resp = getattr(exc, "response", None) or {}
    return resp.get("Error", {}).get("Code", "")


def expect_client_error(fn, *codes):
    """Call fn and require a ClientError with one of codes; return the code."""
    from botocore.exceptions import ClientError

    try:
        fn()
    except ClientError as e:
        code = error_code(e)
        expect(code in codes, "error code %r, want one of %r" % (code, codes))
        return code
    raise AssertionError("call succeeded, want an error in %r" % (codes,))


def content(seed, size):
    """Deterministic bytes for seed: the crash test re-derives them to verify."""
    out = bytearray()
    block = hashlib.sha256(seed.encode()).digest()
    while len(out) < size:
        out += block
        block = hashlib.sha256(block).digest()
    return bytes(out[:size])
