"""Small lead-score net (embeddings + MLP), its training loop and ONNX export.

    cat int64 [N, C] -> one nn.Embedding per categorical (index 0 = shared unknown bucket)
    num float32 [N, K] (already normalised) -> concat -> Linear/ReLU/Dropout x layers -> Linear -> logit
The exported graph wraps the net with a sigmoid: inputs `cat`, `num`; output `probability` [N, 1].
"""
import torch
import torch.nn as nn

from leadscore import features


class LeadScoreNet(nn.Module):
    def __init__(self, cardinalities, n_numeric, emb_dim=4, hidden=(32,), dropout=0.1):
        super().__init__()
        self.embeddings = nn.ModuleList(nn.Embedding(n, emb_dim) for n in cardinalities)
        layers, width = [], emb_dim * len(cardinalities) + n_numeric
        for h in hidden:
            layers += [nn.Linear(width, h), nn.ReLU(), nn.Dropout(dropout)]
            width = h
        layers.append(nn.Linear(width, 1))
        self.mlp = nn.Sequential(*layers)

    def forward(self, cat, num):
        """Returns logits [N, 1]."""
        parts = [emb(cat[:, i]) for i, emb in enumerate(self.embeddings)]
        return self.mlp(torch.cat(parts + [num], dim=1))


class ProbabilityModel(nn.Module):
    """What is exported: sigmoid(net(cat, num))."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, cat, num):
        return torch.sigmoid(self.net(cat, num))


def train_net(cat, num, y, cardinalities, *, emb_dim=4, hidden=(32,), dropout=0.1, unknown_dropout=0.05,
              epochs=30, batch_size=256, lr=3e-3, weight_decay=1e-4, seed=1337):
    """Fit a LeadScoreNet on encoded arrays; returns it in eval mode. Deterministic for a seed.

    unknown_dropout: during training each categorical index is replaced by the unknown bucket 0
    with this probability, so bucket 0 learns "this field is unknown" instead of staying an
    untrained random vector (in X Education some fields are never unknown, but at serving time
    a CRM sends unseen values all the time).
    """
    torch.manual_seed(seed)
    net = LeadScoreNet(cardinalities, num.shape[1], emb_dim, hidden, dropout)
    cat_t, num_t = torch.as_tensor(cat, dtype=torch.int64), torch.as_tensor(num, dtype=torch.float32)
    y_t = torch.as_tensor(y, dtype=torch.float32).reshape(-1, 1)
    opt = torch.optim.AdamW(net.parameters(), lr=lr, weight_decay=weight_decay)
    loss_fn = nn.BCEWithLogitsLoss()
    gen = torch.Generator().manual_seed(seed)
    net.train()
    for _ in range(epochs):
        order = torch.randperm(len(y_t), generator=gen)
        for start in range(0, len(order), batch_size):
            idx = order[start:start + batch_size]
            cat_b = cat_t[idx]
            if unknown_dropout > 0:
                cat_b = cat_b.masked_fill(torch.rand(cat_b.shape, generator=gen) < unknown_dropout, 0)
            loss = loss_fn(net(cat_b, num_t[idx]), y_t[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
    return net.eval()


@torch.no_grad()
def predict(net, cat, num):
    """Probabilities float32 [N] from the net in eval mode."""
    net.eval()
    logits = net(torch.as_tensor(cat, dtype=torch.int64), torch.as_tensor(num, dtype=torch.float32))
    return torch.sigmoid(logits).reshape(-1).numpy()


def export_onnx(net, n_categorical, n_numeric, path, opset=17):
    """Write the net (plus sigmoid) as ONNX with a dynamic batch axis N."""
    model = ProbabilityModel(net).eval()
    example = (torch.zeros(2, n_categorical, dtype=torch.int64), torch.zeros(2, n_numeric, dtype=torch.float32))
    torch.onnx.export(
        model, example, str(path),
        input_names=[features.INPUT_CAT, features.INPUT_NUM], output_names=[features.OUTPUT],
        dynamic_axes={features.INPUT_CAT: {0: "N"}, features.INPUT_NUM: {0: "N"}, features.OUTPUT: {0: "N"}},
        opset_version=opset, do_constant_folding=True,
    )
