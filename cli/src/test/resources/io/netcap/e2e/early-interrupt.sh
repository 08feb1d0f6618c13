#!/usr/bin/env bash
# A script that changes its mind at once: `netcap … & pid=$!; sleep DELAY; kill -INT $pid`, with
# netcap still starting (the JVM itself, or compiling). bash starts the job with SIGINT ignored.
#
# usage: early-interrupt.sh DIR DELAY -- NETCAP-COMMAND...
# writes DIR/stdout, DIR/stderr, DIR/pid, DIR/status and, when netcap did not stop, DIR/problem.
set -u
dir=$1 delay=$2
shift 3

"$@" >"$dir/stdout" 2>"$dir/stderr" &
pid=$!
echo "$pid" >"$dir/pid"
sleep "$delay"
kill -INT "$pid"

deadline=$((SECONDS + 30))
while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do
  sleep 0.1
done
if kill -0 "$pid" 2>/dev/null; then
  echo "netcap still ran 30 s after kill -INT" >"$dir/problem"
  kill -KILL "$pid"
fi
wait "$pid"
echo $? >"$dir/status"
