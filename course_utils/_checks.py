"""Input checks shared by every public function.

Each check raises a ``TypeError`` (wrong kind of input) or ``ValueError``
(right kind, wrong value) whose message starts with the argument's name, so a
student who passes the wrong thing reads *which* thing was wrong and why.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence

import numpy as np

REDUCTIONS = ("mean", "sum", "none")


def as_float_array(
    x, name: str, *, min_ndim: int = 1, max_ndim: int | None = None, finite: bool = True
) -> np.ndarray:
    """Return ``x`` as a finite, non-empty float array (float32 kept, other numbers -> float64).

    ``finite=False`` skips the finiteness check, for a caller that finds NaN and inf on its own
    way through the numbers (see :func:`check_finite`).
    """
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
    if finite:
        # min and max are NaN if any entry is NaN, and +-inf if any is infinite: two
        # reductions instead of a temporary boolean array as large as the input.
        check_finite(arr.min(), name)
        check_finite(arr.max(), name)
    return arr


def check_finite(summary, name: str) -> None:
    """``summary`` is a reduction of the array ``name`` (its min, max or sum): NaN or inf in the
    array makes it NaN or inf, so one number tells whether every entry is finite."""
    if not np.isfinite(summary):
        raise ValueError(f"{name} contains NaN or inf; every entry must be a finite number")


def probabilities(S, name: str = "S", max_ndim: int | None = 2) -> np.ndarray:
    """``S`` as a float array of probabilities: finite, in [0, 1], rows summing to 1 (see below)."""
    S = as_float_array(S, name, max_ndim=max_ndim)
    check_probabilities(S, name)
    return S


def row_sum_tolerance(S: np.ndarray) -> float:
    """How far a row of probabilities computed in ``S``'s dtype may sum from 1: 1e-6, or
    4 eps sqrt(K) when that is wider (rounding errors of K terms add up like a random walk;
    float32 softmax over K = 10**6 classes sums to 1 within ~1e-6, and this allows 4.8e-4).
    """
    dtype = S.dtype if np.issubdtype(S.dtype, np.floating) else np.dtype(np.float64)
    K = S.shape[-1] if S.ndim else 1
    return max(1e-6, 4.0 * float(np.finfo(dtype).eps) * float(np.sqrt(K)))


def check_probabilities(S: np.ndarray, name: str = "S", atol: float | None = None) -> None:
    """Every entry in [0, 1] and every row (last axis) summing to 1 within ``atol``
    (default :func:`row_sum_tolerance`: scaled to S's dtype and number of classes K)."""
    if atol is None:
        atol = row_sum_tolerance(S)
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


def class_labels(
    labels, num_classes: int | None, num_samples: int | None = None, name: str = "labels", rows: str = "X"
) -> np.ndarray:
    """Integer class labels in 0..K-1 (K = ``num_classes``; any label >= 0 when it is None), one per
    row of ``rows`` when ``num_samples`` (its number of rows) is given."""
    labels = integer_labels(labels, name)
    if num_samples is not None and labels.shape != (num_samples,):
        raise ValueError(
            f"{name} must have shape ({num_samples},), one class per row of {rows}, got {labels.shape}"
        )
    check_label_range(labels, num_classes, name)
    return labels


def check_label_range(labels: np.ndarray, num_classes: int | None, name: str = "labels") -> None:
    if labels.size and labels.min() < 0:
        raise ValueError(f"{name} must be >= 0, got {labels.min()}")
    if num_classes is not None and labels.size and labels.max() >= num_classes:
        raise ValueError(f"{name} must be < the number of classes K={num_classes}, got {labels.max()}")


def integer(value, name: str, low: int | None = None, high: int | None = None) -> int:
    """An integer (not a bool) in [low, high]; a non-integer is a TypeError, one out of range a ValueError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__} {value!r}")
    return int(_in_range(value, name, low, high))


def _in_range(value, name: str, low, high):
    if low is not None and high is not None and not low <= value <= high:
        raise ValueError(f"{name} must be between {low} and {high}, got {value!r}")
    if low is not None and value < low:
        raise ValueError(f"{name} must be >= {low}, got {value!r}")
    if high is not None and value > high:
        raise ValueError(f"{name} must be <= {high}, got {value!r}")
    return value


def positive_int(value, name: str) -> int:
    """An integer >= 1 (a count, a size, a number of classes)."""
    return integer(value, name, low=1)


def seed(value, name: str = "seed") -> int:
    """A random seed for ``np.random.default_rng``: an integer >= 0."""
    return integer(value, name, low=0)


def number(value, name: str, low: float | None = None, high: float | None = None) -> float:
    """A finite real number (not a bool) in [low, high]; a non-number is a TypeError."""
    if not np.isfinite(_real(value, name)):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return float(_in_range(value, name, low, high))


def _real(value, name: str):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {type(value).__name__} {value!r}")
    return value


def non_negative_number(value, name: str) -> float:
    """A finite real number >= 0 (a noise level, a number of turns)."""
    return number(value, name, low=0)


def positive_number(value, name: str) -> float:
    """A finite real number > 0 (a learning rate, a temperature, a slider limit, a step size)."""
    if not (np.isfinite(_real(value, name)) and value > 0):
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return float(value)


def fraction(value, name: str) -> float:
    """A number strictly between 0 and 1 (a share of the data)."""
    value = number(value, name)
    if not 0 < value < 1:
        raise ValueError(f"{name} must be a fraction strictly between 0 and 1, got {value!r}")
    return value


def positive_fraction(value, name: str) -> float:
    """A number in (0, 1]: a share that may be the whole (label smoothing epsilon = 1 is uniform labels)."""
    value = number(value, name, 0, 1)
    if value == 0:
        raise ValueError(f"{name} must be > 0, got {value!r}")
    return value


def positive_range(low, high, names: tuple[str, str], contains: float | None = None) -> tuple[float, float]:
    """Two positive numbers with low < high, e.g. a temperature range (t_min, t_max); ``contains``,
    when given, a value the range must reach (a temperature slider must reach T = 1)."""
    low, high = positive_number(low, names[0]), positive_number(high, names[1])
    if high <= low:
        raise ValueError(f"{names[1]} must be > {names[0]}, got {names[0]}={low}, {names[1]}={high}")
    if contains is not None and not low <= contains <= high:
        raise ValueError(
            f"the range [{names[0]}, {names[1]}] must contain {contains:g}, got [{low:g}, {high:g}]"
        )
    return low, high


def pair(value, name: str) -> tuple:
    """A tuple of two (a range given as one argument, like ``t_range=(t_min, t_max)``)."""
    if not isinstance(value, tuple) or len(value) != 2:
        raise TypeError(f"{name} must be a pair ({name}[0], {name}[1]), got {value!r}")
    return value


def equal(value, expected, name: str, why: str) -> None:
    """``value`` must be ``expected`` (a size the data fix); ``why`` says what fixes it."""
    if value != expected:
        raise ValueError(f"{name} must be {expected}: {why}, got {value!r}")


def text(value, name: str) -> str:
    """A non-empty string (a label, a name shown to a screen reader)."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {type(value).__name__} {value!r}")
    if not value.strip():
        raise ValueError(f"{name} must be a non-empty string, got {value!r}")
    return value


def instance(value, types: type | tuple[type, ...], name: str, what: str):
    """``value`` of one of ``types``; ``what`` names them for the message ("sliders or dropdowns")."""
    if not isinstance(value, types):
        raise TypeError(f"{name} must hold {what}, got {type(value).__name__}")
    return value


def choice(value, options: tuple, name: str):
    """One of ``options`` (a reduction, an activation)."""
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"{name} must be one of {options}, got {value!r}")
    return value


def each(check: Callable, values: dict, **options) -> tuple:
    """``check(value, name, **options)`` for every name and value of ``values``; the checked values in order.

    ``n_per_class, K = each(integer, {"n_per_class": n_per_class, "K": K}, low=2)``
    """
    return tuple(check(value, name, **options) for name, value in values.items())


def check_reduction(reduction) -> str:
    return choice(reduction, REDUCTIONS, "reduction")


def layer_sizes(sizes, name: str = "sizes") -> list[int]:
    """Layer widths [n_0, ..., n_L] of a network: at least two integers >= 1, the last (K) >= 2."""
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence):
        raise TypeError(f"{name} must be a list of layer sizes like [2, 16, 3], got {sizes!r}")
    if len(sizes) < 2:
        raise ValueError(f"{name} needs at least an input and an output size, got {list(sizes)}")
    out = [positive_int(n, f"{name}[{i}]") for i, n in enumerate(sizes)]
    if out[-1] < 2:
        raise ValueError(f"{name}[-1] is the number of classes K and must be >= 2, got {out[-1]}")
    return out


def check_callable(f, name: str, what: str = "a callable") -> Callable:
    if not callable(f):
        raise TypeError(f"{name} must be {what}, got {type(f).__name__}")
    return f


def same_shape(a: np.ndarray, b: np.ndarray, names: str = "a and b") -> None:
    """No broadcasting: arrays compared entry by entry must have one shape."""
    if a.shape != b.shape:
        raise ValueError(f"{names} must have the same shape, got {a.shape} and {b.shape}")
