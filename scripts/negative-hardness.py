#!/usr/bin/env python3
"""How hard are a strong-FF run's hard negatives at its last checkpoint?

    python3 scripts/negative-hardness.py RUN.h5 [RUN.h5 ...]    (MNIST from $AMSGA_DATA/mnist; Debian: python3-h5py)

The trainer draws each negative's label from the nine wrong ones with
probability ∝ exp(score), score = Σ over the scored layers (2–4) of the mean of
squares (docs/strong-ff.md). This recomputes those scores in NumPy from the run
file's last checkpoint for the first 500 MNIST training images (standardised
with the statistics of the first 50,000, the label overlaid at the largest
standardised pixel value, inputs length-normalised before every layer) and
prints how peaked the draw is: the mean probability of the most likely wrong
label (uniform: 1/9) and the draw's mean entropy (uniform: ln 9). A diagnostic,
not part of the trainer: it needs h5py and NumPy, and run files with checkpoints
(`amsga train --out`, or a notebook's `cache/<cell>/runs/`).
"""
import gzip, os, sys

import h5py
import numpy as np

data = os.path.join(os.environ.get("AMSGA_DATA", "data"), "mnist")
raw = np.frombuffer(gzip.open(os.path.join(data, "train-images-idx3-ubyte.gz")).read()[16:], np.uint8)
raw = raw.reshape(-1, 784).astype(np.float64)
labels = np.frombuffer(gzip.open(os.path.join(data, "train-labels-idx1-ubyte.gz")).read()[8:], np.uint8)
mean, std = raw[:50000].mean(), raw[:50000].std()
n = 500
x, y, overlay = (raw[:n] - mean) / std, labels[:n], (raw[:50000].max() - mean) / std

for path in sys.argv[1:]:
    with h5py.File(path, "r") as f:
        (run,) = f["checkpoints"].keys()
        g = f["checkpoints"][run]
        last = g[sorted(k for k in g if k.startswith("epoch"))[-1]]
        layers = sorted(k for k in last if k.startswith("layer"))
        weights = [last[l]["weight"][:].astype(np.float64) for l in layers]
        biases = [last[l]["bias"][:].astype(np.float64) for l in layers]
        step = last.name.rsplit("_", 1)[-1]
    scores = np.zeros((n, 10))
    for c in range(10):
        h = x.copy()
        h[:, :10] = 0
        h[:, c] = overlay
        for l, (w, b) in enumerate(zip(weights, biases)):
            h = h / (np.linalg.norm(h, axis=1, keepdims=True) + 1e-4)
            h = np.maximum(h @ w.T + b, 0)
            if l >= 1:
                scores[:, c] += (h ** 2).mean(axis=1)
    top, entropy = [], []
    for i in range(n):
        s = np.delete(scores[i], y[i])
        p = np.exp(s - s.max())
        p /= p.sum()
        top.append(p.max())
        entropy.append(-(p * np.log(p)).sum())
    print(f"{path} (step {int(step)}): accuracy on these {n} images {100 * (scores.argmax(1) == y).mean():.1f}%; "
          f"most likely wrong label drawn with p = {np.mean(top):.3f} (uniform {1 / 9:.3f}); "
          f"entropy {np.mean(entropy):.2f} nats (uniform {np.log(9):.2f})")
