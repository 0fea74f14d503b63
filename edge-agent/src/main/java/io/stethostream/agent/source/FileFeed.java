package io.stethostream.agent.source;

import io.stethostream.ingest.audio.AudioClip;
import io.stethostream.ingest.audio.AudioFiles;
import io.stethostream.ingest.audio.AudioFormatException;
import io.stethostream.protocol.AudioChunk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * WAV/FLAC files to replay: one file, or every {@code .wav}/{@code .flac} of a folder in name order, optionally
 * looping. Each file is decoded when its turn comes, at its own rate. In a folder, a file that cannot be decoded is
 * skipped with a warning; a pass without a single playable file is an error.
 */
public final class FileFeed implements ClipFeed {

    private static final Logger LOG = LoggerFactory.getLogger(FileFeed.class);

    private final Path root;
    private final List<Path> files;
    private final boolean loop;
    private int next;
    private int playableThisPass;

    private FileFeed(Path root, List<Path> files, boolean loop) {
        this.root = root;
        this.files = files;
        this.loop = loop;
    }

    /**
     * @throws NoSuchFileException when the path does not exist, or a folder holds no WAV or FLAC file
     */
    public static FileFeed of(Path path, boolean loop) throws IOException {
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString());
        }
        if (!Files.isDirectory(path)) {
            return new FileFeed(path, List.of(path), loop);
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(path)) {
            files = s.filter(Files::isRegularFile).filter(FileFeed::isAudioName).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new NoSuchFileException(path.toString(), null, "no .wav or .flac file in this folder");
        }
        return new FileFeed(path, files, loop);
    }

    private static boolean isAudioName(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".wav") || n.endsWith(".flac");
    }

    @Override
    public AudioClip nextClip() throws IOException {
        while (true) {
            if (next == files.size()) {
                if (!loop) {
                    return null;
                }
                if (playableThisPass == 0) {
                    throw new AudioFormatException(root.toString(), "no playable audio file");
                }
                next = 0;
                playableThisPass = 0;
            }
            Path f = files.get(next++);
            try {
                AudioClip clip = AudioFiles.read(f);
                if (clip.sampleRate() < AudioChunk.MIN_RATE || clip.sampleRate() > AudioChunk.MAX_RATE) {
                    throw new AudioFormatException(f.toString(), "sample rate " + clip.sampleRate() + " Hz outside "
                            + AudioChunk.MIN_RATE + ".." + AudioChunk.MAX_RATE);
                }
                if (clip.length() == 0) {
                    throw new AudioFormatException(f.toString(), "no samples");
                }
                playableThisPass++;
                LOG.info("replaying {} ({} s at {} Hz)", f, String.format(Locale.ROOT, "%.2f", clip.durationSeconds()),
                        clip.sampleRate());
                return clip;
            } catch (AudioFormatException e) {
                if (files.size() == 1) {
                    throw e;
                }
                LOG.warn("skipping {}: {}", f, e.getMessage());
            }
        }
    }

    @Override
    public String describe() {
        return (files.size() == 1 ? "file " + root : "folder " + root + " (" + files.size() + " files)")
                + (loop ? ", looping" : "");
    }
}
