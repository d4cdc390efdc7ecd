"""Prints per-category pass/fail counts of a conformance run and checks the
floor: every test listed in the floor file must pass."""

import argparse
import json
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("--floor")
    ap.add_argument("--update-floor", action="store_true")
    a = ap.parse_args()
    with open(a.results) as f:
        res = json.load(f)

    cats = {}
    for nid, r in res.items():
        c = cats.setdefault(r["category"], {"passed": 0, "failed": 0, "skipped": 0})
        c["skipped" if r["outcome"] == "skipped" else
          "passed" if r["outcome"] == "passed" else "failed"] += 1
    width = max(len(c) for c in cats) if cats else 8
    print(f"{'category':<{width}}  passed  failed  skipped")
    tot = {"passed": 0, "failed": 0, "skipped": 0}
    for cat in sorted(cats, key=lambda c: (-cats[c]["failed"], c)):
        c = cats[cat]
        for k in tot:
            tot[k] += c[k]
        print(f"{cat:<{width}}  {c['passed']:>6}  {c['failed']:>6}  {c['skipped']:>7}")
    print(f"{'total':<{width}}  {tot['passed']:>6}  {tot['failed']:>6}  {tot['skipped']:>7}")

    passed = sorted(n.split("::")[-1] for n, r in res.items() if r["outcome"] == "passed")
    rc = 0
    if a.floor:
        try:
            with open(a.floor) as f:
                floor = [l.strip() for l in f if l.strip() and not l.startswith("#")]
        except FileNotFoundError:
            floor = []
        missing = sorted(set(floor) - set(passed))
        if a.update_floor:
            with open(a.floor, "w") as f:
                f.write("# ceph/s3-tests that pass against s3kit serve; tests/conformance/run.sh\n"
                        "# fails when one of them fails. Add tests as they pass; never remove one\n"
                        "# without a reason in the commit.\n")
                for n in sorted(set(passed) | (set(floor) if not missing else set())):
                    f.write(n + "\n")
            print(f"floor: {len(passed)} tests written to {a.floor}")
        elif missing:
            print(f"floor: {len(missing)} of {len(floor)} tests that passed before now fail:")
            for n in missing:
                print("  " + n)
            rc = 1
        else:
            print(f"floor: all {len(floor)} tests of the floor pass ({len(passed) - len(floor)} more pass)")
    # The plain closing line CI reads.
    print(f"conformance: {tot['passed']} passed, {tot['failed']} failed, {tot['skipped']} skipped")
    return rc


if __name__ == "__main__":
    sys.exit(main())
