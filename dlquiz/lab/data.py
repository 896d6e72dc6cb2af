"""Offline data sets: scikit-learn's bundled digits, and generated 2-D spirals.

Nothing downloads. The digits are read straight from the CSV that ships inside scikit-learn (importing
`sklearn.datasets` costs seconds on a busy 2-core machine; reading the file costs ~40 ms), falling back
to `load_digits` if the file is not where it is expected. Results are cached per process.
"""
from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

import numpy as np

N_VAL = 500  # validation examples for digits (the lab evaluates on at most this many)


@functools.lru_cache(maxsize=1)
def _digits_raw() -> tuple[np.ndarray, np.ndarray]:
    spec = importlib.util.find_spec("sklearn")
    path = None
    if spec is not None and spec.submodule_search_locations:
        path = Path(list(spec.submodule_search_locations)[0]) / "datasets" / "data" / "digits.csv.gz"
    if path is not None and path.is_file():
        raw = np.loadtxt(path, delimiter=",", dtype=np.float32)
        x, y = raw[:, :-1], raw[:, -1].astype(np.int64)
    else:  # pragma: no cover - depends on the installed scikit-learn layout
        from sklearn.datasets import load_digits

        data = load_digits()
        x, y = data.data.astype(np.float32), data.target.astype(np.int64)
    x = x / np.float32(16.0)
    x.setflags(write=False)
    y.setflags(write=False)
    return x, y


def digits(seed: int, train_size: int | None = None, label_noise: float = 0.0):
    """(x_train, y_train, x_val, y_val) as float32/int64 numpy arrays; pixels scaled to [0, 1].

    500 shuffled images are held out for validation; `train_size` keeps only that many training
    images; `label_noise` replaces that fraction of training labels with random ones.
    """
    x, y = _digits_raw()
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(x))
    x, y = x[order], y[order]
    x_val, y_val = x[:N_VAL], y[:N_VAL]
    x_tr, y_tr = x[N_VAL:], y[N_VAL:]
    if train_size is not None:
        x_tr, y_tr = x_tr[:train_size], y_tr[:train_size]
    if label_noise > 0:
        y_tr = y_tr.copy()
        flip = rng.random(len(y_tr)) < label_noise
        y_tr[flip] = rng.integers(0, 10, int(flip.sum()))
    return x_tr, y_tr, x_val, y_val


def spirals(seed: int, n_per_class: int = 300, noise: float = 0.25):
    """Two interleaved spirals in [-1, 1]²: not linearly separable, good for comparing optimisers."""
    rng = np.random.default_rng(seed)
    xs, ys = [], []
    for label, sign in ((0, 1.0), (1, -1.0)):
        t = np.sqrt(rng.random(n_per_class)) * 3 * np.pi
        pts = np.stack([sign * t * np.cos(t), sign * t * np.sin(t)], axis=1) / (3 * np.pi)
        xs.append(pts + rng.normal(0, noise / (3 * np.pi), pts.shape))
        ys.append(np.full(n_per_class, label))
    return _split(np.concatenate(xs), np.concatenate(ys), rng)


def _split(x, y, rng, val_fraction: float = 0.25):
    order = rng.permutation(len(x))
    x, y = x[order].astype(np.float32), y[order].astype(np.int64)
    n_val = int(len(x) * val_fraction)
    return x[n_val:], y[n_val:], x[:n_val], y[:n_val]

