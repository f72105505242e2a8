#!/bin/bash
# Proves the Debian packages where they will be used: a fresh Debian 12 root made by debootstrap
# from Debian's archive, with no JDK, into which apt installs each package (and what it Depends
# on); the installed /usr/bin/tcprec records a workload in a network namespace this script
# creates, and dpkg --purge removes the package again. PackageInstallIT checks what it leaves:
#
#   PKG/version.txt          the installed tcprec --version
#   PKG/NAME.parquet         the trace recorded with the installed package (--netns: the workload's)
#   PKG/workload.txt         every connection of the workload (sample-traces/workload.py's lines)
#   PKG/snmp.before/after    the namespace's /proc/net/snmp around the workload
#   PKG/info.txt             the installed tcprec info of its own trace
#   PKG/contents.txt         dpkg -L of the installed package
#   PKG/java.txt             the Java packages installed with it ("no java package" if none)
#   PKG/natives.txt          the native libraries inside its installed jars
#   PKG/cmdline.txt          the recorder's command line (java and its options), one argument a line
#   PKG/libbpf.txt           every libbpf package and libbpf.so* file in the root after the install,
#                            and the libbpf the recorder had mapped while it recorded
#   PKG/left-after-purge.txt what the install, the recording, the purge and apt's autoremove of
#                            the dependencies left in the root:
#                            changed files that no installed package owns, outside dpkg's and
#                            apt's own state (the user's trace should be all)
#   PKG/timing.txt           seconds from apt install's start to the recording and to the trace
#
#   install-record-remove.sh CACHE OUT DEB...    (root; CACHE keeps the debootstrap root between runs)
set -euo pipefail
cache=$1 out=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
workload=$here/../../../../sample-traces/workload.py
. "$here/../../../../sample-traces/recording-steps.sh"
mirror=http://deb.debian.org/debian
pristine=$cache/bookworm
ns=tcprec-deb-$$
merged=$out/root
recorder=

say() { echo "[$(date +%T)] $*"; }

cleanup() {
    if [ -n "$recorder" ]; then kill "$recorder" 2>/dev/null || true; wait "$recorder" 2>/dev/null || true; fi
    ip netns del "$ns" 2>/dev/null || true
    if mountpoint -q "$merged" 2>/dev/null; then
        umount -R "$merged" 2>/dev/null || umount -R -l "$merged"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The pristine root, made once: debootstrap's minimal Debian 12 with apt's lists fetched, and
# nothing of Java. Each package is then tried on an overlay of it, which the purge check reads.
if [ ! -f "$pristine/.complete" ]; then
    say "debootstrap bookworm from $mirror into $pristine"
    rm -rf "$pristine"
    mkdir -p "$cache"
    debootstrap --variant=minbase bookworm "$pristine" "$mirror" > "$cache/debootstrap.log" 2>&1 \
        || { tail -20 "$cache/debootstrap.log"; exit 1; }
    cp /etc/resolv.conf "$pristine/etc/resolv.conf"
    chroot "$pristine" apt-get update -q > "$cache/apt-update.log" 2>&1 || { cat "$cache/apt-update.log"; exit 1; }
    chroot "$pristine" apt-get clean
    touch "$pristine/.complete"
fi

mount_root() {
    rm -rf "$out/upper" "$out/work"
    mkdir -p "$out/upper" "$out/work" "$merged"
    mount -t overlay overlay -o "lowerdir=$pristine,upperdir=$out/upper,workdir=$out/work" "$merged"
    mount --bind /proc "$merged/proc"
    mount --bind /sys "$merged/sys"
    mount --bind /sys/fs/bpf "$merged/sys/fs/bpf"
    mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null || true
    mount --bind /sys/kernel/tracing "$merged/sys/kernel/tracing"
    mount --bind /dev "$merged/dev"
    mount --bind /dev/pts "$merged/dev/pts"
    mkdir -p "$merged/run/netns"
    mount --rbind /run/netns "$merged/run/netns"
}

unmount_root() {
    umount -R "$merged"
}

in_root() { chroot "$merged" "$@"; }

for deb in "$@"; do
    name=$(dpkg-deb --field "$deb" Package)
    dir=$out/$name
    rm -rf "$dir"
    mkdir -p "$dir"
    say "$name: $(basename "$deb"), $(stat -c %s "$deb") bytes"
    mount_root
    if in_root sh -c 'command -v java || ls /usr/lib/jvm' 2>/dev/null; then
        echo "the clean root has a Java runtime"; exit 1
    fi
    cp "$deb" "$merged/tmp/"
    start=$(date +%s.%N)
    in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "/tmp/$(basename "$deb")"
    installed=$(date +%s.%N)
    in_root dpkg -L "$name" > "$dir/contents.txt"
    in_root dpkg-query -W -f '${db:Status-Abbrev} ${Package} ${Version}\n' | awk '/^ii/ && $2 ~ /(jre|jdk)/ { print $2, $3 }' \
        > "$dir/java.txt"
    [ -s "$dir/java.txt" ] || echo "no java package" > "$dir/java.txt"
    python3 -c 'import re, sys, zipfile
for jar in sys.argv[1:]:
    for entry in zipfile.ZipFile(jar).namelist():
        if re.search(r"\.(so|dll|dylib|jnilib|a)$|\.so_", entry): print(entry)' "$merged"/usr/lib/tcprec/lib/*.jar \
        > "$dir/natives.txt"
    echo "Java packages: $(tr '\n' ' ' < "$dir/java.txt")"
    in_root tcprec --version > "$dir/version.txt"
    cat "$dir/version.txt"

    ip netns add "$ns"
    ip -n "$ns" link set lo up
    # chroot itself (not a shell function) in the background, so that $! is the recorder's pid:
    # chroot and /usr/bin/tcprec both exec
    chroot "$merged" tcprec record -o "/root/$name.parquet" --netns "/run/netns/$ns" 2> "$dir/record.log" &
    recorder=$!
    wait_recording "$merged/root/.$name.parquet.tcprec-journal" "$recorder" "$dir/record.log" 120
    recording=$(date +%s.%N)
    {
        in_root dpkg-query -W -f '${db:Status-Abbrev} ${Package}\n' | awk '/^ii/ && $2 ~ /libbpf/ { print "package " $2 }'
        in_root find / -xdev -name 'libbpf.so*' -printf 'file /%P\n' | sort
        awk '/libbpf/ { print "mapped " $6 }' "/proc/$recorder/maps" | sort -u | sed "s|$merged||"
    } > "$dir/libbpf.txt"
    tr '\0' '\n' < "/proc/$recorder/cmdline" > "$dir/cmdline.txt"
    ip netns exec "$ns" cat /proc/net/snmp > "$dir/snmp.before"
    ip netns exec "$ns" python3 "$workload" clean > "$dir/workload.txt"
    wait_settled "$ns"
    ip netns exec "$ns" cat /proc/net/snmp > "$dir/snmp.after"
    kill -TERM "$recorder"
    rc=0
    wait "$recorder" || rc=$?
    recorder=
    traced=$(date +%s.%N)
    cat "$dir/record.log"
    [ $rc = 0 ] || { echo "the recorder failed (exit $rc)"; exit 1; }
    ip netns del "$ns"
    cp "$merged/root/$name.parquet" "$dir/"
    in_root tcprec info "/root/$name.parquet" > "$dir/info.txt"
    awk -v a="$start" -v b="$installed" -v c="$recording" -v d="$traced" 'BEGIN {
        printf "apt install %.1f s; from its start to recording %.1f s, to the finished trace %.1f s\n", b - a, c - a, d - a }' \
        | tee "$dir/timing.txt"

    in_root dpkg --purge "$name"
    in_root env DEBIAN_FRONTEND=noninteractive apt-get autoremove --purge -y -q
    # What is left: every changed path of the overlay that no installed package owns, apart from
    # dpkg's, apt's and the logs' own state, the dynamic linker's cache (ldconfig rewrites it
    # when a library package comes and goes), the .deb copied in, and what ca-certificates, which Debian's
    # Java runtime pulls in, leaves after its own purge (its configuration and the certificate
    # links it generated).
    (cd "$out/upper" && find . -mindepth 1 \( -type f -o -type l -o -type c \) -printf '/%P\n') | sort | while read -r f; do
        case $f in
            /var/lib/dpkg/* | /var/lib/apt/* | /var/cache/* | /var/log/* | /etc/ld.so.cache | /tmp/"$(basename "$deb")") continue ;;
            /etc/ca-certificates.conf | /etc/ssl/certs/*) continue ;;
        esac
        in_root dpkg -S "$f" > /dev/null 2>&1 || echo "$f"
    done > "$dir/left-after-purge.txt"
    say "$name: left after purge: $(tr '\n' ' ' < "$dir/left-after-purge.txt")"
    unmount_root
done
say "done"
