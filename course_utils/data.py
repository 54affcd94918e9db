"""A seeded 2-D, K-class toy dataset that no linear model can separate: interleaved spirals."""

from __future__ import annotations

import numpy as np

from ._checks import each, integer, non_negative_number
from ._checks import seed as check_seed


def make_spirals(
    n_per_class: int = 60, K: int = 3, noise: float = 0.15, turns: float = 0.75, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """K interleaved spiral arms in the plane, one arm per class (after CS231n's toy data).

    Point j of arm k sits at radius r_j = j / (n - 1) and angle
    theta_j = 2 pi (turns * r_j + k / K) + noise * r_j * N(0, 1),
    so every arm starts at the centre and winds ``turns`` of a revolution outwards; a straight
    line (a linear softmax classifier) cannot separate them, a hidden layer can.

    Returns ``X`` of shape (N, 2) with N = K * n_per_class, every coordinate in [-1, 1], and
    integer ``labels`` of shape (N,) with values 0..K-1, sorted by class. Same ``seed``, same data.
    """
    n_per_class, K = each(integer, {"n_per_class": n_per_class, "K": K}, low=2)  # 2 points, 2 classes
    noise, turns = each(non_negative_number, {"noise": noise, "turns": turns})
    rng = np.random.default_rng(check_seed(seed))
    r = np.linspace(0.0, 1.0, n_per_class)
    X = np.empty((K * n_per_class, 2))
    labels = np.repeat(np.arange(K), n_per_class)
    for k in range(K):
        theta = 2 * np.pi * (turns * r + k / K) + noise * r * rng.standard_normal(n_per_class)
        X[k * n_per_class : (k + 1) * n_per_class] = np.column_stack([r * np.cos(theta), r * np.sin(theta)])
    return X, labels
