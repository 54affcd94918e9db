"""Real data for the payoff: scikit-learn's handwritten digits, split, scored and calibrated.

The digits ship inside scikit-learn's wheel (``sklearn.datasets.load_digits``): 1,797 grey
8 x 8 images of the digits 0-9, K = 10 classes, nothing downloaded at run time. An image is a
row x of 64 pixels, so a batch is X of shape (N, 64) and the labels are integer classes (N,).

Everything here works on what the course already has: logits z (N, K) from an
:class:`~course_utils.network.MLP`, S = softmax(z), integer labels y. Notation as in the rest of
the package (z, S, y, K, N; natural log).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from ._checks import (
    as_float_array,
    check_label_range,
    integer_labels,
    positive_int,
    positive_number,
    probabilities,
)
from ._checks import seed as check_seed
from .losses import cross_entropy_with_logits
from .network import MLP, check_network, input_gradient  # noqa: F401  (input_gradient: for the notebooks)

K_DIGITS = 10  # classes 0..9
SIDE = 8  # an image is SIDE x SIDE pixels
PIXEL_MAX = 16.0  # the raw pixels are integers 0..16


def load_digits_data() -> tuple[np.ndarray, np.ndarray]:
    """The 1,797 digits as X (1797, 64) float64 in [0, 1] (raw pixel / 16) and labels (1797,) int64.

    Row n of X is image n read row by row: ``X[n].reshape(8, 8)`` is the picture.
    """
    from sklearn.datasets import load_digits  # imported here: only this function needs scikit-learn

    data = load_digits()
    X = np.asarray(data.data, dtype=np.float64) / PIXEL_MAX
    labels = np.asarray(data.target, dtype=np.int64)
    return X, labels


@dataclass(frozen=True)
class DigitsSplit:
    """A seeded three-way split: train (fit the weights), validation (choose T), test (report).

    Every ``X_*`` is (N_*, 64) and every ``labels_*`` is (N_*,); the three parts are disjoint and
    together hold every sample exactly once (``index_*`` are the row numbers in the full data).
    """

    X_train: np.ndarray
    labels_train: np.ndarray
    X_val: np.ndarray
    labels_val: np.ndarray
    X_test: np.ndarray
    labels_test: np.ndarray
    index_train: np.ndarray
    index_val: np.ndarray
    index_test: np.ndarray
    seed: int


def _fraction(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {type(value).__name__} {value!r}")
    if not (np.isfinite(value) and 0 < value < 1):
        raise ValueError(f"{name} must be a fraction strictly between 0 and 1, got {value!r}")
    return float(value)


def _features_and_labels(X, labels) -> tuple[np.ndarray, np.ndarray]:
    X = as_float_array(X, "X", min_ndim=2, max_ndim=2).astype(np.float64, copy=False)
    labels = integer_labels(labels, "labels")
    if labels.shape != (X.shape[0],):
        raise ValueError(f"labels must have shape ({X.shape[0]},), one per row of X, got {labels.shape}")
    if labels.size and labels.min() < 0:
        raise ValueError(f"labels must be >= 0, got {labels.min()}")
    return X, labels


def split_digits(
    X, labels, val_fraction: float = 0.2, test_fraction: float = 0.2, seed: int = 0
) -> DigitsSplit:
    """Split (X, labels) into train / validation / test, stratified by class, reproducibly.

    For each class c with n_c samples (in a seeded random order): round(test_fraction * n_c) go to
    test, round(val_fraction * n_c) to validation, the rest to training; every part keeps the
    class proportions. Each part is then shuffled (seeded), so classes are not in blocks. Same
    seed, same split, on every machine (integer permutations only).
    """
    X, labels = _features_and_labels(X, labels)
    val_fraction = _fraction(val_fraction, "val_fraction")
    test_fraction = _fraction(test_fraction, "test_fraction")
    if val_fraction + test_fraction >= 1:
        raise ValueError(
            f"val_fraction + test_fraction must be < 1 to leave training data, got "
            f"{val_fraction} + {test_fraction}"
        )
    rng = np.random.default_rng(check_seed(seed))
    parts: dict[str, list[np.ndarray]] = {"train": [], "val": [], "test": []}
    for c in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == c))
        n_test = int(round(test_fraction * len(members)))
        n_val = int(round(val_fraction * len(members)))
        parts["test"].append(members[:n_test])
        parts["val"].append(members[n_test : n_test + n_val])
        parts["train"].append(members[n_test + n_val :])
    index = {name: rng.permutation(np.concatenate(chunks)) for name, chunks in parts.items()}
    for name, idx in index.items():
        if idx.size == 0:
            raise ValueError(f"the {name} part would be empty: use more data or larger fractions")
    return DigitsSplit(
        X[index["train"]],
        labels[index["train"]],
        X[index["val"]],
        labels[index["val"]],
        X[index["test"]],
        labels[index["test"]],
        index["train"],
        index["val"],
        index["test"],
        int(seed),
    )


def confusion_matrix(labels, predicted, K: int = K_DIGITS) -> np.ndarray:
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
    labels = integer_labels(labels, "labels")
    if labels.shape != (S.shape[0],):
        raise ValueError(f"labels must have shape ({S.shape[0]},), one per row of S, got {labels.shape}")
    check_label_range(labels, S.shape[1], "labels")
    return S, labels


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
    labels = integer_labels(labels, "labels")
    if labels.shape != (z.shape[0],):
        raise ValueError(f"labels must have shape ({z.shape[0]},), one per row of z, got {labels.shape}")
    check_label_range(labels, z.shape[1], "labels")
    t_min = positive_number(t_min, "t_min")
    t_max = positive_number(t_max, "t_max")
    if t_max <= t_min:
        raise ValueError(f"t_max must be > t_min, got t_min={t_min}, t_max={t_max}")
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
