#!/usr/bin/env python3
"""threads.py PID [BEFORE]: a process's threads, one per line, 'tid<TAB>ticks<TAB>switches<TAB>name'
(ticks = utime + stime in clock ticks, switches = voluntary + involuntary context switches).

With BEFORE (an earlier output of this script for the same PID) it prints what each thread added
since then instead, busiest first, threads that added nothing left out: which of a capture's
threads use the CPU while it waits for packets, and how often they wake. A thread gone by now is
not listed; one started since counts from zero."""
import os, sys


def snapshot(pid):
    threads = {}
    base = '/proc/%s/task' % pid
    try:
        tids = os.listdir(base)
    except OSError:
        return threads
    for tid in tids:
        try:
            stat = open('%s/%s/stat' % (base, tid)).read()
            status = open('%s/%s/status' % (base, tid)).read()
        except OSError:
            continue  # ended between listdir and open
        # the name is in parentheses and may hold spaces or ')': the fields follow the last ')'
        name = stat[stat.index('(') + 1:stat.rindex(')')]
        fields = stat[stat.rindex(')') + 2:].split()
        ticks = int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
        switches = sum(int(line.split()[1]) for line in status.splitlines()
                       if line.startswith(('voluntary_ctxt_switches', 'nonvoluntary_ctxt_switches')))
        threads[tid] = (ticks, switches, name)
    return threads


def main(pid, before=None):
    now = snapshot(pid)
    if before is None:
        for tid, (t, s, name) in sorted(now.items(), key=lambda kv: int(kv[0])):
            print('%s\t%d\t%d\t%s' % (tid, t, s, name))
        return
    old = {}
    for line in open(before):
        tid, t, s, name = line.rstrip('\n').split('\t', 3)
        old[tid] = (int(t), int(s))
    added = []
    for tid, (t, s, name) in now.items():
        t0, s0 = old.get(tid, (0, 0))
        if t - t0 or s - s0:
            added.append((t - t0, s - s0, tid, name))
    for t, s, tid, name in sorted(added, key=lambda a: (-a[0], -a[1])):
        print('%s\t%d\t%d\t%s' % (tid, t, s, name))


main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)
