package io.stethostream.ingest.dataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The ICBHI 2017 Respiratory Sound Database: annotations, audio locations and the official split, read from a database
 * folder. Audio is located, never decoded, so loading all 920 recordings takes well under a second.
 *
 * <p>Layouts accepted: {@code ROOT/audio_and_txt_files/NAME.{txt,wav,flac}} (the challenge download), or the same files
 * directly in {@code ROOT}; when both a WAV and a FLAC file exist, the WAV (the original format) is used. The split
 * list is {@code ROOT/ICBHI_challenge_train_test.txt}. Only {@code .txt} files named like a recording count as
 * annotations. A missing audio file, split file or split entry is reported, not fatal.
 */
public final class IcbhiDataset {

    /** The sub-folder that holds annotations and audio in the distributed database. */
    public static final String RECORDINGS_FOLDER = "audio_and_txt_files";

    private final Path root;
    private final List<IcbhiRecording> recordings;
    private final IcbhiSplit.Resolution split;
    private final List<String> missingFiles;
    private final List<String> audioWithoutAnnotation;

    private IcbhiDataset(Path root, List<IcbhiRecording> recordings, IcbhiSplit.Resolution split,
                         List<String> missingFiles, List<String> audioWithoutAnnotation) {
        this.root = root;
        this.recordings = List.copyOf(recordings);
        this.split = split;
        this.missingFiles = List.copyOf(missingFiles);
        this.audioWithoutAnnotation = List.copyOf(audioWithoutAnnotation);
    }

    /** Loads the database at {@code root} without progress reports. */
    public static IcbhiDataset load(Path root) throws IOException {
        return load(root, ScanProgress.NONE);
    }

    /**
     * Loads the database at {@code root}.
     *
     * @throws DatasetFormatException if root is not a folder, holds no annotation files, or an annotation or split
     *                                file is malformed (the message names the file and line)
     */
    public static IcbhiDataset load(Path root, ScanProgress progress) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new DatasetFormatException(root, "ICBHI database folder not found");
        }
        Path folder = Files.isDirectory(root.resolve(RECORDINGS_FOLDER)) ? root.resolve(RECORDINGS_FOLDER) : root;

        Map<String, Path> annotations = new TreeMap<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String fileName = file.getFileName().toString();
                if (fileName.endsWith(".txt") && Files.isRegularFile(file)) {
                    String stem = fileName.substring(0, fileName.length() - ".txt".length());
                    if (IcbhiRecordingName.parse(stem).isPresent()) {
                        annotations.put(stem, file);
                    }
                }
            }
        }
        AudioIndex audioFiles = AudioIndex.of(folder);
        if (annotations.isEmpty()) {
            throw new DatasetFormatException(folder,
                    "no ICBHI annotation files (NAME.txt, NAME like 101_1b1_Al_sc_Meditron) in this folder");
        }

        List<IcbhiRecordingName> names = annotations.keySet().stream()
                .map(n -> IcbhiRecordingName.parse(n).orElseThrow()).toList();
        List<String> missingFiles = new ArrayList<>();
        Path splitFile = root.resolve(IcbhiSplit.FILE_NAME);
        IcbhiSplit.Resolution resolution;
        if (Files.isRegularFile(splitFile)) {
            resolution = IcbhiSplit.resolve(IcbhiSplit.read(splitFile), names);
        } else {
            missingFiles.add(splitFile.toString());
            resolution = new IcbhiSplit.Resolution(Map.of(), Map.of(), List.of());
        }

        List<IcbhiRecording> recordings = new ArrayList<>(names.size());
        int done = 0;
        for (IcbhiRecordingName name : names) {
            Path annotation = annotations.get(name.name());
            Optional<Path> audio = audioFiles.find(name.name());
            recordings.add(new IcbhiRecording(name, annotation, IcbhiAnnotationFile.read(annotation), audio,
                    Optional.ofNullable(resolution.byRecording().get(name.name()))));
            progress.update(++done, names.size());
        }

        List<String> orphans = new ArrayList<>();
        for (String stem : audioFiles.stems()) {
            if (!annotations.containsKey(stem)) {
                audioFiles.find(stem).ifPresent(p -> orphans.add(p.getFileName().toString()));
            }
        }
        Collections.sort(orphans);
        return new IcbhiDataset(root, recordings, resolution, missingFiles, orphans);
    }

    /** The folder this dataset was loaded from. */
    public Path root() {
        return root;
    }

    /** All recordings with an annotation file, sorted by name. */
    public List<IcbhiRecording> recordings() {
        return recordings;
    }

    /** The recordings of one official split. */
    public List<IcbhiRecording> recordings(Split s) {
        return recordings.stream().filter(r -> r.split().equals(Optional.of(s))).toList();
    }

    /** The recordings whose audio file is present. */
    public List<IcbhiRecording> recordingsWithAudio() {
        return recordings.stream().filter(IcbhiRecording::hasAudio).toList();
    }

    /** The recording of that exact name. */
    public Optional<IcbhiRecording> recording(String name) {
        return recordings.stream().filter(r -> r.name().equals(name)).findFirst();
    }

    /** Split-file names that matched a recording only once the device suffix was ignored: split name -> file name. */
    public Map<String, String> splitEntriesMatchedIgnoringDevice() {
        return split.matchedIgnoringDevice();
    }

    /** Split-file entries that matched no recording, each with its line and reason. */
    public List<String> unresolvedSplitEntries() {
        return split.unresolved();
    }

    /** Names of recordings that the split file does not assign to train or test. */
    public List<String> recordingsWithoutSplit() {
        return recordings.stream().filter(r -> r.split().isEmpty()).map(IcbhiRecording::name).toList();
    }

    /** Counts per split and class, and the problems found. */
    public DatasetSummary summary() {
        Map<String, GroupCounts.Builder> groups = new LinkedHashMap<>();
        for (Split s : Split.values()) {
            groups.put(s.label(), new GroupCounts.Builder(s.label()));
        }
        GroupCounts.Builder all = new GroupCounts.Builder("all");
        Set<String> used = new HashSet<>();
        for (IcbhiRecording r : recordings) {
            String group = r.split().map(Split::label).orElse("unsplit");
            used.add(group);
            groups.computeIfAbsent(group, GroupCounts.Builder::new).addRecording(r.hasAudio(), r.cycles());
            all.addRecording(r.hasAudio(), r.cycles());
        }
        List<GroupCounts> counts = new ArrayList<>();
        // train and test always appear, even when empty, so the table has a fixed shape; "unsplit" only when used.
        groups.forEach((name, b) -> {
            if (used.contains(name) || !name.equals("unsplit")) {
                counts.add(b.build());
            }
        });
        counts.add(all.build());

        Map<String, List<String>> issues = new LinkedHashMap<>();
        issues.put("missingFiles", missingFiles);
        List<String> renamed = new ArrayList<>();
        split.matchedIgnoringDevice().forEach((from, to) -> renamed.add(from + " -> " + to));
        issues.put("splitEntriesMatchedIgnoringDevice", renamed);
        issues.put("unresolvedSplitEntries", split.unresolved());
        issues.put("recordingsWithoutSplit", recordingsWithoutSplit());
        issues.put("audioWithoutAnnotation", audioWithoutAnnotation);
        return new DatasetSummary("icbhi", root.toString(), "cycles", counts, issues);
    }
}
