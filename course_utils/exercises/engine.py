"""The machinery every checker shares: cases, the student's attempts, known mistakes, the run.

A :class:`Case` is one input and its reference answer. A check has two steps with a data
boundary between them: :meth:`Checker.evaluate` runs the student's function on every case
(copies of the inputs, outputs copied at once, warnings recorded, exceptions caught, under the
student's own numpy error settings, within a time limit for all cases together) and returns an
:class:`Evaluation`; :meth:`Checker.judge` turns that data into the verdict and the feedback.

What the function returned becomes an :class:`Attempt`: named float64 arrays plus the dtype the
student computed in. A case is right when every output has the reference's shape (never
broadcast) and agrees within a tolerance that fits that dtype (:func:`tolerance`; float32's only
when float32 is visible in the answer). Warnings never decide a verdict. Wrong cases are matched
against a list of known mistakes; a :class:`Mistake` is ``(name, applies, message)``, and
``applies(attempt)`` is usually "the output equals what this particular wrong formula gives on
this case". Shapes come before values. A mistake is named only when it explains every wrong case
(or a stated share, :data:`SHARE`), on the smallest case it explains; otherwise nan/inf on an
ordinary input is named as such, or the smallest wrong case is shown with where and how much.

Checkers return True (every case right), False (something is wrong) or None (not attempted:
the function raises NotImplementedError). Nothing the student's function does, returns or
raises escapes a checker, except KeyboardInterrupt (the student's own request to stop).

Each exercise's module registers its exercise once (:func:`register`, an :class:`Exercise`: its
number, its check, the function the student writes, its points, its checker and the grader's fresh
cases). :data:`EXERCISES` is that registry, and everything that lists the exercises reads it: the
package's ``check_*`` names, :func:`~course_utils.exercises.summary`, the grader
(``course_utils.grading``) and the tests.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from . import report
from .attempts import NUMPY_DEFAULTS, TIME_LIMIT, Attempt, Call, Evaluation, evaluate
from .cases import LARGE, Case
from .mistakes import Mistake, message

__all__ = ["EXERCISES", "Checker", "Exercise", "register", "by_task", "fresh_sizes"]


SHARE = 0.75  # a known mistake that explains at least this share of the wrong cases (and 2+) is named

NUMERICAL = ("overflow", "invalid value", "divide by zero", "underflow")  # numpy's RuntimeWarnings


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
    """Everything one exercise's check needs; ``check(fn)`` runs it.

    ``check`` = :meth:`evaluate` (run the student's function on the cases) followed by
    :meth:`judge` (compare, diagnose, word the feedback), which takes only the evaluation's data.
    """

    task: str
    make_cases: Callable[[], list[Case]]
    unpack: Unpack
    shape_mistakes: list[Mistake]
    value_mistakes: list[Mistake]
    success: Callable[[list[Case]], str]

    def check(self, fn, time_limit: float | None = TIME_LIMIT) -> bool | None:
        """Run ``fn`` on every case, print ✔ or the diagnosis; True, False, or None (not attempted)."""
        errstate = np.geterr()  # the student's numpy settings: their code runs under them
        try:
            with np.errstate(**NUMPY_DEFAULTS):
                cases = self.make_cases()
            evaluation = self.evaluate(fn, cases, time_limit, errstate)
            verdict, text = self.judge(cases, evaluation)
        except KeyboardInterrupt:
            raise
        except BaseException as err:  # noqa: BLE001  a checker never raises at the student
            verdict, text = (
                False,
                f"✘ {self.task}: the check could not judge what your function returned "
                f"({type(err).__name__}: {err}). Return plain numpy arrays of the shapes asked for.",
            )
        print(text)
        return verdict

    def evaluate(
        self, fn, cases: list[Case], time_limit: float | None = TIME_LIMIT, errstate: dict | None = None
    ) -> Evaluation:
        """Call ``fn`` on each case under numpy's error settings ``errstate`` (default: those in
        force now, the student's), within ``time_limit`` seconds of its own running time in total;
        stop at the first exception (see :func:`.attempts.evaluate`)."""
        return evaluate(fn, cases, time_limit, errstate)

    def judge(self, cases: list[Case], evaluation: Evaluation) -> tuple[bool | None, str]:
        """The verdict (True, False or None) and the feedback, from the evaluation's data alone."""
        with np.errstate(**NUMPY_DEFAULTS), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return self._judge(cases, evaluation)

    def _judge(self, cases: list[Case], evaluation: Evaluation) -> tuple[bool | None, str]:
        if evaluation.not_callable is not None:
            return False, report.failure(
                self.task,
                f"expected a function, got {evaluation.not_callable}.",
                "Pass the function itself, without calling it: check(my_function).",
                None,
            )
        calls = evaluation.calls
        attempts: dict[int, Attempt] = {}
        keyed = {c.key: i for i, c in enumerate(cases) if c.key}

        def other(key: str) -> Attempt | None:
            return attempts.get(keyed.get(key, -1))

        failures: list[tuple[Attempt, list[Mistake], int]] = []
        dtypes: set[str] = set()
        in_code = False
        warned: list[str] = []
        for index, (case, result) in enumerate(zip(cases, calls, strict=False)):
            warned += [w for w in result.warned if w not in warned]
            if isinstance(result.error, NotImplementedError):
                return None, (
                    f"… {self.task}: not implemented yet. Replace `raise NotImplementedError` with your code."
                )
            if result.error is not None:
                headline, advice = self._exception(result, case)
                return False, report.failure(
                    self.task,
                    headline,
                    advice + _mutated_note(result.mutated),
                    Attempt(case, {}, result.warned),
                )
            unpacked = self.unpack(result.value, case)
            if isinstance(unpacked, str):  # returned something that is not the arrays asked for
                return False, report.failure(self.task, unpacked, "", Attempt(case, {}, result.warned))
            outputs, dtype = unpacked
            if (dtype.metadata or {}).get("float64"):  # float64 holding float32 numbers: see as_array
                exact = Attempt(case, outputs, result.warned)
                if all(exact.right(k) for k in case.expected):
                    dtype = np.dtype(np.float64)
            if dtype == np.float64 and evaluation.float32_in_code:
                loose = Attempt(case, outputs, result.warned, np.dtype(np.float32))
                exact = Attempt(case, outputs, result.warned)
                if all(loose.right(k) for k in case.expected) and not all(
                    exact.right(k) for k in case.expected
                ):
                    dtype = np.dtype(np.float32, metadata={"float64": True, "in code": True})
            attempt = Attempt(case, outputs, result.warned, dtype, other, result.mutated)
            attempts[index] = attempt
        for index, attempt in attempts.items():
            failure = self._diagnose(attempt)
            if failure is not None:
                failures.append((attempt, failure, index))
            if (attempt.dtype.metadata or {}).get("in code"):
                in_code = True
            else:
                dtypes.add(str(attempt.dtype))
        mutated = sorted({m for a in attempts.values() for m in a.mutated})
        if evaluation.timed_out:
            return False, self._timed_out(evaluation, cases, len(failures))
        if not failures and mutated:
            first = next(a for a in attempts.values() if a.mutated)
            return False, report.failure(
                self.task,
                f"the answer is right, but your function changed its input {', '.join(mutated)} in place. "
                "Work on new arrays (e.g. `z = z - z.max(...)`, not `z -= ...`; an update like "
                "`W -= lr * dW` belongs in the training loop, not here): the caller still needs its "
                "own values.",
                "",
                first,
            )
        if not failures:
            return True, (
                f"✔ {self.task}: correct on all {len(cases)} cases ({self.success(cases)})."
                + report.dtype_note(dtypes)
                + (
                    " Part of your code computes in float32, so float64 answers were compared at "
                    "float32's precision where they needed it."
                    if in_code
                    else ""
                )
                + _warning_note(warned, passed=True)
            )
        attempt, problem = self._choose(failures)
        return False, report.failure(
            self.task,
            problem.headline,
            problem.advice + _mutated_note(mutated) + _warning_note(warned, passed=False),
            attempt,
            problem.show,
            wrong_cases=(len(failures), len(cases)),
        )

    def _exception(self, result: Call, case: Case) -> tuple[str, str]:
        err = result.error
        headline = f"your function raised {type(err).__name__}: {err}"
        if isinstance(err, FloatingPointError) and result.errstate is not None:
            raising = sorted(k for k, v in result.errstate.items() if v == "raise")
            setting = ", ".join(f'{k}="raise"' for k in raising) or "raise"
            right_anyway = ""
            if result.at_defaults is not None and result.at_defaults.error is None:
                unpacked = self.unpack(result.at_defaults.value, case)
                if not isinstance(unpacked, str):
                    again = Attempt(case, unpacked[0], result.at_defaults.warned, unpacked[1])
                    if all(again.right(k) for k in case.expected):
                        right_anyway = (
                            " With numpy's default settings your function gives the right answer here."
                        )
            lead = (
                f"numpy raised this because its error handling is set to {setting} (np.seterr or "
                "np.errstate, in your function or earlier in this notebook). "
            )
            if "underflow" in str(err):
                return headline, lead + (
                    "An underflow is not a mistake: exp of a very negative number rounds to 0, and 0 is "
                    "the right value. Go back to numpy's defaults with "
                    'np.seterr(all="warn", under="ignore") and run the check again.' + right_anyway
                )
            if "overflow" in str(err) and case.large:
                return headline, lead + report.explain_exception(err) + right_anyway
            return headline, lead + (
                "Without it numpy would have given inf or nan here and said so in a warning. Go back "
                'to numpy\'s defaults with np.seterr(all="warn", under="ignore") and run the check again.'
                + right_anyway
            )
        return headline, report.explain_exception(err)

    def _timed_out(self, evaluation: Evaluation, cases: list[Case], wrong: int) -> str:
        done = len(evaluation.calls)
        so_far = "all right so far" if not wrong else f"{wrong} of them wrong"
        where = (
            f"during the first of {len(cases)} cases"
            if not done
            else f"after {done} of {len(cases)} cases ({so_far})"
        )
        return report.wrap(
            f"✘ {self.task}: your function took more than {evaluation.time_limit:g} s in total, so the "
            f"check stopped it {where}. Each case is small: a "
            "vectorised answer needs well under a millisecond. Look for a loop that never ends (a "
            "while whose condition never changes), a sleep or print left in, or work repeated "
            "inside a loop that could be done once."
        )

    def _diagnose(self, attempt: Attempt) -> list[Mistake] | None:
        """None when the attempt is right; else every known mistake it shows (maybe none)."""
        expected = attempt.case.expected
        if any(attempt.shape(k) != v.shape for k, v in expected.items()):
            return _all(self.shape_mistakes + GENERIC_SHAPE, attempt)
        if all(attempt.right(k) for k in expected):
            return None
        return _all(GENERIC_VALUE + self.value_mistakes + GENERIC_LATE, attempt)

    def _choose(self, failures: list[tuple[Attempt, list[Mistake], int]]) -> tuple[Attempt, Problem]:
        """Shapes first: when any case has a wrong shape, only those cases are weighed. A known
        mistake is named when it explains every wrong case (or at least SHARE of them, and then the
        feedback says how many); the report shows the smallest case it explains. Otherwise nan/inf
        on an ordinary input is named as such, and failing that the smallest wrong case is shown
        with where and by how much it differs."""
        shaped = [f for f in failures if any(f[0].shape(k) != v.shape for k, v in f[0].case.expected.items())]
        pool = shaped or failures
        rank = {
            m.name: i
            for i, m in enumerate(
                reversed(
                    self.shape_mistakes + GENERIC_SHAPE + GENERIC_VALUE + self.value_mistakes + GENERIC_LATE
                )
            )
        }
        counts: dict[str, int] = {}
        first: dict[str, Mistake] = {}
        for _, mistakes, _ in pool:
            for m in mistakes:
                counts[m.name] = counts.get(m.name, 0) + 1
                first.setdefault(m.name, m)
        total = len(pool)
        # the first mistake in the lists' order (the specific before the catch-alls) among those
        # the evidence supports: every wrong case, or at least SHARE of them (and two or more)
        supported = [
            n for n in first if counts[n] == total or (counts[n] >= 2 and counts[n] >= SHARE * total)
        ]
        best = max(supported, key=lambda n: (counts[n] == total, rank.get(n, -1)), default=None)
        if best is not None:
            mistake = first[best]
            showing = [f for f in pool if any(m.name == best for m in f[1])]
            # the case that tells this mistake apart best (fewest other mistakes fit), then the smallest
            attempt = min(showing, key=lambda f: (len(f[1]), f[0].case.size(), f[2]))[0]
            problem = self._problem(attempt, mistake)
            if counts[best] < total:
                problem.advice = (
                    f"(This explains {counts[best]} of the {total} wrong cases; look at the others too.) "
                    + problem.advice
                ).strip()
            return attempt, problem
        pair = _two_mistakes(pool, first, rank)
        if pair is not None:
            return pair
        if not shaped:
            odd = [f for f in pool if not f[0].case.large and f[0].nonfinite()]
            if odd:
                attempt = min(odd, key=lambda f: (f[0].case.size(), f[2]))[0]
                return attempt, self._problem(attempt, NONFINITE)
        attempt = min(pool, key=lambda f: (f[0].case.size(), f[2]))[0]
        return attempt, self._problem(attempt, None)

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
        numerical = [w for w in attempt.warned if w.startswith("RuntimeWarning") and _numerical(w)]
        advice = f"your code warned: {'; '.join(numerical)}" if numerical else ""
        return Problem(message(mistake, attempt, show), advice, show, mistake.name != "unknown")


def _two_mistakes(pool, first: dict[str, Mistake], rank: dict[str, int]):
    """Two known mistakes that together explain every wrong case (each some of them), or None."""
    names = sorted(first, key=lambda n: -rank.get(n, -1))
    fits = {n: {i for i, f in enumerate(pool) if any(m.name == n for m in f[1])} for n in names}
    everything = set(range(len(pool)))
    for i, one in enumerate(names):
        for two in names[i + 1 :]:
            if fits[one] | fits[two] != everything or fits[one] <= fits[two] or fits[two] <= fits[one]:
                continue
            texts, shown = [], None
            for name in (one, two):
                f = min((pool[k] for k in fits[name]), key=lambda f: (len(f[1]), f[0].case.size(), f[2]))
                mistake, attempt = first[name], f[0]
                show = mistake.show or next(
                    (k for k in attempt.case.expected if not attempt.right(k)), list(attempt.case.expected)[0]
                )
                texts.append((len(fits[name]), message(mistake, attempt, show)))
                shown = shown or (attempt, show)
            headline = (
                f"two mistakes at once. On {texts[0][0]} of the {len(pool)} wrong cases: {texts[0][1]}\n"
                f"On {texts[1][0]} of them: {texts[1][1]}"
            )
            return shown[0], Problem(headline, "The case below shows the first.", shown[1])
    return None


def _numerical(warning: str) -> bool:
    return any(word in warning for word in NUMERICAL)


def _warning_note(warned: list[str], passed: bool) -> str:
    """Warnings never decide a verdict: under a ✔ they are a note, under a ✘ the non-numerical ones
    are (the numerical ones, which explain a wrong value, are in the diagnosis itself)."""
    shown = (
        warned if passed else [w for w in warned if not (w.startswith("RuntimeWarning") and _numerical(w))]
    )
    if not shown:
        return ""
    listed = "; ".join(shown[:3]) + (f"; and {len(shown) - 3} more" if len(shown) > 3 else "")
    if passed:
        return (
            f"\n  Note: your code warned ({listed}). That does not change the verdict, but is worth a look."
        )
    return f"\n  Note: your code also warned ({listed}); warnings alone do not change the verdict."


def _mutated_note(mutated: list[str]) -> str:
    if not mutated:
        return ""
    return (
        f"\n  Also: your function changed its input {', '.join(mutated)} in place; the caller still "
        "needs its own values (an update like `W -= lr * dW` belongs in the training loop, and a "
        "changed input can make later steps wrong)."
    )


NONFINITE = Mistake(
    "nan on ordinary inputs",
    bool,
    "your function returned nan or inf on an ordinary input (no large logits here), where every "
    "entry of the answer is a finite number. This is not an overflow: follow the case below "
    "through your code step by step and find the first step that gives nan or inf (a 0/0, a log "
    "of 0 or of a negative number, an uninitialised array from np.empty?).",
)

GENERIC_SHAPE = [
    Mistake(
        "extra axis",
        lambda a: any(
            a.shape(k) in ((1, *v.shape), (*v.shape, 1)) for k, v in a.case.expected.items() if v.ndim == 1
        ),
        lambda a: (
            "an extra axis: "
            + next(
                f"{k} should have shape {v.shape}, and came back with shape {a.shape(k)}"
                for k, v in a.case.expected.items()
                if a.shape(k) != v.shape
            )
            + ". np.matrix (always 2-D), keepdims=True or a reshape keeps an axis of length 1: use "
            "plain numpy arrays (np.asarray) and return the shape asked for."
        ),
    ),
]

GENERIC_VALUE = [
    Mistake(
        "float16",
        lambda a: a.dtype == np.float16,
        "your answer is float16, which holds only about 3 significant digits (and overflows above "
        "65504): too coarse for these numbers. Compute in float64 (numpy's default; or float32), "
        "e.g. np.asarray(z, dtype=np.float64), or .double() for a torch tensor.",
    ),
]


def _right_at_float32(a: Attempt) -> bool:
    """A float64 answer that is right only at float32's tolerance."""
    if a.dtype != np.float64:
        return False
    loose = Attempt(a.case, a.outputs, a.warned, np.dtype(np.float32))
    return all(loose.right(k) for k in a.case.expected)


GENERIC_LATE = [
    Mistake(
        "float32 inside float64",
        _right_at_float32,
        "your float64 answer agrees with the right one only to about 7 digits, float32's precision "
        "(or something else changes it by about 1e-7). If part of your code computes in float32 "
        "(a float32 softmax reused here?) and converts back to float64, compute in float64 "
        "throughout, or return the float32 result as it is: float32 answers are compared at "
        "float32's precision.",
    ),
]


def _all(mistakes: list[Mistake], attempt: Attempt) -> list[Mistake]:
    return [m for m in mistakes if _applies(m, attempt)]


def _applies(mistake: Mistake, attempt: Attempt) -> bool:
    try:
        return bool(mistake.applies(attempt))
    except Exception:  # noqa: BLE001  a predicate that can't judge this answer doesn't apply
        return False


# -- the registry: every exercise of notebook 05, registered once by its own module ---------------


@dataclass(frozen=True)
class Exercise:
    """One exercise of notebook 05, as its module registers it with :func:`register`.

    ``number``: its number in the notebook (``passed[number]``); ``check``: the function the
    notebook calls, named ``check_<task>``; ``function``: the name of the function the student
    writes (``my_softmax``); ``points``: what its graded cell is worth; ``checker``: its
    :class:`Checker`; ``fresh_cases(rng)``: a few random cases the grader adds to the seeded ones
    (no one can know them before grading). ``helpers``: the tasks of earlier exercises whose
    functions the student's answer calls (exercise 5 calls those of 3 and 4), and
    ``checker_for(verdicts)``: the checker when it is known whether each of those functions
    passes its own check (student's function name -> True/False); None: ``checker`` always.
    """

    number: int
    check: Callable[..., bool | None]
    function: str
    points: float
    checker: Checker
    fresh_cases: Callable[[np.random.Generator], list[Case]]
    helpers: tuple[str, ...] = ()
    checker_for: Callable[[dict[str, bool]], Checker] | None = None

    @property
    def task(self) -> str:
        """The exercise's name in the feedback and in the notebook's cell ids: "softmax"."""
        return self.checker.task

    @property
    def name(self) -> str:
        """The check's name, as the notebook imports and calls it: "check_softmax"."""
        return self.check.__name__

    def make_cases(self) -> list[Case]:
        """The check's seeded cases with their expected values (the same on every machine)."""
        return self.checker.make_cases()

    def judge(
        self, cases: list[Case], evaluation: Evaluation, helpers: dict[str, bool] | None = None
    ) -> tuple[bool | None, str]:
        """:meth:`Checker.judge` by the checker that fits ``helpers``, the verdicts of the
        student's functions of earlier exercises that this answer calls (empty: none)."""
        checker = self.checker_for(helpers or {}) if self.checker_for else self.checker
        return checker.judge(cases, evaluation)


EXERCISES: dict[int, Exercise] = {}  # number -> exercise, in the notebook's order; see register


def register(exercise: Exercise) -> Exercise:
    """Add ``exercise`` to :data:`EXERCISES` (an exercise's module calls this once, when imported).

    Its check must be called ``check_<task>``, and its number must be its own: two exercises with
    one number is a mistake in the package, raised at once.
    """
    if exercise.name != f"check_{exercise.task}":
        raise ValueError(f"the check of task {exercise.task!r} must be named check_{exercise.task}")
    taken = EXERCISES.get(exercise.number)
    if taken is not None and taken.task != exercise.task:
        raise ValueError(f"exercise {exercise.number} is {taken.task!r} already, not {exercise.task!r}")
    EXERCISES[exercise.number] = exercise
    ordered = sorted(EXERCISES.items())
    EXERCISES.clear()
    EXERCISES.update(ordered)
    return exercise


def by_task(task: str) -> Exercise:
    """The registered exercise named ``task`` ("dense_backward")."""
    for exercise in EXERCISES.values():
        if exercise.task == task:
            return exercise
    raise KeyError(f"no exercise {task!r} is registered")


def fresh_sizes(rng: np.random.Generator) -> tuple[int, int, int, int, np.ndarray]:
    """What every exercise's fresh cases draw first from the grader's ``rng``: the sizes K (classes,
    3 to 8), N (samples, 2 to 5), D (inputs, 1 to 4) and H (hidden units, 2 to 8), and a batch of
    logits (N, K) whose rows lie near +1000 or -1000."""
    K, N, D, H = (int(n) for n in rng.integers((3, 2, 1, 2), (9, 6, 5, 9)))
    large = rng.normal(scale=30.0, size=(N, K)) + rng.choice([-LARGE, LARGE], size=(N, 1))
    return K, N, D, H, large
