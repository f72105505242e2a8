#!/bin/bash
# The second-kernel harness: boots Debian's 6.1 kernel under qemu with this machine's root shared
# read-only, records the loopback workload of record-workload.sh inside it with the tcprec jar
# built here, and brings the results back into OUT/guest. With --host, records the same workload
# on this machine's kernel instead, into OUT/host. SecondKernelIT calls it; so can a person.
#
#   run-second-kernel.sh [--host] OUT
#
# Kernel, qemu and busybox come from Debian's packages: qemu-system-x86 and busybox-static must be
# installed (.ci/run does so), the kernel package is fetched with apt-get download and unpacked
# with dpkg -x into a cache beside the jar, never installed. Exit 77 with one line when the VM
# cannot run here; 1 with one line when it ran and something failed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../../.." && pwd)
jar=${TCPREC_JAR:-$repo/cli/target/tcprec.jar}
java=${JAVA:-$(command -v java || true)}
cache=${TCPREC_VM_CACHE:-$repo/cli/target/vm-cache}

cannot() { echo "tcprec-vm: cannot run the second-kernel test here: $*" >&2; exit 77; }
die() { echo "tcprec-vm: $*" >&2; exit 1; }

host_mode=false
if [ "${1:-}" = --host ]; then host_mode=true; shift; fi
[ $# -eq 1 ] || { echo "usage: run-second-kernel.sh [--host] OUT" >&2; exit 2; }
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
command -v apt-get >/dev/null && command -v dpkg >/dev/null || cannot "not a Debian system: no apt-get/dpkg to fetch the 6.1 kernel"

# The newest 6.1 kernel Debian's lists name (bookworm's linux-image-amd64 points at it), unless set.
pkg=${TCPREC_VM_KERNEL_PKG:-$(apt-cache depends linux-image-amd64 2>/dev/null \
    | sed -n 's/.*Depends: \(linux-image-6\.1\.0-[0-9]*-amd64\)$/\1/p' | head -1)}
[ -n "$pkg" ] || cannot "apt knows no linux-image-6.1.0-*-amd64 package (run apt-get update on Debian 12)"
kver=${pkg#linux-image-}
kdir=$cache/$pkg
if [ ! -f "$kdir/boot/vmlinuz-$kver" ] || [ ! -f "$kdir/lib/modules/$kver/modules.dep" ]; then
    rm -rf "$kdir" && mkdir -p "$kdir"
    (cd "$cache" && rm -f "${pkg}"_*.deb && apt-get download -q "$pkg" >/dev/null 2>"$cache/apt.log") \
        || cannot "apt-get download $pkg failed: $(tail -1 "$cache/apt.log")"
    dpkg -x "$cache/${pkg}"_*.deb "$kdir"
    rm -f "$cache/${pkg}"_*.deb
    # dpkg -x runs no maintainer scripts, so the module index the postinst would make is made here.
    "$busybox" depmod -b "$kdir" "$kver"
fi
# Unpacked from a package without installing: the test reads its BTF from the guest itself.

work=$(mktemp -d /tmp/tcprec-vm.XXXXXX)
qemu_pid=
cleanup() {
    if [ -n "$qemu_pid" ] && kill -0 "$qemu_pid" 2>/dev/null; then kill "$qemu_pid" 2>/dev/null || true; wait "$qemu_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The initramfs: static busybox, the modules the root mount needs (in dependency order), /init.
init=$work/initramfs
mkdir -p "$init/bin" "$init/modules" "$init/proc" "$init/sys" "$init/dev"
cp "$busybox" "$init/bin/busybox"
ln -s busybox "$init/bin/sh"
cp "$here/initramfs-init.sh" "$init/init"
chmod +x "$init/init"
declare -A seen=()
order=()
add_module() { # name of a .ko path relative to the modules dir, after its dependencies
    local rel=$1 dep
    [ -n "${seen[$rel]:-}" ] && return
    seen[$rel]=1
    for dep in $(sed -n "s|^$rel: *||p" "$kdir/lib/modules/$kver/modules.dep"); do add_module "$dep"; done
    order+=("$rel")
}
for m in virtio_pci 9pnet_virtio 9p overlay; do
    rel=$(grep -o "^[^:]*/$m\.ko" "$kdir/lib/modules/$kver/modules.dep" | head -1)
    [ -n "$rel" ] || die "module $m is not in $pkg"
    add_module "$rel"
done
: > "$init/modules.load"
for rel in "${order[@]}"; do
    cp "$kdir/lib/modules/$kver/$rel" "$init/modules/"
    basename "$rel" >> "$init/modules.load"
done
(cd "$init" && find . | "$busybox" cpio -o -H newc 2>/dev/null | gzip -1) > "$work/initramfs.cpio.gz"

# What the guest's stage 2 reads from the results share.
share=$work/share
mkdir -p "$share/request" "$share/result"
echo "$kdir/lib/modules/$kver" > "$share/request/modules-dir"
cat > "$share/request/env" <<ENV
JAVA=$java
TCPREC_JAR=$jar
SCRIPT=$here/record-workload.sh
ENV

rm -rf "$out/guest" && mkdir -p "$out/guest"
timeout=${TCPREC_VM_TIMEOUT:-900}
echo "tcprec-vm: booting $pkg under qemu (TCG); guest console in $out/guest/console.log"
start=$(date +%s)
"$qemu" -accel tcg,thread=multi -cpu max -smp 2 -m 2048 -nographic -no-reboot -nodefaults \
    -serial "file:$out/guest/console.log" -monitor none -net none \
    -kernel "$kdir/boot/vmlinuz-$kver" -initrd "$work/initramfs.cpio.gz" \
    -append "console=ttyS0 panic=-1 loglevel=4 tcprec.stage2=$here/guest-stage2.sh" \
    -fsdev local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap \
    -device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot \
    -fsdev local,id=tcprecout,path="$share",security_model=none \
    -device virtio-9p-pci,fsdev=tcprecout,mount_tag=tcprecout \
    > "$out/guest/qemu.log" 2>&1 &
qemu_pid=$!
while kill -0 "$qemu_pid" 2>/dev/null; do
    if [ $(( $(date +%s) - start )) -ge "$timeout" ]; then
        die "the guest did not finish within $timeout s (console: $out/guest/console.log)"
    fi
    sleep 1
done
qemu_rc=0
wait "$qemu_pid" || qemu_rc=$?
if [ $qemu_rc != 0 ]; then
    last=$(tail -1 "$out/guest/qemu.log")
    cannot "qemu failed (exit $qemu_rc)${last:+: $last}"
fi
qemu_pid=
cp -r "$share/result/." "$out/guest/"
[ -f "$out/guest/exit-code" ] || die "the guest stopped before the workload finished (console: $out/guest/console.log)"
rc=$(cat "$out/guest/exit-code")
[ "$rc" = 0 ] || die "the guest's recording failed (exit $rc): see $out/guest/run.log"
echo "tcprec-vm: guest $(cat "$out/guest/uname-r") recorded $out/guest/guest.parquet in $(( $(date +%s) - start )) s"
