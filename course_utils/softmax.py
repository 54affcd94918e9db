"""Softmax, log-softmax and the softmax Jacobian.

Notation (the lecture's): logits ``z``, probabilities ``S``, classes ``K``,
batch size ``N``. The class axis is the last one unless ``axis`` says otherwise.
"""

from __future__ import annotations

import numpy as np

from ._checks import as_float_array


def _shifted(z: np.ndarray, axis: int) -> np.ndarray:
    """z - max(z): the largest logit becomes 0, so exp() can never overflow."""
    return z - np.max(z, axis=axis, keepdims=True)


def softmax(z, axis: int = -1) -> np.ndarray:
    """Turn logits into probabilities.

    S_i = exp(z_i) / sum_j exp(z_j) = exp(z_i - max z) / sum_j exp(z_j - max z)

    Subtracting max z changes nothing mathematically (it cancels between the
    numerator and the denominator) but keeps every exponent <= 0, so the result
    is finite for logits as large as 1e4 (float64) or 100 (float32).

    Shapes: ``z`` (K,) -> S (K,);  (N, K) -> (N, K); any shape, normalised
    along ``axis``. float32 input stays float32, everything else is float64.
    """
    return _softmax(as_float_array(z, "z"), axis)


def log_softmax(z, axis: int = -1) -> np.ndarray:
    """log S_i = z_i - logsumexp(z) = (z_i - max z) - log sum_j exp(z_j - max z).

    Computed without ever forming S, so log S is exact even where S rounds to 0.
    Shapes as for :func:`softmax`.
    """
    return _log_softmax(as_float_array(z, "z"), axis)


# The unchecked computations, for callers that have already validated z.


def _softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    e = _shifted(z, axis)
    np.exp(e, out=e)  # in place: one array of z's size for the whole computation
    e /= np.sum(e, axis=axis, keepdims=True)
    return e


def _log_softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    shifted = _shifted(z, axis)
    shifted -= np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))
    return shifted


def _log_softmax_at(z: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """log S_y for the class y = ``labels`` of each row: (z_y - max z) - log sum_j exp(z_j - max z).

    The same numbers as ``_log_softmax(z)`` picked at the labels, without
    storing all N x K of them. z: (K,) or (N, K); labels: () or (N,).
    """
    shifted = _shifted(z, -1)
    at_label = np.take_along_axis(shifted, labels[..., None], axis=-1)[..., 0]
    np.exp(shifted, out=shifted)  # shifted is not needed any more
    return at_label - np.log(np.sum(shifted, axis=-1))


def softmax_jacobian(z) -> np.ndarray:
    """The Jacobian of softmax, dS/dz = diag(S) - S S^T.

    Entry (i, j) is dS_i/dz_j = S_i (delta_ij - S_j): S_i (1 - S_i) on the
    diagonal, -S_i S_j off it. Row i holds the derivatives of S_i.

    Shapes: ``z`` (K,) -> (K, K);  (N, K) -> (N, K, K), one Jacobian per sample.
    """
    z = as_float_array(z, "z", max_ndim=2)
    S = _softmax(z)
    outer = S[..., :, None] * S[..., None, :]  # S S^T, batched
    return np.eye(S.shape[-1], dtype=S.dtype) * S[..., :, None] - outer
