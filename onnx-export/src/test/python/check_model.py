#!/usr/bin/env python3
"""Validates exported Stethostream ONNX models with onnx.checker (Debian's python3-onnx).

Usage: check_model.py FILE.onnx...

For each file: the full checker (graph, opset, types), shape inference in strict mode, the graph's input and outputs,
and the metadata keys every Stethostream model must carry (docs/onnx-model.md). Also recomputes the weights hash.
Nodes of ONNX Runtime's com.microsoft operator set (the fused export) have no schema in onnx: the checker accepts them
when the model declares that operator set, without checking their inputs or attributes; they are counted in the report.
Exit status 0 when every file passes, 1 otherwise.
"""
import hashlib
import json
import sys

import onnx
import onnx.checker
import onnx.shape_inference

REQUIRED = [
    "stethostream.format_version", "stethostream.model_name", "stethostream.model_version",
    "stethostream.labels", "stethostream.feature_spec", "stethostream.model_config",
    "stethostream.training_data", "stethostream.training_method", "stethostream.created",
    "stethostream.weights_sha256",
]


def check(path):
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
    meta = {p.key: p.value for p in model.metadata_props}
    missing = [k for k in REQUIRED if not meta.get(k)]
    if missing:
        raise ValueError("metadata missing: " + ", ".join(missing))
    spec = json.loads(meta["stethostream.feature_spec"])
    labels = json.loads(meta["stethostream.labels"])
    inputs = {i.name: [d.dim_param or d.dim_value for d in i.type.tensor_type.shape.dim] for i in model.graph.input}
    want = ["batch", 1, spec["targetFrames"], spec["melBins"]]
    if inputs.get("logmel") != want:
        raise ValueError("input logmel is %s, the feature spec says %s" % (inputs.get("logmel"), want))
    outputs = {o.name: [d.dim_param or d.dim_value for d in o.type.tensor_type.shape.dim] for o in model.graph.output}
    for name in ("logits", "probabilities"):
        if outputs.get(name) != ["batch", len(labels)]:
            raise ValueError("output %s is %s for %d labels" % (name, outputs.get(name), len(labels)))
    digest = hashlib.sha256()
    for t in model.graph.initializer:
        digest.update(t.raw_data)
    if digest.hexdigest() != meta["stethostream.weights_sha256"]:
        raise ValueError("weights hash does not match the initializers")
    contrib = {}
    for n in model.graph.node:
        if n.domain:
            key = n.domain + "." + n.op_type
            contrib[key] = contrib.get(key, 0) + 1
    return "opset %d, IR %d, %d nodes%s, %d initializers, labels %s" % (
        model.opset_import[0].version, model.ir_version, len(model.graph.node),
        "".join(" (%d %s)" % (c, k) for k, c in sorted(contrib.items())), len(model.graph.initializer), labels)


def main(paths):
    if not paths:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    failed = 0
    for path in paths:
        try:
            print("ok   %s: %s" % (path, check(path)))
        except Exception as e:  # any failure of any file is reported, then the next file is checked
            failed += 1
            print("FAIL %s: %s: %s" % (path, type(e).__name__, e))
    print("%d passed, %d failed" % (len(paths) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
