"""Checkers for ``notebooks/05_exercises.ipynb``: run a student's function, say what is most likely wrong.

Each ``check_*`` runs the student's function on a few fixed small cases first (ones a student can
follow by hand), then on seeded random ones: single samples and batches, K = 2 to 10, small and
very large logits. It returns ``True`` when every case is right and ``False`` otherwise, and
prints one line of success or a diagnosis of the *most likely* mistake, with the expected and
received numbers (rounded) for the first case that went wrong.

How a diagnosis is found: the first wrong case is matched against a list of known mistakes, in
order. A :class:`Mistake` is ``(name, applies, message)``; ``applies(attempt)`` is usually "the
student's output equals what this particular wrong formula gives on this case". Shapes are
checked before values and never broadcast: a (K,) answer is not compared with an (N, K) one.

The student's code never raises out of a checker. ``NotImplementedError`` prints "not implemented
yet"; any other exception is reported as feedback; numpy warnings (overflow in exp, 0/0, ...)
are caught and become part of the diagnosis instead of leaking into the notebook.

The reference answers come from the rest of ``course_utils``: :func:`softmax`,
:func:`softmax_jacobian`, :func:`cross_entropy_grad`, :func:`numerical_gradient`, and
:meth:`MLP.backward` for the last exercise.
"""

from __future__ import annotations

import re
import textwrap
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .gradcheck import numerical_gradient
from .losses import cross_entropy_grad, one_hot
from .softmax import log_softmax, softmax, softmax_jacobian

__all__ = [
    "check_softmax",
    "check_softmax_jacobian",
    "check_cross_entropy_grad",
    "check_dense_backward",
    "check_mlp_backward",
]

SEED = 2026  # the random cases are the same on every run and every machine
LARGE = 1000.0  # |z| this large makes a naive exp(z) overflow (exp(710) is already inf in float64)
SHOW_AT_MOST = 12  # inputs with more entries are described by their shape only
WIDTH = 100  # printed feedback is wrapped at this many characters
NUMPY_DEFAULTS = {"all": "warn", "under": "ignore"}  # numpy's own errstate defaults, used while checking
RTOL = 1e-6  # relative tolerance of every comparison: a right answer is within ~1e-12


# -- the machinery shared by every checker ---------------------------------------------------------


@dataclass
class Case:
    """One input for the student's function and the reference answer.

    ``inputs``: argument name -> value, passed positionally in this order (copies, every call).
    ``expected``: output name -> reference array.
    ``facts``: anything the known mistakes need to build their wrong answers (S, Y, N, ...).
    """

    inputs: dict[str, object]
    expected: dict[str, np.ndarray]
    about: str
    facts: dict[str, object] = field(default_factory=dict)
    large: bool = False  # logits large enough to overflow a naive exp
    atol: float = 1e-9  # absolute tolerance of every comparison (finite-difference references need more)


@dataclass
class Attempt:
    """What the student's function gave on one case, already split into named float arrays."""

    case: Case
    outputs: dict[str, np.ndarray]
    warned: list[str]

    def gives(self, name: str, wrong_answer) -> bool:
        """Does output ``name`` equal ``wrong_answer`` (same shape, same numbers, NaN == NaN)?"""
        if wrong_answer is None:
            return False
        received = self.outputs[name]
        wrong_answer = np.asarray(wrong_answer, dtype=np.float64)
        return received.shape == wrong_answer.shape and bool(
            np.allclose(received, wrong_answer, rtol=RTOL, atol=self.case.atol, equal_nan=True)
        )

    def right(self, name: str) -> bool:
        return self.gives(name, self.case.expected[name])

    def shape(self, name: str) -> tuple:
        return self.outputs[name].shape

    def overflowed(self) -> bool:
        """A numpy warning was caught, or the output has inf/NaN where the answer is finite."""
        return bool(self.warned) or any(not np.all(np.isfinite(v)) for v in self.outputs.values())


@dataclass(frozen=True)
class Mistake:
    """A known mistake: ``applies(attempt)`` says whether this attempt shows it.

    ``show`` names the output whose expected/received numbers the diagnosis prints; ``message``
    may use ``{factor}`` (received / expected, least squares), ``{N}``, ``{K}``, ``{NK}`` (N·K) and
    ``{show}``.
    """

    name: str
    applies: Callable[[Attempt], bool]
    message: str
    show: str | None = None


Problem = tuple[str, str, "str | None"]  # (headline, advice, the output to show), for _report


@dataclass
class _Call:
    value: object = None
    error: BaseException | None = None
    warned: list[str] = field(default_factory=list)
    mutated: list[str] = field(default_factory=list)


def _call(fn: Callable, case: Case) -> _Call:
    """Run ``fn`` on copies of the case's inputs; catch its exceptions and numpy warnings."""
    args = {name: _copy(value) for name, value in case.inputs.items()}
    result = _Call()
    # numpy's default error handling: warn on overflow, 0/0 and x/0, but not on underflow
    # (exp(-800) = 0 is the right answer, not a mistake).
    with warnings.catch_warnings(record=True) as caught, np.errstate(**NUMPY_DEFAULTS):
        warnings.simplefilter("always")
        try:
            result.value = fn(*args.values())
        except Exception as err:  # the student's bug is feedback, never a traceback
            result.error = err
    result.warned = sorted({f"{w.category.__name__}: {w.message}" for w in caught})
    result.mutated = [name for name in args if not _same(args[name], case.inputs[name])]
    return result


def _copy(value):
    if isinstance(value, dict):
        return {k: np.array(v, copy=True) for k, v in value.items()}
    return np.array(value, copy=True)


def _same(a, b) -> bool:
    if isinstance(b, dict):
        return isinstance(a, dict) and all(_same(a.get(k), v) for k, v in b.items())
    a = np.asarray(a)
    return a.shape == np.shape(b) and bool(np.array_equal(a, b))


def _as_array(value, what: str) -> np.ndarray | str:
    """The student's output as a float64 array, or a sentence saying why it is not one."""
    if value is None:
        return "your function returned None: did you forget the `return` statement?"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # ComplexWarning: a complex answer is not silently cut to real
        try:
            return np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError, Warning):
            return f"{what} should be an array of real numbers, got {type(value).__name__}."


LABEL = 14  # width of the "expected dW =" column in a report


def _fmt(x) -> str:
    """Rounded to 4 decimals, -0 shown as 0, so the printout is identical on every machine."""
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim == 0:
        return f"{float(np.round(arr, 4)) + 0.0:g}"
    return np.array2string(
        np.round(arr, 4) + 0.0, precision=4, separator=", ", floatmode="maxprec_equal",
        suppress_small=True, max_line_width=100,
    ).replace("\n", "\n" + " " * (LABEL + 7))


def _describe(value) -> str:
    """Numbers for a small array, the shape for a large one, names and shapes for a dict."""
    if isinstance(value, dict):
        return ", ".join(f"{k} {np.shape(v)}" for k, v in value.items())
    arr = np.asarray(value)
    if arr.size > SHOW_AT_MOST:
        return f"an array of shape {arr.shape}"
    return _fmt(arr)


def _least_squares_factor(received: np.ndarray, expected: np.ndarray, atol: float) -> float | None:
    """c minimising |received - c expected|, when received really is c times expected."""
    if received.shape != expected.shape or not np.all(np.isfinite(received)):
        return None
    denom = float(np.sum(expected * expected))
    if denom == 0.0:
        return None
    c = float(np.sum(received * expected)) / denom
    if not np.allclose(received, c * expected, rtol=RTOL, atol=atol):
        return None
    return c


def _off_by_factor(name: str) -> Callable[[Attempt], bool]:
    """Output ``name`` is a constant multiple (not 1, not 0) of the right answer."""

    def applies(a: Attempt) -> bool:
        c = _least_squares_factor(a.outputs[name], a.case.expected[name], a.case.atol)
        return c is not None and abs(c - 1.0) > 1e-6 and abs(c) > 1e-12

    return applies


def _wrap(text: str) -> str:
    """Wrap each line of ``text`` at WIDTH, never next to an operator, so a formula isn't cut at its minus.

    textwrap only breaks at ASCII whitespace, so the spaces around = + - / @ * x become no-break
    spaces while wrapping, and plain spaces again afterwards.
    """
    glued = re.sub(r" ([=+\-/@*x]) ", "\u00a0\\1\u00a0", text)
    lines = [textwrap.fill(line, width=WIDTH, initial_indent="  " if i else "", subsequent_indent="  ",
                           break_long_words=False, break_on_hyphens=False)
             for i, line in enumerate(glued.split("\n"))]
    return "\n".join(lines).replace("\u00a0", " ")


def _report(task: str, headline: str, advice: str, attempt: Attempt | None, show: str | None) -> bool:
    lines = [_wrap(f"✘ {task}: {headline}")]
    if advice:
        lines.append(_wrap(f"  {advice}"))
    if attempt is not None:
        case = attempt.case
        lines.append(f"  On {case.about}:")
        for name, value in case.inputs.items():
            lines.append(f"    {name:>{LABEL}} = {_describe(value)}")
        for name in [show] if show else list(case.expected):
            lines.append(f"    {'expected ' + name:>{LABEL}} = {_describe(case.expected[name])}")
            if name in attempt.outputs:
                lines.append(f"    {'received ' + name:>{LABEL}} = {_describe(attempt.outputs[name])}")
    print("\n".join(lines))
    return False


def _explain_exception(err: Exception) -> str:
    """A hint for the student's exception, for the usual numpy pitfalls."""
    message = str(err)
    if isinstance(err, np.exceptions.AxisError):
        return ("A single sample has shape (K,) and only axis 0; axis=-1 means 'the class axis' "
                "for (K,) and (N, K) alike.")
    if "broadcast" in message:
        return ("Two shapes don't line up: when you divide by a sum over a row, keep the summed "
                "axis with keepdims=True so (N, K) / (N, 1) broadcasts row by row.")
    if "matmul" in message or "aligned" in message:
        return ("A matrix product's inner sizes must agree: write each factor's shape under the "
                "formula, and transpose (.T) the one that doesn't fit.")
    if isinstance(err, FloatingPointError | OverflowError):
        return "A number overflowed: exp of a large logit is too big for a float. Subtract the max first."
    return "Run your function on the input below and read the error message line by line."


def _run(
    task: str,
    fn,
    make_cases: Callable[[], list[Case]],
    unpack: Callable[[object, Case], dict[str, np.ndarray] | str],
    shape_mistakes: list[Mistake],
    value_mistakes: list[Mistake],
    success: Callable[[list[Case]], str],
) -> bool:
    """Run ``fn`` on every case; stop at the first wrong one and diagnose it.

    ``success(cases)`` describes what was covered, for the line printed when every case is right.

    Under numpy's default error handling whatever the notebook set (np.seterr(all="raise") would
    otherwise turn the harmless underflow exp(-800) = 0 into an error).
    """
    with np.errstate(**NUMPY_DEFAULTS):
        return _run_cases(task, fn, make_cases(), unpack, shape_mistakes, value_mistakes, success)


def _run_cases(
    task: str,
    fn,
    cases: list[Case],
    unpack: Callable[[object, Case], dict[str, np.ndarray] | str],
    shape_mistakes: list[Mistake],
    value_mistakes: list[Mistake],
    success: Callable[[list[Case]], str],
) -> bool:
    if not callable(fn):
        return _report(task, f"expected a function, got {type(fn).__name__}.",
                       "Pass the function itself, without calling it: check(my_function).", None, None)
    for case in cases:
        call = _call(fn, case)
        if isinstance(call.error, NotImplementedError):
            print(f"… {task}: not implemented yet. Replace `raise NotImplementedError` with your code.")
            return False
        if call.error is not None:
            return _report(task, f"your function raised {type(call.error).__name__}: {call.error}",
                           _explain_exception(call.error), Attempt(case, {}, call.warned), None)
        outputs = unpack(call.value, case)
        if isinstance(outputs, str):
            return _report(task, outputs, "", Attempt(case, {}, call.warned), None)
        attempt = Attempt(case, outputs, call.warned)
        problem = (_shape_problem(attempt, shape_mistakes) or _value_problem(attempt, value_mistakes)
                   or _mutation_problem(call.mutated))
        if problem is not None:
            headline, advice, show = problem
            return _report(task, headline, advice, attempt, show)
    print(f"✔ {task}: correct on all {len(cases)} cases ({success(cases)}).")
    return True


def _message(mistake: Mistake, attempt: Attempt, show: str) -> str:
    c = _least_squares_factor(attempt.outputs[show], attempt.case.expected[show], attempt.case.atol)
    facts = {"N": attempt.case.facts.get("N", ""), "K": attempt.case.facts.get("K", "")}
    facts["NK"] = facts["N"] * facts["K"] if facts["N"] != "" and facts["K"] != "" else ""
    return mistake.message.format(show=show, factor=f"{c:.4g}" if c is not None else "?", **facts)


def _span(values) -> str:
    values = sorted({int(v) for v in values})
    return f"{values[0]} to {values[-1]}" if len(values) > 1 else f"{values[0]}"


def _logits_covered(cases: list[Case]) -> str:
    """E.g. "single samples and batches of N = 2 to 5, K = 2 to 10, |z| up to 1088"."""
    zs = [np.asarray(c.inputs["z"]) for c in cases]
    batches = [z.shape[0] for z in zs if z.ndim == 2]
    where = "single samples" if not batches else (
        f"single samples and batches of N = {_span(batches)}" if any(z.ndim == 1 for z in zs)
        else f"batches of N = {_span(batches)}")
    return f"{where}, K = {_span(z.shape[-1] for z in zs)}, |z| up to {max(np.abs(z).max() for z in zs):.0f}"


def _facts_covered(*names: str) -> Callable[[list[Case]], str]:
    return lambda cases: ", ".join(f"{n} = {_span(c.facts[n] for c in cases)}" for n in names)


def _shape_problem(attempt: Attempt, mistakes: list[Mistake]) -> Problem | None:
    """Shapes first: the first known shape mistake, or a plain "wrong shape"."""
    wrong = [k for k, v in attempt.case.expected.items() if attempt.shape(k) != v.shape]
    if not wrong:
        return None
    mistake = next((m for m in mistakes if m.applies(attempt)), None) or Mistake(
        "wrong shape", bool, "{show} has the wrong shape.", wrong[0])
    show = mistake.show or wrong[0]
    advice = (f"Expected {show} with shape {attempt.case.expected[show].shape}, "
              f"received shape {attempt.shape(show)}.")
    return _message(mistake, attempt, show), advice, show


def _value_problem(attempt: Attempt, mistakes: list[Mistake]) -> Problem | None:
    """Then the numbers (and any warning): the first known mistake that fits, or a plain "wrong"."""
    wrong = [k for k in attempt.case.expected if not attempt.right(k)]
    if not wrong and not attempt.warned:
        return None
    if not wrong:
        mistake = Mistake("warned", bool, "the numbers are right, but your code warned while computing "
                          "them; a correct implementation computes them without any warning.")
    else:
        mistake = next((m for m in mistakes if m.applies(attempt)), None) or Mistake(
            "unknown", bool, "the numbers are wrong, in a way I don't recognise. "
            "Compare the expected and received values below entry by entry.")
    show = mistake.show or (wrong or list(attempt.case.expected))[0]
    advice = f"your code warned: {'; '.join(attempt.warned)}" if attempt.warned else ""
    return _message(mistake, attempt, show), advice, show


def _mutation_problem(mutated: list[str]) -> Problem | None:
    if not mutated:
        return None
    return (f"the answer is right, but your function changed its input {', '.join(mutated)} in place.",
            "Work on new arrays (e.g. `z = z - z.max(...)`, not `z -= ...`): the caller still needs its "
            "own values.", None)


def _single_output(name: str) -> Callable[[object, Case], dict[str, np.ndarray] | str]:
    def unpack(value, case: Case):
        arr = _as_array(value, "the value your function returned")
        return arr if isinstance(arr, str) else {name: arr}

    return unpack


def _quiet(compute: Callable[[], object]):
    """Build a wrong answer (which may overflow on purpose) without a single warning."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return compute()
        except (ValueError, IndexError):  # the wrong formula doesn't even fit this case's shapes
            return None


# -- softmax ---------------------------------------------------------------------------------------


def _logits_cases(rng: np.random.Generator, batch: bool = True) -> list[np.ndarray]:
    """Seeded random logits, K = 2..10: a single sample; a batch; a batch near +-1000 per row."""
    out = []
    for K in range(2, 11):
        out.append(rng.normal(scale=3.0, size=K))
        if batch:
            N = int(rng.integers(2, 7))
            out.append(rng.normal(scale=3.0, size=(N, K)))
            out.append(rng.normal(scale=30.0, size=(N, K)) + rng.choice([-LARGE, LARGE], size=(N, 1)))
        else:
            out.append(rng.normal(scale=30.0, size=K) + rng.choice([-LARGE, LARGE]))
    return out


def _about_logits(z: np.ndarray) -> str:
    where = "a single sample" if z.ndim == 1 else f"a batch of N = {z.shape[0]}"
    size = " with very large logits" if np.max(np.abs(z)) >= LARGE / 2 else ""
    return f"{where}, K = {z.shape[-1]}{size}"


def _softmax_cases() -> list[Case]:
    fixed = [
        np.array([1.0, 2.0, 3.0]),
        np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]),
        np.array([[1.0, 2.0, 3.0], [0.0, 1.0, 0.0], [2.0, 0.0, -1.0]]),  # N == K: catches e / e.sum(-1)
        np.array([1000.0, 1001.0, 1002.0]),
        np.array([-1000.0, -1001.0, -1002.0]),
        np.array([5.0, -800.0, 0.0]),  # exp(-805) underflows to 0: right, and no warning for it
        np.array([[1000.0, 1001.0, 1002.0], [-1000.0, -999.0, -998.0]]),
        # A spread of 1600 within a row: shifting by the mean (0 here) still leaves exp(800) = inf.
        np.array([800.0, -800.0, 0.0]),
        np.array([[1.0, 2.0, 3.0], [800.0, -800.0, 0.0]]),
    ]
    zs = fixed + _logits_cases(np.random.default_rng(SEED))
    return [Case({"z": z}, {"S": softmax(z)}, _about_logits(z), {"K": z.shape[-1]},
                 large=bool(np.max(np.abs(z)) >= LARGE / 2)) for z in zs]


def _z(a: Attempt) -> np.ndarray:
    return a.case.inputs["z"]


def _batch(a: Attempt) -> bool:
    return _z(a).ndim == 2 and _z(a).shape[0] > 1


def _sums_to_one(S: np.ndarray, axis: int | None) -> bool:
    return bool(np.all(np.isfinite(S)) and np.allclose(S.sum(axis=axis), 1.0, rtol=0, atol=1e-9))


def _gives(output: str, *wrong_answers: Callable[[Attempt], np.ndarray]) -> Callable[[Attempt], bool]:
    """Predicate: the student's ``output`` equals one of these wrong formulas' answers on the case."""
    return lambda a: any(a.gives(output, _quiet(lambda w=w: w(a))) for w in wrong_answers)


def _on_batches(applies: Callable[[Attempt], bool]) -> Callable[[Attempt], bool]:
    """Only on batches of N > 1 (on one sample, some wrong formulas give the right numbers)."""
    return lambda a: _batch(a) and applies(a)


def _exp_over(z: np.ndarray, total: np.ndarray) -> np.ndarray:
    return np.exp(z) / total


def _no_keepdims(z: np.ndarray) -> np.ndarray:
    """e / e.sum(axis=-1): the (N,) sums broadcast along the class axis (only fits when N == K)."""
    return _exp_over(z, np.exp(z).sum(axis=-1))


def _softmax_shifted_by(shift: Callable[[np.ndarray], np.ndarray]) -> Callable[[Attempt], np.ndarray]:
    """The student's recipe exp(z - c) / sum exp(z - c) with the wrong c = ``shift(z)``."""

    def wrong(a: Attempt) -> np.ndarray:
        shifted = _z(a) - shift(_z(a))
        return _exp_over(shifted, np.exp(shifted).sum(axis=-1, keepdims=True))

    return wrong


_softmax_shifted_by_batch_max = _softmax_shifted_by(np.max)


SOFTMAX_SHAPE_MISTAKES = [
    Mistake("a number", lambda a: a.shape("S") == (),
            "returned a single number; S has one probability per logit, the same shape as z."),
    Mistake("transposed", lambda a: _batch(a) and a.shape("S") == _z(a).shape[::-1],
            "S is transposed: one row per sample, one column per class, like z."),
    Mistake("summed over the batch",
            lambda a: _batch(a) and a.shape("S") in ((_z(a).shape[1],), (1, _z(a).shape[1])),
            "S has one row where z has N = {N}: don't sum or average over the batch."),
]

SOFTMAX_VALUE_MISTAKES = [
    Mistake("shifted by the batch's max", _on_batches(_gives("S", _softmax_shifted_by_batch_max)),
            "you subtract the max of the whole batch, not each row's own max: a row far below the "
            "batch's max underflows to 0 / 0. Use z.max(axis=-1, keepdims=True)."),
    Mistake("max over the batch axis",
            _on_batches(_gives("S", _softmax_shifted_by(lambda z: z.max(axis=0, keepdims=True)))),
            "you took the max over the wrong axis (over the batch, axis 0): use axis=-1 with "
            "keepdims=True. Softmax is unchanged only when every entry of a row is shifted by the same "
            "number; each column's own max shifts the classes of a row by different amounts, and that "
            "changes the probabilities."),
    Mistake("shifted by the mean",
            _gives("S", _softmax_shifted_by(lambda z: z.mean(axis=-1, keepdims=True)),
                   _softmax_shifted_by(np.mean)),
            "you shifted by the mean; shift by the max so the largest exponent is exp(0). With logits "
            "spread as wide as [800, -800, 0] the mean is 0, and exp(800 - 0) is still inf. After "
            "subtracting the max, every exponent is <= 0: nothing can overflow."),
    Mistake("shifted by the min",
            _gives("S", _softmax_shifted_by(lambda z: z.min(axis=-1, keepdims=True)),
                   _softmax_shifted_by(np.min)),
            "you subtracted the min; subtract the max. z - min(z) makes every exponent >= 0, so the "
            "largest one, exp(max z - min z), overflows; z - max(z) makes them all <= 0."),
    Mistake("no max shift", lambda a: a.case.large and a.overflowed(),
            "overflow at large logits: no max shift. exp(1000) is inf (and exp(-1000) is 0), so "
            "the division gives inf/inf or 0/0 = nan. Subtract each row's max first: the same number, "
            "and it never overflows:\nS_i = exp(z_i - max z) / sum_j exp(z_j - max z)"),
    Mistake("wrong axis", lambda a: _batch(a) and _sums_to_one(a.outputs["S"], axis=0)
            and not _sums_to_one(a.outputs["S"], axis=-1),
            "normalised over the wrong axis: each column sums to 1, but each row (sample) should. "
            "Sum over the class axis: axis=-1, keepdims=True."),
    Mistake("whole batch", lambda a: _batch(a) and _sums_to_one(a.outputs["S"], axis=None),
            "normalised over the whole batch: the entries of all rows together sum to 1, but each "
            "row should. Sum over the class axis only: axis=-1, keepdims=True."),
    Mistake("no keepdims", _on_batches(_gives("S", lambda a: _no_keepdims(_z(a)),
                                              lambda a: _no_keepdims(_z(a) - _z(a).max(-1, keepdims=True)))),
            "the row sums broadcast along the wrong axis: e / e.sum(axis=-1) divides column j by row "
            "j's sum. Keep the summed axis: e.sum(axis=-1, keepdims=True)."),
    Mistake("not normalised",
            _gives("S", lambda a: np.exp(_z(a)), lambda a: np.exp(_z(a) - _z(a).max(-1, keepdims=True))),
            "not normalised: you return the exponentials, whose rows don't sum to 1. "
            "Divide by their sum over the classes: S_i = exp(z_i) / sum_j exp(z_j)."),
    Mistake("flipped sign", _gives("S", lambda a: softmax(-_z(a))),
            "flipped sign: you computed softmax(-z), so the largest logit gets the smallest "
            "probability. S_i = exp(+z_i) / sum_j exp(+z_j)."),
    Mistake("log-softmax", _gives("S", lambda a: log_softmax(_z(a))),
            "you return log S (log-softmax), not the probabilities S themselves."),
    Mistake("forgot the exp", _gives("S", lambda a: _z(a) / _z(a).sum(-1, keepdims=True)),
            "you divide z by its sum, without exp: S_i = exp(z_i) / sum_j exp(z_j)."),
]


def check_softmax(fn: Callable[[np.ndarray], np.ndarray]) -> bool:
    """Check a student's ``fn(z)`` -> S = softmax(z) for z of shape (K,) or (N, K) (class axis last).

    Prints success or the most likely mistake; returns whether every case was right.
    """
    return _run("softmax", fn, _softmax_cases, _single_output("S"), SOFTMAX_SHAPE_MISTAKES,
                SOFTMAX_VALUE_MISTAKES, _logits_covered)


# -- the softmax Jacobian --------------------------------------------------------------------------


def _jacobian_cases() -> list[Case]:
    fixed = [np.array([1.0, 2.0, 3.0]), np.array([0.5, -0.5]), np.array([1000.0, 1001.0, 1002.0]),
             np.array([-1000.0, -999.0, -998.0]), np.array([800.0, -800.0, 0.0])]
    zs = fixed + _logits_cases(np.random.default_rng(SEED + 1), batch=False)
    return [Case({"z": z}, {"J": softmax_jacobian(z)}, _about_logits(z), {"K": z.size, "S": softmax(z)},
                 large=bool(np.max(np.abs(z)) >= LARGE / 2)) for z in zs]


def _S(a: Attempt) -> np.ndarray:
    return a.case.facts["S"]


JACOBIAN_SHAPE_MISTAKES = [
    Mistake("only the diagonal", lambda a: a.gives("J", _S(a) * (1 - _S(a))),
            "you return only the diagonal S_i(1 - S_i). The Jacobian is K x K: entry (i, j) is "
            "dS_i/dz_j, and the off-diagonal ones, -S_i S_j, matter too."),
    Mistake("a vector", lambda a: a.shape("J") == (_z(a).size,),
            "you return K numbers; the Jacobian dS/dz is a K x K matrix, entry (i, j) = dS_i/dz_j."),
]

JACOBIAN_VALUE_MISTAKES = [
    Mistake("no max shift", lambda a: a.case.large and a.overflowed(),
            "overflow at large logits: your softmax has no max shift (or shifts by something other "
            "than each row's max, such as the mean), so exp of a large logit is inf and S is nan. "
            "Compute S with the max subtracted (or call your softmax from exercise 1)."),
    Mistake("missing delta_ij term", lambda a: a.gives("J", -np.outer(_S(a), _S(a))),
            "the diagonal δ_ij term is missing: you return -S_i S_j everywhere. "
            "dS_i/dz_j = S_i(δ_ij - S_j), so the diagonal is S_i(1 - S_i): add diag(S)."),
    Mistake("missing off-diagonal terms", lambda a: a.gives("J", np.diag(_S(a) * (1 - _S(a)))),
            "the off-diagonal terms are missing: only the diagonal S_i(1 - S_i) is filled. "
            "For i != j, dS_i/dz_j = -S_i S_j: J = diag(S) - S Sᵀ."),
    Mistake("delta_ij taken as 1", lambda a: a.gives("J", np.outer(_S(a), 1 - _S(a))),
            "you used S_i(1 - S_j) for every entry: that 1 is δ_ij, which is 1 on the diagonal (i = j) "
            "and 0 off it, where dS_i/dz_j = -S_i S_j."),
    Mistake("flipped sign", lambda a: a.gives("J", -softmax_jacobian(_z(a))),
            "flipped sign: you return S Sᵀ - diag(S). Raising z_i raises S_i, so the diagonal "
            "S_i(1 - S_i) must be positive: J = diag(S) - S Sᵀ."),
    Mistake("no S S^T", lambda a: a.gives("J", np.diag(_S(a))),
            "you return diag(S) only: the - S Sᵀ part (the derivative of the denominator) is missing."),
    Mistake("dot instead of outer", lambda a: a.gives("J", np.diag(_S(a)) - _S(a) @ _S(a)),
            "S @ S is one number (the dot product Σ S_i²), not the K x K outer product S Sᵀ: "
            "use np.outer(S, S)."),
    Mistake("delta without S_i", lambda a: a.gives("J", np.eye(_S(a).size) - np.outer(_S(a), _S(a))),
            "the diagonal is 1 - S_i², not S_i(1 - S_i): dS_i/dz_j = S_i(δ_ij - S_j), so S_i "
            "multiplies the δ_ij term too."),
    Mistake("no S_i factor", lambda a: a.gives("J", np.eye(_S(a).size) - _S(a)[None, :])
            or a.gives("J", np.eye(_S(a).size) - _S(a)[:, None]),
            "the S_i factor is missing: you return δ_ij - S_j, but dS_i/dz_j = S_i(δ_ij - S_j). "
            "Multiply row i by S_i: S[:, None] * (np.eye(K) - S[None, :]), which is diag(S) - S Sᵀ."),
    Mistake("S_i² twice on the diagonal", lambda a: a.gives("J", np.diag(_S(a) * (1 - _S(a)))
                                                            - np.outer(_S(a), _S(a))),
            "the diagonal subtracts S_i² twice: diag(S(1 - S)) already holds the -S_i² that -S Sᵀ "
            "subtracts again, so your diagonal is S_i - 2 S_i². The off-diagonal entries are right. "
            "Use J = diag(S) - S Sᵀ: the δ_ij term is diag(S), not diag(S(1 - S))."),
    Mistake("z for S", lambda a: a.gives("J", np.diag(_z(a)) - np.outer(_z(a), _z(a))),
            "you used the logits z where the probabilities S = softmax(z) belong: J = diag(S) - S Sᵀ."),
    Mistake("constant factor", _off_by_factor("J"),
            "the Jacobian is off by a constant factor: received = {factor} x expected. "
            "J = diag(S) - S Sᵀ has no other constant in it."),
]


def check_softmax_jacobian(fn: Callable[[np.ndarray], np.ndarray]) -> bool:
    """Check a student's ``fn(z)`` -> the K x K Jacobian dS/dz (entry (i, j) = dS_i/dz_j) for z of shape (K,).

    Prints success or the most likely mistake; returns whether every case was right.
    """
    return _run("softmax_jacobian", fn, _jacobian_cases, _single_output("J"), JACOBIAN_SHAPE_MISTAKES,
                JACOBIAN_VALUE_MISTAKES, _logits_covered)


# -- the cross-entropy gradient --------------------------------------------------------------------


def _ce_cases() -> list[Case]:
    rng = np.random.default_rng(SEED + 2)
    fixed = [
        # A batch first: with N = 1, dividing by K, by N·K (Y.size) or not at all look alike.
        (np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]), np.array([2, 0]), None),
        (np.log(np.array([[0.1, 0.3, 0.6]])), np.array([2]), "the lecture's example S = [0.1, 0.3, 0.6], "
         "true class 3 (N = 1, K = 3)"),
        (np.array([[1000.0, 1001.0, 1002.0], [-1000.0, -999.0, -998.0]]), np.array([0, 1]), None),
        (np.array([[800.0, -800.0, 0.0], [1.0, 2.0, 3.0]]), np.array([1, 2]), None),  # spread 1600 in a row
    ]
    for K in range(2, 11):
        for scale, offset in ((3.0, 0.0), (30.0, LARGE)):
            N = int(rng.integers(1, 7))
            z = rng.normal(scale=scale, size=(N, K)) + offset * rng.choice([-1.0, 1.0], size=(N, 1))
            fixed.append((z, rng.integers(0, K, size=N), None))
    cases = []
    for z, labels, about in fixed:
        Y = one_hot(labels, z.shape[1])
        N, K = z.shape
        cases.append(Case({"z": z, "Y": Y}, {"dz": cross_entropy_grad(z, Y)},
                          about or _about_logits(z), {"N": N, "K": K, "S": softmax(z), "Y": Y},
                          large=bool(np.max(np.abs(z)) >= LARGE / 2)))
    return cases


def _ce(*wrong_formulas: Callable[[np.ndarray, np.ndarray, int], np.ndarray]) -> Callable[[Attempt], bool]:
    """Predicate: dz equals one of these wrong formulas of (S, Y, N) on the case."""
    answers = [lambda a, f=f: f(_S(a), a.case.facts["Y"], a.case.facts["N"]) for f in wrong_formulas]
    return _gives("dz", *answers)


def _several(a: Attempt) -> bool:
    return a.case.facts["N"] > 1


def _students_S_sums_to_one_over(a: Attempt, axis: int) -> bool:
    """The student's S, recovered from dz = (S - Y)/N, sums to 1 over ``axis`` but not over the classes."""
    S = a.outputs["dz"] * a.case.facts["N"] + a.case.facts["Y"]
    return _sums_to_one(S, axis=axis) and not _sums_to_one(S, axis=-1)


CE_SHAPE_MISTAKES = [
    Mistake("a number", lambda a: a.shape("dz") == (),
            "returned a single number (the loss?). dLoss/dz has one entry per logit: shape (N, K)."),
    Mistake("summed over the batch",
            lambda a: a.shape("dz") in ((a.case.facts["K"],), (1, a.case.facts["K"])),
            "dz must have z's shape (N, K) with N = {N}, one row per sample: don't sum or average over "
            "the batch, and don't squeeze the batch axis away. Row n is (S_n - y_n) / N."),
    Mistake("transposed", lambda a: a.shape("dz") == _z(a).shape[::-1],
            "dz is transposed: it must have z's shape (N, K), one row per sample."),
]

CE_VALUE_MISTAKES = [
    Mistake("no max shift", lambda a: a.case.large and a.overflowed(),
            "overflow at large logits: your softmax has no max shift (or shifts by something other "
            "than each row's max, such as the mean), so exp of a large logit is inf and S is nan. "
            "Compute S with the max subtracted (or call your softmax from exercise 1)."),
    Mistake("forgot 1/N", lambda a: _several(a) and _ce(lambda S, Y, N: S - Y)(a),
            "forgot the 1/N: the loss is the mean over N = {N} samples, so each row's gradient "
            "(S_n - y_n) is divided by N."),
    Mistake("flipped sign", _ce(lambda S, Y, N: (Y - S) / N),
            "flipped sign: you return (y - S)/N. dLoss/dz = (S - y)/N: raising the true class's "
            "logit lowers the loss, so that entry must be negative."),
    Mistake("flipped sign and 1/N", _ce(lambda S, Y, N: Y - S),
            "flipped sign and a forgotten 1/N: you return y - S. dLoss/dz = (S - y)/N."),
    Mistake("forgot y", _ce(lambda S, Y, N: S / N, lambda S, Y, N: S),
            "you return S (over N) without subtracting y: dLoss/dz = (S - y)/N."),
    Mistake("dLoss/dS", _ce(lambda S, Y, N: -Y / S / N, lambda S, Y, N: -Y / S),
            "you return dLoss/dS = -y/S, which is only the first factor of the chain rule. Multiply "
            "by the softmax Jacobian dS/dz and it simplifies to dLoss/dz = (S - y)/N."),
    Mistake("z for S", _gives("dz", lambda a: (_z(a) - a.case.facts["Y"]) / a.case.facts["N"],
                              lambda a: _z(a) - a.case.facts["Y"]),
            "you used the logits z where the probabilities S = softmax(z) belong: dLoss/dz = (S - y)/N."),
    Mistake("softmax over the wrong axis", lambda a: _students_S_sums_to_one_over(a, axis=0),
            "your softmax normalises over the wrong axis (the batch, axis 0): each row of S must sum "
            "to 1. Use axis=-1 with keepdims=True."),
    Mistake("divided by N*K", lambda a: _several(a) and _ce(lambda S, Y, N: (S - Y) / S.size)(a),
            "you divided by N·K = {NK} (Y.size, every entry of the batch); divide by N = {N}, the number "
            "of rows (samples): the loss is the mean over the samples, not over all N·K entries."),
    Mistake("the slide's i != m line", _ce(lambda S, Y, N: np.where(Y == 1, S - Y, Y * S) / N,
                                           lambda S, Y, N: np.where(Y == 1, S - Y, Y * S)),
            "the slide's summary line 'y_i S_m when i ≠ m' is one term of a sum over i; summed with "
            "one-hot y those terms give S_m, not y_m S_m — the answer is S − y for every entry "
            "(divided by N for the batch): dLoss/dz = (S - y)/N."),
    Mistake("subtracted 1", _ce(lambda S, Y, N: (S - 1) / N, lambda S, Y, N: S - 1),
            "you subtracted 1 everywhere; subtract y (1 only at the true class, 0 elsewhere): "
            "dLoss/dz = (S - y)/N."),
    Mistake("divided by K", lambda a: a.case.facts["K"] != a.case.facts["N"]
            and _ce(lambda S, Y, N: (S - Y) / S.shape[1])(a),
            "you divided by K = {K} (the number of classes) instead of N = {N} (the number of samples): "
            "the loss is the mean over the samples."),
    Mistake("constant factor", _off_by_factor("dz"),
            "the gradient is off by a constant factor: received = {factor} x expected. "
            "dLoss/dz = (S - y)/N, with no other constant."),
]


def check_cross_entropy_grad(fn: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> bool:
    """Check a student's ``fn(z, Y)`` -> dLoss/dz of the mean cross-entropy over the N rows.

    z: logits (N, K); Y: one-hot labels (N, K). The answer is (S - Y) / N, shape (N, K).
    Prints success or the most likely mistake; returns whether every case was right.
    """
    return _run("cross_entropy_grad", fn, _ce_cases, _single_output("dz"), CE_SHAPE_MISTAKES,
                CE_VALUE_MISTAKES, _logits_covered)


# -- one dense layer's backward pass ---------------------------------------------------------------

DENSE_OUTPUTS = ("dX", "dW", "db")


def _dense_case(X: np.ndarray, W: np.ndarray, b: np.ndarray, dout: np.ndarray, about: str) -> Case:
    """The reference gradients of L = sum(out * dout), out = X W + b, by finite differences.

    L is linear in each of X, W and b, so the central difference is exact up to rounding (~1e-9).
    """
    expected = {
        "dX": numerical_gradient(lambda X_: np.sum((X_ @ W + b) * dout), X),
        "dW": numerical_gradient(lambda W_: np.sum((X @ W_ + b) * dout), W),
        "db": numerical_gradient(lambda b_: np.sum((X @ W + b_) * dout), b),
    }
    N, D = X.shape
    return Case({"X": X, "W": W, "b": b, "dout": dout}, expected, about, {"N": N, "D": D, "M": W.shape[1]},
                atol=1e-7)


def _dense_cases() -> list[Case]:
    cases = [
        # dout's first rows are the identity, so dX's first rows are the rows of Wᵀ: W is chosen so
        # that no row of dX equals the same row of X (which would invite "dX = X?").
        _dense_case(np.array([[1.0, 2.0], [0.0, 1.0], [-1.0, 0.0], [2.0, -1.0]]),
                    np.array([[2.0, -1.0, 0.0], [1.0, 1.0, -2.0]]), np.array([0.5, 0.0, -0.5]),
                    np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, -1.0, 1.0]]),
                    "a batch of N = 4 samples, D = 2 inputs, M = 3 outputs"),
        _dense_case(np.array([[1.0, -2.0, 0.5]]), np.array([[1.0, 2.0], [0.0, -1.0], [3.0, 1.0]]),
                    np.array([0.0, 1.0]), np.array([[0.5, -1.0]]), "a single sample (N = 1), D = 3, M = 2"),
    ]
    rng = np.random.default_rng(SEED + 3)
    for _ in range(12):
        N, D, M = (int(n) for n in rng.integers(1, 7, size=3))
        cases.append(_dense_case(rng.normal(size=(N, D)), rng.normal(size=(D, M)), rng.normal(size=M),
                                 rng.normal(size=(N, M)), f"a batch of N = {N}, D = {D}, M = {M}"))
    return cases


def _unpack_dense(value, case: Case):
    if value is None:
        return "your function returned None: did you forget `return dX, dW, db`?"
    if not isinstance(value, tuple | list) or len(value) != 3:
        got = f"a {type(value).__name__}"
        if isinstance(value, tuple | list):
            got += f" of length {len(value)}"
        return f"return the three gradients as a tuple, `return dX, dW, db`; got {got}."
    outputs = {}
    for name, v in zip(DENSE_OUTPUTS, value, strict=True):
        arr = _as_array(v, name)
        if isinstance(arr, str):
            return arr
        outputs[name] = arr
    return outputs


def _dims(a: Attempt) -> tuple[int, int, int]:
    return a.case.facts["N"], a.case.facts["D"], a.case.facts["M"]


def _shape_is(name: str, shape_of: Callable[[int, int, int], tuple]) -> Callable[[Attempt], bool]:
    """Output ``name`` has the shape ``shape_of(N, D, M)`` although the right one differs."""
    return lambda a: a.shape(name) == shape_of(*_dims(a)) != a.case.expected[name].shape


DENSE_SHAPE_MISTAKES = [
    Mistake("order", lambda a: sorted(a.shape(k) for k in DENSE_OUTPUTS)
            == sorted(v.shape for v in a.case.expected.values())
            and any(a.shape(k) != v.shape for k, v in a.case.expected.items()),
            "the three gradients come back in a different order: return dX, dW, db (in that order)."),
    Mistake("db not summed", _shape_is("db", lambda N, D, M: (N, M)),
            "db has one row per sample: sum dout over the batch, db = dout.sum(axis=0). "
            "b is shared by every sample, so every sample's gradient adds up.", "db"),
    Mistake("db keepdims", _shape_is("db", lambda N, D, M: (1, M)),
            "db has shape (1, M) but b has shape (M,): sum without keepdims, db = dout.sum(axis=0). "
            "(Broadcasting would hide this until b -= lr * db silently turns b into a matrix.)", "db"),
    Mistake("db a column", _shape_is("db", lambda N, D, M: (M, 1)),
            "db is a column of shape (M, 1); db has one entry per output unit, shape (M,): sum dout "
            "over axis 0, db = dout.sum(axis=0), with no keepdims and no reshape.", "db"),
    Mistake("db a number", _shape_is("db", lambda N, D, M: ()),
            "db is a single number: you summed dout over everything. Sum over the batch only, "
            "db = dout.sum(axis=0): one entry per output, like b.", "db"),
    Mistake("db wrong axis", _shape_is("db", lambda N, D, M: (N,)),
            "db was summed over the wrong axis: one number per sample instead of one per output. "
            "Sum over the batch: db = dout.sum(axis=0).", "db"),
    Mistake("dW transposed", _shape_is("dW", lambda N, D, M: (M, D)),
            "dW is transposed: it must have W's shape (D, M). dW = Xᵀ dout, i.e. X.T @ dout.", "dW"),
    Mistake("dW per sample", _shape_is("dW", lambda N, D, M: (N, D, M)),
            "dW has one matrix per sample: sum over the batch; X.T @ dout does it in one product.", "dW"),
    Mistake("dX transposed", _shape_is("dX", lambda N, D, M: (D, N)),
            "dX is transposed: it must have X's shape (N, D). dX = dout Wᵀ, i.e. dout @ W.T.", "dX"),
]


def _dense_value_mistakes() -> list[Mistake]:
    mistakes = []
    for name, shape in (("dX", "dout @ W.T"), ("dW", "X.T @ dout"), ("db", "dout.sum(axis=0)")):
        mistakes += [
            Mistake(f"{name} flipped sign", lambda a, n=name: a.gives(n, -a.case.expected[n]),
                    f"{name} has a flipped sign: {name} = {shape}, with a plus sign. (The minus of "
                    "gradient descent comes later, in the update.)", name),
        ]
        if name != "dX":
            mistakes.append(Mistake(
                f"{name} averaged", lambda a, n=name: a.case.facts["N"] > 1
                and a.gives(n, a.case.expected[n] / a.case.facts["N"]),
                f"{name} was divided by N = {{N}}: sum over the batch, don't average. The 1/N of the "
                "mean loss is already inside dout.", name))
        mistakes.append(Mistake(f"{name} constant factor", _off_by_factor(name),
                                f"{name} is off by a constant factor: received = {{factor}} x expected. "
                                f"{name} = {shape}, with no other constant.", name))
    return mistakes


DENSE_VALUE_MISTAKES = _dense_value_mistakes()


def check_dense_backward(fn: Callable[..., tuple[np.ndarray, np.ndarray, np.ndarray]]) -> bool:
    """Check a student's ``fn(X, W, b, dout)`` -> ``(dX, dW, db)`` for the dense layer out = X @ W + b.

    Shapes: X (N, D), W (D, M), b (M,), dout = dLoss/dout (N, M); dX, dW, db have the shapes of
    X, W, b. Prints success or the most likely mistake; returns whether every case was right.
    """
    return _run("dense_backward", fn, _dense_cases, _unpack_dense, DENSE_SHAPE_MISTAKES,
                DENSE_VALUE_MISTAKES, _facts_covered("N", "D", "M"))


# -- assembling the MLP's backward pass ------------------------------------------------------------

MLP_KEYS = ("W2", "b2", "W1", "b1")  # backward order: a diagnosis shows the first wrong one on the way back


def _mlp_case(sizes: list[int], X: np.ndarray, labels: np.ndarray, seed: int, about: str) -> Case:
    """The reference gradients from :meth:`MLP.backward` of a 2-layer tanh net (sizes [D, H, K])."""
    from .network import MLP  # imported here: the first four checkers need nothing from network.py

    net = MLP(sizes, seed=seed)
    # Biases start at 0; give them values so a gradient that ignores them cannot pass by luck.
    rng = np.random.default_rng(seed)
    for key in ("b1", "b2"):
        net.params[key][...] = rng.normal(scale=0.5, size=net.params[key].shape)
    logits = net.forward(X)
    h = net.cache[1]
    Y = one_hot(labels, sizes[-1])
    grads = net.backward(cross_entropy_grad(logits, Y))
    params = {k: net.params[k].copy() for k in MLP_KEYS}
    return Case({"params": params, "X": X, "h": h, "logits": logits, "Y": Y},
                {k: grads[k].copy() for k in MLP_KEYS}, about,
                {"N": X.shape[0], "D": sizes[0], "H": sizes[1], "K": sizes[-1], "S": softmax(logits), "Y": Y})


def _mlp_cases() -> list[Case]:
    from .data import make_spirals

    rng = np.random.default_rng(SEED + 4)
    X_toy, labels_toy = make_spirals(n_per_class=4, K=3, seed=0)
    cases = [
        _mlp_case([2, 4, 3], rng.uniform(-1, 1, size=(5, 2)), np.array([0, 1, 2, 2, 1]), 0,
                  "MLP([2, 4, 3]) on a batch of N = 5"),
        _mlp_case([2, 16, 3], X_toy, labels_toy, 0, "MLP([2, 16, 3], seed=0) on 12 spiral points"),
        # D == H: h in place of X then gives dW1 the right shape, and only the numbers tell.
        _mlp_case([3, 3, 2], np.random.default_rng(SEED + 5).uniform(-1, 1, size=(4, 3)),
                  np.array([0, 1, 1, 0]), 0, "MLP([3, 3, 2]) (D = H = 3) on a batch of N = 4"),
    ]
    for seed in range(1, 7):
        D, H, K, N = (int(n) for n in rng.integers((1, 2, 2, 1), (5, 9, 11, 7)))
        cases.append(_mlp_case([D, H, K], rng.uniform(-1, 1, size=(N, D)), rng.integers(0, K, size=N), seed,
                               f"MLP([{D}, {H}, {K}]) on a batch of N = {N}"))
    return cases


def _unpack_mlp(value, case: Case):
    if value is None:
        return "your function returned None: did you forget `return grads`?"
    if not isinstance(value, dict):
        return f"return a dict of gradients with the keys {list(MLP_KEYS)}; got {type(value).__name__}."
    missing = [k for k in MLP_KEYS if k not in value]
    extra = [k for k in value if k not in MLP_KEYS]
    if missing or extra:
        return (f"the dict of gradients must have exactly the keys of params {list(MLP_KEYS)}; "
                + (f"missing {missing}" if missing else "") + (", " if missing and extra else "")
                + (f"unexpected {extra}" if extra else "") + ".")
    outputs = {}
    for k in MLP_KEYS:
        arr = _as_array(value[k], f"grads[{k!r}]")
        if isinstance(arr, str):
            return arr
        outputs[k] = arr
    return outputs


def _backprop_variant(a: Attempt, dphi: Callable[[np.ndarray], np.ndarray] | None = None,
                      scale_dz: float = 1.0) -> dict[str, np.ndarray]:
    """The 2-layer backward pass with one deliberate change: the hidden derivative ``dphi(h)``
    (default the right one, 1 - h^2) or dz multiplied by ``scale_dz``. Builds wrong answers only;
    the right answer comes from MLP.backward."""
    X, h, W2 = a.case.inputs["X"], a.case.inputs["h"], a.case.inputs["params"]["W2"]
    dz = cross_entropy_grad(a.case.inputs["logits"], a.case.facts["Y"]) * scale_dz
    dphi = dphi or (lambda h_: 1 - h_**2)
    da = (dz @ W2.T) * dphi(h)
    return {"W1": X.T @ da, "b1": da.sum(axis=0), "W2": h.T @ dz, "b2": dz.sum(axis=0)}


def _h_for_X(a: Attempt) -> bool:
    """dW1 = hᵀ da: the hidden layer's output h used where its input X belongs (any D and H)."""
    h, W2 = a.case.inputs["h"], a.case.inputs["params"]["W2"]
    da = (cross_entropy_grad(a.case.inputs["logits"], a.case.facts["Y"]) @ W2.T) * (1 - h**2)
    return a.gives("W1", h.T @ da)


H_FOR_X = Mistake("h for X", _h_for_X,
                  "the first layer's input is X (h is its output): the hidden layer computes "
                  "a = X @ W1 + b1 and h = tanh(a), so dW1 = Xᵀ da. Call "
                  "my_dense_backward(X, params['W1'], params['b1'], da), not my_dense_backward(h, ...).",
                  "W1")

def _gives_all(a: Attempt, wrong: dict[str, np.ndarray]) -> bool:
    return all(a.gives(k, v) for k, v in wrong.items())


def _hidden_derivative(dphi: Callable[[np.ndarray], np.ndarray]) -> Callable[[Attempt], bool]:
    """Predicate: every gradient is what the backward pass gives with ``dphi(h)`` in place of 1 - h^2."""
    return lambda a: _gives_all(a, _backprop_variant(a, dphi))


def _layer_right(a: Attempt, *keys: str) -> bool:
    return all(a.right(k) for k in keys)


def _transposed(k: str) -> Callable[[Attempt], bool]:
    return lambda a: a.shape(k) == a.case.expected[k].shape[::-1] != a.case.expected[k].shape


def _not_summed(k: str) -> Callable[[Attempt], bool]:
    """A bias gradient of shape (N, n) or (1, n) where (n,) is right."""
    return lambda a: len(a.shape(k)) == 2 and a.shape(k)[-1:] == a.case.expected[k].shape


def _mlp_shape_mistakes() -> list[Mistake]:
    mistakes = [H_FOR_X]  # when D != H, dW1 = hᵀ da is (H, H) instead of (D, H)
    for W, b in (("W2", "b2"), ("W1", "b1")):
        mistakes += [
            Mistake(f"{W} transposed", _transposed(W),
                    f"{W} is transposed: grads[{W!r}] must have params[{W!r}]'s shape. "
                    "dW = (layer input)ᵀ @ (gradient at the layer's output).", W),
            Mistake(f"{b} not summed", _not_summed(b),
                    f"{b} must have params[{b!r}]'s shape (n,): sum over the batch with axis=0 and no "
                    "keepdims.", b),
        ]
    return mistakes


MLP_SHAPE_MISTAKES = _mlp_shape_mistakes()

MLP_VALUE_MISTAKES = [
    Mistake("forgot 1/N", lambda a: a.case.facts["N"] > 1 and _gives_all(
        a, _backprop_variant(a, scale_dz=a.case.facts["N"])),
            "every gradient is N = {N} times too large: the backward pass starts from dLoss/dz = "
            "(S - y)/N, the gradient of the *mean* loss.", "b2"),
    Mistake("flipped sign", lambda a: _gives_all(a, _backprop_variant(a, scale_dz=-1.0)),
            "every gradient has a flipped sign: start from dz = (S - y)/N, not (y - S)/N.", "b2"),
    Mistake("no activation derivative", _hidden_derivative(lambda h: np.ones_like(h)),
            "the output layer is right, but you skipped tanh's derivative: going back through "
            "h = tanh(a) multiplies by tanh'(a) = 1 - h², elementwise: da = dh * (1 - h**2).", "W1"),
    Mistake("tanh twice", _hidden_derivative(lambda h: 1 - np.tanh(h) ** 2),
            "you applied tanh to h again: h is already tanh(a), so tanh'(a) = 1 - h², not 1 - tanh(h)².",
            "W1"),
    Mistake("relu derivative", _hidden_derivative(lambda h: (h > 0).astype(float)),
            "you used ReLU's derivative [h > 0]; this net's hidden layer is tanh: "
            "da = dh * (1 - h**2).", "W1"),
    Mistake("sigmoid derivative", _hidden_derivative(lambda h: h * (1 - h)),
            "you used the sigmoid's derivative h(1 - h); this net's hidden layer is tanh: "
            "tanh'(a) = 1 - h².", "W1"),
    Mistake("1 - h", _hidden_derivative(lambda h: 1 - h),
            "tanh'(a) is 1 - h², squared: you used 1 - h.", "W1"),
    H_FOR_X,  # when D == H, dW1 = hᵀ da has the right shape and the wrong numbers
    Mistake("output layer wrong", lambda a: not _layer_right(a, "W2", "b2"),
            "the output layer's gradient {show} is already wrong. dW2 = hᵀ dz and db2 = Σ_n dz_n, with "
            "dz = (S - y)/N: make sure exercises 3 and 4 pass first, then call them here."),
    Mistake("hidden layer wrong", lambda a: _layer_right(a, "W2", "b2"),
            "the output layer is right; the mistake is on the way back through the hidden layer, "
            "in {show}: dh = dz W2ᵀ, da = dh * (1 - h²), then dW1 = Xᵀ da, db1 = Σ_n da_n."),
]


def check_mlp_backward(fn: Callable[..., dict[str, np.ndarray]]) -> bool:
    """Check a student's ``fn(params, X, h, logits, Y)`` -> grads for a 2-layer tanh MLP.

    The forward pass it inverts (what ``MLP([D, H, K]).forward`` computes and caches):
    h = tanh(X @ W1 + b1) (N, H), logits = h @ W2 + b2 (N, K); the loss is the mean
    cross-entropy with one-hot Y (N, K). ``params`` has "W1" (D, H), "b1" (H,), "W2" (H, K),
    "b2" (K,); the answer is a dict with the same keys and shapes, compared with
    ``MLP.backward(cross_entropy_grad(logits, Y))``.
    Prints success or the most likely mistake; returns whether every case was right.
    """
    return _run("mlp_backward", fn, _mlp_cases, _unpack_mlp, MLP_SHAPE_MISTAKES, MLP_VALUE_MISTAKES,
                lambda cases: "two-layer tanh nets with " + _facts_covered("D", "H", "K", "N")(cases))
