"""Class-balanced logistic regression on per-mel-band statistics (scripts/band-statistics writes the CSV).

Prints, for the training split, the patient-disjoint validation carve and the test set: the ICBHI Score and
per-class recall of a 4-class model, and one-vs-rest AUCs, for (a) the annotated event duration alone, (b) the band
statistics, (c) only their level part (mean, sd) and (d) only their frame-difference part; then crackle against
normal among events of 0.6-1.2 s, where the duration tells the classes apart no better than chance.
Fitted by full-batch Adam on the class-weighted cross-entropy with an L2 penalty; numpy only.
"""
import sys

import numpy as np

CLASSES = ["normal", "crackle", "wheeze", "both"]
SPLITS = ["train", "validation", "test"]


def load(path):
    rows = [line.rstrip("\n").split(",") for line in open(path)]
    if not rows:
        sys.exit(f"{path}: no rows")
    split = np.array([r[0] for r in rows])
    y = np.array([int(r[2]) for r in rows])
    duration = np.array([float(r[3]) for r in rows])
    stats = np.array([[float(v) for v in r[4:]] for r in rows]).reshape(len(rows), -1, 4)
    return split, y, duration, stats


def auc(score, positive):
    ranks = score.argsort().argsort() + 1
    n1 = positive.sum()
    n0 = len(positive) - n1
    return (ranks[positive].sum() - n1 * (n1 + 1) / 2) / (n1 * n0) if n1 and n0 else float("nan")


def fit(x, y, classes, lam=1e-2, steps=1500):
    """Multinomial logistic regression, each class weighted by the inverse of its training count."""
    counts = np.bincount(y, minlength=classes)
    w = np.where(counts > 0, 1.0 / np.maximum(counts, 1), 0)[y]
    w = w / w.mean()
    targets = np.eye(classes)[y]
    W = np.zeros((x.shape[1], classes))
    m = np.zeros_like(W)
    v = np.zeros_like(W)
    for t in range(1, steps + 1):
        z = x @ W
        p = np.exp(z - z.max(1, keepdims=True))
        p /= p.sum(1, keepdims=True)
        g = x.T @ ((p - targets) * w[:, None]) / len(x) + lam * W
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        W -= 0.01 * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
    return W


def design(features, train):
    mu = features[train].mean(0)
    sd = features[train].std(0) + 1e-6
    z = (features - mu) / sd
    return np.hstack([z, np.ones((len(z), 1))])


def four_class(name, features, split, y):
    x = design(features, split == "train")
    W = fit(x[split == "train"], y[split == "train"], 4)
    print(f"{name}")
    for s in SPLITS:
        i = split == s
        z = x[i] @ W
        pred = z.argmax(1)
        yy = y[i]
        sp = (pred[yy == 0] == 0).mean()
        se = (pred[yy != 0] == yy[yy != 0]).mean()
        recall = " / ".join(f"{100 * (pred[yy == c] == c).mean():.1f}" if (yy == c).any() else "-" for c in range(4))
        logp = z - np.log(np.exp(z - z.max(1, keepdims=True)).sum(1, keepdims=True)) - z.max(1, keepdims=True)
        print(f"  {s:10s} Score {100 * (sp + se) / 2:5.2f}  recall n/c/w/b {recall}  "
              f"AUC crackle {auc(logp[:, 1], yy == 1):.3f} wheeze {auc(logp[:, 2], yy == 2):.3f}")


def crackle_vs_normal(name, features, split, y, keep):
    keep = keep & ((y == 0) | (y == 1))
    x = design(features, (split == "train") & keep)
    tr = (split == "train") & keep
    W = fit(x[tr], y[tr], 2)
    parts = []
    for s in SPLITS:
        i = (split == s) & keep
        z = x[i] @ W
        parts.append(f"{s} {auc(z[:, 1] - z[:, 0], y[i] == 1):.3f} ({(y[i] == 1).sum()} / {(y[i] == 0).sum()})")
    print(f"  {name:22s} " + ";  ".join(parts))


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: band_probe.py STATS.csv")
    split, y, duration, stats = load(sys.argv[1])
    log_duration = np.log(duration)[:, None]
    flat = stats.reshape(len(y), -1)
    print(f"{sys.argv[1]}: " + ", ".join(f"{s} {(split == s).sum()}" for s in SPLITS) + " events")
    four_class("(a) annotated duration alone", log_duration, split, y)
    four_class("(b) band statistics (mean, sd, sd of the difference, largest rise per mel bin)", flat, split, y)
    four_class("(c) level only (mean, sd)", stats[:, :, :2].reshape(len(y), -1), split, y)
    four_class("(d) frame differences only (sd of the difference, largest rise)", stats[:, :, 2:].reshape(len(y), -1),
               split, y)
    band = (duration >= 0.6) & (duration <= 1.2)
    print("crackle against normal, events of 0.6-1.2 s: AUC (crackles / normals)")
    crackle_vs_normal("duration alone", log_duration, split, y, band)
    crackle_vs_normal("band statistics", flat, split, y, band)
    crackle_vs_normal("frame differences only", stats[:, :, 2:].reshape(len(y), -1), split, y, band)


if __name__ == "__main__":
    main()
