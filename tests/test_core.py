"""The lecture's worked numbers and the documented behaviour of the course_utils core."""

import math

import numpy as np
import pytest

from course_utils.gradcheck import numerical_gradient, relative_error
from course_utils.losses import cross_entropy, cross_entropy_grad, cross_entropy_with_logits, one_hot
from course_utils.softmax import log_softmax, softmax, softmax_jacobian

# The lecture's example: true class 3 of 3, predicted probabilities [0.1, 0.3, 0.6].
S_SLIDE = np.array([0.1, 0.3, 0.6])
Y_SLIDE = np.array([0.0, 0.0, 1.0])


def test_slide_loss_is_0_511_with_natural_log():
    loss = cross_entropy(S_SLIDE, Y_SLIDE)
    assert round(loss, 3) == 0.511
    assert loss == pytest.approx(-math.log(0.6), rel=1e-15)
    assert isinstance(loss, float)


def test_slide_loss_from_integer_label_and_from_logits_agree():
    # Logits whose softmax is exactly S_SLIDE: z = log S (+ any constant).
    z = np.log(S_SLIDE) + 7.0
    assert cross_entropy(S_SLIDE, 2) == pytest.approx(0.5108256237659907, rel=1e-15)
    assert cross_entropy_with_logits(z, Y_SLIDE) == pytest.approx(0.5108256237659907, rel=1e-12)
    assert cross_entropy_with_logits(z, 2) == pytest.approx(0.5108256237659907, rel=1e-12)


def test_slide_gradient_is_S_minus_y():
    z = np.log(S_SLIDE)
    np.testing.assert_allclose(cross_entropy_grad(z, Y_SLIDE), [0.1, 0.3, -0.4], atol=1e-15)
    np.testing.assert_allclose(cross_entropy_grad(z, 2), [0.1, 0.3, -0.4], atol=1e-15)


def test_slide_jacobian_entries():
    J = softmax_jacobian(np.log(S_SLIDE))
    S1, S2, S3 = S_SLIDE
    expected = np.array(
        [
            [S1 * (1 - S1), -S1 * S2, -S1 * S3],
            [-S2 * S1, S2 * (1 - S2), -S2 * S3],
            [-S3 * S1, -S3 * S2, S3 * (1 - S3)],
        ]
    )
    np.testing.assert_allclose(J, expected, atol=1e-15)
    # The slide's chain-rule product for z1: [-y/S] . column 1 = S1 - y1.
    dL_dS = -Y_SLIDE / S_SLIDE
    np.testing.assert_allclose(dL_dS @ J, S_SLIDE - Y_SLIDE, atol=1e-15)


def test_softmax_known_values_and_shapes():
    np.testing.assert_allclose(softmax([0.0, 0.0]), [0.5, 0.5])
    np.testing.assert_allclose(softmax([0.0, math.log(3.0)]), [0.25, 0.75])
    z = np.arange(12.0).reshape(3, 4)
    assert softmax(z).shape == (3, 4)
    np.testing.assert_allclose(softmax(z, axis=0).sum(axis=0), np.ones(4))
    np.testing.assert_allclose(np.exp(log_softmax(z, axis=0)), softmax(z, axis=0))


@pytest.mark.parametrize("dtype, big", [(np.float64, 1e4), (np.float32, 100.0)])
def test_softmax_and_log_softmax_at_extreme_logits(dtype, big):
    z = np.array([big, -big, 0.0, big / 2], dtype=dtype)
    S = softmax(z)
    assert S.dtype == dtype
    assert np.all(np.isfinite(S))
    np.testing.assert_allclose(S, [1.0, 0.0, 0.0, 0.0], atol=1e-20)
    log_S = log_softmax(z)
    assert log_S.dtype == dtype
    assert np.all(np.isfinite(log_S))
    np.testing.assert_allclose(log_S, [0.0, -2 * big, -big, -big / 2], rtol=1e-6)


def test_loss_from_logits_exact_where_probability_rounds_to_zero():
    z = np.array([0.0, 1000.0])  # S_0 = e^-1000 rounds to 0 in float64
    assert softmax(z)[0] == 0.0
    assert cross_entropy_with_logits(z, 0) == pytest.approx(1000.0, rel=1e-15)


def test_zero_probability_at_true_class_is_inf_without_warning():
    # pytest runs with warnings as errors, so a RuntimeWarning here would fail the test.
    assert cross_entropy([0.0, 0.4, 0.6], 0) == math.inf
    # A zero probability where y is 0 contributes nothing (0 * log 0 := 0).
    assert cross_entropy([0.0, 0.4, 0.6], [0, 0, 1]) == pytest.approx(-math.log(0.6))


def test_one_hot():
    np.testing.assert_array_equal(one_hot(2, 3), [0.0, 0.0, 1.0])
    np.testing.assert_array_equal(one_hot([0, 2], 3), [[1, 0, 0], [0, 0, 1]])
    assert one_hot(np.array([[1, 0]]), 2).shape == (1, 2, 2)
    assert one_hot([0], 1).tolist() == [[1.0]]


def test_reductions_mean_sum_none():
    rng = np.random.default_rng(0)
    z = rng.normal(size=(5, 4))
    labels = np.array([0, 3, 1, 1, 2])
    per_sample = cross_entropy_with_logits(z, labels, reduction="none")
    assert per_sample.shape == (5,)
    expected = -log_softmax(z)[np.arange(5), labels]
    np.testing.assert_allclose(per_sample, expected)
    assert cross_entropy_with_logits(z, labels, reduction="sum") == pytest.approx(expected.sum())
    assert cross_entropy_with_logits(z, labels) == pytest.approx(expected.mean())
    S = softmax(z)
    for reduction in ("mean", "sum"):
        assert cross_entropy(S, labels, reduction) == pytest.approx(
            cross_entropy_with_logits(z, labels, reduction)
        )
    # The gradient scales the same way: "mean" is "sum" / N, "none" is "sum".
    g_sum = cross_entropy_grad(z, labels, reduction="sum")
    np.testing.assert_allclose(cross_entropy_grad(z, labels), g_sum / 5)
    np.testing.assert_allclose(cross_entropy_grad(z, labels, reduction="none"), g_sum)
    np.testing.assert_allclose(g_sum, S - one_hot(labels, 4))


def test_single_sample_gives_scalar_for_every_reduction():
    for reduction in ("mean", "sum", "none"):
        out = cross_entropy(S_SLIDE, Y_SLIDE, reduction)
        assert isinstance(out, float) and out == pytest.approx(0.5108256237659907)


def test_general_label_gradient_is_S_times_sum_y_minus_y():
    z = np.array([[0.5, -1.0, 2.0], [0.0, 0.0, 0.0]])
    y = np.array([[0.2, 0.3, 0.9], [0.0, 0.0, 0.5]])  # rows sum to 1.4 and 0.5, not 1
    S = softmax(z)
    expected = S * y.sum(axis=1, keepdims=True) - y
    np.testing.assert_allclose(cross_entropy_grad(z, y, reduction="sum"), expected)
    assert not np.allclose(expected, S - y)  # S - y would be wrong here
    numeric = numerical_gradient(lambda v: cross_entropy_with_logits(v, y, "sum"), z)
    assert relative_error(numeric, expected) < 1e-8


def test_soft_labels_that_sum_to_one_give_S_minus_y():
    z = np.array([1.0, 2.0, 0.5])
    y = np.array([0.1, 0.7, 0.2])
    np.testing.assert_allclose(cross_entropy_grad(z, y), softmax(z) - y, atol=1e-15)


def test_numerical_gradient_leaves_x_unchanged_and_handles_any_shape():
    x = np.arange(6.0).reshape(2, 3)
    before = x.copy()
    g = numerical_gradient(lambda v: np.sum(v**3), x)
    np.testing.assert_array_equal(x, before)
    np.testing.assert_allclose(g, 3 * x**2, rtol=1e-8, atol=1e-8)
    assert numerical_gradient(lambda v: float(v) ** 2, 3.0) == pytest.approx(6.0)


def test_numerical_gradient_calls_f_2n_times():
    calls = []
    numerical_gradient(lambda v: calls.append(1) or 0.0, np.zeros(5))
    assert len(calls) == 10


def test_relative_error():
    assert relative_error([0.0, 0.0], [0.0, 0.0]) == 0.0
    assert relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert relative_error([1.0], [-1.0]) == 1.0
    assert relative_error([1.0, 3.0], [1.0, 1.0]) == pytest.approx(2.0 / 4.0)


def test_relative_error_refuses_to_broadcast():
    with pytest.raises(ValueError, match="same shape"):
        relative_error(np.zeros(3), np.zeros((2, 3)))
