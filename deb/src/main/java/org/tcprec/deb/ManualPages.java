package org.tcprec.deb;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.tcprec.cli.Main;
import org.tcprec.cli.RecorderMain;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * Writes a package's man pages (AsciiDoc, which the build turns into troff) and its bash
 * completion from the same picocli model the command runs with, so neither can drift from the
 * options.
 *
 * <p>Arguments: {@code full|recorder}, the directory for the AsciiDoc pages, the completion file,
 * and the pages' source line (the man footer has room for "tcprec VERSION", not the commit).
 */
public final class ManualPages {
    /**
     * An emphasised parameter label with brackets in it, as ManPageGenerator writes
     * {@code --owner=USER[:GROUP]}: {@code _USER[:GROUP]_}.
     */
    private static final Pattern BRACKETED_LABEL = Pattern.compile("_([^_\\s\\[]*)\\[([^_\\s\\]]*)\\]([^_\\s]*)_");

    private ManualPages() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            throw new IllegalArgumentException("usage: ManualPages full|recorder ADOC_DIR COMPLETION_FILE SOURCE");
        }
        CommandLine cl = switch (args[0]) {
            case "full" -> Main.commandLine();
            case "recorder" -> RecorderMain.commandLine();
            default -> throw new IllegalArgumentException("no package " + args[0]);
        };
        cl.getCommandSpec().version(args[3]);
        cl.getSubcommands().values().forEach(sub -> sub.getCommandSpec().version(args[3]));
        int exit =
                ManPageGenerator.generateManPage(new File(args[1]), null, new boolean[0], false, cl.getCommandSpec());
        if (exit != CommandLine.ExitCode.OK) {
            throw new IOException("man page generation failed with exit code " + exit);
        }
        try (Stream<Path> pages = Files.list(Path.of(args[1]))) {
            for (Path page : pages.filter(p -> p.toString().endsWith(".adoc")).toList()) {
                Files.writeString(page, escapeBracketedLabels(Files.readString(page)));
            }
        }
        Path completion = Path.of(args[2]);
        Path completionDir = completion.getParent();
        if (completionDir != null) {
            Files.createDirectories(completionDir);
        }
        Files.writeString(completion, AutoComplete.bash("tcprec", cl));
    }

    /**
     * Asciidoctor reads "[...]" right before an emphasis as that emphasis' attribute list, so
     * {@code _USER[:GROUP]_] [*-p*=_PID_]} lost the label and emphasised the options after it.
     * Attribute references stand for the brackets instead: they are replaced after the emphasis
     * is parsed.
     */
    static String escapeBracketedLabels(String asciiDoc) {
        return BRACKETED_LABEL.matcher(asciiDoc).replaceAll("_$1{startsb}$2{endsb}$3_");
    }
}
