"""The deep lead-score model (dataset specs), its training loop, Platt calibration and ONNX export.

    cat int64 [N, C] -> one nn.Embedding per categorical (index 0 = shared unknown bucket)
    num float32 [N, K] (normalised) -> clipped, + optional piecewise-linear bins
    seq_tokens int64 [N, L], seq_time float32 [N, L] (when the spec has a timeline) -> SequenceEncoder (GRU)
    -> concat -> MLP -> logit; the exported graph is Calibrated: probability = sigmoid(a * logit + b) [N, 1].
Input names and order: features.input_names(spec).
"""
import warnings

import numpy as np
import torch
import torch.nn as nn

from leadscore import features


class SequenceEncoder(nn.Module):
    """Activity timeline -> a fixed-size vector.

    seq_tokens int64 [N, L] (0 padding, 1 unknown, i + 2 vocabulary) -> embedding (padding row fixed at 0),
    concatenated with seq_time float32 [N, L] (normalised log1p hours before asOf) -> one GRU layer over the L
    positions, oldest first -> its final state (left padding puts the newest event last, so the final state
    has read every real event) [N, hidden].
    """

    def __init__(self, vocab_size, emb_dim=16, hidden=32):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size + 2, emb_dim, padding_idx=0)
        self.gru = nn.GRU(emb_dim + 1, hidden, batch_first=True)
        self.out_dim = hidden

    def forward(self, tokens, time):
        e = self.embedding(tokens)
        _, h = self.gru(torch.cat([e, time.unsqueeze(-1)], dim=-1))
        return h[0]


NUM_CLIP = 10.0   # normalised numerics are clipped to +-this many training standard deviations inside the graph


def bin_edges(num, bins):
    """Piecewise-linear encoding bins per numeric column from training quantiles -> (lo, width) float32 [K, bins].

    Bin t of column j covers [q_t, q_t+1) of its training quantiles; repeated quantiles (e.g. many zeros) leave
    bins that never fire (lo far above any value, width 1).
    """
    num = np.asarray(num, dtype=np.float64)
    lo = np.full((num.shape[1], bins), 1e9)
    width = np.ones((num.shape[1], bins))
    for j in range(num.shape[1]):
        edges = np.unique(np.quantile(num[:, j], np.linspace(0, 1, bins + 1)))
        n = len(edges) - 1
        lo[j, :n], width[j, :n] = edges[:-1], np.diff(edges)
    return lo.astype(np.float32), width.astype(np.float32)


class DeepLeadNet(nn.Module):
    """Categorical embeddings + normalised numerics (+ their piecewise-linear encoding) (+ the sequence encoder's
    state) -> MLP -> logit [N, 1]. Normalised numerics are first clipped to +-NUM_CLIP.

    num_bins > 0 adds, per numeric column, clip((x - lo_t) / width_t, 0, 1) for bins t from training quantiles
    (Gorishniy et al. 2022, "On embeddings for numerical features in tabular deep learning"): step-like effects
    such as "no time on the website at all" become easy for the MLP. The bins live in the graph as constants.
    """

    def __init__(self, cardinalities, n_numeric, emb_dim=4, hidden=(64,), dropout=0.1, seq_vocab=None,
                 seq_emb=16, seq_hidden=32, num_bins=None):
        super().__init__()
        self.embeddings = nn.ModuleList(nn.Embedding(n, emb_dim) for n in cardinalities)
        self.sequence = SequenceEncoder(seq_vocab, seq_emb, seq_hidden) if seq_vocab is not None else None
        self.binned = num_bins is not None and n_numeric > 0
        if self.binned:
            lo, width = num_bins
            self.register_buffer("bin_lo", torch.as_tensor(lo))
            self.register_buffer("bin_width", torch.as_tensor(width))
        width = emb_dim * len(cardinalities) + n_numeric + (self.sequence.out_dim if self.sequence else 0) + \
            (int(np.prod(num_bins[0].shape)) if self.binned else 0)
        layers = []
        for h in hidden:
            layers += [nn.Linear(width, h), nn.ReLU(), nn.Dropout(dropout)]
            width = h
        layers.append(nn.Linear(width, 1))
        self.mlp = nn.Sequential(*layers)

    def forward(self, cat, num, seq_tokens=None, seq_time=None):
        num = torch.clamp(num, -NUM_CLIP, NUM_CLIP)   # absurd inputs (a z-score of 1e6) act like +-10 sd
        parts = [emb(cat[:, i]) for i, emb in enumerate(self.embeddings)] + [num]
        if self.binned:
            parts.append(torch.clamp((num.unsqueeze(-1) - self.bin_lo) / self.bin_width, 0.0, 1.0).flatten(1))
        if self.sequence is not None:
            parts.append(self.sequence(seq_tokens, seq_time))
        return self.mlp(torch.cat(parts, dim=1))


class Ensemble(nn.Module):
    """Mean of the members' logits (members differ only in their seed)."""

    def __init__(self, nets):
        super().__init__()
        self.nets = nn.ModuleList(nets)

    def forward(self, *inputs):
        out = self.nets[0](*inputs)
        for net in self.nets[1:]:
            out = out + net(*inputs)
        return out / len(self.nets) if len(self.nets) > 1 else out


class Calibrated(nn.Module):
    """What is exported: probability = sigmoid(a * logit + b) (Platt scaling fitted on held-out rows)."""

    def __init__(self, net, a=1.0, b=0.0):
        super().__init__()
        self.net = net
        self.register_buffer("a", torch.tensor([[float(a)]], dtype=torch.float32))
        self.register_buffer("b", torch.tensor([[float(b)]], dtype=torch.float32))

    def forward(self, *inputs):
        return torch.sigmoid(self.net(*inputs) * self.a + self.b)


def _tensors(inputs):
    """(cat, num[, seq_tokens, seq_time]) numpy -> torch tensors with the graph's dtypes."""
    kinds = [torch.int64, torch.float32, torch.int64, torch.float32]
    return [torch.as_tensor(x, dtype=k) for x, k in zip(inputs, kinds)]


def train_deep(inputs, y, cardinalities, *, seq_vocab=None, emb_dim=4, hidden=(64,), dropout=0.1, seq_emb=16,
               seq_hidden=32, num_bins=0, unknown_dropout=0.05, seq_unknown_dropout=0.02, epochs=30, batch_size=256,
               lr=3e-3, weight_decay=1e-4, seed=1337):
    """Fit a DeepLeadNet on encoded inputs (cat, num[, seq_tokens, seq_time]); eval mode. Deterministic per seed.

    unknown_dropout / seq_unknown_dropout: train-time chance of replacing a categorical index by the unknown
    bucket 0 / a real event's token by the unknown token 1, so those buckets learn "unknown" (serving sees unseen
    values and activity types) instead of staying untrained vectors.
    """
    torch.manual_seed(seed)
    with_seq = seq_vocab is not None
    net = DeepLeadNet(cardinalities, inputs[1].shape[1], emb_dim, hidden, dropout,
                      seq_vocab if with_seq else None, seq_emb, seq_hidden,
                      bin_edges(inputs[1], num_bins) if num_bins else None)
    xs = _tensors(inputs if with_seq else inputs[:2])
    y_t = torch.as_tensor(np.asarray(y), dtype=torch.float32).reshape(-1, 1)
    opt = torch.optim.AdamW(net.parameters(), lr=lr, weight_decay=weight_decay)
    loss_fn = nn.BCEWithLogitsLoss()
    gen = torch.Generator().manual_seed(seed)
    net.train()
    for _ in range(epochs):
        order = torch.randperm(len(y_t), generator=gen)
        for start in range(0, len(order), batch_size):
            idx = order[start:start + batch_size]
            batch = [x[idx] for x in xs]
            if unknown_dropout > 0:
                batch[0] = batch[0].masked_fill(torch.rand(batch[0].shape, generator=gen) < unknown_dropout, 0)
            if with_seq and seq_unknown_dropout > 0:
                drop = (torch.rand(batch[2].shape, generator=gen) < seq_unknown_dropout) & (batch[2] > 1)
                batch[2] = batch[2].masked_fill(drop, 1)
            loss = loss_fn(net(*batch), y_t[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
    return net.eval()


@torch.no_grad()
def logits_of(net, inputs):
    """Raw logits float64 [N] of a net in eval mode (inputs as numpy, in graph order)."""
    net.eval()
    return net(*_tensors(inputs)).reshape(-1).double().numpy()


@torch.no_grad()
def probabilities(model, inputs):
    """Probabilities float32 [N] of an exportable model (e.g. Calibrated) in eval mode."""
    model.eval()
    return model(*_tensors(inputs)).reshape(-1).numpy()


def fit_platt(logits, y):
    """Platt scaling: (a, b) maximising the likelihood of sigmoid(a * logit + b) on held-out rows."""
    from sklearn.linear_model import LogisticRegression
    lr = LogisticRegression(C=1e6, max_iter=1000).fit(np.asarray(logits, dtype=np.float64).reshape(-1, 1),
                                                      np.asarray(y))
    return float(lr.coef_[0, 0]), float(lr.intercept_[0])


def fit_calibrated(inputs, y, cardinalities, *, calibration_fraction=0.2, ensemble=1, crossfit=0, seed=1337,
                   **kwargs):
    """A calibrated model: Platt scaling fitted on logits of rows the nets did not train on. Two ways:

    crossfit = K >= 2: K nets, net k trained on all rows but stratified fold k; Platt (a, b) fitted on the pooled
      out-of-fold logits (every row is held out once); the model averages the K nets' logits. Uses every row
      for training and for calibration, at K times the training cost.
    crossfit = 0: `ensemble` nets (seeds seed, seed + 1, ...) trained on (1 - calibration_fraction) of the rows
      (stratified), Platt fitted on the held-out rest.

    Returns (Calibrated model in eval mode, info dict).
    """
    from sklearn.model_selection import StratifiedKFold, train_test_split
    y = np.asarray(y)
    idx = np.arange(len(y))
    part = lambda rows: [x[rows] for x in inputs]  # noqa: E731
    if crossfit and crossfit >= 2:
        nets, held = [], np.zeros(len(y))
        folds = StratifiedKFold(n_splits=crossfit, shuffle=True, random_state=seed)
        for k, (fit_idx, cal_idx) in enumerate(folds.split(idx, y)):
            net = train_deep(part(fit_idx), y[fit_idx], cardinalities, seed=seed + k, **kwargs)
            held[cal_idx] = logits_of(net, part(cal_idx))
            nets.append(net)
        a, b = fit_platt(held, y)
        info = {"calibration": f"cross-fitted over {crossfit} folds", "members": crossfit,
                "fit_rows_per_member": int(len(y) - len(y) // crossfit), "calibration_rows": int(len(y))}
    else:
        fit_idx, cal_idx = train_test_split(idx, test_size=calibration_fraction, stratify=y, random_state=seed)
        nets = [train_deep(part(fit_idx), y[fit_idx], cardinalities, seed=seed + k, **kwargs)
                for k in range(ensemble)]
        a, b = fit_platt(logits_of(Ensemble(nets), part(cal_idx)), y[cal_idx])
        info = {"calibration": f"held-out {calibration_fraction:.0%} of the rows", "members": ensemble,
                "fit_rows_per_member": int(len(fit_idx)), "calibration_rows": int(len(cal_idx))}
    info.update(platt_a=a, platt_b=b)
    return Calibrated(Ensemble(nets).eval(), a, b).eval(), info


def export_model(model, spec, path, opset=17):
    """Write an exportable model (inputs in features.input_names(spec) order) as ONNX with a dynamic batch axis."""
    names = features.input_names(spec)
    c, k = len(spec["categorical"]), len(spec["numeric"])
    example = [torch.zeros(2, c, dtype=torch.int64), torch.zeros(2, k, dtype=torch.float32)]
    if "sequence" in spec:
        length = spec["sequence"]["max_length"]
        example += [torch.zeros(2, length, dtype=torch.int64), torch.zeros(2, length, dtype=torch.float32)]
    with warnings.catch_warnings():   # GRU batch-size and shape-inference notes: the graph is checked after
        warnings.simplefilter("ignore")
        _export(model, tuple(example), path, names, opset)


def _export(model, example, path, names, opset):
    torch.onnx.export(
        model.eval(), example, str(path), input_names=names, output_names=[features.OUTPUT],
        dynamic_axes={**{n: {0: "N"} for n in names}, features.OUTPUT: {0: "N"}},
        opset_version=opset, do_constant_folding=True,
    )
