package io.stethostream.agent.source;

import org.junit.jupiter.api.Test;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.Control;
import javax.sound.sampled.DataLine;
import javax.sound.sampled.Line;
import javax.sound.sampled.LineListener;
import javax.sound.sampled.TargetDataLine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Live capture's conversion and timing, over a fake line (this machine has no sound card). */
class LineInputSourceTest {

    private static final int RATE = 8000;

    /** A 16-bit little-endian 1 kHz sine at half scale, delivered in small reads like a real driver. */
    static final class SineLine implements TargetDataLine {
        private long frame;
        private boolean open = true;

        static short sample(long n) {
            return (short) Math.round(0.5 * 32767 * Math.sin(2 * Math.PI * 1000 * n / RATE));
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (!open) {
                return 0;
            }
            int n = Math.min(len, 96) & ~1;
            for (int i = 0; i < n; i += 2) {
                short s = sample(frame++);
                b[off + i] = (byte) s;
                b[off + i + 1] = (byte) (s >> 8);
            }
            return n;
        }

        @Override public void open(AudioFormat format, int bufferSize) { }
        @Override public void open(AudioFormat format) { }
        @Override public void open() { }
        @Override public void close() { open = false; }
        @Override public boolean isOpen() { return open; }
        @Override public void drain() { }
        @Override public void flush() { }
        @Override public void start() { }
        @Override public void stop() { }
        @Override public boolean isRunning() { return open; }
        @Override public boolean isActive() { return open; }
        @Override public AudioFormat getFormat() { return LineInputSource.format(RATE); }
        @Override public int getBufferSize() { return RATE * 2; }
        @Override public int available() { return RATE * 2; }
        @Override public int getFramePosition() { return (int) frame; }
        @Override public long getLongFramePosition() { return frame; }
        @Override public long getMicrosecondPosition() { return frame * 1_000_000 / RATE; }
        @Override public float getLevel() { return AudioSystem.NOT_SPECIFIED; }
        @Override public Line.Info getLineInfo() { return new DataLine.Info(TargetDataLine.class, getFormat()); }
        @Override public Control[] getControls() { return new Control[0]; }
        @Override public boolean isControlSupported(Control.Type control) { return false; }
        @Override public Control getControl(Control.Type control) { throw new IllegalArgumentException(); }
        @Override public void addLineListener(LineListener listener) { }
        @Override public void removeLineListener(LineListener listener) { }
    }

    @Test
    void blocksHoldExactlyOneChunkOfTheLinesSamples() {
        LineInputSource s = new LineInputSource(new SineLine(), "fake", RATE);
        long before = System.currentTimeMillis() * 1000;
        CapturedBlock a = s.next(250);
        CapturedBlock b = s.next(250);
        assertEquals(2000, a.samples().length);
        assertEquals(RATE, a.sampleRate());
        for (int i = 0; i < 2000; i++) {
            assertEquals(SineLine.sample(i) / 32768f, a.samples()[i], 1e-6f, "sample " + i);
            assertEquals(SineLine.sample(2000 + i) / 32768f, b.samples()[i], 1e-6f, "sample " + (2000 + i));
        }
        // The first sample was captured one chunk before the block was complete.
        assertTrue(Math.abs(a.captureTimeMicros() - (before - 250_000)) < 200_000, "capture time " + a.captureTimeMicros());
        assertTrue(s.describe().contains("fake") && s.describe().contains("8000 Hz"));
        s.close();
        assertNull(s.next(250), "a closed input ends the stream");
    }
}
