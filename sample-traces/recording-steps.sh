# Steps shared by the harnesses that record sample-traces/workload.py with a tcprec process in the
# background: cli/src/test/vm/record-workload.sh (the second kernel) and
# deb/src/test/install/install-record-remove.sh (the Debian packages). Sourced; POSIX sh.

# wait_recording JOURNAL PID LOG SECONDS: until recorder PID has made JOURNAL, from which point it
# records; fails (with the recorder's LOG) when it exits first or takes longer than SECONDS.
wait_recording() {
    _i=0
    while [ ! -e "$1" ]; do
        kill -0 "$2" 2>/dev/null || { cat "$3"; echo "the recorder exited before recording"; return 1; }
        _i=$((_i + 1)); [ $_i -lt $(($4 * 10)) ] || { echo "the recorder did not start within $4 s"; return 1; }
        sleep 0.1
    done
}

# wait_settled NS: until every TCP socket of network namespace NS is gone or in TIME_WAIT, so that no
# retransmission or reset can follow the counters read next (at most 60 s).
wait_settled() {
    _i=0
    while ip netns exec "$1" sh -c 'cat /proc/net/tcp /proc/net/tcp6' \
            | awk 'NR > 1 && $4 != "st" && $4 != "06" { busy = 1 } END { exit !busy }'; do
        _i=$((_i + 1)); [ $_i -lt 1200 ] || { echo "sockets did not settle within 60 s"; return 1; }
        sleep 0.05
    done
}
