#!/bin/bash
# Regenerates every expected output of expected/cases.txt that derive-reports.py works out from a
# trace's raw rows: all but `diff`'s (see README.md). Each trace is read once with a plain DuckDB
# query over the Parquet file (through `tcprec sql`, not its views): its rows, its footer metadata
# and the time of its first event. With --check it compares instead of writing, and exits 1 on a
# difference.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tcprec="$here/../tcprec"
check=false
[ "${1:-}" = --check ] && check=true
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$here"

# read_trace NAME.parquet: $work/NAME.json (format version, metadata) and $work/NAME.csv (rows, and
# the time of the trace's first event of any kind)
read_trace() {
    local trace=$1 name=${1%.parquet} version time
    [ -e "$work/$name.csv" ] && return
    "$tcprec" sql --json "$trace" "SELECT decode(value) AS v FROM parquet_kv_metadata('$trace')
        WHERE decode(key) IN ('tcprec.format_version', 'tcprec.metadata') ORDER BY decode(key)" > "$work/$name.json"
    version=$(head -n 1 "$work/$name.json")
    case $version in
    '{"v":"1.'*) time="epoch_ns(time)" ;;  # 1.x: TIMESTAMP(NANOS)
    '{"v":"2.'*) time="time_ns" ;;         # 2.0: INT64 ns since the epoch
    *) echo "$trace: format version $version not known here" >&2; exit 1 ;;
    esac
    "$tcprec" sql --csv "$trace" "SELECT $time AS t, event, cpu, tgid, tid, comm, skaddr, family, laddr, lport,
        raddr, rport, oldstate, newstate, state, bytes_acked, bytes_received, reason,
        (SELECT min($time) FROM read_parquet('$trace')) AS first_ns
        FROM read_parquet('$trace', file_row_number = true)
        WHERE event <> 'tcp_probe' ORDER BY t, file_row_number" > "$work/$name.csv"
}

status=0
while read -r expected report args; do
    case $expected in ''|'#'*) continue ;; esac
    [ "$report" = diff ] && continue  # tcprec's own bootstrap: checked against the workloads by hand
    trace=${args##* }
    options=${args% *}
    [ "$options" = "$trace" ] && options=
    read_trace "$trace"
    # shellcheck disable=SC2086  # options are words
    python3 "$here/derive-reports.py" "$work/${trace%.parquet}.csv" "$work/${trace%.parquet}.json" "$report" $options \
        > "$work/out"
    if $check; then
        if ! cmp -s "$work/out" "expected/$expected"; then
            echo "differs: expected/$expected ($report $args)"
            diff "expected/$expected" "$work/out" | head -n 20 || true
            status=1
        fi
    else
        mv "$work/out" "expected/$expected"
    fi
done < expected/cases.txt
exit $status
