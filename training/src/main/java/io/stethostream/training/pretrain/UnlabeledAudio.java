package io.stethostream.training.pretrain;

import io.stethostream.ingest.audio.AudioClip;
import io.stethostream.ingest.audio.AudioFiles;
import io.stethostream.ingest.audio.Resampling;
import io.stethostream.ingest.cycles.CyclePreparer;
import io.stethostream.ingest.dataset.IcbhiDataset;
import io.stethostream.ingest.dataset.IcbhiRecording;
import io.stethostream.ingest.dataset.ScanProgress;
import io.stethostream.ingest.dataset.Split;
import io.stethostream.ingest.dataset.SprSoundDataset;
import io.stethostream.ingest.dataset.SprSoundRecording;
import io.stethostream.ingest.dataset.SprSoundSet;
import io.stethostream.ingest.features.FeatureSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * The unlabeled recordings pretraining learns from, decoded once, resampled to the model rate and faded in and out
 * (as the labelled loader does), and the random window-length crops drawn from them.
 *
 * <p>Sources: any folders of WAV/FLAC files (searched recursively; other files are ignored), and by option the
 * training recordings of the datasets (ICBHI's official train split, SPRSound 2022's training set; never a test
 * split). A file that cannot be decoded is skipped and reported, never fatal: a hospital's archive always holds a few.
 */
public final class UnlabeledAudio {

    /** One decoded recording at the model rate. */
    public record Recording(String source, float[] samples) {
    }

    /** A file left out, and why. */
    public record Skipped(Path file, String reason) {
    }

    /** What was loaded and what was skipped. */
    public record Loaded(List<Recording> recordings, List<Skipped> skipped) {
        public double seconds(int sampleRate) {
            return recordings.stream().mapToLong(r -> r.samples().length).sum() / (double) sampleRate;
        }
    }

    private UnlabeledAudio() {
    }

    /** The audio files under a folder, recursively, in name order; a missing or empty folder is an error. */
    public static List<Path> audioFilesIn(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("audio folder does not exist: " + dir.toAbsolutePath());
        }
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(Files::isRegularFile).filter(UnlabeledAudio::looksLikeAudio).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no .wav or .flac files in " + dir.toAbsolutePath());
        }
        return files;
    }

    /** ICBHI recordings of the official train split that have audio. */
    public static List<Path> icbhiTrainFiles(Path root) throws IOException {
        List<Path> files = new ArrayList<>();
        for (IcbhiRecording r : IcbhiDataset.load(root).recordings(Split.TRAIN)) {
            r.audio().ifPresent(files::add);
        }
        return files;
    }

    /** SPRSound 2022 training recordings (all of them, Poor Quality included: no label is used). */
    public static List<Path> sprsoundTrainFiles(Path root) throws IOException {
        List<Path> files = new ArrayList<>();
        for (SprSoundRecording r : SprSoundDataset.load(root).recordings(SprSoundSet.TRAIN_2022)) {
            r.audio().ifPresent(files::add);
        }
        return files;
    }

    /** Decodes the files with two threads; the result keeps the files' order. */
    public static Loaded load(List<Path> files, FeatureSpec spec, ScanProgress progress) throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "pretrain-decode");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Object>> futures = new ArrayList<>();
            for (Path f : files) {
                futures.add(pool.submit(() -> decode(f, spec)));
            }
            List<Recording> recordings = new ArrayList<>();
            List<Skipped> skipped = new ArrayList<>();
            for (int i = 0; i < futures.size(); i++) {
                Object r = futures.get(i).get();
                if (r instanceof Recording rec) {
                    recordings.add(rec);
                } else {
                    skipped.add((Skipped) r);
                }
                progress.update(i + 1, files.size());
            }
            return new Loaded(recordings, skipped);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while decoding");
        } catch (ExecutionException e) {
            throw new IOException("decoding failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private static Object decode(Path file, FeatureSpec spec) {
        try {
            AudioClip clip = Resampling.resample(AudioFiles.read(file), spec.sampleRate());
            if (clip.length() < spec.sampleRate() / 2) {
                return new Skipped(file, String.format(Locale.ROOT, "only %.2f s of audio (need 0.5 s)",
                        clip.durationSeconds()));
            }
            int fade = (int) Math.round(spec.fadeSeconds() * spec.sampleRate());
            return new Recording(file.toString(), CyclePreparer.fadeInOut(clip.samples(), fade));
        } catch (IOException | RuntimeException e) {
            return new Skipped(file, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    private static boolean looksLikeAudio(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".wav") || n.endsWith(".flac");
    }

    /**
     * Draws window-length crops: a recording with probability proportional to its length, then a uniform start;
     * a recording shorter than the window is tiled to length as cycles are.
     */
    public static final class Crops {
        private final List<Recording> recordings;
        private final long[] cumulative;
        private final int length;
        private final CyclePreparer preparer;

        public Crops(List<Recording> recordings, FeatureSpec spec) {
            if (recordings.isEmpty()) {
                throw new IllegalArgumentException("no recordings to pretrain on");
            }
            this.recordings = recordings;
            this.preparer = new CyclePreparer(spec);
            this.length = (int) Math.round(spec.windowSeconds() * spec.sampleRate());
            this.cumulative = new long[recordings.size()];
            long sum = 0;
            for (int i = 0; i < recordings.size(); i++) {
                sum += recordings.get(i).samples().length;
                cumulative[i] = sum;
            }
        }

        /** One crop of exactly the window length. */
        public float[] next(Random random) {
            long at = (long) (random.nextDouble() * cumulative[cumulative.length - 1]);
            int i = java.util.Arrays.binarySearch(cumulative, at + 1); // the first recording ending past at
            if (i < 0) {
                i = -i - 1;
            }
            float[] s = recordings.get(i).samples();
            if (s.length <= length) {
                return preparer.fitToLength(s);
            }
            int start = random.nextInt(s.length - length + 1);
            float[] crop = new float[length];
            System.arraycopy(s, start, crop, 0, length);
            return crop;
        }
    }
}
