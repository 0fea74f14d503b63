package io.stethostream.agent.source;

import java.util.List;

/** The named sound input does not exist, or the machine has none; the message lists what is available. */
public final class NoSuchInputException extends Exception {

    private static final long serialVersionUID = 1L;

    private final List<String> available;

    public NoSuchInputException(String requested, List<String> available) {
        super(message(requested, available));
        this.available = List.copyOf(available);
    }

    private static String message(String requested, List<String> available) {
        String what = requested == null ? "no default sound input" : "no sound input named '" + requested + "'";
        if (available.isEmpty()) {
            return what + ": this machine has no sound capture device (use --file or --synthetic to stream without one)";
        }
        return what + "; available inputs:\n  " + String.join("\n  ", available);
    }

    /** Names of the inputs that do exist (possibly none). */
    public List<String> available() {
        return available;
    }
}
