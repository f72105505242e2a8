#!/bin/bash
# Encoding cost: what writing a recording's rows costs per event through the recorder's writer
# (rows batched into columns, then parquet-java's column writers) and through parquet-java's
# column writers alone, fed ready column arrays, on the rows of TRACE held in memory (format-spec/src/test/java/org/tcprec/format/EncoderCost.java).
#
#   bench/encoder.sh TRACE [COPIES] [ROUNDS]      (defaults: 4 copies of the rows, 7 rounds)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
[ $# -ge 1 ] || { echo "usage: bench/encoder.sh TRACE [COPIES] [ROUNDS]" >&2; exit 2; }
trace=$(realpath "$1")
cd "$root"
[ -f cli/target/tcprec.jar ] || mvn -q -DskipTests package
mvn -q -pl format-spec test-compile > /dev/null
java -Xmx4g -cp format-spec/target/test-classes:cli/target/tcprec.jar org.tcprec.format.EncoderCost "$trace" "${@:2}"
