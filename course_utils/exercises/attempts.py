"""Running a student's function: copies in, warnings and exceptions caught, arrays (and dtype) out."""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .cases import Case
from .limits import TimeUp, run_limited

TIME_LIMIT = 5.0  # seconds of the student's code per check, all cases together
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
    numpy array or torch tensor, or for float64 arrays that hold float32 numbers exactly: a
    float32 result converted at the end); ``other(key)`` is the
    attempt on the case with that ``key`` (a probe some diagnoses need; None when the function
    raised or returned no arrays there); ``mutated``: the inputs it changed in place.
    """

    case: Case
    outputs: dict[str, np.ndarray]
    warned: list[str]
    dtype: np.dtype = field(default_factory=lambda: np.dtype(np.float64))
    other: Callable[[str], Attempt | None] = field(default=lambda key: None, repr=False)
    mutated: list[str] = field(default_factory=list)

    @property
    def rtol(self) -> float:
        return tolerance(self.dtype)

    def atol(self, name: str) -> float:
        """Absolute tolerance for output ``name``: the case's, or rtol x the answer's scale if wider."""
        if self.dtype == np.float64:
            return self.case.atol
        scale = float(np.max(np.abs(self.case.expected[name]), initial=0.0))
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

    def nonfinite(self) -> bool:
        """Some output has nan or inf where the answer is finite."""
        return any(
            not np.all(np.isfinite(v[np.isfinite(self.case.expected[k])]))
            if v.shape == self.case.expected[k].shape
            else not np.all(np.isfinite(v))
            for k, v in self.outputs.items()
        )

    def overflowed(self) -> bool:
        """An overflow warning was caught, or the output has inf/NaN where the answer is finite."""
        return any("overflow" in w for w in self.warned) or any(
            not np.all(np.isfinite(v)) for v in self.outputs.values()
        )


@dataclass
class Call:
    """What one call of the student's function gave, as plain data (no reference to the function).

    ``value``: a snapshot of what it returned (arrays copied the moment it returned, so a function
    that reuses one output buffer cannot change an earlier answer); ``error``: what it raised;
    ``warned``: every warning, "Category: message"; ``mutated``: the inputs it changed in place;
    ``seconds``: how long it ran; ``errstate``: numpy's error settings in force (the student's own)
    when numpy raised FloatingPointError; ``at_defaults``: the same case re-run under numpy's default
    settings after such an error (None otherwise).
    """

    value: object = None
    error: BaseException | None = None
    warned: list[str] = field(default_factory=list)
    mutated: list[str] = field(default_factory=list)
    seconds: float = 0.0
    errstate: dict | None = None
    at_defaults: Call | None = None


def copy_input(value):
    if isinstance(value, dict):
        return {k: np.array(v, copy=True) for k, v in value.items()}
    return np.array(value, copy=True)


def _same(a, b) -> bool:
    try:
        a = np.asarray(a)
        return a.shape == np.shape(b) and bool(np.array_equal(a, b, equal_nan=True))
    except Exception:  # whatever the student put there is not our input any more
        return False


def _changed(args: dict, inputs: dict) -> list[str]:
    """The inputs (or entries of a dict input, as params['W2']) that differ from the case's own."""
    out = []
    for name, original in inputs.items():
        if isinstance(original, dict):
            given = args[name]
            if not isinstance(given, dict) or set(given) != set(original):
                out.append(name)
                continue
            out += [f"{name}[{k!r}]" for k, v in original.items() if not _same(given[k], v)]
        elif not _same(args[name], original):
            out.append(name)
    return out


def snapshot(value):
    """A copy of what the student's function returned, taken at once: arrays and tensors copied
    (tensors to numpy), tuples, lists and dicts rebuilt, anything else kept as it is."""
    if isinstance(value, dict):
        return {k: snapshot(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return type(value)(snapshot(v) for v in value) if type(value) in (tuple, list) else value
    plain = _plain(value)
    if isinstance(plain, np.ndarray):
        return np.array(plain, copy=True)  # np.matrix becomes a plain 2-D array here
    return plain


def call(
    fn: Callable,
    case: Case,
    seconds: float | None = None,
    errstate: dict | None = None,
    *,
    retry: bool = True,
) -> Call:
    """Run ``fn`` on copies of the case's inputs for at most ``seconds`` under numpy's error
    settings ``errstate`` (the student's own; default numpy's); catch its exceptions and warnings.

    :class:`~.limits.TimeUp` is raised (not caught) when the time runs out.
    """
    args = {name: copy_input(value) for name, value in case.inputs.items()}
    result = Call()
    settings = errstate or NUMPY_DEFAULTS
    start = time.perf_counter()
    try:
        with warnings.catch_warnings(record=True) as caught, np.errstate(**settings):
            warnings.simplefilter("always")
            try:
                value = run_limited(fn, tuple(args.values()), seconds)
            except (KeyboardInterrupt, TimeUp):
                raise
            except BaseException as err:  # noqa: BLE001  the student's bug is feedback, never a traceback
                result.error = err
                if isinstance(err, FloatingPointError):
                    result.errstate = np.geterr()
    finally:
        result.seconds = time.perf_counter() - start
    if result.error is None:
        try:
            result.value = snapshot(value)
        except KeyboardInterrupt:
            raise
        except BaseException:  # noqa: BLE001  not convertible: unpacking it will say so
            result.value = value
    result.warned = sorted({f"{w.category.__name__}: {w.message}" for w in caught})
    result.mutated = _changed(args, case.inputs)
    if isinstance(result.error, FloatingPointError) and retry:
        left = None if seconds is None else seconds - result.seconds
        if left is None or left > 0:
            result.at_defaults = call(fn, case, left, NUMPY_DEFAULTS, retry=False)
            result.seconds += result.at_defaults.seconds
    return result


@dataclass
class Evaluation:
    """The student's function on a check's cases, as data: one :class:`Call` per case it got to.

    It stops at the first case that raises and when the time limit runs out (``timed_out``), so
    ``len(calls)`` may be smaller than the number of cases. ``Checker.judge`` needs nothing else: a
    grader that runs the function elsewhere (another process) builds this from what came back.
    """

    calls: list[Call]
    timed_out: bool = False
    time_limit: float | None = TIME_LIMIT
    not_callable: str | None = None  # the type's name when what was passed is not a function
    float32_in_code: bool = False  # float32 visible in the function's code (see uses_float32)


def evaluate(
    fn, cases: list[Case], time_limit: float | None = TIME_LIMIT, errstate: dict | None = None
) -> Evaluation:
    """Call ``fn`` on each case (only its inputs are used) under numpy's error settings
    ``errstate`` (default: those in force now, the student's), within ``time_limit`` seconds of
    its own running time in total; stop at the first exception."""
    if not callable(fn):
        return Evaluation([], time_limit=time_limit, not_callable=type(fn).__name__)
    errstate = errstate or np.geterr()
    calls: list[Call] = []
    spent = 0.0
    for case in cases:
        left = None if time_limit is None else time_limit - spent
        started = time.perf_counter()
        try:
            result = call(fn, case, left, errstate)
        except TimeUp:
            return Evaluation(calls, timed_out=True, time_limit=time_limit, float32_in_code=uses_float32(fn))
        finally:
            spent += time.perf_counter() - started
        calls.append(result)
        if result.error is not None:
            break
    return Evaluation(calls, time_limit=time_limit, float32_in_code=uses_float32(fn))


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
    if dtype == np.float64 and _holds_float32(arr):
        # a float32 computation converted at the end: float32 is visible (marked, so that an answer
        # that is exactly right in float64, like 0.5, is still judged as float64: see the engine)
        dtype = np.dtype(np.float32, metadata={"float64": True})
    return arr, dtype


def _holds_float32(arr: np.ndarray) -> bool:
    """Every entry is a float32 number exactly, and not every entry is an integer (0 and 1 are
    float32 numbers too, but say nothing about how they were computed)."""
    if arr.size == 0 or not np.all(np.isfinite(arr)) or np.all(arr == np.round(arr)):
        return False
    with np.errstate(all="ignore"):
        return bool(np.array_equal(arr.astype(np.float32).astype(np.float64), arr))


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


FLOAT32_WORDS = {"float32", "single"}  # np.float32, np.single, torch.float32, dtype="float32"
FLOAT32_METHODS = {"float"}  # torch's tensor.float() is float32
LIBRARIES = {"course_utils", "numpy", "scipy", "torch"}  # their code is not the student's work


def uses_float32(fn, depth: int = 2) -> bool:
    """Does the student's code visibly compute in float32? Looks at ``fn``'s code (and its inner
    functions, lambdas and closures) and, ``depth`` levels down, the functions of its notebook that
    it calls (e.g. a float32 ``my_softmax`` reused by ``my_softmax_jacobian``)."""
    seen: set[int] = set()

    def codes(code):
        yield code
        for const in code.co_consts:
            if hasattr(const, "co_names"):
                yield from codes(const)

    def visit(f, level: int) -> bool:
        code = getattr(f, "__code__", None)
        module = (getattr(f, "__module__", None) or "").split(".")[0]
        if code is None or id(code) in seen or module in LIBRARIES:
            return False
        seen.add(id(code))
        scope = getattr(f, "__globals__", {})
        called = []
        for c in codes(code):
            names = set(c.co_names)
            strings = {v for v in c.co_consts if isinstance(v, str)}
            if names & (FLOAT32_WORDS | FLOAT32_METHODS) or strings & (FLOAT32_WORDS | {"f4", "<f4"}):
                return True
            called += [scope.get(n) for n in c.co_names]
        called += [cell.cell_contents for cell in (getattr(f, "__closure__", None) or ()) if _filled(cell)]
        return level > 0 and any(callable(g) and visit(g, level - 1) for g in called)

    try:
        return visit(fn, depth)
    except Exception:  # noqa: BLE001  whatever fn is, not seeing float32 is the safe answer
        return False


def _filled(cell) -> bool:
    try:
        cell.cell_contents  # noqa: B018  an empty cell raises ValueError
    except ValueError:
        return False
    return True
