"""A run file's network in NumPy, for the diagnostic scripts beside this one.

Not part of the trainer: it re-reads a run file's last checkpoint and the
images the run saw, so that a number the trainer printed can be recomputed
by other code (h5py and NumPy; Debian: python3-h5py).
"""
import gzip, json, os

import h5py
import numpy as np


def images(config, source, split):
    """Standardised images and labels of `split` ("train" or "t10k") of the run's
    dataset, with the largest standardised pixel value (the label overlay's).

    The folder is the one the run read, where it still exists, else
    $AMSGA_DATA/<dataset>. The statistics are those of the first 50,000
    training images; the trainer takes them over its seeded 50,000-image split
    (docs/reading.md, "Data"), so a recomputed accuracy can differ from the
    recorded one by an image or two."""
    folder = source.get("folder")
    if not folder or not os.path.isdir(folder):
        folder = os.path.join(os.environ.get("AMSGA_DATA", "data"), config["dataset"])
    read = lambda name, skip: np.frombuffer(gzip.open(os.path.join(folder, name)).read()[skip:], np.uint8)
    train = read("train-images-idx3-ubyte.gz", 16).reshape(-1, 784)[:50000].astype(np.float64)
    mean, std = train.mean(), train.std()
    raw = train if split == "train" else read(f"{split}-images-idx3-ubyte.gz", 16).reshape(-1, 784).astype(np.float64)
    labels = read(f"{split}-labels-idx1-ubyte.gz", 8)[: len(raw)]
    return (raw - mean) / std, labels, (train.max() - mean) / std


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


def overlaid(x, label, overlay):
    """The images with one label in the first ten pixels (docs/reading.md, "Data")."""
    h = x.copy()
    h[:, :10] = 0
    h[:, label] = overlay
    return h


def last_checkpoint(path):
    """The run's configuration, data source, trace attributes and its last
    checkpoint's weights, biases, read-out (or None) and step."""
    with h5py.File(path, "r") as f:
        config = json.loads(f.attrs["parameters"])
        source = json.loads(f.attrs["data_source"]) if "data_source" in f.attrs else {}
        (run,) = f["checkpoints"].keys()
        trace = dict(f["traces"][run].attrs) if "traces" in f and run in f["traces"] else {}
        g = f["checkpoints"][run]
        last = g[sorted(k for k in g if k.startswith("epoch"))[-1]]
        layers = sorted((k for k in last if k.startswith("layer")), key=lambda k: int(k[5:]))
        weights = [last[l]["weight"][:].astype(np.float64) for l in layers]
        biases = [last[l]["bias"][:].astype(np.float64) for l in layers]
        readout = last["readout"]["weight"][:].astype(np.float64) if "readout" in last else None
        step = int(last.name.rsplit("_", 1)[-1])
    return config, source, trace, weights, biases, readout, step


def goodness_weights(width, depth, multi_scale):
    """Per-unit weights w_j and the weight c of g_global (MultiScaleGoodness.swift,
    eq. 2–6): baseline w_j = 1/D, c = 0; multi-scale at relative depth d,
    w_j = (0.40 − 0.15 d)/D + 0.35/(K |G_k(j)|), c = 0.25 + 0.15 d."""
    if not multi_scale:
        return np.full(width, 1 / width), 0.0
    w = np.full(width, (0.40 - 0.15 * depth) / width)
    k = min(8, width // 10)
    if k < 2:  # g_inter falls back to g_local
        w += 0.35 / width
    else:
        bounds = np.cumsum([0] + [width // k + (1 if g < width % k else 0) for g in range(k)])
        for a, b in zip(bounds[:-1], bounds[1:]):
            w[a:b] += 0.35 / (k * (b - a))
    return w, 0.25 + 0.15 * depth
