"""A tiny multi-layer perceptron in numpy, written to be read beside the lecture's four steps.

Row-vector convention, as in every (N, K) batch in this package: a layer maps A (N, n_in) to
Z = A W + b with W of shape (n_in, n_out) and b of shape (n_out,).

    A_0 = X                                   (N, sizes[0])
    A_l = tanh(A_{l-1} W_l + b_l)             hidden layers, l = 1 .. L-1
    z   = A_{L-1} W_L + b_L                   logits (N, K), K = sizes[-1]
    S   = softmax(z),  Loss = mean_n cross_entropy(S_n, y_n)

The backward pass starts where notebook 03 ended: dLoss/dz = (S - y) / N comes from
:func:`course_utils.cross_entropy_grad` (the caller passes it to :meth:`MLP.backward`); this
module never forms S - y itself. From there, layer by layer, l = L .. 1:

    dW_l     = A_{l-1}^T dZ_l                 (n_in, n_out), summed over the batch
    db_l     = sum_n dZ_l[n]                  (n_out,)
    dA_{l-1} = dZ_l W_l^T                     (N, n_in)
    dZ_{l-1} = dA_{l-1} * (1 - A_{l-1}^2)     tanh'(a) = 1 - tanh(a)^2, from the cached output

Why tanh and not ReLU for the hidden layers: tanh is smooth, so the finite-difference gradient
check agrees with backprop to ~1e-9 everywhere (ReLU's kink at 0 lets a central difference
straddle it and disagree), and tanh' is a function of tanh's own output, so the forward pass
only has to keep the activations A_0 .. A_{L-1}. Its output is bounded, which also keeps the
explorer's too-large learning rates finite. ``activation="relu"`` is there to compare.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ._checks import as_float_array, check_label_range, integer_labels, positive_number
from .losses import cross_entropy_grad, cross_entropy_with_logits
from .softmax import softmax

ACTIVATIONS = ("tanh", "relu")


def _check_seed(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be an integer, got {type(seed).__name__} {seed!r}")
    return int(seed)


class MLP:
    """Dense layers with tanh between them and logits out; the loss is softmax + cross-entropy.

    ``MLP([2, 16, 3], seed=0)``: 2 inputs, one hidden layer of 16 units, K = 3 logits.
    ``params`` maps "W1", "b1", "W2", "b2", ... to float64 arrays; ``grads`` has the same keys
    and shapes once :meth:`backward` has run. Weights start as N(0, 1/n_in) (Xavier/LeCun
    scale, so tanh starts in its linear range), biases at 0; the same seed gives the same net.
    """

    def __init__(self, sizes: Sequence[int], seed: int = 0, activation: str = "tanh") -> None:
        if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence):
            raise TypeError(f"sizes must be a list of layer sizes like [2, 16, 3], got {sizes!r}")
        if len(sizes) < 2:
            raise ValueError(f"sizes needs at least an input and an output size, got {list(sizes)}")
        for i, n in enumerate(sizes):
            if isinstance(n, bool) or not isinstance(n, numbers.Integral):
                raise TypeError(f"sizes[{i}] must be an integer, got {type(n).__name__} {n!r}")
            if n < 1:
                raise ValueError(f"sizes[{i}] must be >= 1, got {n}")
        if sizes[-1] < 2:
            raise ValueError(f"sizes[-1] is the number of classes K and must be >= 2, got {sizes[-1]}")
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {ACTIVATIONS}, got {activation!r}")
        self.sizes = [int(n) for n in sizes]
        self.seed = _check_seed(seed)
        self.activation = activation
        rng = np.random.default_rng(self.seed)
        self.params: dict[str, np.ndarray] = {}
        for layer, (n_in, n_out) in enumerate(zip(self.sizes[:-1], self.sizes[1:], strict=False), start=1):
            self.params[f"W{layer}"] = rng.standard_normal((n_in, n_out)) / np.sqrt(n_in)
            self.params[f"b{layer}"] = np.zeros(n_out)
        self.grads: dict[str, np.ndarray] = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.cache: list[np.ndarray] = []  # A_0 .. A_{L-1}, filled by forward()

    @property
    def num_layers(self) -> int:
        """L, the number of dense layers (weight matrices)."""
        return len(self.sizes) - 1

    @property
    def num_params(self) -> int:
        """P, the total number of scalars in ``params``."""
        return int(sum(p.size for p in self.params.values()))

    def _phi(self, Z: np.ndarray) -> np.ndarray:
        return np.tanh(Z) if self.activation == "tanh" else np.maximum(Z, 0.0)

    def _dphi_from_output(self, A: np.ndarray) -> np.ndarray:
        """phi'(Z) written with the layer's output A = phi(Z): 1 - A^2 for tanh, [A > 0] for ReLU."""
        return 1.0 - A * A if self.activation == "tanh" else (A > 0).astype(A.dtype)

    def forward(self, X) -> np.ndarray:
        """Step 1, the forward pass: X (N, sizes[0]) -> logits z (N, K).

        Keeps A_0 = X and every hidden activation A_l in ``self.cache``: exactly what
        :meth:`backward` needs and nothing else (see :meth:`cache_sizes`).
        """
        return self._forward(self._check_X(X))

    def _check_X(self, X) -> np.ndarray:
        X = as_float_array(X, "X", min_ndim=2, max_ndim=2).astype(np.float64, copy=False)
        if X.shape[1] != self.sizes[0]:
            raise ValueError(f"X must have shape (N, {self.sizes[0]}) for this network, got {X.shape}")
        return X

    def _forward(self, X: np.ndarray) -> np.ndarray:
        """The forward pass itself, for an X already checked (float64, (N, sizes[0]), finite)."""
        A = X
        self.cache = [A]
        for i in range(1, self.num_layers):
            A = self._phi(A @ self.params[f"W{i}"] + self.params[f"b{i}"])
            self.cache.append(A)
        L = self.num_layers
        return A @ self.params[f"W{L}"] + self.params[f"b{L}"]

    def backward(self, dlogits) -> dict[str, np.ndarray]:
        """Step 3, the backward pass: from dLoss/dz (N, K) fill ``self.grads`` and return it.

        Pass ``cross_entropy_grad(logits, labels)`` (the mean loss's (S - y) / N) as ``dlogits``;
        uses the activations cached by the last :meth:`forward`.
        """
        if not self.cache:
            raise RuntimeError(
                "call forward(X) before backward(dlogits): backward needs the activations forward caches"
            )
        N = self.cache[0].shape[0]
        K = self.sizes[-1]
        dZ = as_float_array(dlogits, "dlogits", min_ndim=2, max_ndim=2).astype(np.float64, copy=False)
        if dZ.shape != (N, K):
            raise ValueError(
                f"dlogits must have the logits' shape (N, K) = {(N, K)} from the last forward, got {dZ.shape}"
            )
        return self._backward(dZ)

    def _backward(self, dZ: np.ndarray) -> dict[str, np.ndarray]:
        """The backward pass itself, for a dZ = dLoss/dz already checked against the cache."""
        for i in range(self.num_layers, 0, -1):
            A_prev = self.cache[i - 1]
            self.grads[f"W{i}"] = A_prev.T @ dZ
            self.grads[f"b{i}"] = dZ.sum(axis=0)
            if i > 1:
                dA_prev = dZ @ self.params[f"W{i}"].T
                dZ = dA_prev * self._dphi_from_output(A_prev)
        return self.grads

    def step(self, lr: float) -> None:
        """Step 4, the weight update of gradient descent: p <- p - lr * dLoss/dp for every parameter."""
        lr = positive_number(lr, "lr")
        for k, p in self.params.items():
            p -= lr * self.grads[k]

    def cache_sizes(self) -> dict[str, int]:
        """How many floats the last forward pass stored for the backward pass, per cached array.

        {"A0": N * sizes[0], "A1": N * sizes[1], ...}: the inputs of each dense layer (which
        are the hidden layers' outputs). Nothing per parameter, no Jacobian matrices.
        """
        return {f"A{i}": int(A.size) for i, A in enumerate(self.cache)}

    # Conveniences used by the notebooks and the explorers ------------------------------------

    def loss(self, X, labels) -> float:
        """Steps 1 and 2: mean cross-entropy of the logits on (X, labels)."""
        return cross_entropy_with_logits(self.forward(X), labels)

    def loss_and_grads(self, X, labels) -> tuple[float, dict[str, np.ndarray]]:
        """Steps 1-3 in one call: the loss, and ``grads`` filled for it."""
        logits = self.forward(X)
        loss = cross_entropy_with_logits(logits, labels)
        self.backward(cross_entropy_grad(logits, labels))
        return loss, self.grads

    def predict_proba(self, X) -> np.ndarray:
        """S = softmax(forward(X)), shape (N, K)."""
        return softmax(self.forward(X))

    def predict(self, X) -> np.ndarray:
        """The most probable class per sample, shape (N,)."""
        return np.argmax(self.forward(X), axis=1)

    def accuracy(self, X, labels) -> float:
        """Fraction of samples whose predicted class is the label (integer class labels)."""
        labels = integer_labels(labels, "labels")
        check_label_range(labels, self.sizes[-1], "labels")
        pred = self.predict(X)
        if labels.shape != pred.shape:
            raise ValueError(
                f"labels must have shape {pred.shape} (one class per row of X), got {labels.shape}"
            )
        return float(np.mean(pred == labels))

    def copy_params(self) -> dict[str, np.ndarray]:
        """A snapshot of ``params`` (copies, safe to keep while training goes on)."""
        return {k: v.copy() for k, v in self.params.items()}

    def set_params(self, params: dict[str, np.ndarray]) -> None:
        """Load a snapshot made by :meth:`copy_params` (same keys and shapes)."""
        if not isinstance(params, dict) or set(params) != set(self.params):
            raise ValueError(f"params must be a dict with keys {sorted(self.params)}")
        for k, v in params.items():
            if np.shape(v) != self.params[k].shape:
                raise ValueError(f"params[{k!r}] must have shape {self.params[k].shape}, got {np.shape(v)}")
            self.params[k][...] = v

    def __repr__(self) -> str:
        return f"MLP({self.sizes}, seed={self.seed}, activation={self.activation!r})"


@dataclass
class TrainingRun:
    """What :func:`train` recorded; every per-step array is indexed by step t = 0 .. steps.

    ``history[t]``: the mean loss at the parameters of step t (before update t).
    ``grad_norms[t, j]``: ||dLoss/dp|| for parameter ``param_names[j]`` at step t.
    ``accuracy[t]``: training accuracy at step t.  ``snapshots``: params at steps
    0, snapshot_every, 2 * snapshot_every, ... and always the last step (``snapshot_steps``).
    """

    history: list[float]
    grad_norms: np.ndarray
    accuracy: np.ndarray
    snapshots: list[dict[str, np.ndarray]]
    snapshot_steps: list[int]
    param_names: list[str]


def train(net: MLP, X, labels, lr: float, steps: int, snapshot_every: int = 1) -> TrainingRun:
    """Full-batch gradient descent by the lecture's four steps, ``steps`` updates.

    Each step t: 1. forward pass, 2. loss computation, 3. backward pass (from
    ``cross_entropy_grad``), 4. weight update p <- p - lr * dLoss/dp. The loss and gradients of the
    final parameters are recorded too (len(history) = steps + 1). The net ends at its trained
    parameters. ``labels``: integer class labels (N,).
    """
    if not isinstance(net, MLP):
        raise TypeError(f"net must be an MLP, got {type(net).__name__}")
    lr = positive_number(lr, "lr")
    if isinstance(steps, bool) or not isinstance(steps, numbers.Integral) or steps < 0:
        raise ValueError(f"steps must be an integer >= 0, got {steps!r}")
    if (
        isinstance(snapshot_every, bool)
        or not isinstance(snapshot_every, numbers.Integral)
        or snapshot_every < 1
    ):
        raise ValueError(f"snapshot_every must be an integer >= 1, got {snapshot_every!r}")
    X = net._check_X(X)
    labels = integer_labels(labels, "labels")
    check_label_range(labels, net.sizes[-1], "labels")
    if labels.shape != (X.shape[0],):
        raise ValueError(
            f"labels must have shape ({X.shape[0]},), one class per row of X, got {labels.shape}"
        )
    names = list(net.params)
    run = TrainingRun([], np.zeros((steps + 1, len(names))), np.zeros(steps + 1), [], [], names)
    for t in range(steps + 1):
        if t % snapshot_every == 0 or t == steps:
            run.snapshots.append(net.copy_params())
            run.snapshot_steps.append(t)
        logits = net._forward(X)  # 1. forward pass (X checked once, above)
        run.history.append(cross_entropy_with_logits(logits, labels))  # 2. loss computation
        run.accuracy[t] = np.mean(np.argmax(logits, axis=1) == labels)
        net._backward(cross_entropy_grad(logits, labels))  # 3. backward pass
        run.grad_norms[t] = [np.linalg.norm(net.grads[k]) for k in names]
        if t < steps:
            net.step(lr)  # 4. weight update
    return run
