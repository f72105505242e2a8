-- diff's metrics (Measurement in the analyzer) of every trace: one row per trace and metric, with
-- the value and the count it stands on. Rates are per second of the recording (its duration, or the
-- span of its events when the footer has none), per connection or per MB sent; distributions are
-- interpolated quantiles (DuckDB's quantile_cont, Spark's percentile) over all of the trace's values.
WITH seconds AS (
    SELECT t.filename,
           greatest(coalesce(CASE WHEN t.duration_ns > 0 THEN t.duration_ns ELSE e.span_ns END, 0), 1) / 1e9 AS s
    FROM traces t
    LEFT JOIN (SELECT filename, max(time_ns) - min(time_ns) AS span_ns FROM raw_events GROUP BY filename) e
        ON e.filename = t.filename
),
-- only samples with data in flight, as diff: a receiver's cwnd never moves and says nothing
sampled AS (
    SELECT filename, skaddr, life, median(srtt_us) AS srtt_us, median(snd_cwnd) AS cwnd
    FROM probes WHERE snd_nxt <> snd_una GROUP BY filename, skaddr, life
),
per_connection AS (
    SELECT c.filename, c.complete, c.active, c.passive, c.connected_ns, c.accepted_ns, c.close_ns, c.span_us,
           c.connect_us, c.tx_bytes, c.rx_bytes, coalesce(r.retransmits, 0) AS retransmits, p.srtt_us, p.cwnd
    FROM connections c
    LEFT JOIN connection_events r ON r.filename = c.filename AND r.skaddr = c.skaddr AND r.life = c.life
    LEFT JOIN sampled p ON p.filename = c.filename AND p.skaddr = c.skaddr AND p.life = c.life
),
connection_counts AS (
    SELECT filename,
           count_if(active AND connected_ns IS NOT NULL) AS connects,
           count_if(passive AND accepted_ns IS NOT NULL) AS accepts,
           count_if(active AND connected_ns IS NULL AND close_ns IS NOT NULL) AS failed_connects,
           count(*) AS connections, sum(retransmits) AS retransmits, sum(tx_bytes) AS tx_bytes
    FROM per_connection GROUP BY filename
),
event_counts AS (
    SELECT filename,
           count_if(event = 'tcp_retransmit_skb') AS retransmits,
           count_if(event = 'tcp_retransmit_synack') AS synack_retransmits,
           count_if(event = 'tcp_send_reset') AS resets_sent,
           count_if(event = 'tcp_receive_reset') AS resets_received
    FROM raw_events
    WHERE event IN ('tcp_retransmit_skb', 'tcp_retransmit_synack', 'tcp_send_reset', 'tcp_receive_reset')
    GROUP BY filename
),
counted AS (
    SELECT s.filename, s.s,
           coalesce(c.connects, 0) AS connects, coalesce(c.accepts, 0) AS accepts,
           coalesce(c.failed_connects, 0) AS failed_connects, coalesce(c.connections, 0) AS connections,
           coalesce(c.retransmits, 0) AS conn_retransmits, coalesce(c.tx_bytes, 0) / 1e6 AS tx_mb,
           coalesce(e.retransmits, 0) AS retransmits, coalesce(e.synack_retransmits, 0) AS synack_retransmits,
           coalesce(e.resets_sent, 0) AS resets_sent, coalesce(e.resets_received, 0) AS resets_received
    FROM seconds s
    LEFT JOIN connection_counts c ON c.filename = s.filename
    LEFT JOIN event_counts e ON e.filename = s.filename
),
rates AS (
    SELECT filename, metric, CASE WHEN exposure > 0 THEN n / exposure ELSE 0 END AS value, n
    FROM counted
    LATERAL VIEW stack(9,
        'connects_per_s', connects, s,
        'accepts_per_s', accepts, s,
        'failed_connects_per_s', failed_connects, s,
        'retransmits_per_conn', conn_retransmits, CAST(connections AS DOUBLE),
        'retransmits_per_mb', conn_retransmits, tx_mb,
        'retransmits_per_s', retransmits, s,
        'synack_retransmits_per_s', synack_retransmits, s,
        'resets_sent_per_s', resets_sent, s,
        'resets_received_per_s', resets_received, s) r AS metric, n, exposure
),
distributions AS (
    SELECT filename, 'lifespan' AS base, CAST(span_us AS DOUBLE) / 1000 AS x FROM per_connection WHERE complete
    UNION ALL SELECT filename, 'connect', CAST(connect_us AS DOUBLE) / 1000 FROM per_connection
    UNION ALL SELECT filename, 'bytes_per_conn', CAST(tx_bytes + rx_bytes AS DOUBLE) FROM per_connection WHERE complete
    UNION ALL SELECT filename, 'srtt', CAST(srtt_us AS DOUBLE) FROM per_connection
    UNION ALL SELECT filename, 'cwnd', CAST(cwnd AS DOUBLE) FROM per_connection
    -- time in each state, as tcpstates' MS: only where the state's start was seen
    UNION ALL SELECT filename, 'state_' || oldstate, ns_in_oldstate / 1e6 FROM state_changes WHERE NOT starts_life
),
quantiles AS (
    SELECT filename, base, count(x) AS n, percentile(x, 0.5) AS p50, percentile(x, 0.9) AS p90,
           percentile(x, 0.99) AS p99, max(x) AS maximum
    FROM distributions WHERE x IS NOT NULL GROUP BY filename, base
),
quantile_rows AS (
    SELECT filename, base || '_' || q AS metric, value, n
    FROM quantiles
    LATERAL VIEW stack(4, 'p50', p50, 'p90', p90, 'p99', p99, 'max', maximum) s AS q, value
    -- the quantiles diff reports of each distribution
    WHERE q IN ('p50', 'p99') OR (q = 'p90' AND base NOT LIKE 'state\_%')
          OR (q = 'max' AND base IN ('lifespan', 'connect'))
)
SELECT filename, metric, value, n FROM rates
UNION ALL
SELECT filename, metric, value, n FROM quantile_rows
ORDER BY filename, metric;
