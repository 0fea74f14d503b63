package io.stethostream.streams.models;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;
import java.util.Objects;

/**
 * The manifest of a model file published to {@code stethoscope.models}: what the file is and how to reassemble it.
 *
 * @param sha256       SHA-256 of the whole .onnx file (hex); also the release's identity
 * @param size         bytes of the file
 * @param chunks       how many {@code chunk/SHA/i} records hold it
 * @param modelName    from the file's metadata
 * @param modelVersion from the file's metadata
 * @param publishedAt  when {@code deploy} published it
 * @param publishedBy  user and host that ran {@code deploy}
 */
public record ModelRelease(@JsonProperty("sha256") String sha256, @JsonProperty("size") long size,
                           @JsonProperty("chunks") int chunks, @JsonProperty("modelName") String modelName,
                           @JsonProperty("modelVersion") String modelVersion,
                           @JsonProperty("publishedAt") Instant publishedAt,
                           @JsonProperty("publishedBy") String publishedBy) {

    public ModelRelease {
        Objects.requireNonNull(sha256, "sha256");
        if (!sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("sha256 must be 64 lower-case hex digits: " + sha256);
        }
        if (size <= 0 || chunks <= 0) {
            throw new IllegalArgumentException("release " + sha256 + " has size " + size + " in " + chunks + " chunks");
        }
    }

    /** A short id for logs and prediction records: the first 12 hex digits of the SHA-256. */
    public String shortId() {
        return sha256.substring(0, 12);
    }
}
