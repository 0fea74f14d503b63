package io.stethostream.streams.dashboard;

import io.stethostream.streams.models.DesiredModel;
import io.stethostream.streams.models.ModelRelease;
import io.stethostream.streams.models.ModelStatus;
import io.stethostream.streams.models.ModelTopic;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The dashboard's model panel, from {@code stethoscope.models}: the desired release, every release with what each
 * instance did with it (accepted, refused and why), and what each instance serves now. A redeploy or a rollback shows
 * here as the instances report. Thread-safe.
 */
public final class ReleaseBoard {

    /** One instance's outcome for a release. */
    public record Outcome(String instance, String outcome, String reason, Instant at) {
    }

    /** A release and the outcomes reported for it, in the order they were read. */
    public record Release(String sha256, String shortId, String modelName, String modelVersion, Instant publishedAt,
                          String publishedBy, List<Outcome> outcomes) {
    }

    /** What an instance serves: the release it reported last, and its version when known. */
    public record Instance(String instance, String serving, String servingVersion, String lastOutcome,
                           String lastReason, Instant at) {
    }

    /** The whole panel. */
    public record Panel(DesiredModel desired, List<Release> releases, List<Instance> instances) {
    }

    private final Map<String, ModelRelease> releases = new LinkedHashMap<>();
    private final Map<String, List<Outcome>> outcomes = new LinkedHashMap<>();
    private final Map<String, ModelStatus> latest = new TreeMap<>();
    private DesiredModel desired;
    private boolean changed;

    /**
     * Applies one record of the models topic (model file chunks are skipped).
     *
     * @throws IOException when a release, desired or status record cannot be parsed
     */
    public synchronized void apply(String key, byte[] value) throws IOException {
        if (key == null || value == null || key.startsWith("chunk/")) {
            return;
        }
        if (key.startsWith("release/")) {
            ModelRelease r = ModelTopic.parse(value, ModelRelease.class);
            releases.put(r.sha256(), r);
        } else if (key.equals(ModelTopic.DESIRED)) {
            desired = ModelTopic.parse(value, DesiredModel.class);
        } else if (key.startsWith("status/")) {
            ModelStatus s = ModelTopic.parse(value, ModelStatus.class);
            if (s.instance() == null || s.sha256() == null) {
                throw new IOException("status without instance or release");
            }
            outcomes.computeIfAbsent(s.sha256(), k -> new ArrayList<>())
                    .add(new Outcome(s.instance(), s.outcome(), s.reason(), s.at()));
            latest.put(s.instance(), s);
        } else {
            return;
        }
        changed = true;
    }

    /** True once after each change: the hub sends the panel again. */
    public synchronized boolean drainChanged() {
        boolean c = changed;
        changed = false;
        return c;
    }

    /** Releases newest first (by publication time), with their outcomes; instances by id. */
    public synchronized Panel panel() {
        List<Release> list = new ArrayList<>();
        for (ModelRelease r : releases.values()) {
            list.add(new Release(r.sha256(), r.shortId(), r.modelName(), r.modelVersion(), r.publishedAt(),
                    r.publishedBy(), List.copyOf(outcomes.getOrDefault(r.sha256(), List.of()))));
        }
        // Outcomes for releases whose manifest is not (or no longer) on the topic still show.
        outcomes.forEach((sha, o) -> {
            if (!releases.containsKey(sha)) {
                list.add(new Release(sha, sha.substring(0, Math.min(12, sha.length())), null, null, null, null,
                        List.copyOf(o)));
            }
        });
        list.sort(Comparator.comparing(Release::publishedAt, Comparator.nullsLast(Comparator.reverseOrder())));
        List<Instance> instances = new ArrayList<>();
        for (ModelStatus s : latest.values()) {
            ModelRelease serving = s.serving() == null ? null : releases.get(s.serving());
            instances.add(new Instance(s.instance(), s.serving(), serving == null ? null : serving.modelVersion(),
                    s.outcome(), s.reason(), s.at()));
        }
        return new Panel(desired, list, instances);
    }
}
