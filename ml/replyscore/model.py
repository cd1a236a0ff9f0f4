"""The reply model: an MLP over the encoder's text vector and the encoded context, its training, Platt calibration
(leadscore's), the logistic-regression baseline on the same features, and the ONNX export.

    cat  int64   [N, C]   context categoricals (leadscore.features rules) -> one nn.Embedding each
    num  float32 [N, K]   context numerics, z-scored -> clipped to +-10 sd, + piecewise-linear bins (constants)
    text float32 [N, 384] the L2-normalised encoder vector of "{subject}\\n\\n{body}" -> Linear -> ReLU
    -> concat -> MLP -> logit; exported: probability = sigmoid(a * logit + b) [N, 1] (leadscore.model.Calibrated).

A model with text_dim 0 ignores `text` (the no-text comparison; never exported).
"""
import numpy as np
import torch
import torch.nn as nn
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import OneHotEncoder

from leadscore import model as lsmodel

INPUT_TEXT = "text"


class ReplyNet(nn.Module):
    def __init__(self, cardinalities, n_numeric, text_dim, emb_dim=4, text_hidden=32, hidden=(64,), dropout=0.2,
                 num_bins=None):
        super().__init__()
        self.embeddings = nn.ModuleList(nn.Embedding(n, emb_dim) for n in cardinalities)
        self.binned = num_bins is not None and n_numeric > 0
        if self.binned:
            lo, width = num_bins
            self.register_buffer("bin_lo", torch.as_tensor(lo))
            self.register_buffer("bin_width", torch.as_tensor(width))
        self.text = nn.Sequential(nn.Linear(text_dim, text_hidden), nn.ReLU()) if text_dim else None
        width = emb_dim * len(cardinalities) + n_numeric + (int(np.prod(num_bins[0].shape)) if self.binned else 0) \
            + (text_hidden if text_dim else 0)
        layers = []
        for h in hidden:
            layers += [nn.Linear(width, h), nn.ReLU(), nn.Dropout(dropout)]
            width = h
        layers.append(nn.Linear(width, 1))
        self.mlp = nn.Sequential(*layers)

    def forward(self, cat, num, text):
        num = torch.clamp(num, -lsmodel.NUM_CLIP, lsmodel.NUM_CLIP)
        parts = [emb(cat[:, i]) for i, emb in enumerate(self.embeddings)] + [num]
        if self.binned:
            parts.append(torch.clamp((num.unsqueeze(-1) - self.bin_lo) / self.bin_width, 0.0, 1.0).flatten(1))
        if self.text is not None:
            parts.append(self.text(text))
        return self.mlp(torch.cat(parts, dim=1))


def _tensors(inputs):
    return [torch.as_tensor(inputs[0], dtype=torch.int64), torch.as_tensor(inputs[1], dtype=torch.float32),
            torch.as_tensor(inputs[2], dtype=torch.float32)]


def train_net(inputs, y, cardinalities, *, use_text=True, emb_dim=4, text_hidden=32, hidden=(64,), dropout=0.2,
              num_bins=8, unknown_dropout=0.05, epochs=20, batch_size=256, lr=2e-3, weight_decay=1e-3, seed=1337):
    """Fit a ReplyNet on (cat, num, text) numpy inputs; eval mode. Deterministic per seed (1 thread)."""
    torch.manual_seed(seed)
    cat, num, text = inputs
    net = ReplyNet(cardinalities, num.shape[1], text.shape[1] if use_text else 0, emb_dim, text_hidden, hidden,
                   dropout, lsmodel.bin_edges(num, num_bins) if num_bins else None)
    xs = _tensors(inputs)
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
            loss = loss_fn(net(*batch), y_t[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
    return net.eval()


@torch.no_grad()
def logits_of(net, inputs):
    net.eval()
    return net(*_tensors(inputs)).reshape(-1).double().numpy()


@torch.no_grad()
def probabilities(model, inputs):
    """float32 [N] probabilities of an exportable (calibrated) model."""
    model.eval()
    return model(*_tensors(inputs)).reshape(-1).numpy()


def fit_calibrated(inputs, y, cardinalities, *, crossfit=5, seed=1337, **kwargs):
    """leadscore's cross-fitted Platt calibration: `crossfit` nets, net k trained on all rows but stratified fold k;
    Platt (a, b) (leadscore.model.fit_platt) on the pooled out-of-fold logits; the model averages the nets' logits
    (leadscore.model.Ensemble) and applies sigmoid(a * logit + b) (leadscore.model.Calibrated).
    Returns (Calibrated model in eval mode, info)."""
    y = np.asarray(y)
    part = lambda rows: [x[rows] for x in inputs]  # noqa: E731
    nets, held = [], np.zeros(len(y))
    folds = StratifiedKFold(n_splits=crossfit, shuffle=True, random_state=seed)
    for k, (fit_idx, cal_idx) in enumerate(folds.split(np.zeros(len(y)), y)):
        net = train_net(part(fit_idx), y[fit_idx], cardinalities, seed=seed + k, **kwargs)
        held[cal_idx] = logits_of(net, part(cal_idx))
        nets.append(net)
    a, b = lsmodel.fit_platt(held, y)
    info = {"calibration": f"cross-fitted over {crossfit} folds", "members": crossfit,
            "fit_rows_per_member": int(len(y) - len(y) // crossfit), "calibration_rows": int(len(y)),
            "platt_a": a, "platt_b": b}
    return lsmodel.Calibrated(lsmodel.Ensemble(nets).eval(), a, b).eval(), info


class LogisticBaseline:
    """Logistic regression on the same encoded features: one-hot categoricals, the z-scored numerics and (use_text)
    the 384 text dimensions. scikit-learn's L2 LogisticRegression (C = 1), not recalibrated (as leadscore's LR)."""

    def __init__(self, inputs, y, use_text=True, seed=1337):
        self.use_text = use_text
        self.onehot = OneHotEncoder(handle_unknown="ignore").fit(inputs[0])
        self.lr = LogisticRegression(max_iter=5000, random_state=seed).fit(self._x(inputs), np.asarray(y))

    def _x(self, inputs):
        parts = [self.onehot.transform(inputs[0]).toarray(), np.clip(inputs[1].astype(np.float64), -10, 10)]
        if self.use_text:
            parts.append(inputs[2].astype(np.float64))
        return np.hstack(parts)

    def predict(self, inputs):
        return self.lr.predict_proba(self._x(inputs))[:, 1]


def export(model, n_cat, n_num, text_dim, path, opset=17):
    """ONNX with inputs cat int64 [N, C], num float32 [N, K], text float32 [N, D]; output probability [N, 1]."""
    import warnings

    from leadscore import features
    example = (torch.zeros(2, n_cat, dtype=torch.int64), torch.zeros(2, n_num, dtype=torch.float32),
               torch.zeros(2, text_dim, dtype=torch.float32))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lsmodel._export(model, example, path, [features.INPUT_CAT, features.INPUT_NUM, INPUT_TEXT], opset)
