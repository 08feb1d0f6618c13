#!/usr/bin/env bash
# Runs netcap the way a script runs tcpdump in the background: `netcap … & pid=$!`, waits for its
# "listening on" line, sends pings, stops it with `kill -INT $pid`. bash starts the background
# jobs of a non-interactive shell with SIGINT ignored, which is what this reproduces.
#
# usage: background-job.sh DIR NETNS ADDR COUNT -- NETCAP-COMMAND...
# writes DIR/stdout, DIR/stderr, DIR/pid, DIR/status (netcap's exit status) and, when it went
# wrong, DIR/problem. Every wait is bounded; netcap is killed if it does not stop.
set -u
. "$(dirname "$0")/interrupt-and-reap.sh"
dir=$1 ns=$2 addr=$3 count=$4
shift 5

"$@" >"$dir/stdout" 2>"$dir/stderr" &
pid=$!
echo "$pid" >"$dir/pid"

deadline=$((SECONDS + 120)) # the launcher may first make its class data sharing archive
until grep -q '^netcap: listening on' "$dir/stderr"; do
  if ! kill -0 "$pid" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; then
    echo "netcap did not start listening" >"$dir/problem"
    kill -KILL "$pid" 2>/dev/null
    wait "$pid"
    echo $? >"$dir/status"
    exit 0
  fi
  sleep 0.1
done

ip netns exec "$ns" ping -n -q -c "$count" -i 0.2 -W 2 -w $((count + 5)) "$addr" >/dev/null
interrupt_and_reap "$pid" "$dir"
