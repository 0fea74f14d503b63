package io.stethostream.protocol;

import io.stethostream.protocol.ChunkFormatException.Reason;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The audio chunk wire format, version 1 (docs/protocol.md is the reference; this class is its only implementation).
 *
 * <pre>
 * u8   format version (1)
 * u8   encoding code ({@link Encoding})
 * u8   channels (1; mono only)
 * u16  device id length, then the id in UTF-8 (1..255 bytes)
 * i64  sequence number (>= 0)
 * i64  capture time of the first sample, microseconds since the epoch
 * i32  sample rate, Hz (4000..48000)
 * u16  attribute count, then per attribute: u16 length + UTF-8 name, u16 length + UTF-8 value
 * i32  sample count (>= 1, at most 10 s)
 * ...  samples, little-endian in the given encoding
 * </pre>
 * Header integers are big-endian (network order); samples are little-endian like WAV. Nothing may follow the samples.
 */
public final class AudioChunkCodec {

    public static final int VERSION = 1;
    private static final int MAX_ID_BYTES = 255;
    private static final int MAX_ATTRIBUTES = 16;
    private static final int MAX_ATTRIBUTE_BYTES = 1024;

    private AudioChunkCodec() {
    }

    /** Encodes a chunk; samples are clipped to [-1, 1] for the PCM encodings. */
    public static byte[] encode(AudioChunk chunk) {
        byte[] id = chunk.deviceId().getBytes(StandardCharsets.UTF_8);
        if (id.length == 0 || id.length > MAX_ID_BYTES) {
            throw new IllegalArgumentException("device id must be 1.." + MAX_ID_BYTES + " UTF-8 bytes: " + chunk.deviceId());
        }
        if (chunk.sampleRate() < AudioChunk.MIN_RATE || chunk.sampleRate() > AudioChunk.MAX_RATE) {
            throw new IllegalArgumentException("sample rate " + chunk.sampleRate() + " outside "
                    + AudioChunk.MIN_RATE + ".." + AudioChunk.MAX_RATE);
        }
        int attrBytes = 2;
        for (Map.Entry<String, String> e : chunk.attributes().entrySet()) {
            attrBytes += 4 + utf8(e.getKey()).length + utf8(e.getValue()).length;
        }
        Encoding enc = chunk.encoding();
        float[] s = chunk.samples();
        ByteBuffer b = ByteBuffer.allocate(3 + 2 + id.length + 8 + 8 + 4 + attrBytes + 4 + s.length * enc.bytesPerSample());
        b.put((byte) VERSION).put((byte) enc.code()).put((byte) 1);
        b.putShort((short) id.length).put(id);
        b.putLong(chunk.sequence()).putLong(chunk.captureTimeMicros()).putInt(chunk.sampleRate());
        b.putShort((short) chunk.attributes().size());
        for (Map.Entry<String, String> e : chunk.attributes().entrySet()) {
            byte[] k = utf8(e.getKey());
            byte[] v = utf8(e.getValue());
            b.putShort((short) k.length).put(k).putShort((short) v.length).put(v);
        }
        b.putInt(s.length);
        b.order(ByteOrder.LITTLE_ENDIAN);
        for (float x : s) {
            switch (enc) {
                case PCM_S16LE -> b.putShort((short) Math.round(clip(x) * 32767f));
                case PCM_S24LE -> {
                    int v = Math.round(clip(x) * 8_388_607f);
                    b.put((byte) v).put((byte) (v >> 8)).put((byte) (v >> 16));
                }
                case FLOAT32LE -> b.putFloat(x);
            }
        }
        return b.array();
    }

    /** Decodes and validates a record value; every refusal names its {@link Reason}. */
    public static AudioChunk decode(byte[] bytes) throws ChunkFormatException {
        if (bytes == null || bytes.length == 0) {
            throw new ChunkFormatException(Reason.EMPTY, "record value is empty");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        try {
            int version = b.get() & 0xff;
            if (version != VERSION) {
                throw new ChunkFormatException(Reason.UNSUPPORTED_VERSION,
                        "format version " + version + ", this build reads version " + VERSION);
            }
            int code = b.get() & 0xff;
            Encoding enc = Encoding.ofCode(code);
            if (enc == null) {
                throw new ChunkFormatException(Reason.UNSUPPORTED_ENCODING, "encoding code " + code);
            }
            int channels = b.get() & 0xff;
            if (channels != 1) {
                throw new ChunkFormatException(Reason.UNSUPPORTED_CHANNELS, channels + " channels; only mono is accepted");
            }
            int idLen = b.getShort() & 0xffff;
            if (idLen == 0 || idLen > MAX_ID_BYTES) {
                throw new ChunkFormatException(Reason.BAD_DEVICE_ID, "device id of " + idLen + " bytes");
            }
            String device = string(b, idLen, "device id");
            long seq = b.getLong();
            if (seq < 0) {
                throw new ChunkFormatException(Reason.TRUNCATED, "negative sequence number " + seq);
            }
            long capture = b.getLong();
            int rate = b.getInt();
            if (rate < AudioChunk.MIN_RATE || rate > AudioChunk.MAX_RATE) {
                throw new ChunkFormatException(Reason.UNSUPPORTED_RATE, "sample rate " + rate + " Hz (accepted "
                        + AudioChunk.MIN_RATE + ".." + AudioChunk.MAX_RATE + ")");
            }
            int nAttr = b.getShort() & 0xffff;
            if (nAttr > MAX_ATTRIBUTES) {
                throw new ChunkFormatException(Reason.TOO_LARGE, nAttr + " attributes (at most " + MAX_ATTRIBUTES + ")");
            }
            Map<String, String> attrs = new LinkedHashMap<>();
            for (int i = 0; i < nAttr; i++) {
                String k = string(b, attrLength(b), "attribute name");
                attrs.put(k, string(b, attrLength(b), "attribute " + k));
            }
            int n = b.getInt();
            if (n <= 0) {
                throw new ChunkFormatException(Reason.EMPTY, "sample count " + n);
            }
            if (n > AudioChunk.MAX_SECONDS * rate) {
                throw new ChunkFormatException(Reason.TOO_LARGE, n + " samples at " + rate + " Hz is longer than "
                        + AudioChunk.MAX_SECONDS + " s");
            }
            long need = (long) n * enc.bytesPerSample();
            if (b.remaining() < need) {
                throw new ChunkFormatException(Reason.TRUNCATED, "header announces " + n + " samples (" + need
                        + " bytes) but " + b.remaining() + " bytes follow");
            }
            if (b.remaining() > need) {
                throw new ChunkFormatException(Reason.TRAILING_BYTES, (b.remaining() - need) + " bytes after the samples");
            }
            b.order(ByteOrder.LITTLE_ENDIAN);
            float[] s = new float[n];
            for (int i = 0; i < n; i++) {
                switch (enc) {
                    case PCM_S16LE -> s[i] = b.getShort() / 32768f;
                    case PCM_S24LE -> {
                        int v = (b.get() & 0xff) | (b.get() & 0xff) << 8 | b.get() << 16;
                        s[i] = v / 8_388_608f;
                    }
                    case FLOAT32LE -> {
                        float x = b.getFloat();
                        if (!Float.isFinite(x) || Math.abs(x) > 1.0f) {
                            throw new ChunkFormatException(Reason.NOT_FINITE, "sample " + i + " is " + x
                                    + " (float samples must be finite and within [-1, 1])");
                        }
                        s[i] = x;
                    }
                }
            }
            return new AudioChunk(device, seq, capture, rate, enc, s, attrs);
        } catch (BufferUnderflowException e) {
            throw new ChunkFormatException(Reason.TRUNCATED, "record ends inside the header after " + bytes.length + " bytes");
        }
    }

    private static int attrLength(ByteBuffer b) throws ChunkFormatException {
        int len = b.getShort() & 0xffff;
        if (len > MAX_ATTRIBUTE_BYTES) {
            throw new ChunkFormatException(Reason.TOO_LARGE, "attribute of " + len + " bytes");
        }
        return len;
    }

    private static String string(ByteBuffer b, int len, String what) throws ChunkFormatException {
        if (b.remaining() < len) {
            throw new BufferUnderflowException();
        }
        ByteBuffer slice = b.slice(b.position(), len);
        b.position(b.position() + len);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(slice).toString();
        } catch (CharacterCodingException e) {
            throw new ChunkFormatException(what.equals("device id") ? Reason.BAD_DEVICE_ID : Reason.TRUNCATED,
                    what + " is not valid UTF-8");
        }
    }

    private static byte[] utf8(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > MAX_ATTRIBUTE_BYTES) {
            throw new IllegalArgumentException("attribute longer than " + MAX_ATTRIBUTE_BYTES + " bytes");
        }
        return b;
    }

    private static float clip(float x) {
        return Math.max(-1f, Math.min(1f, x));
    }
}
