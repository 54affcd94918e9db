"""Running a student's function: copies in, warnings and exceptions caught, arrays (and dtype) out."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .cases import Case

NUMPY_DEFAULTS = {"all": "warn", "under": "ignore"}  # numpy's own errstate defaults, used while checking
MAX_RTOL = 1e-3  # the loosest comparison ever made: every known mistake is off by far more
RTOL = 1e-6  # float64: a right answer is within ~1e-12, so this is generous and still sharp


def tolerance(dtype: np.dtype) -> float:
    """Relative tolerance for answers computed in ``dtype``: 1e-6 in float64, 2000 ulps narrower,
    never above MAX_RTOL (float16 cannot hold these answers; no tolerance wide enough for it is safe).

    float32 has eps = 1.2e-7, so rtol = 2.4e-4: a right softmax of float32-rounded logits near
    1000 (each rounded by up to 3e-5) is within ~1e-4; every known mistake is off by far more.
    """
    eps = float(np.finfo(dtype).eps) if np.issubdtype(dtype, np.floating) else 0.0
    return max(RTOL, min(2000.0 * eps, MAX_RTOL))


@dataclass
class Attempt:
    """What the student's function gave on one case, split into named float64 arrays.

    ``dtype`` is the narrowest float dtype among the outputs as returned (float32 for a float32
    numpy array or torch tensor); ``rerun(case)`` runs the same function on another case, for
    diagnoses that need a probe (None when the function then raises or returns no array).
    """

    case: Case
    outputs: dict[str, np.ndarray]
    warned: list[str]
    dtype: np.dtype = field(default_factory=lambda: np.dtype(np.float64))
    rerun: Callable[[Case], Attempt | None] = field(default=lambda case: None, repr=False)
    inferred: bool = False  # dtype inferred from the numbers (float64 arrays right to float32 only)

    @property
    def rtol(self) -> float:
        return tolerance(self.dtype)

    def atol(self, name: str) -> float:
        """Absolute tolerance for output ``name``: the case's, or rtol x the answer's scale if wider."""
        scale = float(np.max(np.abs(self.case.expected[name]), initial=0.0))
        if self.dtype == np.float64:
            return self.case.atol
        return max(self.case.atol, self.rtol * max(scale, 1e-3))

    def gives(self, name: str, wrong_answer) -> bool:
        """Does output ``name`` equal ``wrong_answer`` (same shape, same numbers, NaN == NaN)?"""
        if wrong_answer is None:
            return False
        received = self.outputs[name]
        try:
            wrong_answer = np.asarray(wrong_answer, dtype=np.float64)
        except (TypeError, ValueError):
            return False
        return received.shape == wrong_answer.shape and bool(
            np.allclose(received, wrong_answer, rtol=self.rtol, atol=self.atol(name), equal_nan=True)
        )

    def right(self, name: str) -> bool:
        expected = self.case.expected[name]
        received = self.outputs[name]
        return received.shape == expected.shape and bool(
            np.allclose(received, expected, rtol=self.rtol, atol=self.atol(name))
        )

    def differs(self, name: str) -> np.ndarray:
        """Boolean mask of the entries of ``name`` that are wrong (same shape as the answer)."""
        expected, received = self.case.expected[name], self.outputs[name]
        with np.errstate(all="ignore"):
            return ~np.isclose(received, expected, rtol=self.rtol, atol=self.atol(name))

    def shape(self, name: str) -> tuple:
        return self.outputs[name].shape

    def overflowed(self) -> bool:
        """An overflow warning was caught, or the output has inf/NaN where the answer is finite."""
        return any("overflow" in w for w in self.warned) or any(
            not np.all(np.isfinite(v)) for v in self.outputs.values()
        )


@dataclass
class Call:
    value: object = None
    error: BaseException | None = None
    warned: list[str] = field(default_factory=list)
    mutated: list[str] = field(default_factory=list)


def copy_input(value):
    if isinstance(value, dict):
        return {k: np.array(v, copy=True) for k, v in value.items()}
    return np.array(value, copy=True)


def _same(a, b) -> bool:
    if isinstance(b, dict):
        return isinstance(a, dict) and all(_same(a.get(k), v) for k, v in b.items())
    try:
        a = np.asarray(a)
        return a.shape == np.shape(b) and bool(np.array_equal(a, b))
    except Exception:  # whatever the student put there is not our input any more
        return False


def call(fn: Callable, case: Case) -> Call:
    """Run ``fn`` on copies of the case's inputs; catch its exceptions and numpy warnings."""
    args = {name: copy_input(value) for name, value in case.inputs.items()}
    result = Call()
    # numpy's default error handling: warn on overflow, 0/0 and x/0, but not on underflow
    # (exp(-800) = 0 is the right answer, not a mistake).
    with warnings.catch_warnings(record=True) as caught, np.errstate(**NUMPY_DEFAULTS):
        warnings.simplefilter("always")
        try:
            result.value = fn(*args.values())
        except KeyboardInterrupt:
            raise
        except BaseException as err:  # noqa: BLE001  the student's bug is feedback, never a traceback
            result.error = err
    result.warned = sorted({f"{w.category.__name__}: {w.message}" for w in caught})
    result.mutated = [name for name in args if not _same(args[name], case.inputs[name])]
    return result


def _plain(value):
    """A torch tensor (any device, with or without requires_grad) or a list of them -> numpy."""
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    for method in ("detach", "cpu", "numpy"):
        if hasattr(value, method) and callable(getattr(value, method)) and not isinstance(value, np.ndarray):
            value = getattr(value, method)()
    return value


def as_array(value, what: str) -> tuple[np.ndarray, np.dtype] | str:
    """The student's output as (float64 array, the float dtype it came in), or why it is not one."""
    if value is None:
        return "your function returned None: did you forget the `return` statement?"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # ComplexWarning: a complex answer is not silently cut to real
        try:
            raw = np.asarray(_plain(value))
            if raw.dtype.kind == "c":
                raise TypeError("complex")
            arr = np.asarray(raw, dtype=np.float64)
        except KeyboardInterrupt:
            raise
        except BaseException:  # noqa: BLE001
            return f"{what} should be an array of real numbers, got {type(value).__name__}."
    dtype = raw.dtype if raw.dtype.kind == "f" and raw.dtype.itemsize < 8 else np.dtype(np.float64)
    return arr, dtype


def single_output(name: str) -> Callable[[object, Case], tuple[dict[str, np.ndarray], np.dtype] | str]:
    """Unpack a function that returns one array, called ``name`` in the feedback."""

    def unpack(value, case: Case):
        got = as_array(value, "the value your function returned")
        if isinstance(got, str):
            return got
        return {name: got[0]}, got[1]

    return unpack


def quiet(compute: Callable[[], object]):
    """Build a wrong answer (which may overflow on purpose) without a single warning."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return compute()
        except Exception:  # noqa: BLE001  the wrong formula doesn't even fit this case's shapes
            return None
