package io.stethostream.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The device id and attributes a demo agent streams a recording under, read from the datasets' file names so that the
 * console and the alerts say which patient and chest location a line is about.
 */
record DemoDevice(String id, Map<String, String> attributes) {

    /** SPRSound: patient id, age, gender (0/1), location p1-p4, recording id. */
    private static final Pattern SPRSOUND = Pattern.compile("(\\d+)_[\\d.]+_[01]_(p\\d)_(\\d+)");
    /** ICBHI 2017: patient, recording index, chest location, channel mode, device. */
    private static final Pattern ICBHI = Pattern.compile("(\\d{3})_[0-9a-z]+_([A-Z][a-z])_(sc|mc)_\\w+");

    static DemoDevice of(Path file) {
        String name = file.getFileName().toString().replaceFirst("\\.[^.]+$", "");
        Matcher m = SPRSOUND.matcher(name);
        if (m.matches()) {
            return new DemoDevice("spr-" + m.group(1) + "-" + m.group(2) + "-" + m.group(3),
                    Map.of("patient", m.group(1), "location", m.group(2), "recording", m.group(3)));
        }
        m = ICBHI.matcher(name);
        if (m.matches()) {
            return new DemoDevice("icbhi-" + m.group(1) + "-" + m.group(2),
                    Map.of("patient", m.group(1), "location", m.group(2)));
        }
        return new DemoDevice(name.replaceAll("[^A-Za-z0-9._-]", "_"), Map.of("recording", name));
    }
}
