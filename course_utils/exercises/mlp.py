"""Exercise 5: the backward pass of the 2-layer tanh MLP, in notebook 04's names.

Forward (what ``MLP([D, H, K]).forward`` computes and caches): X = A0 (N, D),
Z1 = X W1 + b1 (N, H), A1 = tanh(Z1), z = A1 W2 + b2 (N, K) the logits, S = softmax(z);
the loss is the mean cross-entropy with one-hot Y. Backward: dz = (S - Y)/N, dW2 = A1ᵀ dz,
db2 = Σ_n dz_n, dA1 = dz W2ᵀ, dZ1 = dA1 * (1 - A1²), dW1 = Xᵀ dZ1, db1 = Σ_n dZ1_n.
"""

from __future__ import annotations

import contextlib
import inspect
import io
from collections.abc import Callable

import numpy as np

from ..losses import cross_entropy_grad, one_hot
from ..softmax import softmax
from .attempts import TIME_LIMIT, Attempt, as_array
from .cases import SEED, Case, facts_covered
from .engine import Checker, Exercise, by_task, fresh_sizes, register
from .mistakes import Mistake, least_squares_factor, name_factor, off_by_factor

KEYS = ("W2", "b2", "W1", "b1")  # backward order: a diagnosis shows the first wrong one on the way back


def mlp_case(sizes: list[int], X: np.ndarray, labels: np.ndarray, seed: int, about: str) -> Case:
    """The reference gradients from :meth:`MLP.backward` of a 2-layer tanh net (sizes [D, H, K])."""
    from ..network import MLP  # imported here: the first four checkers need nothing from network.py

    net = MLP(sizes, seed=seed)
    # Biases start at 0; give them values so a gradient that ignores them cannot pass by luck.
    rng = np.random.default_rng(seed)
    for key in ("b1", "b2"):
        net.params[key][...] = rng.normal(scale=0.5, size=net.params[key].shape)
    z = net.forward(X)
    A1 = net.cache[1]
    Y = one_hot(labels, sizes[-1])
    grads = net.backward(cross_entropy_grad(z, Y))
    params = {k: net.params[k].copy() for k in KEYS}
    return Case(
        {"params": params, "X": X, "A1": A1, "z": z, "Y": Y},
        {k: grads[k].copy() for k in KEYS},
        about,
        {"N": X.shape[0], "D": sizes[0], "H": sizes[1], "K": sizes[-1], "S": softmax(z), "Y": Y},
    )


def cases() -> list[Case]:
    from ..data import make_spirals

    rng = np.random.default_rng(SEED + 4)
    X_toy, labels_toy = make_spirals(n_per_class=4, K=3, seed=0)
    out = [
        mlp_case(
            [2, 4, 3],
            rng.uniform(-1, 1, size=(5, 2)),
            np.array([0, 1, 2, 2, 1]),
            0,
            "MLP([2, 4, 3]) on a batch of N = 5",
        ),
        mlp_case([2, 16, 3], X_toy, labels_toy, 0, "MLP([2, 16, 3], seed=0) on 12 spiral points"),
        # D == H: A1 in place of X then gives dW1 the right shape, and only the numbers tell.
        mlp_case(
            [3, 3, 2],
            np.random.default_rng(SEED + 5).uniform(-1, 1, size=(4, 3)),
            np.array([0, 1, 1, 0]),
            0,
            "MLP([3, 3, 2]) (D = H = 3) on a batch of N = 4",
        ),
        # H == K: dz @ W2 (the transpose forgotten) has dA1's shape, and only the numbers tell.
        mlp_case(
            [2, 3, 3],
            np.random.default_rng(SEED + 6).uniform(-1, 1, size=(4, 2)),
            np.array([2, 0, 1, 2]),
            0,
            "MLP([2, 3, 3]) (H = K = 3) on a batch of N = 4",
        ),
    ]
    for seed in range(1, 7):
        D, H, K, N = (int(n) for n in rng.integers((1, 2, 2, 1), (5, 9, 11, 7)))
        out.append(
            mlp_case(
                [D, H, K],
                rng.uniform(-1, 1, size=(N, D)),
                rng.integers(0, K, size=N),
                seed,
                f"MLP([{D}, {H}, {K}]) on a batch of N = {N}",
            )
        )
    return out


def unpack(value, case: Case):
    if value is None:
        return "your function returned None: did you forget `return grads`?"
    if not isinstance(value, dict):
        return f"return a dict of gradients with the keys {list(KEYS)}; got {type(value).__name__}."
    missing = [k for k in KEYS if k not in value]
    extra = [k for k in value if k not in KEYS]
    if missing or extra:
        return (
            f"the dict of gradients must have exactly the keys of params {list(KEYS)}; "
            + (f"missing {missing}" if missing else "")
            + (", " if missing and extra else "")
            + (f"unexpected {extra}" if extra else "")
            + "."
        )
    outputs, dtypes = {}, []
    for k in KEYS:
        got = as_array(value[k], f"grads[{k!r}]")
        if isinstance(got, str):
            return got
        outputs[k], dtype = got
        dtypes.append(dtype)
    return outputs, min(dtypes, key=lambda d: d.itemsize)


def variant(
    a: Attempt, dphi: Callable[[np.ndarray], np.ndarray] | None = None, scale_dz: float = 1.0
) -> dict[str, np.ndarray]:
    """The backward pass with one deliberate change: the hidden derivative ``dphi(A1)`` (default the
    right one, 1 - A1²) or dz multiplied by ``scale_dz``. Builds wrong answers only."""
    X, A1, W2 = a.case.inputs["X"], a.case.inputs["A1"], a.case.inputs["params"]["W2"]
    dz = cross_entropy_grad(a.case.inputs["z"], a.case.facts["Y"]) * scale_dz
    dphi = dphi or (lambda A: 1 - A**2)
    dZ1 = (dz @ W2.T) * dphi(A1)
    return {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0), "W2": A1.T @ dz, "b2": dz.sum(axis=0)}


def _A1_for_X(a: Attempt) -> bool:
    """dW1 = A1ᵀ dZ1: the hidden layer's output A1 used where its input X belongs (any D and H)."""
    A1, W2 = a.case.inputs["A1"], a.case.inputs["params"]["W2"]
    dZ1 = (cross_entropy_grad(a.case.inputs["z"], a.case.facts["Y"]) @ W2.T) * (1 - A1**2)
    return a.gives("W1", A1.T @ dZ1)


A1_FOR_X = Mistake(
    "A1 for X",
    _A1_for_X,
    "the first layer's input is X (A1 is its output): the hidden layer computes "
    "Z1 = X @ W1 + b1 and A1 = tanh(Z1), so dW1 = Xᵀ dZ1. Call "
    "my_dense_backward(X, params['W1'], params['b1'], dZ1), not my_dense_backward(A1, ...).",
    "W1",
)


X_FOR_A1 = Mistake(
    "X for A1",
    lambda a: a.gives("W2", a.case.inputs["X"].T @ cross_entropy_grad(a.case.inputs["z"], a.case.facts["Y"])),
    "the output layer's input is A1, the hidden layer's output (X is the network's input): z = A1 @ W2 + b2, "
    "so dW2 = A1ᵀ dz. Call my_dense_backward(A1, params['W2'], params['b2'], dz).",
    "W2",
)

BIASES_AVERAGED = Mistake(
    "biases averaged",
    lambda a: (
        a.case.facts["N"] > 1 and a.right("W2") and a.gives("b2", a.case.expected["b2"] / a.case.facts["N"])
    ),
    "db2 (and likely db1) was divided by N = {N}: sum over the batch, don't average. The 1/N of the "
    "mean loss is already inside dz = (S - y)/N.",
    "b2",
)


def _gives_all(a: Attempt, wrong: dict[str, np.ndarray]) -> bool:
    return all(a.gives(k, v) for k, v in wrong.items())


def _hidden_derivative(dphi: Callable[[np.ndarray], np.ndarray]) -> Callable[[Attempt], bool]:
    """Predicate: every gradient is what the backward pass gives with ``dphi(A1)`` in place of 1 - A1²."""
    return lambda a: _gives_all(a, variant(a, dphi))


def _transposed(k: str) -> Callable[[Attempt], bool]:
    return lambda a: a.shape(k) == a.case.expected[k].shape[::-1] != a.case.expected[k].shape


def _not_summed(k: str) -> Callable[[Attempt], bool]:
    """A bias gradient of shape (N, n) or (1, n) where (n,) is right."""
    return lambda a: len(a.shape(k)) == 2 and a.shape(k)[-1:] == a.case.expected[k].shape


def _shape_mistakes() -> list[Mistake]:
    mistakes = [A1_FOR_X, X_FOR_A1]  # when D != H, A1 and X swapped give dW1, dW2 the wrong shape
    for W, b in (("W2", "b2"), ("W1", "b1")):
        mistakes += [
            Mistake(
                f"{W} transposed",
                _transposed(W),
                f"d{W} is transposed: grads[{W!r}] must have params[{W!r}]'s shape. "
                "dW = (layer input)ᵀ @ (gradient at the layer's output).",
                W,
            ),
            Mistake(
                f"{b} not summed",
                _not_summed(b),
                f"d{b} must have params[{b!r}]'s shape (n,): sum over the batch with axis=0 and no keepdims.",
                b,
            ),
        ]
    return mistakes


SHAPE_MISTAKES = _shape_mistakes()


def _common_factor_message(a: Attempt) -> str:
    c = least_squares_factor(a.outputs["b2"], a.case.expected["b2"], a.rtol, a.atol("b2"))
    return (
        f"every gradient is the right one times the same factor {name_factor(c, a.case.facts)}: a scale "
        "error, not a wrong formula. dz = (S - y)/N divides by N exactly once, and nothing after it "
        "scales again: dW2 = A1ᵀ dz, db2 = Σ_n dz_n, dW1 = Xᵀ dZ1, db1 = Σ_n dZ1_n."
    )


def value_mistakes(helpers: dict[str, bool]) -> list[Mistake]:
    """The value mistakes; ``helpers`` maps the student's helper functions found to whether their
    own check (exercise 3 or 4) passes, so the output layer is blamed on them only when they fail."""
    failing = [name for name, ok in helpers.items() if not ok]

    def output_layer(a: Attempt) -> str:
        wrong = [f"d{k}" for k in ("W2", "b2") if not a.right(k)]
        text = (
            f"the output layer's gradient {', '.join(wrong)} is already wrong. dW2 = A1ᵀ dz and "
            "db2 = Σ_n dz_n, with dz = (S - y)/N. "
        )
        if failing:
            return text + (
                f"Your {' and '.join(failing)} fails its own check: fix that exercise first "
                "(run its check cell for the diagnosis), then come back."
            )
        if helpers:
            return text + (
                f"Your {' and '.join(helpers)} pass their checks, so look at how this function "
                "calls them: which arrays go in, and in which order."
            )
        return text + "Compare dz with (S - y)/N, then the two products, on the case below."

    return [
        Mistake(
            "forgot 1/N",
            lambda a: a.case.facts["N"] > 1 and _gives_all(a, variant(a, scale_dz=a.case.facts["N"])),
            "every gradient is N = {N} times too large: the backward pass starts from dLoss/dz = "
            "(S - y)/N, the gradient of the *mean* loss.",
            "b2",
        ),
        Mistake(
            "flipped sign",
            lambda a: _gives_all(a, variant(a, scale_dz=-1.0)),
            "every gradient has a flipped sign: start from dz = (S - y)/N, not (y - S)/N.",
            "b2",
        ),
        Mistake("common factor", off_by_factor(*KEYS), _common_factor_message, "b2"),
        Mistake(
            "no activation derivative",
            _hidden_derivative(lambda A: np.ones_like(A)),
            "the output layer is right, but you skipped tanh's derivative: going back through "
            "A1 = tanh(Z1) multiplies by tanh'(Z1) = 1 - A1², elementwise: dZ1 = dA1 * (1 - A1**2).",
            "W1",
        ),
        Mistake(
            "tanh twice",
            _hidden_derivative(lambda A: 1 - np.tanh(A) ** 2),
            "you applied tanh to A1 again: A1 is already tanh(Z1), so tanh'(Z1) = 1 - A1², not "
            "1 - tanh(A1)².",
            "W1",
        ),
        Mistake(
            "relu derivative",
            _hidden_derivative(lambda A: (A > 0).astype(float)),
            "you used ReLU's derivative [A1 > 0]; this net's hidden layer is tanh: dZ1 = dA1 * (1 - A1**2).",
            "W1",
        ),
        Mistake(
            "sigmoid derivative",
            _hidden_derivative(lambda A: A * (1 - A)),
            "you used the sigmoid's derivative A1(1 - A1); this net's hidden layer is tanh: "
            "tanh'(Z1) = 1 - A1².",
            "W1",
        ),
        Mistake(
            "1 - A1",
            _hidden_derivative(lambda A: 1 - A),
            "tanh'(Z1) is 1 - A1², squared: you used 1 - A1.",
            "W1",
        ),
        A1_FOR_X,  # when D == H, dW1 = A1ᵀ dZ1 has the right shape and the wrong numbers
        X_FOR_A1,
        BIASES_AVERAGED,
        Mistake("output layer wrong", lambda a: not (a.right("W2") and a.right("b2")), output_layer),
        Mistake(
            "hidden layer wrong",
            lambda a: a.right("W2") and a.right("b2"),
            "the output layer is right; the mistake is on the way back through the hidden layer, "
            "in d{show}: dA1 = dz W2ᵀ, dZ1 = dA1 * (1 - A1²), then dW1 = Xᵀ dZ1, db1 = Σ_n dZ1_n.",
        ),
    ]


VALUE_MISTAKES = value_mistakes({})

HELPERS = ("cross_entropy_grad", "dense_backward")  # exercises 3 and 4: the layers' gradients, reused here


def globals_used_by(fn) -> dict[str, object]:
    """The global names ``fn``'s own code uses, with their values (:func:`inspect.getclosurevars`):
    for a function defined in a notebook, the notebook's functions it calls. Empty when ``fn`` is
    not a plain Python function (a callable object, a builtin) or cannot be inspected."""
    try:
        return dict(inspect.getclosurevars(fn).globals)
    except (TypeError, ValueError):  # not a Python function; a closure whose variable is not yet set
        return {}


def _helpers_of(fn, given: dict[str, Callable | None], time_limit: float | None) -> dict[str, bool]:
    """The student's functions of exercises 3 and 4 that ``fn`` calls, each with whether its own
    check passes, by the helper's name (``{"my_dense_backward": True}``).

    ``given`` maps a task ("dense_backward") to the student's function for it (None: not given);
    a function not given is found when ``fn`` calls it by the name the notebook gives it
    (``my_dense_backward``, the registered exercise's ``function``)."""
    exercises = [by_task(task) for task in HELPERS]
    found = {e.function: (given[e.task], e) for e in exercises if given.get(e.task) is not None}
    used = globals_used_by(fn)
    for e in exercises:
        if e.function not in found and callable(used.get(e.function)):
            found[e.function] = (used[e.function], e)
    verdicts = {}
    for name, (helper, exercise) in found.items():
        with contextlib.redirect_stdout(io.StringIO()):
            verdicts[getattr(helper, "__name__", name)] = bool(exercise.checker.check(helper, time_limit))
    return verdicts


def check_mlp_backward(
    fn: Callable[..., dict[str, np.ndarray]],
    *,
    cross_entropy_grad: Callable | None = None,
    dense_backward: Callable | None = None,
    time_limit: float | None = TIME_LIMIT,
) -> bool | None:
    """Check a student's ``fn(params, X, A1, z, Y)`` -> grads for the 2-layer tanh MLP.

    ``params`` has "W1" (D, H), "b1" (H,), "W2" (H, K), "b2" (K,); X (N, D) is the input, A1 (N, H)
    the hidden layer's output tanh(X W1 + b1), z (N, K) the logits A1 W2 + b2, Y (N, K) one-hot.
    The answer is a dict with params' keys and shapes, compared with ``MLP.backward``. When the
    output layer is wrong, the student's ``cross_entropy_grad``/``dense_backward`` (given here, or
    found as ``my_cross_entropy_grad``/``my_dense_backward`` among the names ``fn`` uses) are
    checked too, and blamed only if their own checks fail. Returns True, False or None.
    ``time_limit``: seconds of ``fn``'s running time for all cases together (None: no limit; the
    helpers' own checks get the same limit each).
    """
    try:
        helpers = _helpers_of(
            fn, {"cross_entropy_grad": cross_entropy_grad, "dense_backward": dense_backward}, time_limit
        )
    except Exception:  # noqa: BLE001  no helper verdicts: the diagnosis just doesn't mention them
        helpers = {}
    return checker(helpers).check(fn, time_limit)


def checker(helpers: dict[str, bool]) -> Checker:
    """The exercise-5 checker, given the student's helpers that ``fn`` calls and whether each
    passes its own check (``{"my_dense_backward": True}``; empty when none is used)."""
    return Checker(
        "mlp_backward",
        cases,
        unpack,
        SHAPE_MISTAKES,
        value_mistakes(helpers),
        lambda cs: "two-layer tanh nets with " + facts_covered("D", "H", "K", "N")(cs),
    )


def fresh_cases(rng: np.random.Generator) -> list[Case]:
    """The grader's fresh case: a net of random sizes and seed on a random batch, drawn from ``rng``."""
    K, N, D, H, _ = fresh_sizes(rng)
    seed = int(rng.integers(1000))
    X, labels = rng.uniform(-1, 1, size=(N, D)), rng.integers(0, K, size=N)
    return [mlp_case([D, H, K], X, labels, seed, f"MLP([{D}, {H}, {K}]) on a batch of N = {N}")]


register(
    Exercise(
        5,
        check_mlp_backward,
        "my_mlp_backward",
        points=2,
        checker=checker({}),
        fresh_cases=fresh_cases,
        helpers=HELPERS,
        checker_for=checker,
    )
)
