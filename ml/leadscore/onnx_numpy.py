"""Minimal numpy evaluator for the ops the lead-score export uses.

This environment has no onnxruntime and onnx 1.12 has no ReferenceEvaluator, so this runs the
exported graph itself: Constant, Gather, Concat, Gemm, Relu, Sigmoid, Mul/Add and, for the sequence
encoder, Shape, Unsqueeze/Squeeze, Transpose, ConstantOfShape, Slice, Reshape and GRU (forward only, as
the model's unidirectional GRU exports it; gates z/r/h, linear_before_reset 0 or 1, default activations); for the
text heads (ml/text/heads.py) also Softmax (opset 13: one axis, default the last).
It is a self-check of the export, not a general runtime: any other op or GRU setting raises
NotImplementedError.

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


def _sigmoid(x):
    z = x.astype(np.float64)
    e = np.exp(-np.abs(z))   # stable for large |z|
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(x.dtype)


def _softmax(x, axis=-1):
    """Softmax as opset 13 defines it: along one axis (default the last)."""
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return (e / e.sum(axis=axis, keepdims=True)).astype(x.dtype)


def _unsqueeze(x, axes):
    out = x
    for a in sorted(int(a) % (x.ndim + len(axes)) for a in axes):
        out = np.expand_dims(out, a)
    return out


def _squeeze(x, axes=None):
    return np.squeeze(x, axis=tuple(int(a) for a in axes)) if axes is not None else np.squeeze(x)


def _slice(data, starts, ends, axes=None, steps=None):
    axes = range(len(starts)) if axes is None else axes
    steps = [1] * len(starts) if steps is None else steps
    index = [slice(None)] * data.ndim
    for s, e, a, st in zip(starts, ends, axes, steps):
        index[int(a)] = slice(int(s), int(e), int(st))
    return data[tuple(index)]


def _constant_of_shape(shape, value=None):
    fill = numpy_helper.to_array(value) if value is not None else np.zeros(1, dtype=np.float32)
    return np.full(tuple(int(d) for d in shape), fill.reshape(-1)[0], dtype=fill.dtype)


def _gru(x, w, r, b=None, sequence_lens=None, initial_h=None, *, hidden_size, linear_before_reset=0,
         direction="forward", layout=0, activations=None, clip=None, **_):
    """ONNX GRU, forward direction: X [L, N, I] (layout 0), W [1, 3H, I], R [1, 3H, H], B [1, 6H]; gates ordered
    z, r, h.

    Returns (Y [L, 1, N, H], Y_h [1, N, H]). Computed in float64, returned as float32.
    """
    if layout != 0 or sequence_lens is not None or clip is not None:
        raise NotImplementedError("GRU with layout 1, sequence_lens or clip")
    direction = direction.decode() if isinstance(direction, bytes) else direction
    if direction != "forward" or w.shape[0] != 1:
        raise NotImplementedError(f"GRU direction {direction} (the lead-score GRU is unidirectional)")
    acts = [a.decode() if isinstance(a, bytes) else a for a in (activations or [])]
    if acts and [a.lower() for a in acts] != ["sigmoid", "tanh"]:
        raise NotImplementedError(f"GRU activations {acts}")
    h_size = hidden_size
    length, batch = x.shape[0], x.shape[1]
    x = x.astype(np.float64)
    b = np.zeros(6 * h_size) if b is None else b[0].astype(np.float64)
    wz, wr, wh = np.split(w[0].astype(np.float64), 3)
    rz, rr, rh = np.split(r[0].astype(np.float64), 3)
    wbz, wbr, wbh, rbz, rbr, rbh = np.split(b, 6)
    h = np.zeros((batch, h_size)) if initial_h is None else initial_h[0].astype(np.float64)
    out = np.zeros((length, batch, h_size))
    for t in range(length):
        xt = x[t]
        z = 1.0 / (1.0 + np.exp(-(xt @ wz.T + h @ rz.T + wbz + rbz)))
        rg = 1.0 / (1.0 + np.exp(-(xt @ wr.T + h @ rr.T + wbr + rbr)))
        if linear_before_reset:
            n = np.tanh(xt @ wh.T + rg * (h @ rh.T + rbh) + wbh)
        else:
            n = np.tanh(xt @ wh.T + (rg * h) @ rh.T + rbh + wbh)
        h = (1.0 - z) * n + z * h
        out[t] = h
    return out[:, None].astype(np.float32), h[None].astype(np.float32)


OPS = {
    "Constant": lambda value: numpy_helper.to_array(value),
    "Identity": lambda x: x,
    "Gather": lambda data, idx, axis=0: np.take(data, idx, axis=axis),
    "Concat": lambda *xs, axis: np.concatenate(xs, axis=axis),
    "Gemm": _gemm,
    "MatMul": lambda a, b: a @ b,
    "Add": lambda a, b: a + b,
    "Sub": lambda a, b: a - b,
    "Mul": lambda a, b: a * b,
    "Div": lambda a, b: a / b,
    "Relu": lambda x: np.maximum(x, np.float32(0)),
    "Sigmoid": _sigmoid,
    "Softmax": _softmax,
    "Tanh": lambda x: np.tanh(x),
    "Shape": lambda x: np.array(x.shape, dtype=np.int64),
    "Unsqueeze": _unsqueeze,
    "Squeeze": _squeeze,
    "Transpose": lambda x, perm=None: np.transpose(x, perm),
    "Reshape": lambda x, shape, allowzero=0: x.reshape(
        [x.shape[i] if (d == 0 and not allowzero) else int(d) for i, d in enumerate(shape)]),
    "Slice": _slice,
    "ConstantOfShape": _constant_of_shape,
    "Cast": lambda x, to: x.astype(onnx.helper.tensor_dtype_to_np_dtype(to)),
    "GRU": _gru,
    "Clip": lambda x, lo=None, hi=None: np.clip(x, -np.inf if lo is None else lo, np.inf if hi is None else hi),
    "Flatten": lambda x, axis=1: x.reshape(int(np.prod(x.shape[:axis])), -1),
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
        args = [env[i] if i else None for i in node.input]
        while args and args[-1] is None:      # trailing optional inputs left out
            args.pop()
        out = OPS[node.op_type](*args, **_attrs(node))
        outs = out if isinstance(out, tuple) else (out,)
        for name, value in zip(node.output, outs):
            if name:
                env[name] = value
    return {o.name: env[o.name] for o in m.graph.output}
