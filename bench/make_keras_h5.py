#!/usr/bin/python3
"""Writes a Keras 2 full-model .h5 (the layout model.save() writes) holding a Sequential stack of
square Dense layers whose float32 weights add up to about SIZE bytes.

  /usr/bin/python3 bench/make_keras_h5.py OUT.h5 SIZE [--seed N]

SIZE: bytes, or with a unit: 10MB, 100MB (10^6), 1GiB (2^30). Weights are written in blocks of rows,
so the generator holds a few MB whatever the size. --seed changes the weights (distinct files, hence
distinct SHA-256, for the concurrent-upload bench).
"""
import json
import re
import sys

import h5py
import numpy as np

UNITS = {"": 1, "B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "KIB": 2**10, "MIB": 2**20, "GIB": 2**30}
BLOCK_BYTES = 8 << 20


def parse_size(text):
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([A-Za-z]*)", text)
    if not m or m.group(2).upper() not in UNITS:
        raise SystemExit(f"bad size {text!r}")
    return int(float(m.group(1)) * UNITS[m.group(2).upper()])


def width_for(target):
    # a handful of layers at every size: many small layers would measure per-layer overhead instead
    for w in (512, 1024, 2048, 4096):
        if target <= 24 * 4 * w * w:
            return w
    return 4096


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    seed = 42
    if "--seed" in argv:
        seed = int(argv[argv.index("--seed") + 1])
        args.remove(str(seed))
    out, target = args[0], parse_size(args[1])
    width = width_for(target)
    per_layer = 4 * (width * width + width)
    n = max(1, round(target / per_layer))
    rng = np.random.default_rng(seed)
    names = [f"dense_{i}" for i in range(n)]
    layers = [{"class_name": "InputLayer",
               "config": {"name": "input_1", "batch_input_shape": [None, width], "dtype": "float32"}}]
    for name in names:
        layers.append({"class_name": "Dense", "config": {
            "name": name, "trainable": True, "dtype": "float32", "units": width, "activation": "tanh",
            "use_bias": True,
            "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
            "bias_initializer": {"class_name": "Zeros", "config": {}},
            "kernel_regularizer": None, "bias_regularizer": None, "activity_regularizer": None,
            "kernel_constraint": None, "bias_constraint": None}})
    config = {"class_name": "Sequential", "config": {"name": "bench", "layers": layers}}
    rows = max(1, BLOCK_BYTES // (4 * width))
    with h5py.File(out, "w") as f:
        f.attrs["backend"] = b"tensorflow"
        f.attrs["keras_version"] = b"2.15.0"
        f.attrs["model_config"] = json.dumps(config).encode()
        g = f.create_group("model_weights")
        g.attrs["backend"] = b"tensorflow"
        g.attrs["keras_version"] = b"2.15.0"
        g.attrs["layer_names"] = np.array([s.encode() for s in names], dtype="S")
        for name in names:
            lg = g.create_group(name)
            lg.attrs["weight_names"] = np.array([f"{name}/kernel:0".encode(), f"{name}/bias:0".encode()])
            inner = lg.create_group(name)
            kernel = inner.create_dataset("kernel:0", shape=(width, width), dtype="<f4")
            # scaled so that tanh layers neither saturate nor vanish in the forward pass
            for r in range(0, width, rows):
                h = min(rows, width - r)
                kernel[r:r + h] = rng.standard_normal((h, width), dtype=np.float32) / np.float32(np.sqrt(width))
            inner.create_dataset("bias:0", data=np.zeros(width, dtype="<f4"))
    print(f"{out}: {n} Dense({width}) layers, {n * per_layer / 1e6:.1f} MB of weights", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv)
