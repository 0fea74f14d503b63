package io.stethostream.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.io.StringWriter;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every command's --help renders without picocli's format warning: a lone '%' in a description ("3% faster") is a
 * format error, which picocli reports on stderr before printing the text unformatted.
 */
class HelpTextTest {

    @Test
    void everyCommandsHelpRendersWithoutAFormatWarning() {
        PrintStream saved = System.err;
        ByteArrayOutputStream warnings = new ByteArrayOutputStream();
        System.setErr(new PrintStream(warnings, true, StandardCharsets.UTF_8));
        try {
            renderEveryHelp();
        } finally {
            System.setErr(saved);
        }
        String err = warnings.toString(StandardCharsets.UTF_8);
        assertFalse(err.contains("Could not format"), err);
    }

    private static void renderEveryHelp() {
        CommandLine root = Stethostream.commandLine(new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()));
        Map<String, CommandLine> commands = root.getSubcommands();
        assertTrue(commands.size() > 10, commands.keySet().toString());
        for (Map.Entry<String, CommandLine> c : commands.entrySet()) {
            StringWriter help = new StringWriter();
            c.getValue().usage(new PrintWriter(help));
            String text = help.toString();
            assertTrue(text.contains("Usage: stethostream " + c.getKey()), c.getKey() + ":\n" + text);
        }
    }
}
