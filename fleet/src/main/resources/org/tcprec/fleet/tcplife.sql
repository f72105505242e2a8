-- tcplife's rows over every trace: the complete connections, each with the columns of `tcprec
-- tcplife --json` (TcpLifeCommand's query), in its order. event_time holds microseconds here.
SELECT filename, skaddr, life, pid, comm, owner_pid, owner_comm, family, laddr, lport, raddr, rport,
       tx_bytes, rx_bytes, start_ns, close_ns, first_ns, last_ns, span_us, complete, open_at_start, open_at_stop,
       active, passive, syn_sent_ns, connected_ns, accepted_ns, connect_pid, connect_comm, closer_pid, closer_comm,
       connect_us, first_oldstate, last_state, netns, cgroup_id, transitions, recording_end_ns,
       coalesce(close_ns, recording_end_ns, last_ns) AS event_ns,
       timestamp_micros(coalesce(close_ns, recording_end_ns, last_ns) div 1000) AS event_time,
       coalesce(span_us, (coalesce(close_ns, recording_end_ns, last_ns) - coalesce(start_ns, first_ns)) div 1000) AS shown_us,
       coalesce(replace(note, ' ', '-'), '-') AS note
FROM connections
WHERE complete
ORDER BY event_ns, first_ns, filename, skaddr;
