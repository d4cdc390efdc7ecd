#!/usr/bin/env python3
"""Runs a command and prints JSON: seconds to its first stdout line, total
seconds, lines printed, exit code and the child's peak RSS in KiB.

    firstline.py CMD [ARGS...]
"""
import json
import resource
import subprocess
import sys
import time


def main(argv):
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    first = None
    n = 0
    for _ in p.stdout:
        if first is None:
            first = time.monotonic() - t0
        n += 1
    rc = p.wait()
    total = time.monotonic() - t0
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"first_line_s": first, "total_s": total, "lines": n, "rc": rc, "max_rss_kib": rss}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
