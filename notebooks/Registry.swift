import Notebook

/// Every notebook `amsga` knows, by name.
public let allNotebooks: [Notebook] = [quickstart, mnist, fashionMNIST, timing, ablation, backprop]
