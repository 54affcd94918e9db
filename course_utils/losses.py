"""One-hot labels, categorical cross-entropy and its gradient with respect to the logits.

Notation (the lecture's): logits ``z``, probabilities ``S = softmax(z)``, labels
``y``, classes ``K``, batch size ``N``. One sample is a row of length K; a batch
is an (N, K) array. Natural log throughout.

Labels ``y`` come in two forms, told apart by their shape:

* a label array of the same shape as S (or z): one-hot rows such as
  [0, 0, 1], or soft labels such as [0.1, 0.2, 0.7];
* integer class labels of shape (N,) for a batch, or a plain int for one
  sample: ``2`` means the same as [0, 0, 1].
"""

from __future__ import annotations

import numpy as np

from ._checks import (
    as_float_array,
    check_finite,
    check_reduction,
    class_labels,
    positive_int,
    probabilities,
)
from .softmax import _log_softmax, _log_softmax_at, _softmax


def one_hot(labels, num_classes: int) -> np.ndarray:
    """Integer class labels -> one-hot rows: y[..., c] = 1 if c == label else 0.

    Shapes: an int -> (K,);  (N,) -> (N, K);  any shape (...) -> (..., K).
    float64, with K = ``num_classes``.
    """
    num_classes = positive_int(num_classes, "num_classes")
    labels = class_labels(labels, num_classes)
    return np.eye(num_classes, dtype=np.float64)[labels]


def _resolve_labels(y, shape: tuple, ref: str):
    """Return ("index", int labels of shape[:-1]) or ("dense", float labels of ``shape``)."""
    if y is None or isinstance(y, (str, bytes)):
        raise TypeError(f"y must be labels (an array like {ref}, or integer class labels), got {y!r}")
    y_shape = np.shape(y)
    if y_shape == shape:
        y = as_float_array(y, "y")
        if np.any(y < 0):
            raise ValueError(f"y has negative entries (min {y.min():.3g}); labels must be >= 0")
        return "dense", y
    if y_shape == shape[:-1]:
        return "index", class_labels(y, shape[-1], name="y")
    if len(y_shape) == len(shape) and y_shape[:-1] == shape[:-1]:
        why = f"y has {y_shape[-1]} classes per row but {ref} has K={shape[-1]}"
    elif len(shape) == 2 and len(y_shape) >= 1 and y_shape[0] != shape[0]:
        why = f"y has {y_shape[0]} samples but {ref} has N={shape[0]}"
    else:
        why = f"y has shape {y_shape}, which fits neither"
    raise ValueError(
        f"{why}. y must have {ref}'s shape {shape} (one-hot or soft labels) "
        f"or shape {shape[:-1]} (integer class labels)"
    )


def _per_sample_nll(log_S: np.ndarray, kind: str, y: np.ndarray) -> np.ndarray:
    """-sum_i y_i log S_i for each sample, with 0 * log 0 taken as 0."""
    if kind == "index":
        return -np.take_along_axis(log_S, y[..., None], axis=-1)[..., 0]
    terms = np.multiply(y, log_S, out=np.zeros(np.broadcast_shapes(y.shape, log_S.shape)), where=y != 0)
    return -terms.sum(axis=-1)


def _reduce(losses: np.ndarray, reduction: str):
    if losses.ndim == 0:
        return float(losses)
    if reduction == "mean":
        return float(losses.mean())
    if reduction == "sum":
        return float(losses.sum())
    return losses


def cross_entropy(S, y, reduction: str = "mean"):
    """The lecture's categorical cross-entropy from probabilities: Loss = -sum_{i=1}^K y_i log S_i.

    ``S``: probabilities, (K,) for one sample or (N, K) for a batch; entries in
    [0, 1], rows summing to 1 (within 1e-6, or 4 eps sqrt(K) when that is wider: a float32
    softmax over many classes). ``y``: labels (see module docstring).
    ``reduction`` over the batch, as in PyTorch: "mean" (the sum divided by N),
    "sum", or "none" (one loss per sample, shape (N,)). One 1-D sample always
    gives a float.

    Terms with y_i = 0 contribute 0 even where S_i = 0. A probability of exactly
    0 at a class with y_i > 0 gives ``inf`` (log 0), without a warning: the model
    was certain and wrong. Prefer :func:`cross_entropy_with_logits` when you
    have logits: it never takes the log of a rounded probability.
    """
    check_reduction(reduction)
    S = probabilities(S, "S")
    kind, y = _resolve_labels(y, S.shape, "S")
    with np.errstate(divide="ignore"):  # log 0 = -inf is the documented answer
        log_S = np.log(S)
    return _reduce(_per_sample_nll(log_S, kind, y), reduction)


def cross_entropy_with_logits(z, y, reduction: str = "mean"):
    """Cross-entropy straight from logits: Loss = -sum_i y_i log_softmax(z)_i.

    log S_i = z_i - logsumexp(z) is computed directly, so the loss is finite
    and exact even when S_i would round to 0. Shapes, labels and ``reduction``
    as in :func:`cross_entropy`; ``z`` is (K,) or (N, K).
    """
    check_reduction(reduction)
    z = as_float_array(z, "z", max_ndim=2)
    kind, y = _resolve_labels(y, z.shape, "z")
    if kind == "index":  # only log S at the true class is needed: -log S_y
        return _reduce(-_log_softmax_at(z, y), reduction)
    return _reduce(_per_sample_nll(_log_softmax(z), kind, y), reduction)


def cross_entropy_grad(z, y, reduction: str = "mean") -> np.ndarray:
    """dLoss/dz of :func:`cross_entropy_with_logits`, one row per sample.

    Per sample, with S = softmax(z):  dLoss/dz_m = S_m * sum_i y_i - y_m,
    which is the lecture's S_m - y_m whenever the labels sum to 1 (one-hot or
    proper soft labels). Labels whose rows do not sum to 1 get the general form.
    "mean" divides every row by N (the loss is averaged over N samples);
    "sum" does not; "none" gives row n = dLoss_n/dz_n, the same numbers as "sum".

    Shapes: ``z`` (K,) -> (K,);  (N, K) -> (N, K).
    """
    check_reduction(reduction)
    z = as_float_array(z, "z", max_ndim=2)
    kind, y = _resolve_labels(y, z.shape, "z")
    S = _softmax(z)
    if kind == "index":
        grad = S  # S - one_hot(y), without building the one-hot array
        if z.ndim == 1:
            grad[y] -= 1
        else:
            grad[np.arange(z.shape[0]), y] -= 1
    else:
        grad = (S * y.sum(axis=-1, keepdims=True) - y).astype(z.dtype, copy=False)
    if reduction == "mean" and z.ndim == 2:
        grad /= z.shape[0]
    return grad


# The fused loss and gradient: what training calls, the two definitions above in one pass.


def cross_entropy_with_logits_and_grad(z, y, reduction: str = "mean") -> tuple:
    """The loss and dLoss/dz together: ``(cross_entropy_with_logits(z, y, reduction),
    cross_entropy_grad(z, y, reduction))``, from one exp of the logits.

    Per sample, with m = max_i z_i, e_i = exp(z_i - m) and s = sum_i e_i:

        log S_i  = (z_i - m) - log s           S_i = e_i / s
        Loss     = -sum_i y_i log S_i  = (sum_i y_i) log s - sum_i y_i (z_i - m)
        dLoss/dz = S * sum_i y_i - y           (S - y for labels that sum to 1)

    Labels, shapes and ``reduction`` as in :func:`cross_entropy_with_logits` and
    :func:`cross_entropy_grad`; the gradient has z's shape and dtype and equals theirs to
    rounding (S * sum y - y is formed as e * (sum y / s) - y, one multiplication per entry, in
    the gradient's own buffer). NaN or inf in z is refused without an extra pass over it: NaN and
    +inf show in the row maxima m, -inf in the minimum of z - m.
    """
    check_reduction(reduction)
    z = as_float_array(z, "z", max_ndim=2, finite=False)  # finiteness: checked block by block
    kind, y = _resolve_labels(y, z.shape, "z")
    z2 = z.reshape(-1, z.shape[-1])  # one sample (K,) is a batch of one
    y2 = y.reshape(z2.shape[0], -1) if kind == "dense" else y.reshape(-1)
    N, K = z2.shape
    scale = 1.0 / N if reduction == "mean" and z.ndim == 2 else 1.0  # the mean's 1/N, in the gradient too
    grad = np.empty_like(z2)
    losses = _loss_and_grad_rows(z2, kind, y2, grad, scale)
    return _reduce(losses.reshape(z.shape[:-1]), reduction), grad.reshape(z.shape)


def _loss_and_grad_rows(z: np.ndarray, kind: str, y: np.ndarray, out: np.ndarray, scale: float):
    """Rows z (N, K) with labels y: write ``scale`` * dLoss/dz into ``out``, return the N losses."""
    m = z.max(axis=1, keepdims=True)  # NaN if a row holds a NaN, inf if it holds +inf
    if not np.all(np.isfinite(m)):
        check_finite(z.max(), "z")
    shifted = np.subtract(z, m, out=out)  # z - m <= 0: exp cannot overflow
    extreme = not np.isfinite(shifted.min())  # -inf in z, or finite logits 1e308 apart
    if extreme:
        check_finite(z.min(), "z")
    if kind == "index":
        rows = np.arange(z.shape[0])
        y_dot_shifted = shifted[rows, y]  # sum_i y_i (z_i - m) for one-hot y
        y_sum = 1.0
    elif extreme:  # z_i - m = -inf somewhere: leave out the terms with y_i = 0 (0 log 0 = 0)
        y_dot_shifted = -_per_sample_nll(shifted, kind, y)
        y_sum = y.sum(axis=1)
    else:
        y_dot_shifted = np.einsum("nk,nk->n", y, shifted)
        y_sum = y.sum(axis=1)
    e = np.exp(shifted, out=out)
    s = e.sum(axis=1)
    loss = y_sum * np.log(s) - y_dot_shifted
    e *= ((y_sum * scale) / s)[:, None]  # scale * S * sum_i y_i, with S = e / s
    if kind == "index":
        e[rows, y] -= scale
    else:
        e -= y * scale if scale != 1.0 else y
    return loss
