package io.stethostream.cli;

import picocli.CommandLine.Command;

/** Placeholder until the features command lands. */
@Command(name = "features", description = "(not yet implemented)")
public final class FeaturesCommand implements java.util.concurrent.Callable<Integer> {
    @Override
    public Integer call() {
        throw new UnsupportedOperationException("features is not implemented yet");
    }
}
