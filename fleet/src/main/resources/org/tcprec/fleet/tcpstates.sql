-- tcpstates' rows over every trace: every state change, in time order (`tcprec tcpstates --json`).
SELECT * FROM state_changes ORDER BY ts_ns, filename, seq;
