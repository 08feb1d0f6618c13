#!/usr/bin/env python3
"""startup.py ERR TIMEOUT -- COMMAND... -> 'start ready end' (seconds since the epoch; ready is '-'
when the command never printed its ready line).

Runs COMMAND, copies its stderr line by line to the file ERR and notes when the ready line
("listening on", netcap's and tcpdump's) came. It blocks on the pipe while it waits, so it takes
no CPU from the start-up it measures. The bench's shell loop before it polled the error file every
10 ms, forking grep, date and bc each time (~5 processes per poll) on the same two cores the
start-up ran on. The command is killed after TIMEOUT seconds."""
import subprocess, sys, threading, time


def main(err_path, timeout, command):
    start = time.time()
    proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    ready = None
    try:
        with open(err_path, 'ab') as err:
            for line in proc.stderr:
                if ready is None and b'listening on' in line:
                    ready = time.time()
                err.write(line)
        proc.wait()
    finally:
        timer.cancel()
    end = time.time()
    print('%.6f %s %.6f' % (start, '-' if ready is None else '%.6f' % ready, end))


if __name__ == '__main__':
    if len(sys.argv) < 5 or sys.argv[3] != '--':
        sys.exit(__doc__)
    main(sys.argv[1], float(sys.argv[2]), sys.argv[4:])
