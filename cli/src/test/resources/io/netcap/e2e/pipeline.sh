#!/usr/bin/env bash
# Runs `NETCAP-COMMAND | READER` as a shell pipeline, READER being a shell command such as
# 'head -n 3' or 'tcpdump -r -'. Once netcap listens, records its children and the BPF programs
# it holds, then sends pings.
#
# usage: pipeline.sh DIR NETNS ADDR COUNT READER -- NETCAP-COMMAND...
# writes DIR/pid (netcap's), DIR/stderr (netcap's), DIR/stdout and DIR/reader-stderr (the
# reader's), DIR/status (the pipeline's PIPESTATUS), DIR/children and DIR/programs (netcap's
# child processes and BPF program ids while it listened), DIR/reader-done and
# DIR/pipeline-done (times in ns). The caller bounds the whole run and kills DIR/pid if needed.
set -u
dir=$1 ns=$2 addr=$3 count=$4 reader=$5
shift 6

(
  deadline=$((SECONDS + 120))
  until grep -q '^netcap: listening on' "$dir/stderr" 2>/dev/null; do
    [ "$SECONDS" -ge "$deadline" ] && exit 1
    if [ -s "$dir/pid" ] && ! kill -0 "$(cat "$dir/pid")" 2>/dev/null; then exit 1; fi
    sleep 0.1
  done
  pid=$(cat "$dir/pid")
  pgrep -P "$pid" >"$dir/children"
  for info in /proc/"$pid"/fdinfo/*; do
    sed -n 's/^prog_id:[[:space:]]*//p' "$info" 2>/dev/null
  done >"$dir/programs"
  ip netns exec "$ns" ping -n -q -c "$count" -i 0.2 -W 2 -w $((count + 5)) "$addr" >/dev/null
) &
traffic=$!

# The subshell records its own pid, then becomes netcap.
(echo "$BASHPID" >"$dir/pid"; exec "$@") 2>"$dir/stderr" \
  | { bash -c "$reader" >"$dir/stdout" 2>"$dir/reader-stderr"; date +%s%N >"$dir/reader-done"; }
echo "${PIPESTATUS[*]}" >"$dir/status"
date +%s%N >"$dir/pipeline-done"
wait "$traffic"
