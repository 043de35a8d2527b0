#!/usr/bin/env python3
"""How hard are a strong-FF run's hard negatives at its last checkpoint?

    python3 scripts/negative-hardness.py RUN.h5 [RUN.h5 ...]    (Debian: python3-h5py)

With `negativeLabels` predicted, the trainer draws each negative's label from
the nine wrong ones with probability ∝ exp(β · score), score = Σ over the
scored layers of the mean of squares; with `readout`, ∝ exp(z), z the softmax
read-out's logits for the image with a neutral label (docs/strong-ff.md).
This recomputes those scores in NumPy from the run file's last checkpoint for
the first 500 training images of the run's dataset (standardised with the
statistics of the first 50,000, the label overlaid at the largest standardised
pixel value, inputs normalised before every layer as the run's configuration
says) and prints the scores' accuracy and how peaked the draw is: the mean
probability of the most likely wrong label (uniform: 1/9) and the draw's mean
entropy (uniform: ln 9). A diagnostic, not part of the trainer: it needs h5py and
NumPy, and run files with checkpoints (`amsga train --out`, or a notebook's
`cache/<cell>/runs/`).
"""
import sys

import numpy as np

from ff_numpy import forward, images, last_checkpoint, normalise, overlaid

n = 500

for path in sys.argv[1:]:
    config, source, _, weights, biases, readout, step = last_checkpoint(path)
    x, y, overlay = images(config, source, "train")
    x, y = x[:n], y[:n]
    first = (config.get("scoredFromLayer") or 1) - 1
    if readout is not None:
        h = x.copy()
        h[:, :10] = overlay / 10  # the neutral label
        features = [normalise(a, config) for a in forward(h, weights, biases, config)[first:]]
        scores, beta, kind = np.concatenate(features, axis=1) @ readout, 1.0, "read-out"
    else:
        scores = np.zeros((n, 10))
        for c in range(10):
            scores[:, c] = sum((a ** 2).mean(axis=1) for a in forward(overlaid(x, c, overlay), weights, biases, config)[first:])
        beta, kind = config.get("negativeScoreScale") or 1.0, "goodness"
    top, entropy = [], []
    for i in range(n):
        s = beta * np.delete(scores[i], y[i])
        p = np.exp(s - s.max())
        p /= p.sum()
        top.append(p.max())
        entropy.append(-(p * np.log(p)).sum())
    print(f"{path} (step {step}, {kind} scores): accuracy on these {n} images {100 * (scores.argmax(1) == y).mean():.1f}%; "
          f"most likely wrong label drawn with p = {np.mean(top):.3f} (uniform {1 / 9:.3f}); "
          f"entropy {np.mean(entropy):.2f} nats (uniform {np.log(9):.2f})")
