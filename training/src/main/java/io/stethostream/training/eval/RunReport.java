package io.stethostream.training.eval;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.stethostream.ingest.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The outcome of a training run under two model-selection protocols, as {@code metrics.json} and a console table.
 *
 * <ul>
 *   <li><b>Paper protocol</b> (the reference's, spec section 6): the epoch with the best <em>test</em> Score among
 *       epochs whose test Se is above {@value #PAPER_MIN_SENSITIVITY} (strictly). It selects on the test set itself,
 *       so it peeks at the test set and is optimistic; it is reported for comparison with published figures. When no
 *       epoch qualifies, no epoch is selected (no fallback: the Se rule exists to exclude the degenerate
 *       all-normal classifier).</li>
 *   <li><b>Honest protocol</b>: the epoch with the best <em>validation</em> Score; its test scores are the figure
 *       reported, the test set playing no part in the choice. No epoch is selected when the run has no validation.</li>
 * </ul>
 * Ties go to the earlier epoch; epochs whose deciding score is NaN are never selected.
 */
public final class RunReport {

    /** The paper protocol's minimum test sensitivity (5 %), as a fraction. */
    public static final double PAPER_MIN_SENSITIVITY = 0.05;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * The epoch a protocol chose, or none.
     *
     * @param protocol   {@code paper} or {@code honest}
     * @param rule       how the epoch was chosen, in words
     * @param epoch      the chosen epoch number; null when none qualified
     * @param validation the chosen epoch's validation scores; null when none
     * @param test       the chosen epoch's test scores: the protocol's reported figure; null when none
     * @param note       why no epoch was chosen, or a caveat; null when nothing to say
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonPropertyOrder({"protocol", "rule", "epoch", "note", "test", "validation"})
    public record Selection(String protocol, String rule, Integer epoch, IcbhiScores validation, IcbhiScores test,
                            String note) {

        /** Whether an epoch was chosen. */
        public boolean selected() {
            return epoch != null;
        }
    }

    /** The whole of {@code metrics.json}. */
    @JsonPropertyOrder({"run", "paperProtocol", "honestProtocol", "epochs"})
    public record Metrics(Map<String, Object> run, Selection paperProtocol, Selection honestProtocol,
                          List<EpochRecord> epochs) {
    }

    private final List<EpochRecord> epochs;
    private final Map<String, Object> run;
    private final Selection paper;
    private final Selection honest;

    private RunReport(List<EpochRecord> epochs, Map<String, Object> run) {
        this.epochs = List.copyOf(epochs);
        this.run = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(run));
        this.paper = paperProtocol(this.epochs);
        this.honest = honestProtocol(this.epochs);
    }

    /**
     * The report of a run.
     *
     * @param epochs the epoch records in order
     * @param run    free-form run information (command line, configuration, dataset counts...), written as given;
     *               values must be serialisable by Jackson
     */
    public static RunReport of(List<EpochRecord> epochs, Map<String, Object> run) {
        return new RunReport(epochs, run);
    }

    public List<EpochRecord> epochs() {
        return epochs;
    }

    public Selection paperProtocol() {
        return paper;
    }

    public Selection honestProtocol() {
        return honest;
    }

    public Metrics metrics() {
        return new Metrics(run, paper, honest, epochs);
    }

    private static Selection paperProtocol(List<EpochRecord> epochs) {
        String rule = "best test Score among epochs with test Se > " + IcbhiScores.percent(PAPER_MIN_SENSITIVITY)
                + "% (selects on the test set: optimistic)";
        List<EpochRecord> scored = epochs.stream().filter(e -> e.test() != null).toList();
        if (scored.isEmpty()) {
            return new Selection("paper", rule, null, null, null, "no epoch has test scores");
        }
        Optional<EpochRecord> best = best(scored.stream()
                .filter(e -> e.test().sensitivity() > PAPER_MIN_SENSITIVITY).toList(), EpochRecord::test);
        return best.map(e -> new Selection("paper", rule, e.epoch(), e.validation(), e.test(),
                        "the test set chose this epoch; not an unbiased estimate"))
                .orElseGet(() -> new Selection("paper", rule, null, null, null,
                        "no epoch has test Se > " + IcbhiScores.percent(PAPER_MIN_SENSITIVITY) + "%"));
    }

    private static Selection honestProtocol(List<EpochRecord> epochs) {
        String rule = "best validation Score; its test scores reported (the test set plays no part in the choice)";
        List<EpochRecord> validated = epochs.stream().filter(e -> e.validation() != null).toList();
        if (validated.isEmpty()) {
            return new Selection("honest", rule, null, null, null, "the run has no validation split");
        }
        return best(validated, EpochRecord::validation)
                .map(e -> new Selection("honest", rule, e.epoch(), e.validation(), e.test(),
                        e.test() == null ? "the test set was not scored after this epoch" : null))
                .orElseGet(() -> new Selection("honest", rule, null, null, null,
                        "no epoch has a validation Score (all NaN)"));
    }

    /** The first epoch with the highest non-NaN Score of the chosen scores. */
    private static Optional<EpochRecord> best(List<EpochRecord> candidates, Function<EpochRecord, IcbhiScores> by) {
        EpochRecord best = null;
        for (EpochRecord e : candidates) {
            double s = by.apply(e).score();
            if (!Double.isNaN(s) && (best == null || s > by.apply(best).score())) {
                best = e;
            }
        }
        return Optional.ofNullable(best);
    }

    /** {@code metrics.json}'s text. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(metrics());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("run information is not serialisable: " + e.getMessage(), e);
        }
    }

    /** Writes {@code metrics.json} (pretty-printed) atomically. */
    public void writeJson(Path file) throws IOException {
        AtomicFiles.write(file, toJson().getBytes(StandardCharsets.UTF_8));
    }

    /** Reads back a file written by {@link #writeJson}. */
    public static Metrics readJson(Path file) throws IOException {
        return JSON.readValue(file.toFile(), Metrics.class);
    }

    /** A per-epoch table and the two protocols' results, percentages with two decimals. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%5s %9s %9s %7s %8s | %6s %6s %6s | %7s %6s %6s %6s%n", "epoch", "loss",
                "lr", "s", "samp/s", "val Sp", "Se", "Score", "test Sp", "Se", "Score", "Se2"));
        for (EpochRecord e : epochs) {
            sb.append(String.format(Locale.ROOT, "%5d %9.4f %9.2e %7.1f %8.1f | %6s %6s %6s | %7s %6s %6s %6s%s%n",
                    e.epoch(), e.trainLoss(), e.learningRate(), e.seconds(), e.samplesPerSecond(),
                    pct(e.validation(), IcbhiScores::specificity), pct(e.validation(), IcbhiScores::sensitivity),
                    pct(e.validation(), IcbhiScores::score), pct(e.test(), IcbhiScores::specificity),
                    pct(e.test(), IcbhiScores::sensitivity), pct(e.test(), IcbhiScores::score),
                    pct(e.test(), IcbhiScores::sensitivity2), marks(e.epoch())));
        }
        sb.append(line(paper, "P")).append(line(honest, "H"));
        return sb.toString();
    }

    private String marks(int epoch) {
        String m = "";
        if (paper.epoch() != null && paper.epoch() == epoch) {
            m += " P";
        }
        if (honest.epoch() != null && honest.epoch() == epoch) {
            m += " H";
        }
        return m;
    }

    private static String line(Selection s, String mark) {
        String head = String.format(Locale.ROOT, "%s %-6s protocol (%s): ", mark, s.protocol(), s.rule());
        if (!s.selected()) {
            return head + "no epoch selected: " + s.note() + System.lineSeparator();
        }
        String test = s.test() == null ? "test not scored" : "test " + s.test().summary();
        String val = s.validation() == null ? "" : "; validation Score " + IcbhiScores.percent(s.validation().score());
        return head + "epoch " + s.epoch() + ", " + test + val + System.lineSeparator();
    }

    private static String pct(IcbhiScores s, java.util.function.ToDoubleFunction<IcbhiScores> f) {
        return s == null ? "-" : IcbhiScores.percent(f.applyAsDouble(s));
    }
}
