package io.stethostream.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** What a command run through the real parser returned: its exit code and everything it wrote. */
record CliResult(int code, String out, String err) {

    /** Runs {@code ./stethostream ARGS} in this JVM with captured output. */
    static CliResult run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Stethostream.commandLine(new PrintWriter(out), new PrintWriter(err)).execute(args);
        return new CliResult(code, out.toString(), err.toString());
    }
}
