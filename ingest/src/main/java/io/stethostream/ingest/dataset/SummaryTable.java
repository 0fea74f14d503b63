package io.stethostream.ingest.dataset;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Renders a {@link DatasetSummary} as plain-text tables, one row per group, for terminals and logs. */
public final class SummaryTable {

    /** Issues longer than this are shortened to their first entries; the JSON form always has them all. */
    static final int MAX_LISTED = 10;

    private SummaryTable() {
    }

    /** The summary as text: recordings, spans per class (all, and with audio), labels, then issues. */
    public static String render(DatasetSummary s) {
        StringBuilder out = new StringBuilder();
        out.append("dataset ").append(s.dataset()).append(" at ").append(s.root()).append("\n\n");
        List<GroupCounts> groups = s.groups();

        table(out, "recordings", List.of("total", "with audio", "without audio"), groups,
                g -> List.of(g.recordings(), g.withAudio(), g.withoutAudio()));
        List<String> classColumns = new ArrayList<>(List.of("total"));
        for (RespiratoryClass c : RespiratoryClass.values()) {
            classColumns.add(c.label());
        }
        table(out, s.spanName(), classColumns, groups, g -> withTotal(g.cycleTotal(), g.cycles()));
        table(out, s.spanName() + " with audio", classColumns, groups,
                g -> withTotal(g.cycleTotalWithAudio(), g.cyclesWithAudio()));
        if (!groups.isEmpty() && !groups.get(0).recordLabels().isEmpty()) {
            table(out, "record labels", List.copyOf(groups.get(0).recordLabels().keySet()), groups,
                    g -> List.copyOf(g.recordLabels().values()));
        }
        if (!groups.isEmpty() && !groups.get(0).eventTypes().isEmpty()) {
            table(out, "event types", List.copyOf(groups.get(0).eventTypes().keySet()), groups,
                    g -> List.copyOf(g.eventTypes().values()));
        }

        for (Map.Entry<String, List<String>> issue : s.issues().entrySet()) {
            List<String> items = issue.getValue();
            out.append(words(issue.getKey())).append(": ").append(items.size()).append('\n');
            items.stream().limit(MAX_LISTED).forEach(i -> out.append("  ").append(i).append('\n'));
            if (items.size() > MAX_LISTED) {
                out.append("  ... and ").append(items.size() - MAX_LISTED).append(" more (see --json)\n");
            }
        }
        return out.toString();
    }

    private static List<Integer> withTotal(int total, Map<String, Integer> perClass) {
        List<Integer> row = new ArrayList<>();
        row.add(total);
        row.addAll(perClass.values());
        return row;
    }

    // The title sits in the header of the first column, above the group names.
    private static void table(StringBuilder out, String title, List<String> columns, List<GroupCounts> groups,
                              Function<GroupCounts, List<Integer>> row) {
        int first = title.length();
        for (GroupCounts g : groups) {
            first = Math.max(first, g.name().length());
        }
        int[] widths = new int[columns.size()];
        List<List<Integer>> rows = groups.stream().map(row).toList();
        for (int c = 0; c < columns.size(); c++) {
            widths[c] = columns.get(c).length();
            for (List<Integer> r : rows) {
                widths[c] = Math.max(widths[c], String.valueOf(r.get(c)).length());
            }
        }
        out.append(String.format("%-" + first + "s", title));
        for (int c = 0; c < columns.size(); c++) {
            out.append("  ").append(String.format("%" + widths[c] + "s", columns.get(c)));
        }
        out.append('\n');
        for (int i = 0; i < groups.size(); i++) {
            out.append(String.format("%-" + first + "s", groups.get(i).name()));
            for (int c = 0; c < columns.size(); c++) {
                out.append("  ").append(String.format("%" + widths[c] + "d", rows.get(i).get(c)));
            }
            out.append('\n');
        }
        out.append('\n');
    }

    /** {@code unresolvedSplitEntries} -> {@code unresolved split entries}. */
    static String words(String camelCase) {
        return camelCase.replaceAll("([a-z0-9])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT);
    }
}
