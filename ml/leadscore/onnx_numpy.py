"""Minimal numpy evaluator for the ops the lead-score export uses.

This environment has no onnxruntime and onnx 1.12 has no ReferenceEvaluator, so this runs the
exported graph itself (Constant, Gather, Concat, Gemm, Relu, Sigmoid and a few trivial extras).
It is a self-check of the export, not a general runtime: any other op raises NotImplementedError.

    /usr/bin/python3 -c "import sys; sys.path.insert(0, 'ml'); from leadscore import onnx_numpy; \
        import numpy as np; print(onnx_numpy.run('ml/models/lead-score/v0/model.onnx', \
        np.zeros((1, 4), np.int64), np.zeros((1, 4), np.float32)))"
"""
import numpy as np
import onnx
from onnx import numpy_helper


def _attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _gemm(a, b, c=None, alpha=1.0, beta=1.0, transA=0, transB=0):
    a = a.T if transA else a
    b = b.T if transB else b
    y = np.float32(alpha) * (a @ b)
    return y + np.float32(beta) * c if c is not None else y


OPS = {
    "Constant": lambda value: numpy_helper.to_array(value),
    "Identity": lambda x: x,
    "Gather": lambda data, idx, axis=0: np.take(data, idx, axis=axis),
    "Concat": lambda *xs, axis: np.concatenate(xs, axis=axis),
    "Gemm": _gemm,
    "MatMul": lambda a, b: a @ b,
    "Add": lambda a, b: a + b,
    "Relu": lambda x: np.maximum(x, np.float32(0)),
    "Sigmoid": lambda x: (1.0 / (1.0 + np.exp(-x.astype(np.float64)))).astype(x.dtype),
}


def run(model_or_path, *inputs):
    """Evaluate the graph on positional inputs (in graph-input order); returns {output name: array}."""
    m = model_or_path if isinstance(model_or_path, onnx.ModelProto) else onnx.load(str(model_or_path))
    env = {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}
    graph_inputs = [i.name for i in m.graph.input if i.name not in env]
    if len(graph_inputs) != len(inputs):
        raise ValueError(f"graph takes {graph_inputs}, got {len(inputs)} inputs")
    env.update(zip(graph_inputs, inputs))
    for node in m.graph.node:
        if node.op_type not in OPS:
            raise NotImplementedError(f"op {node.op_type} not supported by onnx_numpy")
        out = OPS[node.op_type](*[env[i] for i in node.input if i], **_attrs(node))
        env[node.output[0]] = out
    return {o.name: env[o.name] for o in m.graph.output}
