"""Real data for the payoff: scikit-learn's handwritten digits, loaded and split.

The digits ship inside scikit-learn's wheel (``sklearn.datasets.load_digits``): 1,797 grey
8 x 8 images of the digits 0-9, K = 10 classes, nothing downloaded at run time. An image is a
row x of 64 pixels, so a batch is X of shape (N, 64) and the labels are integer classes (N,).
The scores and calibration of a model on them are in :mod:`course_utils.metrics`, their figures
in :mod:`course_utils.plots.digits`, the explorer in :mod:`course_utils.widgets.digits`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import as_float_array, class_labels, fraction
from ._checks import seed as check_seed

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


def split_digits(
    X, labels, val_fraction: float = 0.2, test_fraction: float = 0.2, seed: int = 0
) -> DigitsSplit:
    """Split (X, labels) into train / validation / test, stratified by class, reproducibly.

    For each class c with n_c samples (in a seeded random order): round(test_fraction * n_c) go to
    test, round(val_fraction * n_c) to validation, the rest to training; every part keeps the
    class proportions. Each part is then shuffled (seeded), so classes are not in blocks. Same
    seed, same split, on every machine (integer permutations only).
    """
    X = as_float_array(X, "X", min_ndim=2, max_ndim=2).astype(np.float64, copy=False)
    labels = class_labels(labels, None, X.shape[0])
    val_fraction = fraction(val_fraction, "val_fraction")
    test_fraction = fraction(test_fraction, "test_fraction")
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
