package io.stethostream.ingest.features;

import io.stethostream.ingest.AtomicFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** NumPy {@code .npy} (format 1.0) for 2-D float32 matrices: what the CLI writes and the golden files hold. */
public final class Npy {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([<>|]?[fi][48])'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order':\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\((\\d+),\\s*(\\d+),?\\s*\\)");

    private Npy() {
    }

    /** Writes the matrix as little-endian float32, C order, atomically. */
    public static void write(Path path, FeatureMatrix m) throws IOException {
        String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + m.frames() + ", " + m.bins() + "), }";
        int unpadded = MAGIC.length + 2 + 2 + header.length() + 1;
        int pad = (64 - unpadded % 64) % 64; // numpy aligns the data to 64 bytes
        String padded = header + " ".repeat(pad) + "\n";
        ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 4 + padded.length() + 4 * m.data().length)
                .order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) padded.length())
                .put(padded.getBytes(StandardCharsets.US_ASCII));
        b.asFloatBuffer().put(m.data());
        AtomicFiles.write(path, b.array());
    }

    /** Reads a 2-D little-endian float32 or float64 matrix in C order. */
    public static FeatureMatrix read(Path path) throws IOException {
        byte[] bytes = Files.readAllBytes(path);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes.length <= i || bytes[i] != MAGIC[i]) {
                throw new IOException(path + ": not a .npy file");
            }
        }
        int major = bytes[6];
        int headerLen = major == 1 ? b.getShort(8) & 0xFFFF : b.getInt(8);
        int dataStart = (major == 1 ? 10 : 12) + headerLen;
        String header = new String(bytes, major == 1 ? 10 : 12, headerLen, StandardCharsets.US_ASCII);
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) {
            throw new IOException(path + ": unsupported .npy header " + header.trim());
        }
        if (f.group(1).equals("True") || d.group(1).startsWith(">") || d.group(1).contains("i")) {
            throw new IOException(path + ": only little-endian float matrices in C order are supported: " + header);
        }
        int rows = Integer.parseInt(s.group(1));
        int cols = Integer.parseInt(s.group(2));
        boolean f64 = d.group(1).endsWith("8");
        long need = (long) rows * cols * (f64 ? 8 : 4);
        if (bytes.length - dataStart != need) {
            throw new IOException(path + ": expected " + need + " data bytes, found " + (bytes.length - dataStart));
        }
        float[] data = new float[rows * cols];
        b.position(dataStart);
        for (int i = 0; i < data.length; i++) {
            data[i] = f64 ? (float) b.getDouble() : b.getFloat();
        }
        return new FeatureMatrix(rows, cols, data);
    }
}
