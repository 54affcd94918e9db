"""Bad input gets a ValueError/TypeError naming the argument: never a silent NaN."""

import numpy as np
import pytest

from course_utils.gradcheck import numerical_gradient, relative_error
from course_utils.losses import cross_entropy, cross_entropy_grad, cross_entropy_with_logits, one_hot
from course_utils.softmax import log_softmax, softmax, softmax_jacobian

S_OK = np.array([[0.1, 0.3, 0.6], [0.2, 0.2, 0.6]])
Z_OK = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 1.0]])
LOSS_FNS = [cross_entropy_with_logits, cross_entropy_grad]

BAD_LABELS = [
    # (labels for a (2, 3) batch, error type, message fragment)
    (np.zeros((2, 4)), ValueError, "y has 4 classes per row but .* has K=3"),
    (np.zeros((3, 3)), ValueError, "y has 3 samples but .* has N=2"),
    (np.array([0, 1, 2]), ValueError, "y has 3 samples but .* has N=2"),
    (np.array([0, 3]), ValueError, r"y must be < the number of classes K=3, got 3"),
    (np.array([0, -1]), ValueError, "y must be >= 0, got -1"),
    (np.array([0.0, 1.5]), ValueError, "y must be whole numbers"),
    (np.array([[0, 0, 1], [0, np.nan, 1]]), ValueError, "y contains NaN or inf"),
    (np.array([[0, 0, 1], [0, np.inf, 1]]), ValueError, "y contains NaN or inf"),
    (np.array([[0, 0, 1], [0, -0.5, 1.5]]), ValueError, "y has negative entries"),
    (np.array([True, False]), TypeError, "y must be integer class labels, got booleans"),
    (None, TypeError, "y must be labels"),
    ("class 2", TypeError, "y must be labels"),
]


@pytest.mark.parametrize("labels, error, message", BAD_LABELS)
def test_bad_labels_for_cross_entropy(labels, error, message):
    with pytest.raises(error, match=message):
        cross_entropy(S_OK, labels)


@pytest.mark.parametrize("fn", LOSS_FNS)
@pytest.mark.parametrize("labels, error, message", BAD_LABELS)
def test_bad_labels_for_logit_functions(fn, labels, error, message):
    with pytest.raises(error, match=message):
        fn(Z_OK, labels)


def test_bad_integer_label_for_a_single_sample():
    with pytest.raises(ValueError, match="y must be < the number of classes K=3, got 5"):
        cross_entropy([0.1, 0.3, 0.6], 5)
    with pytest.raises(ValueError, match="y must be whole numbers"):
        cross_entropy_grad([0.0, 1.0, 2.0], 1.5)


@pytest.mark.parametrize(
    "S, message",
    [
        ([[0.1, 0.3, 0.6], [-0.2, 0.6, 0.6]], "S has negative entries"),
        ([[0.1, 0.3, 0.6], [1.2, -0.1, -0.1]], "S has negative entries"),
        ([[0.1, 0.3, 0.6], [0.0, 0.0, 1.5]], "S has entries above 1"),
        ([[0.1, 0.3, 0.6], [0.2, 0.2, 0.2]], "S rows must sum to 1 .* sums to 0.6"),
        ([[0.1, 0.3, 0.6], [0.2, 0.2, 0.600002]], "S rows must sum to 1"),
        ([[0.1, 0.3, np.nan], [0.2, 0.2, 0.6]], "S contains NaN or inf"),
        ([[0.1, 0.3, np.inf], [0.2, 0.2, 0.6]], "S contains NaN or inf"),
    ],
)
def test_bad_probabilities(S, message):
    with pytest.raises(ValueError, match=message):
        cross_entropy(S, [2, 2])


def test_probability_rows_within_tolerance_are_accepted():
    assert np.isfinite(cross_entropy([[0.1, 0.3, 0.6000005]], [2]))


@pytest.mark.parametrize("fn", [softmax, log_softmax, softmax_jacobian])
@pytest.mark.parametrize(
    "z, error, message",
    [
        ([1.0, np.nan], ValueError, "z contains NaN or inf"),
        ([1.0, np.inf], ValueError, "z contains NaN or inf"),
        ([1.0, -np.inf], ValueError, "z contains NaN or inf"),
        ([], ValueError, r"z must not be empty, got shape \(0,\)"),
        (np.zeros((3, 0)), ValueError, "z must not be empty"),
        (3.0, ValueError, r"z must have at least 1 dimension\(s\), got shape \(\)"),
        (None, TypeError, "z must be an array of numbers, got None"),
        ("1 2 3", TypeError, "z must be an array of numbers, got a string"),
        (["a", "b"], TypeError, "z must be an array of real numbers, got dtype <U1"),
        ([1 + 2j, 0], TypeError, "z must be an array of real numbers, got dtype complex128"),
        ([[1.0, 2.0], [3.0]], ValueError, "z must be a rectangular array"),
    ],
)
def test_bad_logits(fn, z, error, message):
    with pytest.raises(error, match=message):
        fn(z)


@pytest.mark.parametrize("fn", LOSS_FNS)
def test_bad_logits_in_losses(fn):
    with pytest.raises(ValueError, match="z contains NaN or inf"):
        fn([0.0, np.nan, 1.0], 2)
    with pytest.raises(ValueError, match="z must not be empty"):
        fn(np.zeros((0, 3)), np.zeros(0, dtype=int))
    with pytest.raises(TypeError, match="z must be an array of numbers, got None"):
        fn(None, 0)
    with pytest.raises(ValueError, match="z must have at most 2 dimensions"):
        fn(np.zeros((2, 2, 3)), np.zeros((2, 2), dtype=int))


def test_jacobian_of_a_3d_array_is_refused():
    with pytest.raises(ValueError, match="z must have at most 2 dimensions"):
        softmax_jacobian(np.zeros((2, 2, 3)))


def test_empty_probabilities():
    with pytest.raises(ValueError, match="S must not be empty"):
        cross_entropy(np.zeros((0, 3)), np.zeros(0, dtype=int))


@pytest.mark.parametrize("fn", [cross_entropy, cross_entropy_with_logits, cross_entropy_grad])
@pytest.mark.parametrize("reduction", ["avg", "Mean", None, ""])
def test_unknown_reduction(fn, reduction):
    with pytest.raises(ValueError, match=r"reduction must be one of \('mean', 'sum', 'none'\)"):
        fn([0.1, 0.3, 0.6], 2, reduction=reduction)


@pytest.mark.parametrize(
    "labels, num_classes, error, message",
    [
        ([0, 1], 0, ValueError, "num_classes must be >= 1, got 0"),
        ([0, 1], -3, ValueError, "num_classes must be >= 1, got -3"),
        ([0, 1], 2.5, TypeError, "num_classes must be an integer, got float"),
        ([0, 1], None, TypeError, "num_classes must be an integer, got NoneType"),
        ([0, 3], 3, ValueError, "labels must be < the number of classes K=3, got 3"),
        ([0, -1], 3, ValueError, "labels must be >= 0, got -1"),
        ([0.5], 3, ValueError, "labels must be whole numbers"),
        ([np.nan], 3, ValueError, "labels contains NaN or inf"),
        (None, 3, TypeError, "labels must be integer class labels, got None"),
        ("2", 3, TypeError, "labels must be integer class labels, got a string"),
    ],
)
def test_bad_one_hot(labels, num_classes, error, message):
    with pytest.raises(error, match=message):
        one_hot(labels, num_classes)


@pytest.mark.parametrize(
    "eps, error, message",
    [
        (0.0, ValueError, "eps must be a positive finite number, got 0.0"),
        (-1e-6, ValueError, "eps must be a positive finite number"),
        (float("nan"), ValueError, "eps must be a positive finite number"),
        (float("inf"), ValueError, "eps must be a positive finite number"),
        ("1e-6", TypeError, "eps must be a number, got str"),
        (None, TypeError, "eps must be a number, got NoneType"),
        (True, TypeError, "eps must be a number, got bool"),
    ],
)
def test_bad_eps(eps, error, message):
    with pytest.raises(error, match=message):
        numerical_gradient(lambda v: float(np.sum(v)), np.ones(3), eps=eps)


def test_numerical_gradient_bad_f_and_x():
    with pytest.raises(TypeError, match="f must be a callable"):
        numerical_gradient("sum", np.ones(3))
    with pytest.raises(ValueError, match=r"f must return a scalar, got an array of shape \(3,\)"):
        numerical_gradient(lambda v: v * 2, np.ones(3))
    with pytest.raises(ValueError, match="x contains NaN or inf"):
        numerical_gradient(lambda v: float(np.sum(v)), [1.0, np.nan])
    with pytest.raises(TypeError, match="x must be an array of numbers, got None"):
        numerical_gradient(lambda v: 0.0, None)


def test_relative_error_bad_input():
    with pytest.raises(ValueError, match="a contains NaN or inf"):
        relative_error([np.nan], [1.0])
    with pytest.raises(TypeError, match="b must be an array of numbers, got None"):
        relative_error([1.0], None)


# One kind of mistake, one exception type, whichever public function it is made with.


COUNT_NAMES = [
    "num_classes",
    "n_per_class",
    "K",
    "seed",
    r"sizes\[1\]",
    "steps",
    "snapshot_every",
    "num_layers",
    "K ",  # logit_symbols(K)
]


def _call_with_a_float_count(name):
    from course_utils.data import make_spirals
    from course_utils.network import MLP, train
    from course_utils.plots import computational_graph_figure
    from course_utils.symbolic import logit_symbols

    if name in ("steps", "snapshot_every"):
        X, labels = make_spirals(n_per_class=5)
        steps, every = (2.5, 1) if name == "steps" else (2, 1.0)
        return train(MLP([2, 3, 3]), X, labels, lr=0.1, steps=steps, snapshot_every=every)
    calls = {
        "num_classes": lambda: one_hot([0, 1], 2.0),
        "n_per_class": lambda: make_spirals(n_per_class=10.0),
        "K": lambda: make_spirals(K=3.0),
        "seed": lambda: MLP([2, 3], seed=1.0),
        r"sizes\[1\]": lambda: MLP([2, 3.0, 3]),
        "num_layers": lambda: computational_graph_figure(2.0),
        "K ": lambda: logit_symbols(3.0),
    }
    return calls[name]()


@pytest.mark.parametrize("name", COUNT_NAMES)
def test_a_non_integer_count_is_a_type_error_everywhere(name):
    with pytest.raises(TypeError, match=f"{name.strip()} must be an integer"):
        _call_with_a_float_count(name)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: one_hot([0], 0), "num_classes must be >= 1"),
        (lambda: __import__("course_utils.data").data.make_spirals(seed=-1), "seed must be >= 0"),
        (lambda: __import__("course_utils.data").data.make_spirals(noise=-0.1), "noise must be >= 0"),
        (lambda: numerical_gradient(lambda v: 0.0, [1.0], eps=-1.0), "eps must be a positive finite number"),
    ],
)
def test_a_number_out_of_range_is_a_value_error_everywhere(call, message):
    with pytest.raises(ValueError, match=message):
        call()
