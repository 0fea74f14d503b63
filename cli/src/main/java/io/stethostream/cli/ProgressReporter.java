package io.stethostream.cli;

import io.stethostream.ingest.dataset.ScanProgress;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintWriter;

/**
 * Shows a dataset scan's progress as a text progress bar on the command's error writer, so standard output stays
 * clean for tables and JSON. The bar starts at the first update, when the total is known.
 */
final class ProgressReporter implements ScanProgress, AutoCloseable {

    private static final int WIDTH = 80;

    private final PrintWriter err;
    private final String task;
    private ProgressBar bar;

    ProgressReporter(PrintWriter err, String task) {
        this.err = err;
        this.task = task;
    }

    @Override
    public void update(int done, int total) {
        if (bar == null) {
            // ASCII style: no colour codes or block glyphs in logs and CI output.
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(100).setConsumer(new WriterConsumer(err)).build();
        }
        bar.maxHint(total);
        bar.stepTo(done);
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }

    /** Redraws the bar in place with a carriage return, and ends the line when the bar closes. */
    static final class WriterConsumer implements ProgressBarConsumer {
        private final PrintWriter err;
        private final int width;

        WriterConsumer(PrintWriter err) {
            this(err, WIDTH);
        }

        WriterConsumer(PrintWriter err, int width) {
            this.err = err;
            this.width = width;
        }

        @Override
        public int getMaxRenderedLength() {
            return width;
        }

        @Override
        public void accept(String rendered) {
            synchronized (err) {
                err.print('\r');
                err.print(rendered);
                err.flush();
            }
        }

        @Override
        public void close() {
            synchronized (err) {
                err.println();
                err.flush();
            }
        }
    }
}
