package io.stethostream.streams.dashboard;

import io.stethostream.ingest.features.FeatureMatrix;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The model inputs (normalised log-mel) of each device's most recent windows on this instance, for the dashboard's
 * device view: the picture is made of exactly what the model saw. Kept in memory only (8 bits per value, a few windows
 * per device): after a device moves to another instance its picture starts again there.
 */
public final class RecentSpectrograms {

    /** One window's features, quantised to 8 bits between its own minimum and maximum. */
    private record Window(long startMicros, long endMicros, int frames, int bins, byte[] values, float min, float max) {
        float value(int frame, int bin) {
            return min + (values[frame * bins + bin] & 0xff) * (max - min) / 255f;
        }
    }

    private final int windowsPerDevice;
    private final Map<String, ArrayDeque<Window>> byDevice = new ConcurrentHashMap<>();

    /** @param windowsPerDevice how many recent windows to keep per device (they overlap by the window minus the hop) */
    public RecentSpectrograms(int windowsPerDevice) {
        if (windowsPerDevice < 1) {
            throw new IllegalArgumentException("windows per device must be >= 1, got " + windowsPerDevice);
        }
        this.windowsPerDevice = windowsPerDevice;
    }

    /** Keeps a copy of one window's model input (frames x bins). Called from the stream thread. */
    public void record(String device, long startMicros, long endMicros, FeatureMatrix m) {
        float[] d = m.data();
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : d) {
            if (Float.isFinite(v)) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        if (!(max > min)) {
            max = min + 1e-6f;
        }
        byte[] q = new byte[d.length];
        float scale = 255f / (max - min);
        for (int i = 0; i < d.length; i++) {
            float v = Float.isFinite(d[i]) ? d[i] : min;
            q[i] = (byte) Math.round((v - min) * scale);
        }
        Window w = new Window(startMicros, endMicros, m.frames(), m.bins(), q, min, max);
        ArrayDeque<Window> ring = byDevice.computeIfAbsent(device, k -> new ArrayDeque<>());
        synchronized (ring) {
            ring.addLast(w);
            while (ring.size() > windowsPerDevice) {
                ring.removeFirst();
            }
        }
    }

    public boolean has(String device) {
        return byDevice.containsKey(device);
    }

    /**
     * The device's recent windows as one PNG, time left to right, low frequencies at the bottom. Overlapping windows
     * contribute only the frames after the previous window's end, so the picture is a continuous stretch of time.
     */
    public Optional<byte[]> png(String device) {
        ArrayDeque<Window> ring = byDevice.get(device);
        if (ring == null) {
            return Optional.empty();
        }
        List<Window> windows;
        synchronized (ring) {
            windows = List.copyOf(ring);
        }
        if (windows.isEmpty()) {
            return Optional.empty();
        }
        int bins = windows.get(0).bins();
        int[] firstFrame = new int[windows.size()];
        int width = 0;
        long coveredUntil = Long.MIN_VALUE;
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < windows.size(); i++) {
            Window w = windows.get(i);
            double microsPerFrame = (double) (w.endMicros() - w.startMicros()) / w.frames();
            int skip = coveredUntil <= w.startMicros() ? 0
                    : (int) Math.min(w.frames(), Math.round((coveredUntil - w.startMicros()) / microsPerFrame));
            firstFrame[i] = w.bins() == bins ? skip : w.frames(); // a different feature spec (a hot swap): left out
            width += w.frames() - firstFrame[i];
            coveredUntil = Math.max(coveredUntil, w.endMicros());
            min = Math.min(min, w.min());
            max = Math.max(max, w.max());
        }
        BufferedImage img = new BufferedImage(Math.max(1, width), bins, BufferedImage.TYPE_INT_RGB);
        int x = 0;
        for (int i = 0; i < windows.size(); i++) {
            Window w = windows.get(i);
            for (int f = firstFrame[i]; f < w.frames(); f++, x++) {
                for (int b = 0; b < bins; b++) {
                    img.setRGB(x, bins - 1 - b, Colormap.rgb((w.value(f, b) - min) / (max - min)));
                }
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Optional.of(out.toByteArray());
    }

    /** A perceptually ordered dark-blue to yellow scale (anchors close to matplotlib's viridis). */
    static final class Colormap {
        private static final int[][] ANCHORS = {
                {68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}};

        static int rgb(float t) {
            float x = Math.max(0f, Math.min(1f, Float.isFinite(t) ? t : 0f)) * (ANCHORS.length - 1);
            int i = Math.min(ANCHORS.length - 2, (int) x);
            float f = x - i;
            int r = Math.round(ANCHORS[i][0] + f * (ANCHORS[i + 1][0] - ANCHORS[i][0]));
            int g = Math.round(ANCHORS[i][1] + f * (ANCHORS[i + 1][1] - ANCHORS[i][1]));
            int b = Math.round(ANCHORS[i][2] + f * (ANCHORS[i + 1][2] - ANCHORS[i][2]));
            return (r << 16) | (g << 8) | b;
        }

        private Colormap() {
        }
    }
}
