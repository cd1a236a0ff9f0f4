"""Report plots from pooled out-of-fold predictions: roc.png, calibration.png, lift.png (matplotlib, Agg)."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.metrics import roc_auc_score, roc_curve  # noqa: E402

from leadscore import evaluate  # noqa: E402

STYLE = {"deep": ("C0", "-"), "deep_no_sequence": ("C1", "--"), "logistic_regression": ("C2", "-."),
         "gradient_boosting": ("C3", ":"), "mlp": ("C0", "-"), "mlp_no_text": ("C1", "--"),
         "logistic_regression_no_text": ("C4", ":")}


def _style(name, i):
    return STYLE.get(name, (f"C{i + 4}", "-"))


def _finish(fig, ax, path, xlabel, ylabel, title, synthetic, legend_loc="best"):
    """Axis labels, title (flagged when the data are SYNTHETIC), legend; save to path and close."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title + ("\nSYNTHETIC data" if synthetic else ""), fontsize=10)
    ax.legend(loc=legend_loc, fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def roc(path, y, oof, dataset, synthetic=False):
    fig, ax = plt.subplots(figsize=(5.5, 5))
    for i, (name, p) in enumerate(oof.items()):
        fpr, tpr, _ = roc_curve(y, p)
        color, ls = _style(name, i)
        ax.plot(fpr, tpr, color=color, ls=ls, label=f"{name} (AUC {roc_auc_score(y, p):.3f})")
    ax.plot([0, 1], [0, 1], color="grey", lw=0.8, label="chance")
    _finish(fig, ax, path, "false positive rate", "true positive rate",
            f"ROC, pooled out-of-fold predictions: {dataset}", synthetic, "lower right")


def calibration(path, y, oof, dataset, synthetic=False, bins=10, outcome="conversion"):
    """Reliability diagram: mean predicted vs observed rate in equal-width bins (evaluate.calibration_bins, the
    bins of the ECE; bins with >= 5 rows)."""
    fig, ax = plt.subplots(figsize=(5.5, 5))
    ax.plot([0, 1], [0, 1], color="grey", lw=0.8, label="perfect calibration")
    for i, (name, p) in enumerate(oof.items()):
        kept = [(m, r) for n, m, r in evaluate.calibration_bins(y, p, bins) if n >= 5]
        xs, ys = [m for m, _ in kept], [r for _, r in kept]
        color, ls = _style(name, i)
        ax.plot(xs, ys, color=color, ls=ls, marker="o", ms=3, label=name)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    _finish(fig, ax, path, "mean predicted probability", f"observed {outcome} rate",
            f"Calibration ({bins} bins), out-of-fold: {dataset}", synthetic, "upper left")


def lift(path, y, oof, dataset, synthetic=False, deciles=10, outcome="conversion"):
    """Lift per score decile (evaluate.decile_lifts: the outcome's rate in the decile / overall), best-scored decile
    first."""
    fig, ax = plt.subplots(figsize=(6, 4.5))
    width = 0.8 / max(1, len(oof))
    for i, (name, p) in enumerate(oof.items()):
        lifts = evaluate.decile_lifts(y, p, deciles)
        color, _ = _style(name, i)
        ax.bar(np.arange(1, deciles + 1) + (i - (len(oof) - 1) / 2) * width, lifts, width=width, color=color,
               label=name)
    ax.axhline(1.0, color="grey", lw=0.8)
    ax.set_xticks(range(1, deciles + 1))
    _finish(fig, ax, path, "score decile (1 = highest scores)", f"lift (decile {outcome} rate / overall)",
            f"Lift by decile, out-of-fold: {dataset}", synthetic)


def write_all(folder, y, oof, dataset, synthetic=False, outcome="conversion"):
    """The three plots; `outcome` names what y counts in the axis labels (lead score: conversion)."""
    roc(folder / "roc.png", y, oof, dataset, synthetic)
    calibration(folder / "calibration.png", y, oof, dataset, synthetic, outcome=outcome)
    lift(folder / "lift.png", y, oof, dataset, synthetic, outcome=outcome)
    return ["roc.png", "calibration.png", "lift.png"]
