-- The queries of the HTML report (tcprec report), over the views of views.sql. Each one's text
-- runs from its "-- query: NAME" line to the next one; lines that begin with "--" are comments of
-- this file, not part of a query. The page shows each figure's SQL with its ${...} placeholders
-- filled in (numbers, or another query of this file), so that it runs as it is in tcprec sql.

-- query: conn
-- Each connection with its retransmits and resets (the rows of its socket lifetime): the base of
-- the per-connection figures, inlined in each figure's SQL so that each runs on its own.
WITH conn AS (
  SELECT c.*, coalesce(c.close_ns, c.recording_end_ns, c.last_ns) AS end_ns,
    coalesce(e.retransmits, 0) AS retransmits, coalesce(e.resets, 0) AS resets
  FROM connections c LEFT JOIN connection_events e USING (filename, skaddr, life))

-- query: counts
SELECT
  (SELECT count(*) FROM connections) AS connections,
  (SELECT count(*) FROM connections WHERE complete) AS complete,
  (SELECT count(*) FROM connections WHERE NOT complete) AS partial,
  (SELECT count(*) FROM connections WHERE active) AS active_opens,
  (SELECT count(*) FROM connections WHERE passive) AS passive_opens,
  (SELECT count(*) FROM state_changes) AS state_changes,
  (SELECT count(*) FROM retransmits WHERE kind = 'R') AS retransmits,
  (SELECT count(*) FROM retransmits WHERE kind = 'S') AS synack_retransmits,
  (SELECT count(*) FROM resets WHERE direction = 'sent') AS resets_sent,
  (SELECT count(*) FROM resets WHERE direction = 'received') AS resets_received,
  (SELECT count(*) FROM probes) AS probes

-- query: lifespan_values
SELECT span_us AS v FROM connections WHERE complete AND span_us IS NOT NULL

-- query: connect_latency_values
SELECT connect_us AS v FROM connections WHERE connect_us IS NOT NULL

-- query: srtt_values
SELECT srtt_us AS v FROM probes WHERE srtt_us IS NOT NULL

-- query: histogram_buckets
-- power-of-two buckets of a positive quantity
WITH v AS (${values})
SELECT CASE WHEN v < 1 THEN 0 ELSE floor(log2(v))::INTEGER + 1 END AS bucket, count(*) AS n
FROM v GROUP BY 1 ORDER BY 1

-- query: histogram_stats
WITH v AS (${values})
SELECT count(*) AS n, min(v) AS min, quantile_cont(v, 0.5) AS p50, quantile_cont(v, 0.9) AS p90,
  quantile_cont(v, 0.99) AS p99, max(v) AS max FROM v

-- query: over_time
WITH e AS (
  SELECT ts_ns, CASE kind WHEN 'R' THEN 'retransmit' ELSE 'synack_retransmit' END AS what FROM retransmits
  UNION ALL SELECT ts_ns, 'rst_' || direction FROM resets)
SELECT greatest(0, least(${last_bin}, (ts_ns - ${start_ns}) // ${bin_ns})) AS bin,
  count(*) FILTER (WHERE what = 'retransmit') AS retransmits,
  count(*) FILTER (WHERE what = 'synack_retransmit') AS synack_retransmits,
  count(*) FILTER (WHERE what = 'rst_sent') AS resets_sent,
  count(*) FILTER (WHERE what = 'rst_received') AS resets_received
FROM e GROUP BY 1 ORDER BY 1

-- query: transitions
SELECT oldstate, newstate, count(*) AS transitions
FROM state_changes GROUP BY ALL ORDER BY transitions DESC, oldstate, newstate

-- query: time_in_state
SELECT oldstate AS state, count(*) AS stays, sum(ns_in_oldstate) / 1e6 AS total_ms,
  median(ns_in_oldstate) / 1e6 AS median_ms, max(ns_in_oldstate) / 1e6 AS max_ms
FROM state_changes WHERE NOT starts_life GROUP BY ALL ORDER BY total_ms DESC

-- query: top_remote
${conn}
SELECT raddr, count(*) AS connections, count(DISTINCT rport) AS remote_ports,
  sum(tx_bytes) AS tx_bytes, sum(rx_bytes) AS rx_bytes, sum(retransmits) AS retransmits, sum(resets) AS resets
FROM conn GROUP BY raddr ORDER BY connections DESC, tx_bytes DESC, raddr

-- query: top_process
${conn}
SELECT comm, count(DISTINCT pid) AS pids, min(pid) AS first_pid, count(*) AS connections,
  sum(tx_bytes) AS tx_bytes, sum(rx_bytes) AS rx_bytes, sum(retransmits) AS retransmits, sum(resets) AS resets
FROM conn GROUP BY comm ORDER BY connections DESC, tx_bytes DESC, comm

-- query: top_local_port
-- a client's local port is an ephemeral one, a new one per connection: listing each says nothing
${conn}
SELECT CASE WHEN passive THEN lport::VARCHAR WHEN active THEN 'outgoing' ELSE 'direction not seen' END
    AS local_port, count(*) AS connections, count(DISTINCT lport) AS ports,
  sum(tx_bytes) AS tx_bytes, sum(rx_bytes) AS rx_bytes, sum(retransmits) AS retransmits, sum(resets) AS resets
FROM conn GROUP BY 1 ORDER BY connections DESC, local_port

-- query: connections
${conn}
SELECT (coalesce(start_ns, first_ns) - ${start_ns}) / 1e6 AS start_ms, span_us / 1e3 AS span_ms,
  pid, comm, laddr, lport, raddr, rport, tx_bytes, rx_bytes, connect_us, retransmits, resets,
  last_state, coalesce(note, '') AS note
FROM conn ORDER BY coalesce(start_ns, first_ns), skaddr, life

-- query: recording_window
-- the recording's start and end (UTC ns), else the first and last event's
SELECT coalesce(nullif(t.start_realtime_ns, 0), (SELECT min(epoch_ns(time)) FROM raw_events)),
  coalesce(t.end_ns, (SELECT max(epoch_ns(time)) FROM raw_events))
FROM traces t

-- query: event_window
SELECT min(epoch_ns(time)), max(epoch_ns(time)) FROM raw_events

-- query: timeline
-- connections as bars, each split into the states it went through
WITH shown AS (
  SELECT row_number() OVER (ORDER BY first_ns, skaddr, life) AS n, *,
    coalesce(close_ns, recording_end_ns, last_ns) AS end_ns FROM connections
  ORDER BY first_ns, skaddr, life LIMIT ${limit})
SELECT c.n, (c.first_ns - ${start_ns}) / 1e6 AS from_ms, (c.end_ns - ${start_ns}) / 1e6 AS to_ms,
  c.pid, c.comm, c.laddr, c.lport, c.raddr, c.rport, c.tx_bytes, c.rx_bytes, coalesce(c.note, '') AS note,
  list((s.ts_ns - ${start_ns}) / 1e6 ORDER BY s.time, s.seq) AS state_ms,
  list(s.newstate ORDER BY s.time, s.seq) AS state_names,
  arg_min(s.oldstate, s.ts_ns) AS first_oldstate
FROM shown c JOIN state_changes s ON s.skaddr = c.skaddr AND s.life = c.life
GROUP BY ALL ORDER BY c.n

-- query: connection_count
SELECT count(*) FROM connections
