#!/bin/bash
# Regenerates every expected output of expected/cases.txt that derive-reports.py works out from a
# trace's raw rows: all but `diff`'s (see README.md). The traces are read with two plain DuckDB
# queries over the Parquet files (through `tcprec sql`, not its views): their footers' metadata,
# then their rows. With --check it compares instead of writing, and exits 1 on a difference.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tcprec=${TCPREC:-$here/../tcprec}  # TCPREC: another tcprec launcher
check=false
[ "${1:-}" = --check ] && check=true
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$here"

cases=$(grep -v -e '^#' -e '^[[:space:]]*$' expected/cases.txt | awk '$2 != "diff"')  # diff: tcprec's own bootstrap
traces=$(echo "$cases" | awk '{ print $NF }' | sort -u)
list=$(for t in $traces; do printf "'%s', " "$t"; done)
first=$(echo "$traces" | head -n 1)

"$tcprec" sql --json "$first" "SELECT file_name AS file, decode(key) AS k, decode(value) AS v
    FROM parquet_kv_metadata([${list%, }]) WHERE decode(key) IN ('tcprec.format_version', 'tcprec.metadata')" \
    > "$work/meta.json"

# The rows of every trace; 1.x stores the time as `time` (TIMESTAMP(NANOS)), 2.0 as `time_ns` (INT64).
query=
for trace in $traces; do
    version=$(grep -F "{\"file\":\"$trace\",\"k\":\"tcprec.format_version\"" "$work/meta.json" | sed 's/.*"v":"\([^"]*\)".*/\1/')
    case $version in
    1.*) time="epoch_ns(time)" ;;
    2.*) time="time_ns" ;;
    *) echo "$trace: format version '$version' not known here" >&2; exit 1 ;;
    esac
    query+="${query:+ UNION ALL }SELECT '$trace' AS file, $time AS t, file_row_number AS n, event, cpu, tgid, tid, comm,
        skaddr, family, laddr, lport, raddr, rport, oldstate, newstate, state, bytes_acked, bytes_received, reason,
        (SELECT min($time) FROM read_parquet('$trace')) AS first_ns
        FROM read_parquet('$trace', file_row_number = true) WHERE event <> 'tcp_probe'"
done
"$tcprec" sql --csv "$first" "SELECT * EXCLUDE (n) FROM ($query) ORDER BY file, t, n" > "$work/rows.csv"

status=0
while read -r expected report args; do
    trace=${args##* }
    options=${args% *}
    [ "$options" = "$trace" ] && options=
    # shellcheck disable=SC2086  # options are words
    python3 "$here/derive-reports.py" "$work/rows.csv" "$work/meta.json" "$trace" "$report" $options > "$work/out"
    if $check; then
        if ! cmp -s "$work/out" "expected/$expected"; then
            echo "differs: expected/$expected ($report $args)"
            diff "expected/$expected" "$work/out" | head -n 20 || true
            status=1
        fi
    else
        mkdir -p "$(dirname "expected/$expected")"
        mv "$work/out" "expected/$expected"
    fi
done <<< "$cases"
exit $status
