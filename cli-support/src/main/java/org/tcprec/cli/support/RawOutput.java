package org.tcprec.cli.support;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The byte stream under a command's PrintWriter, when there is one: reports that print
 * millions of lines format them as bytes, and going through a Writer would encode every char
 * again. Main registers standard output; anywhere else (tests capture into a StringWriter)
 * there is none and the bytes go through the Writer as text.
 */
public final class RawOutput {
    private static final Map<PrintWriter, OutputStream> STREAMS = Collections.synchronizedMap(new WeakHashMap<>());

    private RawOutput() {}

    public static void register(PrintWriter writer, OutputStream raw) {
        STREAMS.put(writer, raw);
    }

    /** The stream that writer writes to, or null. */
    public static OutputStream of(PrintWriter writer) {
        return STREAMS.get(writer);
    }

    /**
     * The stream that writer writes to, or else a stream that writes UTF-8 bytes to it as text;
     * each write must hold whole characters (a line, or what an OutputStreamWriter hands on).
     */
    public static OutputStream orText(PrintWriter writer) {
        OutputStream raw = of(writer);
        return raw != null
                ? raw
                : new OutputStream() {
                    @Override
                    public void write(int b) {
                        write(new byte[] {(byte) b}, 0, 1);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) {
                        writer.write(new String(b, off, len, StandardCharsets.UTF_8));
                    }

                    @Override
                    public void flush() {
                        writer.flush();
                    }
                };
    }
}
