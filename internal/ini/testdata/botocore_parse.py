"""Parse each input with botocore's raw_config_parse (configparser + nested
blocks) and print one JSON result per input: {"ok": bool, "sections": ...}.
Input on stdin: a JSON list of base64-encoded file contents."""
import base64, json, os, sys, tempfile
import botocore.configloader as cl
import botocore.exceptions as be

out = []
with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "f")
    for item in json.load(sys.stdin):
        with open(path, "wb") as f:
            f.write(base64.b64decode(item))
        try:
            out.append({"ok": True, "sections": cl.raw_config_parse(path)})
        except be.ConfigParseError:
            out.append({"ok": False})
json.dump(out, sys.stdout)
