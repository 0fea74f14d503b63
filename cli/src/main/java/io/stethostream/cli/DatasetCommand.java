package io.stethostream.cli;

import picocli.CommandLine.Command;

/** Placeholder until the dataset command lands. */
@Command(name = "dataset", description = "(not yet implemented)")
public final class DatasetCommand implements java.util.concurrent.Callable<Integer> {
    @Override
    public Integer call() {
        throw new UnsupportedOperationException("dataset is not implemented yet");
    }
}
