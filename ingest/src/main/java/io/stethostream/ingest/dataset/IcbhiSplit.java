package io.stethostream.ingest.dataset;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The official ICBHI 2017 train/test split ({@code ICBHI_challenge_train_test.txt}: {@code NAME<whitespace>train|test}
 * per line) and its matching to the recordings actually present.
 *
 * <p>The split file and the annotation files come from different copies of the database, which disagree on the device
 * suffix of some names (the split says {@code 226_1b1_Pl_sc_Meditron}, the file is {@code 226_1b1_Pl_sc_LittC2SE}).
 * Names are therefore matched exactly first, and otherwise on {@code patient_index_location_mode} when that picks out
 * exactly one recording not already matched.
 */
public final class IcbhiSplit {

    /** The file name of the official split inside the database folder. */
    public static final String FILE_NAME = "ICBHI_challenge_train_test.txt";

    /** One line of the split file. */
    public record Entry(String name, Split split, int line) {
    }

    /**
     * How the split file's entries matched the recordings.
     *
     * @param byRecording            split of each matched recording, keyed by recording name
     * @param matchedIgnoringDevice  split entry name to the recording name it matched without its device suffix
     * @param unresolved             split entries that matched no recording, each with the reason
     */
    public record Resolution(Map<String, Split> byRecording, Map<String, String> matchedIgnoringDevice,
                             List<String> unresolved) {
        public Resolution {
            byRecording = Collections.unmodifiableMap(new LinkedHashMap<>(byRecording));
            matchedIgnoringDevice = Collections.unmodifiableMap(new LinkedHashMap<>(matchedIgnoringDevice));
            unresolved = List.copyOf(unresolved);
        }
    }

    private IcbhiSplit() {
    }

    /**
     * Reads the split file.
     *
     * @throws DatasetFormatException naming file and line of a line without a name and a train/test word
     */
    public static List<Entry> read(Path file) throws IOException {
        List<Entry> entries = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int lineNumber = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lineNumber++;
                String trimmed = line.replace("\uFEFF", "").strip();
                if (trimmed.isEmpty()) {
                    continue;
                }
                String[] fields = trimmed.split("\\s+");
                if (fields.length != 2) {
                    throw new DatasetFormatException(file, lineNumber,
                            "expected 'NAME train|test', got '" + trimmed + "'");
                }
                try {
                    entries.add(new Entry(fields[0], Split.parse(fields[1]), lineNumber));
                } catch (IllegalArgumentException e) {
                    throw new DatasetFormatException(file, lineNumber, e.getMessage());
                }
            }
        }
        return entries;
    }

    /** Matches split entries to recordings: exact names first, then names without the device suffix. */
    public static Resolution resolve(List<Entry> entries, Collection<IcbhiRecordingName> recordings) {
        Map<String, IcbhiRecordingName> byName = new HashMap<>();
        Map<String, List<IcbhiRecordingName>> byStem = new HashMap<>();
        for (IcbhiRecordingName r : recordings) {
            byName.put(r.name(), r);
            byStem.computeIfAbsent(r.withoutDevice(), k -> new ArrayList<>()).add(r);
        }

        Map<String, Split> assigned = new LinkedHashMap<>();
        Map<String, String> renamed = new LinkedHashMap<>();
        List<String> unresolved = new ArrayList<>();
        List<Entry> inexact = new ArrayList<>();
        // Exact matches are settled before any fallback, so a fallback can never steal a recording named exactly.
        for (Entry e : entries) {
            if (!byName.containsKey(e.name())) {
                inexact.add(e);
            } else if (assigned.containsKey(e.name())) {
                unresolved.add(e.name() + " (line " + e.line() + ": listed twice)");
            } else {
                assigned.put(e.name(), e.split());
            }
        }
        for (Entry e : inexact) {
            String stem = IcbhiRecordingName.parse(e.name()).map(IcbhiRecordingName::withoutDevice).orElse(null);
            List<IcbhiRecordingName> candidates = stem == null ? List.of()
                    : byStem.getOrDefault(stem, List.of()).stream().filter(r -> !assigned.containsKey(r.name())).toList();
            if (candidates.size() == 1) {
                String match = candidates.get(0).name();
                assigned.put(match, e.split());
                renamed.put(e.name(), match);
            } else if (candidates.isEmpty()) {
                unresolved.add(e.name() + " (line " + e.line() + ": no such recording)");
            } else {
                unresolved.add(e.name() + " (line " + e.line() + ": ambiguous, matches "
                        + candidates.stream().map(IcbhiRecordingName::name).toList() + ")");
            }
        }
        return new Resolution(assigned, renamed, unresolved);
    }
}
