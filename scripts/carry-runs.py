#!/usr/bin/env python3
"""Carries unfinished training runs from one machine to the next through git.

    python3 scripts/carry-runs.py save       copy each unfinished run file to carried/
    python3 scripts/carry-runs.py restore    copy them back into the caches     (Debian: python3-h5py)

A run resumes from the last checkpoint in its run file
(outputs/<notebook>/cache/<cell>/runs/*.run.h5), which git does not keep. On a
machine that is not kept between sessions (a cloud instance, a cluster node
whose scratch is purged) a run longer than a session would start over each
time. `save` copies every unfinished run file to carried/, at the same path
below outputs/, and removes the copies of runs that have finished since, so
that committing carried/ carries them; `restore`, on the next machine, puts
each copy back where its run will find it, unless the file there is as far
along. Then `amsga run` or `amsga sweep`, with the same parameters, resumes.

A run file is unfinished when it is complete as a file (`complete` = 1) and its
trace has no final accuracy yet; one that is not complete as a file is being
written or was cut off, and is not carried.
"""
import glob
import json
import os
import shutil
import sys

import h5py

CARRIED = "carried"


def progress(path):
    """(finished, last checkpoint's steps_done or -1), or None for a file that is not a complete run file."""
    try:
        with h5py.File(path, "r") as f:
            if f.attrs.get("complete") != 1:
                return None
            name = json.loads(f.attrs["parameters"])["name"]
            finished = "final_accuracy_per_sample" in f[f"traces/{name}"].attrs
            checkpoints = f.get(f"checkpoints/{name}")
            epochs = sorted(k for k in checkpoints if k.startswith("epoch_")) if checkpoints is not None else []
            steps = int(checkpoints[epochs[-1]].attrs["steps_done"]) if epochs else -1
            return finished, steps
    except (OSError, KeyError, ValueError) as e:
        print(f"{path}: not read as a run file ({e}); left alone", file=sys.stderr)
        return None


def copy(source, destination):
    os.makedirs(os.path.dirname(destination), exist_ok=True)
    staged = destination + f".tmp-{os.getpid()}"
    shutil.copyfile(source, staged)
    os.replace(staged, destination)


def save():
    for path in sorted(glob.glob("outputs/*/cache/*/runs/*.run.h5")):
        p = progress(path)
        if p is None or p[0]:
            continue
        copy(path, os.path.join(CARRIED, path))
        print(f"saved {path} (checkpoint at step {p[1]})" if p[1] >= 0 else f"saved {path} (no checkpoint yet)")
    for carried in sorted(glob.glob(f"{CARRIED}/outputs/*/cache/*/runs/*.run.h5")):
        original = os.path.relpath(carried, CARRIED)
        p = progress(original) if os.path.exists(original) else None
        if p is not None and p[0]:
            os.remove(carried)
            print(f"removed {carried}: its run has finished")


def restore():
    for carried in sorted(glob.glob(f"{CARRIED}/outputs/*/cache/*/runs/*.run.h5")):
        original = os.path.relpath(carried, CARRIED)
        mine = progress(carried)
        if mine is None:
            print(f"{carried}: not a complete run file; not restored", file=sys.stderr)
            continue
        there = progress(original) if os.path.exists(original) else None
        if there is not None and (there[0] or there[1] >= mine[1]):
            print(f"kept {original}: it is as far along as the carried copy")
            continue
        copy(carried, original)
        print(f"restored {original} (checkpoint at step {mine[1]})")


if __name__ == "__main__":
    os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    commands = {"save": save, "restore": restore}
    if len(sys.argv) != 2 or sys.argv[1] not in commands:
        print(__doc__.strip().splitlines()[2].strip() + "\n" + __doc__.strip().splitlines()[3].strip(), file=sys.stderr)
        sys.exit(64)
    commands[sys.argv[1]]()
