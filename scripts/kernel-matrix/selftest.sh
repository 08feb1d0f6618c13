#!/bin/bash
# Self test of a kernel-matrix guest. Run it INSIDE the guest:
#   scripts/kernel-matrix.sh -- scripts/kernel-matrix/selftest.sh
# It checks what netcap's tests rely on and the host kernel cannot do:
#   - bpftool sees kprobe/tracing program types,
#   - a kprobe and a kretprobe via tracefs fire on icmp_rcv for a ping on
#     loopback inside a fresh network namespace,
#   - the host's libbpf loads and attaches fentry, fexit, kprobe, kretprobe
#     (and, informational only, kprobe.multi) BPF programs that count hits,
#   - veth pairs between namespaces pass traffic, iptables (nft backend)
#     drops ICMP in a namespace, tc clsact qdiscs can be added,
#   - `java -version` runs (and how long it takes).
# Prints "ok - ..." / "not ok - ..." lines and a closing "N passed, N failed";
# exits 1 if anything failed.

set -u
PASSED=0
FAILED=0
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WORK=$(mktemp -d /tmp/kmselftest.XXXXXX)
TRACING=/sys/kernel/tracing

ok() { echo "ok - $*"; PASSED=$((PASSED + 1)); }
notok() { echo "not ok - $*"; FAILED=$((FAILED + 1)); }
check() { # check DESCRIPTION COMMAND...: ok if the command succeeds
    local what=$1; shift
    if "$@" > "$WORK/out" 2>&1; then ok "$what"; else notok "$what"; sed 's/^/    /' "$WORK/out"; fi
}
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

echo "# kernel $(uname -r)"

# --- bpftool feature probe -------------------------------------------------
bpftool feature probe kernel > "$WORK/features" 2>&1
grep -i kprobe "$WORK/features" | sed 's/^/# /'
if grep -q "eBPF program_type kprobe is available" "$WORK/features" \
    && grep -q "eBPF program_type tracing is available" "$WORK/features"; then
    ok "bpftool: kprobe and tracing program types available"
else
    notok "bpftool: kprobe / tracing program types not reported available"
fi

# --- kprobe + kretprobe via tracefs ----------------------------------------
ip netns add kmping && ip -n kmping link set lo up
echo 'p:netcap_test icmp_rcv' >> $TRACING/kprobe_events \
    && echo 'r:netcap_test_ret icmp_rcv ret=$retval' >> $TRACING/kprobe_events \
    && echo > $TRACING/trace \
    && echo 1 > $TRACING/events/kprobes/netcap_test/enable \
    && echo 1 > $TRACING/events/kprobes/netcap_test_ret/enable
ip netns exec kmping ping -c 2 -i 0.2 -W 2 127.0.0.1 > "$WORK/ping" 2>&1
echo 0 > $TRACING/events/kprobes/netcap_test/enable 2>/dev/null
echo 0 > $TRACING/events/kprobes/netcap_test_ret/enable 2>/dev/null
hits=$(grep -c 'netcap_test:' $TRACING/trace)
rhits=$(grep -c 'netcap_test_ret:' $TRACING/trace)
grep -m 2 'netcap_test' $TRACING/trace | sed 's/^/# /'
echo '-:netcap_test' >> $TRACING/kprobe_events 2>/dev/null
echo '-:netcap_test_ret' >> $TRACING/kprobe_events 2>/dev/null
if [ "$hits" -ge 2 ] && [ "$rhits" -ge 2 ]; then
    ok "tracefs kprobe/kretprobe on icmp_rcv: $hits / $rhits hits for ping -c 2 in a netns"
else
    notok "tracefs kprobe/kretprobe on icmp_rcv: $hits / $rhits hits"; sed 's/^/    /' "$WORK/ping"
fi

# --- BPF programs through the host's libbpf --------------------------------
t=$(now)
if clang -O2 -g -target bpf -I/usr/include/"$(uname -m)"-linux-gnu \
        -c "$HERE/hooktest/hook.bpf.c" -o "$WORK/hook.bpf.o" > "$WORK/cc" 2>&1 \
    && cc -O1 -o "$WORK/hook_loader" "$HERE/hooktest/hook_loader.c" -lbpf >> "$WORK/cc" 2>&1; then
    ok "clang/cc built the BPF object and the libbpf loader ($(elapsed "$t") s)"
    trigger="ip netns exec kmping ping -c 2 -i 0.2 -W 2 127.0.0.1 > /dev/null"
    for p in fentry fexit kprobe kretprobe; do
        check "libbpf $p on icmp_rcv counts hits" \
            "$WORK/hook_loader" "$WORK/hook.bpf.o" "on_${p}" "${p}_hits" "$trigger"
        sed 's/^/# /' "$WORK/out"
    done
    # kprobe.multi needs CONFIG_FPROBE (6.12 has it, Debian's 6.1 does not).
    if "$WORK/hook_loader" "$WORK/hook.bpf.o" on_kprobe_multi kprobe_multi_hits "$trigger" > "$WORK/out" 2>&1; then
        echo "# info: kprobe.multi works: $(tail -n 1 "$WORK/out")"
    else
        echo "# info: kprobe.multi not usable on this kernel: $(tail -n 1 "$WORK/out")"
    fi
else
    notok "building the BPF test programs"; sed 's/^/    /' "$WORK/cc"
fi

# --- veth between namespaces, iptables in a namespace, tc clsact -----------
# Addresses are private to the two namespaces of this guest.
ip netns add kma && ip netns add kmb \
    && ip link add kmveth0 type veth peer name kmveth1 \
    && ip link set kmveth0 netns kma && ip link set kmveth1 netns kmb \
    && ip -n kma addr add 10.199.0.1/24 dev kmveth0 && ip -n kmb addr add 10.199.0.2/24 dev kmveth1 \
    && ip -n kma link set kmveth0 up && ip -n kmb link set kmveth1 up \
    && ip -n kma link set lo up && ip -n kmb link set lo up
check "ip netns + veth pair: ping across" ip netns exec kma ping -c 1 -W 3 10.199.0.2
check "iptables -A INPUT -p icmp -j DROP in a netns" ip netns exec kmb iptables -A INPUT -p icmp -j DROP
if ip netns exec kma ping -c 1 -W 1 10.199.0.2 > /dev/null 2>&1; then
    notok "iptables rule drops ICMP (ping still answered)"
else
    ok "iptables rule drops ICMP"
fi
ip netns exec kmb iptables -L INPUT -n -v 2>&1 | sed 's/^/# /'
check "tc qdisc add clsact" ip netns exec kma tc qdisc add dev kmveth0 clsact
check "tcpdump -D lists the veth" sh -c "ip netns exec kma tcpdump -D | grep -q kmveth0"
ip netns del kma; ip netns del kmb; ip netns del kmping

# --- java ----------------------------------------------------------------
t=$(now)
if java -version > "$WORK/java" 2>&1; then
    ok "java -version ($(elapsed "$t") s): $(head -n 1 "$WORK/java")"
else
    notok "java -version"; sed 's/^/    /' "$WORK/java"
fi

rm -rf "$WORK"
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
