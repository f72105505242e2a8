-- The analyzer's views (analyzer/src/main/resources/org/tcprec/analyzer/views.sql) in Spark SQL,
-- over raw_events and traces as FleetViews registers them. Same names, columns and rules; where the
-- dialects differ: DuckDB's arg_max is max_by here, with the order key nulled where the value is
-- null (arg_max skips such rows, max_by does not); its HUGEINT rank (class << 64) + time is a
-- struct (class, time), which orders the same way; `//` is `div`; `epoch_ns(time)` is time_ns,
-- since Spark's timestamps hold microseconds. Every view groups by filename: traces of many
-- hosts are always open. FleetViewsEqualityTest holds every row equal to DuckDB's.

CREATE OR REPLACE TEMPORARY VIEW state_changes AS
SELECT filename, seq, time, time_ns AS ts_ns, skaddr, life, cpu, tgid, tid, comm, netns, cgroup_id,
       family, laddr, lport, raddr, rport, oldstate, newstate, bytes_acked, bytes_received,
       coalesce(ns_in_oldstate, 0) AS ns_in_oldstate,
       ns_in_oldstate IS NULL AS starts_life
FROM raw_events
WHERE event = 'inet_sock_set_state';

CREATE OR REPLACE TEMPORARY VIEW connections AS
WITH ranked AS (
    SELECT *,
           CASE WHEN newstate IN ('SYN_SENT', 'LAST_ACK') THEN named_struct('class', 2, 'ts', ts_ns)
                WHEN newstate = 'CLOSE' THEN named_struct('class', 1, 'ts', ts_ns)
                WHEN tgid <> 0 THEN named_struct('class', 0, 'ts', ts_ns) END AS pid_rank,
           CASE WHEN newstate IN ('SYN_SENT', 'LAST_ACK') THEN named_struct('class', 2, 'ts', ts_ns)
                WHEN tgid <> 0 THEN named_struct('class', 1, 'ts', ts_ns)
                WHEN newstate = 'CLOSE' THEN named_struct('class', 0, 'ts', ts_ns) END AS owner_rank
    FROM state_changes
),
lives AS (
    SELECT filename, skaddr, life,
           max(ts_ns) FILTER (WHERE newstate IN ('ESTABLISHED', 'SYN_SENT', 'SYN_RECV')) AS start_ns,
           max(ts_ns) FILTER (WHERE newstate = 'CLOSE') AS close_ns,
           min(ts_ns) AS first_ns,
           max(ts_ns) AS last_ns,
           min_by(oldstate, CASE WHEN oldstate IS NOT NULL THEN ts_ns END) AS first_oldstate,
           max_by(newstate, CASE WHEN newstate IS NOT NULL THEN ts_ns END) AS last_state,
           max_by(tgid, CASE WHEN tgid IS NOT NULL THEN pid_rank END) AS pid,
           max_by(comm, CASE WHEN comm IS NOT NULL THEN pid_rank END) AS comm,
           max_by(tgid, CASE WHEN tgid IS NOT NULL THEN owner_rank END) AS owner_pid,
           max_by(comm, CASE WHEN comm IS NOT NULL THEN owner_rank END) AS owner_comm,
           max_by(tgid, ts_ns) FILTER (WHERE newstate = 'SYN_SENT') AS connect_pid,
           max_by(comm, ts_ns) FILTER (WHERE newstate = 'SYN_SENT') AS connect_comm,
           max_by(tgid, ts_ns) FILTER (WHERE newstate IN ('FIN_WAIT1', 'LAST_ACK')) AS closer_pid,
           max_by(comm, ts_ns) FILTER (WHERE newstate IN ('FIN_WAIT1', 'LAST_ACK')) AS closer_comm,
           max(ts_ns) FILTER (WHERE oldstate = 'SYN_RECV' AND newstate = 'ESTABLISHED') AS accepted_ns,
           max(ts_ns) FILTER (WHERE newstate = 'SYN_SENT') AS syn_sent_ns,
           max(ts_ns) FILTER (WHERE oldstate = 'SYN_SENT' AND newstate = 'ESTABLISHED') AS connected_ns,
           bool_or(newstate = 'SYN_SENT') AS active,
           bool_or(oldstate = 'LISTEN' OR newstate = 'SYN_RECV') AS passive,
           max_by(family, CASE WHEN family IS NOT NULL THEN ts_ns END) AS family,
           max_by(laddr, CASE WHEN laddr IS NOT NULL THEN ts_ns END) AS laddr,
           max_by(lport, CASE WHEN lport IS NOT NULL THEN ts_ns END) AS lport,
           max_by(raddr, CASE WHEN raddr IS NOT NULL THEN ts_ns END) AS raddr,
           max_by(rport, CASE WHEN rport IS NOT NULL THEN ts_ns END) AS rport,
           max_by(bytes_acked, CASE WHEN bytes_acked IS NOT NULL THEN ts_ns END) AS bytes_acked,
           max_by(bytes_received, CASE WHEN bytes_received IS NOT NULL THEN ts_ns END) AS bytes_received,
           max_by(netns, CASE WHEN netns IS NOT NULL THEN ts_ns END) AS netns,
           max_by(cgroup_id, CASE WHEN cgroup_id IS NOT NULL THEN ts_ns END) AS cgroup_id,
           count(*) AS transitions
    FROM ranked
    GROUP BY filename, skaddr, life
),
flagged AS (
    SELECT *,
           start_ns IS NOT NULL AND close_ns IS NOT NULL AS complete,
           start_ns IS NULL AND first_oldstate NOT IN ('CLOSE', 'LISTEN') AS open_at_start,
           close_ns IS NULL AS open_at_stop
    FROM lives
)
SELECT l.filename, skaddr, life, pid, comm, owner_pid, owner_comm,
       family, laddr, lport, raddr, rport, bytes_acked AS tx_bytes, bytes_received AS rx_bytes,
       start_ns, close_ns, first_ns, last_ns,
       (close_ns - start_ns) div 1000 AS span_us,
       complete, open_at_start, open_at_stop,
       CASE WHEN complete THEN NULL
            WHEN open_at_start AND open_at_stop THEN 'open throughout'
            WHEN open_at_start THEN 'open at start'
            WHEN open_at_stop THEN 'open at stop'
            ELSE 'no start seen' END AS note,
       active, passive, syn_sent_ns, connected_ns, accepted_ns,
       connect_pid, connect_comm, closer_pid, closer_comm,
       (connected_ns - syn_sent_ns) div 1000 AS connect_us,
       first_oldstate, last_state, netns, cgroup_id, transitions,
       t.end_ns AS recording_end_ns
FROM flagged l LEFT JOIN traces t ON t.filename = l.filename
WHERE NOT (first_oldstate IN ('CLOSE', 'LISTEN') AND last_state IN ('LISTEN', 'CLOSE') AND start_ns IS NULL
           AND NOT coalesce(active, false));

CREATE OR REPLACE TEMPORARY VIEW abortive_closes AS
SELECT c.filename, c.skaddr, c.life,
       max_by(c.tgid, c.ts_ns) AS pid, max_by(c.comm, c.ts_ns) AS comm
FROM state_changes c
JOIN raw_events r ON r.event = 'tcp_send_reset' AND r.filename = c.filename AND r.skaddr = c.skaddr
    AND r.life = c.life AND r.tid = c.tid
WHERE c.newstate = 'CLOSE' AND c.oldstate IN ('ESTABLISHED', 'CLOSE_WAIT')
GROUP BY c.filename, c.skaddr, c.life;

CREATE OR REPLACE TEMPORARY VIEW connection_events AS
SELECT filename, skaddr, life,
       count(*) FILTER (WHERE event = 'tcp_retransmit_skb') AS retransmits,
       count(*) FILTER (WHERE event IN ('tcp_send_reset', 'tcp_receive_reset')) AS resets
FROM raw_events
WHERE skaddr IS NOT NULL AND event IN ('tcp_retransmit_skb', 'tcp_send_reset', 'tcp_receive_reset')
GROUP BY filename, skaddr, life;

CREATE OR REPLACE TEMPORARY VIEW retransmits AS
SELECT filename, seq, time, time_ns AS ts_ns, event, skaddr, life, req, skbaddr, cpu, tgid, tid, comm, netns, cgroup_id,
       family, laddr, lport, raddr, rport,
       CASE WHEN event = 'tcp_retransmit_synack' THEN 'SYN_RECV' ELSE state END AS state,
       err,
       CASE WHEN event = 'tcp_retransmit_synack' THEN 'S' ELSE 'R' END AS kind
FROM raw_events
WHERE event IN ('tcp_retransmit_skb', 'tcp_retransmit_synack');

CREATE OR REPLACE TEMPORARY VIEW resets AS
SELECT filename, seq, time, time_ns AS ts_ns,
       CASE WHEN event = 'tcp_send_reset' THEN 'sent' ELSE 'received' END AS direction,
       skaddr, life, skbaddr, sock_cookie, cpu, tgid, tid, comm, netns, cgroup_id,
       family, laddr, lport, raddr, rport,
       CASE WHEN skaddr IS NULL THEN NULL ELSE state END AS state, reason
FROM raw_events
WHERE event IN ('tcp_send_reset', 'tcp_receive_reset');

CREATE OR REPLACE TEMPORARY VIEW probes AS
SELECT filename, seq, time, time_ns AS ts_ns, skaddr, life, sock_cookie, skbaddr, cpu, netns, cgroup_id,
       family, laddr, lport, raddr, rport, mark, data_len, snd_nxt, snd_una, snd_cwnd, ssthresh, snd_wnd,
       srtt_us, rcv_wnd
FROM raw_events
WHERE event = 'tcp_probe';
