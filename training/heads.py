"""Training the detector's heads with torch: small MLPs with early stopping on the tune split,
converted to `mtfix.detector.mlp.MLP` (numpy) for the runtime."""

from __future__ import annotations

import sys
from dataclasses import dataclass

import numpy as np

from mtfix.detector.mlp import MLP


@dataclass
class FitSettings:
    hidden: int = 256  # 0: a linear model
    epochs: int = 30
    batch: int = 512
    lr: float = 1e-3
    weight_decay: float = 1e-4
    dropout: float = 0.1
    patience: int = 4
    seed: int = 0


def standardiser(x: np.ndarray, weight: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    mean = np.average(x, axis=0, weights=weight).astype(np.float32)
    var = np.average((x - mean) ** 2, axis=0, weights=weight)
    scale = np.sqrt(var).astype(np.float32)
    scale[scale < 1e-6] = 1.0
    return mean, scale


def fit_mlp(x: np.ndarray, targets: np.ndarray, masks: np.ndarray, weights: np.ndarray,
            tune: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray], losses: tuple[str, ...],
            settings: FitSettings = FitSettings(), log=sys.stderr) -> MLP:
    """Fit outputs (one per entry of LOSSES: 'bce' or 'mse'; or LOSSES = ('softmax',): one-hot
    TARGETS over all outputs) on rows X with MASKS (1 where the target is known) and row
    WEIGHTS; stop when the tune loss stops falling."""
    import torch

    torch.manual_seed(settings.seed)
    mean, scale = standardiser(x[: min(len(x), 200_000)].astype(np.float32))

    def prepare(a):
        return torch.from_numpy(np.clip((a.astype(np.float32) - mean) / scale, -6, 6))

    outputs = targets.shape[1]
    if settings.hidden:
        model = torch.nn.Sequential(torch.nn.Dropout(settings.dropout * 0.5), torch.nn.Linear(x.shape[1], settings.hidden),
                                    torch.nn.ReLU(), torch.nn.Dropout(settings.dropout),
                                    torch.nn.Linear(settings.hidden, outputs))
    else:
        model = torch.nn.Sequential(torch.nn.Linear(x.shape[1], outputs))
    optimiser = torch.optim.AdamW(model.parameters(), lr=settings.lr, weight_decay=settings.weight_decay)
    tx, ty, tm, tw = tune
    tune_x, tune_y, tune_m, tune_w = prepare(tx), torch.from_numpy(ty.astype(np.float32)), \
        torch.from_numpy(tm.astype(np.float32)), torch.from_numpy(tw.astype(np.float32))

    def loss_of(out, y, m, w):
        if losses == ("softmax",):  # one class per row: cross-entropy over all outputs
            per = -(torch.log_softmax(out, dim=1) * y).sum(1)
            return (per * w).sum() / torch.clamp(w.sum(), min=1e-6)
        total = 0.0
        for k, kind in enumerate(losses):
            if kind == "bce":
                per = torch.nn.functional.binary_cross_entropy_with_logits(out[:, k], y[:, k], reduction="none")
            else:
                per = (out[:, k] - y[:, k]) ** 2
            total = total + (per * m[:, k] * w).sum() / torch.clamp((m[:, k] * w).sum(), min=1e-6)
        return total

    rng = np.random.default_rng(settings.seed)
    best, best_state, waited = float("inf"), None, 0
    for epoch in range(settings.epochs):
        model.train()
        order = rng.permutation(len(x))
        for begin in range(0, len(order), settings.batch):
            rows = np.sort(order[begin:begin + settings.batch])
            out = model(prepare(x[rows]))
            loss = loss_of(out, torch.from_numpy(targets[rows].astype(np.float32)),
                           torch.from_numpy(masks[rows].astype(np.float32)),
                           torch.from_numpy(weights[rows].astype(np.float32)))
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
        model.eval()
        with torch.no_grad():
            tune_loss = float(loss_of(model(tune_x), tune_y, tune_m, tune_w))
        print(f"  epoch {epoch + 1}: tune loss {tune_loss:.4f}", file=log, flush=True)
        if tune_loss < best - 1e-4:
            best, waited = tune_loss, 0
            best_state = {k: v.clone() for k, v in model.state_dict().items()}
        else:
            waited += 1
            if waited >= settings.patience:
                break
    model.load_state_dict(best_state)
    linears = [m for m in model if isinstance(m, torch.nn.Linear)]
    return MLP(mean, scale, [l.weight.detach().numpy().T.copy() for l in linears],
               [l.bias.detach().numpy().copy() for l in linears])
