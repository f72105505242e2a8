#!/bin/bash
# The kernel-matrix harness: boots one of Debian's kernels (5.10, 6.1 or 6.12) under qemu with this
# machine's root shared read-only, records the loopback workload of record-workload.sh inside it
# with the tcprec jar built here, and brings the results back into OUT/SERIES. With --host, records
# the same workload on this machine's kernel instead, into OUT/host. KernelMatrixIT calls it; so
# can a person.
#
#   run-kernel.sh --kernel 5.10|6.1|6.12 OUT
#   run-kernel.sh --host OUT
#
# Kernel, qemu and busybox come from Debian's packages: qemu-system-x86 and busybox-static must be
# installed (.ci/setup does so). The kernel package is fetched with apt-get download through an
# apt configuration of its own in the cache (a sources list naming bullseye, bookworm and trixie,
# its own lists and package cache), so the machine's apt sources are neither read nor changed; it
# is unpacked with dpkg -x beside the jar, never installed. Exit 77 with one line when the VM
# cannot run here; 1 with one line when it ran and something failed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../../.." && pwd)
jar=${TCPREC_JAR:-$repo/cli/target/tcprec.jar}
java=${JAVA:-$(command -v java || true)}
cache=${TCPREC_VM_CACHE:-$repo/cli/target/vm-cache}

cannot() { echo "tcprec-vm: cannot run the kernel test here: $*" >&2; exit 77; }
die() { echo "tcprec-vm: $*" >&2; exit 1; }

usage() { echo "usage: run-kernel.sh --kernel 5.10|6.1|6.12 OUT | run-kernel.sh --host OUT" >&2; exit 2; }
host_mode=false
series=
case "${1:-}" in
    --host) host_mode=true; shift ;;
    --kernel) series=${2:-}; shift 2 || usage ;;
    *) usage ;;
esac
[ $# -eq 1 ] || usage
mkdir -p "$1"
out=$(cd "$1" && pwd)
[ "$(id -u)" = 0 ] || cannot "needs root (to load BPF in the guest and on the host)"
[ -f "$jar" ] || die "no tcprec jar at $jar: build it first (mvn -q -pl cli -am package -DskipTests)"
[ -x "$java" ] || die "no java found (set JAVA)"

if $host_mode; then
    rm -rf "$out/host" && mkdir -p "$out/host"
    JAVA=$java TCPREC_JAR=$jar "$here/record-workload.sh" "$out/host" host > "$out/host/run.log" 2>&1 \
        || die "the host recording failed (exit $?): see $out/host/run.log"
    echo "tcprec-vm: host $(uname -r): $out/host/host.parquet"
    exit 0
fi

qemu=${QEMU:-$(command -v qemu-system-x86_64 || true)}
[ -n "$qemu" ] && [ -x "$qemu" ] || cannot "qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)"
# The initramfs has no libraries: busybox must be the static build (ldd fails on one).
busybox=$(command -v busybox || true)
[ -n "$busybox" ] && ! ldd "$busybox" >/dev/null 2>&1 || cannot "no static busybox (apt-get install busybox-static)"
command -v apt-get >/dev/null && command -v dpkg >/dev/null || cannot "not a Debian system: no apt-get/dpkg to fetch the kernel"

# Debian's kernels by series: the package name pattern; the newest version apt's lists name wins.
case "$series" in
    5.10) pattern='^linux-image-5\.10\.0-[0-9]+-amd64$' ;;
    6.1) pattern='^linux-image-6\.1\.0-[0-9]+-amd64$' ;;
    6.12) pattern='^linux-image-6\.12\.[0-9]+\+deb13-amd64$' ;;
    *) usage ;;
esac
mkdir -p "$cache"
apt_dir=$cache/apt
apt_opts=(-o "Dir::Etc::sourcelist=$apt_dir/sources.list" -o Dir::Etc::sourceparts=- \
    -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache" -o Debug::NoLocking=1)
private_apt_update() {
    mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
    local keyring=/usr/share/keyrings/debian-archive-keyring.gpg suite
    : > "$apt_dir/sources.list.new"
    for suite in bullseye bookworm trixie; do
        echo "deb [signed-by=$keyring] http://deb.debian.org/debian $suite main" >> "$apt_dir/sources.list.new"
        echo "deb [signed-by=$keyring] http://deb.debian.org/debian-security $suite-security main" >> "$apt_dir/sources.list.new"
    done
    mv "$apt_dir/sources.list.new" "$apt_dir/sources.list"
    apt-get "${apt_opts[@]}" -q update > "$apt_dir/update.log" 2>&1 \
        || cannot "apt-get update of the kernel sources failed: $(tail -1 "$apt_dir/update.log")"
}
# The lists are refreshed once a day; a named package (TCPREC_VM_KERNEL_PKG) is looked up as is.
if [ -z "$(find "$apt_dir/lists" -maxdepth 1 -name '*_Packages*' -mmin -1440 2>/dev/null | head -1)" ]; then
    private_apt_update
fi
pkg=${TCPREC_VM_KERNEL_PKG:-$(apt-cache "${apt_opts[@]}" search --names-only "$pattern" 2>/dev/null \
    | cut -d' ' -f1 | grep -E "$pattern" | sort -V | tail -1)}
[ -n "$pkg" ] || cannot "Debian's lists name no package matching $pattern (see $apt_dir/update.log)"
kver=${pkg#linux-image-}
kdir=$cache/$pkg
if [ ! -f "$kdir/boot/vmlinuz-$kver" ] || [ ! -f "$kdir/lib/modules/$kver/modules.dep" ]; then
    rm -rf "$kdir" && mkdir -p "$kdir"
    command -v xz >/dev/null || cannot "no xz to unpack the kernel's modules (apt-get install xz-utils)"
    (cd "$cache" && rm -f "${pkg}"_*.deb && apt-get "${apt_opts[@]}" download -q "$pkg" >/dev/null 2>"$cache/apt.log") \
        || cannot "apt-get download $pkg failed: $(tail -1 "$cache/apt.log")"
    dpkg -x "$cache/${pkg}"_*.deb "$kdir"
    rm -f "$cache/${pkg}"_*.deb
    # trixie's packages put the modules under /usr/lib (and compress them with xz: busybox reads both)
    [ -d "$kdir/lib/modules" ] || [ ! -d "$kdir/usr/lib/modules" ] || ln -s usr/lib "$kdir/lib"
    # dpkg -x runs no maintainer scripts, so the module index the postinst would make is made here.
    "$busybox" depmod -b "$kdir" "$kver"
fi
moddir=$(readlink -f "$kdir/lib/modules/$kver")
# Unpacked from a package without installing: the test reads its BTF from the guest itself.

work=$(mktemp -d /tmp/tcprec-vm.XXXXXX)
qemu_pid=
cleanup() {
    if [ -n "$qemu_pid" ] && kill -0 "$qemu_pid" 2>/dev/null; then kill "$qemu_pid" 2>/dev/null || true; wait "$qemu_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The initramfs: static busybox, the modules the root mount needs (in dependency order, unpacked
# where the kernel compresses them; those built in are left out), /init. Made once per kernel and
# kept beside it, until busybox or /init change.
make_initramfs() {
    local init=$work/initramfs rel m
    mkdir -p "$init/bin" "$init/modules" "$init/proc" "$init/sys" "$init/dev"
    cp "$busybox" "$init/bin/busybox"
    ln -s busybox "$init/bin/sh"
    cp "$here/initramfs-init.sh" "$init/init"
    chmod +x "$init/init"
    declare -A seen=()
    local order=()
    add_module() { # a module's path relative to the modules dir, after its dependencies
        local rel=$1 dep
        [ -n "${seen[$rel]:-}" ] && return
        seen[$rel]=1
        for dep in $(sed -n "s|^$rel: *||p" "$moddir/modules.dep"); do add_module "$dep"; done
        order+=("$rel")
    }
    for m in virtio_pci 9pnet_virtio 9p overlay; do
        rel=$(grep -oE "^[^:]*/$m\.ko(\.xz)?" "$moddir/modules.dep" | head -1 || true)
        if [ -z "$rel" ]; then
            grep -q "/$m\.ko\$" "$moddir/modules.builtin" || die "module $m is not in $pkg"
            continue
        fi
        add_module "$rel"
    done
    : > "$init/modules.load"
    for rel in "${order[@]}"; do
        m=$(basename "${rel%.xz}")
        case "$rel" in
            *.xz) xz -dc "$moddir/$rel" > "$init/modules/$m" ;;
            *) cp "$moddir/$rel" "$init/modules/$m" ;;
        esac
        echo "$m" >> "$init/modules.load"
    done
    (cd "$init" && find . | "$busybox" cpio -o -H newc 2>/dev/null | gzip -1) > "$initramfs.new"
    mv "$initramfs.new" "$initramfs"
}
initramfs=$kdir/initramfs-$(cat "$busybox" "$here/initramfs-init.sh" | sha256sum | cut -c1-16).cpio.gz
if [ ! -f "$initramfs" ]; then
    rm -f "$kdir"/initramfs-*.cpio.gz
    make_initramfs
fi

# What the guest's stage 2 reads from the results share.
share=$work/share
mkdir -p "$share/request" "$share/result"
echo "$moddir" > "$share/request/modules-dir"
cat > "$share/request/env" <<ENV
JAVA=$java
TCPREC_JAR=$jar
SCRIPT=$here/record-workload.sh
LABEL=$series
ENV

res=$out/$series
rm -rf "$res" && mkdir -p "$res"
timeout=${TCPREC_VM_TIMEOUT:-900}
echo "tcprec-vm: booting $pkg under qemu (TCG); guest console in $res/console.log"
start=$(date +%s)
"$qemu" -accel tcg,thread=multi -cpu max -smp 2 -m 2048 -nographic -no-reboot -nodefaults \
    -serial "file:$res/console.log" -monitor none -net none \
    -kernel "$kdir/boot/vmlinuz-$kver" -initrd "$initramfs" \
    -append "console=ttyS0 panic=-1 loglevel=4 tcprec.stage2=$here/guest-stage2.sh" \
    -fsdev local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap \
    -device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot \
    -fsdev local,id=tcprecout,path="$share",security_model=none \
    -device virtio-9p-pci,fsdev=tcprecout,mount_tag=tcprecout \
    > "$res/qemu.log" 2>&1 &
qemu_pid=$!
while kill -0 "$qemu_pid" 2>/dev/null; do
    if [ $(( $(date +%s) - start )) -ge "$timeout" ]; then
        die "the guest did not finish within $timeout s (console: $res/console.log)"
    fi
    sleep 1
done
qemu_rc=0
wait "$qemu_pid" || qemu_rc=$?
if [ $qemu_rc != 0 ]; then
    last=$(tail -1 "$res/qemu.log")
    cannot "qemu failed (exit $qemu_rc)${last:+: $last}"
fi
qemu_pid=
cp -r "$share/result/." "$res/"
[ -f "$res/exit-code" ] || die "the guest stopped before the workload finished (console: $res/console.log)"
rc=$(cat "$res/exit-code")
[ "$rc" = 0 ] || die "the guest's recording failed (exit $rc): see $res/run.log"
echo "tcprec-vm: guest $(cat "$res/uname-r") recorded $res/$series.parquet in $(( $(date +%s) - start )) s"
