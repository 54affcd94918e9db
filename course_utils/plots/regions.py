"""Decision regions: a grid over the data's plane and the colours of the probabilities on it.

Shared by the BackpropExplorer's live panel and notebook 04's static figure.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .colors import class_colors


def region_bounds(X: np.ndarray, pad: float = 0.12) -> tuple[float, float, float, float]:
    """(x_min, x_max, y_min, y_max) of the points X (N, 2), padded: the area the decision regions cover."""
    return (X[:, 0].min() - pad, X[:, 0].max() + pad, X[:, 1].min() - pad, X[:, 1].max() + pad)


def grid_points(bounds: Sequence[float], n: int) -> np.ndarray:
    """An n x n grid over bounds = (x_min, x_max, y_min, y_max) as (n * n, 2) points, row-major from y_min."""
    x0, x1, y0, y1 = bounds
    gx, gy = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    return np.column_stack([gx.ravel(), gy.ravel()])


def region_colors(S: np.ndarray, n: int) -> np.ndarray:
    """Probabilities S (n * n, K) on a grid -> an (n, n, 3) image: each class's tint weighted by S_k."""
    tint = 1.0 - 0.45 * (1.0 - class_colors(S.shape[1]))  # light versions of the class colours
    return np.clip(S @ tint, 0.0, 1.0).reshape(n, n, 3)
