#!/usr/bin/env python3
"""Interleaved start-up comparison: run each command once per round, round
after round, so machine noise (other processes, frequency changes) falls on
every command alike. Prints, per command, the median wall time, the median
CPU time (user+sys, from wait4) and both as ratios to the first command,
plus the 10th-percentile wall time: on a shared, loaded machine the low
percentiles are the least disturbed by other processes.

Usage: interleave.py ROUNDS NAME=CMD [NAME=CMD ...]   (CMD split on spaces)
"""
import os, statistics, sys, time

def main():
    rounds = int(sys.argv[1])
    cmds = []
    for spec in sys.argv[2:]:
        name, _, cmd = spec.partition("=")
        cmds.append((name, cmd.split()))
    wall = {n: [] for n, _ in cmds}
    cpu = {n: [] for n, _ in cmds}
    devnull = os.open(os.devnull, os.O_WRONLY)
    for r in range(rounds + 3):
        for name, argv in cmds:
            t0 = time.perf_counter()
            pid = os.posix_spawn(argv[0], argv, os.environ,
                                 file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1),
                                               (os.POSIX_SPAWN_DUP2, devnull, 2)])
            _, status, ru = os.wait4(pid, 0)
            t1 = time.perf_counter()
            if os.waitstatus_to_exitcode(status) != 0:
                sys.exit(f"{name}: exit status {status}")
            if r >= 3:  # the first rounds are warm-up
                wall[name].append((t1 - t0) * 1000)
                cpu[name].append((ru.ru_utime + ru.ru_stime) * 1000)
    base = cmds[0][0]
    bw, bc = statistics.median(wall[base]), statistics.median(cpu[base])
    bp = p10(wall[base])
    print(f"| program | median wall ms | × {base} | p10 wall ms | × {base} | median CPU ms | × {base} |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, _ in cmds:
        w, c, p = statistics.median(wall[name]), statistics.median(cpu[name]), p10(wall[name])
        print(f"| {name} | {w:.2f} | {w / bw:.2f} | {p:.2f} | {p / bp:.2f} | {c:.2f} | {c / bc:.2f} |")


def p10(xs):
    return sorted(xs)[len(xs) // 10]

main()
