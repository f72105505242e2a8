#!/bin/bash
# Recorder overhead benchmark: the loopback workload's rate untraced and traced, side by side in
# one run, alternating, so machine noise hits all variants alike. Compares tcprec with trace-cmd
# and perf recording the same seven tracepoints. Needs root, gcc, trace-cmd, perf.
#
#   bench/run.sh [ROUNDS] [SECONDS]        (defaults: 3 rounds of 10 s per variant)
#
# Prints a Markdown table: per variant the median ratio traced/untraced (each traced run against
# the mean of the untraced runs right before and after it), events recorded, events/s, lost
# events, file bytes per event; then the same for a churn whose server starts a thread per
# connection (CPU-bound: every cycle a tracer spends is the workload's), and for a bulk transfer
# where tcp_probe dominates. MODES="churn threads bulk" (the default) picks which.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
rounds=${1:-3}
seconds=${2:-10}
work=$(mktemp -d /tmp/tcprec-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing

gcc -O2 -pthread -o "$work/churn" "$here/churn.c" 2>/dev/null
[ -f "$root/cli/target/tcprec.jar" ] || (cd "$root" && mvn -q -DskipTests package)
tcprec_jar="$root/cli/target/tcprec.jar"
tracepoints=(sock:inet_sock_set_state tcp:tcp_destroy_sock tcp:tcp_probe tcp:tcp_receive_reset
    tcp:tcp_retransmit_skb tcp:tcp_retransmit_synack tcp:tcp_send_reset)
trace_cmd_events=(); perf_events=()
for tp in "${tracepoints[@]}"; do trace_cmd_events+=(-e "$tp"); perf_events+=(-e "$tp"); done

workload() { # mode -> rate on stdout
    case $1 in
    bulk) "$work/churn" bulk "$seconds" ;;
    threads) "$work/churn" threads "$seconds" 2 ;;
    *) "$work/churn" "$seconds" 2 ;;
    esac
}

# Each variant: start the recorder, run the workload, stop, print
# "rate events lost bytes peak_disk_bytes stop_seconds rss_kib cpu_seconds".
# perf and trace-cmd write their files as they go, so their peak on disk is their file's size;
# they stop on their own (after sleep), so their stop time is not measured.
run_variant() { # variant mode
    local variant=$1 mode=$2 out="$work/$1.$2"
    rm -rf "$out"*
    case $variant in
    untraced)
        echo "$(workload "$mode") - - - - - - -" ;;
    tcprec|tcprec-every-probe)
        local extra=()
        [ "$variant" = tcprec-every-probe ] && extra=(-e)
        # shellcheck disable=SC2046
        java $(sed 's/#.*//' "$root/recorder/record-jvm-options") -jar "$tcprec_jar" record -o "$out.parquet" "${extra[@]}" 2> "$out.log" &
        local pid=$!
        while [ ! -e "$work/.$(basename "$out").parquet.tcprec-journal" ]; do sleep 0.05; done
        sleep 0.5
        local rate; rate=$(workload "$mode")
        # CPU and peak RSS of the recorder up to the stop request
        local cpu_s; cpu_s=$(awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$pid/stat")
        local rss_kib; rss_kib=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
        local t0; t0=$(date +%s.%N)
        kill -TERM "$pid"; wait "$pid"
        local stop_s; stop_s=$(echo "$(date +%s.%N) - $t0" | bc)
        java -jar "$tcprec_jar" info --json "$out.parquet" > "$out.json"
        python3 - "$out.json" "$rate" "$stop_s" "$rss_kib" "$cpu_s" "$out.log" <<'PY'
import json, re, sys
d = json.load(open(sys.argv[1]))
m = d["metadata"]
# the summary's "at most 12.3 MiB on disk while recording"
peak = re.search(r"at most ([0-9.]+) (B|KiB|MiB|GiB) on disk", open(sys.argv[6]).read())
units = {"B": 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30}
peak_bytes = int(float(peak.group(1)) * units[peak.group(2)]) if peak else "-"
print(sys.argv[2], d["rows"], m["lost_events"]["total"], d["file_bytes"], peak_bytes, "%.2f" % float(sys.argv[3]),
      sys.argv[4], sys.argv[5])
PY
        ;;
    trace-cmd)
        # trace-cmd 3.1 on this kernel needs -d --no-filter (its own pid filter fails to load)
        /usr/bin/time -f "%U %S %M" -o "$out.time" \
            trace-cmd record -q -d --no-filter "${trace_cmd_events[@]}" -o "$out.dat" sleep $((seconds + 2)) > "$out.log" 2>&1 &
        local pid=$!
        sleep 1
        local rate; rate=$(workload "$mode")
        wait "$pid"
        local events; events=$(trace-cmd report -q "$out.dat" 2>/dev/null | grep -c ': tcp_\|: inet_sock_set_state' || true)
        local lost; lost=$(trace-cmd report --stat "$out.dat" 2>/dev/null | awk '/overrun:/ {s += $2} END {print s + 0}')
        echo "$rate $events $lost $(stat -c %s "$out.dat") $(stat -c %s "$out.dat") - $(tool_cost "$out.time")"
        ;;
    perf)
        /usr/bin/time -f "%U %S %M" -o "$out.time" \
            perf record -q -a "${perf_events[@]}" -o "$out.data" -- sleep $((seconds + 2)) > "$out.log" 2>&1 &
        local pid=$!
        sleep 1
        local rate; rate=$(workload "$mode")
        wait "$pid"
        local events; events=$(perf script -i "$out.data" 2>/dev/null | wc -l)
        local lost; lost=$(perf report -i "$out.data" --stats 2>/dev/null | awk '/LOST/ {s += $NF} END {print s + 0}')
        echo "$rate $events $lost $(stat -c %s "$out.data") $(stat -c %s "$out.data") - $(tool_cost "$out.time")"
        ;;
    esac
}

tool_cost() { # /usr/bin/time output "user sys maxrss_kib" -> "rss_kib cpu_seconds"
    tail -1 "$1" | awk '{print $3, $1 + $2}'
}

summarise() { # file with lines "variant round rate events lost bytes peak stop rss cpu"
    python3 - "$1" "$seconds" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
seconds = float(sys.argv[2])
seq = [(r[0], float(r[2]), r[3:]) for r in rows]
out = {}
for i, (variant, rate, rest) in enumerate(seq):
    if variant == "untraced":
        continue
    before = next(seq[j][1] for j in range(i - 1, -1, -1) if seq[j][0] == "untraced")
    after = next((seq[j][1] for j in range(i + 1, len(seq)) if seq[j][0] == "untraced"), before)
    out.setdefault(variant, []).append((rate / ((before + after) / 2), rest))
base = [r for v, r, _ in seq if v == "untraced"]
print(f"untraced rate: median {statistics.median(base):,.0f} ({min(base):,.0f}..{max(base):,.0f}) over {len(base)} runs\n")
print("| variant | traced/untraced (median, min..max) | events | events/s | lost | bytes/event | peak on disk | stop | RSS | CPU s per M events |")
print("|---|---|---|---|---|---|---|---|---|---|")
for variant, results in out.items():
    ratios = [r for r, _ in results]
    events = statistics.median(int(x[0]) for _, x in results)
    lost = max(int(x[1]) for _, x in results)
    per_event = statistics.median(int(x[2]) / max(int(x[0]), 1) for _, x in results)
    def most(i, scale, fmt):
        values = [float(x[i]) for _, x in results if x[i] != "-"]
        return fmt.format(max(values) / scale) if values else "-"
    stops = [float(x[4]) for _, x in results if x[4] != "-"]
    stop = f"{statistics.median(stops):.2f} s" if stops else "-"
    cpu = [float(x[6]) / max(int(x[0]), 1) * 1e6 for _, x in results if x[6] != "-"]
    cpu_per_m = f"{statistics.median(cpu):.1f}" if cpu else "-"
    print(f"| {variant} | {statistics.median(ratios):.3f} ({min(ratios):.3f}..{max(ratios):.3f}) | {events:,.0f} | "
          f"{events / seconds:,.0f} | {lost} | {per_event:.1f} | {most(3, 1 << 20, '{:.1f} MiB')} | {stop} | "
          f"{most(5, 1 << 10, '{:.0f} MiB')} | {cpu_per_m} |")
PY
}

for mode in ${MODES:-churn threads bulk}; do
    results="$work/results.$mode"
    : > "$results"
    variants=(tcprec trace-cmd perf tcprec-every-probe)
    echo "running $mode: $rounds rounds x ${#variants[@]} variants, ${seconds}s each" >&2
    echo "untraced 0 $(run_variant untraced "$mode")" >> "$results"
    for round in $(seq 1 "$rounds"); do
        for variant in "${variants[@]}"; do
            echo "$variant $round $(run_variant "$variant" "$mode")" >> "$results"
            echo "untraced $round $(run_variant untraced "$mode")" >> "$results"
        done
    done
    case $mode in
    bulk) what='one connection, 64 KiB writes: rate is MB/s' ;;
    threads) what='2 client threads, a server thread per connection, 1 KiB echo: rate is connections/s' ;;
    *) what='2 client threads, 1 KiB echo per connection: rate is connections/s' ;;
    esac
    echo; echo "### $mode ($what)"
    summarise "$results"
    cp "$results" "/tmp/tcprec-bench-$mode.txt"
done
