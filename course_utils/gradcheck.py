"""Finite-difference gradients and the relative error used to compare gradients."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ._checks import as_float_array, check_callable, positive_number, same_shape


def numerical_gradient(f: Callable[[np.ndarray], float], x, eps: float = 1e-6) -> np.ndarray:
    """Central-difference gradient of a scalar function ``f`` at ``x``.

    df/dx_k ~ (f(x + eps e_k) - f(x - eps e_k)) / (2 eps)

    The error is O(eps^2) from truncation plus O(machine eps / eps) from
    rounding; eps = 1e-6 balances the two in float64 (about 1e-10 on O(1)
    values). ``x`` may have any shape; the result has the same shape and is
    float64. ``x`` itself is never modified: ``f`` is called on a copy.
    Costs 2 * x.size calls of ``f``.
    """
    check_callable(f, "f", "a callable returning a scalar")
    eps = positive_number(eps, "eps")
    x = as_float_array(x, "x", min_ndim=0).astype(np.float64)  # a private float64 copy
    grad = np.zeros_like(x)
    flat, g = x.reshape(-1), grad.reshape(-1)
    for k in range(flat.size):
        original = flat[k]
        flat[k] = original + eps
        f_plus = _scalar(f(x))
        flat[k] = original - eps
        f_minus = _scalar(f(x))
        flat[k] = original
        g[k] = (f_plus - f_minus) / (2 * eps)
    return grad


def _scalar(value) -> float:
    arr = np.asarray(value)
    if arr.size != 1:
        raise ValueError(f"f must return a scalar, got an array of shape {arr.shape}")
    return float(arr.reshape(()))


def relative_error(a, b) -> float:
    """max|a - b| / max(|a| + |b|): 0 for identical arrays, about 1e-10 or less for a good gradient check.

    ``a`` and ``b`` must have the same shape: no broadcasting, so a (K,) gradient
    is never silently compared against an (N, K) one. Two all-zero arrays give
    0.0 (the 0/0 case); whenever the numerator is non-zero so is the denominator.
    Rule of thumb adapted from CS231n (which uses an elementwise relative error, never
    smaller than this one): for smooth functions < 1e-7 good, 1e-4..1e-2 uncomfortable,
    > 1e-2 probably wrong.
    """
    a = as_float_array(a, "a", min_ndim=0).astype(np.float64)
    b = as_float_array(b, "b", min_ndim=0).astype(np.float64)
    same_shape(a, b, "a and b")
    numerator = np.max(np.abs(a - b))
    if numerator == 0:
        return 0.0
    return float(numerator / np.max(np.abs(a) + np.abs(b)))
