package io.stethostream.cli;

import io.stethostream.streams.models.ModelPublisher;
import io.stethostream.streams.models.ModelRefusedException;
import io.stethostream.streams.models.ModelRelease;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code stethostream deploy --model FILE}: publish a model release; every running instance checks and swaps it in. */
@Command(name = "deploy", mixinStandardHelpOptions = true,
        description = {"Publish a model to stethoscope.models. Each running instance verifies its checksum, checks that "
                + "it meets the running feature contract, runs a canary inference and swaps it in between windows; a "
                + "model that fails is refused and the previous one keeps serving.",
                "Prints what each instance did (within --wait)."})
public final class DeployCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "The .onnx file to deploy.")
    Path model;

    @Option(names = "--wait", defaultValue = "20s", paramLabel = "DURATION",
            description = "How long to wait for instances to report (e.g. 20s, 0 to not wait; default ${DEFAULT-VALUE}).")
    String wait;

    @Override
    public Integer call() throws IOException {
        if (!Files.isRegularFile(model)) {
            throw new InvalidInputException("no model file at " + model.toAbsolutePath());
        }
        Duration timeout = RollbackCommand.duration(wait);
        PrintWriter out = spec.commandLine().getOut();
        ModelRelease release;
        try {
            release = new ModelPublisher(kafka.client()).deploy(model);
        } catch (ModelRefusedException e) {
            throw new InvalidInputException("refusing to deploy " + model + ": " + e.getMessage(), e);
        }
        out.printf(Locale.ROOT, "deployed %s %s as release %s (%d bytes in %d chunks)%n", release.modelName(),
                release.modelVersion(), release.shortId(), release.size(), release.chunks());
        out.flush();
        return RollbackCommand.report(kafka, release.sha256(), timeout, out);
    }
}
