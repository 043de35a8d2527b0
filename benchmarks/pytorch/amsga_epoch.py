"""One AMSGA-MNIST epoch in PyTorch on the CPU, to compare with `amsga bench train`.

The same work as the Swift trainer's epoch (Algorithm 1, full batch): 50,000
positives and 50,000 candidate negatives through layer 1, the candidates scored
by layer-1 goodness and mined down to the kept count, then for each of the three
layers [784, 600, 600, 500]: normalise, linear + ReLU, multi-scale goodness
(local, 8 groups, batch-global term), the separate-means softplus loss at θ,
autograd backward, clipping by global norm, Adam. Inputs are random with the
real shapes (timing does not depend on the values). Not part of CI.

    python3 amsga_epoch.py [--epochs 3] [--threads 2] [--kept 30000]
"""
import argparse
import time

try:
    import torch
except ImportError:  # the benchmark is optional; say so and stop cleanly
    print("skipped: torch is not installed (pip install torch)")
    raise SystemExit(0)

SIZES = [784, 600, 600, 500]
N = 50_000
THETA = 2.0


def multiscale_goodness(h, depth):
    d = h.shape[1]
    sq = h * h
    local = sq.mean(dim=1)
    groups = torch.tensor_split(sq, min(8, d // 10), dim=1)
    inter = torch.stack([g.mean(dim=1) for g in groups], dim=1).mean(dim=1)
    glob = sq.mean()  # over the whole batch: every sample's gradient depends on it
    return (0.40 - 0.15 * depth) * local + 0.35 * inter + (0.25 + 0.15 * depth) * glob


def normalise(x):
    return x / (x.norm(dim=1, keepdim=True) + 1e-4)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--kept", type=int, default=30_000, help="negatives kept by mining")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)

    pos_in = torch.randn(N, SIZES[0])
    layers = [torch.nn.Linear(SIZES[i], SIZES[i + 1]) for i in range(3)]
    opts = [torch.optim.Adam(l.parameters(), lr=0.05) for l in layers]

    def epoch():
        neg_in = pos_in[torch.randperm(N)]  # stands in for the re-labelled candidates
        x_pos, x_neg = normalise(pos_in), normalise(neg_in)
        with torch.no_grad():  # mining: score every candidate by layer-1 goodness
            g = multiscale_goodness(torch.relu(layers[0](x_neg)), 0.0)
            keep = torch.topk(-(g - THETA).abs(), args.kept).indices.sort().values
        x_neg = x_neg[keep]
        for i, (layer, opt) in enumerate(zip(layers, opts)):
            depth = i / 2
            h_pos, h_neg = torch.relu(layer(x_pos)), torch.relu(layer(x_neg))
            loss = torch.nn.functional.softplus(THETA - multiscale_goodness(h_pos, depth)).mean() \
                + torch.nn.functional.softplus(multiscale_goodness(h_neg, depth) - THETA).mean()
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(layer.parameters(), 1.0)
            opt.step()
            x_pos, x_neg = normalise(h_pos.detach()), normalise(h_neg.detach())

    epoch()  # warm-up
    times = []
    for _ in range(args.epochs):
        t0 = time.perf_counter()
        epoch()
        times.append(time.perf_counter() - t0)
    print(f"torch {torch.__version__}, {args.threads} threads, {torch.get_num_threads()} in use; "
          f"kept negatives {args.kept}")
    print(f"pytorch amsga-mnist epoch: {sum(times) / len(times):.3f} s (mean of {args.epochs}; "
          + ", ".join(f"{t:.3f}" for t in times) + ")")


if __name__ == "__main__":
    main()
