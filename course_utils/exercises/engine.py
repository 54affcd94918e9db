"""The machinery every checker shares: cases, the student's attempts, known mistakes, the run.

A :class:`Case` is one input and its reference answer. The student's function runs on every case
(copies of the inputs, numpy warnings caught, any exception caught); what it returns becomes an
:class:`Attempt`: named float64 arrays plus the dtype the student computed in. A case is right
when every output has the reference's shape (never broadcast) and agrees within a tolerance that
fits that dtype (:func:`tolerance`). Wrong cases are matched against a list of known mistakes,
in order; a :class:`Mistake` is ``(name, applies, message)``, and ``applies(attempt)`` is usually
"the output equals what this particular wrong formula gives on this case". The report names the
mistake shown by the most wrong cases, on the smallest case that shows it (or the smallest wrong
case, when no known mistake fits).

Checkers return True (every case right), False (something is wrong) or None (not attempted:
the function raises NotImplementedError). Nothing the student's function does, returns or
raises escapes a checker, except KeyboardInterrupt (the student's own request to stop).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from . import report
from .attempts import NUMPY_DEFAULTS, Attempt, Call, as_array, call, quiet, single_output, tolerance
from .cases import LARGE, SEED, Case, facts_covered, span
from .mistakes import (
    Mistake,
    constant_factor,
    least_squares_factor,
    message,
    name_factor,
    no_max_shift,
    off_by_factor,
    returned_a_number,
)

__all__ = [
    "LARGE",
    "SEED",
    "Attempt",
    "Case",
    "Checker",
    "Mistake",
    "as_array",
    "facts_covered",
    "least_squares_factor",
    "name_factor",
    "no_max_shift",
    "constant_factor",
    "returned_a_number",
    "off_by_factor",
    "quiet",
    "single_output",
    "span",
    "tolerance",
]


@dataclass
class Problem:
    """A diagnosis of one attempt: what to print and whether a known mistake was recognised."""

    headline: str
    advice: str
    show: str | None
    known: bool = True


Unpack = Callable[[object, Case], "tuple[dict[str, np.ndarray], np.dtype] | str"]


@dataclass
class Checker:
    """Everything one exercise's check needs; ``check(fn)`` runs it."""

    task: str
    make_cases: Callable[[], list[Case]]
    unpack: Unpack
    shape_mistakes: list[Mistake]
    value_mistakes: list[Mistake]
    success: Callable[[list[Case]], str]

    def check(self, fn) -> bool | None:
        """Run ``fn`` on every case, print ✔ or the diagnosis; True, False, or None (not attempted)."""
        try:
            with np.errstate(**NUMPY_DEFAULTS):
                return self._check(fn, self.make_cases())
        except KeyboardInterrupt:
            raise
        except BaseException as err:  # noqa: BLE001  a checker never raises at the student
            print(
                f"✘ {self.task}: the check could not judge what your function returned "
                f"({type(err).__name__}: {err}). Return plain numpy arrays of the shapes asked for."
            )
            return False

    def attempt(self, fn, case: Case) -> Attempt | None:
        """The student's function on ``case`` (None when it raises or returns no arrays)."""
        return self._unpacked(fn, case, call(fn, case))

    def _unpacked(self, fn, case: Case, result: Call) -> Attempt | None:
        if result.error is not None:
            return None
        with warnings.catch_warnings(record=True), np.errstate(all="ignore"):
            warnings.simplefilter("always")
            unpacked = self.unpack(result.value, case)
        if isinstance(unpacked, str):
            result.error = ValueError(unpacked)
            return None
        outputs, dtype = unpacked
        return Attempt(case, outputs, result.warned, dtype, lambda c: self.attempt(fn, c))

    def _check(self, fn, cases: list[Case]) -> bool | None:
        if not callable(fn):
            print(
                report.failure(
                    self.task,
                    f"expected a function, got {type(fn).__name__}.",
                    "Pass the function itself, without calling it: check(my_function).",
                    None,
                )
            )
            return False
        failures: list[tuple[Attempt, list[Mistake], int]] = []
        dtypes: set[tuple[str, bool]] = set()
        for index, case in enumerate(cases):
            result = call(fn, case)
            if isinstance(result.error, NotImplementedError):
                print(
                    f"… {self.task}: not implemented yet. Replace `raise NotImplementedError` with your code."
                )
                return None
            if result.error is not None:
                print(
                    report.failure(
                        self.task,
                        f"your function raised {type(result.error).__name__}: {result.error}",
                        report.explain_exception(result.error),
                        Attempt(case, {}, result.warned),
                    )
                )
                return False
            attempt = self._unpacked(fn, case, result)
            if attempt is None:  # returned something that is not the arrays asked for
                print(report.failure(self.task, str(result.error), "", Attempt(case, {}, result.warned)))
                return False
            failure = self._diagnose(attempt, result.mutated)
            if failure is not None:
                failures.append((attempt, failure, index))
            dtypes.add((str(attempt.dtype), attempt.inferred))
        if not failures:
            print(
                f"✔ {self.task}: correct on all {len(cases)} cases ({self.success(cases)})."
                + report.dtype_note(dtypes)
            )
            return True
        attempt, problem = self._choose(failures)
        print(
            report.failure(
                self.task,
                problem.headline,
                problem.advice,
                attempt,
                problem.show,
                wrong_cases=(len(failures), len(cases)),
            )
        )
        return False

    def _diagnose(self, attempt: Attempt, mutated: list[str]) -> list[Mistake] | None:
        """None when the attempt is right; else every known mistake it shows (maybe none)."""
        expected = attempt.case.expected
        if any(attempt.shape(k) != v.shape for k, v in expected.items()):
            return _all(self.shape_mistakes, attempt)
        wrong = [k for k in expected if not attempt.right(k)]
        if wrong and attempt.dtype == np.float64 and _right_at(attempt, np.dtype(np.float32)):
            # float64 arrays that agree only to float32's precision: part of the student's code computes
            # in float32 (e.g. a float32 softmax reused here). That is a correct answer at that precision.
            attempt.dtype, attempt.inferred, wrong = np.dtype(np.float32), True, []
        if wrong:
            return _all(self.value_mistakes, attempt)
        if attempt.warned:
            return [WARNED]
        if mutated:
            return [
                Mistake(
                    "changed its input",
                    bool,
                    f"the answer is right, but your function changed its input {', '.join(mutated)} "
                    "in place. Work on new arrays (e.g. `z = z - z.max(...)`, not `z -= ...`): the "
                    "caller still needs its own values.",
                )
            ]
        return None

    def _choose(self, failures: list[tuple[Attempt, list[Mistake], int]]) -> tuple[Attempt, Problem]:
        """The first wrong case (in the cases' order, which puts telling cases first) that shows a
        known mistake decides the diagnosis: its first known mistake in list order. The report shows
        the smallest case that shows the same mistake; with no known mistake, the smallest wrong case."""
        known = [f for f in failures if f[1]]
        if known:
            mistake = known[0][1][0]
            showing = [f for f in known if any(m.name == mistake.name for m in f[1])]
            attempt = min(showing, key=lambda f: (f[0].case.size(), f[2]))[0]
        else:
            attempt, mistake = min(failures, key=lambda f: (f[0].case.size(), f[2]))[0], None
        return attempt, self._problem(attempt, mistake)

    def _problem(self, attempt: Attempt, mistake: Mistake | None) -> Problem:
        expected = attempt.case.expected
        wrong_shape = [k for k, v in expected.items() if attempt.shape(k) != v.shape]
        if wrong_shape:
            mistake = mistake or Mistake("wrong shape", bool, "{show} has the wrong shape.", wrong_shape[0])
            show = mistake.show if mistake.show in wrong_shape else wrong_shape[0]
            advice = (
                f"Expected {show} with shape {expected[show].shape}, received shape {attempt.shape(show)}."
            )
            return Problem(message(mistake, attempt, show), advice, show)
        wrong = [k for k in expected if not attempt.right(k)]
        mistake = mistake or Mistake(
            "unknown",
            bool,
            "the numbers are wrong, in a way I don't recognise. "
            "The entries marked * below differ; compute that case by hand to see why.",
        )
        show = mistake.show or (wrong or list(expected))[0]
        advice = f"your code warned: {'; '.join(attempt.warned)}" if attempt.warned else ""
        return Problem(message(mistake, attempt, show), advice, show)


WARNED = Mistake(
    "warned",
    bool,
    "the numbers are right, but your code warned while computing them; a "
    "correct implementation computes them without any warning.",
)


def _all(mistakes: list[Mistake], attempt: Attempt) -> list[Mistake]:
    return [m for m in mistakes if _applies(m, attempt)]


def _applies(mistake: Mistake, attempt: Attempt) -> bool:
    try:
        return bool(mistake.applies(attempt))
    except Exception:  # noqa: BLE001  a predicate that can't judge this answer doesn't apply
        return False


def _right_at(attempt: Attempt, dtype: np.dtype) -> bool:
    """Would every output be right at ``dtype``'s tolerance?"""
    loose = Attempt(attempt.case, attempt.outputs, attempt.warned, dtype)
    return all(loose.right(k) for k in attempt.case.expected)
