package io.stethostream.ingest.dataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The audio files of one folder by name without extension, built from a single directory listing so readers never
 * probe the file system once per recording and extension. Audio is only located here, never opened.
 */
final class AudioIndex {

    /** In order of preference: original databases ship WAV; compact copies hold FLAC instead. */
    static final List<String> EXTENSIONS = List.of("wav", "flac");

    private final Map<String, Path> byStem;

    private AudioIndex(Map<String, Path> byStem) {
        this.byStem = byStem;
    }

    /** Indexes the {@code .wav} and {@code .flac} files (any case) in the folder; an absent folder indexes nothing. */
    static AudioIndex of(Path folder) throws IOException {
        Map<String, Path> byStem = new HashMap<>();
        if (!Files.isDirectory(folder)) {
            return new AudioIndex(byStem);
        }
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                int dot = name.lastIndexOf('.');
                int rank = dot <= 0 ? -1 : EXTENSIONS.indexOf(name.substring(dot + 1).toLowerCase(Locale.ROOT));
                if (rank < 0 || !Files.isRegularFile(file)) {
                    continue;
                }
                byStem.merge(name.substring(0, dot), file, (a, b) -> rank(a) <= rank(b) ? a : b);
            }
        }
        return new AudioIndex(byStem);
    }

    /** The preferred audio file of that name, if any. */
    Optional<Path> find(String stem) {
        return Optional.ofNullable(byStem.get(stem));
    }

    /** Names (without extension) of all audio files found. */
    Set<String> stems() {
        return byStem.keySet();
    }

    private static int rank(Path file) {
        String name = file.getFileName().toString();
        return EXTENSIONS.indexOf(name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT));
    }
}
