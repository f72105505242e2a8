#!/bin/bash
# Analyzer benchmark: a synthetic trace of N events (default 10 million; realistic shapes, see
# cli/src/test/java/org/tcprec/cli/bench/SyntheticTrace.java), then the wall time, events/s and peak
# memory of tcprec info, tcplife, tcpstates and two SQL queries over it, output to /dev/null (lines
# are counted in a separate, untimed run). The JVM heap is capped (-Xmx, default 512m) to show that
# it does not grow with the trace; DuckDB's own memory is native and shows in the RSS column.
#
# With BASELINE_JAR=path/to/other/tcprec.jar each command also runs with that jar, alternating
# with this tree's jar ROUNDS times (default 3), and the table gives both medians and their ratio,
# so that a change is measured side by side under the same machine noise. Each command's output
# from both jars is compared (untimed): the last column says whether they are byte for byte the same.
# BASELINE_TRACE=path gives the baseline jar a trace of its own format (the same events written by
# the baseline's generator: java -cp BASE/cli/target/test-classes:BASE/cli/target/tcprec.jar
# org.tcprec.cli.bench.SyntheticTrace FILE EVENTS), for a baseline that cannot read this tree's.
#
# TRACE=path reuses a synthetic trace written before (by SyntheticTrace, EVENTS events) instead of
# writing one.
#
# CDS=1 runs every timed command with an application class-data archive of its own jar and
# command, made by one untimed run of it first (-XX:ArchiveClassesAtExit): how much of a jar's
# time is the loading of its classes at start, with both jars treated alike.
#
#   [BASELINE_JAR=... [BASELINE_TRACE=...]] [ROUNDS=3] [TRACE=...] [CDS=1] bench/analyzer.sh [EVENTS] [HEAP]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
events=${1:-10000000}
heap=${2:-512m}
rounds=${ROUNDS:-3}
baseline=${BASELINE_JAR:-}
work=$(mktemp -d /tmp/tcprec-analyzer-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$root"
[ -f cli/target/tcprec.jar ] || mvn -q -DskipTests package
mvn -q -pl cli test-compile -am > /dev/null
# The generator needs only the format module, which the runnable jar bundles; the jar as the
# classpath also works on a machine whose local Maven repository holds none of this project's modules.
trace=${TRACE:-}
if [ -z "$trace" ]; then
    trace="$work/synthetic.parquet"
    java -cp "cli/target/test-classes:cli/target/tcprec.jar" org.tcprec.cli.bench.SyntheticTrace "$trace" "$events"
fi
baseline_trace=${BASELINE_TRACE:-$trace}
echo "trace: $(stat -c %s "$trace") bytes, $events events${CDS:+ (CDS=$CDS: class-data archives)}"
[ "$baseline_trace" = "$trace" ] || echo "baseline's trace: $(stat -c %s "$baseline_trace") bytes"
echo

timed() { # jar, args... -> "seconds rss_kib"
    local jar=$1; shift
    local cds=()
    if [ "${CDS:-0}" = 1 ]; then
        local archive
        archive="$work/$(printf '%s\n' "$jar" "$@" | sha256sum | cut -c1-16).jsa"
        [ -f "$archive" ] || java -Xmx"$heap" -XX:ArchiveClassesAtExit="$archive" -jar "$jar" "$@" > /dev/null 2>&1
        cds=(-XX:SharedArchiveFile="$archive")
    fi
    /usr/bin/time -f "%e %M" -o "$work/time" java -Xmx"$heap" "${cds[@]}" -jar "$jar" "$@" > /dev/null
    cat "$work/time"
}

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

if [ -z "$baseline" ]; then
    echo "| command | wall s (median of $rounds) | events/s | peak RSS MiB | output lines |"
    echo "|---|---|---|---|---|"
else
    echo "| command | wall s (median of $rounds) | events/s | peak RSS MiB | output lines | baseline wall s | speed-up | output |"
    echo "|---|---|---|---|---|---|---|---|"
fi
run() { # label, args with TRACE for the trace...
    local label=$1; shift
    local args=() base_args=() a
    for a; do
        if [ "$a" = TRACE ]; then args+=("$trace"); base_args+=("$baseline_trace"); else args+=("$a"); base_args+=("$a"); fi
    done
    : > "$work/new"; : > "$work/old"
    for _ in $(seq "$rounds"); do
        timed cli/target/tcprec.jar "${args[@]}" >> "$work/new"
        [ -z "$baseline" ] || timed "$baseline" "${base_args[@]}" >> "$work/old"
    done
    local wall rss lines
    wall=$(cut -d' ' -f1 "$work/new" | median)
    rss=$(cut -d' ' -f2 "$work/new" | sort -g | tail -1)
    java -Xmx"$heap" -jar cli/target/tcprec.jar "${args[@]}" > "$work/out.new"
    lines=$(wc -l < "$work/out.new")
    local row
    row=$(python3 -c "print('| %s | %.2f | %s | %d | %d |' % ('$label', $wall, format(int($events / $wall), ','), $rss // 1024, $lines))")
    if [ -n "$baseline" ]; then
        local old
        old=$(cut -d' ' -f1 "$work/old" | median)
        java -Xmx"$heap" -jar "$baseline" "${base_args[@]}" > "$work/out.old"
        local same=differs
        ! cmp -s "$work/out.new" "$work/out.old" || same=same
        row="$row $(python3 -c "print('%.2f | %.2fx |' % ($old, $old / $wall))") $same |"
    fi
    echo "$row"
}
run "info" info TRACE
run "tcplife" tcplife TRACE
run "tcpstates" tcpstates TRACE
# the connections view through DuckDB, every lifetime at once: the path tcplife's one-pass replay
# stands in for (CompleteConnections), kept only while it is at least 1.5x faster
run "tcplife --partial" tcplife --partial TRACE
run "sql: connections per port" sql TRACE "SELECT rport, count(*), median(span_us) FROM connections GROUP BY 1"
run "sql: events per type" sql TRACE "SELECT event, count(*) FROM events GROUP BY 1"
