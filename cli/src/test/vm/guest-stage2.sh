#!/bin/sh
# PID 1 of the guest, on the overlay of the host's root: mounts what a booted system would have,
# runs the workload recording into the results share, and powers the guest off whatever happens.
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH
out=/mnt/tcprec-out
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm && mount -t devpts devpts /dev/pts && mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /run
# /tmp stays the overlay's (writable, on tmpfs already): a tmpfs of its own would hide a
# checkout under the host's /tmp, where this script and the jar may live.
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null
mount -t bpf bpf /sys/fs/bpf 2>/dev/null
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
ip link set lo up
hostname tcprec-guest
# The kernel's own modules (from the unpacked package), for modprobe of nftables.
kver=$(uname -r)
moddir=$(cat "$out/request/modules-dir")
mkdir -p "/lib/modules/$kver" && mount --bind "$moddir" "/lib/modules/$kver"
. "$out/request/env"
export JAVA TCPREC_JAR LABEL
echo "tcprec-vm: guest $(uname -r) up after $(cut -d' ' -f1 /proc/uptime) s"
"$SCRIPT" "$out/result" "$LABEL" > "$out/result/run.log" 2>&1
echo $? > "$out/result/exit-code"
sync
echo o > /proc/sysrq-trigger
sleep 30
