#!/bin/sh
# Records the second-kernel workload on whatever kernel runs this (the 6.1 guest, or the host with
# run-second-kernel.sh --host) and writes, beside the trace, what the workload did and what the
# kernel itself says, for SecondKernelIT to check the trace against:
#
#   LABEL.parquet      the trace (the recorder is filtered to the workload's network namespace)
#   workload.txt       every connection: ports and bytes (sample-traces/workload.py's lines)
#   snmp.before/after, netstat.before/after   the namespace's /proc/net/snmp and /proc/net/netstat
#   formats/CAT:NAME   the tracefs format file of each tracepoint tcprec knows, where it exists
#   tcp-events         the tracepoints tracefs lists under tcp/
#   vmlinux.btf        the kernel's BTF; uname-r, boot_id, uptime, sysctls
#   list.txt, list.json   what `tcprec list` says of this kernel
#   timing             seconds since boot at the recorder's start and stop
#
#   record-workload.sh OUT LABEL     (env: JAVA, TCPREC_JAR)
set -eu
out=$1
label=$2
here=$(cd "$(dirname "$0")" && pwd)
workload=$here/../../../../sample-traces/workload.py
. "$here/../../../../sample-traces/recording-steps.sh"
ns=tcprec-vm-$$
recorder=
cleanup() {
    rc=$?
    if [ -n "$recorder" ]; then
        kill "$recorder" 2>/dev/null || true
        # failed while recording: what the recorder said so far belongs in this log too
        if [ $rc != 0 ]; then
            wait "$recorder" 2>/dev/null || true
            echo "$(cut -d' ' -f1 /proc/uptime) failed (exit $rc) while recording; the recorder's log:"
            cat "$out/record.log" 2>/dev/null || true
        fi
    fi
    # the namespace takes its nftables table with it
    ip netns del "$ns" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM
say() { echo "$(cut -d' ' -f1 /proc/uptime) $*"; }
# C1 is enough and much faster to start under emulation; a small heap suits a small guest.
tcprec() { "$JAVA" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx256m -jar "$TCPREC_JAR" "$@"; }

ip netns add "$ns"
ip -n "$ns" link set lo up
echo "start $(cut -d' ' -f1 /proc/uptime)" > "$out/timing"
# (not through the function: the signal that stops it must reach java itself)
"$JAVA" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx256m -jar "$TCPREC_JAR" record -o "$out/$label.parquet" \
    --force --netns "/run/netns/$ns" 2> "$out/record.log" &
recorder=$!
say "recorder started"
wait_recording "$out/.$label.parquet.tcprec-journal" "$recorder" "$out/record.log" 600
sleep 0.5
say "recording"
ip netns exec "$ns" cat /proc/net/snmp > "$out/snmp.before"
ip netns exec "$ns" cat /proc/net/netstat > "$out/netstat.before"
: > "$out/workload.txt"
for mode in clean ipv6 refused abort; do
    ip netns exec "$ns" python3 "$workload" "$mode" >> "$out/workload.txt"
done
say "clean, ipv6, refused, abort done"
# Retransmissions: every other SYN and 10% of all TCP packets dropped on input, so each sender's
# transmit succeeds (kernels before 6.4 trace only successful retransmits) and the loss is seen
# by the kernel's counters the same way on both kernels.
# A root without kmod (this one) cannot autoload modules: load nftables' from the kernel's own tree.
if [ -f "/lib/modules/$(uname -r)/modules.dep" ] && command -v busybox >/dev/null; then
    # libcrc32c needs a crc32c implementation first (a soft dependency busybox modprobe does not follow).
    for m in crc32c_generic nf_tables nft_numgen; do busybox modprobe "$m" || true; done
fi
ip netns exec "$ns" nft -f - <<'NFT'
table inet tcprec_loss {
  chain in {
    type filter hook input priority 0; policy accept;
    tcp flags & (syn | ack) == syn numgen inc mod 2 == 0 drop
    meta l4proto tcp numgen random mod 100 < 10 drop
  }
}
NFT
ip netns exec "$ns" python3 "$workload" lossy >> "$out/workload.txt"
ip netns exec "$ns" nft delete table inet tcprec_loss
say "lossy done"
# Wait until every socket is gone or in TIME_WAIT, so no retransmission or reset can follow the
# counters read next.
wait_settled "$ns"
ip netns exec "$ns" cat /proc/net/snmp > "$out/snmp.after"
ip netns exec "$ns" cat /proc/net/netstat > "$out/netstat.after"
sleep 0.5
kill -TERM "$recorder"
rc=0
wait "$recorder" || rc=$?
recorder=
cat "$out/record.log"
[ $rc = 0 ] || { echo "the recorder failed (exit $rc)"; exit 1; }
say "recorder stopped"
echo "stop $(cut -d' ' -f1 /proc/uptime)" >> "$out/timing"
# side by side: a JVM's start is most of either under emulation
tcprec list > "$out/list.txt" &
tcprec list --json > "$out/list.json"
wait $!
say "listed"

uname -r > "$out/uname-r"
cat /proc/sys/kernel/random/boot_id > "$out/boot_id"
cat /proc/uptime > "$out/uptime"
mkdir -p "$out/formats"
for tp in sock/inet_sock_set_state tcp/tcp_destroy_sock tcp/tcp_probe tcp/tcp_receive_reset \
          tcp/tcp_retransmit_skb tcp/tcp_retransmit_synack tcp/tcp_send_reset; do
    f=/sys/kernel/tracing/events/$tp/format
    [ -f "$f" ] && cp "$f" "$out/formats/$(echo "$tp" | tr / :)"
done
ls /sys/kernel/tracing/events/tcp > "$out/tcp-events"
cp /sys/kernel/btf/vmlinux "$out/vmlinux.btf"
# The sockets' view: the namespace's own settings, over the host-wide ones (tcp_mem and others
# exist only in the initial namespace). The recorder reads them the same way.
{
    for f in /proc/sys/net/ipv4/tcp_*; do
        echo "net.ipv4.${f##*/}=$(tr "\t" " " < "$f" 2>/dev/null || true)"
    done
    ip netns exec "$ns" sh -c 'for f in /proc/sys/net/ipv4/tcp_*; do
        echo "net.ipv4.${f##*/}=$(tr "\t" " " < "$f" 2>/dev/null || true)"
    done'
} | awk -F= '{ value[$1] = substr($0, length($1) + 2) } END { for (k in value) print k "=" value[k] }' \
  | sort > "$out/sysctls"
