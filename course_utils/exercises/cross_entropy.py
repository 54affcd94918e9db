"""Exercise 3: dLoss/dz = (S - Y)/N of the mean cross-entropy over a batch; z, Y (N, K)."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np

from ..losses import cross_entropy_grad, one_hot
from ..softmax import softmax
from .attempts import TIME_LIMIT, Attempt, single_output
from .cases import LARGE, SEED, Case
from .engine import Checker, Exercise, fresh_sizes, register
from .logits import about_logits, logits_covered
from .mistakes import Mistake, clipped, constant_factor, gives, no_max_shift, returned_a_number


def batch_case(z: np.ndarray, labels, about: str | None = None, key: str = "") -> Case:
    """The case of logits ``z`` (N, K) and integer ``labels`` (N,), with dLoss/dz as its answer."""
    Y = one_hot(np.asarray(labels), z.shape[1])
    N, K = z.shape
    return Case(
        {"z": z, "Y": Y},
        {"dz": cross_entropy_grad(z, Y)},
        about or about_logits(z),
        {"N": N, "K": K, "S": softmax(z), "Y": Y},
        large=bool(np.max(np.abs(z)) >= LARGE / 2),
        key=key,
    )


def cases() -> list[Case]:
    rng = np.random.default_rng(SEED + 2)
    out = [
        # A batch first: with N = 1, dividing by K, by N·K (Y.size) or not at all look alike.
        batch_case(np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]), [2, 0]),
        batch_case(
            np.log(np.array([[0.1, 0.3, 0.6]])),
            [2],
            "the lecture's example S = [0.1, 0.3, 0.6], true class 3 (N = 1, K = 3)",
        ),
        batch_case(np.array([[1000.0, 1001.0, 1002.0], [-1000.0, -999.0, -998.0]]), [0, 1]),
        batch_case(np.array([[800.0, -800.0, 0.0], [1.0, 2.0, 3.0]]), [1, 2]),  # S_true = exp(-1600) = 0
        # the largest logit and the true class in every position, rows in other orders
        batch_case(
            np.array([[3.0, -1.0, 0.5], [0.5, 3.0, -1.0], [-1.0, 0.5, 3.0], [0.5, -1.0, 3.0]]), [1, 2, 0, 0]
        ),
        # a spread of 1600 in every order (only each row's own max keeps exp finite), and rows near
        # +1000, 0 and -1000 in one batch (no constant or batch-wide shift fits them all)
        batch_case(np.array(list(itertools.permutations([800.0, -800.0, 0.0]))), [0, 1, 2, 0, 1, 2]),
        batch_case(
            np.array([[1000.0, 1001.0, 1002.0], [0.0, 1.0, 2.0], [-1000.0, -999.0, -998.0]]), [2, 0, 1]
        ),
        # two probes: large logits where no probability rounds to 0, and small ones where one does
        batch_case(np.array([[1000.0, 1001.0, 1002.0], [-1000.0, -999.0, -998.0]]), [2, 2], key="large"),
        batch_case(np.array([[0.0, -800.0, 0.0]]), [1], key="underflow"),
    ]
    for K in range(2, 11):
        for scale, offset in ((3.0, 0.0), (30.0, LARGE)):
            N = int(rng.integers(1, 7))
            z = rng.normal(scale=scale, size=(N, K)) + offset * rng.choice([-1.0, 1.0], size=(N, 1))
            out.append(batch_case(z, rng.integers(0, K, size=N)))
    return out


def _S(a: Attempt) -> np.ndarray:
    return a.case.facts["S"]


def _z(a: Attempt) -> np.ndarray:
    return a.case.inputs["z"]


def _ce(*wrong_formulas: Callable[[np.ndarray, np.ndarray, int], np.ndarray]) -> Callable[[Attempt], bool]:
    """Predicate: dz equals one of these wrong formulas of (S, Y, N) on the case."""
    answers = [lambda a, f=f: f(_S(a), a.case.facts["Y"], a.case.facts["N"]) for f in wrong_formulas]
    return gives("dz", *answers)


def _several(a: Attempt) -> bool:
    return a.case.facts["N"] > 1


def _students_S_sums_to_one_over(a: Attempt, axis: int | None) -> bool:
    """The student's S, recovered from dz = (S - Y)/N, sums to 1 over ``axis`` but not over the classes."""
    S = a.outputs["dz"] * a.case.facts["N"] + a.case.facts["Y"]
    ok = bool(np.all(np.isfinite(S)))
    return (
        ok
        and bool(np.allclose(S.sum(axis=axis), 1.0, atol=1e-6))
        and not bool(np.allclose(S.sum(axis=-1), 1.0, atol=1e-6))
    )


def _divides_by_rounded_probability(a: Attempt) -> bool:
    """Non-finite on a case where some probability is 0 in float64, from a division, not an overflow.

    numpy says so in its warnings (divide by zero, and no overflow); code that warns of nothing
    (torch, or errstate "ignore") is judged by two probe cases: right on large logits where no
    probability rounds to 0, wrong on small ones where one does (exp(-800) = 0).
    """
    if not a.overflowed() or not np.any(_S(a) == 0):
        return False
    if any("overflow" in w for w in a.warned):
        return False
    if any("divide by zero" in w for w in a.warned):
        return True
    large, underflow = a.other("large"), a.other("underflow")
    return large is not None and underflow is not None and large.right("dz") and not underflow.right("dz")


SHAPE_MISTAKES = [
    returned_a_number(
        "dz", "returned a single number (the loss?). dLoss/dz has one entry per logit: shape (N, K)."
    ),
    Mistake(
        "summed over the batch",
        lambda a: a.shape("dz") in ((a.case.facts["K"],), (1, a.case.facts["K"])),
        "dz must have z's shape (N, K) with N = {N}, one row per sample: don't sum or average over "
        "the batch, and don't squeeze the batch axis away. Row n is (S_n - y_n) / N.",
    ),
    Mistake(
        "transposed",
        lambda a: a.shape("dz") == _z(a).shape[::-1],
        "dz is transposed: it must have z's shape (N, K), one row per sample.",
    ),
]


def _labels_for_Y(a: Attempt) -> bool:
    """S - labels[:, None]: the class index (0, 1, 2, ...) subtracted where the one-hot row belongs."""
    labels = a.case.facts["Y"].argmax(axis=1)[:, None]
    return _ce(lambda S, Y, N: (S - labels) / N, lambda S, Y, N: S - labels)(a)


VALUE_MISTAKES = [
    clipped("dz", lambda a: a.outputs["dz"] * a.case.facts["N"] + a.case.facts["Y"], "dLoss/dz"),
    Mistake(
        "class index for y",
        _labels_for_Y,
        "you subtracted the class index (labels[:, None], a number 0 to K - 1) from every entry of "
        "the row; y is the one-hot row: 1 at the true class, 0 elsewhere. dLoss/dz = (S - Y)/N with "
        "Y the one-hot labels (or np.eye(K)[labels]).",
    ),
    Mistake(
        "divides by a rounded probability",
        _divides_by_rounded_probability,
        "the route through dLoss/dS = -y/S is right on paper but divides by S, and here the true "
        "class's probability rounded to 0 (exp(-1600) is 0 in floating point): -y/0 = -inf, then "
        "0 x inf = nan. Your softmax is fine. Simplify before computing: -y/S times the Jacobian "
        "collapses to S - y, which never divides: dLoss/dz = (S - y)/N.",
    ),
    no_max_shift("Compute S with the max subtracted (or call your softmax from exercise 1)."),
    Mistake(
        "forgot 1/N",
        lambda a: _several(a) and _ce(lambda S, Y, N: S - Y)(a),
        "forgot the 1/N: the loss is the mean over N = {N} samples, so each row's gradient "
        "(S_n - y_n) is divided by N.",
    ),
    Mistake(
        "flipped sign",
        _ce(lambda S, Y, N: (Y - S) / N),
        "flipped sign: you return (y - S)/N. dLoss/dz = (S - y)/N: raising the true class's "
        "logit lowers the loss, so that entry must be negative.",
    ),
    Mistake(
        "flipped sign and 1/N",
        _ce(lambda S, Y, N: Y - S),
        "flipped sign and a forgotten 1/N: you return y - S. dLoss/dz = (S - y)/N.",
    ),
    Mistake(
        "forgot y",
        _ce(lambda S, Y, N: S / N, lambda S, Y, N: S),
        "you return S (over N) without subtracting y: dLoss/dz = (S - y)/N.",
    ),
    Mistake(
        "dLoss/dS",
        _ce(lambda S, Y, N: -Y / S / N, lambda S, Y, N: -Y / S),
        "you return dLoss/dS = -y/S, which is only the first factor of the chain rule. Multiply "
        "by the softmax Jacobian dS/dz and it simplifies to dLoss/dz = (S - y)/N.",
    ),
    Mistake(
        "z for S",
        gives(
            "dz",
            lambda a: (_z(a) - a.case.facts["Y"]) / a.case.facts["N"],
            lambda a: _z(a) - a.case.facts["Y"],
        ),
        "you used the logits z where the probabilities S = softmax(z) belong: dLoss/dz = (S - y)/N.",
    ),
    Mistake(
        "softmax over the wrong axis",
        lambda a: _several(a) and _students_S_sums_to_one_over(a, axis=0),
        "your softmax normalises over the wrong axis (the batch, axis 0): each row of S must sum "
        "to 1. Use axis=-1 with keepdims=True.",
    ),
    Mistake(
        "softmax over the whole batch",
        lambda a: _several(a) and _students_S_sums_to_one_over(a, axis=None),
        "your softmax normalises over the whole batch (all N·K entries sum to 1): each row of S "
        "must sum to 1. Sum over the class axis: axis=-1 with keepdims=True.",
    ),
    Mistake(
        "divided by N*K",
        _ce(lambda S, Y, N: (S - Y) / S.size),
        "you divided by N·K = {NK} (Y.size, every entry of the batch); divide by N = {N}, the number "
        "of rows (samples): the loss is the mean over the samples, not over all N·K entries.",
    ),
    Mistake(
        "the slide's i != m line",
        _ce(
            lambda S, Y, N: np.where(Y == 1, S - Y, Y * S) / N, lambda S, Y, N: np.where(Y == 1, S - Y, Y * S)
        ),
        "the slide's summary line 'y_i S_m when i ≠ m' is one term of a sum over i; summed with "
        "one-hot y those terms give S_m, not y_m S_m — the answer is S − y for every entry "
        "(divided by N for the batch): dLoss/dz = (S - y)/N.",
    ),
    Mistake(
        "subtracted 1",
        _ce(lambda S, Y, N: (S - 1) / N, lambda S, Y, N: S - 1),
        "you subtracted 1 everywhere; subtract y (1 only at the true class, 0 elsewhere): "
        "dLoss/dz = (S - y)/N.",
    ),
    Mistake(
        "divided by K",
        lambda a: a.case.facts["K"] != a.case.facts["N"] and _ce(lambda S, Y, N: (S - Y) / S.shape[1])(a),
        "you divided by K = {K} (the number of classes) instead of N = {N} (the number of samples): "
        "the loss is the mean over the samples.",
    ),
    constant_factor("dz", "the gradient", "dLoss/dz = (S - y)/N, with no other constant."),
]

CHECKER = Checker(
    "cross_entropy_grad", cases, single_output("dz"), SHAPE_MISTAKES, VALUE_MISTAKES, logits_covered
)


def check_cross_entropy_grad(
    fn: Callable[[np.ndarray, np.ndarray], np.ndarray], time_limit: float | None = TIME_LIMIT
) -> bool | None:
    """Check a student's ``fn(z, Y)`` -> dLoss/dz of the mean cross-entropy over the N rows.

    z: logits (N, K); Y: one-hot labels (N, K). The answer is (S - Y) / N, shape (N, K).
    Prints success or the most likely mistake; returns True, False or None (not attempted).
    ``time_limit``: seconds of ``fn``'s running time for all cases together (None: no limit).
    """
    return CHECKER.check(fn, time_limit)


def fresh_cases(rng: np.random.Generator) -> list[Case]:
    """The grader's fresh cases: a batch, and a batch of large logits, with labels drawn from ``rng``."""
    K, N, _, _, large = fresh_sizes(rng)
    return [batch_case(z, rng.integers(0, K, size=N)) for z in (rng.normal(scale=3.0, size=(N, K)), large)]


register(
    Exercise(
        3,
        check_cross_entropy_grad,
        "my_cross_entropy_grad",
        points=2,
        checker=CHECKER,
        fresh_cases=fresh_cases,
    )
)
