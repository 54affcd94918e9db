"""Input checks shared by every public function.

Each check raises a ``TypeError`` (wrong kind of input) or ``ValueError``
(right kind, wrong value) whose message starts with the argument's name, so a
student who passes the wrong thing reads *which* thing was wrong and why.
"""

from __future__ import annotations

import numbers

import numpy as np

REDUCTIONS = ("mean", "sum", "none")


def as_float_array(x, name: str, *, min_ndim: int = 1, max_ndim: int | None = None) -> np.ndarray:
    """Return ``x`` as a finite, non-empty float array (float32 kept, other numbers -> float64)."""
    if x is None:
        raise TypeError(f"{name} must be an array of numbers, got None")
    if isinstance(x, (str, bytes)):
        raise TypeError(f"{name} must be an array of numbers, got a string {x!r}")
    try:
        arr = np.asarray(x)
    except ValueError as err:  # ragged nested lists
        raise ValueError(f"{name} must be a rectangular array of numbers: {err}") from None
    if arr.dtype == bool or not (
        np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)
    ):
        raise TypeError(f"{name} must be an array of real numbers, got dtype {arr.dtype}")
    if arr.dtype != np.float32:
        arr = arr.astype(np.float64, copy=False)
    if arr.ndim < min_ndim:
        raise ValueError(f"{name} must have at least {min_ndim} dimension(s), got shape {arr.shape}")
    if max_ndim is not None and arr.ndim > max_ndim:
        raise ValueError(f"{name} must have at most {max_ndim} dimensions, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {arr.shape}")
    # min and max are NaN if any entry is NaN, and +-inf if any is infinite: two
    # reductions instead of a temporary boolean array as large as the input.
    if not (np.isfinite(arr.min()) and np.isfinite(arr.max())):
        raise ValueError(f"{name} contains NaN or inf; every entry must be a finite number")
    return arr


def check_reduction(reduction) -> None:
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")


def check_probabilities(S: np.ndarray, name: str = "S", atol: float = 1e-6) -> None:
    """Every entry in [0, 1] and every row (last axis) summing to 1 within ``atol``."""
    if np.any(S < 0):
        raise ValueError(f"{name} has negative entries (min {S.min():.3g}); probabilities must be >= 0")
    if np.any(S > 1):
        raise ValueError(f"{name} has entries above 1 (max {S.max():.3g}); probabilities must be <= 1")
    row_sums = S.sum(axis=-1, dtype=np.float64)
    worst = np.max(np.abs(row_sums - 1.0))
    if worst > atol:
        raise ValueError(
            f"{name} rows must sum to 1 (tolerance {atol:g}); the worst row sums to "
            f"{row_sums.flat[np.argmax(np.abs(row_sums - 1.0))]:.6g}. Pass probabilities, e.g. softmax(z)"
        )


def integer_labels(labels, name: str = "labels") -> np.ndarray:
    """Return integer class labels as an int64 array; reject bools, strings and non-integers."""
    if labels is None:
        raise TypeError(f"{name} must be integer class labels, got None")
    if isinstance(labels, (str, bytes)):
        raise TypeError(f"{name} must be integer class labels, got a string {labels!r}")
    arr = np.asarray(labels)
    if arr.dtype == bool:
        raise TypeError(f"{name} must be integer class labels, got booleans")
    if np.issubdtype(arr.dtype, np.integer):
        return arr.astype(np.int64, copy=False)
    if np.issubdtype(arr.dtype, np.floating):
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} contains NaN or inf; class labels must be integers")
        if np.any(arr != np.round(arr)):
            bad = arr[arr != np.round(arr)].flat[0]
            raise ValueError(f"{name} must be whole numbers (class indices), got {bad!r}")
        return arr.astype(np.int64)
    raise TypeError(f"{name} must be integer class labels, got dtype {arr.dtype}")


def check_label_range(labels: np.ndarray, num_classes: int, name: str = "labels") -> None:
    if labels.size and labels.min() < 0:
        raise ValueError(f"{name} must be >= 0, got {labels.min()}")
    if labels.size and labels.max() >= num_classes:
        raise ValueError(f"{name} must be < the number of classes K={num_classes}, got {labels.max()}")


def positive_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__} {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be >= 1, got {value}")
    return int(value)


def positive_number(value, name: str) -> float:
    """A finite real number > 0 (a learning rate, a temperature, a slider limit)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {type(value).__name__} {value!r}")
    if not (np.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return float(value)
