#!/bin/bash
# kernel-matrix.sh - run a command as root inside Debian's stock kernels.
#
# The host kernel cannot run kprobes/fentry, so netcap's function-hook paths
# are exercised in guests booted under QEMU (software emulation, TCG) with
# Debian's own kernel packages. The guest sees the HOST's root file system
# read-only over virtio-9p, so the host's java, clang, bpftool, libbpf,
# tcpdump, iproute2, iptables and the built netcap jar run there unchanged.
#
# Usage:
#   scripts/kernel-matrix.sh [options] -- COMMAND [ARGS...]
#
# Options:
#   --kernels LIST    comma-separated kernels (default 6.1,6.12). "6.1" is
#                     Debian 12's linux-image-amd64, "X.Y" is
#                     linux-image-X.Y-amd64, a full linux-image-... package
#                     name is used as is.
#   --timeout SEC     hard limit per kernel, boot included (default 1800);
#                     qemu is killed when it is exceeded.
#   --out DIR         where run directories go (default
#                     /var/tmp/netcap-kernel-matrix/<date>-<pid>); one
#                     sub-directory per kernel. Must not be under /tmp or /run.
#   --rw DIR          also give the guest read-write access to host
#                     directory DIR, at the same path (repeatable). E.g. the
#                     project's target/ directories for `mvn` in the guest.
#   --env NAME[=VAL]  pass an environment variable to COMMAND (repeatable);
#                     without =VAL the host's value is used.
#   --modules LIST    extra kernel modules to load before COMMAND
#                     (comma-separated; missing ones are reported only).
#   --memory MIB      guest memory (default 4096).   --smp N  vCPUs (default 2)
#   --cpu MODEL       qemu -cpu model (default $KM_QEMU_CPU or "max").
#   --prepare-only    only install/download/build what is needed, boot nothing.
#   -v, --verbose     stream the guest console while it runs.
#   -q, --quiet       do not print COMMAND's output (only the result lines;
#                     the last 20 lines on failure).
#
# COMMAND runs as root, via the host's /bin/bash, in the current directory
# (visible read-only at the same path), stdin from /dev/null, with:
#   NETCAP_GUEST_OUT     a writable directory whose contents end up in
#                        <run dir>/out on the host
#   NETCAP_GUEST_KERNEL  the guest's `uname -r`
#   PATH, HOME, LANG, JAVA_HOME (if set), TERM=dumb
# Writable in the guest: /tmp, /run (tmpfs), /dev/shm, $NETCAP_GUEST_OUT,
# --rw dirs, /sys/kernel/tracing, /sys/fs/bpf. Everything else is read-only.
#
# Prints one line per kernel:
#   kernel 6.1.0-56-amd64: PASS (123 s; boot-to-command 14.1 s) log: <path>
#   kernel 6.12.117+deb12-amd64: FAIL (exit 3) log: ...   / FAIL (timeout)
# and exits 0 only if every kernel passed (1 otherwise, 2 on usage/setup
# errors).
#
# Needs root (apt, qemu with a 9p export of /). Downloads go to
# /var/cache/netcap-kernels (KM_CACHE to override); nothing is installed into
# /boot or /lib/modules.

set -u -o pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KM_DIR=$HERE/kernel-matrix
# shellcheck source=kernel-matrix/lib.sh
. "$KM_DIR/lib.sh"

usage() { sed -n '2,/^$/{s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; }

KERNELS=6.1,6.12
TIMEOUT=1800
OUT_ROOT=
RW_DIRS=()
ENV_VARS=()
EXTRA_MODULES=
MEMORY=4096
SMP=2
CPU=${KM_QEMU_CPU:-max}
PREPARE_ONLY=0
VERBOSE=0
QUIET=0

while [ $# -gt 0 ]; do
    case "$1" in
        --kernels) KERNELS=${2:?}; shift 2 ;;
        --kernels=*) KERNELS=${1#*=}; shift ;;
        --timeout) TIMEOUT=${2:?}; shift 2 ;;
        --timeout=*) TIMEOUT=${1#*=}; shift ;;
        --out) OUT_ROOT=${2:?}; shift 2 ;;
        --out=*) OUT_ROOT=${1#*=}; shift ;;
        --rw) RW_DIRS+=("${2:?}"); shift 2 ;;
        --rw=*) RW_DIRS+=("${1#*=}"); shift ;;
        --env) ENV_VARS+=("${2:?}"); shift 2 ;;
        --env=*) ENV_VARS+=("${1#*=}"); shift ;;
        --modules) EXTRA_MODULES=${2:?}; shift 2 ;;
        --modules=*) EXTRA_MODULES=${1#*=}; shift ;;
        --memory) MEMORY=${2:?}; shift 2 ;;
        --smp) SMP=${2:?}; shift 2 ;;
        --cpu) CPU=${2:?}; shift 2 ;;
        --prepare-only) PREPARE_ONLY=1; shift ;;
        -v|--verbose) VERBOSE=1; shift ;;
        -q|--quiet) QUIET=1; shift ;;
        -h|--help) usage; exit 0 ;;
        --) shift; break ;;
        *) echo "unknown option: $1 (try --help)" >&2; exit 2 ;;
    esac
done
if [ $PREPARE_ONLY = 0 ] && [ $# -eq 0 ]; then
    echo "no command given (usage: $0 [options] -- COMMAND [ARGS...])" >&2
    exit 2
fi
[ "$(id -u)" = 0 ] || km_die "must run as root"
[[ $TIMEOUT =~ ^[0-9]+$ ]] || km_die "--timeout wants seconds"

# Paths the guest sees at the same place must be absolute, canonical and
# free of white space (they travel through a shell-sourced env file).
canon() {
    local p
    p=$(realpath -m -- "$1") || return 1
    [[ $p =~ [[:space:]] ]] && km_die "paths with white space are not supported: $p"
    echo "$p"
}
under_tmpfs() { case "$1/" in /tmp/*|/run/*|/dev/*|/proc/*|/sys/*) return 0 ;; esac; return 1; }

km_ensure_host_packages

IFS=, read -r -a KERNEL_LIST <<< "$KERNELS"
KVERS=()
# Several runs may share the cache: prepare under an exclusive lock. (Booting
# needs no lock: a rebuilt image replaces the old one by an atomic rename.)
mkdir -p "$KM_CACHE"
exec 9> "$KM_CACHE/.lock"
flock 9
for k in "${KERNEL_LIST[@]}"; do
    kver=$(km_prepare_kernel "$k") || exit 2
    km_build_initramfs "$kver" > /dev/null || exit 2
    KVERS+=("$kver")
done
flock -u 9
exec 9>&-
if [ $PREPARE_ONLY = 1 ]; then
    for kver in "${KVERS[@]}"; do echo "prepared $kver in $KM_CACHE/$kver"; done
    exit 0
fi

CWD=$(canon "$PWD") || exit 2
[ -n "$OUT_ROOT" ] || OUT_ROOT=/var/tmp/netcap-kernel-matrix/$(date +%Y%m%d-%H%M%S)-$$
OUT_ROOT=$(canon "$OUT_ROOT") || exit 2
under_tmpfs "$OUT_ROOT" && km_die "--out must not be under /tmp, /run, /dev, /proc or /sys (the guest mounts its own there)"
mkdir -p "$OUT_ROOT" || km_die "cannot create $OUT_ROOT"
RW_CANON=()
for d in "${RW_DIRS[@]}"; do
    d=$(canon "$d") || exit 2
    [ -d "$d" ] || km_die "--rw $d: not a directory"
    RW_CANON+=("$d")
done
# Directories under /tmp or /run that must stay visible (the guest mounts
# tmpfs there): the working directory.
KEEP_DIRS=
under_tmpfs "$CWD" && KEEP_DIRS=$CWD

PRELOAD="$KM_PRELOAD_MODULES ${EXTRA_MODULES//,/ }"
PATH_FOR_GUEST=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# Write <run dir>/job.sh: the host-side bash script the guest runs in the
# chroot. The command is quoted with printf %q, so any argv survives.
write_job() {
    local run=$1 kver=$2 e name val
    shift 2
    {
        echo '#!/bin/bash'
        echo '# Generated by scripts/kernel-matrix.sh; runs inside the guest.'
        printf 'export PATH=%q\n' "$PATH_FOR_GUEST"
        printf 'export HOME=%q\n' "${HOME:-/root}"
        printf 'export LANG=%q\n' "${LANG:-C.UTF-8}"
        echo 'export TERM=dumb USER=root LOGNAME=root'
        [ -n "${JAVA_HOME:-}" ] && printf 'export JAVA_HOME=%q\n' "$JAVA_HOME"
        for e in "${ENV_VARS[@]}"; do
            if [[ $e == *=* ]]; then name=${e%%=*}; val=${e#*=}; else name=$e; val=${!e-}; fi
            [[ $name =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || km_die "bad --env name: $name"
            printf 'export %s=%q\n' "$name" "$val"
        done
        printf 'export NETCAP_GUEST_OUT=%q\n' "$run/out"
        printf 'export NETCAP_GUEST_KERNEL=%q\n' "$kver"
        printf 'cd -- %q || { echo "kernel-matrix: cannot cd to %q in the guest" >&2; exit 125; }\n' "$CWD" "$CWD"
        printf 'exec'; printf ' %q' "$@"; echo
    } > "$run/job.sh"
    chmod 755 "$run/job.sh"
}

# Boot one kernel; prints the result line; returns 0 on PASS.
run_kernel() {
    local kver=$1; shift
    local run=$OUT_ROOT/$kver dir=$KM_CACHE/$kver log rc status t0 t1 secs boot shares=() i tailpid=
    rm -rf "$run"; mkdir -p "$run/out"
    log=$run/console.log
    write_job "$run" "$kver" "$@"
    {
        echo "NETCAP_RUN_DIR=$run"
        echo "NETCAP_MODULES_DIR=$dir/lib/modules"
        echo "NETCAP_BOOT_DIR=$dir/boot"
        echo "NETCAP_PRELOAD='$PRELOAD'"
        echo "NETCAP_KEEP_DIRS='$KEEP_DIRS'"
        echo "NETCAP_RW_DIRS='${RW_CANON[*]}'"
    } > "$run/job.env"
    i=0
    for d in "${RW_CANON[@]}"; do
        shares+=(-virtfs "local,path=$d,mount_tag=rw$i,security_model=none,multidevs=remap")
        i=$((i + 1))
    done
    : > "$log"
    if [ $VERBOSE = 1 ]; then tail -n +1 -f "$log" & tailpid=$!; fi
    t0=$(date +%s.%N)
    # -accel tcg: KVM is not usable here. -no-reboot + panic=-1: a guest
    # panic ends qemu at once. The whole host root is exported read-only;
    # multidevs=remap keeps inode numbers unique across host mounts.
    timeout -k 15 "$TIMEOUT" qemu-system-x86_64 \
        -accel tcg,thread=multi -machine pc -cpu "$CPU" -smp "$SMP" -m "$MEMORY" \
        -nodefaults -no-user-config -display none -monitor none -no-reboot \
        -kernel "$dir/boot/vmlinuz-$kver" -initrd "$dir/initramfs.cpio.gz" \
        -append "console=ttyS0 panic=-1 loglevel=4 mitigations=off nokaslr tsc=reliable no_timer_check" \
        -chardev "file,id=con,path=$log" -serial chardev:con \
        -virtfs "local,path=/,mount_tag=host,security_model=none,readonly=on,multidevs=remap" \
        -virtfs "local,path=$run,mount_tag=out,security_model=none,multidevs=remap" \
        "${shares[@]}" \
        < /dev/null > "$run/qemu.log" 2>&1
    rc=$?
    t1=$(date +%s.%N)
    [ -n "$tailpid" ] && { sleep 0.5; kill "$tailpid" 2>/dev/null; wait "$tailpid" 2>/dev/null; }
    secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%d", b - a + 0.5 }')
    boot=$(awk '$1 == "start" { printf "; boot-to-command %.1f s", $2 }' "$run/timing" 2>/dev/null)
    status=$(cat "$run/status" 2>/dev/null || true)
    # The command's own output (the console log has it too, mixed with
    # kernel messages).
    if [ $VERBOSE = 0 ] && [ $QUIET = 0 ] && [ -s "$run/output.log" ]; then
        echo "----- output on $kver -----"
        cat "$run/output.log"
        echo "-----"
    fi
    if [ $rc = 124 ] || [ $rc = 137 ]; then
        echo "kernel $kver: FAIL (timeout after ${TIMEOUT} s) log: $log"
        return 1
    elif [ -z "$status" ]; then
        echo "kernel $kver: FAIL (no exit status: guest crashed or qemu failed, qemu rc $rc) log: $log"
        tail -n 5 "$run/qemu.log" 2>/dev/null | sed 's/^/    qemu: /'
        return 1
    elif [ "$status" = 0 ]; then
        echo "kernel $kver: PASS (${secs} s$boot) log: $log"
        return 0
    else
        echo "kernel $kver: FAIL (exit $status, ${secs} s$boot) log: $log"
        [ $QUIET = 1 ] && tail -n 20 "$run/output.log" 2>/dev/null | sed 's/^/    | /'
        return 1
    fi
}

km_log "run directory: $OUT_ROOT (NETCAP_GUEST_OUT of each kernel: $OUT_ROOT/<kernel>/out)"
FAILED=0
for kver in "${KVERS[@]}"; do
    run_kernel "$kver" "$@" || FAILED=1
done
exit $FAILED
