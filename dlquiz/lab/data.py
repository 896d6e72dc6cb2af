"""Offline data sets: scikit-learn's bundled digits, and generated 2-D spirals/moons/circles."""
from __future__ import annotations

import numpy as np


def digits(seed: int, train_size: int | None = None, label_noise: float = 0.0):
    """(x_train, y_train, x_val, y_val) as float32/int64 numpy arrays; pixels scaled to [0, 1]."""
    from sklearn.datasets import load_digits

    data = load_digits()
    x = (data.data / 16.0).astype(np.float32)
    y = data.target.astype(np.int64)
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(x))
    x, y = x[order], y[order]
    n_val = 500
    x_val, y_val = x[:n_val], y[:n_val]
    x_tr, y_tr = x[n_val:], y[n_val:]
    if train_size is not None:
        x_tr, y_tr = x_tr[:train_size], y_tr[:train_size]
    if label_noise > 0:
        y_tr = y_tr.copy()
        flip = rng.random(len(y_tr)) < label_noise
        y_tr[flip] = rng.integers(0, 10, flip.sum())
    return x_tr, y_tr, x_val, y_val


def spirals(seed: int, n_per_class: int = 300, noise: float = 0.25):
    """Two interleaved spirals: not linearly separable, good for comparing optimisers."""
    rng = np.random.default_rng(seed)
    t = np.sqrt(rng.random(n_per_class)) * 3 * np.pi
    xs, ys = [], []
    for label, sign in ((0, 1.0), (1, -1.0)):
        pts = np.stack([sign * t * np.cos(t), sign * t * np.sin(t)], axis=1) / (3 * np.pi)
        xs.append(pts + rng.normal(0, noise / 3 / np.pi * 3, pts.shape))
        ys.append(np.full(n_per_class, label))
    return _split(np.concatenate(xs), np.concatenate(ys), rng)


def moons(seed: int, n: int = 600, noise: float = 0.15):
    from sklearn.datasets import make_moons

    x, y = make_moons(n, noise=noise, random_state=seed)
    return _split(x, y, np.random.default_rng(seed))


def circles(seed: int, n: int = 600, noise: float = 0.1):
    from sklearn.datasets import make_circles

    x, y = make_circles(n, noise=noise, factor=0.5, random_state=seed)
    return _split(x, y, np.random.default_rng(seed))


def _split(x, y, rng, val_fraction: float = 0.25):
    order = rng.permutation(len(x))
    x, y = x[order].astype(np.float32), y[order].astype(np.int64)
    n_val = int(len(x) * val_fraction)
    return x[n_val:], y[n_val:], x[:n_val], y[:n_val]


DATASETS = {"digits": digits, "spirals": spirals, "moons": moons, "circles": circles}
