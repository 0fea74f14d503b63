package io.stethostream.cli;

import io.stethostream.ingest.dataset.IcbhiDataset;
import io.stethostream.ingest.features.FeatureSpec;
import io.stethostream.streams.models.ModelPublisher;
import io.stethostream.streams.models.ModelRefusedException;
import io.stethostream.streams.models.ModelRelease;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Properties;

/**
 * The demo's retrain-and-redeploy loop, with the real commands: fine-tune the shipped model briefly ({@code train
 * --init-from}), export it ({@code export --verify}), and publish it as a release the running stream swaps in. Training
 * and export run as child processes: the JVM that serves the stream never loads DJL.
 */
final class DemoRetrain {

    private final Path data;
    private final Path verifyAudio;
    private final FeatureSpec served;
    private final Path initialWeights;
    private final Path workDir;
    private final PrintWriter out;

    /**
     * @param data           an SPRSound- or ICBHI-layout folder to fine-tune on (the demo recordings by default)
     * @param verifyAudio    a recording whose windows the export checks DJL against ONNX Runtime on
     * @param served         the served model's front end: the fine-tuned model keeps its window (to be swapped in)
     *                       and its normalisation (what the shipped weights were trained with)
     * @param initialWeights the shipped model's training weights
     * @param workDir        where the run and the exported file go
     */
    DemoRetrain(Path data, Path verifyAudio, FeatureSpec served, Path initialWeights, Path workDir, PrintWriter out) {
        this.data = data;
        this.verifyAudio = verifyAudio;
        this.served = served;
        this.initialWeights = initialWeights;
        this.workDir = workDir;
        this.out = out;
    }

    /** Runs the loop; returns the release deployed. */
    ModelRelease run(Properties client) throws IOException {
        String version = "demo-retrain-" + LocalTime.now().format(DateTimeFormatter.ofPattern("HHmmss"));
        Path run = workDir.resolve(version);
        say("fine-tuning the shipped model for 2 epochs on " + data + " (1 thread, in a separate JVM) ...");
        String dataset = Files.isDirectory(data.resolve(IcbhiDataset.RECORDINGS_FOLDER)) ? "icbhi" : "sprsound";
        step("train", "--dataset", dataset, "--root", data.toString(), "--preset", "tiny", "--depth", "4",
                "--stride", "16", "--window-seconds", Double.toString(served.windowSeconds()),
                "--norm=" + served.normMean() + "," + served.normStd(), "--epochs", "2", "--lr", "1e-4",
                "--method", "ce", "--validation-fraction", "0", "--batch-size", "4", "--threads", "1", "--init-from",
                initialWeights.toString(), "--out", run.toString());
        Path file = run.resolve("model.onnx");
        say("exporting " + file + " (version " + version + ") and checking it against DJL ...");
        step("export", "--checkpoint", run.toString(), "--weights", "last", "--name", "stethostream-demo-retrain",
                "--model-version", version, "--out", file.toString(), "--verify", "--verify-audio",
                verifyAudio.toString());
        ModelRelease release;
        try {
            release = new ModelPublisher(client).deploy(file);
        } catch (ModelRefusedException e) {
            throw new IOException("the exported model is not servable: " + e.getMessage(), e);
        }
        say("deployed release " + release.shortId() + " (" + release.modelVersion() + "); the stream swaps it in "
                + "between windows while the agents keep streaming");
        return release;
    }

    /**
     * One CLI command in a child JVM with this process's classpath: training and export load DJL and PyTorch, which the
     * process that serves the stream must not. The output goes to a log file, shown only if the command fails.
     */
    private void step(String... args) throws IOException {
        Files.createDirectories(workDir);
        Path log = workDir.resolve(args[0] + ".log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx3g", "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
                Stethostream.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            int code = p.waitFor();
            if (code != ExitCodes.OK) {
                List<String> lines = Files.readAllLines(log);
                throw new IOException("`" + args[0] + "` failed (exit " + code + "), last lines of " + log + ":\n"
                        + String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())));
            }
        } catch (InterruptedException e) {
            p.destroy();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted during `" + args[0] + "`", e);
        }
    }

    private void say(String line) {
        synchronized (out) {
            out.println("RETRAIN  " + line);
            out.flush();
        }
    }
}
