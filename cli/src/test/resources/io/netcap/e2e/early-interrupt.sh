#!/usr/bin/env bash
# A script that changes its mind at once: `netcap … & pid=$!; sleep DELAY; kill -INT $pid` (or
# -TERM), with netcap still starting (the launcher's set-up, the JVM itself, or compiling). bash
# starts the job with SIGINT ignored.
#
# usage: early-interrupt.sh DIR DELAY SIGNAL -- NETCAP-COMMAND...
# writes DIR/stdout, DIR/stderr, DIR/pid, DIR/status and, when netcap did not stop, DIR/problem.
set -u
. "$(dirname "$0")/interrupt-and-reap.sh"
dir=$1 delay=$2 signal=$3
shift 4

"$@" >"$dir/stdout" 2>"$dir/stderr" &
pid=$!
echo "$pid" >"$dir/pid"
sleep "$delay"
interrupt_and_reap "$pid" "$dir" "$signal"
