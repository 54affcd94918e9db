"""Exercise 4: the backward pass of one dense layer Z = X @ W + b -> (dX, dW, db)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..gradcheck import numerical_gradient
from .attempts import TIME_LIMIT, Attempt, as_array
from .cases import SEED, Case, facts_covered
from .engine import Checker, Exercise, fresh_sizes, register
from .mistakes import Mistake, constant_factor

OUTPUTS = ("dX", "dW", "db")


def dense_case(X: np.ndarray, W: np.ndarray, b: np.ndarray, dZ: np.ndarray, about: str) -> Case:
    """The reference gradients of L = sum(Z * dZ), Z = X W + b, by finite differences.

    L is linear in each of X, W and b, so the central difference is exact up to rounding (~1e-9).
    """
    expected = {
        "dX": numerical_gradient(lambda X_: np.sum((X_ @ W + b) * dZ), X),
        "dW": numerical_gradient(lambda W_: np.sum((X @ W_ + b) * dZ), W),
        "db": numerical_gradient(lambda b_: np.sum((X @ W + b_) * dZ), b),
    }
    N, D = X.shape
    return Case(
        {"X": X, "W": W, "b": b, "dZ": dZ}, expected, about, {"N": N, "D": D, "M": W.shape[1]}, atol=1e-7
    )


def cases() -> list[Case]:
    cases = [
        # dZ's first rows are the identity, so dX's first rows are the rows of Wᵀ: W is chosen so
        # that no row of dX equals the same row of X (which would invite "dX = X?").
        dense_case(
            np.array([[1.0, 2.0], [0.0, 1.0], [-1.0, 0.0], [2.0, -1.0]]),
            np.array([[2.0, -1.0, 0.0], [1.0, 1.0, -2.0]]),
            np.array([0.5, 0.0, -0.5]),
            np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, -1.0, 1.0]]),
            "a batch of N = 4 samples, D = 2 inputs, M = 3 outputs",
        ),
        dense_case(
            np.array([[1.0, -2.0, 0.5]]),
            np.array([[1.0, 2.0], [0.0, -1.0], [3.0, 1.0]]),
            np.array([0.0, 1.0]),
            np.array([[0.5, -1.0]]),
            "a single sample (N = 1), D = 3, M = 2",
        ),
        # a square, non-symmetric W (D = M): dZ @ W has dX's shape, and only the numbers tell
        dense_case(
            np.array([[1.0, 0.0], [0.5, -1.0], [2.0, 1.0]]),
            np.array([[1.0, 2.0], [-1.0, 0.5]]),
            np.array([0.25, -0.5]),
            np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]),
            "a batch of N = 3, D = M = 2 (W square)",
        ),
    ]
    rng = np.random.default_rng(SEED + 3)
    for _ in range(12):
        N, D, M = (int(n) for n in rng.integers(1, 7, size=3))
        cases.append(random_dense_case(rng, N, D, M))
    return cases


def random_dense_case(rng: np.random.Generator, N: int, D: int, M: int) -> Case:
    """A case of N samples, D inputs and M outputs with X, W, b and dZ drawn from ``rng``."""
    return dense_case(
        rng.normal(size=(N, D)),
        rng.normal(size=(D, M)),
        rng.normal(size=M),
        rng.normal(size=(N, M)),
        f"a batch of N = {N}, D = {D}, M = {M}",
    )


def unpack(value, case: Case):
    if value is None:
        return "your function returned None: did you forget `return dX, dW, db`?"
    if not isinstance(value, tuple | list) or len(value) != 3:
        got = f"a {type(value).__name__}"
        if isinstance(value, tuple | list):
            got += f" of length {len(value)}"
        return f"return the three gradients as a tuple, `return dX, dW, db`; got {got}."
    outputs, dtypes = {}, []
    for name, v in zip(OUTPUTS, value, strict=True):
        got = as_array(v, name)
        if isinstance(got, str):
            return got
        outputs[name], dtype = got
        dtypes.append(dtype)
    return outputs, min(dtypes, key=lambda d: d.itemsize)


def _dims(a: Attempt) -> tuple[int, int, int]:
    return a.case.facts["N"], a.case.facts["D"], a.case.facts["M"]


def _shape_is(name: str, shape_of: Callable[[int, int, int], tuple]) -> Callable[[Attempt], bool]:
    """Output ``name`` has the shape ``shape_of(N, D, M)`` although the right one differs."""
    return lambda a: a.shape(name) == shape_of(*_dims(a)) != a.case.expected[name].shape


SHAPE_MISTAKES = [
    Mistake(
        "order",
        lambda a: (
            sorted(a.shape(k) for k in OUTPUTS) == sorted(v.shape for v in a.case.expected.values())
            and any(a.shape(k) != v.shape for k, v in a.case.expected.items())
        ),
        "the three gradients come back in a different order: return dX, dW, db (in that order).",
    ),
    Mistake(
        "db not summed",
        _shape_is("db", lambda N, D, M: (N, M)),
        "db has one row per sample: sum dZ over the batch, db = dZ.sum(axis=0). "
        "b is shared by every sample, so every sample's gradient adds up.",
        "db",
    ),
    Mistake(
        "db keepdims",
        _shape_is("db", lambda N, D, M: (1, M)),
        "db has shape (1, M) but b has shape (M,): sum without keepdims, db = dZ.sum(axis=0). "
        "(Broadcasting would hide this until b -= lr * db silently turns b into a matrix.)",
        "db",
    ),
    Mistake(
        "db a column",
        _shape_is("db", lambda N, D, M: (M, 1)),
        "db is a column of shape (M, 1); db has one entry per output unit, shape (M,): sum dZ "
        "over axis 0, db = dZ.sum(axis=0), with no keepdims and no reshape.",
        "db",
    ),
    Mistake(
        "db a number",
        _shape_is("db", lambda N, D, M: ()),
        "db is a single number: you summed dZ over everything. Sum over the batch only, "
        "db = dZ.sum(axis=0): one entry per output, like b.",
        "db",
    ),
    Mistake(
        "db wrong axis",
        _shape_is("db", lambda N, D, M: (N,)),
        "db was summed over the wrong axis: one number per sample instead of one per output. "
        "Sum over the batch: db = dZ.sum(axis=0).",
        "db",
    ),
    Mistake(
        "dW transposed",
        _shape_is("dW", lambda N, D, M: (M, D)),
        "dW is transposed: it must have W's shape (D, M). dW = Xᵀ dZ, i.e. X.T @ dZ.",
        "dW",
    ),
    Mistake(
        "dW per sample",
        _shape_is("dW", lambda N, D, M: (N, D, M)),
        "dW has one matrix per sample: sum over the batch; X.T @ dZ does it in one product.",
        "dW",
    ),
    Mistake(
        "dX transposed",
        _shape_is("dX", lambda N, D, M: (D, N)),
        "dX is transposed: it must have X's shape (N, D). dX = dZ Wᵀ, i.e. dZ @ W.T.",
        "dX",
    ),
]


def _value_mistakes() -> list[Mistake]:
    mistakes = [
        Mistake(
            "dX without the transpose",
            lambda a: a.gives("dX", a.case.inputs["dZ"] @ a.case.inputs["W"]),
            "dX = dZ @ W has the right shape only because W is square here: the transpose is missing. "
            "dX = dZ Wᵀ, i.e. dZ @ W.T (Z = X W, so going back multiplies by Wᵀ).",
            "dX",
        )
    ]
    for name, shape in (("dX", "dZ @ W.T"), ("dW", "X.T @ dZ"), ("db", "dZ.sum(axis=0)")):
        mistakes += [
            Mistake(
                f"{name} flipped sign",
                lambda a, n=name: a.gives(n, -a.case.expected[n]),
                f"{name} has a flipped sign: {name} = {shape}, with a plus sign. (The minus of "
                "gradient descent comes later, in the update.)",
                name,
            ),
        ]
        if name != "dX":
            mistakes.append(
                Mistake(
                    f"{name} averaged",
                    lambda a, n=name: (
                        a.case.facts["N"] > 1 and a.gives(n, a.case.expected[n] / a.case.facts["N"])
                    ),
                    f"{name} was divided by N = {{N}}: sum over the batch, don't average. The 1/N of the "
                    "mean loss is already inside dZ.",
                    name,
                )
            )
        mistakes.append(
            constant_factor(
                name, name, f"{name} = {shape}, with no other constant.", f"{name} constant factor", name
            )
        )
    return mistakes


VALUE_MISTAKES = _value_mistakes()


CHECKER = Checker(
    "dense_backward", cases, unpack, SHAPE_MISTAKES, VALUE_MISTAKES, facts_covered("N", "D", "M")
)


def check_dense_backward(
    fn: Callable[..., tuple[np.ndarray, np.ndarray, np.ndarray]], time_limit: float | None = TIME_LIMIT
) -> bool | None:
    """Check a student's ``fn(X, W, b, dZ)`` -> ``(dX, dW, db)`` for the dense layer Z = X @ W + b.

    Shapes: X (N, D), W (D, M), b (M,), dZ = dLoss/dZ (N, M); dX, dW, db have the shapes of
    X, W, b. Prints success or the most likely mistake; returns True, False or None (not attempted).
    ``time_limit``: seconds of ``fn``'s running time for all cases together (None: no limit).
    """
    return CHECKER.check(fn, time_limit)


def fresh_cases(rng: np.random.Generator) -> list[Case]:
    """The grader's fresh case: one dense layer of random sizes and numbers, drawn from ``rng``."""
    M, N, D, _, _ = fresh_sizes(rng)
    return [random_dense_case(rng, N, D, M)]


register(
    Exercise(4, check_dense_backward, "my_dense_backward", points=2, checker=CHECKER, fresh_cases=fresh_cases)
)
