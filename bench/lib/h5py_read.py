#!/usr/bin/python3
"""The h5py baselines: after warm-up runs in the same process, prints the seconds of each timed run.
The warm-up is the registry's (ReadBenchMain): BENCH_WARMUP_SECONDS (5) and at least 10 runs.

  h5py_read.py metadata FILE RUNS   root attributes, model_config parsed, every layer's weight names
                                    and each weight's shape and dtype (what the registry records)
  h5py_read.py weights FILE RUNS    every dataset's values into a numpy array
"""
import json
import os
import sys
import time

import h5py
import numpy as np

MIN_WARMUP_RUNS = 10
WARMUP_SECONDS = float(os.environ.get("BENCH_WARMUP_SECONDS", "5"))


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
    warm_until = time.perf_counter() + WARMUP_SECONDS
    i = 0
    while i < MIN_WARMUP_RUNS or time.perf_counter() < warm_until:
        fn(path)
        i += 1
    for _ in range(int(runs)):
        t = time.perf_counter()
        fn(path)
        print(f"{time.perf_counter() - t:.6f}")


if __name__ == "__main__":
    main(*sys.argv[1:4])
