package io.stethostream.ingest.dataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The classification part of SPRSound (SJTU Paediatric Respiratory Sound Database): the 2022 training set and the
 * inter- and intra-patient 2022 test sets, read from the database folder. Audio is located, never decoded.
 *
 * <p>Every JSON label file makes a recording; its audio is the {@code .wav} (preferred) or {@code .flac} of the same
 * name in the set's audio folder. Label files without audio, audio without a label file, and absent set folders are
 * reported in the {@link #summary()}, not fatal; malformed JSON is.
 */
public final class SprSoundDataset {

    private final Path root;
    private final List<SprSoundRecording> recordings;
    private final List<String> missingFolders;
    private final List<String> audioWithoutAnnotation;

    private SprSoundDataset(Path root, List<SprSoundRecording> recordings, List<String> missingFolders,
                            List<String> audioWithoutAnnotation) {
        this.root = root;
        this.recordings = List.copyOf(recordings);
        this.missingFolders = List.copyOf(missingFolders);
        this.audioWithoutAnnotation = List.copyOf(audioWithoutAnnotation);
    }

    /** Loads the database at {@code root} without progress reports. */
    public static SprSoundDataset load(Path root) throws IOException {
        return load(root, ScanProgress.NONE);
    }

    /**
     * Loads the database at {@code root}.
     *
     * @throws DatasetFormatException if root is not a folder, none of the sets' label folders exists, or a label file
     *                                is malformed (the message names the file)
     */
    public static SprSoundDataset load(Path root, ScanProgress progress) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new DatasetFormatException(root, "SPRSound database folder not found");
        }
        List<String> missingFolders = new ArrayList<>();
        Map<SprSoundSet, List<Path>> labelFiles = new EnumMap<>(SprSoundSet.class);
        for (SprSoundSet set : SprSoundSet.values()) {
            Path folder = root.resolve(set.annotationFolder());
            if (Files.isDirectory(folder)) {
                labelFiles.put(set, jsonFiles(folder));
            } else {
                missingFolders.add(set.annotationFolder());
            }
        }
        if (labelFiles.isEmpty()) {
            throw new DatasetFormatException(root, "no SPRSound label folders here (expected "
                    + Arrays.stream(SprSoundSet.values()).map(SprSoundSet::annotationFolder).toList() + ")");
        }

        // The two test sets share one audio folder, so index each folder once and pair audio against all its sets.
        Map<String, AudioIndex> audioByFolder = new LinkedHashMap<>();
        Map<String, Set<String>> claimed = new HashMap<>();
        for (SprSoundSet set : labelFiles.keySet()) {
            String folder = set.audioFolder();
            if (!audioByFolder.containsKey(folder)) {
                if (!Files.isDirectory(root.resolve(folder))) {
                    missingFolders.add(folder);
                }
                audioByFolder.put(folder, AudioIndex.of(root.resolve(folder)));
                claimed.put(folder, new HashSet<>());
            }
        }

        int total = labelFiles.values().stream().mapToInt(List::size).sum();
        int done = 0;
        List<SprSoundRecording> recordings = new ArrayList<>(total);
        for (Map.Entry<SprSoundSet, List<Path>> entry : labelFiles.entrySet()) {
            SprSoundSet set = entry.getKey();
            AudioIndex audio = audioByFolder.get(set.audioFolder());
            for (Path file : entry.getValue()) {
                recordings.add(recording(set, file, audio));
                claimed.get(set.audioFolder()).add(stem(file));
                progress.update(++done, total);
            }
        }

        List<String> orphans = new ArrayList<>();
        audioByFolder.forEach((folder, index) -> index.stems().stream()
                .filter(s -> !claimed.get(folder).contains(s)).sorted()
                .forEach(s -> orphans.add(folder + "/" + index.find(s).orElseThrow().getFileName())));
        return new SprSoundDataset(root, recordings, missingFolders, orphans);
    }

    private static SprSoundRecording recording(SprSoundSet set, Path file, AudioIndex audio) throws IOException {
        String name = stem(file);
        String patientId;
        try {
            patientId = SprSoundRecording.patientIdOf(name);
        } catch (IllegalArgumentException e) {
            throw new DatasetFormatException(file, e.getMessage());
        }
        SprSoundAnnotationFile.Contents labels = SprSoundAnnotationFile.read(file);
        return new SprSoundRecording(name, patientId, set, file, audio.find(name), labels.label(), labels.events());
    }

    private static List<Path> jsonFiles(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".json") && Files.isRegularFile(p))
                    .sorted().toList();
        }
    }

    private static String stem(Path file) {
        String name = file.getFileName().toString();
        return name.substring(0, name.length() - ".json".length());
    }

    /** The folder this dataset was loaded from. */
    public Path root() {
        return root;
    }

    /** All recordings, set by set, each set sorted by name. */
    public List<SprSoundRecording> recordings() {
        return recordings;
    }

    /** The recordings of one set. */
    public List<SprSoundRecording> recordings(SprSoundSet set) {
        return recordings.stream().filter(r -> r.set() == set).toList();
    }

    /** Label files whose audio is missing, as {@code set/name}. */
    public List<String> annotationsWithoutAudio() {
        return recordings.stream().filter(r -> !r.hasAudio()).map(r -> r.set().label() + "/" + r.name()).toList();
    }

    /** Audio files that no label file of their folder's sets names, as {@code folder/file}. */
    public List<String> audioWithoutAnnotation() {
        return audioWithoutAnnotation;
    }

    /** Counts per set, record label, event type and class, and the pairing problems found. */
    public DatasetSummary summary() {
        List<String> labels = Arrays.stream(SprSoundRecordLabel.values()).map(SprSoundRecordLabel::jsonName).toList();
        List<String> types = Arrays.stream(SprSoundEventType.values()).map(SprSoundEventType::jsonName).toList();
        Map<SprSoundSet, GroupCounts.Builder> bySet = new EnumMap<>(SprSoundSet.class);
        GroupCounts.Builder all = new GroupCounts.Builder("all", labels, types);
        for (SprSoundRecording r : recordings) {
            GroupCounts.Builder set = bySet.computeIfAbsent(r.set(),
                    s -> new GroupCounts.Builder(s.label(), labels, types));
            for (GroupCounts.Builder b : List.of(set, all)) {
                b.addRecording(r.hasAudio(), r.cycles()).countRecordLabel(r.label().jsonName());
                r.events().forEach(e -> b.countEventType(e.type().jsonName()));
            }
        }
        List<GroupCounts> groups = new ArrayList<>();
        bySet.values().forEach(b -> groups.add(b.build()));
        groups.add(all.build());

        Map<String, List<String>> issues = new LinkedHashMap<>();
        issues.put("missingFolders", missingFolders);
        issues.put("annotationsWithoutAudio", annotationsWithoutAudio());
        issues.put("audioWithoutAnnotation", audioWithoutAnnotation);
        return new DatasetSummary("sprsound", root.toString(), "events", groups, issues);
    }
}
