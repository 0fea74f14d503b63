package io.stethostream.cli;

import io.stethostream.ingest.audio.AudioFormatException;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.NoSuchFileException;

/** Named exit codes shared by every subcommand, and the mapping from exceptions to them. */
public final class ExitCodes {
    public static final int OK = 0;
    /** Internal error: a bug, reported with its stack trace. */
    public static final int SOFTWARE = 1;
    /** Bad command line (picocli's own code). */
    public static final int USAGE = 2;
    /** An input file is missing, unreadable or malformed. */
    public static final int BAD_INPUT = 3;
    /** Writing an output failed. */
    public static final int IO_ERROR = 4;

    private ExitCodes() {
    }

    /** Prints a one-line reason for expected failures (bad input, I/O) and the stack trace for anything else. */
    static final class ExceptionMapper implements CommandLine.IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parseResult) {
            var err = cl.getErr();
            if (ex instanceof AudioFormatException || ex instanceof NoSuchFileException
                    || ex instanceof InvalidInputException) {
                err.println("error: " + describe(ex));
                return BAD_INPUT;
            }
            if (ex instanceof IOException) {
                err.println("error: " + describe(ex));
                return IO_ERROR;
            }
            ex.printStackTrace(err);
            return SOFTWARE;
        }

        private static String describe(Exception ex) {
            if (ex instanceof NoSuchFileException nsf) {
                return "no such file: " + nsf.getFile();
            }
            return ex.getMessage();
        }
    }
}
