"""The MLP of notebook 04: its contract, every parameter's gradient against finite differences,
training against an independent plain-numpy implementation, the toy data, and bad input."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import cross_entropy_grad, numerical_gradient, relative_error
from course_utils.data import make_spirals
from course_utils.experiments import gradient_check
from course_utils.network import MLP, TrainingRun, train

# ---------------------------------------------------------------------------------------------
# An independent reference: the same network written out with plain numpy, no course_utils.
# ---------------------------------------------------------------------------------------------


def reference_loss_and_grads(params: dict, X: np.ndarray, labels: np.ndarray, relu: bool = False):
    """Mean cross-entropy and its gradients, every formula spelled out (softmax by hand, S - y by hand)."""
    L = len(params) // 2
    A = [X]
    for i in range(1, L):
        Z = A[-1] @ params[f"W{i}"] + params[f"b{i}"]
        A.append(np.maximum(Z, 0) if relu else np.tanh(Z))
    z = A[-1] @ params[f"W{L}"] + params[f"b{L}"]
    N, K = z.shape
    e = np.exp(z - z.max(axis=1, keepdims=True))
    S = e / e.sum(axis=1, keepdims=True)
    Y = np.eye(K)[labels]
    loss = -np.mean(np.sum(Y * np.log(S), axis=1))
    grads = {}
    dZ = (S - Y) / N
    for i in range(L, 0, -1):
        grads[f"W{i}"] = A[i - 1].T @ dZ
        grads[f"b{i}"] = dZ.sum(axis=0)
        if i > 1:
            dA = dZ @ params[f"W{i}"].T
            dZ = dA * ((A[i - 1] > 0) if relu else (1 - A[i - 1] ** 2))
    return loss, grads


@pytest.fixture(scope="module")
def data():
    return make_spirals(n_per_class=20, seed=1)


# ---------------------------------------------------------------------------------------------
# Contract
# ---------------------------------------------------------------------------------------------


def test_contract_keys_shapes_and_step(data):
    X, labels = data
    net = MLP([2, 16, 3], seed=0)
    assert sorted(net.params) == ["W1", "W2", "b1", "b2"]
    assert net.params["W1"].shape == (2, 16) and net.params["b1"].shape == (16,)
    assert net.params["W2"].shape == (16, 3) and net.params["b2"].shape == (3,)
    assert net.num_params == 2 * 16 + 16 + 16 * 3 + 3
    logits = net.forward(X)
    assert logits.shape == (len(X), 3)
    returned = net.backward(cross_entropy_grad(logits, labels))
    assert returned is net.grads
    assert set(net.grads) == set(net.params)
    for k in net.params:
        assert net.grads[k].shape == net.params[k].shape, k
    before = net.copy_params()
    net.step(0.5)
    for k in net.params:
        np.testing.assert_allclose(net.params[k], before[k] - 0.5 * net.grads[k], rtol=0, atol=1e-15)


def test_same_seed_same_network_and_different_seed_differs():
    a, b, c = MLP([2, 16, 3], seed=0), MLP([2, 16, 3], seed=0), MLP([2, 16, 3], seed=1)
    for k in a.params:
        np.testing.assert_array_equal(a.params[k], b.params[k])
    assert not np.allclose(a.params["W1"], c.params["W1"])


def test_forward_matches_the_independent_reference(data):
    X, labels = data
    net = MLP([2, 8, 5, 3], seed=3)
    ref_loss, ref_grads = reference_loss_and_grads(net.params, X, labels)
    loss, grads = net.loss_and_grads(X, labels)
    assert abs(loss - ref_loss) < 1e-12
    for k in grads:
        np.testing.assert_allclose(grads[k], ref_grads[k], rtol=1e-10, atol=1e-14, err_msg=k)


# ---------------------------------------------------------------------------------------------
# Every parameter's gradient against central differences
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sizes", "activation"),
    [([2, 16, 3], "tanh"), ([2, 6, 5, 4], "tanh"), ([3, 4], "tanh"), ([2, 7, 3], "relu")],
)
def test_every_parameter_gradient_matches_finite_differences(data, sizes, activation):
    X, labels = data
    K = sizes[-1]
    X = np.column_stack([X] + [X[:, :1] * X[:, 1:]] * (sizes[0] - 2))  # sizes[0] input features
    labels = labels % K
    net = MLP(sizes, seed=2, activation=activation)
    for k, err in gradient_check(net, X, labels).items():  # backprop against central differences
        assert err < 1e-6, f"{sizes} {activation}: d Loss/d {k} relative error {err:.2e}"


def test_backward_is_the_vector_jacobian_product_for_any_upstream_gradient(data):
    """backward(G) must give d/dp of sum(G * logits) for ANY G, not only for S - y."""
    X, _ = data
    net = MLP([2, 5, 3], seed=4)
    G = np.random.default_rng(0).standard_normal((len(X), 3))
    net.forward(X)
    net.backward(G)
    for k, p in net.params.items():

        def f(value, k=k):
            saved = net.params[k].copy()
            net.params[k][...] = value
            try:
                return float(np.sum(G * net.forward(X)))
            finally:
                net.params[k][...] = saved

        assert relative_error(net.grads[k], numerical_gradient(f, p)) < 1e-7, k


# ---------------------------------------------------------------------------------------------
# What forward caches
# ---------------------------------------------------------------------------------------------


def test_cache_holds_only_the_layer_inputs(data):
    X, _ = data
    net = MLP([2, 16, 8, 3], seed=0)
    net.forward(X)
    N = len(X)
    assert net.cache_sizes() == {"A0": N * 2, "A1": N * 16, "A2": N * 8}
    np.testing.assert_array_equal(net.cache[0], X)
    np.testing.assert_allclose(net.cache[1], np.tanh(X @ net.params["W1"] + net.params["b1"]))


@pytest.mark.parametrize("width", [16, 256])
def test_cache_grows_with_the_sum_of_widths_and_params_with_their_products(data, width):
    """Notebook 04's memory slide: backprop keeps N x (sum of widths); P is about the products."""
    X, _ = data
    N = len(X)
    net = MLP([2, width, 3], seed=0)
    net.forward(X)
    assert sum(net.cache_sizes().values()) == N * (2 + width)
    assert net.num_params == 2 * width + width + width * 3 + 3
    deeper = MLP([2, width, width, 3], seed=0)
    deeper.forward(X)
    assert sum(deeper.cache_sizes().values()) - sum(net.cache_sizes().values()) == N * width
    assert deeper.num_params - net.num_params == width * width + width


class StepMLP(MLP):
    def phi(self, Z):
        return (Z > 0).astype(float)

    def dphi_from_output(self, A):
        return np.zeros_like(A)


def test_a_zero_derivative_activation_gives_zero_gradients_before_it(data):
    """Notebook 04's counterexample: a step activation (derivative 0) blocks the backward pass."""
    X, labels = data
    net = StepMLP([2, 16, 3], seed=0)
    W1 = net.params["W1"].copy()
    run = train(net, X, labels, lr=2.0, steps=50)
    assert np.all(run.grad_norms[:, :2] == 0), "W1 and b1 never get a gradient"
    assert np.any(run.grad_norms[:, 2:] > 0), "the output layer still does"
    np.testing.assert_array_equal(net.params["W1"], W1)


# ---------------------------------------------------------------------------------------------
# Training, and the toy data
# ---------------------------------------------------------------------------------------------


def test_train_records_the_four_steps_like_the_reference():
    X, labels = make_spirals()
    net = MLP([2, 16, 3], seed=0)
    run = train(net, X, labels, lr=2.0, steps=60, snapshot_every=20)
    assert isinstance(run, TrainingRun)
    assert len(run.history) == 61 and run.grad_norms.shape == (61, 4) and run.accuracy.shape == (61,)
    assert run.snapshot_steps == [0, 20, 40, 60]
    params = MLP([2, 16, 3], seed=0).copy_params()
    for t in range(61):
        loss, grads = reference_loss_and_grads(params, X, labels)
        assert abs(run.history[t] - loss) < 1e-10, t
        np.testing.assert_allclose(run.grad_norms[t], [np.linalg.norm(grads[k]) for k in run.param_names])
        if t in run.snapshot_steps:
            snap = run.snapshots[run.snapshot_steps.index(t)]
            for k in params:
                np.testing.assert_allclose(snap[k], params[k], rtol=0, atol=1e-12)
        params = {k: params[k] - 2.0 * grads[k] for k in params}
    for k in params:  # the net ends at its trained parameters (after 60 updates)
        np.testing.assert_allclose(net.params[k], run.snapshots[-1][k])


def test_default_training_reaches_95_percent_and_a_linear_model_cannot():
    X, labels = make_spirals()
    net = MLP([2, 16, 3], seed=0)
    run = train(net, X, labels, lr=2.0, steps=800)
    assert net.accuracy(X, labels) >= 0.95, net.accuracy(X, labels)
    assert run.history[-1] < 0.2 * run.history[0]
    linear = MLP([2, 3], seed=0)
    train(linear, X, labels, lr=2.0, steps=800)
    assert linear.accuracy(X, labels) < 0.7, "the spirals must not be linearly separable"


def test_spirals_are_seeded_shaped_and_bounded():
    X, labels = make_spirals(n_per_class=30, K=4, seed=5)
    assert X.shape == (120, 2) and labels.shape == (120,)
    np.testing.assert_array_equal(np.bincount(labels), [30] * 4)
    assert np.all(np.abs(X) <= 1.0 + 1e-12)
    X2, labels2 = make_spirals(n_per_class=30, K=4, seed=5)
    np.testing.assert_array_equal(X, X2)
    assert not np.array_equal(X, make_spirals(n_per_class=30, K=4, seed=6)[0])


# ---------------------------------------------------------------------------------------------
# Bad input names the argument
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"sizes": [2]}, ValueError, "sizes"),
        ({"sizes": "2,3"}, TypeError, "sizes"),
        ({"sizes": [2, 0, 3]}, ValueError, r"sizes\[1\]"),
        ({"sizes": [2, 3.5, 3]}, TypeError, r"sizes\[1\]"),
        ({"sizes": [2, 16, 1]}, ValueError, r"sizes\[-1\]"),
        ({"sizes": [2, 3], "seed": 1.5}, TypeError, "seed"),
        ({"sizes": [2, 3], "seed": None}, TypeError, "seed"),
        ({"sizes": [2, 3], "seed": -1}, ValueError, "seed must be >= 0"),
        ({"sizes": [2, 3], "activation": "sigmoid"}, ValueError, "activation"),
    ],
)
def test_bad_constructor_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        MLP(**kwargs)


def test_bad_forward_backward_step_arguments(data):
    X, labels = data
    net = MLP([2, 4, 3])
    with pytest.raises(RuntimeError, match="forward"):
        net.backward(np.zeros((len(X), 3)))
    with pytest.raises(ValueError, match="X must have shape"):
        net.forward(np.zeros((5, 3)))
    with pytest.raises(ValueError, match="X"):
        net.forward(np.zeros(5))
    with pytest.raises(ValueError, match="X contains NaN"):
        net.forward(np.full((2, 2), np.nan))
    with pytest.raises(TypeError, match="X"):
        net.forward("data")
    net.forward(X)
    with pytest.raises(ValueError, match="dz must have the logits' shape"):
        net.backward(np.zeros((len(X) + 1, 3)))
    with pytest.raises(ValueError, match="dz"):
        net.backward(np.full((len(X), 3), np.inf))
    for lr, error in [
        (-0.1, ValueError),
        (0, ValueError),
        (np.nan, ValueError),
        ("0.1", TypeError),
        (True, TypeError),
    ]:
        with pytest.raises(error, match="lr"):
            net.step(lr)
    with pytest.raises(ValueError, match="labels"):
        net.accuracy(X, labels[:-1])
    with pytest.raises(ValueError, match="labels"):
        train(net, X, labels[:-1], lr=0.1, steps=1)
    with pytest.raises(ValueError, match="steps"):
        train(net, X, labels, lr=0.1, steps=-1)
    with pytest.raises(TypeError, match="steps must be an integer"):
        train(net, X, labels, lr=0.1, steps=2.5)
    with pytest.raises(TypeError, match="snapshot_every must be an integer"):
        train(net, X, labels, lr=0.1, steps=2, snapshot_every=1.0)
    with pytest.raises(ValueError, match="snapshot_every must be >= 1"):
        train(net, X, labels, lr=0.1, steps=2, snapshot_every=0)
    with pytest.raises(TypeError, match="net"):
        train("net", X, labels, lr=0.1, steps=1)
    with pytest.raises(ValueError, match="params"):
        net.set_params({"W1": np.zeros((2, 4))})


@pytest.mark.parametrize(
    ("argument", "value", "error"),
    [
        ("n_per_class", 1, ValueError),
        ("n_per_class", 2.5, TypeError),
        ("K", 1, ValueError),
        ("noise", -1.0, ValueError),
        ("turns", "many", TypeError),
        ("seed", "0", TypeError),
        ("seed", -1, ValueError),
    ],
)
def test_bad_spiral_arguments(argument, value, error):
    with pytest.raises(error, match=argument):  # the message names the argument
        make_spirals(**{argument: value})
