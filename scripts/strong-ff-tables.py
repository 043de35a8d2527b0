#!/usr/bin/env python3
"""The strong-ff tables of outputs/RESULTS.md, from the committed traces.

    python3 scripts/strong-ff-tables.py                  the study so far: one row per dataset and variant
    python3 scripts/strong-ff-tables.py TRACE.h5 [...]   each run's per-epoch table    (Debian: python3-h5py)

The notebook's Table cell prints the study once every point of its grid has
run; until then RESULTS.md quotes the points scripts/publish-strong-ff-point
has published to outputs/strong-ff/traces/. This regenerates those numbers
from the traces alone. A run's variant, dataset and seed come from the
configuration it records, not from its file name; runs on fewer than all
50,000 training images or other than 60 epochs are left out of the study's
table, as the notebook's defaults leave them out. Δ is the variant's mean minus
the preset's mean over the seeds both have, as in the Table cell.
"""
import glob
import json
import os
import statistics
import sys

import h5py
import numpy as np

COMPONENTS = {"multiScaleGoodness": "multi-scale", "negativeMining": "mining",
              "adaptiveThreshold": "adaptive-threshold", "learningRateSchedule": "schedule"}
VARIANTS = ["hinton", "multi-scale", "mining", "adaptive-threshold", "schedule", "all-four"]
DATASETS = {"mnist": "MNIST", "fashion-mnist": "Fashion-MNIST"}


def read(path):
    """(config, trace group, final per-sample [train, validation, test]) of a finished run's trace."""
    try:
        f = h5py.File(path, "r")
    except OSError as error:
        sys.exit(f"{path}: cannot be read as HDF5 ({error})")
    if "parameters" not in f.attrs or "traces" not in f:
        sys.exit(f"{path}: not an amsga run trace (no parameters attribute or /traces group)")
    config = json.loads(f.attrs["parameters"])
    trace = f["traces"][next(iter(f["traces"]))]
    if "final_accuracy_per_sample" not in trace.attrs:
        sys.exit(f"{path}: the run has not finished (no final_accuracy_per_sample)")
    return config, trace, trace.attrs["final_accuracy_per_sample"]


def variant(config):
    on = [name for key, name in COMPONENTS.items() if config.get(key)]
    return "hinton" if not on else on[0] if len(on) == 1 else "all-four" if len(on) == 4 else "+".join(on)


def pct(x):
    return f"{100 * x:.2f}%"


def study(paths):
    runs = {}
    for path in paths:
        config, _, final = read(path)
        if config.get("trainSize") or config.get("epochs") != 60:
            continue
        runs.setdefault((config["dataset"], variant(config)), {})[config["seed"]] = final[2]
    print("| dataset | variant | seeds | test, per seed | mean ± sd | Δ vs Hinton's FF (points) |")
    print("|---|---|---|---|---|---|")
    for dataset, label in DATASETS.items():
        preset = runs.get((dataset, "hinton"), {})
        for v in VARIANTS + sorted({v for d, v in runs if d == dataset and v not in VARIANTS}):
            by_seed = runs.get((dataset, v), {})
            if not by_seed:
                print(f"| {label} | {v} | — | not run yet | | |")
                continue
            seeds = sorted(by_seed)
            tests = [by_seed[s] for s in seeds]
            spread = f"{100 * np.mean(tests):.2f} ± {100 * statistics.stdev(tests):.2f}%" if len(tests) > 1 else "—"
            shared = [s for s in seeds if s in preset]
            delta = "—" if v == "hinton" or not shared else \
                f"{100 * (np.mean([by_seed[s] for s in shared]) - np.mean([preset[s] for s in shared])):+.2f}"
            print(f"| {label} | {v} | {', '.join(map(str, seeds))} | {', '.join(pct(t) for t in tests)} | {spread} | {delta} |")


def epochs(path):
    config, trace, final = read(path)
    test = trace["accuracy_per_sample_test"][:]
    batch = trace["accuracy_batch_test"][:]
    loss = trace["loss"][:]
    print(f"{path}: {variant(config)} on {config['dataset']}, seed {config['seed']}")
    print("| epoch | η | loss (mean of layers) | train (first 10,000) | validation | test (per-sample) | test (batch) |")
    print("|---|---|---|---|---|---|---|")
    for i in np.flatnonzero(~np.isnan(test)):
        print(f"| {int(trace['epoch'][i])} | {trace['learning_rate'][i]:.4f} | {np.mean(loss[i]):.3f} "
              f"| {pct(trace['accuracy_per_sample_train'][i])} | {pct(trace['accuracy_per_sample_validation'][i])} "
              f"| {pct(test[i])} | {pct(batch[i])} |")
    wall = trace["wall_seconds"][:]
    print(f"final per-sample: train {pct(final[0])} (all of them), validation {pct(final[1])}, test {pct(final[2])}; "
          f"{wall.sum():,.0f} s of epochs, median {np.median(wall):.0f} s\n")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        for path in sys.argv[1:]:
            epochs(path)
    else:
        root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "outputs", "strong-ff", "traces")
        study(sorted(glob.glob(os.path.join(root, "*.h5"))))
