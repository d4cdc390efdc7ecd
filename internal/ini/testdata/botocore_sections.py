# Reads a JSON list of config-file section headers on stdin and prints, for
# each, what botocore's build_profile_map makes of it: [kind, name] or null.
import json, sys
from botocore.configloader import build_profile_map

out = []
for header in json.load(sys.stdin):
    m = build_profile_map({header: {"k": "v"}})
    found = None
    for kind, key in (("profile", "profiles"), ("sso-session", "sso_sessions"), ("services", "services")):
        for name in m.get(key, {}):
            found = [kind, name]
    out.append(found)
json.dump(out, sys.stdout)
