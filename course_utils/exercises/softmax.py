"""Exercise 1: softmax of logits z, shape (K,) or (N, K), along the class axis (the last)."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np

from ..softmax import log_softmax, softmax
from .attempts import TIME_LIMIT, Attempt, single_output
from .cases import LARGE, SEED, Case
from .engine import Checker, Exercise, fresh_sizes, register
from .logits import about_logits, logits_cases, logits_covered
from .mistakes import Mistake, clipped, gives, no_max_shift, returned_a_number


def rotations(row: list[float]) -> np.ndarray:
    """Every rotation of ``row`` as the rows of a batch: its largest and smallest logit in every position."""
    return np.array([row[-i:] + row[:-i] for i in range(len(row))], dtype=np.float64)


def adversarial_logits() -> list[np.ndarray]:
    """Inputs where shortcuts that agree with softmax on tidy cases stop agreeing.

    - The largest and the smallest logit in every position, rows in several orders (a shift by
      the first or last logit, or a sort, cannot be right by luck);
    - a spread of 1600 in every order (any shift but the row's max overflows or gives 0/0);
    - one batch with rows near +1000, 0 and -1000 (no single constant, batch max or batch min
      works for every row: whole-array and per-row operations differ);
    - single samples near +1000 and near -1000 (a constant shift c must satisfy 1002 - c < 710
      and -998 - c > -745 at once: impossible).
    """
    spread = np.array(list(itertools.permutations([800.0, -800.0, 0.0])))
    return [
        rotations([3.0, -1.0, 0.5, 2.0]),
        rotations([3.0, -1.0, 0.5, 2.0])[::-1].copy(),
        spread,
        np.array([[1000.0, 1001.0, 1002.0], [0.0, 1.0, 2.0], [-1000.0, -999.0, -998.0]]),
        np.array([-998.0, -1000.0, -999.0]),
        np.array([1002.0, 1000.0, 1001.0]),
    ]


def cases() -> list[Case]:
    fixed = [
        np.array([1.0, 2.0, 3.0]),
        np.array([0.0, 1.0]),  # the smallest case, by hand: S = [1, e] / (1 + e) = [0.2689, 0.7311]
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
    zs = fixed + adversarial_logits() + logits_cases(np.random.default_rng(SEED))
    return [logits_case(z) for z in zs]


def logits_case(z: np.ndarray) -> Case:
    """The case of logits ``z``, (K,) or (N, K), with softmax(z) as its answer."""
    S = softmax(z)
    return Case(
        {"z": z},
        {"S": S},
        about_logits(z),
        {"K": z.shape[-1], "N": len(z) if z.ndim == 2 else 1, "S": S},
        large=bool(np.max(np.abs(z)) >= LARGE / 2),
    )


def _z(a: Attempt) -> np.ndarray:
    return a.case.inputs["z"]


def _batch(a: Attempt) -> bool:
    return _z(a).ndim == 2 and _z(a).shape[0] > 1


def _sums_to_one(S: np.ndarray, axis: int | None) -> bool:
    return bool(np.all(np.isfinite(S)) and np.allclose(S.sum(axis=axis), 1.0, rtol=0, atol=1e-4))


def _on_batches(applies: Callable[[Attempt], bool]) -> Callable[[Attempt], bool]:
    """Only on batches of N > 1 (on one sample, some wrong formulas give the right numbers)."""
    return lambda a: _batch(a) and applies(a)


def _exp_over(z: np.ndarray, total: np.ndarray) -> np.ndarray:
    return np.exp(z) / total


def _no_keepdims(z: np.ndarray) -> np.ndarray:
    """e / e.sum(axis=-1): the (N,) sums broadcast along the class axis (only fits when N == K)."""
    return _exp_over(z, np.exp(z).sum(axis=-1))


def shifted_by(shift: Callable[[np.ndarray], np.ndarray]) -> Callable[[Attempt], np.ndarray]:
    """The student's recipe exp(z - c) / sum exp(z - c) with the wrong c = ``shift(z)``."""

    def wrong(a: Attempt) -> np.ndarray:
        shifted = _z(a) - shift(_z(a))
        return _exp_over(shifted, np.exp(shifted).sum(axis=-1, keepdims=True))

    return wrong


NO_MAX_SHIFT = no_max_shift("")

SHAPE_MISTAKES = [
    returned_a_number("S", "returned a single number; S has one probability per logit, the same shape as z."),
    Mistake(
        "transposed",
        lambda a: _batch(a) and a.shape("S") == _z(a).shape[::-1],
        "S is transposed: one row per sample, one column per class, like z.",
    ),
    Mistake(
        "summed over the batch",
        lambda a: _batch(a) and a.shape("S") in ((_z(a).shape[1],), (1, _z(a).shape[1])),
        "S has one row where z has N = {N}: don't sum or average over the batch.",
    ),
]

VALUE_MISTAKES = [
    clipped("S", lambda a: a.outputs["S"], "S"),
    Mistake(
        "shifted by the batch's max",
        _on_batches(gives("S", shifted_by(np.max))),
        "you subtract the max of the whole batch, not each row's own max: a row far below the "
        "batch's max underflows to 0 / 0. Use z.max(axis=-1, keepdims=True).",
    ),
    Mistake(
        "max over the batch axis",
        _on_batches(gives("S", shifted_by(lambda z: z.max(axis=0, keepdims=True)))),
        "you took the max over the wrong axis (over the batch, axis 0): use axis=-1 with "
        "keepdims=True. Softmax is unchanged only when every entry of a row is shifted by the same "
        "number; each column's own max shifts the classes of a row by different amounts, and that "
        "changes the probabilities.",
    ),
    Mistake(
        "shifted by the mean",
        gives("S", shifted_by(lambda z: z.mean(axis=-1, keepdims=True)), shifted_by(np.mean)),
        "you shifted by the mean; shift by the max so the largest exponent is exp(0). With logits "
        "spread as wide as [800, -800, 0] the mean is 0, and exp(800 - 0) is still inf. After "
        "subtracting the max, every exponent is <= 0: nothing can overflow.",
    ),
    Mistake(
        "shifted by the min",
        gives("S", shifted_by(lambda z: z.min(axis=-1, keepdims=True)), shifted_by(np.min)),
        "you subtracted the min; subtract the max. z - min(z) makes every exponent >= 0, so the "
        "largest one, exp(max z - min z), overflows; z - max(z) makes them all <= 0.",
    ),
    Mistake(
        "shifted by one logit",
        gives(
            "S",
            shifted_by(lambda z: z[..., :1]),
            shifted_by(lambda z: z[..., -1:]),
            shifted_by(lambda z: z.flat[0]),
            shifted_by(lambda z: z.flat[-1]),
        ),
        "you subtract one particular logit (the first or the last), not the row's max: when a "
        "larger logit sits elsewhere in the row, exp(z_i - z_0) overflows. It worked only where "
        "that logit happened to be the largest. Subtract z.max(axis=-1, keepdims=True).",
    ),
    NO_MAX_SHIFT,
    Mistake(
        "wrong axis",
        lambda a: (
            _batch(a) and _sums_to_one(a.outputs["S"], axis=0) and not _sums_to_one(a.outputs["S"], axis=-1)
        ),
        "normalised over the wrong axis: each column sums to 1, but each row (sample) should. "
        "Sum over the class axis: axis=-1, keepdims=True.",
    ),
    Mistake(
        "whole batch",
        lambda a: _batch(a) and _sums_to_one(a.outputs["S"], axis=None),
        "normalised over the whole batch: the entries of all rows together sum to 1, but each "
        "row should. Sum over the class axis only: axis=-1, keepdims=True.",
    ),
    Mistake(
        "no keepdims",
        _on_batches(
            gives(
                "S",
                lambda a: _no_keepdims(_z(a)),
                lambda a: _no_keepdims(_z(a) - _z(a).max(-1, keepdims=True)),
            )
        ),
        "the row sums broadcast along the wrong axis: e / e.sum(axis=-1) divides column j by row "
        "j's sum. Keep the summed axis: e.sum(axis=-1, keepdims=True).",
    ),
    Mistake(
        "not normalised",
        gives("S", lambda a: np.exp(_z(a)), lambda a: np.exp(_z(a) - _z(a).max(-1, keepdims=True))),
        "not normalised: you return the exponentials, whose rows don't sum to 1. "
        "Divide by their sum over the classes: S_i = exp(z_i) / sum_j exp(z_j).",
    ),
    Mistake(
        "flipped sign",
        gives("S", lambda a: softmax(-_z(a))),
        "flipped sign: you computed softmax(-z), so the largest logit gets the smallest "
        "probability. S_i = exp(+z_i) / sum_j exp(+z_j).",
    ),
    Mistake(
        "log-softmax",
        gives("S", lambda a: log_softmax(_z(a))),
        "you return log S (log-softmax), not the probabilities S themselves.",
    ),
    Mistake(
        "forgot the exp",
        gives("S", lambda a: _z(a) / _z(a).sum(-1, keepdims=True)),
        "you divide z by its sum, without exp: S_i = exp(z_i) / sum_j exp(z_j).",
    ),
    Mistake(
        "entries reordered",
        lambda a: (
            _sums_to_one(a.outputs["S"], axis=-1)
            and np.allclose(
                np.sort(a.outputs["S"], axis=-1),
                np.sort(a.case.expected["S"], axis=-1),
                rtol=a.rtol,
                atol=1e-6,
            )
        ),
        "the right probabilities in the wrong places: each row holds S's values, but not at its "
        "logit's position (sorted, reversed or rolled?). S_i belongs to z_i.",
    ),
]

CHECKER = Checker("softmax", cases, single_output("S"), SHAPE_MISTAKES, VALUE_MISTAKES, logits_covered)


def check_softmax(
    fn: Callable[[np.ndarray], np.ndarray], time_limit: float | None = TIME_LIMIT
) -> bool | None:
    """Check a student's ``fn(z)`` -> S = softmax(z) for z of shape (K,) or (N, K) (class axis last).

    Prints success or the most likely mistake; returns True (right), False (wrong) or None
    (not attempted yet: the function raises NotImplementedError). ``time_limit``: seconds of
    ``fn``'s own running time for all cases together (None: no limit).
    """
    return CHECKER.check(fn, time_limit)


def fresh_cases(rng: np.random.Generator) -> list[Case]:
    """The grader's fresh cases: one sample, a batch and a batch of large logits, drawn from ``rng``."""
    K, N, _, _, large = fresh_sizes(rng)
    zs = [rng.normal(scale=3.0, size=K), rng.normal(scale=3.0, size=(N, K)), large]
    return [logits_case(z) for z in zs]


register(Exercise(1, check_softmax, "my_softmax", points=2, checker=CHECKER, fresh_cases=fresh_cases))
