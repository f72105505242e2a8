#!/bin/bash
# Re-records the sample traces: each in a network namespace of its own, filtered to it, so the
# traces hold only the workload's events. Needs root. Prints what the workload did to *.workload.txt.
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
        if [ "$mode" = lossy ]; then
            ip netns exec "$ns" nft -f - <<'NFT'
table inet tcprec_loss {
  chain out {
    type filter hook output priority 0; policy accept;
    meta l4proto tcp numgen random mod 100 < 10 drop
  }
}
NFT
        fi
        ip netns exec "$ns" python3 "$here/workload.py" "$mode" >> "$here/$name.workload.txt"
        if [ "$mode" = lossy ]; then
            ip netns exec "$ns" nft delete table inet tcprec_loss
        fi
    done
    sleep 0.5
    kill -TERM "$recorder"  # background jobs of a script ignore SIGINT
    wait "$recorder"
}

record clean clean
record ipv6 ipv6
record retransmits-resets lossy refused
