"""Rewrites a dynamically quantized encoder graph so that each text of a batch is quantized on its own.

An experiment, not a serving path: it answers whether batching could make the text encoder faster without changing
any text's vector (docs/benchmarks.md, "The ceiling: ONNX Runtime alone, and batching with one quantization per
text"). The langchain4j graphs quantize
activations with `DynamicQuantizeLinear`, one uint8 scale and zero point over the whole input tensor, so a text's
vector depends on the other texts of its batch. This script replaces every such node with the same arithmetic done
per batch row (min and max over that row's tokens and features), and every `MatMulInteger` that reads it with one
that has no activation zero point, minus zero_point[row] x (the weight column sums less the weight zero points):
the same integers, so for texts of equal token count (no padding) a batched text's vector equals its vector alone.
ONNX Runtime's `MatMulInteger` takes only one activation zero point per tensor, hence the correction term.

    /usr/bin/python3 ml/text/rowquant.py IN.onnx OUT.onnx

`EncoderRunsBenchmark` (services/benchmarks) times the rewritten graph (`batchedRows`) against the original
(`oneTextPerRun`) and prints the largest difference between their hidden states, batched against alone.
"""

import argparse

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def rewrite(model: onnx.ModelProto) -> onnx.ModelProto:
    graph = model.graph
    initializers = {i.name: i for i in graph.initializer}
    consumers = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)

    added = [
        numpy_helper.from_array(np.array(0.0, dtype=np.float32), "rowquant_zero"),
        numpy_helper.from_array(np.array(255.0, dtype=np.float32), "rowquant_255"),
    ]
    nodes = []
    rewired = set()
    for node in graph.node:
        if id(node) in rewired:
            continue  # already emitted after its quantizer
        if node.op_type != "DynamicQuantizeLinear":
            nodes.append(node)
            continue
        x = node.input[0]
        quantized, scale, zero_point = node.output
        p = node.name + "_rowquant_"
        # uint8: qmin 0, qmax 255, as ONNX Runtime's DynamicQuantizeLinear. The model's opset is 11, where the
        # reductions take their axes as an attribute; rows are [batch, tokens, features].
        nodes += [
            helper.make_node("ReduceMax", [x], [p + "max"], axes=[1, 2], keepdims=1),
            helper.make_node("ReduceMin", [x], [p + "min"], axes=[1, 2], keepdims=1),
            helper.make_node("Max", [p + "max", "rowquant_zero"], [p + "max0"]),
            helper.make_node("Min", [p + "min", "rowquant_zero"], [p + "min0"]),
            helper.make_node("Sub", [p + "max0", p + "min0"], [p + "range"]),
            helper.make_node("Div", [p + "range", "rowquant_255"], [scale]),
            helper.make_node("Div", [p + "min0", scale], [p + "min_scaled"]),
            helper.make_node("Sub", ["rowquant_zero", p + "min_scaled"], [p + "zp_raw"]),
            helper.make_node("Clip", [p + "zp_raw", "rowquant_zero", "rowquant_255"], [p + "zp_clipped"]),
            helper.make_node("Round", [p + "zp_clipped"], [p + "zp"]),
            helper.make_node("Div", [x, scale], [p + "x_scaled"]),
            helper.make_node("Round", [p + "x_scaled"], [p + "x_rounded"]),
            helper.make_node("Add", [p + "x_rounded", p + "zp"], [p + "x_shifted"]),
            helper.make_node("Clip", [p + "x_shifted", "rowquant_zero", "rowquant_255"], [p + "x_clipped"]),
            helper.make_node("Cast", [p + "x_clipped"], [quantized], to=TensorProto.UINT8),
            helper.make_node("Cast", [p + "zp"], [zero_point], to=TensorProto.INT32),
        ]
        for matmul in consumers.get(quantized, []):
            if matmul.op_type != "MatMulInteger" or list(matmul.input[:1]) != [quantized] \
                    or matmul.input[2] != zero_point or matmul.input[1] not in initializers:
                raise ValueError(f"{node.name}: unexpected consumer {matmul.op_type} {list(matmul.input)}")
            weights = numpy_helper.to_array(initializers[matmul.input[1]]).astype(np.int32)
            weight_zero = numpy_helper.to_array(initializers[matmul.input[3]]).astype(np.int32)
            column_sums = matmul.name + "_rowquant_colsum"
            added.append(numpy_helper.from_array((weights - weight_zero).sum(axis=0).astype(np.int32), column_sums))
            product = matmul.output[0]
            nodes.append(helper.make_node("MatMulInteger", [quantized, matmul.input[1], "", matmul.input[3]],
                                          [product + "_rowquant_raw"], name=matmul.name))
            nodes.append(helper.make_node("Mul", [zero_point, column_sums], [product + "_rowquant_correction"]))
            nodes.append(helper.make_node("Sub", [product + "_rowquant_raw", product + "_rowquant_correction"],
                                          [product]))
            rewired.add(id(matmul))
    del graph.node[:]
    graph.node.extend(nodes)
    graph.initializer.extend(added)
    onnx.checker.check_model(model)
    return model


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("source")
    parser.add_argument("target")
    args = parser.parse_args()
    model = rewrite(onnx.load(args.source))
    onnx.save(model, args.target)
    print(f"{args.target}: {len(model.graph.node)} nodes, "
          f"{sum(n.op_type == 'DynamicQuantizeLinear' for n in model.graph.node)} DynamicQuantizeLinear left")


if __name__ == "__main__":
    main()
