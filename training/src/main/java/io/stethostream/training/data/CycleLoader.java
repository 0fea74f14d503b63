package io.stethostream.training.data;

import io.stethostream.ingest.audio.AudioClip;
import io.stethostream.ingest.audio.AudioFiles;
import io.stethostream.ingest.audio.AudioFormatException;
import io.stethostream.ingest.audio.Resampling;
import io.stethostream.ingest.cycles.CyclePreparer;
import io.stethostream.ingest.cycles.SlidingWindows;
import io.stethostream.ingest.cycles.WindowLabeler;
import io.stethostream.ingest.dataset.Cycle;
import io.stethostream.ingest.dataset.IcbhiDataset;
import io.stethostream.ingest.dataset.IcbhiRecording;
import io.stethostream.ingest.dataset.ScanProgress;
import io.stethostream.ingest.dataset.Split;
import io.stethostream.ingest.dataset.SprSoundDataset;
import io.stethostream.ingest.dataset.SprSoundRecording;
import io.stethostream.ingest.dataset.SprSoundSet;
import io.stethostream.ingest.features.FeatureSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Loads the labelled cycles of a training run, decoded and sliced at the model rate (spec section 1).
 *
 * <ul>
 *   <li>ICBHI: the official split; recordings whose audio is present only (this copy of the database may be partial;
 *       those without audio are counted in the log, not reported as skipped). A recording with audio that the split
 *       file does not assign is skipped and reported.</li>
 *   <li>SPRSound: {@link SprSoundSet#TRAIN_2022} is the training set and {@link SprSoundSet#INTER_TEST_2022} (patients
 *       not seen in training, the harder and honest test) the test set; the events are the cycles, labelled by
 *       {@link io.stethostream.ingest.dataset.SprSoundEventType}. Recordings labelled Poor Quality and recordings
 *       without audio are skipped and reported.</li>
 *   <li>Both databases: a cycle that holds no audio (it starts at or past the end of its recording) is skipped and
 *       reported; one that starts inside and ends past the audio is clipped, as the reference's slicing does.</li>
 * </ul>
 *
 * <p>Decoding is the slow part, so recordings are decoded by {@value #DECODING_THREADS} threads; the result is in a
 * fixed order regardless: ICBHI recordings by name, then SPRSound recordings by name, each with its cycles in file order.
 */
public final class CycleLoader {

    /** Threads that decode audio in parallel. */
    public static final int DECODING_THREADS = 2;

    private static final Logger LOG = LoggerFactory.getLogger(CycleLoader.class);

    /** Why cycles were left out. */
    public enum SkipReason {
        /** SPRSound recording labelled Poor Quality: all its events. */
        POOR_QUALITY,
        /** The recording's audio file is missing (reported for SPRSound only, see the class comment). */
        NO_AUDIO,
        /** ICBHI recording with audio that the official split file does not assign to train or test. */
        NO_SPLIT,
        /** The cycle starts at or past the end of the audio. */
        OUTSIDE_AUDIO,
        /** With {@link TrainingUnits#WINDOWS}: a window that no annotated span overlaps enough to label it. */
        UNLABELLED_WINDOW
    }

    /**
     * Cycles left out.
     *
     * @param dataset   {@value LabelledCycle#ICBHI} or {@value LabelledCycle#SPRSOUND}
     * @param recording the recording's name
     * @param index     the cycle's index in its recording, or -1 when the whole recording was left out
     * @param cycles    how many cycles were left out (1 for a single cycle)
     * @param reason    why
     * @param detail    a readable explanation
     */
    public record Skipped(String dataset, String recording, int index, int cycles, SkipReason reason, String detail) {
    }

    /**
     * The loaded cycles.
     *
     * @param train   training cycles (validation is carved from them by {@link ValidationSplit})
     * @param test    test cycles
     * @param skipped what was left out, in load order
     */
    public record Splits(List<LabelledCycle> train, List<LabelledCycle> test, List<Skipped> skipped) {

        public Splits {
            train = List.copyOf(train);
            test = List.copyOf(test);
            skipped = List.copyOf(skipped);
        }

        /** Splits with nothing skipped. */
        public Splits(List<LabelledCycle> train, List<LabelledCycle> test) {
            this(train, test, List.of());
        }

        /** Cycles left out, summed per reason (reasons with none are absent). */
        public Map<SkipReason, Integer> skippedCycles() {
            Map<SkipReason, Integer> m = new EnumMap<>(SkipReason.class);
            skipped.forEach(s -> m.merge(s.reason(), s.cycles(), Integer::sum));
            return m;
        }

        /** Recordings left out whole, counted per reason (reasons with none are absent). */
        public Map<SkipReason, Integer> skippedRecordings() {
            Map<SkipReason, Integer> m = new EnumMap<>(SkipReason.class);
            skipped.stream().filter(s -> s.index() < 0).forEach(s -> m.merge(s.reason(), 1, Integer::sum));
            return m;
        }

        /** Bytes held by the cycles' samples (4 per float, array headers not counted). */
        public long sampleBytes() {
            long n = 0;
            for (List<LabelledCycle> l : List.of(train, test)) {
                for (LabelledCycle c : l) {
                    n += c.samples().length;
                }
            }
            return 4 * n;
        }
    }

    private CycleLoader() {
    }

    /**
     * Loads, decodes and slices the chosen database(s).
     *
     * @param icbhiRoot    the ICBHI database folder; may be null when {@code choice} is {@link DatasetChoice#SPRSOUND}
     * @param sprsoundRoot the SPRSound folder; may be null when {@code choice} is {@link DatasetChoice#ICBHI}
     * @param progress     told after each recording is decoded (recordings done, recordings to decode), from the
     *                     calling thread
     * @throws IOException naming the file when a database is malformed or an audio file cannot be decoded
     */
    public static Splits load(DatasetChoice choice, Path icbhiRoot, Path sprsoundRoot, FeatureSpec spec,
                              ScanProgress progress) throws IOException {
        return load(choice, icbhiRoot, sprsoundRoot, spec, TrainingUnits.EVENTS, progress);
    }

    /**
     * Loads, decodes and cuts the chosen database(s) into {@code units}: annotated events (as
     * {@link #load(DatasetChoice, Path, Path, FeatureSpec, ScanProgress)}) or the stream's windows of the spec's length
     * and hop, labelled by the spans they overlap; windows that no span counts for are skipped
     * ({@link SkipReason#UNLABELLED_WINDOW}), and a recording shorter than one window is one example, fitted later.
     */
    public static Splits load(DatasetChoice choice, Path icbhiRoot, Path sprsoundRoot, FeatureSpec spec,
                              TrainingUnits units, ScanProgress progress) throws IOException {
        Objects.requireNonNull(choice, "choice");
        Objects.requireNonNull(units, "units");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(progress, "progress");
        List<Job> jobs = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        if (choice.includesIcbhi()) {
            icbhiJobs(IcbhiDataset.load(Objects.requireNonNull(icbhiRoot, "icbhiRoot")), jobs, skipped);
        }
        if (choice.includesSprSound()) {
            sprSoundJobs(SprSoundDataset.load(Objects.requireNonNull(sprsoundRoot, "sprsoundRoot")), jobs, skipped);
        }

        CyclePreparer preparer = new CyclePreparer(spec);
        List<LabelledCycle> train = new ArrayList<>();
        List<LabelledCycle> test = new ArrayList<>();
        AtomicInteger threadNumber = new AtomicInteger();
        ThreadFactory threads = r -> {
            Thread t = new Thread(r, "cycle-decoder-" + threadNumber.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        ExecutorService pool = Executors.newFixedThreadPool(DECODING_THREADS, threads);
        try {
            List<Future<Decoded>> futures = new ArrayList<>(jobs.size());
            for (Job job : jobs) {
                futures.add(pool.submit(() -> switch (units) {
                    case WINDOWS -> decodeWindows(job, spec);
                    case CONTEXT -> decode(job, spec, preparer, true);
                    case EVENTS -> decode(job, spec, preparer, false);
                }));
            }
            for (int i = 0; i < jobs.size(); i++) {
                Decoded d = await(futures.get(i), jobs.get(i));
                (jobs.get(i).train() ? train : test).addAll(d.cycles());
                skipped.addAll(d.skipped());
                progress.update(i + 1, jobs.size());
            }
        } finally {
            pool.shutdownNow();
        }
        Splits splits = new Splits(train, test, skipped);
        LOG.info("{}: {} recordings decoded, {} train and {} test cycles ({} MB of samples); skipped: recordings {},"
                        + " cycles {}", choice.label(), jobs.size(), train.size(), test.size(),
                splits.sampleBytes() >> 20, splits.skippedRecordings(), splits.skippedCycles());
        return splits;
    }

    /** One recording to decode and slice. */
    private record Job(String dataset, String recording, String patient, Path audio, List<Cycle> cycles,
                       boolean train) {
    }

    private record Decoded(List<LabelledCycle> cycles, List<Skipped> skipped) {
    }

    private static void icbhiJobs(IcbhiDataset dataset, List<Job> jobs, List<Skipped> skipped) {
        int withoutAudio = 0;
        for (IcbhiRecording r : dataset.recordings()) {
            if (r.audio().isEmpty()) {
                withoutAudio++;
                continue;
            }
            if (r.split().isEmpty()) {
                skipped.add(new Skipped(LabelledCycle.ICBHI, r.name(), -1, r.cycles().size(), SkipReason.NO_SPLIT,
                        "not assigned to train or test by " + dataset.root().resolve("ICBHI_challenge_train_test.txt")));
                continue;
            }
            jobs.add(new Job(LabelledCycle.ICBHI, r.name(),
                    LabelledCycle.patientKey(LabelledCycle.ICBHI, Integer.toString(r.patientId())), r.audio().get(),
                    r.cycles(), r.split().get() == Split.TRAIN));
        }
        if (withoutAudio > 0) {
            LOG.info("icbhi: {} of {} recordings have no audio in {} and are not used", withoutAudio,
                    dataset.recordings().size(), dataset.root());
        }
    }

    private static void sprSoundJobs(SprSoundDataset dataset, List<Job> jobs, List<Skipped> skipped) {
        for (SprSoundSet set : List.of(SprSoundSet.TRAIN_2022, SprSoundSet.INTER_TEST_2022)) {
            for (SprSoundRecording r : dataset.recordings(set)) {
                if (r.isPoorQuality()) {
                    skipped.add(new Skipped(LabelledCycle.SPRSOUND, r.name(), -1, r.events().size(),
                            SkipReason.POOR_QUALITY, set.label() + " recording labelled Poor Quality"));
                } else if (r.audio().isEmpty()) {
                    skipped.add(new Skipped(LabelledCycle.SPRSOUND, r.name(), -1, r.events().size(),
                            SkipReason.NO_AUDIO, set.label() + " recording without its audio file"));
                } else {
                    jobs.add(new Job(LabelledCycle.SPRSOUND, r.name(),
                            LabelledCycle.patientKey(LabelledCycle.SPRSOUND, r.patientId()), r.audio().get(),
                            r.cycles(), set == SprSoundSet.TRAIN_2022));
                }
            }
        }
    }

    private static AudioClip decodeClip(Job job, FeatureSpec spec) throws IOException {
        try {
            return Resampling.resample(AudioFiles.read(job.audio()), spec.sampleRate());
        } catch (AudioFormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new IOException(job.audio() + ": cannot decode: " + e.getMessage(), e);
        }
    }

    /** The recording's events, each cut as its own span ({@code inContext} false) or as the window centred on it. */
    private static Decoded decode(Job job, FeatureSpec spec, CyclePreparer preparer, boolean inContext)
            throws IOException {
        AudioClip clip = decodeClip(job, spec);
        List<Cycle> kept = new ArrayList<>(job.cycles().size());
        List<Integer> keptIndex = new ArrayList<>(job.cycles().size());
        List<Skipped> skipped = new ArrayList<>();
        for (int i = 0; i < job.cycles().size(); i++) {
            Cycle c = job.cycles().get(i);
            if (preparer.holdsAudio(clip.length(), c)) {
                kept.add(c);
                keptIndex.add(i);
            } else {
                skipped.add(new Skipped(job.dataset(), job.recording(), i, 1, SkipReason.OUTSIDE_AUDIO,
                        String.format(java.util.Locale.ROOT, "%.3f-%.3f s, the audio lasts %.3f s", c.start(),
                                c.end(), clip.durationSeconds())));
            }
        }
        List<float[]> slices = inContext ? centredWindows(clip, kept, spec.windowSamples())
                : preparer.slices(clip, kept);
        List<LabelledCycle> out = new ArrayList<>(kept.size());
        for (int k = 0; k < kept.size(); k++) {
            Cycle c = kept.get(k);
            out.add(new LabelledCycle(job.dataset(), job.recording(), job.patient(), keptIndex.get(k), c.start(),
                    c.end(), c.label(), slices.get(k)));
        }
        return new Decoded(out, skipped);
    }

    /**
     * For each event, the window of {@code length} samples centred on it, moved inside the recording where the event
     * lies near an end, not faded (as the stream cuts windows); a recording shorter than a window gives its whole
     * audio, fitted later like a cycle.
     */
    static List<float[]> centredWindows(AudioClip clip, List<Cycle> events, int length) {
        int rate = clip.sampleRate();
        List<float[]> out = new ArrayList<>(events.size());
        for (Cycle c : events) {
            if (clip.length() <= length) {
                out.add(clip.samples().clone());
                continue;
            }
            long centre = Math.round((c.start() + Math.min(c.end(), clip.durationSeconds())) / 2 * rate);
            int from = (int) Math.max(0, Math.min(clip.length() - length, centre - length / 2));
            out.add(Arrays.copyOfRange(clip.samples(), from, from + length));
        }
        return out;
    }

    /** The recording cut as the stream cuts it: full windows at the hop from its start, not faded. */
    private static Decoded decodeWindows(Job job, FeatureSpec spec) throws IOException {
        AudioClip clip = decodeClip(job, spec);
        int rate = spec.sampleRate();
        List<LabelledCycle> out = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        List<SlidingWindows.Window> windows = SlidingWindows.over(clip.durationSeconds(), spec.windowSeconds(),
                spec.hopSamples() / (double) rate, job.cycles(), new WindowLabeler());
        if (windows.isEmpty() && clip.length() > 0) {
            windows = List.of(new SlidingWindows.Window(0, 0, clip.durationSeconds(),
                    new WindowLabeler().label(0, clip.durationSeconds(), job.cycles())));
        }
        for (SlidingWindows.Window w : windows) {
            if (w.label().isEmpty()) {
                skipped.add(new Skipped(job.dataset(), job.recording(), w.index(), 1, SkipReason.UNLABELLED_WINDOW,
                        String.format(java.util.Locale.ROOT, "%.3f-%.3f s overlaps no annotated span enough",
                                w.start(), w.end())));
                continue;
            }
            int from = (int) Math.round(w.start() * rate);
            int to = Math.min(clip.length(), from + spec.windowSamples());
            out.add(new LabelledCycle(job.dataset(), job.recording(), job.patient(), w.index(), w.start(), w.end(),
                    w.label().get(), Arrays.copyOfRange(clip.samples(), from, to)));
        }
        return new Decoded(out, skipped);
    }

    private static Decoded await(Future<Decoded> future, Job job) throws IOException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while decoding " + job.audio());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof UncheckedIOException u) {
                throw u.getCause();
            }
            throw new IOException(job.audio() + ": " + cause, cause);
        }
    }
}
