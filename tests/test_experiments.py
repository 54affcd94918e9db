"""The measurements behind notebook 04: each one against an independent computation."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import cross_entropy_grad, cross_entropy_with_logits
from course_utils.data import make_spirals
from course_utils.experiments import (
    backprop_gradient,
    best_seconds,
    finite_difference_gradient,
    gradient_check,
    gradient_timings,
    loss_without_cache,
    memory_peaks,
    peak_bytes,
    spiral_runs,
)
from course_utils.network import MLP


@pytest.fixture
def data():
    return make_spirals(n_per_class=5, K=3, seed=0)


def test_backprop_gradient_is_the_networks_backward_from_s_minus_y(data):
    X, labels = data
    net = MLP([2, 6, 3], seed=1)
    grads = {k: g.copy() for k, g in backprop_gradient(net, X, labels).items()}
    expected = net.backward(cross_entropy_grad(net.forward(X), labels))
    for k in net.params:
        np.testing.assert_array_equal(grads[k], expected[k], err_msg=k)


def test_gradient_check_is_small_for_backprop_and_large_for_a_wrong_gradient(data):
    X, labels = data
    net = MLP([2, 6, 3], seed=1)
    errors = gradient_check(net, X, labels)
    assert set(errors) == {"W1", "b1", "W2", "b2"} and max(errors.values()) < 1e-7, errors

    class WrongTanh(MLP):  # the backward pass forgets tanh's derivative
        def dphi_from_output(self, A):
            return np.ones_like(A)

    wrong = gradient_check(WrongTanh([2, 6, 3], seed=1), X, labels)
    assert wrong["W1"] > 1e-2 and wrong["W2"] < 1e-7, wrong  # only the layers before tanh are wrong


def test_gradient_check_leaves_the_parameters_as_they_were(data):
    X, labels = data
    net = MLP([2, 4, 3], seed=0)
    before = net.copy_params()
    gradient_check(net, X, labels)
    for k, v in before.items():
        np.testing.assert_array_equal(net.params[k], v, err_msg=k)


def test_loss_without_cache_is_the_loss_and_keeps_nothing(data):
    X, labels = data
    net = MLP([2, 4, 4, 3], seed=0)
    net.cache = []
    loss = loss_without_cache(net, X, labels)
    assert net.cache == [], "nothing cached"
    assert loss == pytest.approx(cross_entropy_with_logits(net.forward(X), labels), rel=1e-14)
    with pytest.raises(ValueError, match="net must have tanh"):
        loss_without_cache(MLP([2, 4, 3], activation="relu"), X, labels)


def test_finite_difference_gradient_agrees_with_backprop_and_first_stops_early(data):
    X, labels = data
    net = MLP([2, 4, 3], seed=0)
    numeric = finite_difference_gradient(net, X, labels)
    exact = backprop_gradient(net, X, labels)
    for k in net.params:
        np.testing.assert_allclose(numeric[k], exact[k], rtol=1e-6, atol=1e-9, err_msg=k)
    partial = finite_difference_gradient(net, X, labels, first=2)
    assert np.count_nonzero(partial["W1"].ravel()[2:]) == 0
    np.testing.assert_array_equal(partial["W1"].ravel()[:2], numeric["W1"].ravel()[:2])


def test_best_seconds_is_the_fastest_run():
    calls = []
    assert best_seconds(lambda: calls.append(1), repeat=4) >= 0 and len(calls) == 4
    slow_then_fast = iter([0.05, 0.0, 0.0])

    def f():
        import time

        time.sleep(next(slow_then_fast))

    assert best_seconds(f, repeat=3) < 0.04, "the slow first run does not count"


def test_peak_bytes_sees_a_big_temporary():
    assert peak_bytes(lambda: np.ones(1_000_000)) >= 8_000_000
    assert peak_bytes(lambda: None) < 100_000


@pytest.mark.slow  # trains eight networks (about 1.2 s)
def test_default_explorer_setting_learns_the_spirals_for_every_seed_it_promises():
    """lr 2.0, 800 steps: at least 95 % for seeds 0-7 (what BackpropExplorer's docstring says)."""
    runs = spiral_runs(2.0, seeds=range(8))
    assert all(r.accuracy[-1] >= 0.95 for r in runs), [r.accuracy[-1] for r in runs]
    assert [len(r.snapshots) for r in runs] == [2] * 8, "first and last parameters only"


def test_gradient_timings_measure_both_ways_for_every_width(data):
    X, labels = data
    P, t_backprop, t_numerical = gradient_timings([2, 8], X, labels, repeat=2)
    assert P == [MLP([2, 2, 3]).num_params, MLP([2, 8, 3]).num_params]
    assert all(t > 0 for t in t_backprop + t_numerical)
    assert t_numerical[1] > t_backprop[1], "2P + 1 forward passes cost more than one forward and backward"


def test_memory_peaks_grow_with_the_cache_for_backprop_only():
    X, labels = make_spirals(n_per_class=400, K=3, seed=0)
    peaks = memory_peaks(X, labels, hidden_layers=(1, 4))
    (bp1, fd1, c1), (bp4, fd4, c4) = peaks[1], peaks[4]
    assert (c1, c4) == (8 * 1200 * (2 + 8), 8 * 1200 * (2 + 4 * 8)), "cache = 8 bytes x N x sum of widths"
    assert bp4 - bp1 > 0.8 * (c4 - c1) and fd4 - fd1 < 0.5 * (c4 - c1)


def test_a_few_finite_difference_passes_reach_the_peak_of_all_2p():
    """Why memory_peaks may stop after 8 coordinates: every pass allocates the same temporaries."""
    X, labels = make_spirals(n_per_class=400, K=3, seed=0)
    few = peak_bytes(lambda: finite_difference_gradient(MLP([2, 8, 3], seed=0), X, labels, first=8))
    every = peak_bytes(lambda: finite_difference_gradient(MLP([2, 8, 3], seed=0), X, labels))
    assert abs(every - few) < 0.1 * every, (few, every)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: gradient_check("net", None, None), TypeError, "net must be an MLP"),
        (lambda: best_seconds(1, repeat=2), TypeError, "f must be a callable"),
        (lambda: best_seconds(lambda: None, repeat=0), ValueError, "repeat"),
        (lambda: peak_bytes(None), TypeError, "f must be a callable"),
        (lambda: spiral_runs(0.0), ValueError, "lr"),
        (lambda: spiral_runs(1.0, seeds=[]), ValueError, "seeds"),
        (lambda: spiral_runs(1.0, steps=0), ValueError, "steps"),
        (
            lambda: finite_difference_gradient(MLP([2, 3]), np.zeros((1, 2)), [0], first=0),
            ValueError,
            "first",
        ),
    ],
)
def test_bad_arguments_are_named(call, error, match):
    with pytest.raises(error, match=match):
        call()
