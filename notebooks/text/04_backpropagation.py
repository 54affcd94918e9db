# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown] slideshow={"slide_type": "slide"}
# # Backpropagation: the four steps, checked and measured
#
# *CS-514 Fuzzy Logic & Neural Networks · Backpropagation*
#
# By the end of this notebook you can
#
# 1. run the lecture's **four steps** (forward pass, loss computation, backward pass, weight update) on a small network and say what each one computes;
# 2. derive the **backward pass layer by layer**, starting from notebook 03's result $\frac{\partial Loss}{\partial z} = S - y$;
# 3. **check** every gradient of the network against finite differences;
# 4. **test** the lecture's four claimed advantages of backpropagation instead of repeating them, and say which two need an erratum.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** This deck covers the lecture's two "Backpropagation" slides (the four steps and the advantages).
# It uses `course_utils.network.MLP`, whose backward pass starts from `cross_entropy_grad`: the gradient $S - y$ derived in notebook 03, computed in one place only.
# Every claim is an `assert`, so the notebook fails when it stops being true. The timing and memory cells are the only ones whose printed numbers depend on the machine; their asserts use wide margins.
# The explorer cell needs a live kernel: in the exported deck, or any static view of the notebook (nbviewer, GitHub), it shows a snapshot of its last state and its controls do nothing. Present it live in JupyterLab.

# %% slideshow={"slide_type": "skip"}
# %matplotlib inline
import tracemalloc

import numpy as np
import sympy as sp
from IPython.display import Math, display

from course_utils import (
    cross_entropy_grad,
    cross_entropy_with_logits,
    numerical_gradient,
    relative_error,
)
from course_utils.data import make_spirals
from course_utils.network import MLP, train
from course_utils.plots import (
    computational_graph_figure,
    decision_regions_figure,
    loss_curves_figure,
    network_figure,
    timing_figure,
)
from course_utils.widgets import BackpropExplorer

np.set_printoptions(precision=4, suppress=True)

# %% slideshow={"slide_type": "skip"}
# Helpers used by the gradient-check, timing and memory slides (not shown in the deck).
import time


def loss_with(net, name, value, X, labels):
    """The loss with parameter `name` replaced by `value` (restored afterwards)."""
    saved = net.params[name].copy()
    net.params[name][...] = value
    try:
        return cross_entropy_with_logits(net.forward(X), labels)
    finally:
        net.params[name][...] = saved


def gradient_check(net, X, labels):
    """Relative error between backprop and central differences (course_utils), per parameter."""
    net.backward(cross_entropy_grad(net.forward(X), labels))
    backprop = {k: g.copy() for k, g in net.grads.items()}
    return {
        k: relative_error(backprop[k], numerical_gradient(lambda v, k=k: loss_with(net, k, v, X, labels), p))
        for k, p in net.params.items()
    }


def seconds(f, repeat):
    """Median wall-clock seconds of f() over `repeat` runs."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def loss_without_cache(net, X, labels):
    """Steps 1 and 2 keeping nothing: each layer's output replaces its input."""
    A = X
    for i in range(1, net.num_layers):
        A = np.tanh(A @ net.params[f"W{i}"] + net.params[f"b{i}"])
    L = net.num_layers
    return cross_entropy_with_logits(A @ net.params[f"W{L}"] + net.params[f"b{L}"], labels)


def finite_difference_gradient(net, X, labels, eps=1e-6, first=None):
    """Central differences, one parameter at a time, in place: 2P forward passes, no cache.

    first=n stops after n coordinates per parameter array (the rest stay 0): every pass is
    the same, so the memory peak is already reached, in a fraction of the time.
    """
    grads = {}
    for name, p in net.params.items():
        g, flat = np.zeros(p.size), p.reshape(-1)
        for j in range(p.size if first is None else min(first, p.size)):
            saved = flat[j]
            flat[j] = saved + eps
            up = loss_without_cache(net, X, labels)
            flat[j] = saved - eps
            down = loss_without_cache(net, X, labels)
            flat[j] = saved
            g[j] = (up - down) / (2 * eps)
        grads[name] = g.reshape(p.shape)
    return grads


def backprop_gradient(net, X, labels):
    """Steps 1-3: forward (with cache) and backward."""
    net.backward(cross_entropy_grad(net.forward(X), labels))
    return net.grads


def peak_bytes(f):
    """The most memory numpy and Python held at once while f() ran (tracemalloc), in bytes."""
    tracemalloc.start()
    try:
        f()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# %% [markdown] slideshow={"slide_type": "slide"}
# ## The network
#
# A multi-layer perceptron with one hidden layer of 16 tanh units and $K = 3$ outputs, the **logits** $z$.
# For a batch of $N$ inputs (one per row of $X$):
#
# $$A_1 = \tanh(X W_1 + b_1), \qquad z = A_1 W_2 + b_2, \qquad S = \mathrm{softmax}(z), \qquad Loss = -\frac{1}{N}\sum_{n=1}^{N}\sum_{i=1}^{K} y_{ni}\log S_{ni}$$
#
# The last two are notebook 01's softmax and the lecture's categorical cross-entropy, averaged over the batch.

# %% slideshow={"slide_type": "fragment"}
net = MLP([2, 16, 3], seed=0)
for name, p in net.params.items():
    print(f"{name}: shape {p.shape}")
print("parameters P =", net.num_params)

assert net.num_params == 2 * 16 + 16 + 16 * 3 + 3 == 99, "W1, b1, W2, b2 hold 99 numbers"

# %% slideshow={"slide_type": "subslide"}
display(network_figure(net.sizes))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Names used in this notebook
#
# | here | notebook 05 | what it is, shape |
# |---|---|---|
# | $X = A_0$ | $X$ | the inputs, one row per sample, $(N, 2)$ |
# | $Z_1$ | $a$ | $X W_1 + b_1$, **before** tanh, $(N, 16)$ |
# | $A_1$ | $h$ | $\tanh(Z_1)$, **after** tanh, $(N, 16)$ |
# | $z$ (a "$Z_2$") | $z$ | $A_1 W_2 + b_2$, the logits, $(N, K)$ |
#
# $dZ_1, dA_1, dz, dW_l, db_l$: $\partial Loss / \partial$ that quantity, of its shape.
# Careful: capital $A$ here is **after** tanh; notebook 05's small $a$ is **before** it.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The data: three spirals
#
# 180 points in the plane, 60 per class, on three interleaved spiral arms.
# No straight line separates them, so a model without a hidden layer (softmax of $XW + b$) cannot classify them; we check that below.

# %% slideshow={"slide_type": "fragment"}
X, labels = make_spirals(n_per_class=60, K=3, seed=0)
print("X:", X.shape, " labels:", labels.shape, " classes:", np.bincount(labels))
assert X.shape == (180, 2) and set(labels) == {0, 1, 2}

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The computational graph
#
# Forward (black): each box is computed from the one on its left. Backward (red): each gradient is computed from the one on its **right**, starting at the loss with "start: 1", because $\partial Loss/\partial Loss = 1$ is the first factor of every chain.
# $S$ and $Loss$ are differentiated **together**: notebook 03's rule gives $\partial Loss/\partial z = (S - y)/N$ directly, so no $\partial Loss/\partial S$ is ever formed.
# For the backward pass each box keeps only what its rule needs: for this network the inputs of the two dense layers, $X$ and $A_1$.

# %% slideshow={"slide_type": "fragment"}
display(computational_graph_figure(num_layers=2))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Step 1 · Forward pass
#
# *"Calculate output for the applied input using current weights and biases."*
#
# One call computes the logits for all 180 points. On the way it **caches** $A_0 = X$ and $A_1$, the inputs of the two dense layers.

# %% slideshow={"slide_type": "fragment"}
logits = net.forward(X)
print("logits z:", logits.shape)
print("cached for the backward pass:", net.cache_sizes())

assert logits.shape == (180, 3)
np.testing.assert_allclose(net.cache[1], np.tanh(X @ net.params["W1"] + net.params["b1"]),
                           err_msg="the cache holds A1 = tanh(X W1 + b1)")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Step 2 · Loss computation
#
# *"Measure error between predicted and target values to define Loss Function."*
#
# The mean categorical cross-entropy of the logits. At the start the logits are small, so $S \approx [\frac13, \frac13, \frac13]$ and the loss is close to $\log 3 \approx 1.0986$.

# %% slideshow={"slide_type": "fragment"}
loss = cross_entropy_with_logits(logits, labels)
print(f"initial loss = {loss:.4f}   log 3 = {np.log(3):.4f}")

assert abs(loss - np.log(3)) < 0.1, "an untrained net guesses roughly uniformly"

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Step 3 · Backward pass
#
# *"Calculate gradients of weights and biases."*
#
# It starts from notebook 03's result, $\frac{\partial Loss}{\partial z} = \frac{1}{N}(S - y)$ for the mean loss, computed by `cross_entropy_grad`, and fills `net.grads` with one gradient per parameter, of the same shape.

# %% slideshow={"slide_type": "fragment"}
dlogits = cross_entropy_grad(logits, labels)   # (S - y) / N, shape (N, K)
net.backward(dlogits)
for name, g in net.grads.items():
    print(f"dLoss/d{name}: shape {g.shape}")

assert all(net.grads[k].shape == net.params[k].shape for k in net.params)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Step 4 · Weight update
#
# *"Adjust weights and biases to reduce future errors."*
#
# Gradient descent moves every parameter a small step against its gradient: $p \leftarrow p - \eta\, \frac{\partial Loss}{\partial p}$, with learning rate $\eta$.

# %% slideshow={"slide_type": "fragment"}
lr = 2.0
net.step(lr)
new_loss = cross_entropy_with_logits(net.forward(X), labels)
print(f"loss before the update {loss:.4f}, after {new_loss:.4f}")

assert new_loss < loss, "one step against the gradient lowers the loss"

# %% [markdown] slideshow={"slide_type": "notes"}
# The four steps are exactly the body of `course_utils.network.train`: forward, loss, backward from `cross_entropy_grad`, step.
# Ask the class what would happen with a negative learning rate (the loss would go up: `step` refuses it).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The backward pass, layer by layer
#
# Start where notebook 03 ended and walk the graph from right to left. $\odot$ is element-wise; shapes on the right.
#
# $$
# \begin{aligned}
# &\text{logits:} & dz &= \tfrac{1}{N}(S - y) && (N, K)\\
# &\text{output layer:} & dW_2 &= A_1^\top dz, \quad db_2 = \textstyle\sum_n dz_n && (16, K),\ (K,)\\
# &\text{into the hidden layer:} & dA_1 &= dz\, W_2^\top && (N, 16)\\
# &\text{through tanh:} & dZ_1 &= dA_1 \odot (1 - A_1^2) && (N, 16)\\
# &\text{first layer:} & dW_1 &= X^\top dZ_1, \quad db_1 = \textstyle\sum_n dZ_{1,n} && (2, 16),\ (16,)
# \end{aligned}
# $$
#
# Two local rules do all the work: a dense layer $Z = AW + b$ and the tanh. We derive each with SymPy next.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Rule 1: a dense layer $Z = AW + b$
#
# For **one sample** with 2 inputs and 2 outputs and an upstream gradient $g = \frac{\partial Loss}{\partial Z}$, the loss changes with $W$ through $\sum_j Z_j g_j$.
# Its derivative with respect to every $W_{ij}$ is $a_i g_j$: the **outer product** $a\, g^\top$.

# %% slideshow={"slide_type": "fragment"}
a = sp.Matrix(sp.symbols("a1 a2"))
g = sp.Matrix(sp.symbols("g1 g2"))
W = sp.Matrix(2, 2, sp.symbols("W11 W12 W21 W22"))
b = sp.Matrix(sp.symbols("b1 b2"))
Z = W.T * a + b                         # Z_j = sum_i a_i W_ij + b_j
upstream = (g.T * Z)[0]                 # the loss's first-order change: sum_j g_j Z_j
dW = sp.Matrix(2, 2, lambda i, j: sp.diff(upstream, W[i, j]))
display(Math(r"\frac{\partial Loss}{\partial W} = " + sp.latex(dW) + " = a\\,g^\\top"))

assert dW == a * g.T, "dLoss/dW is the outer product of the layer's input and the upstream gradient"
assert sp.Matrix([sp.diff(upstream, bj) for bj in b]) == g, "dLoss/db is the upstream gradient"
assert sp.Matrix([sp.diff(upstream, ai) for ai in a]) == W * g, "dLoss/da = W g: passed further back"

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### From one sample to a batch: $N = 2$, worked out
#
# The mean loss is a sum over samples, so $dW$ is the **sum of the per-sample outer products** $a_n g_n^\top$.
# Stack the $a_n$ as the rows of $A$ and the $g_n$ as the rows of $dZ$: that sum is exactly the matrix product $A^\top dZ$, and $db$ is the column sum of $dZ$.

# %% slideshow={"slide_type": "fragment"}
A_batch = np.array([[1.0, 2.0],      # sample 1's input a_1
                    [3.0, -1.0]])    # sample 2's input a_2
dZ_batch = np.array([[0.5, -0.5],    # sample 1's upstream gradient g_1
                     [0.25, 1.0]])   # sample 2's upstream gradient g_2
per_sample = np.outer(A_batch[0], dZ_batch[0]) + np.outer(A_batch[1], dZ_batch[1])
print("a_1 g_1^T + a_2 g_2^T =", per_sample.tolist())
print("A^T dZ =", (A_batch.T @ dZ_batch).tolist())
print("db = g_1 + g_2 =", dZ_batch.sum(axis=0))

np.testing.assert_array_equal(A_batch.T @ dZ_batch, per_sample,
                              err_msg="A^T dZ is the sum of the samples' outer products")
np.testing.assert_array_equal(per_sample, [[1.25, 2.5], [0.75, -2.0]], err_msg="worked by hand")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Rule 2: tanh, with its derivative written in its own output
#
# $\frac{d}{dx}\tanh x = 1 - \tanh^2 x$, so the backward pass needs only $A_1 = \tanh(Z_1)$, which the forward pass already cached.

# %% slideshow={"slide_type": "fragment"}
x = sp.symbols("x")
derivative = sp.diff(sp.tanh(x), x)
display(Math(r"\frac{d}{dx}\tanh x = " + sp.latex(derivative)))

assert sp.simplify(derivative - (1 - sp.tanh(x) ** 2)) == 0

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The table, in numpy, against `net.backward`
#
# Each line of the table, computed by hand from the cache, must equal what the network computed.

# %% slideshow={"slide_type": "fragment"}
logits = net.forward(X)
dz = cross_entropy_grad(logits, labels)        # (S - y) / N
A0, A1 = net.cache
dW2, db2 = A1.T @ dz, dz.sum(axis=0)
dA1 = dz @ net.params["W2"].T
dZ1 = dA1 * (1 - A1**2)
dW1, db1 = A0.T @ dZ1, dZ1.sum(axis=0)

net.backward(dz)
for name, by_hand in {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}.items():
    np.testing.assert_allclose(net.grads[name], by_hand, rtol=1e-12, atol=1e-15, err_msg=name)
print("the table and net.backward agree for W1, b1, W2, b2")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Gradient check: every parameter against finite differences
#
# Central differences, $\frac{\partial Loss}{\partial p_k} \approx \frac{Loss(p + \epsilon e_k) - Loss(p - \epsilon e_k)}{2\epsilon}$ with $\epsilon = 10^{-6}$, know nothing about the chain rule.
# If backprop is right, the two agree to a relative error of about $10^{-9}$ to $10^{-8}$; we assert below $10^{-7}$ (CS231n's "good"). The last digits differ between machines, so nbval does not compare this output.

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
errors = gradient_check(net, X, labels)   # backprop vs numerical_gradient, per parameter
for name, err in errors.items():
    print(f"{name:>3} {str(net.params[name].shape):>8}: relative error {err:.0e}")
assert all(err < 1e-7 for err in errors.values()), errors

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Training: the four steps, 800 times
#
# `train` repeats forward, loss, backward, update and records the loss at every step.

# %% slideshow={"slide_type": "fragment"}
net = MLP([2, 16, 3], seed=0)
run = train(net, X, labels, lr=2.0, steps=800)
accuracy = net.accuracy(X, labels)
print(f"loss: {run.history[0]:.4f} at step 0 -> {run.history[-1]:.4f} at step 800")
print(f"training accuracy: {accuracy:.1%}")

linear = MLP([2, 3], seed=0)                     # no hidden layer: softmax(X W + b)
train(linear, X, labels, lr=2.0, steps=800)
print(f"a linear model, same training: {linear.accuracy(X, labels):.1%}")

assert accuracy >= 0.95, "the hidden layer learns the spirals"
assert linear.accuracy(X, labels) < 0.7, "no straight line separates three spirals"

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The loss curve: $\eta = 2.0$ is near the edge
#
# The loss falls overall, but not smoothly: around step 73 it jumps **above its starting value** before it recovers.
# $\eta = 2.0$ is near the largest rate that still trains; $\eta = 1.0$ never climbs above its start and ends as accurate (at a higher loss).

# %% slideshow={"slide_type": "fragment"}
spike = int(np.argmax(run.history[1:])) + 1
calm_net = MLP([2, 16, 3], seed=0)
calm = train(calm_net, X, labels, lr=1.0, steps=800)
calm_acc = calm_net.accuracy(X, labels)
print(f"lr = 2.0: peak {run.history[spike]:.2f} at step {spike}, "
      f"start {run.history[0]:.2f}")
print(f"lr = 1.0: peak {max(calm.history[1:]):.2f} after step 0, "
      f"accuracy {calm_acc:.1%}")

assert run.history[spike] > run.history[0], "lr 2.0 overshoots its start"
assert max(calm.history[1:]) < calm.history[0], "lr 1.0 stays below its start"
assert calm_acc >= 0.95, "lr 1.0 also learns the spirals"

# %% slideshow={"slide_type": "subslide"}
display(loss_curves_figure({"lr = 2.0": run.history, "lr = 1.0": calm.history},
                           title="training loss, [2, 16, 3] MLP"))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### What the network learned
#
# Background: the predicted class (tinted by $S$); points: the data by true class. The code's labels 0, 1, 2 are the explorer's classes 1, 2, 3.

# %% slideshow={"slide_type": "fragment"}
display(decision_regions_figure(net, X, labels, title=f"after 800 steps: {accuracy:.1%} correct"))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Watch it learn: the backprop explorer
#
# - **step** (or ▶): scrub through training; the loss curve, the decision regions, the gradient norm of every parameter and one sample's $S$, $y$ and $S - y$ follow.
# - **learning rate**: retrains from the same seed (about half a second).
# - **sample**: pick another point (circled).
#
# In JupyterLab, try: find the step where the ringed point changes colour; watch $\lVert \partial Loss/\partial W \rVert$ shrink as the loss flattens.
# In the slides or a static page the explorer is a snapshot of its last state: its controls do nothing there.

# %% slideshow={"slide_type": "subslide"} tags=["nbval-ignore-output"]
bx = BackpropExplorer()
bx.widget

# %% slideshow={"slide_type": "skip"}
assert len(bx.history) == bx.steps + 1 and bx.run.accuracy[-1] >= 0.95
np.testing.assert_allclose(bx.history, run.history, rtol=1e-9, err_msg="the explorer trains the same network")


# %% [markdown] slideshow={"slide_type": "slide"}
# ## The lecture's advantages, tested
#
# The slide claims that backpropagation
#
# 1. is **fast**, especially for small and medium-sized networks;
# 2. is **memory-efficient** in calculating the derivatives;
# 3. is **good enough for different network architectures**;
# 4. has **no parameters to tune**.
#
# Each is a testable statement. The next four slides test them.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 1 · Fast: one gradient by backprop vs by finite differences
#
# Finite differences need 2 forward passes **per parameter**, $2P$ in all; backprop needs 1 forward and 1 backward pass, whatever $P$ is.
# First the count, which does not depend on the machine:

# %% slideshow={"slide_type": "fragment"}
class CountingMLP(MLP):
    forward_calls = 0

    def forward(self, X):
        self.forward_calls += 1
        return super().forward(X)


counted = CountingMLP([2, 16, 3], seed=0)
gradient_check(counted, X, labels)
print(f"P = {counted.num_params}: finite differences + backprop used {counted.forward_calls} forward passes")

assert counted.forward_calls == 2 * counted.num_params + 1, "2P for finite differences, 1 for backprop"

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 1 · Fast: the time, as the network grows
#
# Seconds for one full gradient on 30 of the points, for hidden layers of 4 to 128 units (the printed times depend on the machine).

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
Xs, ys = X[::6], labels[::6]
widths, P, t_backprop, t_numerical = [4, 16, 64, 128], [], [], []
for width in widths:
    m = MLP([2, width, 3], seed=0)
    P.append(m.num_params)
    t_backprop.append(seconds(lambda m=m: m.backward(cross_entropy_grad(m.forward(Xs), ys)), repeat=20))
    t_numerical.append(seconds(lambda m=m: gradient_check(m, Xs, ys), repeat=1))   # 2P forward passes (+1)
    print(f"P = {P[-1]:>3}: backprop {1e3 * t_backprop[-1]:5.2f} ms, "
          f"finite diff. {1e3 * t_numerical[-1]:5.0f} ms")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 1 · Fast: the advantage **grows** with the network
#
# "Especially for small and medium-sized networks"? No: the ratio grows like $P$ ($2P$ passes against 2).

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
display(timing_figure(P, t_backprop, t_numerical))
ratio = [n / b for n, b in zip(t_numerical, t_backprop, strict=True)]
assert ratio[-1] > 50 and ratio[-1] > 3 * ratio[0], f"backprop's win grows with P: {ratio}"

# %% [markdown] slideshow={"slide_type": "notes"}
# The ratio grows roughly like $P$: at $P = 771$ it is typically in the hundreds or thousands. "Especially for small and medium-sized networks" is the lecture's hedge;
# the count of passes says backprop's advantage grows with size, and what limits large networks in practice is memory, next slides.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 2 · Memory: what the forward pass keeps for the backward pass
#
# Backprop keeps the **input of every dense layer** until the backward pass reaches it: $N \times$ (sum of the layer widths, output excluded) numbers.
# That grows with the **sum** of the widths (times $N$); the number of parameters $P$ grows with their **products**.
# Finite differences keep nothing between passes: one perturbed copy of the parameters (here, even that is done in place).

# %% slideshow={"slide_type": "fragment"}
N = len(X)
print(f"{'network':>14} {'P':>5} {'backprop cache':>15}")
for sizes in ([2, 16, 3], [2, 64, 3], [2, 256, 3], [2, 32, 32, 3]):
    m = MLP(sizes, seed=0)
    m.forward(X)
    cached = sum(m.cache_sizes().values())
    print(f"{str(sizes):>14} {m.num_params:>5} {cached:>15}")
    assert cached == N * sum(sizes[:-1]), "only the layer inputs are kept: N x (sum of widths)"
    assert cached > m.num_params, "with N = 180 samples the cache outweighs a copy of the parameters"

# %% slideshow={"slide_type": "skip"}
# Peak memory of one gradient by backprop and by finite differences (helpers in the setup cell).
Xb, yb = make_spirals(n_per_class=400, K=3, seed=0)       # a bigger batch, N = 1200, so memory shows
peaks = {}                                                # hidden layers -> (backprop, finite diff., cache)
for sizes in ([2, 8, 3], [2, 8, 8, 8, 8, 3]):
    m = MLP(sizes, seed=0)
    m.forward(Xb)
    cache_bytes = 8 * sum(m.cache_sizes().values())
    m.cache = []                                          # measure from an empty cache
    bp = peak_bytes(lambda m=m: backprop_gradient(m, Xb, yb))
    fd = peak_bytes(lambda m=m: finite_difference_gradient(m, Xb, yb, first=8))
    peaks[len(sizes) - 2] = (bp, fd, cache_bytes)
full = peak_bytes(lambda: finite_difference_gradient(MLP([2, 8, 3], seed=0), Xb, yb))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 2 · Memory, measured
#
# Peak memory (`tracemalloc`) of one gradient, 1 and 4 hidden layers of 8 units, $N = 1200$. Finite differences' passes keep nothing, and every pass is alike, so a few coordinates reach the peak of all $2P$ (asserted).
# Backprop's peak grows with depth by about the extra cache; finite differences' hardly moves.

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
(bp1, fd1, c1), (bp4, fd4, c4) = peaks[1], peaks[4]
for depth, (bp, fd, cache) in peaks.items():
    print(f"{depth} hidden: backprop {bp / 1024:3.0f} KiB "
          f"(cache {cache / 1024:3.0f}), finite diff. {fd / 1024:3.0f} KiB")

assert abs(full - fd1) < 0.1 * full, "all 2P passes peak no higher than a few"
assert bp4 - bp1 > 0.8 * (c4 - c1), "backprop's peak grows by the extra cache"
assert fd4 - fd1 < 0.5 * (c4 - c1), "finite differences' peak grows much less"
assert bp4 > 1.5 * fd4, "with 4 hidden layers backprop needs more memory"

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 2 · "Memory-efficient": an erratum
#
# Backprop (reverse mode) is efficient in **time**: one backward pass gives all $P$ gradients.
# It pays in **memory**: every layer's input from the forward pass must be kept for the backward pass.
# Finite differences, or forward mode carrying one tangent at a time, keep almost nothing but need about $P$ passes.
#
# That trade is why **gradient checkpointing** exists: keep only some layers' inputs, recompute the others during the backward pass.

# %% [markdown] slideshow={"slide_type": "notes"}
# The lecture's "memory-efficient" is only true against forward mode carrying **all** $P$ tangents at once (that would need $N \times$ width $\times P$ numbers per layer), which nobody does.
# Against what students already know (finite differences) backprop uses **more** memory: cached activations, growing with batch size and depth. It buys speed with memory.
# The measured peaks include numpy temporaries, so they are larger than the cache alone; only robust inequalities are asserted.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 3 · Different architectures: the same code, other depths and widths
#
# Nothing in `MLP.backward` is specific to one hidden layer of 16: the loop walks back through however many layers there are.
# The same gradient check (on the same 30 points) passes for a deeper, a wider and a ReLU network.

# %% slideshow={"slide_type": "fragment"}
for sizes, activation in [([2, 8, 8, 8, 3], "tanh"), ([2, 48, 3], "tanh"), ([2, 12, 12, 3], "relu")]:
    m = MLP(sizes, seed=1, activation=activation)
    worst = max(gradient_check(m, Xs, ys).values())
    print(f"{str(sizes):>15} {activation}: P = {m.num_params}, checks: {worst < 1e-6}")
    assert worst < 1e-6, (sizes, activation, worst)

deep = MLP([2, 16, 16, 3], seed=0)
train(deep, X, labels, lr=1.0, steps=800)
print(f"[2, 16, 16, 3] trained the same way: {deep.accuracy(X, labels):.1%}")
assert deep.accuracy(X, labels) >= 0.95


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 3 · …but only for blocks with useful derivatives
#
# The real condition: every block is **differentiable**, or at least has useful derivatives. A **step** activation $\phi(z) = [z > 0]$ has derivative 0 wherever it exists:
# backprop runs, returns **zero** gradients for everything before the step, and the hidden layer never learns.

# %% slideshow={"slide_type": "fragment"}
class StepMLP(MLP):
    # hidden units output 0 or 1; the derivative is 0 almost everywhere
    def _phi(self, Z):
        return (Z > 0).astype(float)

    def _dphi_from_output(self, A):
        return np.zeros_like(A)


step_net = StepMLP([2, 16, 3], seed=0)
W1_before = step_net.params["W1"].copy()
step_run = train(step_net, X, labels, lr=2.0, steps=300)
print(f"|dLoss/dW1| at step 0: {step_run.grad_norms[0, 0]:.1f}, "
      f"accuracy: {step_net.accuracy(X, labels):.1%}")

assert np.all(step_run.grad_norms[:, :2] == 0), "W1 and b1 get exactly zero gradient at every step"
np.testing.assert_array_equal(step_net.params["W1"], W1_before, err_msg="so the first layer never changes")
assert step_net.accuracy(X, labels) < 0.7, "with a frozen random first layer the spirals are not learned"

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 4 · "No parameters to tune": an erratum
#
# True of **backprop itself**: it computes the exact gradient with no setting at all (finite differences, by contrast, needed $\epsilon$).
# But by the lecture's own four steps, step 4, the **weight update**, is part of the algorithm, and it has the learning rate $\eta$: too small and training crawls; too large and the loss jumps around instead of falling.
# Batch size, number of steps and the initialisation are knobs too. Try $\eta$ with the explorer's slider; three settings, asserted, next.

# %% slideshow={"slide_type": "subslide"}
outcomes = {}
for eta in (0.01, 10.0, 2.0):                     # ends on the default, so the explorer above is restored
    bx.lr_slider.value = eta                      # what moving the slider does: retrain from the same seed
    outcomes[eta] = (list(bx.history), bx.run.accuracy[-1])
    if eta < 10:
        print(f"lr = {eta:>5}: loss {bx.history[0]:.3f} -> {bx.history[-1]:.3f}, "
              f"accuracy {bx.run.accuracy[-1]:.1%}")
    else:  # chaotic: the exact numbers differ between machines, these facts do not
        print(f"lr = {eta:>5}: loss above 5 x its start: {max(bx.history) > 5 * bx.history[0]},")
        print(f"             accuracy below 0.6: {bx.run.accuracy[-1] < 0.6}")

(small, acc_small), (large, acc_large), (good, acc_good) = outcomes[0.01], outcomes[10.0], outcomes[2.0]
assert small[-1] > 0.75 and acc_small < 0.6, "lr 0.01: after 800 steps still far from trained"
assert acc_good >= 0.95, "lr 2.0 learns the spirals"
assert max(large) > 5 * large[0] and acc_large < 0.6, "lr 10: the loss blows up, accuracy near chance"

# %% slideshow={"slide_type": "subslide"}
display(loss_curves_figure({f"lr = {eta}": outcomes[eta][0] for eta in (0.01, 2.0, 10.0)},
                           title="same network, same seed, three learning rates"))

# %% [markdown] slideshow={"slide_type": "notes"}
# The slide's statement probably means "backprop has no hyperparameters of its own", which is correct; students often carry it over to training, which is wrong.
# The default $\eta = 2.0$ is near the edge (one overshoot around step 73); it is kept because the explorer's 800 steps then finish well above 95 %.
# Optimisers with momentum or Adam add more knobs (β's, ε); learning-rate schedules add more still.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - The **four steps**: forward pass (cache the layer inputs), loss (mean cross-entropy), backward pass (from $\frac{\partial Loss}{\partial z} = S - y$, then $dW = A^\top dZ$, $dA = dZ\,W^\top$, $dZ = dA \odot (1 - A^2)$), weight update $p \leftarrow p - \eta\,\frac{\partial Loss}{\partial p}$.
# - Every gradient agrees with finite differences (relative error $< 10^{-7}$ here, $< 10^{-6}$ for other depths, widths and ReLU).
# - **Fast**: 1 forward + 1 backward pass instead of $2P$ forward passes; the advantage **grows** with $P$ (> 50× at $P = 771$).
# - **Memory**, an erratum: efficient in time, it **pays in memory**: $N \times$ (sum of layer widths) cached numbers, more than finite differences keep (hence checkpointing).
# - **Architectures**: any depth, width or activation, **if** the blocks have useful derivatives (a step activation learns nothing).
# - **Erratum**: backprop has no parameter to tune, but **gradient descent does**: $\eta$ decides whether training crawls, works or blows up.
