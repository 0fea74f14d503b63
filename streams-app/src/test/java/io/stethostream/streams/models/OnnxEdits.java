package io.stethostream.streams.models;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Variants of the shipped model for release tests: another version, another contract, NaN weights. */
public final class OnnxEdits {

    /** The model the project ships; tests run with the module folder as working directory. */
    static final Path SHIPPED = Path.of(System.getProperty("stethostream.model", "src/test/fixtures/ast-tiny-d4-8s-2026.11.26.onnx"));

    private OnnxEdits() {
    }

    public static byte[] shipped() throws IOException {
        return Files.readAllBytes(SHIPPED);
    }

    /** The same model with one metadata value replaced. */
    public static byte[] withMetadata(byte[] model, String key, String value) throws IOException {
        ModelProto.Builder m = ModelProto.parseFrom(model).toBuilder();
        boolean found = false;
        for (int i = 0; i < m.getMetadataPropsCount(); i++) {
            if (m.getMetadataProps(i).getKey().equals(key)) {
                m.setMetadataProps(i, StringStringEntryProto.newBuilder().setKey(key).setValue(value));
                found = true;
            }
        }
        if (!found) {
            throw new IllegalArgumentException("no metadata " + key);
        }
        return m.build().toByteArray();
    }

    static String metadata(byte[] model, String key) throws IOException {
        for (StringStringEntryProto e : ModelProto.parseFrom(model).getMetadataPropsList()) {
            if (e.getKey().equals(key)) {
                return e.getValue();
            }
        }
        return null;
    }

    /** A model that loads and has the right shapes but outputs NaN: its head bias is NaN. */
    static byte[] withNaNHead(byte[] model) throws IOException {
        ModelProto.Builder m = ModelProto.parseFrom(model).toBuilder();
        var g = m.getGraphBuilder();
        for (int i = 0; i < g.getInitializerCount(); i++) {
            TensorProto t = g.getInitializer(i);
            if (t.getName().equals("head_bias")) {
                ByteBuffer b = ByteBuffer.allocate(t.getRawData().size()).order(ByteOrder.LITTLE_ENDIAN);
                while (b.hasRemaining()) {
                    b.putFloat(Float.NaN);
                }
                g.setInitializer(i, t.toBuilder().setRawData(ByteString.copyFrom(b.array())));
                return m.build().toByteArray();
            }
        }
        throw new IllegalArgumentException("no head_bias initializer");
    }
}
