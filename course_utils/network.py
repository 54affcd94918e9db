"""A tiny multi-layer perceptron in numpy, written to be read beside the lecture's four steps.

Row-vector convention, as in every (N, K) batch in this package: a layer maps A (N, D) to
Z = A W + b with W of shape (D, M) and b of shape (M,).

    A_0 = X                                   (N, sizes[0])
    A_l = tanh(A_{l-1} W_l + b_l)             hidden layers, l = 1 .. L-1
    z   = A_{L-1} W_L + b_L                   logits (N, K), K = sizes[-1]
    S   = softmax(z),  Loss = mean_n cross_entropy(S_n, y_n)

The backward pass starts where notebook 03 ended: dLoss/dz = (S - y) / N comes from
:func:`course_utils.cross_entropy_grad`, or with the loss from one softmax from
:func:`course_utils.cross_entropy_with_logits_and_grad` (what :func:`train` uses); the caller
passes it to :meth:`MLP.backward`, and this module never forms S - y itself. From there,
layer by layer, l = L .. 1:

    dW_l     = A_{l-1}^T dZ_l                 (D, M), summed over the batch
    db_l     = sum_n dZ_l[n]                  (M,)
    dA_{l-1} = dZ_l W_l^T                     (N, D)
    dZ_{l-1} = dA_{l-1} * (1 - A_{l-1}^2)     tanh'(a) = 1 - tanh(a)^2, from the cached output
    dX       = dA_0                           (N, sizes[0]): the input's gradient, one step further

Why tanh and not ReLU for the hidden layers: tanh is smooth, so the finite-difference gradient
check agrees with backprop to ~1e-9 everywhere (ReLU's kink at 0 lets a central difference
straddle it and disagree), and tanh' is a function of tanh's own output, so the forward pass
only has to keep the activations A_0 .. A_{L-1}. Its output is bounded, which also keeps the
explorer's too-large learning rates finite. ``activation="relu"`` is there to compare.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ._checks import (
    as_float_array,
    choice,
    class_labels,
    integer,
    layer_sizes,
    positive_int,
    positive_number,
)
from ._checks import seed as check_seed
from .losses import cross_entropy_grad, cross_entropy_with_logits, cross_entropy_with_logits_and_grad
from .softmax import softmax

ACTIVATIONS = ("tanh", "relu")


class MLP:
    """Dense layers with tanh between them and logits out; the loss is softmax + cross-entropy.

    ``MLP([2, 16, 3], seed=0)``: 2 inputs, one hidden layer of 16 units, K = 3 logits.
    ``params`` maps "W1", "b1", "W2", "b2", ... to float64 arrays; ``grads`` has the same keys
    and shapes once :meth:`backward` has run. Weights start as N(0, 1/D) (Xavier/LeCun
    scale, so tanh starts in its linear range), biases at 0; the same seed gives the same net.
    """

    def __init__(self, sizes: Sequence[int], seed: int = 0, activation: str = "tanh") -> None:
        self.sizes = layer_sizes(sizes)
        self.seed = check_seed(seed)
        self.activation = choice(activation, ACTIVATIONS, "activation")
        rng = np.random.default_rng(self.seed)
        self.params: dict[str, np.ndarray] = {}
        for layer, (D, M) in enumerate(zip(self.sizes[:-1], self.sizes[1:], strict=False), start=1):
            self.params[f"W{layer}"] = rng.standard_normal((D, M)) / np.sqrt(D)
            self.params[f"b{layer}"] = np.zeros(M)
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

    # The hidden layers' activation phi and its derivative: hooks a subclass may override.

    def phi(self, Z: np.ndarray) -> np.ndarray:
        """The hidden activation A = phi(Z), elementwise: tanh(Z), or max(Z, 0) for ReLU."""
        return np.tanh(Z) if self.activation == "tanh" else np.maximum(Z, 0.0)

    def dphi_from_output(self, A: np.ndarray) -> np.ndarray:
        """phi'(Z) written with the layer's output A = phi(Z): 1 - A^2 for tanh, [A > 0] for ReLU."""
        return 1.0 - A * A if self.activation == "tanh" else (A > 0).astype(A.dtype)

    def check_inputs(self, X) -> np.ndarray:
        """X as a finite float64 array of shape (N, sizes[0]), or a ValueError/TypeError naming X."""
        X = as_float_array(X, "X", min_ndim=2, max_ndim=2).astype(np.float64, copy=False)
        if X.shape[1] != self.sizes[0]:
            raise ValueError(f"X must have shape (N, {self.sizes[0]}) for this network, got {X.shape}")
        return X

    def check_labels(self, labels, N: int) -> np.ndarray:
        """Integer class labels of shape (N,), each in 0..K-1."""
        return class_labels(labels, self.sizes[-1], N)

    def forward(self, X, check: bool = True) -> np.ndarray:
        """Step 1, the forward pass: X (N, sizes[0]) -> logits z (N, K).

        Keeps A_0 = X and every hidden activation A_l in ``self.cache``: exactly what
        :meth:`backward` needs and nothing else (see :meth:`cache_sizes`). ``check=False`` skips
        the input check, for an X that :meth:`check_inputs` has already returned (a training loop
        checks its data once, not at every step).
        """
        A = self.check_inputs(X) if check else X
        self.cache = [A]
        for i in range(1, self.num_layers):
            A = self.phi(A @ self.params[f"W{i}"] + self.params[f"b{i}"])
            self.cache.append(A)
        L = self.num_layers
        return A @ self.params[f"W{L}"] + self.params[f"b{L}"]

    def backward(self, dz, check: bool = True) -> dict[str, np.ndarray]:
        """Step 3, the backward pass: from dLoss/dz (N, K) fill ``self.grads`` and return it.

        Layer by layer, l = L .. 1: dW_l = A_{l-1}^T dZ_l, db_l = sum_n dZ_l, dA_{l-1} = dZ_l W_l^T
        and, through a hidden activation, dZ_{l-1} = dA_{l-1} * phi'(Z_{l-1}). The last dA_0 is
        dLoss/dX, kept in ``self.input_grad`` (N, sizes[0]) for :func:`input_gradient`.

        Pass ``cross_entropy_grad(logits, labels)`` (the mean loss's (S - y) / N) as ``dz``;
        uses the activations cached by the last :meth:`forward`. ``check=False`` skips the check
        of ``dz`` (float64, the last forward's (N, K)), for a training loop that computed it.
        """
        dZ = self._check_dz(dz) if check else dz
        for i in range(self.num_layers, 0, -1):
            A_prev = self.cache[i - 1]
            self.grads[f"W{i}"] = A_prev.T @ dZ
            self.grads[f"b{i}"] = dZ.sum(axis=0)
            dA_prev = dZ @ self.params[f"W{i}"].T
            if i > 1:
                dZ = dA_prev * self.dphi_from_output(A_prev)
        self.input_grad = dA_prev  # one step further: dLoss/dX = dA_0, (N, sizes[0])
        return self.grads

    def _check_dz(self, dz) -> np.ndarray:
        if not self.cache:
            raise RuntimeError(
                "call forward(X) before backward(dz): backward needs the activations forward caches"
            )
        N, K = self.cache[0].shape[0], self.sizes[-1]
        dZ = as_float_array(dz, "dz", min_ndim=2, max_ndim=2).astype(np.float64, copy=False)
        if dZ.shape != (N, K):
            raise ValueError(
                f"dz must have the logits' shape (N, K) = {(N, K)} from the last forward, got {dZ.shape}"
            )
        return dZ

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
        """Steps 1-3 in one call: the loss, and ``grads`` filled for it.

        The loss and dLoss/dz come from one call, :func:`cross_entropy_with_logits_and_grad`.
        """
        loss, dz = cross_entropy_with_logits_and_grad(self.forward(X), labels)
        self.backward(dz, check=False)
        return loss, self.grads

    def predict_proba(self, X) -> np.ndarray:
        """S = softmax(forward(X)), shape (N, K)."""
        return softmax(self.forward(X))

    def predict(self, X) -> np.ndarray:
        """The most probable class per sample, shape (N,)."""
        return np.argmax(self.forward(X), axis=1)

    def accuracy(self, X, labels) -> float:
        """Fraction of samples whose predicted class is the label (integer class labels)."""
        pred = self.predict(X)
        return float(np.mean(pred == self.check_labels(labels, len(pred))))

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

    Each step t: 1. forward pass, 2. loss computation, 3. backward pass (from dLoss/dz =
    (S - y) / N), 4. weight update p <- p - lr * dLoss/dp. Steps 2 and 3 start from one call,
    :func:`~course_utils.cross_entropy_with_logits_and_grad`: the loss and dLoss/dz from one
    softmax. The loss and gradients of the final parameters are recorded too (len(history) =
    steps + 1). The net ends at its trained parameters. ``labels``: integer class labels (N,).
    """
    X, labels, lr, steps, snapshot_every = _check_training(net, X, labels, lr, steps, snapshot_every)
    names = list(net.params)
    run = TrainingRun([], np.zeros((steps + 1, len(names))), np.zeros(steps + 1), [], [], names)
    for t in range(steps + 1):
        if t % snapshot_every == 0 or t == steps:
            run.snapshots.append(net.copy_params())
            run.snapshot_steps.append(t)
        logits = net.forward(X, check=False)  # 1. forward pass (X checked once, above)
        loss, dz = cross_entropy_with_logits_and_grad(logits, labels)  # 2. loss (and dLoss/dz)
        run.history.append(loss)
        run.accuracy[t] = np.mean(np.argmax(logits, axis=1) == labels)
        net.backward(dz, check=False)  # 3. backward pass
        run.grad_norms[t] = [np.linalg.norm(net.grads[k]) for k in names]
        if t < steps:
            net.step(lr)  # 4. weight update
    return run


def check_network(net, name: str = "net") -> MLP:
    """``net`` itself if it is an :class:`MLP`, else a TypeError naming ``name``."""
    if not isinstance(net, MLP):
        raise TypeError(f"{name} must be an MLP, got {type(net).__name__}")
    return net


def input_gradient(net: MLP, X, labels, T: float = 1.0) -> np.ndarray:
    """dLoss_n/dx_n for each input: how the loss of sample n changes with each of its features.

    Loss_n = -log softmax(z_n / T)_{y_n} with z = net.forward(X): the backward pass of
    :meth:`MLP.backward`, started from dLoss_n/dz_n = (S_n - y_n) / T and carried down to the input,

        dz = (S - y) / T,   then l = L .. 1:   dA_{l-1} = dZ_l W_l^T,   dZ_{l-1} = dA_{l-1} * phi'(Z_{l-1})

    so dX = dA_0. For softmax regression (one layer) this is (S - y) W^T / T. ``X`` (N, D) gives
    (N, D); one input ``X`` (D,) with an integer label gives (D,). T > 0 is a temperature.
    The backward pass also overwrites ``net.grads`` (with the per-sample losses' sum).
    """
    check_network(net)
    single = np.ndim(X) == 1
    X2 = as_float_array(X, "X", min_ndim=1, max_ndim=2).astype(np.float64, copy=False)
    if single:
        X2 = X2[None, :]
        labels = [labels] if np.ndim(labels) == 0 else labels
    labels = class_labels(labels, net.sizes[-1], X2.shape[0])
    T = positive_number(T, "T")
    z = net.forward(X2)  # checks X's width; caches A_0 .. A_{L-1}
    net.backward(cross_entropy_grad(z / T, labels, reduction="sum") / T)  # row n: dLoss_n/dz_n
    return net.input_grad[0] if single else net.input_grad


def _check_training(net, X, labels, lr, steps, snapshot_every) -> tuple:
    """:func:`train`'s arguments, checked once before the loop."""
    check_network(net)
    X = net.check_inputs(X)
    labels = net.check_labels(labels, X.shape[0])
    return (
        X,
        labels,
        positive_number(lr, "lr"),
        integer(steps, "steps", low=0),
        positive_int(snapshot_every, "snapshot_every"),
    )
