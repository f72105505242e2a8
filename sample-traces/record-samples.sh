#!/bin/bash
# Re-records the sample traces (all, or those named): each in a network namespace of its own,
# filtered to it, so the traces hold only the workload's events. Needs root. What each workload
# did goes to NAME.workload.txt.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tcprec="$here/../tcprec"
ns=tcprec-samples-$$
cleanup() { ip netns del "$ns" 2>/dev/null || true; }
trap cleanup EXIT

record() { # name, workload modes...
    local name=$1; shift
    cleanup
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    "$tcprec" record -o "$here/$name.parquet" --force --netns "/run/netns/$ns" &
    local recorder=$!
    while [ ! -e "$here/.$name.parquet.tcprec-journal" ]; do sleep 0.1; done
    sleep 0.5
    : > "$here/$name.workload.txt"
    for mode in "$@"; do
        # MODE-lossy: the workload MODE with 10% of TCP packets dropped; lossy (3 long echoes)
        # also drops every other SYN and SYN/ACK, so that each connection retransmits in its
        # handshake whatever the random loss hits
        if [ "$mode" = lossy ] || [ "${mode%-lossy}" != "$mode" ]; then
            local handshake=
            [ "$mode" = lossy ] && handshake='tcp flags & syn == syn numgen inc mod 2 == 0 drop'
            ip netns exec "$ns" nft -f - <<NFT
table inet tcprec_loss {
  chain out {
    type filter hook output priority 0; policy accept;
    $handshake
    meta l4proto tcp numgen random mod 100 < 10 drop
  }
}
NFT
        fi
        ip netns exec "$ns" python3 "$here/workload.py" "${mode%-lossy}" >> "$here/$name.workload.txt"
        if [ "$mode" = lossy ] || [ "${mode%-lossy}" != "$mode" ]; then
            ip netns exec "$ns" nft delete table inet tcprec_loss
        fi
    done
    sleep 0.5
    kill -TERM "$recorder"  # background jobs of a script ignore SIGINT
    wait "$recorder"
    chmod 644 "$here/$name.parquet"  # recorded 0600 for root: a sample is public
}

# Connections open across the recording's start and end (tcplife --partial).
record_partial() {
    cleanup
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    local markers; markers=$(mktemp -d)
    ip netns exec "$ns" python3 "$here/workload.py" partial "$markers" > "$here/partial.workload.txt" &
    local workload=$!
    while [ ! -e "$markers/ready" ]; do sleep 0.05; done
    "$tcprec" record -o "$here/partial.parquet" --force --netns "/run/netns/$ns" &
    local recorder=$!
    while [ ! -e "$here/.partial.parquet.tcprec-journal" ]; do sleep 0.1; done
    sleep 0.5
    touch "$markers/go"
    while [ ! -e "$markers/done" ]; do sleep 0.05; done
    sleep 0.5
    kill -TERM "$recorder"  # background jobs of a script ignore SIGINT
    wait "$recorder"
    kill "$workload"; wait "$workload" 2>/dev/null || true
    rm -rf "$markers"
    chmod 644 "$here/partial.parquet"
}

# record-samples.sh [NAME...]: the named samples, or all of them
for sample in ${*:-clean ipv6 retransmits-resets partial diff-before diff-after}; do
    case $sample in
    clean) record clean clean ;;
    ipv6) record ipv6 ipv6 ;;
    retransmits-resets) record retransmits-resets lossy refused ;;
    partial) record_partial ;;
    diff-before) record diff-before batch ;;
    diff-after) record diff-after batch-lossy ;;
    *) echo "unknown sample $sample" >&2; exit 2 ;;
    esac
done
