package io.stethostream.streams.topology;

import io.stethostream.streams.records.WindowPrediction;

/** What the alert processor reacts to: a window's prediction, or a change of the device's audio presence. */
record AlertInput(WindowPrediction prediction, Signal signal, long lastAudioWallMs, long nowWallMs) {

    enum Signal { NONE, LOST, RESUMED }

    static AlertInput of(WindowPrediction p) {
        return new AlertInput(p, Signal.NONE, 0, 0);
    }
}
