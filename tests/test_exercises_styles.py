"""course_utils.exercises: any correct style passes, no wrong variant passes, no exception escapes.

The first part runs correct answers written the ways students write them (float32, torch-like
tensors with and without requires_grad, lists, tuples, loops, einsum, a transposed Jacobian). The
second holds lists of plausible wrong variants and asserts each differs from the right answer on
at least one of the checker's cases, and fails its check. The rest: diagnoses that must name the
real cause, and what the feedback shows.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from course_utils import cross_entropy_grad, softmax, softmax_jacobian
from course_utils.exercises import EXERCISES, points, summary
from course_utils.exercises import cross_entropy as ex_ce
from course_utils.exercises import jacobian as ex_jac
from course_utils.exercises import softmax as ex_softmax
from course_utils.exercises.cross_entropy import check_cross_entropy_grad
from course_utils.exercises.dense import check_dense_backward
from course_utils.exercises.jacobian import check_softmax_jacobian
from course_utils.exercises.mlp import check_mlp_backward
from course_utils.exercises.softmax import check_softmax


def _flat(text: str) -> str:
    return " ".join(text.split())


class FakeTensor:
    """Behaves like a CPU torch tensor where the checkers care: detach/cpu/numpy, and numpy() and
    np.asarray refuse while requires_grad is set (torch raises RuntimeError there)."""

    def __init__(self, data, requires_grad: bool = False, dtype=np.float32) -> None:
        self.data = np.asarray(data, dtype=dtype)
        self.requires_grad = requires_grad

    def detach(self) -> FakeTensor:
        return FakeTensor(self.data, dtype=self.data.dtype)

    def cpu(self) -> FakeTensor:
        return self

    def numpy(self) -> np.ndarray:
        if self.requires_grad:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy()")
        return self.data

    def __array__(self, dtype=None, copy=None):
        return self.numpy() if dtype is None else self.numpy().astype(dtype)


def _softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _softmax32(z):
    z = np.asarray(z, dtype=np.float32)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _softmax_loops(z):
    rows = np.atleast_2d(z)
    out = []
    for row in rows:
        m = max(row)
        e = [float(np.exp(v - m)) for v in row]
        out.append([v / sum(e) for v in e])
    return out if np.ndim(z) == 2 else out[0]


def _jacobian_loops(z):
    S = _softmax(z)
    return [[S[i] * ((i == j) - S[j]) for j in range(len(S))] for i in range(len(S))]


def _dense(X, W, b, d):
    return d @ W.T, X.T @ d, d.sum(axis=0)


def _mlp(ce=lambda z, Y: (_softmax(z) - Y) / len(z), dense=_dense, dtype=np.float64):
    def backward(params, X, A1, z, Y):
        p = {k: v.astype(dtype) for k, v in params.items()}
        X, A1, z, Y = (a.astype(dtype) for a in (X, A1, z, Y))
        dz = ce(z, Y)
        dA1, dW2, db2 = dense(A1, p["W2"], p["b2"], dz)
        dZ1 = np.asarray(dA1) * (1 - A1**2)
        _, dW1, db1 = dense(X, p["W1"], p["b1"], dZ1)
        return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

    return backward


CORRECT = [
    ("softmax float64", check_softmax, _softmax),
    ("softmax float32 numpy", check_softmax, _softmax32),
    ("softmax float32 tensor", check_softmax, lambda z: FakeTensor(_softmax32(z))),
    ("softmax tensor requires_grad", check_softmax, lambda z: FakeTensor(_softmax32(z), requires_grad=True)),
    ("softmax float64 tensor", check_softmax, lambda z: FakeTensor(_softmax(z), dtype=np.float64)),
    ("softmax list", check_softmax, lambda z: _softmax(z).tolist()),
    (
        "softmax tuple",
        check_softmax,
        lambda z: tuple(map(tuple, np.atleast_2d(_softmax(z)))) if z.ndim == 2 else tuple(_softmax(z)),
    ),
    ("softmax loops", check_softmax, _softmax_loops),
    (
        "softmax logsumexp",
        check_softmax,
        lambda z: np.exp(z - np.logaddexp.reduce(z, axis=-1, keepdims=True)),
    ),
    (
        "softmax list of tensors",
        check_softmax,
        lambda z: (
            [FakeTensor(r) for r in np.atleast_2d(_softmax32(z))]
            if z.ndim == 2
            else FakeTensor(_softmax32(z))
        ),
    ),
    ("jacobian float64", check_softmax_jacobian, softmax_jacobian),
    ("jacobian transposed", check_softmax_jacobian, lambda z: softmax_jacobian(z).T),
    ("jacobian loops", check_softmax_jacobian, _jacobian_loops),
    (
        "jacobian float32",
        check_softmax_jacobian,
        lambda z: np.diag(_softmax32(z)) - np.outer(_softmax32(z), _softmax32(z)),
    ),
    (
        "jacobian einsum",
        check_softmax_jacobian,
        lambda z: (
            np.einsum("i,ij->ij", _softmax(z), np.eye(z.size))
            - np.einsum("i,j->ij", _softmax(z), _softmax(z))
        ),
    ),
    ("ce float64", check_cross_entropy_grad, cross_entropy_grad),
    ("ce Y.sum()", check_cross_entropy_grad, lambda z, Y: (_softmax(z) - Y) / Y.sum()),
    ("ce float32", check_cross_entropy_grad, lambda z, Y: (_softmax32(z) - Y.astype(np.float32)) / len(z)),
    (
        "ce tensor requires_grad",
        check_cross_entropy_grad,
        lambda z, Y: FakeTensor((_softmax32(z) - Y) / len(z), requires_grad=True),
    ),
    (
        "ce through the jacobian, guarded",
        check_cross_entropy_grad,
        lambda z, Y: (
            np.array(
                [
                    softmax_jacobian(r) @ (_softmax(r) - y) / np.maximum(_softmax(r), 1e-300) * 0
                    + (_softmax(r) - y)
                    for r, y in zip(z, Y, strict=True)
                ]
            )
            / len(z)
        ),
    ),
    ("dense", check_dense_backward, _dense),
    ("dense list", check_dense_backward, lambda X, W, b, d: [a.tolist() for a in _dense(X, W, b, d)]),
    (
        "dense float32",
        check_dense_backward,
        lambda X, W, b, d: _dense(X.astype(np.float32), W.astype(np.float32), b, d.astype(np.float32)),
    ),
    (
        "dense einsum tensors",
        check_dense_backward,
        lambda X, W, b, d: (
            FakeTensor(np.einsum("nm,dm->nd", d, W), requires_grad=True),
            FakeTensor(np.einsum("nd,nm->dm", X, d)),
            FakeTensor(d.sum(0)),
        ),
    ),
    (
        "dense loops",
        check_dense_backward,
        lambda X, W, b, d: (
            [
                [sum(d[n, m] * W[k, m] for m in range(W.shape[1])) for k in range(W.shape[0])]
                for n in range(len(X))
            ],
            [
                [sum(X[n, k] * d[n, m] for n in range(len(X))) for m in range(W.shape[1])]
                for k in range(W.shape[0])
            ],
            [sum(d[n, m] for n in range(len(X))) for m in range(W.shape[1])],
        ),
    ),
    ("mlp float64", check_mlp_backward, _mlp()),
    ("mlp float32", check_mlp_backward, _mlp(dtype=np.float32)),
    ("mlp with course_utils' gradient", check_mlp_backward, _mlp(ce=cross_entropy_grad)),
]


@pytest.mark.parametrize("name, check, fn", CORRECT, ids=[c[0] for c in CORRECT])
def test_every_correct_style_passes(name, check, fn, capsys):
    assert check(fn) is True
    out = capsys.readouterr().out
    assert out.startswith("✔ ") and out.count("\n") == 1, out
    if "float32" in name and "float64" not in name.split("float32")[0]:
        assert "float32" in out and "relative tolerance 2.4e-04" in out, out


# -- nothing escapes --------------------------------------------------------------------------------


class Boom(BaseException):
    """Not even an Exception: a student's own BaseException subclass."""


class Unconvertible:
    def __array__(self, dtype=None, copy=None):
        raise ZeroDivisionError("no array for you")


def _raise(err):
    def fn(*args):
        raise err

    return fn


def _recurse(*args):
    return _recurse(*args)


ESCAPES = [
    ("SystemExit", _raise(SystemExit(3)), "raised SystemExit"),
    ("BaseException", _raise(Boom("bang")), "raised Boom: bang"),
    ("RecursionError", _recurse, "raised RecursionError"),
    ("unconvertible", lambda *a: Unconvertible(), "should be an array of real numbers, got Unconvertible"),
    ("generator", lambda *a: (x for x in range(3)), "should be an array of real numbers, got generator"),
    ("ragged list", lambda *a: [[1.0, 2.0], [3.0]], "should be an array of real numbers, got list"),
    ("strings", lambda *a: np.array(["a", "b"]), "should be an array of real numbers"),
    (
        "tensor whose numpy fails",
        lambda *a: type("T", (), {"detach": lambda s: 1 / 0})(),
        "should be an array",
    ),
]


@pytest.mark.parametrize("check", [check_softmax, check_softmax_jacobian, check_cross_entropy_grad])
@pytest.mark.parametrize("name, fn, text", ESCAPES, ids=[e[0] for e in ESCAPES])
def test_no_exception_of_any_kind_escapes(check, name, fn, text, capsys):
    assert check(fn) is False
    out = _flat(capsys.readouterr().out)
    assert out.startswith("✘ ") and text in out, out


@pytest.mark.parametrize("value", [FakeTensor([1.0]), Unconvertible(), {"W1": 1}, "grads", [None] * 3])
def test_dense_and_mlp_never_raise_whatever_comes_back(value, capsys):
    assert check_dense_backward(lambda *a: value) is False
    assert check_mlp_backward(lambda *a: value) is False
    assert capsys.readouterr().out.count("✘ ") == 2


# -- no false passes: every wrong variant differs from the answer on some case ------------------------


def _shift(c):
    def fn(z):
        s = z - c(z)
        e = np.exp(s)
        return e / e.sum(axis=-1, keepdims=True)

    return fn


WRONG_SOFTMAX = {
    "first logit": _shift(lambda z: z[..., :1]),
    "last logit": _shift(lambda z: z[..., -1:]),
    "first entry of the array": _shift(lambda z: z.flat[0]),
    "constant 1000": _shift(lambda z: 1000.0),
    "constant -1000": _shift(lambda z: -1000.0),
    "constant 700": _shift(lambda z: 700.0),
    "batch max": _shift(np.max),
    "batch min": _shift(np.min),
    "row mean": _shift(lambda z: z.mean(axis=-1, keepdims=True)),
    "row median": _shift(lambda z: np.median(z, axis=-1, keepdims=True)),
    "row min": _shift(lambda z: z.min(axis=-1, keepdims=True)),
    "max of |z|": _shift(lambda z: np.abs(z).max(axis=-1, keepdims=True)),
    "column max": _shift(lambda z: z.max(axis=0, keepdims=True)),
    "no shift": _shift(lambda z: 0.0),
    "clipped logits": lambda z: softmax(np.clip(z, -700, 700)),
    "sorted": lambda z: np.sort(softmax(z), axis=-1),
    "reversed": lambda z: softmax(z)[..., ::-1],
    "rolled": lambda z: np.roll(softmax(z), 1, axis=-1),
    "columns normalised": lambda z: np.exp(z - z.max()) / np.exp(z - z.max()).sum(axis=0, keepdims=True),
    "whole batch normalised": lambda z: np.exp(z - z.max()) / np.exp(z - z.max()).sum(),
    "exp2": lambda z: (
        2.0 ** (z - z.max(-1, keepdims=True)) / (2.0 ** (z - z.max(-1, keepdims=True))).sum(-1, keepdims=True)
    ),
    "first row's softmax for every row": lambda z: np.broadcast_to(
        softmax(np.atleast_2d(z)[0]), z.shape
    ).copy(),
    "max shift over the first two classes only": _shift(lambda z: z[..., :2].max(axis=-1, keepdims=True)),
}

WRONG_JACOBIAN = {
    "first-logit shift": lambda z: ex_np_jac(WRONG_SOFTMAX["first logit"](z)),
    "constant shift": lambda z: ex_np_jac(WRONG_SOFTMAX["constant 1000"](z)),
    "mean shift": lambda z: ex_np_jac(WRONG_SOFTMAX["row mean"](z)),
    "sorted S": lambda z: ex_np_jac(np.sort(softmax(z))),
    "rolled columns": lambda z: np.roll(softmax_jacobian(z), 1, axis=1),
    "diag only": lambda z: np.diag(softmax(z) * (1 - softmax(z))),
}

WRONG_CE = {
    "first-logit softmax": lambda z, Y: (WRONG_SOFTMAX["first logit"](z) - Y) / len(z),
    "constant-shift softmax": lambda z, Y: (WRONG_SOFTMAX["constant 700"](z) - Y) / len(z),
    "mean over K": lambda z, Y: (softmax(z) - Y) / z.shape[1],
    "mean over everything": lambda z, Y: (softmax(z) - Y) / z.size,
    "-y/S route": lambda z, Y: (
        np.array([softmax_jacobian(r) @ (-y / softmax(r)) for r, y in zip(z, Y, strict=True)]) / len(z)
    ),
    "labels rolled": lambda z, Y: (softmax(z) - np.roll(Y, 1, axis=0)) / len(z),
    "first row's label for all": lambda z, Y: (softmax(z) - Y[:1]) / len(z),
    "softmax over the batch": lambda z, Y: (softmax(z.T).T - Y) / len(z),
}


def ex_np_jac(S):
    return np.diag(S) - np.outer(S, S)


def _differs_somewhere(fn, cases, name) -> bool:
    for case in cases:
        args = [np.array(v, copy=True) for v in case.inputs.values()]
        with np.errstate(all="ignore"):
            try:
                got = np.asarray(fn(*args), dtype=float)
            except Exception:  # noqa: BLE001  raising on a case is differing from the answer
                return True
        want = next(iter(case.expected.values()))
        if got.shape != want.shape or not np.allclose(got, want, rtol=1e-6, atol=1e-9):
            return True
    return False


@pytest.mark.parametrize(
    "check, module, name, fn",
    [(check_softmax, ex_softmax, n, f) for n, f in WRONG_SOFTMAX.items()]
    + [(check_softmax_jacobian, ex_jac, n, f) for n, f in WRONG_JACOBIAN.items()]
    + [(check_cross_entropy_grad, ex_ce, n, f) for n, f in WRONG_CE.items()],
    ids=lambda x: x if isinstance(x, str) else "",
)
def test_every_wrong_variant_differs_on_some_case_and_fails(check, module, name, fn, capsys):
    assert _differs_somewhere(fn, module.cases(), name), f"{name!r} agrees with the answer on every case"
    assert check(fn) is False
    assert capsys.readouterr().out.startswith("✘ ")


def test_the_softmax_cases_put_the_largest_and_smallest_logit_everywhere():
    for K in (3, 4):
        spots_max, spots_min = set(), set()
        for case in ex_softmax.cases():
            for row in np.atleast_2d(case.inputs["z"]):
                if row.size == K:
                    spots_max.add(int(np.argmax(row)))
                    spots_min.add(int(np.argmin(row)))
        assert spots_max == spots_min == set(range(K))


def test_no_single_constant_shift_works_on_the_softmax_cases():
    """exp(z - c) needs max z - c < 709.8 (no overflow) and max z - c > -745 (no 0/0) on every row."""
    rows = np.concatenate([np.atleast_2d(c.inputs["z"]).max(axis=-1) for c in ex_softmax.cases()])
    assert rows.max() - 709.8 > rows.min() + 745.1


# -- diagnoses that name the real cause ---------------------------------------------------------------


def _via_jacobian(softmax_fn, wrap=np.asarray):
    def grad(z, Y):
        rows = [ex_np_jac(softmax_fn(r)).T @ (-y / softmax_fn(r)) for r, y in zip(z, Y, strict=True)]
        return wrap(np.array(rows) / len(z))

    return grad


@pytest.mark.parametrize("quiet", [False, True], ids=["numpy warns", "no warnings"])
def test_the_lectures_route_with_a_max_shift_is_told_to_simplify_not_blamed_on_the_shift(quiet, capsys):
    grad = _via_jacobian(_softmax)
    if quiet:  # torch, or np.errstate(all="ignore"): no warning tells what went wrong

        def grad(z, Y, inner=grad):
            with np.errstate(all="ignore"):
                return inner(z, Y)

    assert check_cross_entropy_grad(grad) is False
    out = _flat(capsys.readouterr().out)
    assert "rounded to 0" in out and "Simplify before computing" in out and "S - y" in out
    assert "no max shift" not in out and "Your softmax is fine" in out


def test_the_lectures_route_without_a_max_shift_is_blamed_on_the_shift(capsys):
    def naive(z):
        return np.exp(z) / np.exp(z).sum()

    assert check_cross_entropy_grad(_via_jacobian(naive)) is False
    assert "overflow at large logits: no max shift" in _flat(capsys.readouterr().out)


@pytest.mark.parametrize(
    "scale, text",
    [
        (lambda N: 1 / N, "received = 0.25 (1/N = 1/4: you divided by N twice"),
        (lambda N: 0.5, "every gradient is the right one times the same factor 0.5: a scale error"),
    ],
)
def test_a_common_factor_in_the_mlp_is_a_scale_error_not_exercises_3_and_4(scale, text, capsys):
    def backward(params, X, A1, z, Y):
        grads = _mlp()(params, X, A1, z, Y)
        return {k: v * scale(len(X)) for k, v in grads.items()}

    assert check_mlp_backward(backward) is False
    out = _flat(capsys.readouterr().out).replace("received = ", "received = ")
    assert "exercises 3" not in out and "fails its own check" not in out
    assert text.split("received = ")[-1].split(":")[0] in out


def test_the_mlp_blames_exercise_3_only_when_its_check_fails_on_the_same_function(capsys):
    def my_cross_entropy_grad(z, Y):  # a wrong helper: softmax over the wrong axis, in its own check too
        return (softmax(z.T).T - Y) / len(z)

    def my_dense_backward(X, W, b, d):
        return _dense(X, W, b, d)

    def my_mlp_backward(params, X, A1, z, Y):
        dz = my_cross_entropy_grad(z, Y)
        dA1, dW2, db2 = my_dense_backward(A1, params["W2"], params["b2"], dz)
        _, dW1, db1 = my_dense_backward(X, params["W1"], params["b1"], dA1 * (1 - A1**2))
        return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

    assert (
        check_mlp_backward(
            my_mlp_backward, cross_entropy_grad=my_cross_entropy_grad, dense_backward=my_dense_backward
        )
        is False
    )
    out = _flat(capsys.readouterr().out)
    assert "Your my_cross_entropy_grad fails its own check" in out and "my_dense_backward fails" not in out


def test_the_mlp_does_not_blame_helpers_that_pass_their_checks(capsys):
    def my_cross_entropy_grad(z, Y):
        return (softmax(z) - Y) / len(z)

    def my_mlp_backward(params, X, A1, z, Y):
        grads = _mlp(ce=my_cross_entropy_grad)(params, X, A1, z, Y)
        grads["W2"] = grads["W2"] + 0.01 * np.arange(grads["W2"].size).reshape(grads["W2"].shape)
        return grads

    assert check_mlp_backward(my_mlp_backward, cross_entropy_grad=my_cross_entropy_grad) is False
    out = _flat(capsys.readouterr().out)
    assert "output layer's gradient dW2 is already wrong" in out
    assert "Your my_cross_entropy_grad pass their checks" in out and "fails its own check" not in out


def test_a_missing_transpose_that_fits_only_square_weights_is_caught(capsys):
    def no_transpose(params, X, A1, z, Y):
        dz = (_softmax(z) - Y) / len(z)
        W2 = params["W2"]
        dA1 = dz @ (W2 if W2.shape[0] == W2.shape[1] else W2.T)
        dZ1 = dA1 * (1 - A1**2)
        return {"W1": X.T @ dZ1, "b1": dZ1.sum(0), "W2": A1.T @ dz, "b2": dz.sum(0)}

    assert check_mlp_backward(no_transpose) is False
    out = _flat(capsys.readouterr().out)
    assert "(H = K = 3)" in out and "the output layer is right" in out and "dA1 = dz W2ᵀ" in out


def test_an_unrecognised_mistake_still_shows_where_and_how_much(capsys):
    def odd(z):
        S = softmax(z)
        return S + 1e-3 * (np.arange(S.shape[-1]) == 1)

    assert check_softmax(odd) is False
    out = capsys.readouterr().out
    assert "in a way I don't recognise" in out
    assert re.search(r"\d+ of \d+ entries differ; largest absolute error 0\.001 at \[1\]", out), out
    assert "*" in out.split("received S")[1]


# -- what the feedback shows ---------------------------------------------------------------------------


FLOAT32_IN_CODE = [
    (
        "jacobian float32 softmax into float64",
        check_softmax_jacobian,
        lambda z: np.diag(_softmax32(z).astype(float)) - np.outer(_softmax32(z), _softmax32(z)).astype(float),
    ),
    (
        "ce float32 softmax into float64",
        check_cross_entropy_grad,
        lambda z, Y: (_softmax32(z).astype(np.float64) - Y) / len(z),
    ),
]


@pytest.mark.parametrize("name, check, fn", FLOAT32_IN_CODE, ids=[c[0] for c in FLOAT32_IN_CODE])
def test_float64_answers_from_visible_float32_code_pass_with_a_note(name, check, fn, capsys):
    """float32 in the code the function runs (here a float32 softmax it calls) earns float32's tolerance."""
    assert check(fn) is True
    assert "Part of your code computes in float32" in _flat(capsys.readouterr().out)


def test_float64_answers_right_only_to_float32_precision_fail_when_no_float32_is_visible(capsys):
    """Without float32 in the answer or in the code, float64 right only to ~1e-5 fails, and says why."""
    assert check_softmax(lambda z: softmax(z) * (1 + 1e-5)) is False
    assert "agrees with the right one only to about 7 digits" in _flat(capsys.readouterr().out)


def test_enough_digits_to_see_a_small_difference(capsys):
    assert check_softmax(lambda z: softmax(z) * (1 + 1e-3)) is False
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if "*" in line and line.lstrip().startswith("[")]
    assert rows, out
    expected, received = re.findall(r"\[([^\]]*)\]", rows[0])[:2]
    assert expected.split() != [v.rstrip("*") for v in received.split()]


def test_the_smallest_failing_case_is_shown_in_full(capsys):
    assert check_softmax(lambda z: softmax(z) if z.shape[-1] < 4 else softmax(z) * 2) is False
    out = capsys.readouterr().out
    sizes = [c.inputs["z"].size for c in ex_softmax.cases() if c.inputs["z"].shape[-1] >= 4]
    assert "K = 4 (wrong on " in out and min(sizes) == 4
    assert "shape" not in out.split("On ")[1].split("\n")[1]  # the input itself, not "an array of shape"


def test_summary_tells_passed_failed_and_not_attempted_apart():
    text = summary({1: True, 2: False, 3: None})
    assert text.splitlines()[0] == f"1 of {len(EXERCISES)} exercises pass."
    assert "1 softmax              ✔ passed" in text and "2 softmax_jacobian     ✘ failed" in text
    assert (
        "3 cross_entropy_grad   … not attempted" in text and "5 mlp_backward         … not attempted" in text
    )


@pytest.mark.parametrize("passed, out_of, expected", [(True, 2, 2.0), (False, 2, 0.0), (None, 3, 0.0)])
def test_points(passed, out_of, expected):
    assert points(passed, out_of=out_of) == expected


@pytest.mark.parametrize(
    "args, error, name",
    [
        ((True, 0), ValueError, "out_of"),
        ((True, "2"), ValueError, "out_of"),
        (("yes", 2), TypeError, "passed"),
    ],
)
def test_points_rejects_bad_arguments_by_name(args, error, name):
    with pytest.raises(error, match=name):
        points(*args)


def test_summary_rejects_a_non_dict():
    with pytest.raises(TypeError, match="passed"):
        summary([True, False])


def test_no_dtype_loosens_the_comparison_past_1e_3(capsys):
    from course_utils.exercises.attempts import tolerance

    assert tolerance(np.dtype(np.float64)) == 1e-6 and tolerance(np.dtype(np.float16)) == 1e-3
    assert check_softmax(lambda z: (softmax(z) * 1.01).astype(np.float16)) is False
