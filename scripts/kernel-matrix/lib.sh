# shellcheck shell=bash
# Host-side helpers for scripts/kernel-matrix.sh.
#
# Sourced, not executed. Everything here runs on the HOST as root:
#   - installing the few Debian packages the harness needs (idempotent),
#   - fetching Debian's stock kernel packages WITHOUT installing them
#     (apt-get download + dpkg-deb -x into a private cache directory, so the
#     host's /boot, /lib/modules, grub and initramfs hooks are never touched),
#   - building one small busybox initramfs per guest kernel,
#   - booting a guest under QEMU/TCG and collecting its result.
#
# Cache layout (KM_CACHE, default /var/cache/netcap-kernels):
#   debs/                         downloaded linux-image-*.deb files
#   <kver>/boot/vmlinuz-<kver>    the guest kernel
#   <kver>/boot/config-<kver>
#   <kver>/lib/modules/<kver>/    all modules, decompressed, with busybox depmod
#                                 output (modules.dep / modules.alias ...);
#                                 the guest bind-mounts this over its
#                                 /lib/modules so module autoloading works
#   <kver>/.extracted             stamp: name of the .deb it came from
#   <kver>/initramfs.cpio.gz      busybox + init + the modules needed to mount 9p
#   <kver>/initramfs.stamp        hash of the inputs of that initramfs

KM_CACHE=${KM_CACHE:-/var/cache/netcap-kernels}
KM_DIR=${KM_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}

# Modules the initramfs must load before it can mount the host's root over
# virtio-9p. Their dependencies (virtio, virtio_ring, virtio_pci_*_dev, netfs,
# fscache, 9pnet ...) are added from modules.dep and loaded first; built-in
# ones (6.12 has virtio, virtio_pci and fscache built in) are skipped.
KM_BOOT_MODULES="virtio_pci 9pnet_virtio 9p"

# Modules loaded right after the root is mounted (from the full module tree),
# so that tests find them ready. Anything else is autoloaded on demand by the
# kernel (request_module -> /sbin/modprobe in the initramfs = busybox
# modprobe over the full tree). Missing ones are reported, never fatal.
KM_PRELOAD_MODULES="veth dummy tun bridge nfnetlink nf_tables nft_compat nft_chain_nat nf_nat nf_conntrack nf_defrag_ipv4 nf_defrag_ipv6 x_tables ip_tables iptable_filter iptable_nat ip6_tables ip6table_filter xt_tcpudp xt_conntrack xt_comment xt_state sch_ingress cls_bpf act_bpf"

km_log() { printf '[kernel-matrix] %s\n' "$*" >&2; }
km_die() { km_log "ERROR: $*"; exit 2; }

# Is a Debian package installed?
km_pkg_installed() {
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

# Install the host tools the harness uses, only those that are missing.
# qemu-system-x86: the emulator; busybox-static: the guest's init userland.
km_ensure_host_packages() {
    local missing=() p
    for p in qemu-system-x86 busybox-static xz-utils; do
        km_pkg_installed "$p" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    km_log "installing ${missing[*]}"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2; then
        apt-get update -q >&2 || true
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 \
            || km_die "could not install ${missing[*]}"
    fi
}

# Map a short kernel name to the Debian meta package that tracks it.
#   6.1  -> linux-image-amd64       (bookworm's default kernel)
#   6.12 -> linux-image-6.12-amd64  (bookworm-security / backports)
#   X.Y  -> linux-image-X.Y-amd64
#   anything starting with linux-image- is taken as a package name as is.
km_meta_package() {
    case "$1" in
        linux-image-*) echo "$1" ;;
        6.1) echo linux-image-amd64 ;;
        *) echo "linux-image-$1-amd64" ;;
    esac
}

# Resolve the meta package to the concrete, versioned image package
# (e.g. linux-image-6.1.0-56-amd64). Prints nothing when apt doesn't know it.
km_image_package() {
    local meta=$1 dep
    # The concrete package itself (it ships a vmlinuz) -> keep it.
    if [[ $meta =~ ^linux-image-[0-9]+\.[0-9]+\.[0-9]+ ]]; then echo "$meta"; return; fi
    dep=$(apt-cache depends "$meta" 2>/dev/null \
          | sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n1)
    [ -n "$dep" ] && echo "$dep"
}

# Find an already-extracted kernel in the cache matching a short name (used
# when apt has no package lists, e.g. offline): newest "<name>.*" directory.
km_cached_kver() {
    local short=$1 d best=
    for d in "$KM_CACHE"/"$short".*/.extracted "$KM_CACHE"/"$short"-*/.extracted; do
        [ -e "$d" ] || continue
        d=${d%/.extracted}; best=${d##*/}
    done
    [ -n "$best" ] && echo "$best"
}

# Make sure kernel <short> is downloaded, extracted, decompressed and depmod'ed
# in the cache. Prints the kernel release (uname -r) on stdout.
km_prepare_kernel() {
    local short=$1 meta pkg deb kver dir tmp
    meta=$(km_meta_package "$short")
    pkg=$(km_image_package "$meta")
    if [ -z "$pkg" ]; then
        apt-get update -q >&2 || true
        pkg=$(km_image_package "$meta")
    fi
    if [ -z "$pkg" ]; then
        kver=$(km_cached_kver "$short") || km_die "no package for kernel '$short' ($meta) and nothing cached"
        km_log "apt does not know $meta; using cached $kver"
        echo "$kver"; return 0
    fi
    kver=${pkg#linux-image-}
    dir=$KM_CACHE/$kver
    if [ -f "$dir/.extracted" ] && [ -f "$dir/boot/vmlinuz-$kver" ]; then
        echo "$kver"; return 0
    fi
    mkdir -p "$KM_CACHE/debs"
    deb=$(ls "$KM_CACHE/debs/${pkg}_"*.deb 2>/dev/null | tail -n1)
    if [ -z "$deb" ]; then
        km_log "downloading $pkg"
        # apt-get download writes into the cwd; _apt may not be able to write
        # into a root-only directory, which only produces a warning.
        (cd "$KM_CACHE/debs" && apt-get download -q "$pkg" >&2) || km_die "apt-get download $pkg failed"
        deb=$(ls "$KM_CACHE/debs/${pkg}_"*.deb 2>/dev/null | tail -n1)
        [ -n "$deb" ] || km_die "download of $pkg produced no .deb"
    fi
    km_log "extracting $(basename "$deb") into $dir"
    tmp=$(mktemp -d "$KM_CACHE/.extract.XXXXXX")
    dpkg-deb -x "$deb" "$tmp" || km_die "dpkg-deb -x $deb failed"
    [ -f "$tmp/boot/vmlinuz-$kver" ] || km_die "$deb has no boot/vmlinuz-$kver"
    # Newer Debian kernels ship modules as .ko.xz; busybox (insmod, modprobe,
    # depmod) is only reliable with plain .ko files, so decompress them all
    # once here (a few seconds; ~500 MB on disk per kernel).
    find "$tmp/lib/modules/$kver" \( -name '*.ko.xz' -o -name '*.ko.zst' -o -name '*.ko.gz' \) -print0 \
        | xargs -0 -r -P "$(nproc)" -n 64 sh -c '
            for f; do
                case $f in
                    *.xz) xz -dq "$f" ;;
                    *.zst) zstd -dq --rm "$f" ;;
                    *.gz) gzip -dq "$f" ;;
                esac
            done' sh || km_die "decompressing modules failed"
    busybox depmod -b "$tmp" "$kver" || km_die "depmod failed"
    rm -rf "$dir"
    mkdir -p "$dir"
    mv "$tmp/boot" "$dir/boot"
    mkdir -p "$dir/lib/modules"
    mv "$tmp/lib/modules/$kver" "$dir/lib/modules/$kver"
    rm -rf "$tmp"
    basename "$deb" > "$dir/.extracted"
    echo "$kver"
}

# Print the .ko paths (relative to the module dir) needed to load the given
# modules, dependencies first, each once. Built-in and unknown modules are
# skipped (unknown ones are reported on stderr).
km_module_closure() {
    local moddir=$1; shift
    local -A seen=()
    local -A deps=()
    local -A byname=()
    local line path rest name
    while IFS= read -r line; do
        path=${line%%:*}
        rest=${line#*:}
        deps[$path]=$rest
        name=${path##*/}; name=${name%.ko}
        byname[$name]=$path
        byname[${name//-/_}]=$path
    done < "$moddir/modules.dep"
    _km_visit() {
        local p=$1 d
        [ -n "${seen[$p]:-}" ] && return
        seen[$p]=1
        for d in ${deps[$p]}; do _km_visit "$d"; done
        echo "$p"
    }
    local m
    for m in "$@"; do
        path=${byname[$m]:-${byname[${m//-/_}]:-}}
        if [ -z "$path" ]; then
            if ! grep -qE "/${m//_/[-_]}\.ko$" "$moddir/modules.builtin" 2>/dev/null; then
                km_log "note: module $m not found in $(basename "$moddir") (neither module nor built-in)"
            fi
            continue
        fi
        _km_visit "$path"
    done
}

# Build (or reuse) the initramfs of kernel <kver>. Prints its path.
km_build_initramfs() {
    local kver=$1 dir=$KM_CACHE/$kver moddir stamp want have root out bb
    moddir=$dir/lib/modules/$kver
    out=$dir/initramfs.cpio.gz
    bb=$(command -v busybox) || km_die "busybox not found"
    # Everything that goes into the image: if any of it changes, rebuild.
    want=$( {
        echo "kver=$kver boot=$KM_BOOT_MODULES"
        cat "$dir/.extracted"
        sha256sum "$bb" "$KM_DIR/guest-init.sh" "$KM_DIR/lib.sh"
    } | sha256sum | cut -d' ' -f1)
    have=$(cat "$dir/initramfs.stamp" 2>/dev/null || true)
    if [ -f "$out" ] && [ "$want" = "$have" ]; then
        echo "$out"; return 0
    fi
    km_log "building initramfs for $kver"
    root=$(mktemp -d "$KM_CACHE/.initramfs.XXXXXX")
    mkdir -p "$root"/{bin,sbin,etc/netcap,proc,sys,dev,mnt,run,tmp,out,lib/modules/"$kver"}
    cp "$bb" "$root/bin/busybox"
    # One symlink per applet, in /bin and in /sbin (the kernel's module
    # autoloader calls /sbin/modprobe).
    local applet
    for applet in $("$bb" --list); do
        [ "$applet" = busybox ] && continue
        ln -sf busybox "$root/bin/$applet"
        ln -sf ../bin/busybox "$root/sbin/$applet"
    done
    cp "$KM_DIR/guest-init.sh" "$root/init"
    chmod 755 "$root/init"
    # The boot modules, in load order, plus their .ko files.
    local rel
    : > "$root/etc/netcap/boot-modules"
    while IFS= read -r rel; do
        mkdir -p "$root/lib/modules/$kver/$(dirname "$rel")"
        cp "$moddir/$rel" "$root/lib/modules/$kver/$rel"
        echo "$rel" >> "$root/etc/netcap/boot-modules"
    done < <(km_module_closure "$moddir" $KM_BOOT_MODULES)
    # /dev/console must exist in the image: the kernel opens it for init's
    # stdin/stdout/stderr before init can mount devtmpfs.
    mknod -m 600 "$root/dev/console" c 5 1
    mknod -m 666 "$root/dev/null" c 1 3
    (cd "$root" && find . -mindepth 1 | LC_ALL=C sort | busybox cpio -o -H newc -R 0:0 2>/dev/null) \
        | gzip -1 > "$out.tmp" || km_die "cpio failed"
    mv "$out.tmp" "$out"
    echo "$want" > "$dir/initramfs.stamp"
    rm -rf "$root"
    echo "$out"
}
