"""Exercise 2: the softmax Jacobian J[i, j] = dS_i/dz_j = S_i (delta_ij - S_j) of one sample z (K,)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..softmax import softmax, softmax_jacobian
from .attempts import TIME_LIMIT, Attempt, single_output
from .cases import LARGE, SEED, Case
from .engine import Checker, Exercise, fresh_sizes, register
from .logits import about_logits, logits_cases, logits_covered
from .mistakes import EPSILONS, Mistake, constant_factor, no_max_shift


def cases() -> list[Case]:
    fixed = [
        np.array([1.0, 2.0, 3.0]),
        np.array([0.5, -0.5]),
        np.array([1000.0, 1001.0, 1002.0]),
        np.array([-1000.0, -999.0, -998.0]),
        np.array([800.0, -800.0, 0.0]),
        # the largest logit last, first and in the middle: a shift by one fixed logit is caught
        np.array([-800.0, 800.0, 0.0]),
        np.array([0.0, -800.0, 800.0]),
        np.array([2.0, 3.0, -1.0, 0.5]),
    ]
    zs = fixed + logits_cases(np.random.default_rng(SEED + 1), batch=False)
    return [jacobian_case(z) for z in zs]


def jacobian_case(z: np.ndarray) -> Case:
    """The case of one sample's logits ``z`` (K,), with the softmax Jacobian as its answer."""
    return Case(
        {"z": z},
        {"J": softmax_jacobian(z)},
        about_logits(z),
        {"K": z.size, "S": softmax(z)},
        large=bool(np.max(np.abs(z)) >= LARGE / 2),
    )


def _S(a: Attempt) -> np.ndarray:
    return a.case.facts["S"]


def _z(a: Attempt) -> np.ndarray:
    return a.case.inputs["z"]


SHAPE_MISTAKES = [
    Mistake(
        "only the diagonal",
        lambda a: a.gives("J", _S(a) * (1 - _S(a))),
        "you return only the diagonal S_i(1 - S_i). The Jacobian is K x K: entry (i, j) is "
        "dS_i/dz_j, and the off-diagonal ones, -S_i S_j, matter too.",
    ),
    Mistake(
        "a vector",
        lambda a: a.shape("J") == (_z(a).size,),
        "you return K numbers; the Jacobian dS/dz is a K x K matrix, entry (i, j) = dS_i/dz_j.",
    ),
]


def _clipped_eps(a: Attempt) -> float | None:
    """The eps for which J is diag(Sc) - Sc Scᵀ with Sc = S clipped to [eps, 1 - eps]."""
    for eps in EPSILONS:
        Sc = np.clip(_S(a), eps, 1 - eps)
        if not np.array_equal(Sc, _S(a)) and a.gives("J", np.diag(Sc) - np.outer(Sc, Sc)):
            return eps
    return None


VALUE_MISTAKES = [
    Mistake(
        "clipped probabilities",
        lambda a: _clipped_eps(a) is not None,
        lambda a: (
            f"your probabilities are clipped to [{_clipped_eps(a):.0e}, 1 - {_clipped_eps(a):.0e}] before "
            "the Jacobian is built (np.clip, a habit from code that takes log S): J = diag(S) - S Sᵀ "
            "needs the unclipped S. With the max subtracted nothing overflows; drop the clip."
        ),
    ),
    no_max_shift("Compute S with the max subtracted (or call your softmax from exercise 1)."),
    Mistake(
        "missing delta_ij term",
        lambda a: a.gives("J", -np.outer(_S(a), _S(a))),
        "the diagonal δ_ij term is missing: you return -S_i S_j everywhere. "
        "dS_i/dz_j = S_i(δ_ij - S_j), so the diagonal is S_i(1 - S_i): add diag(S).",
    ),
    Mistake(
        "missing off-diagonal terms",
        lambda a: a.gives("J", np.diag(_S(a) * (1 - _S(a)))),
        "the off-diagonal terms are missing: only the diagonal S_i(1 - S_i) is filled. "
        "For i != j, dS_i/dz_j = -S_i S_j: J = diag(S) - S Sᵀ.",
    ),
    Mistake(
        "delta_ij taken as 1",
        lambda a: a.gives("J", np.outer(_S(a), 1 - _S(a))) or a.gives("J", np.outer(1 - _S(a), _S(a))),
        "you used S_i(1 - S_j) for every entry: that 1 is δ_ij, which is 1 on the diagonal (i = j) "
        "and 0 off it, where dS_i/dz_j = -S_i S_j.",
    ),
    Mistake(
        "flipped sign",
        lambda a: a.gives("J", -softmax_jacobian(_z(a))),
        "flipped sign: you return S Sᵀ - diag(S). Raising z_i raises S_i, so the diagonal "
        "S_i(1 - S_i) must be positive: J = diag(S) - S Sᵀ.",
    ),
    Mistake(
        "no S S^T",
        lambda a: a.gives("J", np.diag(_S(a))),
        "you return diag(S) only: the - S Sᵀ part (the derivative of the denominator) is missing.",
    ),
    Mistake(
        "dot instead of outer",
        lambda a: a.gives("J", np.diag(_S(a)) - _S(a) @ _S(a)),
        "S @ S is one number (the dot product Σ S_i²), not the K x K outer product S Sᵀ: use np.outer(S, S).",
    ),
    Mistake(
        "delta without S_i",
        lambda a: a.gives("J", np.eye(_S(a).size) - np.outer(_S(a), _S(a))),
        "the diagonal is 1 - S_i², not S_i(1 - S_i): dS_i/dz_j = S_i(δ_ij - S_j), so S_i "
        "multiplies the δ_ij term too.",
    ),
    Mistake(
        "no S_i factor",
        lambda a: (
            a.gives("J", np.eye(_S(a).size) - _S(a)[None, :])
            or a.gives("J", np.eye(_S(a).size) - _S(a)[:, None])
        ),
        "the S_i factor is missing: you return δ_ij - S_j, but dS_i/dz_j = S_i(δ_ij - S_j). "
        "Multiply row i by S_i: S[:, None] * (np.eye(K) - S[None, :]), which is diag(S) - S Sᵀ.",
    ),
    Mistake(
        "S_i² twice on the diagonal",
        lambda a: a.gives("J", np.diag(_S(a) * (1 - _S(a))) - np.outer(_S(a), _S(a))),
        "the diagonal subtracts S_i² twice: diag(S(1 - S)) already holds the -S_i² that -S Sᵀ "
        "subtracts again, so your diagonal is S_i - 2 S_i². The off-diagonal entries are right. "
        "Use J = diag(S) - S Sᵀ: the δ_ij term is diag(S), not diag(S(1 - S)).",
    ),
    Mistake(
        "z for S",
        lambda a: a.gives("J", np.diag(_z(a)) - np.outer(_z(a), _z(a))),
        "you used the logits z where the probabilities S = softmax(z) belong: J = diag(S) - S Sᵀ.",
    ),
    constant_factor("J", "the Jacobian", "J = diag(S) - S Sᵀ has no other constant in it."),
]

CHECKER = Checker(
    "softmax_jacobian", cases, single_output("J"), SHAPE_MISTAKES, VALUE_MISTAKES, logits_covered
)


def check_softmax_jacobian(
    fn: Callable[[np.ndarray], np.ndarray], time_limit: float | None = TIME_LIMIT
) -> bool | None:
    """Check a student's ``fn(z)`` -> the K x K Jacobian dS/dz (entry (i, j) = dS_i/dz_j) for z (K,).

    J is symmetric, so the transposed convention (row i = dS/dz_i) is the same matrix and passes.
    Prints success or the most likely mistake; returns True, False or None (not attempted).
    ``time_limit``: seconds of ``fn``'s running time for all cases together (None: no limit).
    """
    return CHECKER.check(fn, time_limit)


def fresh_cases(rng: np.random.Generator) -> list[Case]:
    """The grader's fresh cases: one sample's logits, and one of large logits, drawn from ``rng``."""
    K, _, _, _, large = fresh_sizes(rng)
    return [jacobian_case(z) for z in (rng.normal(scale=3.0, size=K), large[0])]


register(
    Exercise(
        2, check_softmax_jacobian, "my_softmax_jacobian", points=2, checker=CHECKER, fresh_cases=fresh_cases
    )
)
