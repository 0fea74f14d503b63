"""Does a model's wheeze score follow the annotated event duration? (docs/results.md, "Are crackles in the features?")

Joins `evaluate --split test --probabilities P.csv` with the test rows of a scripts/band-statistics CSV (both list
the test events in the loader's order; the labels are checked to agree) and prints the wheeze-against-normal AUC of
the model and of the duration alone, within duration bands.

usage: python3 scripts/probe/duration_join.py P.csv target/band-statistics/sprsound-s1-tile-w4.csv
"""
import csv
import sys

import numpy as np

CLASSES = ["normal", "crackle", "wheeze", "both"]


def auc(score, positive):
    ranks = score.argsort().argsort() + 1
    n1 = positive.sum()
    n0 = len(positive) - n1
    return (ranks[positive].sum() - n1 * (n1 + 1) / 2) / (n1 * n0)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    probs = list(csv.DictReader(open(sys.argv[1], newline="")))
    rows = [line.split(",", 4)[:4] for line in open(sys.argv[2]) if line.startswith("test,")]
    if len(rows) != len(probs):
        sys.exit(f"{len(probs)} model rows but {len(rows)} test rows in {sys.argv[2]}")
    y = np.array([CLASSES.index(p["label"]) for p in probs])
    if not (y == np.array([int(r[2]) for r in rows])).all():
        sys.exit("the two files list different events (labels differ)")
    duration = np.array([float(r[3]) for r in rows])
    wheeze = np.array([float(p["wheeze"]) for p in probs])
    print(f"wheeze AUC: model {auc(wheeze, y == 2):.3f}, shorter duration alone {auc(-duration, y == 2):.3f}")
    for lo, hi in [(0, 0.5), (0.5, 1.0), (1.0, 2.0)]:
        k = (duration >= lo) & (duration < hi) & ((y == 0) | (y == 2))
        print(f"events {lo}-{hi} s: wheeze vs normal AUC model {auc(wheeze[k], y[k] == 2):.3f}, duration "
              f"{auc(-duration[k], y[k] == 2):.3f} ({(y[k] == 2).sum()} wheezes, {(y[k] == 0).sum()} normals)")
    normal = y == 0
    print(f"correlation of the wheeze probability with log duration among normal events: "
          f"{np.corrcoef(wheeze[normal], np.log(duration[normal]))[0, 1]:.3f}")


if __name__ == "__main__":
    main()
