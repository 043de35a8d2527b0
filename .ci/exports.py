#!/usr/bin/python3
"""Checks committed Jupyter exports against the cell states they were made from.

    .ci/exports.py outputs/*/*.ipynb

For each notebook: nbformat validates it, and every code cell's outputs are its
cell state's (outputs/<notebook>/cache/<NN-cell>/<key>/state.h5): the printed
text and tables put back together are the state's `output`, and each figure is
the entry's figure file, byte for byte (as SVG and as the <img> beside it).
"""
import base64
import glob
import os
import sys

import h5py
import nbformat


def text(value):
    return "".join(value) if isinstance(value, list) else value


def check(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    folder = os.path.dirname(path)
    problems, cells = [], 0
    for cell in nb.cells:
        meta = cell.metadata.get("amsga", {})
        if cell.cell_type != "code" or "key" not in meta:
            continue
        cells += 1
        where = f"cell {meta['cell']} ({meta['name']})"
        states = glob.glob(f"{folder}/cache/{meta['cell']:02d}-*/{meta['key'][:16]}/state.h5")
        if len(states) != 1:
            problems.append(f"{where}: no cache entry for key {meta['key'][:16]}")
            continue
        entry = os.path.dirname(states[0])
        with h5py.File(states[0], "r") as f:
            output = f.attrs["output"]
            figures = list(f.attrs["figures"]) if "figures" in f.attrs else []
        output = output.decode() if isinstance(output, bytes) else output
        figures = [x.decode() if isinstance(x, bytes) else x for x in figures]
        printed, drawn = [], []
        for o in cell.outputs:
            if o.output_type == "stream" and o.name == "stdout":
                printed.append(text(o.text).removesuffix("\n"))  # each block is printed with one line end
            elif o.output_type == "display_data" and "text/markdown" in o.data:
                printed.append(text(o.data["text/markdown"]))
            elif o.output_type == "display_data" and "image/svg+xml" in o.data:
                drawn.append((text(o.data["text/plain"]), text(o.data["image/svg+xml"]).encode(), text(o.data["text/html"])))
        if "\n".join(printed) != output.strip("\n"):
            problems.append(f"{where}: printed output differs from its state's")
        if [name for name, _, _ in drawn] != figures:
            problems.append(f"{where}: figures {[n for n, _, _ in drawn]}, its state has {figures}")
        for name, svg, html in drawn:
            on_disk = open(os.path.join(entry, "figures", name), "rb").read()
            if svg != on_disk or base64.b64encode(on_disk).decode() not in html:
                problems.append(f"{where}: figure {name} differs from {entry}/figures/{name}")
    return cells, problems


def main(paths):
    failed = 0
    for path in paths:
        cells, problems = check(path)
        print(f"{path}: valid nbformat 4, {cells} cells match their states" if not problems else f"{path}:")
        for p in problems:
            print("  error: " + p)
        failed += bool(problems)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main(sys.argv[1:])
