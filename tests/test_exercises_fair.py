"""The checkers judge like a fair instructor: the verdict is about the mathematics, a diagnosis is
named only on evidence, float32's tolerance only for float32 work, a time limit, inputs watched.

Correct implementations here must pass; every wrong one must fail on at least one case, with the
diagnosis that fits it.
"""

from __future__ import annotations

import re
import threading
import time
import warnings

import numpy as np
import pytest

from course_utils import cross_entropy, softmax
from course_utils.exercises import softmax as ex_softmax
from course_utils.exercises.attempts import Evaluation
from course_utils.exercises.cross_entropy import check_cross_entropy_grad
from course_utils.exercises.dense import check_dense_backward
from course_utils.exercises.jacobian import check_softmax_jacobian
from course_utils.exercises.limits import TimeUp, run_limited
from course_utils.exercises.mlp import check_mlp_backward
from course_utils.exercises.softmax import check_softmax
from course_utils.losses import cross_entropy_grad


def _flat(text: str) -> str:
    return " ".join(text.split())


def _S(z):
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


# -- correct in every style ----------------------------------------------------------------------


def softmax_matrix_batches(z):
    """np.matrix for batches (PendingDeprecationWarning), plain arrays for single samples."""
    if z.ndim == 1:
        return _S(z)
    m = np.matrix(z)
    e = np.exp(m - m.max(axis=1))
    return e / e.sum(axis=1)


def softmax_row_stack(z):
    """Built row by row with np.vstack of lists: warns of nothing numpy-wise, still right."""
    rows = np.atleast_2d(z)
    out = np.vstack([_S(r) for r in rows])
    return out if z.ndim == 2 else out[0]


def softmax_deprecated(z):
    warnings.warn("np.row_stack is deprecated, use np.vstack", DeprecationWarning, stacklevel=1)
    return _S(z)


def softmax_masked(z):
    m = np.ma.masked_invalid(z)
    e = np.ma.exp(m - m.max(axis=-1, keepdims=True))
    return np.ma.filled(e / e.sum(axis=-1, keepdims=True), np.nan)


def softmax_loops(z):
    rows = np.atleast_2d(z)
    out = np.zeros_like(rows)
    for n in range(rows.shape[0]):
        top = max(rows[n])
        total = sum(np.exp(v - top) for v in rows[n])
        for k in range(rows.shape[1]):
            out[n, k] = np.exp(rows[n, k] - top) / total
    return out if z.ndim == 2 else out[0]


def softmax_scipy(z):
    from scipy.special import softmax as scipy_softmax

    return scipy_softmax(z, axis=-1)


def jacobian_matrix(z):
    S = np.matrix(_S(z)).T  # a column
    return np.diagflat(S) - S @ S.T


def ce_one_buffer():
    """Returns the same array object every call, overwritten: each answer must be seen as returned."""
    buffer = {}

    def grad(z, Y):
        out = buffer.setdefault(z.shape, np.empty(z.shape))
        out[...] = (_S(z) - Y) / len(z)
        return out

    return grad


def dense_matrix(X, W, b, dZ):
    Xm, Wm, dm = np.matrix(X), np.matrix(W), np.matrix(dZ)
    return np.asarray(dm @ Wm.T), np.asarray(Xm.T @ dm), np.asarray(dm.sum(axis=0)).ravel()


def mlp_loops(params, X, A1, z, Y):
    dz = (_S(z) - Y) / len(z)
    W2 = params["W2"]
    dA1 = np.array(
        [
            [sum(dz[n, k] * W2[h, k] for k in range(W2.shape[1])) for h in range(W2.shape[0])]
            for n in range(len(z))
        ]
    )
    dZ1 = dA1 * (1 - A1**2)
    return {"W2": A1.T @ dz, "b2": dz.sum(0), "W1": X.T @ dZ1, "b1": dZ1.sum(0)}


CORRECT = [
    ("softmax np.matrix batches", check_softmax, softmax_matrix_batches),
    ("softmax vstack", check_softmax, softmax_row_stack),
    ("softmax deprecated call", check_softmax, softmax_deprecated),
    ("softmax masked array", check_softmax, softmax_masked),
    ("softmax loops", check_softmax, softmax_loops),
    ("softmax scipy", check_softmax, softmax_scipy),
    ("softmax float32 out", check_softmax, lambda z: _S(np.asarray(z, np.float32))),
    ("softmax float32 converted back", check_softmax, lambda z: _S(np.asarray(z, np.float32)).astype(float)),
    ("jacobian np.matrix", check_softmax_jacobian, jacobian_matrix),
    ("ce one output buffer", check_cross_entropy_grad, ce_one_buffer()),
    (
        "ce labels from Y",
        check_cross_entropy_grad,
        lambda z, Y: (_S(z) - np.eye(z.shape[1])[Y.argmax(1)]) / len(z),
    ),
    ("dense np.matrix", check_dense_backward, dense_matrix),
    ("mlp loops", check_mlp_backward, mlp_loops),
]


@pytest.mark.parametrize("name, check, fn", CORRECT, ids=[c[0] for c in CORRECT])
def test_correct_in_every_style(name, check, fn, capsys):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        verdict = check(fn)
    out = capsys.readouterr().out
    assert verdict is True, out
    assert caught == []  # nothing the student's code warned escapes the check


def test_a_pending_deprecation_warning_is_a_note_under_the_tick(capsys):
    assert check_softmax(softmax_matrix_batches) is True
    out = _flat(capsys.readouterr().out)
    assert "Note: your code warned (PendingDeprecationWarning" in out


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_torch_styles_pass(dtype, capsys, torch):
    dt = getattr(torch, dtype)

    def torch_softmax(z):
        t = torch.tensor(torch.as_tensor(z, dtype=dt))  # copy-construct: torch's UserWarning
        return torch.softmax(t, dim=-1)

    assert check_softmax(torch_softmax) is True, capsys.readouterr().out


# -- wrong, and told the fitting diagnosis ----------------------------------------------------------


def softmax_matrix_everywhere(z):
    m = np.matrix(np.atleast_2d(z))
    e = np.exp(m - m.max(axis=1))
    return e / e.sum(axis=1)


def softmax_one_nan(z):
    S = _S(z).copy()
    S[..., 0] = np.nan
    return S


def jacobian_S0(z):
    S = _S(z)
    return S[0] - np.outer(S, S)


def mlp_in_place_update(params, X, A1, z, Y):
    dz = (_S(z) - Y) / len(z)
    dW2 = A1.T @ dz
    params["W2"] -= 0.1 * dW2  # the update belongs in the training loop
    dZ1 = (dz @ params["W2"].T) * (1 - A1**2)
    return {"W2": dW2, "b2": dz.sum(0), "W1": X.T @ dZ1, "b1": dZ1.sum(0)}


def dense_in_place_wrong(X, W, b, dZ):
    X *= 2
    return dZ @ W.T, X.T @ dZ, dZ.sum(0)


WRONG = [
    (
        "np.matrix single sample",
        check_softmax,
        softmax_matrix_everywhere,
        ["S should have shape (2,), and came back with shape (1, 2)", "np.matrix"],
    ),
    ("one nan everywhere", check_softmax, softmax_one_nan, ["returned nan or inf on an ordinary input"]),
    (
        "S0 - SST",
        check_softmax_jacobian,
        jacobian_S0,
        ["in a way I don't recognise", "entries differ; largest absolute error"],
    ),
    (
        "S - labels[:, None]",
        check_cross_entropy_grad,
        lambda z, Y: (_S(z) - Y.argmax(1)[:, None]) / len(z),
        ["you subtracted the class index"],
    ),
    (
        "softmax clipped",
        check_softmax,
        lambda z: np.clip(_S(z), 1e-7, 1 - 1e-7),
        ["clipped to [1e-07, 1 - 1e-07]"],
    ),
    (
        "ce clipped",
        check_cross_entropy_grad,
        lambda z, Y: (np.clip(_S(z), 1e-7, 1 - 1e-7) - Y) / len(z),
        ["clipped to [1e-07, 1 - 1e-07]"],
    ),
    (
        "softmax clipped at 1e-8 and renormalised",
        check_softmax,
        lambda z: (lambda S: S / S.sum(-1, keepdims=True))(np.clip(_S(z), 1e-8, 1 - 1e-8)),
        ["clipped to [1e-08, 1 - 1e-08]"],
    ),
    (
        "softmax in float16",
        check_softmax,
        lambda z: _S(np.asarray(z, np.float16)),
        ["your answer is float16"],
    ),
    (
        "mlp in-place weight update",
        check_mlp_backward,
        mlp_in_place_update,
        ["hidden layer", "changed its input params['W2'] in place"],
    ),
    (
        "dense in place and wrong",
        check_dense_backward,
        dense_in_place_wrong,
        ["changed its input X in place"],
    ),
    (
        "softmax no shift, quiet",
        check_softmax,
        lambda z: (lambda e: e / e.sum(-1, keepdims=True))(np.exp(z)),
        ["overflow at large logits", "RuntimeWarning: overflow encountered in exp"],
    ),
]


@pytest.mark.parametrize("name, check, fn, texts", WRONG, ids=[w[0] for w in WRONG])
def test_wrong_is_caught_with_the_diagnosis_that_fits(name, check, fn, texts, capsys):
    assert check(fn) is False
    out = _flat(capsys.readouterr().out)
    for text in texts:
        assert text in out, out


def test_the_S0_jacobian_is_not_blamed_on_the_delta_term(capsys):
    assert check_softmax_jacobian(jacobian_S0) is False
    assert "δ_ij term is missing" not in _flat(capsys.readouterr().out)


def test_a_nan_everywhere_is_not_blamed_on_the_max_shift(capsys):
    assert check_softmax(softmax_one_nan) is False
    assert "no max shift" not in _flat(capsys.readouterr().out)


def test_labels_minus_is_not_blamed_on_the_softmax(capsys):
    assert check_cross_entropy_grad(lambda z, Y: _S(z) - Y.argmax(1)[:, None]) is False
    assert "normalises over" not in _flat(capsys.readouterr().out)


def test_the_same_buffer_returned_every_call_is_shown_beside_its_own_input(capsys):
    """A wrong function reusing one buffer: the case shown has its own output, not a later one's."""
    buffer = {}

    def grad(z, Y):
        out = buffer.setdefault(z.shape[1], np.empty((10, z.shape[1])))[: len(z)]
        out[...] = (_S(z) - Y) / len(z) * 2
        return out

    assert check_cross_entropy_grad(grad) is False
    out = _flat(capsys.readouterr().out)
    assert "received = 2 x expected" in out, out


def test_the_diagnosis_of_a_partial_fit_states_its_share():
    """A mistake that explains only some of the wrong cases is either not named or says how many."""
    from course_utils.exercises.engine import SHARE

    assert 0.5 < SHARE < 1


# -- time limit ------------------------------------------------------------------------------------


def test_an_infinite_loop_is_stopped_within_the_time_limit(capsys):
    def forever(z):
        while True:
            pass

    start = time.perf_counter()
    assert check_softmax(forever, time_limit=0.3) is False
    took = time.perf_counter() - start
    out = _flat(capsys.readouterr().out)
    assert "your function took more than 0.3 s in total" in out and "during the first of" in out
    assert took < 30  # generous: the point is that it returns at all


def test_a_slow_function_is_stopped_and_the_cases_it_managed_are_counted(capsys):
    def slow(z):
        time.sleep(0.05)
        return _S(z)

    assert check_softmax(slow, time_limit=0.4) is False
    out = _flat(capsys.readouterr().out)
    n = len(ex_softmax.cases())
    assert "took more than 0.4 s" in out and f"of {n} cases (all right so far)" in out


def test_an_except_exception_does_not_swallow_the_time_limit(capsys):
    def stubborn(z):
        while True:
            try:
                while True:
                    pass
            except Exception:  # noqa: BLE001  what a student might write around a loop
                continue

    assert check_softmax(stubborn, time_limit=0.2) is False


def test_the_time_limit_also_works_off_the_main_thread(capsys):
    def forever(z):
        while True:
            pass

    box = {}
    worker = threading.Thread(target=lambda: box.setdefault("v", check_softmax(forever, time_limit=0.3)))
    worker.start()
    worker.join(20)
    assert not worker.is_alive() and box["v"] is False
    assert "took more than 0.3 s" in capsys.readouterr().out


def test_run_limited_restores_the_alarm_and_returns_values():
    import signal

    before = signal.getsignal(signal.SIGALRM)
    assert run_limited(lambda x: x + 1, (1,), 1.0) == 2
    with pytest.raises(TimeUp):
        run_limited(time.sleep, (5,), 0.05)
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


# -- evaluating and judging are separate steps -------------------------------------------------------


def test_judging_needs_only_the_evaluations_data():
    checker = ex_softmax.CHECKER
    cases = checker.make_cases()
    evaluation = checker.evaluate(_S, cases)
    assert isinstance(evaluation, Evaluation) and len(evaluation.calls) == len(cases)
    verdict, text = checker.judge(cases, evaluation)
    assert verdict is True and text.startswith("✔ softmax")
    for call in evaluation.calls:  # data a separate process could send back: arrays, strings, numbers
        assert isinstance(call.value, np.ndarray) and isinstance(call.seconds, float)
    evaluation.calls[3].value = evaluation.calls[3].value * 2
    verdict, text = checker.judge(cases, evaluation)
    assert verdict is False and "(wrong on 1 of" in text


# -- course_utils' own tolerances scale with the dtype and K ------------------------------------


def test_cross_entropy_accepts_a_float32_softmax_over_a_million_classes():
    rng = np.random.default_rng(0)
    z = rng.normal(size=(2, 10**6)).astype(np.float32)
    e = np.exp(z - z.max(-1, keepdims=True))
    S = e / np.cumsum(e, axis=-1)[:, -1:]  # a sequential float32 sum: rows off 1 by ~1e-5
    assert np.abs(S.sum(-1, dtype=np.float64) - 1).max() > 1e-6
    loss = cross_entropy(S, [3, 5])
    assert np.isfinite(loss) and abs(loss - cross_entropy(softmax(z.astype(np.float64)), [3, 5])) < 1e-3
    with pytest.raises(ValueError, match="rows must sum to 1"):
        cross_entropy(np.array([[0.5, 0.5 + 1e-5]]), [0])  # float64, K = 2: still 1e-6


def test_the_reference_gradient_is_unchanged():
    z = np.array([[1.0, 2.0, 3.0]])
    assert np.allclose(cross_entropy_grad(z, np.array([[0, 0, 1]])), softmax(z) - [0, 0, 1])


def test_two_mistakes_at_once_are_both_named_with_their_shares(capsys):
    """No max shift and a forgotten 1/N: neither explains every wrong case, together they do."""

    def both(z, Y):
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True) - Y

    assert check_cross_entropy_grad(both) is False
    out = _flat(capsys.readouterr().out)
    assert "two mistakes at once" in out and "no max shift" in out and "forgot the 1/N" in out
    assert re.search(r"On \d+ of the \d+ wrong cases: overflow", out), out
