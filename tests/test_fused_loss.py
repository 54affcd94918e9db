"""The fused loss and gradient gives what the two readable definitions give, for every input."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from course_utils import (
    cross_entropy_grad,
    cross_entropy_with_logits,
    cross_entropy_with_logits_and_grad,
    one_hot,
)

settings.register_profile("course", max_examples=60, deadline=None, derandomize=True)
settings.load_profile("course")

REDUCTIONS = ["mean", "sum", "none"]
DTYPES = [np.float64, np.float32]
TOL = {np.float64: {"rtol": 1e-12, "atol": 1e-15}, np.float32: {"rtol": 2e-5, "atol": 1e-6}}


@st.composite
def logits_and_labels(draw):
    """z of shape (K,) or (N, K), float64 or float32, with integer, one-hot or soft labels."""
    K = draw(st.integers(2, 8))
    shape = draw(st.sampled_from([(K,), (draw(st.integers(1, 6)), K)]))
    dtype = draw(st.sampled_from(DTYPES))
    bound = 50.0 if dtype == np.float32 else 1e3
    z = draw(arrays(dtype, shape, elements=st.floats(-bound, bound, allow_nan=False, width=32)))
    kind = draw(st.sampled_from(["integer", "one-hot", "soft"]))
    labels = draw(arrays(np.int64, shape[:-1], elements=st.integers(0, K - 1)))
    if kind == "integer":
        y = labels if labels.ndim else int(labels)
    elif kind == "one-hot":
        y = one_hot(labels, K)
    else:  # soft labels, rows not necessarily summing to 1: the general S * sum(y) - y
        y = draw(arrays(np.float64, shape, elements=st.floats(0.0, 1.0)))
    return z, y


@given(logits_and_labels(), st.sampled_from(REDUCTIONS))
def test_fused_equals_the_separate_definitions(case, reduction):
    z, y = case
    loss, grad = cross_entropy_with_logits_and_grad(z, y, reduction)
    expected_loss = cross_entropy_with_logits(z, y, reduction)
    expected_grad = cross_entropy_grad(z, y, reduction)
    assert type(loss) is type(expected_loss)
    np.testing.assert_allclose(loss, expected_loss, **TOL[z.dtype.type])
    assert grad.shape == expected_grad.shape == z.shape
    assert grad.dtype == expected_grad.dtype == z.dtype
    np.testing.assert_allclose(grad, expected_grad, **TOL[z.dtype.type])


def test_lecture_example():
    """z = log [0.1, 0.3, 0.6], true class 3: Loss = -log 0.6 and dLoss/dz = S - y."""
    S = np.array([0.1, 0.3, 0.6])
    loss, grad = cross_entropy_with_logits_and_grad(np.log(S), 2)
    assert loss == pytest.approx(-np.log(0.6), rel=1e-12)
    np.testing.assert_allclose(grad, S - [0, 0, 1], atol=1e-15)


def test_input_is_not_modified():
    z = np.array([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]])
    before = z.copy()
    cross_entropy_with_logits_and_grad(z, [0, 2])
    np.testing.assert_array_equal(z, before)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("where", [(0, 0), (3, 2), (6, 3)])
def test_nan_and_inf_anywhere_are_refused(bad, where):
    z = np.zeros((7, 4))
    z[where] = bad
    with pytest.raises(ValueError, match="z contains NaN or inf"):
        cross_entropy_with_logits_and_grad(z, np.zeros(7, dtype=int))
    with pytest.raises(ValueError, match="z contains NaN or inf"):
        cross_entropy_with_logits_and_grad(z, np.full((7, 4), 0.25))


@pytest.mark.parametrize(
    "z, y, error, message",
    [
        (np.zeros((2, 3)), [0, 3], ValueError, "y must be < the number of classes K=3"),
        (np.zeros((2, 3)), np.zeros((2, 4)), ValueError, "y has 4 classes per row"),
        (np.zeros((2, 3)), [[0, 0, 1], [0, -1, 2]], ValueError, "y has negative entries"),
        (np.zeros((2, 3)), [True, False], TypeError, "y must be integer class labels"),
        (None, 0, TypeError, "z must be an array of numbers"),
        (np.zeros((2, 2, 3)), np.zeros((2, 2), dtype=int), ValueError, "z must have at most 2 dimensions"),
        (np.zeros((0, 3)), np.zeros(0, dtype=int), ValueError, "z must not be empty"),
    ],
)
def test_bad_input_names_the_argument(z, y, error, message):
    with pytest.raises(error, match=message):
        cross_entropy_with_logits_and_grad(z, y)


def test_unknown_reduction():
    with pytest.raises(ValueError, match="reduction must be one of"):
        cross_entropy_with_logits_and_grad([0.0, 1.0], 1, reduction="avg")
