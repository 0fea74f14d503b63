package io.stethostream.onnx.export;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A thin layer over the ONNX protobuf builders: float/int64 initializers stored as little-endian raw data, nodes with
 * generated unique output names, float tensor inputs and outputs with symbolic dimensions. Keeps a SHA-256 over every
 * initializer's raw bytes in the order they are added (the "weights hash" of the model's metadata).
 */
final class GraphBuilder {

    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private final MessageDigest weightsDigest;
    private int counter;

    GraphBuilder(String name) {
        graph.setName(name);
        try {
            weightsDigest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JVM", e);
        }
    }

    /** A float32 initializer; {@code data} is row-major and must fill {@code dims}. */
    String floats(String name, float[] data, long... dims) {
        checkSize(name, data.length, dims);
        ByteBuffer buf = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(data);
        return initializer(name, TensorProto.DataType.FLOAT, buf.array(), dims);
    }

    /** An int64 initializer (shapes, indices). */
    String longs(String name, long[] data, long... dims) {
        checkSize(name, data.length, dims);
        ByteBuffer buf = ByteBuffer.allocate(8 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.asLongBuffer().put(data);
        return initializer(name, TensorProto.DataType.INT64, buf.array(), dims);
    }

    /** A float32 scalar initializer (rank 0). */
    String scalar(String name, float value) {
        return floats(name, new float[] {value});
    }

    /** An int64 scalar initializer (rank 0). */
    String scalarLong(String name, long value) {
        return longs(name, new long[] {value});
    }

    private String initializer(String name, TensorProto.DataType type, byte[] raw, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type.getNumber())
                .setRawData(ByteString.copyFrom(raw));
        for (long d : dims) {
            t.addDims(d);
        }
        graph.addInitializer(t);
        weightsDigest.update(raw);
        return name;
    }

    private static void checkSize(String name, int length, long... dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        if (n != length) {
            throw new IllegalArgumentException(name + ": " + length + " values for shape " + java.util.Arrays.toString(dims));
        }
    }

    /** Adds a node with one output, named after {@code hint}, and returns the output's name. */
    String node(String op, String hint, String[] inputs, AttributeProto... attributes) {
        String out = hint + "_" + (counter++);
        nodeTo(op, out, inputs, attributes);
        return out;
    }

    /** Adds a node whose single output has the exact name {@code out} (graph outputs). */
    String nodeTo(String op, String out, String[] inputs, AttributeProto... attributes) {
        add("", op, out, inputs, attributes);
        return out;
    }

    /** Adds a node of operator set {@code domain} ("" for the standard one), its output named after {@code hint}. */
    String nodeIn(String domain, String op, String hint, String[] inputs, AttributeProto... attributes) {
        String out = hint + "_" + (counter++);
        add(domain, op, out, inputs, attributes);
        return out;
    }

    private void add(String domain, String op, String out, String[] inputs, AttributeProto... attributes) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(out + "/" + op).addOutput(out);
        if (!domain.isEmpty()) {
            n.setDomain(domain);
        }
        for (String in : inputs) {
            n.addInput(in);
        }
        for (AttributeProto a : attributes) {
            n.addAttribute(a);
        }
        graph.addNode(n);
    }

    void input(String name, Object... dims) {
        graph.addInput(valueInfo(name, dims));
    }

    void output(String name, Object... dims) {
        graph.addOutput(valueInfo(name, dims));
    }

    /** A float tensor value: each dim a Number (fixed) or a String (symbolic, e.g. "batch"). */
    private static ValueInfoProto valueInfo(String name, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
            if (d instanceof Number n) {
                dim.setDimValue(n.longValue());
            } else {
                dim.setDimParam(d.toString());
            }
            shape.addDim(dim);
        }
        TypeProto type = TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                .setElemType(TensorProto.DataType.FLOAT.getNumber()).setShape(shape)).build();
        return ValueInfoProto.newBuilder().setName(name).setType(type).build();
    }

    static AttributeProto attr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    static AttributeProto attr(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value)
                .build();
    }

    static AttributeProto attrs(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    /** Hex SHA-256 of all initializer bytes added so far, in order. */
    String weightsSha256() {
        try {
            return HexFormat.of().formatHex(((MessageDigest) weightsDigest.clone()).digest());
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }

    GraphProto build() {
        return graph.build();
    }
}
