package org.tcprec.analyzer.trace;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBDriver;
import org.tcprec.cli.support.UserError;
import org.tcprec.format.TraceFooter;
import org.tcprec.format.TraceFormatException;
import org.tcprec.format.metadata.JsonCodec;
import org.tcprec.format.metadata.TraceMetadata;

/**
 * One or more traces opened in an in-memory DuckDB: the raw table {@code events}, the tables
 * {@code traces} and {@code meta} made from the footers, and the views every report is defined
 * by (views.sql). The reports and `tcprec sql` query the same views, so they cannot disagree.
 *
 * <p>DuckDB because it reads Parquet natively with projection and predicate pushdown, runs the
 * window functions the reports need over millions of rows on all cores, and gives users the SQL
 * they already know.
 */
public final class TraceDatabase implements AutoCloseable {
    private final Connection connection;
    private final List<TraceFooter> footers;

    private final boolean deriveLifetimes;

    private TraceDatabase(Connection connection, List<TraceFooter> footers, boolean deriveLifetimes) {
        this.connection = connection;
        this.footers = footers;
        this.deriveLifetimes = deriveLifetimes;
    }

    public static TraceDatabase open(List<Path> files) {
        return open(files, false);
    }

    /** With deriveLifetimes, every file is read as a 1.0 file would be: for the test that holds the two rule sets together. */
    static TraceDatabase open(List<Path> files, boolean deriveLifetimes) {
        return connect(readFooters(files), deriveLifetimes);
    }

    /** The traces' footers, each checked to be a readable trace with intact data; at least one. */
    public static List<TraceFooter> readFooters(List<Path> files) {
        return readFooters(files, true);
    }

    /**
     * The traces' footers, each checked to be a readable trace; at least one. Without checkData,
     * the caller checks the data and binds the metadata itself ({@link DeferredChecks}).
     */
    public static List<TraceFooter> readFooters(List<Path> files, boolean checkData) {
        if (files.isEmpty()) {
            throw new UserError("no trace file given");
        }
        List<TraceFooter> footers = new ArrayList<>();
        for (Path file : files) {
            try {
                footers.add(checkData ? TraceFooter.read(file) : TraceFooter.readDeferringChecks(file));
            } catch (TraceFormatException e) {
                throw new UserError(e.getMessage(), e);
            }
        }
        return footers;
    }

    /** The traces whose footers {@link #readFooters} read. */
    public static TraceDatabase of(List<TraceFooter> footers) {
        return connect(footers, false);
    }

    private static TraceDatabase connect(List<TraceFooter> footers, boolean deriveLifetimes) {
        try {
            // The driver directly: in a shaded jar, DriverManager's service lookup can miss it.
            Properties properties = new Properties();
            // Rows stream out as DuckDB produces them instead of being collected first: the
            // reports print while the query runs, and memory does not grow with the result.
            properties.setProperty("jdbc_stream_results", "true");
            Connection connection = new DuckDBDriver().connect("jdbc:duckdb:", properties);
            TraceDatabase db = new TraceDatabase(connection, footers, deriveLifetimes);
            db.createTables();
            return db;
        } catch (SQLException e) {
            throw new UserError("cannot open the traces in DuckDB: " + firstLine(e.getMessage()), e);
        }
    }

    public Connection connection() {
        return connection;
    }

    public List<TraceFooter> footers() {
        return footers;
    }

    /**
     * Another connection to the same database (its tables and views), for a query that runs
     * beside one on {@link #connection}: each connection exports its result on its own thread.
     * The caller closes it.
     */
    public Connection newConnection() {
        try {
            return connection.unwrap(DuckDBConnection.class).duplicate();
        } catch (SQLException e) {
            throw new UserError("cannot open a second connection to DuckDB: " + firstLine(e.getMessage()), e);
        }
    }

    /**
     * Runs the work with DuckDB's scheduler at that many threads, then puts the setting back.
     * Queries that stream their rows out are exported on the thread that fetches them, so two
     * such queries side by side keep both cores busy themselves; DuckDB's own worker then only
     * competes with them for the cores (bench/RESULTS.md, "measurements from code comments").
     */
    public void withThreads(int threads, Runnable work) {
        long previous;
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT current_setting('threads')")) {
            rs.next();
            previous = rs.getLong(1);
            s.execute("SET threads = " + threads);
        } catch (SQLException e) {
            throw new UserError("cannot set DuckDB's threads: " + firstLine(e.getMessage()), e);
        }
        try {
            work.run();
        } finally {
            try (Statement s = connection.createStatement()) {
                s.execute("SET threads = " + previous);
            } catch (SQLException e) {
                // the database is closed with the report; the setting dies with it
            }
        }
    }

    /** Binds the parameters in order: user input reaches SQL only this way. */
    public static void bind(PreparedStatement statement, Object[] parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            statement.setObject(i + 1, parameters[i]);
        }
    }

    public static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            // an in-memory connection has nothing to lose on close
        }
    }

    private void createTables() throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(
                    "CREATE TABLE traces (filename VARCHAR, hostname VARCHAR, kernel VARCHAR, kernel_version VARCHAR, "
                            + "machine VARCHAR, boot_id VARCHAR, format_version VARCHAR, rows BIGINT, lost_events BIGINT, "
                            + "recovered BOOLEAN, missing_tracepoints VARCHAR[], start_realtime_ns BIGINT, "
                            + "start_boottime_ns BIGINT, duration_ns BIGINT, utc_offset_seconds INTEGER, end_ns BIGINT)");
            s.execute("CREATE TABLE meta (filename VARCHAR, key VARCHAR, value VARCHAR)");
        }
        try (PreparedStatement traces = connection.prepareStatement(
                        "INSERT INTO traces VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
                PreparedStatement meta = connection.prepareStatement("INSERT INTO meta VALUES (?, ?, ?)")) {
            for (TraceFooter f : footers) {
                TraceMetadata m = f.metadata();
                String name = sqlPath(f.path());
                traces.setString(1, name);
                traces.setString(2, m.host().hostname());
                traces.setString(3, m.host().uname().release());
                traces.setString(4, m.host().uname().version());
                traces.setString(5, m.host().uname().machine());
                traces.setString(6, m.host().bootId());
                traces.setString(7, f.formatVersion());
                traces.setLong(8, f.rows());
                traces.setLong(9, m.lostEventCount());
                traces.setBoolean(10, m.recovered());
                // A list parameter: the names come from the trace and are never parsed as a list literal.
                traces.setArray(
                        11,
                        connection.createArrayOf(
                                "VARCHAR", m.missingTracepoints().toArray()));
                traces.setLong(12, m.startRealtimeNs());
                traces.setLong(13, m.startBoottimeNs());
                traces.setObject(14, m.recording().durationNs());
                traces.setInt(15, m.utcOffsetSeconds());
                traces.setObject(16, m.endRealtimeNs());
                traces.addBatch();
                flatten(meta, name, "", f.metadataJson());
            }
            traces.executeBatch();
            meta.executeBatch();
        }
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE VIEW raw_events AS " + rawEvents());
            s.execute("CREATE VIEW events AS SELECT e.*, t.hostname AS host, t.kernel, t.boot_id "
                    + "FROM raw_events e JOIN traces t USING (filename)");
            for (String statement : viewDefinitions()) {
                s.execute(statement.replace("{by_file}", byFile()));
            }
        }
    }

    /**
     * Every file's rows, with seq (the row's position in its file: rows are in time order, and
     * seq orders equal times), time as TIMESTAMP_NS and the socket-lifetime columns, whatever the
     * file's version. union_by_name: traces of newer minor versions may have more columns. A 2.x
     * file stores the time as time_ns (epoch nanoseconds), a 1.x file as the TIMESTAMP time with
     * the same value. A 1.0 file lacks life and ns_in_oldstate; they are derived here with the
     * rules the writer applies (format-spec/README.md), over a window per socket that a 1.1 file
     * spares its readers. A 2.0 file stores life but neither protocol nor ns_in_oldstate, which
     * 1.x stored: protocol is 6 on every state change, and ns_in_oldstate is derived from life
     * (TIMES_SQL). hive_partitioning off: a fleet laid out in host=NAME/ directories would
     * otherwise gain a column `host` from the path, beside (and renaming) the footer's host that
     * the events view adds.
     */
    private String rawEvents() {
        // files grouped by what is derived here and their time column
        Map<String, List<String>> groups = new java.util.TreeMap<>();
        for (TraceFooter f : footers) {
            groups.computeIfAbsent(derivation(f).name() + " " + f.timeColumn(), k -> new ArrayList<>())
                    .add(fileLiteral(f.path()));
        }
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, List<String>> group : groups.entrySet()) {
            Derivation derivation = Derivation.valueOf(
                    group.getKey().substring(0, group.getKey().indexOf(' ')));
            String timeColumn = group.getKey().substring(group.getKey().indexOf(' ') + 1);
            String rows = rows(group.getValue(), timeColumn, derivation.excluded);
            parts.add(derivation.sql.replace("{rows}", rows));
        }
        return String.join(" UNION ALL BY NAME ", parts);
    }

    /** What raw_events derives of a file's columns. */
    private enum Derivation {
        /** A 1.1 file: every column stored. */
        NONE("", "{rows}"),
        /** A 2.x file: protocol and ns_in_oldstate, from life. */
        TIMES("", Derivation.TIMES_SQL),
        /** A 1.0 file: life and ns_in_oldstate, by the writer's rules. */
        LIFETIMES("", LIFETIMES_SQL),
        /** A 1.1 file read as a 1.0 file would be (the test holding the two rule sets together). */
        LIFETIMES_AGAIN(", life, ns_in_oldstate", LIFETIMES_SQL),
        /** A 2.x file read as a 1.0 file would be. */
        LIFETIMES_AGAIN_2X(", life", Derivation.PROTOCOL_SQL.replace("{rows}", LIFETIMES_SQL));

        /**
         * format-spec/README.md, "Columns": protocol (6 on every state change) and ns_in_oldstate (the
         * time since the same life's previous state change, null for its first) of a 2.x file.
         */
        private static final String TIMES_SQL =
                "SELECT *, CASE WHEN event = 'inet_sock_set_state' THEN 6 END::INTEGER AS protocol, "
                        + "CASE WHEN event = 'inet_sock_set_state' AND life IS NOT NULL THEN epoch_ns(time) - lag(epoch_ns(time)) "
                        + "OVER (PARTITION BY filename, life, event = 'inet_sock_set_state' ORDER BY seq) END AS ns_in_oldstate "
                        + "FROM ({rows})";

        private static final String PROTOCOL_SQL =
                "SELECT *, CASE WHEN event = 'inet_sock_set_state' THEN 6 END::INTEGER AS protocol FROM ({rows})";

        final String excluded;
        final String sql;

        Derivation(String excluded, String sql) {
            this.excluded = excluded;
            this.sql = sql;
        }
    }

    private Derivation derivation(TraceFooter f) {
        boolean twoX = !f.columns().contains("protocol");
        if (!f.columns().contains("life")) {
            return twoX ? Derivation.LIFETIMES_AGAIN_2X : Derivation.LIFETIMES;
        }
        if (deriveLifetimes) {
            return twoX ? Derivation.LIFETIMES_AGAIN_2X : Derivation.LIFETIMES_AGAIN;
        }
        return f.columns().contains("ns_in_oldstate") ? Derivation.NONE : Derivation.TIMES;
    }

    /** The files' rows with time as TIMESTAMP_NS (first, as 1.x files have it) and seq; without the columns excluded. */
    private static String rows(List<String> files, String timeColumn, String excluded) {
        String time = timeColumn.equals(org.tcprec.format.TraceSchema.TIME_1X)
                ? ""
                : "make_timestamp_ns(" + timeColumn + ") AS time, ";
        String exclude = timeColumn.equals(org.tcprec.format.TraceSchema.TIME_1X) ? "" : timeColumn + ", ";
        return "SELECT " + time + "* EXCLUDE (" + exclude + "file_row_number" + excluded + "), file_row_number AS seq "
                + "FROM read_parquet([" + String.join(", ", files) + "], filename = true, file_row_number = true, "
                + "union_by_name = true, hive_partitioning = false)";
    }

    /**
     * format-spec/README.md, columns life and ns_in_oldstate, for files written before 1.1: each
     * address's lifetimes apart (address_life), then numbered across the file in the order of
     * their first rows, as a 2.x writer numbers them.
     */
    private static final String LIFETIMES_SQL = "SELECT * EXCLUDE (address_life, lifetime_start), "
            + "CASE WHEN skaddr IS NOT NULL THEN dense_rank() OVER (PARTITION BY filename ORDER BY lifetime_start NULLS LAST)::INTEGER "
            + "END AS life FROM (SELECT *, CASE WHEN skaddr IS NOT NULL THEN min(seq) OVER (PARTITION BY filename, skaddr, address_life) "
            + "END AS lifetime_start FROM (SELECT * EXCLUDE (previous_newstate, previous_change_ns), "
            + "CASE WHEN skaddr IS NULL THEN NULL ELSE (1 + sum(CASE WHEN event = 'inet_sock_set_state' "
            + "AND (previous_newstate = 'CLOSE' OR previous_newstate <> oldstate) THEN 1 ELSE 0 END) "
            + "OVER (PARTITION BY filename, skaddr ORDER BY time, seq ROWS UNBOUNDED PRECEDING)) END AS address_life, "
            + "CASE WHEN event = 'inet_sock_set_state' AND previous_change_ns IS NOT NULL AND previous_newstate <> 'CLOSE' "
            + "AND previous_newstate = oldstate THEN epoch_ns(time) - previous_change_ns END AS ns_in_oldstate "
            + "FROM (SELECT *, "
            + "last_value(CASE WHEN event = 'inet_sock_set_state' THEN newstate END IGNORE NULLS) OVER w AS previous_newstate, "
            + "last_value(CASE WHEN event = 'inet_sock_set_state' THEN epoch_ns(time) END IGNORE NULLS) OVER w "
            + "AS previous_change_ns "
            + "FROM ({rows}) "
            + "WINDOW w AS (PARTITION BY filename, skaddr ORDER BY time, seq ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING))))";

    /**
     * Whether a plain scan of raw_events comes out in time order: one file, read as stored (the
     * windows that derive a 1.0 file's lifetimes or a 2.0 file's ns_in_oldstate reorder rows).
     */
    public boolean scansInTimeOrder() {
        return footers.size() == 1 && derivation(footers.get(0)) == Derivation.NONE;
    }

    /**
     * "filename, " to lead a partition or sort key when several traces are open, "" for one: with
     * a single file the key would be a constant string, which costs without ordering anything.
     */
    public String byFile() {
        return footers.size() > 1 ? "filename, " : "";
    }

    /**
     * A file name as a literal that DuckDB's file readers take to be that one file: they expand
     * glob characters in any name (a trace named {@code a?.parquet} would read {@code ab.parquet}
     * too), so each of {@code * ? [} is written as a class of itself, and the whole is a quoted
     * SQL string. File lists cannot be prepared-statement parameters of a view, hence the literal.
     */
    static String fileLiteral(Path path) {
        StringBuilder glob = new StringBuilder();
        for (char c : sqlPath(path).toCharArray()) {
            if (c == '*' || c == '?' || c == '[') {
                glob.append('[').append(c).append(']');
            } else {
                glob.append(c);
            }
        }
        return sqlString(glob.toString());
    }

    /** The trace's path as a SQL string literal, for settings that take paths as they are (no globs). */
    private static String quotedPath(TraceFooter f) {
        return sqlString(sqlPath(f.path()));
    }

    /** Text as a SQL string literal: the one quoting of text from a trace or a file name. */
    private static String sqlString(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    /**
     * For traces from strangers: switches off DuckDB's access to anything but the traces (other
     * files, the network, extensions, other databases), once their views exist, and locks the
     * configuration so that no statement can switch it on again.
     */
    public void confineToTraces() {
        List<String> paths = new ArrayList<>();
        for (TraceFooter f : footers) {
            paths.add(quotedPath(f));
        }
        try (Statement s = connection.createStatement()) {
            s.execute("SET allowed_paths = [" + String.join(", ", paths) + "]");
            s.execute("SET enable_external_access = false");
            s.execute("SET lock_configuration = true");
        } catch (SQLException e) {
            throw new UserError("cannot confine DuckDB to the traces: " + firstLine(e.getMessage()), e);
        }
    }

    /** The path as DuckDB records it in the filename column. */
    static String sqlPath(Path path) {
        return path.toString();
    }

    /** One row per leaf of the metadata document as the file holds it, its path dotted; a format's text whole. */
    private static void flatten(PreparedStatement meta, String file, String prefix, JsonNode value)
            throws SQLException {
        if (value.isObject() && !prefix.equals("tracepoints.formats.")) {
            for (Map.Entry<String, JsonNode> e : value.properties()) {
                flatten(meta, file, prefix + e.getKey() + (e.getValue().isObject() ? "." : ""), e.getValue());
            }
            return;
        }
        meta.setString(1, file);
        meta.setString(2, prefix.endsWith(".") ? prefix.substring(0, prefix.length() - 1) : prefix);
        meta.setString(3, value.isTextual() ? value.asText() : JsonCodec.writeCompact(value));
        meta.addBatch();
    }

    static List<String> viewDefinitions() {
        String text;
        InputStream resource = TraceDatabase.class.getResourceAsStream("/org/tcprec/analyzer/views.sql");
        if (resource == null) {
            throw new IllegalStateException("views.sql is missing from the analyzer");
        }
        try (InputStream in = resource) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("views.sql cannot be read from the analyzer", e);
        }
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\n")) {
            if (line.trim().startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (line.trim().endsWith(";")) {
                statements.add(current.toString());
                current.setLength(0);
            }
        }
        return statements;
    }

    public static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    @Override
    public void close() {
        closeQuietly(connection);
    }
}
