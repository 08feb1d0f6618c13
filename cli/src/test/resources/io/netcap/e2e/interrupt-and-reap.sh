# Sourced by the job scripts next to it. interrupt_and_reap PID DIR [SIGNAL]: sends PID SIGNAL
# (SIGINT unless given), as a script stops tcpdump; waits up to 30 s for it to end (then
# SIGKILL, said in DIR/problem); writes its exit status to DIR/status.
interrupt_and_reap() {
  local pid=$1 dir=$2 signal=${3:-INT}
  local deadline=$((SECONDS + 30))
  # whether the signal found the process still running (for the rare early exits ShellIT reports)
  if ! kill -"$signal" "$pid" 2>/dev/null; then
    echo "the process had already ended when kill -$signal was sent" >"$dir/note"
  fi
  while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "netcap still ran 30 s after kill -$signal" >"$dir/problem"
    kill -KILL "$pid"
  fi
  wait "$pid"
  echo $? >"$dir/status"
}
