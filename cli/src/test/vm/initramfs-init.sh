#!/bin/sh
# /init of the guest's initramfs (busybox). Debian's kernel has virtio, 9p and overlayfs as modules:
# load them, mount the host's root read-only over 9p as the lower layer of an overlay on tmpfs (so
# the guest can write anywhere without touching the host), mount the results share, and hand over
# to the stage-2 script named on the kernel command line.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
fail() {
    echo "tcprec-vm: initramfs: $*"
    echo o > /proc/sysrq-trigger
    sleep 10
}
for m in $(cat /modules.load); do
    insmod "/modules/$m" || fail "insmod $m failed"
done
stage2=$(sed -n 's/.*tcprec.stage2=\([^ ]*\).*/\1/p' /proc/cmdline)
mkdir -p /lower /rw /newroot
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=524288,cache=loose hostroot /lower || fail "cannot mount the host root"
mount -t tmpfs -o mode=0755 tmpfs /rw || fail "cannot mount tmpfs"
mkdir -p /rw/upper /rw/work
mount -t overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work overlay /newroot || fail "cannot mount the overlay"
mkdir -p /newroot/mnt/tcprec-out
mount -t 9p -o trans=virtio,version=9p2000.L,msize=524288 tcprecout /newroot/mnt/tcprec-out || fail "cannot mount the results share"
umount /proc /sys /dev 2>/dev/null
exec switch_root /newroot "$stage2"
