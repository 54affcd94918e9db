"""course_utils.exercises: every known mistake is diagnosed, right answers pass, nothing escapes.

Each wrong implementation below makes exactly one of the mistakes a student makes; the test
asserts the checker returns False AND prints the diagnosis naming that mistake. A coverage test
makes sure every Mistake in the checkers' lists has such a wrong implementation here.
"""

from __future__ import annotations

import dataclasses
import re
import warnings
from pathlib import Path

import nbformat
import numpy as np
import pytest

from course_utils import cross_entropy_grad, numerical_gradient, softmax, softmax_jacobian
from course_utils.exercises import EXERCISES
from course_utils.exercises import cross_entropy as ex_ce
from course_utils.exercises import dense as ex_dense
from course_utils.exercises import jacobian as ex_jac
from course_utils.exercises import mlp as ex_mlp
from course_utils.exercises import softmax as ex_softmax
from course_utils.exercises.cross_entropy import check_cross_entropy_grad
from course_utils.exercises.dense import check_dense_backward
from course_utils.exercises.engine import by_task, register
from course_utils.exercises.jacobian import check_softmax_jacobian
from course_utils.exercises.mistakes import Mistake
from course_utils.exercises.mlp import check_mlp_backward
from course_utils.exercises.softmax import check_softmax

# -- student-style implementations, right and wrong ---------------------------------------------


def softmax_right(z):
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def softmax_no_shift(z):
    e = np.exp(z)
    return e / np.sum(e, axis=-1, keepdims=True)


def softmax_batch_max(z):
    e = np.exp(z - np.max(z))
    return e / np.sum(e, axis=-1, keepdims=True)


def softmax_axis0(z):
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=0, keepdims=True)


def softmax_whole_batch(z):
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e)


def softmax_no_keepdims_square(z):
    """e / e.sum(-1): raises on (N, K) with N != K; wrong numbers when N == K."""
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    if z.ndim == 2 and z.shape[0] != z.shape[1]:
        return softmax_right(z)  # let it survive until a square batch, as happens by luck
    return e / np.sum(e, axis=-1)


def softmax_shifted_by(shift):
    """The stable recipe with the wrong shift: exp(z - c) / sum exp(z - c), c = shift(z)."""

    def wrong(z):
        e = np.exp(z - shift(z))
        return e / np.sum(e, axis=-1, keepdims=True)

    return wrong


def softmax_in_place(z):
    z -= np.max(z, axis=-1, keepdims=True)
    e = np.exp(z)
    return e / np.sum(e, axis=-1, keepdims=True)


def jacobian_right(z):
    S = softmax_right(z)
    return np.diag(S) - np.outer(S, S)


def jacobian_no_shift(z):
    S = softmax_no_shift(z)
    return np.diag(S) - np.outer(S, S)


def ce_right(z, Y):
    return (softmax_right(z) - Y) / z.shape[0]


def ce_through_the_jacobian(z, Y):
    """The lecture's route, -y/S times the Jacobian, row by row, with a max-shifted softmax."""
    rows = [jacobian_right(z_n).T @ (-y_n / softmax_right(z_n)) for z_n, y_n in zip(z, Y, strict=True)]
    return np.array(rows) / len(z)


def dense_right(X, W, b, dZ):
    return dZ @ W.T, X.T @ dZ, dZ.sum(axis=0)


def mlp_from(dense=dense_right, dz_of=ce_right, dphi=lambda h: 1 - h**2, first_input=lambda X, h: X):
    """A student's assembly of the 2-layer backward pass, with replaceable parts."""

    def mlp_backward(params, X, h, logits, Y):
        dz = dz_of(logits, Y)
        dh, dW2, db2 = dense(h, params["W2"], params["b2"], dz)
        da = dh * dphi(h)
        _, dW1, db1 = dense(first_input(X, h), params["W1"], params["b1"], da)
        return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

    return mlp_backward


def _S(z):
    return softmax(z)


def _jacobian_of(S):
    return np.diag(S) - np.outer(S, S)


# (mistake name in the checker's list, wrong implementation, text the diagnosis must contain)
SOFTMAX_WRONG = [
    (
        "clipped probabilities",
        lambda z: np.clip(softmax_right(z), 1e-7, 1 - 1e-7),
        "your probabilities are clipped to [1e-07, 1 - 1e-07]",
    ),
    ("a number", lambda z: float(np.sum(np.exp(z))), "returned a single number"),
    ("transposed", lambda z: softmax_right(z).T, "S is transposed"),
    (
        "summed over the batch",
        lambda z: softmax_right(z).sum(axis=0) if z.ndim == 2 else softmax_right(z),
        "don't sum or average over the batch",
    ),
    ("shifted by the batch's max", softmax_batch_max, "the max of the whole batch"),
    (
        "max over the batch axis",
        softmax_shifted_by(lambda z: z.max(axis=0, keepdims=True)),
        "you took the max over the wrong axis (over the batch, axis 0): use axis=-1 with keepdims=True",
    ),
    (
        "shifted by the mean",
        softmax_shifted_by(lambda z: z.mean(axis=-1, keepdims=True)),
        "you shifted by the mean; shift by the max so the largest exponent is exp(0)",
    ),
    (
        "shifted by the min",
        softmax_shifted_by(lambda z: z.min(axis=-1, keepdims=True)),
        "you subtracted the min; subtract the max",
    ),
    ("no max shift", softmax_no_shift, "overflow at large logits: no max shift"),
    ("wrong axis", softmax_axis0, "normalised over the wrong axis"),
    ("whole batch", softmax_whole_batch, "normalised over the whole batch"),
    ("no keepdims", softmax_no_keepdims_square, "keepdims=True"),
    ("not normalised", lambda z: np.exp(z - np.max(z, axis=-1, keepdims=True)), "not normalised"),
    ("flipped sign", lambda z: softmax_right(-z), "flipped sign"),
    ("log-softmax", lambda z: np.log(softmax_right(z)), "log-softmax"),
    ("forgot the exp", lambda z: z / np.sum(z, axis=-1, keepdims=True), "without exp"),
    ("shifted by one logit", softmax_shifted_by(lambda z: z[..., :1]), "you subtract one particular logit"),
    (
        "entries reordered",
        lambda z: np.sort(softmax_right(z), axis=-1),
        "the right probabilities in the wrong",
    ),
]

JACOBIAN_WRONG = [
    (
        "clipped probabilities",
        lambda z: _jacobian_of(np.clip(_S(z), 1e-7, 1 - 1e-7)),
        "your probabilities are clipped to [1e-07, 1 - 1e-07]",
    ),
    ("only the diagonal", lambda z: _S(z) * (1 - _S(z)), "only the diagonal S_i(1 - S_i)"),
    ("a vector", lambda z: _S(z), "you return K numbers"),
    ("no max shift", jacobian_no_shift, "overflow at large logits"),
    ("missing delta_ij term", lambda z: -np.outer(_S(z), _S(z)), "the diagonal δ_ij term is missing"),
    (
        "missing off-diagonal terms",
        lambda z: np.diag(_S(z) * (1 - _S(z))),
        "the off-diagonal terms are missing",
    ),
    (
        "delta_ij taken as 1",
        lambda z: np.array([[_S(z)[i] * (1 - _S(z)[j]) for j in range(z.size)] for i in range(z.size)]),
        "that 1 is δ_ij",
    ),
    ("flipped sign", lambda z: np.outer(_S(z), _S(z)) - np.diag(_S(z)), "flipped sign"),
    ("no S S^T", lambda z: np.diag(_S(z)), "you return diag(S) only"),
    ("dot instead of outer", lambda z: np.diag(_S(z)) - _S(z) @ _S(z), "np.outer(S, S)"),
    ("delta without S_i", lambda z: np.eye(z.size) - np.outer(_S(z), _S(z)), "the diagonal is 1 - S_i²"),
    ("no S_i factor", lambda z: np.eye(z.size) - _S(z)[None, :], "the S_i factor is missing"),
    (
        "S_i² twice on the diagonal",
        lambda z: np.diag(_S(z) * (1 - _S(z))) - np.outer(_S(z), _S(z)),
        "the diagonal subtracts S_i² twice",
    ),
    ("z for S", lambda z: np.diag(z) - np.outer(z, z), "you used the logits z"),
    (
        "constant factor",
        lambda z: 0.5 * jacobian_right(z),
        "off by a constant factor: received = 0.5 x expected",
    ),
]

CE_WRONG = [
    (
        "clipped probabilities",
        lambda z, Y: (np.clip(_S(z), 1e-7, 1 - 1e-7) - Y) / len(z),
        "your probabilities are clipped to [1e-07, 1 - 1e-07]",
    ),
    (
        "class index for y",
        lambda z, Y: _S(z) - Y.argmax(axis=1)[:, None],
        "you subtracted the class index (labels[:, None]",
    ),
    (
        "a number",
        lambda z, Y: float(-np.sum(Y * np.log(_S(z))) / len(z)),
        "returned a single number (the loss?)",
    ),
    ("summed over the batch", lambda z, Y: ce_right(z, Y).sum(axis=0), "don't sum or average over the batch"),
    ("transposed", lambda z, Y: ce_right(z, Y).T, "dz is transposed"),
    ("no max shift", lambda z, Y: (softmax_no_shift(z) - Y) / len(z), "overflow at large logits"),
    ("forgot 1/N", lambda z, Y: _S(z) - Y, "forgot the 1/N"),
    ("flipped sign", lambda z, Y: (Y - _S(z)) / len(z), "flipped sign"),
    (
        "flipped sign and 1/N",
        lambda z, Y: (Y - _S(z)) if len(z) > 1 else ce_right(z, Y),
        "flipped sign and a forgotten 1/N",
    ),
    ("forgot y", lambda z, Y: _S(z) / len(z), "without subtracting y"),
    ("dLoss/dS", lambda z, Y: -Y / _S(z) / len(z), "dLoss/dS = -y/S"),
    ("z for S", lambda z, Y: (z - Y) / len(z), "you used the logits z"),
    (
        "softmax over the wrong axis",
        lambda z, Y: (softmax_axis0(z) - Y) / len(z),
        "normalises over the wrong axis",
    ),
    ("divided by K", lambda z, Y: (_S(z) - Y) / z.shape[1], "you divided by K = 3"),
    (
        "divided by N*K",
        lambda z, Y: (_S(z) - Y) / Y.size,
        "you divided by N·K = 6 (Y.size, every entry of the batch); divide by N = 2",
    ),
    (
        "the slide's i != m line",
        lambda z, Y: np.where(Y == 1, _S(z) - Y, Y * _S(z)),
        "the slide's summary line 'y_i S_m when i ≠ m' is one term of a sum over i",
    ),
    ("subtracted 1", lambda z, Y: (_S(z) - 1) / len(z), "you subtracted 1 everywhere; subtract y"),
    ("constant factor", lambda z, Y: 3 * ce_right(z, Y), "off by a constant factor: received = 3 x expected"),
    ("divides by a rounded probability", ce_through_the_jacobian, "Simplify before computing"),
    (
        "softmax over the whole batch",
        lambda z, Y: (softmax_whole_batch(z) - Y) / len(z),
        "normalises over the whole batch",
    ),
]

DENSE_WRONG = [
    ("order", lambda X, W, b, d: (X.T @ d, d @ W.T, d.sum(0)), "in a different order"),
    ("db not summed", lambda X, W, b, d: (d @ W.T, X.T @ d, d), "db has one row per sample"),
    ("db keepdims", lambda X, W, b, d: (d @ W.T, X.T @ d, d.sum(0, keepdims=True)), "db has shape (1, M)"),
    (
        "db a column",
        lambda X, W, b, d: (d @ W.T, X.T @ d, d.sum(0)[:, None]),
        "db has one entry per output unit, shape (M,): sum dZ over axis 0",
    ),
    ("db a number", lambda X, W, b, d: (d @ W.T, X.T @ d, d.sum()), "db is a single number"),
    ("db wrong axis", lambda X, W, b, d: (d @ W.T, X.T @ d, d.sum(1)), "summed over the wrong axis"),
    ("dW transposed", lambda X, W, b, d: (d @ W.T, d.T @ X, d.sum(0)), "dW is transposed"),
    (
        "dW per sample",
        lambda X, W, b, d: (d @ W.T, X[:, :, None] * d[:, None, :], d.sum(0)),
        "dW has one matrix per sample",
    ),
    ("dX transposed", lambda X, W, b, d: (W @ d.T, X.T @ d, d.sum(0)), "dX is transposed"),
    (
        "dX without the transpose",
        lambda X, W, b, d: (d @ W if W.shape[0] == W.shape[1] else d @ W.T, X.T @ d, d.sum(0)),
        "the transpose is missing",
    ),
    ("dX flipped sign", lambda X, W, b, d: (-d @ W.T, X.T @ d, d.sum(0)), "dX has a flipped sign"),
    (
        "dX constant factor",
        lambda X, W, b, d: (3 * d @ W.T, X.T @ d, d.sum(0)),
        "dX is off by a constant factor: received = 3 x expected",
    ),
    ("dW flipped sign", lambda X, W, b, d: (d @ W.T, -X.T @ d, d.sum(0)), "dW has a flipped sign"),
    ("dW averaged", lambda X, W, b, d: (d @ W.T, X.T @ d / len(X), d.sum(0)), "dW was divided by N = 3"),
    (
        "dW constant factor",
        lambda X, W, b, d: (d @ W.T, 2 * X.T @ d, d.sum(0)),
        "dW is off by a constant factor: received = 2 x expected",
    ),
    ("db flipped sign", lambda X, W, b, d: (d @ W.T, X.T @ d, -d.sum(0)), "db has a flipped sign"),
    ("db averaged", lambda X, W, b, d: (d @ W.T, X.T @ d, d.mean(0)), "db was divided by N = 3"),
    (
        "db constant factor",
        lambda X, W, b, d: (d @ W.T, X.T @ d, 0.5 * d.sum(0)),
        "db is off by a constant factor: received = 0.5 x expected",
    ),
]


def _transpose(key):
    def wrong(*args):
        grads = mlp_from()(*args)
        grads[key] = grads[key].T
        return grads

    return wrong


def _batch_of(key):
    def wrong(params, X, h, logits, Y):
        grads = mlp_from()(params, X, h, logits, Y)
        grads[key] = np.tile(grads[key], (len(X), 1)) / len(X)
        return grads

    return wrong


def _output_layer_input_X(params, X, h, logits, Y):
    grads = mlp_from()(params, X, h, logits, Y)
    grads["W2"] = X.T @ ce_right(logits, Y)
    return grads


def _biases_averaged(params, X, h, logits, Y):
    grads = mlp_from()(params, X, h, logits, Y)
    return {**grads, "b1": grads["b1"] / len(X), "b2": grads["b2"] / len(X)}


MLP_WRONG = [
    ("W2 transposed", _transpose("W2"), "dW2 is transposed"),
    ("W1 transposed", _transpose("W1"), "dW1 is transposed"),
    ("b2 not summed", _batch_of("b2"), "db2 must have params['b2']'s shape"),
    ("b1 not summed", _batch_of("b1"), "db1 must have params['b1']'s shape"),
    ("forgot 1/N", mlp_from(dz_of=lambda z, Y: _S(z) - Y), "every gradient is N = 4 times too large"),
    ("common factor", mlp_from(dz_of=lambda z, Y: ce_right(z, Y) / len(z)), "you divided by N twice"),
    ("flipped sign", mlp_from(dz_of=lambda z, Y: (Y - _S(z)) / len(z)), "every gradient has a flipped sign"),
    ("no activation derivative", mlp_from(dphi=lambda h: 1.0), "you skipped tanh's derivative"),
    ("tanh twice", mlp_from(dphi=lambda h: 1 - np.tanh(h) ** 2), "you applied tanh to A1 again"),
    ("relu derivative", mlp_from(dphi=lambda h: h > 0), "ReLU's derivative"),
    ("sigmoid derivative", mlp_from(dphi=lambda h: h * (1 - h)), "the sigmoid's derivative"),
    ("1 - A1", mlp_from(dphi=lambda h: 1 - h), "you used 1 - A1"),
    ("A1 for X", mlp_from(first_input=lambda X, h: h), "the first layer's input is X (A1 is its output)"),
    ("X for A1", _output_layer_input_X, "the output layer's input is A1, the hidden layer's output"),
    ("biases averaged", _biases_averaged, "db2 (and likely db1) was divided by N = 4"),
    (
        "output layer wrong",
        mlp_from(dense=lambda X, W, b, d: (d @ W.T, X.T @ d, 1.1 * d.sum(0))),
        "the output layer's gradient db2 is already wrong",
    ),
    (
        "hidden layer wrong",
        mlp_from(dphi=lambda h: 1 - h**4),
        "the output layer is right; the mistake is on the way back",
    ),
]

WRONG = {  # task -> its wrong implementations: (mistake's name, function, words the diagnosis has)
    "softmax": SOFTMAX_WRONG,
    "softmax_jacobian": JACOBIAN_WRONG,
    "cross_entropy_grad": CE_WRONG,
    "dense_backward": DENSE_WRONG,
    "mlp_backward": MLP_WRONG,
}

# task -> (its check, its wrong implementations, the mistakes its checker knows), for every exercise
# registered: one with no wrong implementations here fails the coverage test below
CHECKERS = {
    e.task: (e.check, WRONG.get(e.task, []), e.checker.shape_mistakes + e.checker.value_mistakes)
    for e in EXERCISES.values()
}

WRONG_CASES = [
    pytest.param(task, name, fn, text, id=f"{task}:{name}")
    for task, (_, wrong, _) in CHECKERS.items()
    for name, fn, text in wrong
]


def _flat(text: str) -> str:
    """Feedback with its line wrapping undone, to look for phrases in it."""
    return " ".join(text.split())


def _message_start(mistake: Mistake) -> str:
    """The diagnosis's fixed opening words (up to its first {placeholder}); a message built by a
    function has none, and the test's own expected text identifies it."""
    if callable(mistake.message):
        return ""
    return mistake.message.split("{")[0][:40]


# -- every diagnosis, triggered by its wrong implementation -------------------------------------


@pytest.mark.parametrize("task, name, fn, text", WRONG_CASES)
def test_each_mistake_is_diagnosed(task, name, fn, text, capsys):
    check, _, mistakes = CHECKERS[task]
    assert check(fn) is False
    out = _flat(capsys.readouterr().out)
    assert out.startswith(f"✘ {task}: ")
    assert text in out, out
    mistake = next(m for m in mistakes if m.name == name)
    assert _flat(_message_start(mistake)) in out, f"expected the {name!r} diagnosis, got:\n{out}"
    # ... with the expected and the received numbers for the case
    assert "expected " in out and "received " in out, out


@pytest.mark.parametrize("task", CHECKERS)
def test_every_known_mistake_has_a_wrong_implementation_in_these_tests(task):
    _, wrong, mistakes = CHECKERS[task]
    assert {m.name for m in mistakes} == {name for name, _, _ in wrong}


def test_the_wrong_implementations_here_are_for_registered_exercises():
    assert set(WRONG) == set(CHECKERS)


def test_the_registry_lists_each_exercise_once_under_its_notebook_number():
    import course_utils.exercises as package

    assert list(EXERCISES) == list(range(1, len(EXERCISES) + 1))
    assert (
        len({e.task for e in EXERCISES.values()})
        == len({e.function for e in EXERCISES.values()})
        == len(EXERCISES)
    )
    for exercise in EXERCISES.values():
        assert getattr(package, exercise.name) is exercise.check and exercise.name in package.__all__
        assert exercise.name == f"check_{exercise.task}" and exercise.points > 0
        assert all(by_task(task).number < exercise.number for task in exercise.helpers)


def test_a_second_exercise_under_a_taken_number_is_refused():
    taken = EXERCISES[1]
    other = dataclasses.replace(taken, check=check_softmax_jacobian, checker=ex_jac.CHECKER)
    with pytest.raises(ValueError, match="exercise 1 is 'softmax' already"):
        register(other)
    assert EXERCISES[1] is taken


def test_the_typical_mistakes_are_all_covered():
    """The typical mistakes students make; each is a Mistake some checker diagnoses."""
    names = {(task, m.name) for task, (_, _, ms) in CHECKERS.items() for m in ms}
    for required in [
        ("softmax", "no max shift"),
        ("softmax", "wrong axis"),
        ("softmax", "not normalised"),
        ("softmax_jacobian", "missing delta_ij term"),
        ("softmax_jacobian", "missing off-diagonal terms"),
        ("softmax_jacobian", "flipped sign"),
        ("cross_entropy_grad", "flipped sign"),
        ("cross_entropy_grad", "forgot 1/N"),
        ("cross_entropy_grad", "summed over the batch"),
        ("cross_entropy_grad", "transposed"),
        ("dense_backward", "dW transposed"),
        ("dense_backward", "db not summed"),
        ("cross_entropy_grad", "constant factor"),
        ("dense_backward", "dW constant factor"),
    ]:
        assert required in names


def test_overflow_diagnosis_shows_the_small_large_logit_case_and_the_warning(capsys):
    assert check_softmax(softmax_no_shift) is False
    out = _flat(capsys.readouterr().out)
    assert "On a single sample, K = 3 with very large logits" in out
    assert "z = [1000 1001 1002]" in out
    assert "expected S received S (* differs) [0.09003 0.2447 0.6652 ] [nan* nan* nan*]" in out
    assert "3 of 3 entries differ (3 of them nan or inf)" in out
    assert "overflow encountered in exp" in out


def test_forgot_1_over_N_shows_the_small_batch_numbers(capsys):
    check_cross_entropy_grad(lambda z, Y: _S(z) - Y)
    out = capsys.readouterr().out  # the arrays are printed unwrapped, expected beside received
    assert "On a batch of N = 2, K = 3 (wrong on " in out
    assert "[0.04502    0.1224   -0.1674 ]    [0.09003*   0.2447*  -0.3348*]" in out
    assert "6 of 6 entries differ; largest absolute error 0.333 at [1, 0]" in out


def test_shifting_by_the_mean_is_caught_where_the_logits_spread_over_1600(capsys):
    """The mean of [800, -800, 0] is 0: exp(800) = inf, although every |z| is below 1000."""
    assert check_softmax(softmax_shifted_by(lambda z: z.mean(axis=-1, keepdims=True))) is False
    out = _flat(capsys.readouterr().out)
    assert "z = [ 800 -800 0]" in out
    assert "[1 0 0 ] [nan* 0 0 ]" in out


@pytest.mark.parametrize(
    "shift",
    [lambda z: z.mean(axis=-1, keepdims=True), lambda z: z.min(axis=-1, keepdims=True)],
    ids=["mean", "min"],
)
def test_a_wrongly_shifted_softmax_reused_in_exercises_2_and_3_overflows_there_too(shift, capsys):
    S = softmax_shifted_by(shift)
    assert check_softmax_jacobian(lambda z: np.diag(S(z)) - np.outer(S(z), S(z))) is False
    assert check_cross_entropy_grad(lambda z, Y: (S(z) - Y) / len(z)) is False
    assert _flat(capsys.readouterr().out).count("overflow at large logits") == 2


def test_a_max_over_the_batch_axis_really_changes_softmax():
    """Softmax of a row is unchanged by one constant per row, changed by one constant per column."""
    z = next(c.inputs["z"] for c in ex_softmax.cases() if c.inputs["z"].ndim == 2)
    np.testing.assert_allclose(softmax(z - z.max(axis=-1, keepdims=True)), softmax(z))
    assert not np.allclose(softmax(z - z.max(axis=0, keepdims=True)), softmax(z))


def test_the_transposed_jacobian_passes_because_J_is_symmetric(capsys):
    """Rows as dS_i or columns as dS_i: J = diag(S) - S Sᵀ is symmetric, so both conventions are right."""
    for case in ex_jac.cases():
        np.testing.assert_array_equal(case.expected["J"], case.expected["J"].T)
    assert check_softmax_jacobian(lambda z: jacobian_right(z).T) is True


def test_the_S_i_factor_missing_is_diagnosed_in_either_orientation(capsys):
    assert check_softmax_jacobian(lambda z: np.eye(z.size) - _S(z)[:, None]) is False
    assert "the S_i factor is missing" in _flat(capsys.readouterr().out)


def test_the_first_cross_entropy_case_is_a_batch_so_dividing_by_K_N_or_NK_differ():
    N, K = ex_ce.cases()[0].inputs["z"].shape
    assert len({N, K, N * K}) == 3 and N > 1


def test_the_first_dense_case_does_not_look_like_dX_equals_X(capsys):
    case = ex_dense.cases()[0]
    X, dX = case.inputs["X"], case.expected["dX"]
    assert not any(np.allclose(x, dx) for x, dx in zip(X, dX, strict=True)), "a row of dX equals X's"
    assert check_dense_backward(lambda X, W, b, d: (X, X.T @ d, d.sum(0))) is False


def test_h_for_X_is_diagnosed_when_D_equals_H_and_only_the_numbers_are_wrong(capsys):
    """With D == H, dW1 = hᵀ da has W1's shape: the value step must name the mistake, not the shape step."""
    assert any(c.facts["D"] == c.facts["H"] for c in ex_mlp.cases())
    only_when_square = mlp_from(first_input=lambda X, h: h if X.shape == h.shape else X)
    assert check_mlp_backward(only_when_square) is False
    out = _flat(capsys.readouterr().out)
    assert "the first layer's input is X (A1 is its output)" in out
    assert "(D = H = 3)" in out and "has the wrong shape" not in out and "received shape" not in out


# -- right answers pass -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "check, fn",
    [
        (check_softmax, softmax_right),
        (check_softmax, softmax),
        (check_softmax, lambda z: np.exp(z - np.logaddexp.reduce(z, axis=-1, keepdims=True))),
        (check_softmax_jacobian, jacobian_right),
        (check_softmax_jacobian, softmax_jacobian),
        (check_softmax_jacobian, lambda z: _S(z)[:, None] * (np.eye(z.size) - _S(z)[None, :])),
        (check_cross_entropy_grad, ce_right),
        (check_cross_entropy_grad, cross_entropy_grad),
        (check_dense_backward, dense_right),
        (
            check_dense_backward,
            lambda X, W, b, d: [
                np.einsum("nm,dm->nd", d, W),
                np.einsum("nd,nm->dm", X, d),
                np.sum(d, axis=0),
            ],
        ),
        (check_mlp_backward, mlp_from()),
    ],
)
def test_right_answers_pass(check, fn, capsys):
    assert check(fn) is True
    out = capsys.readouterr().out
    assert out.startswith("✔ ") and "correct on all" in out and out.count("\n") == 1


def test_mlp_backward_built_from_the_course_utils_gradient_passes(capsys):
    assert check_mlp_backward(mlp_from(dz_of=cross_entropy_grad)) is True


# -- not implemented, exceptions, warnings, mutation, bad arguments ------------------------------


def _not_yet(*args):
    raise NotImplementedError


@pytest.mark.parametrize("task", CHECKERS)
def test_not_implemented_yet(task, capsys):
    check = CHECKERS[task][0]
    assert check(_not_yet) is None
    out = capsys.readouterr()
    assert out.out == f"… {task}: not implemented yet. Replace `raise NotImplementedError` with your code.\n"
    assert out.err == ""


@pytest.mark.parametrize("task", CHECKERS)
def test_any_other_exception_becomes_feedback(task, capsys):
    def broken(*args):
        return {}["missing key"]

    assert CHECKERS[task][0](broken) is False
    out = _flat(capsys.readouterr().out)
    assert f"✘ {task}: your function raised KeyError: 'missing key'" in out
    assert "Traceback" not in out


@pytest.mark.parametrize(
    "fn, hint",
    [
        (lambda z: np.exp(z) / np.exp(z).sum(axis=1, keepdims=True), "axis=-1 means 'the class axis'"),
        (lambda z: np.exp(z) / np.exp(z).sum(axis=-1) if z.ndim == 2 else softmax(z), "keepdims=True"),
    ],
)
def test_numpy_exceptions_get_a_hint(fn, hint, capsys):
    assert check_softmax(fn) is False
    assert hint in _flat(capsys.readouterr().out)


def test_matmul_shape_error_gets_a_hint(capsys):
    assert check_dense_backward(lambda X, W, b, d: (d @ W, X.T @ d, d.sum(0))) is False
    assert "transpose (.T) the one that doesn't fit" in _flat(capsys.readouterr().out)


def test_no_warning_escapes_and_a_numerical_warning_is_part_of_the_diagnosis(capsys):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for check, fn in [
            (check_softmax, softmax_no_shift),
            (check_softmax_jacobian, jacobian_no_shift),
            (check_cross_entropy_grad, lambda z, Y: (softmax_no_shift(z) - Y) / len(z)),
        ]:
            assert check(fn) is False
    assert caught == []
    assert _flat(capsys.readouterr().out).count("your code warned: RuntimeWarning") == 3


def test_right_numbers_computed_with_a_warning_pass_with_a_note(capsys):
    def noisy(z):
        np.log(np.zeros(1))  # divide by zero, with a RuntimeWarning
        return softmax(z)

    assert check_softmax(noisy) is True
    out = _flat(capsys.readouterr().out)
    assert out.startswith("✔ softmax") and "Note: your code warned" in out
    assert "divide by zero encountered in log" in out and "does not change the verdict" in out


def test_a_warning_of_the_students_own_is_a_note_not_a_verdict(capsys):
    def chatty(z):
        warnings.warn("is this right?", stacklevel=1)
        return softmax(z)

    assert check_softmax(chatty) is True
    assert "Note: your code warned (UserWarning: is this right?)" in _flat(capsys.readouterr().out)


def test_a_deprecation_warning_under_a_wrong_answer_is_a_note_and_not_the_diagnosis(capsys):
    def old_style(z):
        warnings.warn("np.row_stack is deprecated", DeprecationWarning, stacklevel=1)
        return softmax(-z)

    assert check_softmax(old_style) is False
    out = _flat(capsys.readouterr().out)
    assert "flipped sign: you computed softmax(-z)" in out
    assert "Note: your code also warned (DeprecationWarning" in out


def test_underflow_is_not_a_mistake(capsys):
    """exp(-805) = 0 is right, and numpy's default settings say nothing about it."""
    assert check_softmax(softmax_right) is True
    assert check_cross_entropy_grad(ce_right) is True
    assert "warned" not in capsys.readouterr().out
    assert any(c.inputs["z"].min() < -745 for c in ex_softmax.cases())


@pytest.mark.parametrize("where", ["notebook", "function"])
def test_a_leftover_seterr_raise_is_named_and_not_blamed_on_the_max_shift(where, capsys):
    """The student's own np.seterr(all="raise") turns exp's underflow into FloatingPointError:
    the check runs under the student's settings and says so, not "subtract the max"."""

    def debugging(z):
        np.seterr(all="raise")
        return softmax_right(z)

    old = np.geterr()
    try:
        if where == "notebook":
            np.seterr(all="raise")
        assert check_softmax(softmax_right if where == "notebook" else debugging) is False
    finally:
        np.seterr(**old)
    out = _flat(capsys.readouterr().out)
    assert "FloatingPointError" in out and "underflow" in out
    assert 'np.seterr(all="warn", under="ignore")' in out
    assert "An underflow is not a mistake" in out and "Subtract the max" not in out
    if where == "notebook":
        assert "With numpy's default settings your function gives the right answer here" in out
    assert np.geterr() == old


def test_a_student_errstate_raise_is_reported_not_raised(capsys):
    def strict(z):
        with np.errstate(over="raise"):
            return softmax_no_shift(z)

    assert check_softmax(strict) is False
    out = _flat(capsys.readouterr().out)
    assert "FloatingPointError" in out and "Subtract the max first" in out


def test_changing_the_input_in_place_is_reported(capsys):
    assert check_softmax(softmax_in_place) is False
    assert "changed its input z in place" in _flat(capsys.readouterr().out)


@pytest.mark.parametrize(
    "value, text",
    [
        (None, "returned None: did you forget the `return` statement?"),
        ("probabilities", "the value your function returned should be an array of real numbers, got str"),
        (np.array([1 + 1j, 0, 0]), "should be an array of real numbers, got ndarray"),
    ],
)
def test_returning_nothing_or_a_string(value, text, capsys):
    assert check_softmax(lambda z: value) is False
    assert text in _flat(capsys.readouterr().out)


@pytest.mark.parametrize(
    "value, text",
    [
        (None, "did you forget `return dX, dW, db`?"),
        ({"dX": 0}, "got a dict"),
        ((1, 2), "got a tuple of length 2"),
    ],
)
def test_dense_backward_must_return_three_arrays(value, text, capsys):
    assert check_dense_backward(lambda *args: value) is False
    assert text in _flat(capsys.readouterr().out)


@pytest.mark.parametrize(
    "value, text",
    [
        (None, "did you forget `return grads`?"),
        ([1, 2], "got list"),
        ({"W1": 0, "b1": 0, "W2": 0, "bias": 0}, "missing ['b2'], unexpected ['bias']"),
    ],
)
def test_mlp_backward_must_return_the_params_keys(value, text, capsys):
    assert check_mlp_backward(lambda *args: value) is False
    assert text in _flat(capsys.readouterr().out)


@pytest.mark.parametrize("task", CHECKERS)
def test_passing_something_that_is_not_a_function(task, capsys):
    assert CHECKERS[task][0](np.zeros(3)) is False
    assert "expected a function, got ndarray" in _flat(capsys.readouterr().out)


def test_a_shape_bug_is_never_broadcast_away(capsys):
    """db of shape (1, M) broadcasts against (M,) to the right numbers; it must still fail."""
    assert check_dense_backward(lambda X, W, b, d: (d @ W.T, X.T @ d, d.sum(0, keepdims=True))) is False
    assert re.search(r"received shape \(1, \d+\)", _flat(capsys.readouterr().out))


def test_output_is_deterministic(capsys):
    for _ in range(2):
        check_mlp_backward(mlp_from(dphi=lambda h: 1.0))
    out = capsys.readouterr().out
    first, second = out[: len(out) // 2], out[len(out) // 2 :]
    assert first == second and first.startswith("✘ mlp_backward")


# -- the cases themselves: what the checkers run, and the references they compare with ----------


def test_cases_cover_singles_batches_K_2_to_10_and_large_logits():
    for cases in (ex_softmax.cases(), ex_ce.cases()):
        zs = [c.inputs["z"] for c in cases]
        assert {z.shape[-1] for z in zs} == set(range(2, 11))
        assert any(z.ndim == 1 or z.shape[0] == 1 for z in zs)
        assert any(z.ndim == 2 and z.shape[0] > 1 for z in zs)
        assert any(np.max(np.abs(z)) >= 1000 for z in zs) and any(np.max(np.abs(z)) < 10 for z in zs)
    assert {c.inputs["z"].size for c in ex_jac.cases()} == set(range(2, 11))


def test_dense_references_equal_the_closed_form():
    for case in ex_dense.cases():
        X, W, b, dZ = case.inputs.values()
        for got, want in zip(case.expected.values(), dense_right(X, W, b, dZ), strict=True):
            np.testing.assert_allclose(got, want, rtol=1e-7, atol=1e-8)


def test_mlp_references_equal_finite_differences_of_the_mean_loss():
    from course_utils import cross_entropy_with_logits

    def loss(params, X, Y):
        h = np.tanh(X @ params["W1"] + params["b1"])
        return cross_entropy_with_logits(h @ params["W2"] + params["b2"], Y)

    for case in ex_mlp.cases()[:3]:
        params, X, Y = case.inputs["params"], case.inputs["X"], case.inputs["Y"]
        for key in ex_mlp.KEYS:

            def loss_of(p, key=key, params=params, X=X, Y=Y):
                return loss({**params, key: p}, X, Y)

            numeric = numerical_gradient(loss_of, params[key])
            np.testing.assert_allclose(
                case.expected[key],
                numeric,
                rtol=1e-5,
                atol=1e-9,
                err_msg=f"MLP.backward's {key} disagrees with finite differences",
            )


# -- notebooks/05_exercises.ipynb (the student's) and its nbgrader source (the solutions) -------

ROOT = Path(__file__).resolve().parent.parent
STUDENT_NB = ROOT / "notebooks" / "05_exercises.ipynb"
SOURCE_NB = ROOT / "notebooks" / "source" / "05_exercises" / "05_exercises.ipynb"

# An instructor may delete notebooks/source/ (the answers) from the copy students get; then the
# tests that need it skip. In this repository it is there and CI runs them.
needs_source = pytest.mark.skipif(
    not SOURCE_NB.exists(), reason="notebooks/source/ withheld from this copy (see README, 'For instructors')"
)


def _answer_cells(nb) -> list:
    return [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]


def test_student_notebook_ships_stubs_and_checks_that_say_not_implemented_yet():
    nb = nbformat.read(STUDENT_NB, as_version=4)
    stubs = _answer_cells(nb)
    assert len(stubs) == len(EXERCISES)
    assert all("raise NotImplementedError()" in c.source for c in stubs)
    checks = [c for c in nb.cells if c.cell_type == "code" and c.source.startswith("passed[")]
    assert len(checks) == len(EXERCISES)
    for cell in checks:
        text = "".join(o.get("text", "") for o in cell.outputs)
        assert "not implemented yet" in text and text.startswith("… "), cell.source
        assert cell.outputs[-1]["data"]["text/plain"] == "0.0"  # the points nbgrader would record
    hints = [c for c in nb.cells if c.cell_type == "markdown" and "<summary><b>Hint</b>" in c.source]
    assert len(hints) == len(EXERCISES)
    assert all(c.metadata["slideshow"]["slide_type"] == "fragment" for c in hints)
    summary_cell = next(c for c in nb.cells if c.source == "print(summary(passed))")
    assert summary_cell.outputs[0]["text"].count("not attempted") == len(EXERCISES)


def test_student_notebook_does_not_list_the_checks_known_mistakes():
    text = STUDENT_NB.read_text()
    for giveaway in ("The check names", "diagnoses", "flipped sign", "forgotten 1/N", "keepdims (shape"):
        assert giveaway not in text, giveaway


def test_student_notebook_uses_notebook_04s_names():
    nb = nbformat.read(STUDENT_NB, as_version=4)
    stub = next(c for c in _answer_cells(nb) if "my_mlp_backward" in c.source)
    assert "def my_mlp_backward(params, X, A1, z, Y):" in stub.source
    exercise_5 = next(c for c in nb.cells if c.source.startswith("## Exercise 5"))
    assert "Z_1 = X W_1 + b_1" in exercise_5.source and "A_1 = \\tanh(Z_1)" in exercise_5.source
    assert " h " not in exercise_5.source and "`h`" not in exercise_5.source


@needs_source
def test_every_solution_in_the_source_passes_its_check(capsys):
    namespace: dict = {}
    for cell in nbformat.read(SOURCE_NB, as_version=4).cells:
        if cell.cell_type == "code":
            exec(compile(cell.source, str(SOURCE_NB), "exec"), namespace)
    assert namespace["passed"] == dict.fromkeys(EXERCISES, True)
    out = _flat(capsys.readouterr().out)
    assert out.count("✔") == 2 * len(EXERCISES)  # each check, and its line of the closing summary
    assert "float32" not in out and "Note:" not in out  # float64 solutions, judged as float64, no warnings


HINT_GIVEAWAYS = [
    "np.diag(S) - np.outer",
    "X.T @ dZ",
    "dZ @ W.T",
    "dZ.sum(axis=0)",
    "1 - A1**2",
    "(S - y)/N",
]


@pytest.mark.parametrize("path", [STUDENT_NB, SOURCE_NB], ids=["student", "source"])
def test_hints_come_in_two_steps_and_stop_short_of_the_answer(path):
    if not path.exists():
        pytest.skip("this edition has no instructor's source notebook")
    nb = nbformat.read(path, as_version=4)
    hints = [c.source for c in nb.cells if c.cell_type == "markdown" and "<summary><b>Hint</b>" in c.source]
    assert len(hints) == len(EXERCISES)
    for text in hints:
        assert "<b>Hint</b> 1 · the idea" in text and "<b>Hint</b> 2 · setting it up" in text
        assert text.index("Hint</b> 1") < text.index("Hint</b> 2")
    closing = [c.source for c in nb.cells if c.cell_type == "markdown" and c.source.startswith("## Summary")]
    assert len(closing) == 1
    for text in [*hints, *closing]:
        assert not [g for g in HINT_GIVEAWAYS if g in text], text


@needs_source
def test_the_source_is_an_nbgrader_assignment():
    nb = nbformat.read(SOURCE_NB, as_version=4)
    answers = _answer_cells(nb)
    assert [c.metadata.nbgrader.grade_id for c in answers] == [f"{e.task}_answer" for e in EXERCISES.values()]
    for cell, exercise in zip(answers, EXERCISES.values(), strict=True):
        assert cell.source.count("### BEGIN SOLUTION") == cell.source.count("### END SOLUTION") == 1
        assert cell.source.startswith(f"def {exercise.function}("), cell.source
    graded = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert [c.metadata.nbgrader.grade_id for c in graded] == [f"{e.task}_check" for e in EXERCISES.values()]
    for cell, (n, exercise) in zip(graded, EXERCISES.items(), strict=True):
        assert cell.metadata.nbgrader.locked and "### BEGIN HIDDEN TESTS" in cell.source
        assert cell.source.startswith(f"passed[{n}] = {exercise.name}({exercise.function})"), cell.source
        assert cell.metadata.nbgrader.points == exercise.points, cell.metadata.nbgrader.grade_id
        assert cell.source.rstrip().endswith(f"points(passed[{n}], out_of={exercise.points})"), cell.source
    assert sum(c.metadata.nbgrader.points for c in graded) == sum(e.points for e in EXERCISES.values())
