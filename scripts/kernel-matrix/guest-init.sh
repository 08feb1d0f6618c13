#!/bin/busybox sh
# PID 1 of the kernel-matrix guest (busybox sh, runs from the initramfs).
#
# It: loads the modules needed for virtio-9p, mounts the host's root file
# system read-only at /mnt (9p tag "host") and the per-run directory
# read-write at /out (9p tag "out"), reads /out/job.env (written by the host),
# prepares /mnt as a usable system (proc, sys, dev, tmpfs /tmp and /run,
# tracefs, debugfs, bpffs, cgroup2), then runs the host-written job script
# with "chroot /mnt" as a CHILD process (PID 1 itself never chroots, so the
# kernel's module autoloader keeps calling the initramfs' /sbin/modprobe =
# busybox modprobe over the guest kernel's module tree), records its exit
# status in /out/status and powers the machine off.
#
# Files written to /out (the host sees them in the run directory):
#   status      exit status of the job ("125" if the setup itself failed)
#   timing      guest uptime (s) at init start, job start and job end
#   output.log  the job's stdout+stderr (also echoed on the console)
#   dmesg.log   the guest kernel log at the end
#   setup.log   messages of this init script
#   hs_err_pid*.log  JVM crash reports found in the guest's /tmp

export PATH=/bin:/sbin
umask 022

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec </dev/null >/dev/console 2>&1

T_INIT=$(cut -d' ' -f1 /proc/uptime)
KVER=$(uname -r)
SETUP_LOG=/tmp/setup.log

say() { echo "[guest-init] $*" | tee -a "$SETUP_LOG"; }

# Power off; fall back to the sysrq trigger, then to a reboot (qemu runs with
# -no-reboot, so a reboot ends it too).
halt_now() {
    sync
    poweroff -f
    echo o > /proc/sysrq-trigger
    sleep 5
    reboot -f
}

# Setup failed: tell the host (if /out is there) and stop.
fail_setup() {
    say "SETUP FAILED: $*"
    if mountpoint -q /out; then
        cp "$SETUP_LOG" /out/setup.log 2>/dev/null
        echo 125 > /out/status
    fi
    halt_now
}

say "kernel $KVER, init at ${T_INIT}s"

# 1. virtio + 9p modules, in dependency order (computed on the host).
#    "File exists" (already loaded) is fine; a real failure shows up at mount.
while read -r ko; do
    insmod "/lib/modules/$KVER/$ko" 2>/tmp/insmod.err || {
        grep -q 'File exists' /tmp/insmod.err || say "insmod $ko: $(cat /tmp/insmod.err)"
    }
done < /etc/netcap/boot-modules

# 2. The shares. msize 512 KiB makes large reads (jars, JDK modules) faster.
NINEP="trans=virtio,version=9p2000.L,msize=524288"
mount -t 9p -o "$NINEP,ro" host /mnt || fail_setup "cannot mount the host root (9p tag host)"
mount -t 9p -o "$NINEP" out /out || fail_setup "cannot mount the run directory (9p tag out)"
[ -f /out/job.env ] || fail_setup "no /out/job.env"
. /out/job.env

# 3. The full module tree of this kernel (extracted on the host) replaces the
#    initramfs' small one, so modprobe / autoloading find every module.
if [ -n "$NETCAP_MODULES_DIR" ] && [ -d "/mnt$NETCAP_MODULES_DIR/$KVER" ]; then
    mount --bind "/mnt$NETCAP_MODULES_DIR" /lib/modules
else
    say "no module tree at $NETCAP_MODULES_DIR/$KVER: only built-ins and boot modules available"
fi
echo /sbin/modprobe > /proc/sys/kernel/modprobe
MISSING=
for m in $NETCAP_PRELOAD; do
    modprobe -q "$m" 2>/dev/null || MISSING="$MISSING $m"
done
[ -n "$MISSING" ] && say "modules not loaded (absent or failed):$MISSING"

# 4. Make /mnt a working system. The host's mount points (proc, sys, dev,
#    tmp, run ...) exist as directories in the share, so they can be used as
#    mount points even though the share is read-only.
# A plain (non-recursive) second view of the host root: used below to put
# back host directories that the tmpfs on /tmp or /run would hide (e.g. a
# checkout under /tmp that is the job's working directory).
mkdir -p /hostroot
mount --bind /mnt /hostroot
mount -t proc proc /mnt/proc || fail_setup "mount /mnt/proc"
mount -t sysfs sysfs /mnt/sys || fail_setup "mount /mnt/sys"
mount -t devtmpfs devtmpfs /mnt/dev || fail_setup "mount /mnt/dev"
mkdir -p /mnt/dev/pts /mnt/dev/shm /mnt/dev/mqueue
mount -t devpts -o newinstance,ptmxmode=0666 devpts /mnt/dev/pts
mount -t tmpfs -o mode=1777 tmpfs /mnt/dev/shm
mount -t mqueue mqueue /mnt/dev/mqueue 2>/dev/null
[ -e /mnt/dev/fd ] || ln -s /proc/self/fd /mnt/dev/fd
mount -t tmpfs -o mode=1777 tmpfs /mnt/tmp || fail_setup "mount /mnt/tmp"
mount -t tmpfs -o mode=755 tmpfs /mnt/run || fail_setup "mount /mnt/run"
mkdir -p /mnt/run/netns /mnt/run/lock
# The guest kernel's config and System.map where tools look for them
# (bpftool feature probe reads /boot/config-$(uname -r)). Hides the host's
# /boot, which holds nothing for this kernel anyway.
if [ -n "$NETCAP_BOOT_DIR" ] && mount -t tmpfs -o mode=755 tmpfs /mnt/boot; then
    cp "/mnt$NETCAP_BOOT_DIR/config-$KVER" "/mnt$NETCAP_BOOT_DIR/System.map-$KVER" /mnt/boot/ 2>/dev/null
fi
mount -t tracefs tracefs /mnt/sys/kernel/tracing 2>/dev/null || say "no tracefs"
mount -t debugfs debugfs /mnt/sys/kernel/debug 2>/dev/null || say "no debugfs"
mount -t bpf bpf /mnt/sys/fs/bpf 2>/dev/null || say "no bpffs"
mount -t cgroup2 cgroup2 /mnt/sys/fs/cgroup 2>/dev/null || say "no cgroup2"
# Host directories under /tmp or /run (hidden by the tmpfs mounts above)
# that the job needs, read-only, at their own paths.
for d in $NETCAP_KEEP_DIRS; do
    mkdir -p "/mnt$d" && mount --bind "/hostroot$d" "/mnt$d" \
        && mount -o remount,bind,ro "/mnt$d" || say "cannot expose $d"
done
# The run directory at the same path as on the host (it exists there).
mount --bind /out "/mnt$NETCAP_RUN_DIR" || fail_setup "bind $NETCAP_RUN_DIR"
# Extra read-write host directories (tags rw0, rw1, ...), also at their paths.
i=0
for d in $NETCAP_RW_DIRS; do
    mkdir -p "/mnt$d" 2>/dev/null
    mount -t 9p -o "$NINEP" "rw$i" "/mnt$d" || fail_setup "cannot mount rw share $d"
    i=$((i + 1))
done
ip link set lo up

# 5. Run the job.
T_START=$(cut -d' ' -f1 /proc/uptime)
say "setup done at ${T_START}s; running the job"
cp "$SETUP_LOG" /out/setup.log
echo "===== netcap-kernel-matrix: job start ($KVER) ====="
set -o pipefail
chroot /mnt /bin/bash "$NETCAP_RUN_DIR/job.sh" 2>&1 | tee /out/output.log
RC=$?
set +o pipefail
T_END=$(cut -d' ' -f1 /proc/uptime)
echo "===== netcap-kernel-matrix: job end, exit $RC ====="
{
    echo "init $T_INIT"
    echo "start $T_START"
    echo "end $T_END"
} > /out/timing
dmesg > /out/dmesg.log
# JVM crash reports land in the guest's /tmp by default: keep them.
for f in /mnt/tmp/hs_err_pid*.log; do
    [ -f "$f" ] && cp "$f" /out/ && say "JVM crash report kept: $NETCAP_RUN_DIR/${f##*/}"
done
echo "$RC" > /out/status
halt_now
