package io.stethostream.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's first command, for real: embedded broker, the monitoring application with the shipped model, six edge
 * agents (five real SPRSound recordings, one synthetic poor-contact), the retrain-and-redeploy loop, and the summary.
 */
class DemoCommandTest {

    @TempDir
    Path dir;

    @Test
    void demoWithRetrainSwitchesEveryDeviceToTheNewModelWithoutAGap() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Stethostream.commandLine(new PrintWriter(out), new PrintWriter(err)).execute("demo", "--retrain",
                "--duration", "50s", "--status-every", "20s", "--broker-port", "0", "--http-port", "-1",
                "--state-dir", dir.resolve("demo").toString());
        String text = out.toString();
        assertEquals(ExitCodes.OK, code, text + err);
        assertTrue(text.contains("summary after"), text);
        // Every device streamed windows and none has a gap in its window sequence (the summary's "gaps" column).
        Pattern row = Pattern.compile("^  (spr-\\S+|synthetic-poor-contact)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s", Pattern.MULTILINE);
        String summary = text.substring(text.indexOf("summary after"));
        Matcher m = row.matcher(summary);
        int devices = 0;
        while (m.find()) {
            devices++;
            assertTrue(Integer.parseInt(m.group(2)) >= 10, m.group());
            assertEquals("0", m.group(4), "gaps: " + m.group());
        }
        assertEquals(6, devices, summary);
        // The redeployed model reached every device, each switch between two consecutive windows.
        assertTrue(text.contains("RETRAIN  deployed release"), text);
        Matcher sw = Pattern.compile("MODEL\\s+(\\S+)\\s+\\S+ -> demo-retrain-\\d+ .*: no gap\\)").matcher(summary);
        int switched = 0;
        while (sw.find()) {
            switched++;
        }
        assertEquals(6, switched, summary);
        assertTrue(!summary.contains("GAP"), summary);
        // The shipped model on the demo's inter-patient test recordings: the wheeze recording raises a wheeze alert, the
        // crackle recording a crackle alert, the normal one none (lines of the fine-tuned demo release, which swaps in
        // late, are not the shipped model's).
        assertTrue(Pattern.compile("ALERT .* spr-65118898-p1-4170 RAISED +wheezes .*\\[(?!demo-retrain)")
                .matcher(text).find(), text);
        assertTrue(Pattern.compile("ALERT .* spr-65121853-p4-4225 RAISED +crackles .*\\[(?!demo-retrain)")
                .matcher(text).find(), text);
        assertFalse(Pattern.compile("ALERT .* spr-40890405-p4-3668 RAISED .*\\[(?!demo-retrain)").matcher(text).find(),
                text);
        // The synthetic poor-contact device raised a poor-signal alert.
        assertTrue(summary.matches("(?s).*synthetic-poor-contact.*poor_signal raised=\\d+.*"), summary);
        assertTrue(Files.isRegularFile(dir.resolve("demo").resolve(".stethostream-demo")));
    }

    @Test
    void aForeignNonEmptyStateFolderIsNotEmptied() throws Exception {
        Files.writeString(dir.resolve("precious.txt"), "keep");
        StringWriter err = new StringWriter();
        int code = Stethostream.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(err)).execute("demo",
                "--duration", "1s", "--state-dir", dir.toString());
        assertEquals(ExitCodes.BAD_INPUT, code, err.toString());
        assertTrue(Files.exists(dir.resolve("precious.txt")));
    }
}
