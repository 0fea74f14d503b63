package io.stethostream.ingest.dataset;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a dataset scan found: counts per group and class, and the naming or pairing problems it worked around.
 * Serialises to JSON with Jackson ({@link #toJson()}) and prints as a table ({@link SummaryTable}).
 *
 * @param dataset  {@code icbhi} or {@code sprsound}
 * @param root     the folder that was scanned
 * @param spanName what an annotated span is called in this dataset ({@code cycles} or {@code events})
 * @param groups   per split or set, then {@code all}
 * @param issues   named lists of problems, for example {@code unresolvedSplitEntries}; present even when empty
 */
public record DatasetSummary(String dataset, String root, String spanName, List<GroupCounts> groups,
                             Map<String, List<String>> issues) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public DatasetSummary {
        groups = List.copyOf(groups);
        Map<String, List<String>> copy = new LinkedHashMap<>();
        issues.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        issues = Collections.unmodifiableMap(copy);
    }

    /** The group of the given name ({@code train}, {@code all}, ...). */
    public Optional<GroupCounts> group(String name) {
        return groups.stream().filter(g -> g.name().equals(name)).findFirst();
    }

    /** The problems listed under one issue name; empty if there are none. */
    public List<String> issue(String name) {
        return issues.getOrDefault(name, List.of());
    }

    /** Pretty-printed JSON. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a summary of plain values always serialises", e);
        }
    }

    /** Reads a summary written by {@link #toJson()}. */
    public static DatasetSummary fromJson(String json) throws JsonProcessingException {
        return JSON.readValue(json, DatasetSummary.class);
    }

    /** A readable multi-table rendering (see {@link SummaryTable}). */
    public String toTable() {
        return SummaryTable.render(this);
    }
}
