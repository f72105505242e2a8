#!/bin/bash
# The test command: installs what the tests need (.ci/setup), then runs them all. Run it as root:
# the kernel tests load BPF programs and create network namespaces of their own. Arguments go to
# Maven: ./test.sh -Pvm adds the second-kernel test.
set -euo pipefail
cd "$(dirname "$0")"
if [ "$(id -u)" -ne 0 ]; then
    echo "./test.sh: run it as root (the kernel tests load BPF programs and create network namespaces)" >&2
    exit 1
fi
.ci/setup
exec mvn -B verify "$@"
