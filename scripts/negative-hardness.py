#!/usr/bin/env python3
"""How hard are a strong-FF run's hard negatives at its last checkpoint?

    python3 scripts/negative-hardness.py RUN.h5 [RUN.h5 ...]    (MNIST from $AMSGA_DATA/mnist; Debian: python3-h5py)

With `negativeLabels` predicted, the trainer draws each negative's label from
the nine wrong ones with probability ∝ exp(β · score), score = Σ over the
scored layers of the mean of squares; with `readout`, ∝ exp(z), z the softmax
read-out's logits for the image with a neutral label (docs/strong-ff.md).
This recomputes those scores in NumPy from the run file's last checkpoint for
the first 500 MNIST training images (standardised with the statistics of the
first 50,000, the label overlaid at the largest standardised pixel value,
inputs normalised before every layer as the run's configuration says) and
prints the scores' accuracy and how peaked the draw is: the mean probability
of the most likely wrong label (uniform: 1/9) and the draw's mean entropy
(uniform: ln 9). A diagnostic, not part of the trainer: it needs h5py and
NumPy, and run files with checkpoints (`amsga train --out`, or a notebook's
`cache/<cell>/runs/`).
"""
import gzip, json, os, sys

import h5py
import numpy as np

data = os.path.join(os.environ.get("AMSGA_DATA", "data"), "mnist")
raw = np.frombuffer(gzip.open(os.path.join(data, "train-images-idx3-ubyte.gz")).read()[16:], np.uint8)
raw = raw.reshape(-1, 784).astype(np.float64)
labels = np.frombuffer(gzip.open(os.path.join(data, "train-labels-idx1-ubyte.gz")).read()[8:], np.uint8)
mean, std = raw[:50000].mean(), raw[:50000].std()
n = 500
x, y, overlay = (raw[:n] - mean) / std, labels[:n], (raw[:50000].max() - mean) / std


def normalise(h, config):
    """x · L / (‖x‖ + ε): L = 1, or √D for `inputNormalisation` unitMeanSquare."""
    length = np.sqrt(h.shape[1]) if config.get("inputNormalisation") == "unitMeanSquare" else 1.0
    return length * h / (np.linalg.norm(h, axis=1, keepdims=True) + config.get("normEpsilon", 1e-4))


def forward(h, weights, biases, config):
    """Every layer's activity h_l for inputs `h` (label pixels already set)."""
    out = []
    for w, b in zip(weights, biases):
        h = np.maximum(normalise(h, config) @ w.T + b, 0)
        out.append(h)
    return out


for path in sys.argv[1:]:
    with h5py.File(path, "r") as f:
        config = json.loads(f.attrs["parameters"])
        (run,) = f["checkpoints"].keys()
        g = f["checkpoints"][run]
        last = g[sorted(k for k in g if k.startswith("epoch"))[-1]]
        layers = sorted((k for k in last if k.startswith("layer")), key=lambda k: int(k[5:]))
        weights = [last[l]["weight"][:].astype(np.float64) for l in layers]
        biases = [last[l]["bias"][:].astype(np.float64) for l in layers]
        readout = last["readout"]["weight"][:].astype(np.float64) if "readout" in last else None
        step = last.name.rsplit("_", 1)[-1]
    first = (config.get("scoredFromLayer") or 1) - 1
    if readout is not None:
        h = x.copy()
        h[:, :10] = overlay / 10  # the neutral label
        features = [normalise(a, config) for a in forward(h, weights, biases, config)[first:]]
        scores, beta, kind = np.concatenate(features, axis=1) @ readout, 1.0, "read-out"
    else:
        scores = np.zeros((n, 10))
        for c in range(10):
            h = x.copy()
            h[:, :10] = 0
            h[:, c] = overlay
            scores[:, c] = sum((a ** 2).mean(axis=1) for a in forward(h, weights, biases, config)[first:])
        beta, kind = config.get("negativeScoreScale") or 1.0, "goodness"
    top, entropy = [], []
    for i in range(n):
        s = beta * np.delete(scores[i], y[i])
        p = np.exp(s - s.max())
        p /= p.sum()
        top.append(p.max())
        entropy.append(-(p * np.log(p)).sum())
    print(f"{path} (step {int(step)}, {kind} scores): accuracy on these {n} images {100 * (scores.argmax(1) == y).mean():.1f}%; "
          f"most likely wrong label drawn with p = {np.mean(top):.3f} (uniform {1 / 9:.3f}); "
          f"entropy {np.mean(entropy):.2f} nats (uniform {np.log(9):.2f})")
