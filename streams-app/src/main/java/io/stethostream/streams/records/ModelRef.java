package io.stethostream.streams.records;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Which model produced a prediction: name and version from its metadata, and the release it was deployed as. */
public record ModelRef(@JsonProperty("name") String name, @JsonProperty("version") String version,
                       @JsonProperty("releaseId") String releaseId) {
}
