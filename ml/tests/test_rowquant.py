"""ml/text/rowquant.py (an experiment, see docs/benchmarks.md "The ceiling: ONNX Runtime alone, and batching with one
quantization per text"): every DynamicQuantizeLinear becomes per-row arithmetic over the row's tokens and features,
every MatMulInteger that reads it loses its activation zero point and gains the correction term, whose column sums
are the weights less their zero points summed over each column; a graph of another shape is refused. These are
checks of the rewritten graph's structure and constants only: ONNX Runtime is not available to Python here, so the
graph is not run. That the rewrite is exact on the real encoder graphs is shown by EncoderRunsBenchmark
(services/benchmarks), whose setup prints the largest difference between batched and alone hidden states."""
import numpy as np
import pytest
from onnx import TensorProto, helper, numpy_helper

import rowquant


def tiny_graph(consumer="MatMulInteger"):
    rng = np.random.default_rng(3)
    weights = rng.integers(-128, 128, size=(6, 4), dtype=np.int8)
    weight_zero = rng.integers(-5, 5, size=(4,), dtype=np.int8)
    nodes = [helper.make_node("DynamicQuantizeLinear", ["x"], ["xq", "xs", "xz"], name="dq")]
    if consumer == "MatMulInteger":
        nodes.append(helper.make_node("MatMulInteger", ["xq", "w", "xz", "wz"], ["p"], name="mm"))
    else:
        nodes.append(helper.make_node("Cast", ["xq"], ["p"], name="mm", to=TensorProto.INT32))
    nodes += [helper.make_node("Cast", ["p"], ["pf"], to=TensorProto.FLOAT),
              helper.make_node("Mul", ["xs", "ws"], ["s"]),
              helper.make_node("Mul", ["pf", "s"], ["y"])]
    graph = helper.make_graph(
        nodes, "tiny",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["b", "t", 6])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["b", "t", 4])],
        [numpy_helper.from_array(weights, "w"), numpy_helper.from_array(weight_zero, "wz"),
         numpy_helper.from_array(np.full((4,), 0.01, dtype=np.float32), "ws")])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 11)]), weights, weight_zero


def test_the_rewrite_quantizes_per_row_and_its_column_sums_are_the_centred_weights():
    model, weights, weight_zero = tiny_graph()
    out = rowquant.rewrite(model)
    ops = [n.op_type for n in out.graph.node]
    assert "DynamicQuantizeLinear" not in ops
    reductions = [n for n in out.graph.node if n.op_type in ("ReduceMax", "ReduceMin")]
    assert len(reductions) == 2 and all(list(n.attribute[0].ints) == [1, 2] for n in reductions)
    matmul = next(n for n in out.graph.node if n.op_type == "MatMulInteger")
    assert matmul.input[2] == "" and matmul.input[3] == "wz"
    sums = numpy_helper.to_array(next(i for i in out.graph.initializer if i.name.endswith("_rowquant_colsum")))
    want = (weights.astype(np.int32) - weight_zero.astype(np.int32)).sum(axis=0)
    assert sums.dtype == np.int32 and sums.shape == (4,) and np.array_equal(sums, want)


def test_a_quantized_input_read_by_anything_else_is_refused():
    model, _, _ = tiny_graph(consumer="Cast")
    with pytest.raises(ValueError, match="unexpected consumer Cast"):
        rowquant.rewrite(model)
