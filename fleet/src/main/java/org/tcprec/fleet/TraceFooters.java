package org.tcprec.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.Type;

/**
 * Finds the traces named by the arguments (a directory, searched recursively, as a fleet laid out
 * in {@code host=NAME/} directories is; a file; or a glob such as {@code 'fleet/host=*}{@code /*.parquet'})
 * on any file system Hadoop reaches, and reads each one's footer on the driver: the rows stay
 * where they are until Spark scans them.
 *
 * <p>The metadata keys and the end-of-recording rule are format-spec/README.md's, as the analyzer's
 * TraceMeta reads them; FleetViewsEqualityTest holds the two {@code traces} tables equal.
 */
public final class TraceFooters {
    static final String FORMAT_VERSION_KEY = "tcprec.format_version";
    static final String METADATA_KEY = "tcprec.metadata";
    private static final ObjectMapper JSON = new ObjectMapper();

    private TraceFooters() {}

    /** The traces, sorted by path; a clear error when an argument names none or a file is not a trace. */
    public static List<FleetTrace> read(List<String> arguments, Configuration conf) {
        List<FleetTrace> traces = new ArrayList<>();
        for (Path file : list(arguments, conf)) {
            traces.add(read(file, conf));
        }
        return traces;
    }

    static List<Path> list(List<String> arguments, Configuration conf) {
        if (arguments.isEmpty()) {
            throw new FleetException("no trace directory, file or glob given");
        }
        List<Path> files = new ArrayList<>();
        for (String argument : arguments) {
            Path path = new Path(argument);
            List<Path> found = new ArrayList<>();
            try {
                FileSystem fs = path.getFileSystem(conf);
                FileStatus[] matches = fs.globStatus(path);
                if (matches != null) {
                    for (FileStatus match : matches) {
                        if (match.isDirectory()) {
                            RemoteIterator<LocatedFileStatus> all = fs.listFiles(match.getPath(), true);
                            while (all.hasNext()) {
                                Path p = all.next().getPath();
                                if (p.getName().endsWith(".parquet") && !hidden(p, match.getPath())) {
                                    found.add(fs.makeQualified(p));
                                }
                            }
                        } else {
                            found.add(fs.makeQualified(match.getPath()));
                        }
                    }
                }
            } catch (IOException e) {
                throw new FleetException("cannot list " + argument + ": " + e.getMessage());
            }
            if (found.isEmpty()) {
                throw new FleetException("no trace file matches " + argument);
            }
            found.sort(null);
            files.addAll(found);
        }
        return files;
    }

    /** Files and directories whose names start with '.' or '_' (journals, _SUCCESS markers) are not traces. */
    private static boolean hidden(Path file, Path root) {
        for (Path p = file; p != null && !p.equals(root); p = p.getParent()) {
            if (p.getName().startsWith(".") || p.getName().startsWith("_")) {
                return true;
            }
        }
        return false;
    }

    static FleetTrace read(Path file, Configuration conf) {
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(file, conf))) {
            FileMetaData footer = reader.getFooter().getFileMetaData();
            Map<String, String> kv = footer.getKeyValueMetaData();
            String version = kv.get(FORMAT_VERSION_KEY);
            if (version == null) {
                throw new FleetException(filename(file) + " is a Parquet file but not a tcprec trace (no "
                        + FORMAT_VERSION_KEY + " in its footer)");
            }
            JsonNode meta = JSON.readTree(kv.getOrDefault(METADATA_KEY, "{}"));
            List<String> columns = new ArrayList<>();
            for (Type field : footer.getSchema().getFields()) {
                columns.add(field.getName());
            }
            JsonNode host = meta.path("host");
            JsonNode uname = host.path("uname");
            JsonNode start = meta.path("clocks").path("start");
            long startRealtime = start.path("realtime_ns").asLong(0);
            Long duration = number(meta.path("recording").path("duration_ns"));
            Long stop = number(meta.path("clocks").path("stop").path("realtime_ns"));
            Long end = stop != null ? stop : duration == null || startRealtime == 0 ? null : startRealtime + duration;
            JsonNode offset = host.path("utc_offset_seconds");
            int utcOffset = offset.isNumber() && Math.abs(offset.asDouble()) <= ZoneOffset.MAX.getTotalSeconds()
                    ? offset.asInt()
                    : 0;
            List<String> missing = new ArrayList<>();
            for (JsonNode name : meta.path("tracepoints").path("missing")) {
                missing.add(name.isTextual() ? name.asText() : name.toString());
            }
            return new FleetTrace(
                    file.toUri().toString(),
                    filename(file),
                    text(host.path("hostname")),
                    text(uname.path("release")),
                    text(uname.path("version")),
                    text(uname.path("machine")),
                    text(host.path("boot_id")),
                    version,
                    reader.getRecordCount(),
                    meta.path("lost_events").path("total").asLong(0),
                    meta.path("recovery").path("recovered").asBoolean(false),
                    missing,
                    startRealtime,
                    start.path("boottime_ns").asLong(0),
                    duration,
                    utcOffset,
                    end,
                    columns);
        } catch (IOException | RuntimeException e) {
            if (e instanceof FleetException f) {
                throw f;
            }
            throw new FleetException(
                    filename(file) + " is not a tcprec trace: not a readable Parquet file (" + e.getMessage() + ")");
        }
    }

    /** A local file as `tcprec sql` names it (its path); any other by its URI. */
    static String filename(Path file) {
        return "file".equals(file.toUri().getScheme()) ? file.toUri().getPath() : file.toString();
    }

    private static String text(JsonNode node) {
        return node.isMissingNode() || node.isNull() ? null : node.isTextual() ? node.asText() : node.toString();
    }

    private static Long number(JsonNode node) {
        return node.isNumber() ? node.asLong() : null;
    }
}
