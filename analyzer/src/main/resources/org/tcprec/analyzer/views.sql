-- The views every report is defined by. `tcprec sql` exposes the same views, so a report and a
-- query over its view cannot disagree. Times are nanoseconds since the epoch (ts_ns) or the
-- trace's `time` column; `seq` is the row's position in its file, which breaks ties in time.
-- {by_file} is "filename, " when several traces are open and empty for one: a socket address
-- belongs to one boot, and partitioning on a constant string costs half the window's time.

-- One row per TCP state change with, as bcc's tcpstates computes it, the time spent in the old
-- state: since the same lifetime's previous change, 0 for the first change seen of a lifetime
-- (a socket address is reused once the socket is freed). The trace stores life (and a 1.1 trace
-- ns_in_oldstate; raw_events derives it from life for a 2.0 one, format-spec/README.md).
CREATE VIEW state_changes AS
SELECT filename, seq, time, epoch_ns(time) AS ts_ns, skaddr, life, cpu, tgid, tid, comm, netns, cgroup_id,
       family, laddr, lport, raddr, rport, oldstate, newstate, bytes_acked, bytes_received,
       coalesce(ns_in_oldstate, 0) AS ns_in_oldstate,
       ns_in_oldstate IS NULL AS starts_life
FROM raw_events
WHERE event = 'inet_sock_set_state';

-- One row per connection lifetime: tcplife's row and more. bcc's rules: the lifespan starts at
-- the last move into ESTABLISHED, SYN_SENT or SYN_RECV and ends at CLOSE; the process is the
-- one current at SYN_SENT (active open) or LAST_ACK (passive close), else the one at CLOSE;
-- TX/RX are bytes_acked/bytes_received at CLOSE. `complete` is what bcc prints; the others were
-- open when the recording began (no start seen) or when it ended (no CLOSE seen).
-- A process chosen by such a rule of preference is one arg_max over (rank, time): the latest row
-- of the most preferred kind the lifetime has. pid_rank is tcplife's rule (SYN_SENT or LAST_ACK,
-- then CLOSE, then any row with a task, for a connection still open at the end); owner_rank
-- (-x) prefers any task with the socket to the one at CLOSE, which often is a softirq's.
-- tcplife of one trace computes the complete rows of this view in one pass over state_changes
-- instead (CompleteConnections.java: the aggregate below holds every lifetime of the trace at
-- once); a change to these rules is a change to both, and CompleteConnectionsTest holds them equal.
CREATE VIEW connections AS
WITH ranked AS (
    SELECT *,
           CASE WHEN newstate IN ('SYN_SENT', 'LAST_ACK') THEN (2::HUGEINT << 64) + ts_ns
                WHEN newstate = 'CLOSE' THEN (1::HUGEINT << 64) + ts_ns
                WHEN tgid <> 0 THEN ts_ns::HUGEINT END AS pid_rank,
           CASE WHEN newstate IN ('SYN_SENT', 'LAST_ACK') THEN (2::HUGEINT << 64) + ts_ns
                WHEN tgid <> 0 THEN (1::HUGEINT << 64) + ts_ns
                WHEN newstate = 'CLOSE' THEN ts_ns::HUGEINT END AS owner_rank
    FROM state_changes
),
lives AS (
    SELECT first(filename) AS filename, skaddr, life,
           max(ts_ns) FILTER (WHERE newstate IN ('ESTABLISHED', 'SYN_SENT', 'SYN_RECV')) AS start_ns,
           max(ts_ns) FILTER (WHERE newstate = 'CLOSE') AS close_ns,
           min(ts_ns) AS first_ns,
           max(ts_ns) AS last_ns,
           arg_min(oldstate, ts_ns) AS first_oldstate,
           arg_max(newstate, ts_ns) AS last_state,
           arg_max(tgid, pid_rank) AS pid,
           arg_max(comm, pid_rank) AS comm,
           arg_max(tgid, owner_rank) AS owner_pid,
           arg_max(comm, owner_rank) AS owner_comm,
           arg_max(tgid, ts_ns) FILTER (WHERE newstate = 'SYN_SENT') AS connect_pid,
           arg_max(comm, ts_ns) FILTER (WHERE newstate = 'SYN_SENT') AS connect_comm,
           arg_max(tgid, ts_ns) FILTER (WHERE newstate IN ('FIN_WAIT1', 'LAST_ACK')) AS closer_pid,
           arg_max(comm, ts_ns) FILTER (WHERE newstate IN ('FIN_WAIT1', 'LAST_ACK')) AS closer_comm,
           max(ts_ns) FILTER (WHERE oldstate = 'SYN_RECV' AND newstate = 'ESTABLISHED') AS accepted_ns,
           max(ts_ns) FILTER (WHERE newstate = 'SYN_SENT') AS syn_sent_ns,
           max(ts_ns) FILTER (WHERE oldstate = 'SYN_SENT' AND newstate = 'ESTABLISHED') AS connected_ns,
           bool_or(newstate = 'SYN_SENT') AS active,
           bool_or(oldstate = 'LISTEN' OR newstate = 'SYN_RECV') AS passive,
           arg_max(family, ts_ns) AS family,
           arg_max(laddr, ts_ns) AS laddr,
           arg_max(lport, ts_ns) AS lport,
           arg_max(raddr, ts_ns) AS raddr,
           arg_max(rport, ts_ns) AS rport,
           arg_max(bytes_acked, ts_ns) AS bytes_acked,
           arg_max(bytes_received, ts_ns) AS bytes_received,
           arg_max(netns, ts_ns) AS netns,
           arg_max(cgroup_id, ts_ns) AS cgroup_id,
           count(*) AS transitions
    FROM ranked
    GROUP BY {by_file}skaddr, life
)
SELECT l.filename, skaddr, life, pid, comm, owner_pid, owner_comm,
       family, laddr, lport, raddr, rport, bytes_acked AS tx_bytes, bytes_received AS rx_bytes,
       start_ns, close_ns, first_ns, last_ns,
       -- bcc truncates the span to microseconds before printing milliseconds
       (close_ns - start_ns) // 1000 AS span_us,
       start_ns IS NOT NULL AND close_ns IS NOT NULL AS complete,
       start_ns IS NULL AND first_oldstate NOT IN ('CLOSE', 'LISTEN') AS open_at_start,
       close_ns IS NULL AS open_at_stop,
       -- what every report says of a connection it shows without its whole lifespan; null when complete
       CASE WHEN complete THEN NULL
            WHEN open_at_start AND open_at_stop THEN 'open throughout'
            WHEN open_at_start THEN 'open at start'
            WHEN open_at_stop THEN 'open at stop'
            ELSE 'no start seen' END AS note,
       active, passive, syn_sent_ns, connected_ns, accepted_ns,
       connect_pid, connect_comm, closer_pid, closer_comm,
       (connected_ns - syn_sent_ns) // 1000 AS connect_us,
       first_oldstate, last_state, netns, cgroup_id, transitions,
       t.end_ns AS recording_end_ns
FROM lives l LEFT JOIN traces t ON t.filename = l.filename
-- a listener's lifetime (CLOSE -> LISTEN -> CLOSE, or LISTEN -> CLOSE for one listening when the
-- recording began) is not a connection
WHERE NOT (first_oldstate IN ('CLOSE', 'LISTEN') AND last_state IN ('LISTEN', 'CLOSE') AND start_ns IS NULL
           AND NOT coalesce(active, false));

-- The closer of a socket closed abortively (close() with unread data, or SO_LINGER 0), which
-- `connections.closer_pid` (the task at FIN_WAIT1 or LAST_ACK) does not see: it moves the socket
-- from ESTABLISHED or CLOSE_WAIT straight to CLOSE and sends an RST, both in its own task. An RST
-- received moves the socket to CLOSE in softirq context and sends none. One row per such
-- lifetime; tcpaccept joins it on (filename, skaddr, life). A view of its own, so that queries
-- over `connections` do not pay for the join.
CREATE VIEW abortive_closes AS
SELECT c.filename, c.skaddr, c.life, arg_max(c.tgid, c.ts_ns) AS pid, arg_max(c.comm, c.ts_ns) AS comm
FROM state_changes c
JOIN raw_events r ON r.event = 'tcp_send_reset' AND r.filename = c.filename AND r.skaddr = c.skaddr
    AND r.life = c.life AND r.tid = c.tid
WHERE c.newstate = 'CLOSE' AND c.oldstate IN ('ESTABLISHED', 'CLOSE_WAIT')
GROUP BY c.filename, c.skaddr, c.life;

-- What happened on each socket lifetime besides its state changes: one row per (skaddr, life)
-- with retransmitted segments and RSTs sent or received. Join it to connections on
-- (filename, skaddr, life); a lifetime without any is absent.
CREATE VIEW connection_events AS
SELECT filename, skaddr, life,
       count(*) FILTER (WHERE event = 'tcp_retransmit_skb') AS retransmits,
       count(*) FILTER (WHERE event IN ('tcp_send_reset', 'tcp_receive_reset')) AS resets
FROM raw_events
WHERE skaddr IS NOT NULL AND event IN ('tcp_retransmit_skb', 'tcp_send_reset', 'tcp_receive_reset')
GROUP BY filename, skaddr, life;

CREATE VIEW retransmits AS
SELECT filename, seq, time, epoch_ns(time) AS ts_ns, event, skaddr, life, req, skbaddr, cpu, tgid, tid, comm, netns, cgroup_id,
       family, laddr, lport, raddr, rport,
       CASE WHEN event = 'tcp_retransmit_synack' THEN 'SYN_RECV' ELSE state END AS state,
       err,
       CASE WHEN event = 'tcp_retransmit_synack' THEN 'S' ELSE 'R' END AS kind
FROM raw_events
WHERE event IN ('tcp_retransmit_skb', 'tcp_retransmit_synack');

CREATE VIEW resets AS
SELECT filename, seq, time, epoch_ns(time) AS ts_ns,
       CASE WHEN event = 'tcp_send_reset' THEN 'sent' ELSE 'received' END AS direction,
       skaddr, life, skbaddr, sock_cookie, cpu, tgid, tid, comm, netns, cgroup_id,
       family, laddr, lport, raddr, rport,
       -- without a socket there is no state (the kernel stores 0)
       CASE WHEN skaddr IS NULL THEN NULL ELSE state END AS state, reason
FROM raw_events
WHERE event IN ('tcp_send_reset', 'tcp_receive_reset');

CREATE VIEW probes AS
SELECT filename, seq, time, epoch_ns(time) AS ts_ns, skaddr, life, sock_cookie, skbaddr, cpu, netns, cgroup_id,
       family, laddr, lport, raddr, rport, mark, data_len, snd_nxt, snd_una, snd_cwnd, ssthresh, snd_wnd,
       srtt_us, rcv_wnd
FROM raw_events
WHERE event = 'tcp_probe';
