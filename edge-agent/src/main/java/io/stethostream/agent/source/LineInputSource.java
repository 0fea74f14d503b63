package io.stethostream.agent.source;

import io.stethostream.protocol.AudioChunk;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.DataLine;
import javax.sound.sampled.LineUnavailableException;
import javax.sound.sampled.Mixer;
import javax.sound.sampled.TargetDataLine;
import java.io.IOException;

/**
 * Live capture from a sound input (javax.sound) at its native rate, 16-bit mono. The line's own buffer holds a
 * second of audio, so a short stall of the capture thread (an fsync) loses nothing.
 */
public final class LineInputSource implements AudioSource {

    private final TargetDataLine line;
    private final String name;
    private final int rate;
    private volatile boolean closed;

    /** Over an opened and started line (tests pass a fake one). */
    LineInputSource(TargetDataLine line, String name, int rate) {
        this.line = line;
        this.name = name;
        this.rate = rate;
    }

    /**
     * Opens and starts the named input (a substring of the mixer name), or the default one when {@code name} is null.
     *
     * @throws NoSuchInputException listing the available inputs when it does not exist or there is none
     * @throws IOException          when the input exists but cannot be opened (busy, no permission)
     */
    public static LineInputSource open(String name) throws NoSuchInputException, IOException {
        Mixer mixer = SoundInputs.find(name);
        int rate = SoundInputs.nativeRate(mixer, AudioChunk.MIN_RATE, AudioChunk.MAX_RATE);
        AudioFormat format = format(rate);
        try {
            TargetDataLine line = (TargetDataLine) mixer.getLine(new DataLine.Info(TargetDataLine.class, format));
            line.open(format, rate * 2);
            line.start();
            return new LineInputSource(line, mixer.getMixerInfo().getName(), rate);
        } catch (LineUnavailableException | IllegalArgumentException e) {
            throw new IOException("cannot open sound input '" + mixer.getMixerInfo().getName() + "' at " + rate
                    + " Hz, 16-bit mono: " + e.getMessage(), e);
        }
    }

    static AudioFormat format(int rate) {
        return new AudioFormat(rate, 16, 1, true, false);
    }

    @Override
    public CapturedBlock next(int chunkMillis) {
        int frames = Math.max(1, (int) ((long) rate * chunkMillis / 1000));
        byte[] buf = new byte[frames * 2];
        int got = 0;
        while (got < buf.length && !closed) {
            int n = line.read(buf, got, buf.length - got);
            if (n <= 0 && !line.isOpen()) {
                break;
            }
            got += Math.max(0, n);
        }
        if (got < 2) {
            return null;
        }
        // The block ends now; its first sample was captured one block length ago (plus the line's latency, unknown).
        long end = System.currentTimeMillis() * 1000;
        int n = got / 2;
        float[] samples = new float[n];
        for (int i = 0; i < n; i++) {
            samples[i] = (short) ((buf[2 * i] & 0xff) | (buf[2 * i + 1] << 8)) / 32768f;
        }
        return new CapturedBlock(samples, rate, end - Math.round(n * 1e6 / rate));
    }

    @Override
    public String describe() {
        return "sound input '" + name + "' at " + rate + " Hz";
    }

    @Override
    public void close() {
        closed = true;
        line.stop();
        line.close();
    }
}
