#!/bin/bash
# The test command: installs what the tests need (.ci/setup), then runs them all. Run it as root:
# the kernel tests load BPF programs and create network namespaces of their own. Arguments go to
# Maven: ./test.sh -Pvm adds the kernel-matrix test (Debian's 5.10, 6.1 and 6.12 in VMs).
set -euo pipefail
cd "$(dirname "$0")"
if [ "$(id -u)" -ne 0 ]; then
    echo "./test.sh: run it as root (the kernel tests load BPF programs and create network namespaces)" >&2
    exit 1
fi
.ci/setup
exec mvn -B verify "$@"
