#!/bin/bash
# Fleet benchmark: HOSTS synthetic traces of EVENTS events each (cli's bench.SyntheticFleet: distinct
# host names, boot ids and kernels), laid out as collected traces are, FLEET/host=NAME/NAME.parquet;
# then the same queries across all of them with `tcprec sql` (DuckDB in one process, through the
# directory glob) and with Spark in local mode on every core (the fleet module's FleetQuery), wall
# time and peak RSS side by side (median of ROUNDS runs each, alternating), and whether the two
# printed the same rows. Last, the line that submits the same job to a Spark cluster.
#
# FLEET=dir reuses (or keeps) the traces in dir instead of a temporary directory. HEAP caps both
# JVMs' heap (DuckDB's own memory is native and shows in the RSS column).
#
#   [ROUNDS=1] [FLEET=dir] [HEAP=4g] bench/fleet.sh [HOSTS] [EVENTS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
hosts=${1:-200}
events=${2:-1000000}
rounds=${ROUNDS:-1}
heap=${HEAP:-4g}
work=$(mktemp -d /tmp/tcprec-fleet-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
fleet=$(realpath -m "${FLEET:-$work/fleet}")
cd "$root"

# The runnable jar, the generator (cli's test classes) and the fleet job with Spark's class path.
# (Each module of the reactor writes its class path to the file; fleet, built last, wins.)
mvn -q -B -pl fleet -am -DskipTests package dependency:build-classpath \
    -Dmdep.outputFile="$work/spark.classpath" -Dmdep.includeScope=provided > /dev/null
spark_cp="fleet/target/classes:$(cat "$work/spark.classpath")"
# What spark-submit gives Spark's JVM; the fleet module's surefire configuration gives the tests the same.
spark_opts=$(sed -n 's:.*<spark.jvm.options>\(.*\)</spark.jvm.options>.*:\1:p' fleet/pom.xml)

if [ ! -d "$fleet" ] || [ -z "$(ls -A "$fleet" 2>/dev/null)" ]; then
    java -cp "cli/target/test-classes:cli/target/tcprec.jar" org.tcprec.cli.bench.SyntheticFleet "$fleet" "$hosts" "$events"
fi
traces=$(find "$fleet" -name '*.parquet' | wc -l)
echo "fleet: $traces traces, $(du -sb "$fleet" | cut -f1) bytes, $events events each; $(nproc) cores"
echo

# Each engine as one command line (for /usr/bin/time): QUERY is the last argument.
# shellcheck disable=SC2206
duck_cmd=(java -Xmx"$heap" -jar cli/target/tcprec.jar sql --csv "$fleet/host=*/*.parquet")
# shellcheck disable=SC2206
spark_cmd=(java $spark_opts -Xmx"$heap" -Dspark.master='local[*]' -Dspark.ui.enabled=false
    -Dspark.driver.host=127.0.0.1 -Dspark.driver.bindAddress=127.0.0.1
    -cp "$spark_cp" org.tcprec.fleet.FleetQuery "$fleet")
timed() { # engine query -> "seconds rss_kib"; the rows in $work/ENGINE.out
    local engine=$1
    local -n cmd="${engine}_cmd"
    if ! /usr/bin/time -f "%e %M" -o "$work/time" "${cmd[@]}" "$2" > "$work/$engine.out" 2> "$work/$engine.err"; then
        cat "$work/$engine.err" >&2
        exit 1
    fi
    cat "$work/time"
}
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "| query | DuckDB (tcprec sql) s | Spark local s | Spark / DuckDB | DuckDB peak RSS MiB | Spark peak RSS MiB | same rows |"
echo "|---|---|---|---|---|---|---|"
run() { # label query
    : > "$work/duck.t"; : > "$work/spark.t"
    for _ in $(seq "$rounds"); do
        timed duck "$2" >> "$work/duck.t"
        timed spark "$2" >> "$work/spark.t"
    done
    local d s same
    d=$(cut -d' ' -f1 "$work/duck.t" | median)
    s=$(cut -d' ' -f1 "$work/spark.t" | median)
    same=$(cmp -s "$work/duck.out" "$work/spark.out" && echo "yes ($(($(wc -l < "$work/duck.out") - 1)))" || echo no)
    python3 -c "print('| %s | %.1f | %.1f | %.2fx | %d | %d | %s |' % ('$1', $d, $s, $s / $d, \
        $(cut -d' ' -f2 "$work/duck.t" | sort -g | tail -1) // 1024, $(cut -d' ' -f2 "$work/spark.t" | sort -g | tail -1) // 1024, '$same'))"
}
# a scan of every row: events per host and tracepoint
run "events per host" "SELECT host, event, count(*) AS n FROM events GROUP BY host, event ORDER BY host, event"
# the connections view (one aggregate per socket lifetime) across the fleet
run "connections per trace" "SELECT filename, count(*) AS connections, sum(tx_bytes) AS tx_bytes, max(span_us) AS max_span_us FROM connections WHERE complete GROUP BY filename ORDER BY filename"

echo
echo "On a cluster (the traces where every executor reads them: HDFS, S3 with its connector, NFS):"
echo "  spark-submit --class org.tcprec.fleet.FleetQuery --master spark://HOST:7077 \\"
echo "      fleet/target/tcprec-fleet-0.1.0.jar hdfs:///traces/fleet tcplife"
