"""How good, and how honest, a classifier's probabilities are: scores and calibration.

Everything here works on what the course already has: logits z (N, K) from an
:class:`~course_utils.network.MLP`, S = softmax(z) (N, K), integer labels y (N,). Notation as in
the rest of the package (z, S, y, K, N; natural log). Notebook 06 uses them on the digits.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import (
    as_float_array,
    check_label_range,
    class_labels,
    integer_labels,
    positive_int,
    positive_number,
    positive_range,
    probabilities,
)
from .losses import cross_entropy_with_logits


def confusion_matrix(labels, predicted, K: int) -> np.ndarray:
    """C (K, K) int64: C[i, j] = how many samples of true class i were predicted as class j.

    The diagonal holds the correct predictions, so trace(C) / N is the accuracy; row i sums to
    the number of samples of class i.
    """
    K = positive_int(K, "K")
    labels = integer_labels(labels, "labels")
    predicted = integer_labels(predicted, "predicted")
    if labels.ndim != 1 or labels.shape != predicted.shape:
        raise ValueError(
            f"labels and predicted must be 1-D of the same length, got {labels.shape} and {predicted.shape}"
        )
    check_label_range(labels, K, "labels")
    check_label_range(predicted, K, "predicted")
    C = np.zeros((K, K), dtype=np.int64)
    np.add.at(C, (labels, predicted), 1)
    return C


def _probs_and_labels(S, labels) -> tuple[np.ndarray, np.ndarray]:
    S = probabilities(S, "S", max_ndim=2).astype(np.float64, copy=False)
    if S.ndim != 2:
        raise ValueError(f"S must have shape (N, K), one row of probabilities per sample, got {S.shape}")
    return S, class_labels(labels, S.shape[1], S.shape[0], rows="S")


@dataclass(frozen=True)
class Reliability:
    """A reliability diagram's numbers for n_bins equal-width confidence bins over [0, 1].

    ``edges`` (n_bins + 1,); per bin b: ``counts[b]`` samples whose confidence max_i S_i falls in
    it, their mean ``confidence[b]`` and their ``accuracy[b]`` (NaN where a bin is empty).
    ``ece`` = sum_b counts[b] / N * |accuracy[b] - confidence[b]|, the expected calibration error.
    """

    edges: np.ndarray
    counts: np.ndarray
    confidence: np.ndarray
    accuracy: np.ndarray
    ece: float


def reliability(S, labels, n_bins: int = 10) -> Reliability:
    """Is S calibrated? Of the samples predicted with confidence about p, are about p right?

    Confidence of sample n: max_i S_n,i; correct: argmax_i S_n,i == labels[n]. Bins are
    [0, 1/B), [1/B, 2/B), ..., [(B-1)/B, 1]. A calibrated model has accuracy = confidence in
    every bin (the diagonal of the diagram) and ECE 0. ``S`` (N, K), ``labels`` (N,).
    """
    S, labels = _probs_and_labels(S, labels)
    n_bins = positive_int(n_bins, "n_bins")
    confidence = S.max(axis=1)
    correct = (S.argmax(axis=1) == labels).astype(np.float64)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    which = np.clip((confidence * n_bins).astype(np.int64), 0, n_bins - 1)
    counts = np.bincount(which, minlength=n_bins)
    conf_sum = np.bincount(which, weights=confidence, minlength=n_bins)
    correct_sum = np.bincount(which, weights=correct, minlength=n_bins)
    filled = counts > 0
    mean_conf = np.full(n_bins, np.nan)
    mean_acc = np.full(n_bins, np.nan)
    mean_conf[filled] = conf_sum[filled] / counts[filled]
    mean_acc[filled] = correct_sum[filled] / counts[filled]
    ece = float(np.sum(np.abs(correct_sum[filled] - conf_sum[filled])) / len(labels))
    return Reliability(edges, counts, mean_conf, mean_acc, ece)


def fit_temperature(z, labels, t_min: float = 0.05, t_max: float = 20.0, tol: float = 1e-6) -> float:
    """The temperature T in [t_min, t_max] that minimises the mean NLL of softmax(z / T) on (z, labels).

    NLL(T) = mean_n -log softmax(z_n / T)_{y_n}. As a function of beta = 1 / T it is convex
    (beta z_y minus a log-sum-exp of beta z), so a golden-section search on beta finds the
    minimum to ``tol`` in beta. Fit it on validation data, never on the test data. Dividing by
    T > 0 keeps the order of the logits: the predictions (argmax) do not change, only how sure
    S is. ``z`` (N, K) logits, ``labels`` (N,) integer classes.
    """
    z = as_float_array(z, "z", min_ndim=2, max_ndim=2).astype(np.float64, copy=False)
    labels = class_labels(labels, z.shape[1], z.shape[0], rows="z")
    t_min, t_max = positive_range(t_min, t_max, ("t_min", "t_max"))
    tol = positive_number(tol, "tol")

    def nll(beta: float) -> float:
        return cross_entropy_with_logits(z * beta, labels)

    lo, hi = 1.0 / t_max, 1.0 / t_min
    ratio = (np.sqrt(5.0) - 1.0) / 2.0
    a, b = hi - ratio * (hi - lo), lo + ratio * (hi - lo)
    fa, fb = nll(a), nll(b)
    while hi - lo > tol:
        if fa <= fb:  # the minimum lies in [lo, b]
            hi, b, fb = b, a, fa
            a = hi - ratio * (hi - lo)
            fa = nll(a)
        else:  # the minimum lies in [a, hi]
            lo, a, fa = a, b, fb
            b = lo + ratio * (hi - lo)
            fb = nll(b)
    return float(1.0 / ((lo + hi) / 2.0))


def most_confident_wrong(S, labels, k: int = 8) -> np.ndarray:
    """Row numbers of the (at most) k wrong predictions with the largest confidence max_i S_i.

    Sorted from the most confident down; ties keep the lower row number first. Returns an int64
    array of length min(k, number of wrong predictions).
    """
    S, labels = _probs_and_labels(S, labels)
    k = positive_int(k, "k")
    wrong = np.flatnonzero(S.argmax(axis=1) != labels)
    order = np.argsort(-S[wrong].max(axis=1), kind="stable")
    return wrong[order[:k]].astype(np.int64)
