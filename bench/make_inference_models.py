#!/usr/bin/python3
"""Writes the inference benchmark's models: Keras 2 HDF5 files (model.save layout) holding a stack of
square Dense layers, about 10 MB, 100 MB and 1 GB of float32 weights. Weights are written one layer at a
time, so the generator never holds more than one layer in memory.

  /usr/bin/python3 bench/make_inference_models.py OUT_DIR
"""
import json
import os
import sys

import h5py
import numpy as np

SIZES = [("10MB", 10 * 10**6, 1120), ("100MB", 100 * 10**6, 2048), ("1GB", 1000 * 10**6, 8192)]


def main(out):
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(42)
    for label, target, width in SIZES:
        per_layer = width * width * 4 + width * 4
        n = max(1, round(target / per_layer))
        path = os.path.join(out, f"dense_{label}.h5")
        if os.path.exists(path):
            print(f"{path} exists")
            continue
        layers = [{"class_name": "InputLayer", "config": {"name": "x", "batch_input_shape": [None, width],
                                                           "dtype": "float32"}}]
        for i in range(n):
            layers.append({"class_name": "Dense", "config": {"name": f"dense_{i}", "units": width,
                                                             "activation": "tanh", "use_bias": True,
                                                             "dtype": "float32", "trainable": True}})
        cfg = {"class_name": "Sequential", "config": {"name": f"bench_{label}", "layers": layers}}
        with h5py.File(path, "w") as f:
            f.attrs["backend"] = b"tensorflow"
            f.attrs["keras_version"] = b"2.15.0"
            f.attrs["model_config"] = json.dumps(cfg).encode()
            g = f.create_group("model_weights")
            names = ["x"] + [f"dense_{i}" for i in range(n)]
            g.attrs["layer_names"] = np.array([s.encode() for s in names], dtype="S")
            g.attrs["backend"] = b"tensorflow"
            g.attrs["keras_version"] = b"2.15.0"
            g.create_group("x").attrs["weight_names"] = np.array([], dtype="S1")
            for i in range(n):
                lg = g.create_group(f"dense_{i}")
                lg.attrs["weight_names"] = np.array([f"dense_{i}/kernel:0".encode(), f"dense_{i}/bias:0".encode()])
                # scaled so that tanh layers neither saturate nor vanish
                k = (rng.standard_normal((width, width), dtype=np.float32) / np.sqrt(width)).astype(np.float32)
                lg.create_dataset(f"dense_{i}/kernel:0", data=k)
                del k
                lg.create_dataset(f"dense_{i}/bias:0", data=np.zeros(width, dtype=np.float32))
        print(f"{path}: {n} Dense({width}) layers, {os.path.getsize(path) / 1e6:.1f} MB")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "target/bench")
