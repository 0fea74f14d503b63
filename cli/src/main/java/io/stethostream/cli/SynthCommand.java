package io.stethostream.cli;

import picocli.CommandLine.Command;

/** Placeholder until the synth command lands. */
@Command(name = "synth", description = "(not yet implemented)")
public final class SynthCommand implements java.util.concurrent.Callable<Integer> {
    @Override
    public Integer call() {
        throw new UnsupportedOperationException("synth is not implemented yet");
    }
}
