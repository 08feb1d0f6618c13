# ---- netcap's own part: values that are facts of this machine, computed when Tab is pressed ----
# (the tables _netcap_subcommands and _netcap_live_options above are generated from the picocli
# model: every option that carries a LiveCompletion, by subcommand and option name)

# The line up to the cursor, split at blanks only: hooks hold ':' and values may follow '=', both
# of which bash also splits words at (COMP_WORDBREAKS), so COMP_WORDS cannot tell -f's value.
# Sets _netcap_words (the last one is the word being completed, maybe empty).
function _netcap_split_line() {
  local line=${COMP_LINE:0:COMP_POINT}
  read -ra _netcap_words <<< "$line"
  if [[ -z $line || $line =~ [[:space:]]$ ]]; then
    _netcap_words+=("")
  fi
}

# Sets COMPREPLY to the values (one a line on stdin) that start with $1. Bash replaces only the
# part of the word after its last word-break character (the ':' in tracepoint:net:), so that
# much is cut from the front of each value.
function _netcap_reply() {
  local cur=$1 value i keep=""
  for (( i = ${#cur} - 1; i >= 0; i-- )); do
    if [[ $COMP_WORDBREAKS == *"${cur:i:1}"* ]]; then
      keep=${cur:0:i+1}
      break
    fi
  done
  COMPREPLY=()
  while IFS= read -r value; do
    if [[ -n $value && $value == "$cur"* ]]; then
      COMPREPLY+=("${value#"$keep"}")
    fi
  done
}

# Kernel hooks as -f takes them: what `netcap list --json` lists (as root that includes the
# tracepoint:CAT:EVENT forms, which need tracefs), read once per shell, in the shell itself (the
# completion reads the candidates through a process substitution, a subshell, whose variables
# do not outlive it). Function hooks (no prefix) are left out where the kernel can attach
# neither fentry nor kprobes: `netcap list` says so as functions_refused.
function _netcap_fill_hooks_cache() {
  local netcap=$1 json
  [[ -n ${_netcap_hooks_cache:-} ]] && return 0
  type -P -- "$netcap" >/dev/null || netcap=netcap
  json=$(timeout 20 "$netcap" list --json 2>/dev/null)
  _netcap_hooks_cache=$(sed -n 's/^ *"hooks" : \[\(.*\)\],\{0,1\}$/\1/p' <<< "$json" | tr ',' '\n' \
    | sed 's/^ *"//; s/" *$//' | grep -v '^$')
  if [[ $json == *'"functions_refused"'* ]]; then
    _netcap_hooks_cache=$(grep ':' <<< "$_netcap_hooks_cache")
  fi
}

# The hooks for the word being completed. A comma-separated list is completed after its last
# comma; fentry:, kprobe: and tp: prefixes are offered with the names they can take.
function _netcap_live_hooks() {
  local netcap=$1 cur=$2 head="" last hook
  if [[ $cur == *,* ]]; then
    head=${cur%,*},
  fi
  last=${cur##*,}
  _netcap_fill_hooks_cache "$netcap"
  while IFS= read -r hook; do
    printf '%s\n' "$head$hook"
    case $hook in
      tracepoint:*) [[ $last == tp:* ]] && printf '%s\n' "${head}tp:${hook#tracepoint:}" ;;
      *:*) ;;
      *) [[ $last == fentry:* || $last == kprobe:* ]] && printf '%s\n' "$head${last%%:*}:$hook" ;;
    esac
  done <<< "$_netcap_hooks_cache"
}

# Device names: this namespace's, and as root those of every namespace `ip netns` names (netcap
# -i matches a device of that name in any namespace). At most 2 s per namespace.
function _netcap_live_devices() {
  {
    ip -o link show 2>/dev/null
    if [[ $EUID -eq 0 ]]; then
      local ns
      for ns in $(ip netns list 2>/dev/null | awk '{ print $1 }'); do
        timeout 2 ip -n "$ns" -o link show 2>/dev/null
      done
    fi
  } | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | sort -u
}

# Network namespace names, from `ip netns`.
function _netcap_live_netns() {
  ip netns list 2>/dev/null | awk '{ print $1 }'
}

# Completes the value of an option that carries a LiveCompletion; everything else goes to
# picocli's completion above.
function _netcap_complete() {
  local -a _netcap_words
  _netcap_split_line
  local n=${#_netcap_words[@]}
  local cur=${_netcap_words[n-1]} prev="" sub="" word kind
  if (( n >= 2 )); then
    prev=${_netcap_words[n-2]}
  fi
  if [[ $cur == --*=* ]]; then
    prev=${cur%%=*}
    cur=${cur#*=}
  fi
  if (( n > 2 )); then
    for word in "${_netcap_words[@]:1:n-2}"; do
      if [[ " ${_netcap_subcommands[*]} " == *" $word "* ]]; then
        sub=$word
        break
      fi
    done
  fi
  kind=${_netcap_live_options["$sub $prev"]:-}
  if [[ -n $sub && -n $kind ]]; then
    # no file names when there is no such value (compopt fails outside a real completion: a test)
    compopt +o default 2>/dev/null || true
    if [[ $kind == hooks ]]; then
      _netcap_fill_hooks_cache "${_netcap_words[0]}"
    fi
    _netcap_reply "$cur" < <("_netcap_live_$kind" "${_netcap_words[0]}" "$cur")
    return 0
  fi
  _complete_netcap "$@"
}

complete -F _netcap_complete -o default netcap
