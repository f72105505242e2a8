#!/bin/bash
# Analyzer benchmark: a synthetic trace of N events (default 10 million; realistic shapes, see
# cli/src/test/java/org/tcprec/cli/bench/SyntheticTrace.java), then the wall time, events/s and peak
# memory of tcprec info, tcplife, tcpstates and an SQL aggregate over it, output to /dev/null.
# The JVM heap is capped (-Xmx, default 512m) to show that it does not grow with the trace;
# DuckDB's own memory is native and reported in the RSS column.
#
#   bench/analyzer.sh [EVENTS] [HEAP]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
events=${1:-10000000}
heap=${2:-512m}
work=$(mktemp -d /tmp/tcprec-analyzer-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$root"
[ -f cli/target/tcprec.jar ] || mvn -q -DskipTests package
mvn -q -pl cli test-compile -am > /dev/null
cp=$(cd cli && mvn -q dependency:build-classpath -Dmdep.outputFile=/dev/stdout)
trace="$work/synthetic.parquet"
java -cp "cli/target/classes:cli/target/test-classes:$cp" org.tcprec.cli.bench.SyntheticTrace "$trace" "$events"
echo "trace: $(stat -c %s "$trace") bytes, $events events"
echo
echo "| command | wall s | events/s | peak RSS MiB | output lines |"
echo "|---|---|---|---|---|"
run() { # label, args...
    local label=$1; shift
    /usr/bin/time -f "%e %M" -o "$work/time" java -Xmx"$heap" -jar cli/target/tcprec.jar "$@" > "$work/out"
    read -r wall rss < "$work/time"
    python3 -c "import sys; w=float('$wall'); print('| %s | %.2f | %s | %d | %d |' % ('$label', w, format(int($events / w), ','), int('$rss') // 1024, int(sys.argv[1])))" "$(wc -l < "$work/out")"
}
run "info" info "$trace"
run "tcplife" tcplife "$trace"
run "tcpstates" tcpstates "$trace"
run "sql: connections per port" sql "$trace" "SELECT rport, count(*), median(span_us) FROM connections GROUP BY 1"
run "sql: events per type" sql "$trace" "SELECT event, count(*) FROM events GROUP BY 1"
