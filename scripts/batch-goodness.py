#!/usr/bin/env python3
"""Why does a multi-scale run's batch prediction fall behind its per-sample one?

    python3 scripts/batch-goodness.py RUN.h5 [RUN.h5 ...]    (Debian: python3-h5py)

Prediction overlays each label c on every test image and scores it by the
goodness of the scored layers (Prediction.swift). Multi-scale goodness has a
batch term c_l · g_global (eq. 4): per-sample prediction replaces g_global by
the image's own mean square; batch prediction takes eq. 4 as written, the mean
square over the whole test set with label c overlaid, which is the same number
for every image: a bias per label, carrying nothing about the image.

This recomputes both predictions in NumPy from the run file's last checkpoint
on the run's test images (from the folder its data source names, else
$AMSGA_DATA/<dataset>) and prints them beside the accuracies the trainer
recorded, then each label's batch term with the per-image median of the same
term: where one label's mean sits far above its median, a few images with huge
goodness under that label set the bias for all. It reads all 10,000 test images
(about a minute on two cores for four layers of 2,000).
"""
import sys

import numpy as np

from ff_numpy import forward, goodness_weights, images, last_checkpoint, overlaid

for path in sys.argv[1:]:
    config, source, trace, weights, biases, _, step = last_checkpoint(path)
    x, y, overlay = images(config, source, "t10k")
    first = (config.get("scoredFromLayer") or 1) - 1
    count = len(weights)
    per_sample, batch = np.zeros((len(x), 10)), np.zeros((len(x), 10))
    mean_term, median_term = np.zeros(10), np.zeros(10)
    for c in range(10):
        term = np.zeros(len(x))
        for l, h in enumerate(forward(overlaid(x, c, overlay), weights, biases, config)):
            if l < first:
                continue
            w, cg = goodness_weights(h.shape[1], l / (count - 1) if count > 1 else 0, config.get("multiScaleGoodness", False))
            square = h ** 2
            part, own = square @ w, cg * square.mean(axis=1)
            per_sample[:, c] += part + own
            batch[:, c] += part
            term += own
        batch[:, c] += term.mean()
        mean_term[c], median_term[c] = term.mean(), np.median(term)
    recorded = trace.get("final_accuracy_per_sample", [np.nan] * 3)[-1], trace.get("final_accuracy_batch", [np.nan] * 3)[-1]
    print(f"{path} (step {step}, {len(x)} test images)")
    print(f"  per-sample {100 * (per_sample.argmax(1) == y).mean():.2f}% (recorded {100 * recorded[0]:.2f}%), "
          f"batch {100 * (batch.argmax(1) == y).mean():.2f}% (recorded {100 * recorded[1]:.2f}%), "
          f"batch without its g_global term {100 * ((batch - mean_term).argmax(1) == y).mean():.2f}%")
    print("  label:                     " + " ".join(f"{c:6d}" for c in range(10)))
    print("  batch term (test-set mean): " + " ".join(f"{v:6.3f}" for v in mean_term))
    print("  per-image median:           " + " ".join(f"{v:6.3f}" for v in median_term))
    print("  images batch-predicted as:  " + " ".join(f"{v:6d}" for v in np.bincount(batch.argmax(1), minlength=10)))
