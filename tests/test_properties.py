"""Property tests (hypothesis): what must hold for every input, not just the slide's."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from course_utils.gradcheck import numerical_gradient, relative_error
from course_utils.losses import cross_entropy, cross_entropy_grad, cross_entropy_with_logits, one_hot
from course_utils.softmax import log_softmax, softmax, softmax_jacobian

settings.register_profile("course", max_examples=60, deadline=None, derandomize=True)
settings.load_profile("course")

K_ = st.integers(2, 8)
N_ = st.integers(1, 6)


def assert_matches_finite_differences(analytic, numeric, f_scale=1.0):
    """relative_error < 1e-7 (CS231n's "good"), unless the gradient itself is ~0.

    Central differences carry a rounding error of about machine-eps * |f| / eps
    (2.2e-16 * |f| / 1e-6, i.e. ~2e-10 * |f|), so where the true gradient is 0 or
    tiny the *relative* error of even a perfect analytic gradient is large. There
    we require the absolute difference to sit at that noise floor (1e-9 * |f|).
    """
    rel = relative_error(numeric, analytic)
    noise_floor = 1e-9 * max(1.0, abs(f_scale))
    abs_err = float(np.max(np.abs(numeric - analytic)))
    assert rel < 1e-7 or abs_err < noise_floor, f"relative error {rel:.2e}, absolute {abs_err:.2e}"


def logits(shape, bound=10.0):
    return arrays(np.float64, shape, elements=st.floats(-bound, bound, allow_nan=False))


@st.composite
def batch(draw, bound=10.0):
    N, K = draw(N_), draw(K_)
    return draw(logits((N, K), bound))


@st.composite
def batch_with_labels(draw):
    z = draw(batch())
    labels = draw(arrays(np.int64, z.shape[:1], elements=st.integers(0, z.shape[1] - 1)))
    return z, labels


@st.composite
def batch_with_soft_labels(draw):
    z = draw(batch())
    y = draw(arrays(np.float64, z.shape, elements=st.floats(0.0, 1.0)))
    return z, y


@given(batch(bound=1e4))
def test_softmax_rows_sum_to_one_and_are_finite(z):
    S = softmax(z)
    assert np.all(np.isfinite(S)) and np.all(S >= 0)
    np.testing.assert_allclose(S.sum(axis=1), 1.0, rtol=1e-12)
    assert np.all(np.isfinite(log_softmax(z)))


@given(batch(bound=100.0).map(lambda z: z.astype(np.float32)))
def test_float32_logits_up_to_100_stay_finite(z):
    S, log_S = softmax(z), log_softmax(z)
    assert S.dtype == np.float32 and log_S.dtype == np.float32
    assert np.all(np.isfinite(S)) and np.all(np.isfinite(log_S))
    np.testing.assert_allclose(S.sum(axis=1), 1.0, rtol=1e-5)


@given(batch(bound=1e4), st.floats(-1e4, 1e4))
def test_softmax_is_invariant_to_adding_a_constant(z, c):
    np.testing.assert_allclose(softmax(z + c), softmax(z), atol=1e-9)


@given(batch(bound=50.0))
def test_log_softmax_is_log_of_softmax(z):
    np.testing.assert_allclose(np.exp(log_softmax(z)), softmax(z), atol=1e-15, rtol=1e-12)


@given(batch())
def test_jacobian_symmetric_rows_sum_to_zero_and_matches_finite_differences(z):
    J = softmax_jacobian(z)
    assert J.shape == (z.shape[0], z.shape[1], z.shape[1])
    np.testing.assert_allclose(J, np.swapaxes(J, 1, 2), atol=1e-15)
    np.testing.assert_allclose(J.sum(axis=2), 0.0, atol=1e-15)
    for n in range(z.shape[0]):
        for i in range(z.shape[1]):
            numeric = numerical_gradient(lambda v, i=i: softmax(v)[i], z[n])
            assert_matches_finite_differences(J[n, i], numeric)


@given(batch_with_labels())
def test_gradient_matches_finite_differences_for_integer_labels(case):
    z, labels = case
    analytic = cross_entropy_grad(z, labels)
    numeric = numerical_gradient(lambda v: cross_entropy_with_logits(v, labels), z)
    assert_matches_finite_differences(analytic, numeric, cross_entropy_with_logits(z, labels))
    np.testing.assert_allclose(analytic, (softmax(z) - one_hot(labels, z.shape[1])) / z.shape[0])


@given(batch_with_soft_labels(), st.sampled_from(["mean", "sum"]))
def test_gradient_matches_finite_differences_for_any_labels(case, reduction):
    z, y = case
    analytic = cross_entropy_grad(z, y, reduction)
    numeric = numerical_gradient(lambda v: cross_entropy_with_logits(v, y, reduction), z)
    assert_matches_finite_differences(analytic, numeric, cross_entropy_with_logits(z, y, reduction))


@given(batch_with_labels())
def test_probability_and_logit_losses_agree(case):
    z, labels = case
    for reduction in ("mean", "sum"):
        np.testing.assert_allclose(
            cross_entropy(softmax(z), labels, reduction),
            cross_entropy_with_logits(z, labels, reduction),
            rtol=1e-9,
        )


@given(batch(bound=1e4), st.data())
def test_no_overflow_at_extreme_logits(z, data):
    labels = data.draw(arrays(np.int64, z.shape[:1], elements=st.integers(0, z.shape[1] - 1)))
    loss = cross_entropy_with_logits(z, labels)
    grad = cross_entropy_grad(z, labels)
    assert np.isfinite(loss) and loss >= 0
    assert np.all(np.isfinite(grad))
    np.testing.assert_allclose(grad.sum(axis=1), 0.0, atol=1e-12)  # rows of S - y sum to 0
