"""Decide identity-policy cases with moto's IAM evaluator.

Reads a JSON list of {"policy": str, "action": str, "resource": str} on
stdin and prints a JSON list of "PERMITTED" / "DENIED" / "NEUTRAL".
"""
import json
import sys

from moto.iam.access_control import IAMPolicy

cases = json.load(sys.stdin)
out = []
for c in cases:
    res = IAMPolicy(c["policy"]).is_action_permitted(c["action"], c["resource"])
    out.append(res.name if hasattr(res, "name") else str(res))
json.dump(out, sys.stdout)
