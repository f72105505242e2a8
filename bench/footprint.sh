#!/bin/bash
# Recorder footprint over a long recording: tcprec records the loopback connection churn
# (bench/churn.c, 2 client threads, as fast as it goes) for MINUTES, and every INTERVAL seconds
# this prints the disk the recording uses (everything in its own output directory: the trace's
# temporary file and the journal), the recorder's resident memory and CPU seconds so far. Then
# the stop time, the finished trace's size, its events and lost events. Needs root and gcc.
#
#   bench/footprint.sh [MINUTES] [INTERVAL]      (defaults: 10 minutes, every 30 s)
#   EXTRA="-e" bench/footprint.sh ...             (record options, e.g. every tcp_probe)
#   JAVA_OPTS="-XX:+UseG1GC" bench/footprint.sh   (the recorder's JVM options instead of
#                                                   recorder/record-jvm-options, the launchers')
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
minutes=${1:-10}
interval=${2:-30}
work=$(mktemp -d /tmp/tcprec-footprint.XXXXXX)
recorder= workload=
cleanup() {
    [ -z "$workload" ] || kill "$workload" 2>/dev/null || true
    [ -z "$recorder" ] || kill -TERM "$recorder" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing
gcc -O2 -pthread -o "$work/churn" "$here/churn.c" 2>/dev/null
[ -f "$root/cli/target/tcprec.jar" ] || (cd "$root" && mvn -q -DskipTests package)
mkdir "$work/out"
trace="$work/out/churn.parquet"

# shellcheck disable=SC2086
java ${JAVA_OPTS:-$(sed 's/#.*//' "$root/recorder/record-jvm-options")} -jar "$root/cli/target/tcprec.jar" record -o "$trace" ${EXTRA:-} 2> "$work/record.log" &
recorder=$!
while [ ! -e "$work/out/.churn.parquet.tcprec-journal" ]; do
    kill -0 "$recorder" 2>/dev/null || { cat "$work/record.log"; exit 1; }
    sleep 0.05
done
"$work/churn" $((minutes * 60)) 2 > "$work/rate" &
workload=$!
hz=$(getconf CLK_TCK)
start=$(date +%s.%N)
echo "| elapsed s | on disk MiB | recorder RSS MiB | recorder CPU s |"
echo "|---|---|---|---|"
sample() {
    local disk rss cpu
    disk=$(du -sb "$work/out" | cut -f1)
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$recorder/status")
    cpu=$(awk -v hz="$hz" '{print ($14 + $15) / hz}' "/proc/$recorder/stat")
    awk -v t="$(echo "$(date +%s.%N) - $start" | bc)" -v d="$disk" -v r="$rss" -v c="$cpu" \
        'BEGIN { printf "| %.0f | %.1f | %.0f | %.1f |\n", t, d / 1048576, r / 1024, c }'
}
while kill -0 "$workload" 2>/dev/null; do
    sample
    for _ in $(seq $((interval * 10))); do
        kill -0 "$workload" 2>/dev/null || break
        sleep 0.1
    done
done
workload=
peak_rss=$(awk '/VmHWM/ {print $2}' "/proc/$recorder/status")
t0=$(date +%s.%N)
kill -TERM "$recorder"
wait "$recorder"
recorder=
stop=$(echo "$(date +%s.%N) - $t0" | bc)
java -jar "$root/cli/target/tcprec.jar" info --json "$trace" > "$work/info.json"
echo
python3 - "$work/info.json" "$stop" "$peak_rss" "$(cat "$work/rate")" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
rows, size = d["rows"], d["file_bytes"]
print(f"churn: {float(sys.argv[4]):,.0f} connections/s; stop {float(sys.argv[2]):.2f} s; peak RSS {int(sys.argv[3]) / 1024:.0f} MiB")
print(f"trace: {size / 1048576:.1f} MiB, {rows:,} events, {size / max(rows, 1):.1f} B/event, "
      f"lost {d['metadata']['lost_events']['total']}")
PY
