#!/usr/bin/python3
"""The h5py baselines: after warm-up runs in the same process, prints the seconds of each timed run.

  h5py_read.py metadata FILE RUNS   root attributes, model_config parsed, every layer's weight names
                                    and each weight's shape and dtype (what the registry records)
  h5py_read.py weights FILE RUNS    every dataset's values into a numpy array
"""
import json
import sys
import time

import h5py
import numpy as np

WARMUP = 10


def metadata(path):
    with h5py.File(path, "r") as f:
        attrs = {k: f.attrs[k] for k in f.attrs}
        json.loads(attrs["model_config"])
        g = f["model_weights"]
        shapes = []
        for layer in g.attrs["layer_names"]:
            lg = g[layer.decode()]
            for w in lg.attrs["weight_names"]:
                d = lg[w.decode()]
                shapes.append((d.shape, d.dtype))
        return shapes


def weights(path):
    total = 0
    with h5py.File(path, "r") as f:
        g = f["model_weights"]
        for layer in g.attrs["layer_names"]:
            lg = g[layer.decode()]
            for w in lg.attrs["weight_names"]:
                d = lg[w.decode()]
                a = np.empty(d.shape, dtype=d.dtype)
                d.read_direct(a)
                total += a.nbytes
    return total


def main(mode, path, runs):
    fn = metadata if mode == "metadata" else weights
    for i in range(WARMUP + int(runs)):
        t = time.perf_counter()
        fn(path)
        s = time.perf_counter() - t
        if i >= WARMUP:
            print(f"{s:.6f}")


if __name__ == "__main__":
    main(*sys.argv[1:4])
