"""Writes distinct Keras 2 .h5 models (a Sequential stack of Dense layers) for the soak driver.

Run with a Python that has h5py and numpy (Debian's /usr/bin/python3 with python3-h5py):
    /usr/bin/python3 make_models.py OUT_DIR COUNT
Sizes range from a few KB to about 1 MB, so uploads and downloads of both kinds are exercised.
"""
import json
import os
import sys

import h5py
import numpy as np


def dense_model(path, inputs, units, seed):
    rng = np.random.default_rng(seed)
    layers = [{"class_name": "InputLayer", "config": {"batch_input_shape": [None, inputs], "dtype": "float32",
                                                      "sparse": False, "ragged": False, "name": "input_1"}}]
    names = []
    for i, u in enumerate(units):
        name = "dense" if i == 0 else "dense_%d" % i
        names.append(name)
        layers.append({"class_name": "Dense", "config": {
            "name": name, "trainable": True, "dtype": "float32", "units": u,
            "activation": "softmax" if i == len(units) - 1 else "relu", "use_bias": True,
            "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
            "bias_initializer": {"class_name": "Zeros", "config": {}},
            "kernel_regularizer": None, "bias_regularizer": None, "activity_regularizer": None,
            "kernel_constraint": None, "bias_constraint": None}})
    config = {"class_name": "Sequential", "config": {"name": "sequential", "layers": layers}}
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = "2.15.0"
        f.attrs["backend"] = "tensorflow"
        f.attrs["model_config"] = json.dumps(config)
        weights = f.create_group("model_weights")
        weights.attrs["layer_names"] = np.array([n.encode() for n in names])
        weights.attrs["backend"] = "tensorflow"
        weights.attrs["keras_version"] = "2.15.0"
        previous = inputs
        for name, u in zip(names, units):
            group = weights.create_group(name)
            group.attrs["weight_names"] = np.array([(name + "/kernel:0").encode(), (name + "/bias:0").encode()])
            inner = group.create_group(name)
            inner.create_dataset("kernel:0", data=rng.normal(0, 0.1, (previous, u)).astype("float32"))
            inner.create_dataset("bias:0", data=rng.normal(0, 0.01, (u,)).astype("float32"))
            previous = u


def main():
    out, count = sys.argv[1], int(sys.argv[2])
    os.makedirs(out, exist_ok=True)
    for i in range(count):
        width = [8, 16, 32, 64, 128, 256, 480][i % 7]
        dense_model(os.path.join(out, "model-%03d.h5" % i), width, [width, 3], 1000 + i)


if __name__ == "__main__":
    main()
