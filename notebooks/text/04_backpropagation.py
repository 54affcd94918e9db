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
# 2. derive the **backward pass layer by layer**, starting from notebook 03's result $\frac{\partial \mathrm{Loss}}{\partial z} = S - y$;
# 3. **check** every gradient of the network against finite differences;
# 4. **test** the lecture's four claimed advantages of backpropagation instead of repeating them, and say which two need an erratum.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** This deck covers the lecture's two "Backpropagation" slides (the four steps and the advantages).
# It uses `course_utils.network.MLP`, whose backward pass starts from `cross_entropy_grad`: the gradient $S - y$ derived in notebook 03, computed in one place only.
# Every claim is an `assert`, so the notebook fails when it stops being true. Training results, timings and memory peaks are printed as measured: their last digits differ between machines (and a chaotic run, such as $\eta = 10$, differs in more than that), so each claim about them is checked with room to spare, and over seeds 0–4 where one run could mislead.
# The explorer cell needs a live kernel: in the exported deck, or any static view of the notebook (nbviewer, GitHub), it shows a snapshot of its last state and its controls do nothing. Present it live in JupyterLab.

# %% slideshow={"slide_type": "skip"}
# %matplotlib inline
import numpy as np
import sympy as sp
from IPython.display import Math, display

from course_utils import (
    cross_entropy_grad,
    cross_entropy_with_logits,
    cross_entropy_with_logits_and_grad,
    numerical_gradient,
    one_hot,
    relative_error,
    softmax,
)
from course_utils.data import make_spirals
from course_utils.experiments import (
    gradient_check,
    gradient_timings,
    memory_peaks,
    spiral_runs,
)
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

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The network
#
# A multi-layer perceptron with one hidden layer of 16 tanh units and $K = 3$ outputs, the **logits** $z$.
# For a batch of $N$ inputs (one per row of $X$):
#
# $$A_1 = \tanh(X W_1 + b_1), \qquad z = A_1 W_2 + b_2, \qquad S = \mathrm{softmax}(z), \qquad \mathrm{Loss} = -\frac{1}{N}\sum_{n=1}^{N}\sum_{i=1}^{K} y_{n,i}\log S_{n,i}$$
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
# ### Names, here and in notebook 05
#
# Each name, what it is computed as, and its shape:
#
# - $X = A_0$, the inputs, one row per sample: $(N, 2)$
# - $Z_1 = X W_1 + b_1$, **before** tanh: $(N, 16)$
# - $A_1 = \tanh(Z_1)$, **after** tanh: $(N, 16)$
# - $z = A_1 W_2 + b_2$, the logits (a "$Z_2$"): $(N, K)$
# - $dV = \partial \mathrm{Loss} / \partial V$, for any $V$: the shape of $V$

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
# Forward (black): each box is computed from the one on its left. Backward (red): each gradient from the one on its **right**, starting with $\partial \mathrm{Loss}/\partial \mathrm{Loss} = 1$ at the loss.
# $S$ and $\mathrm{Loss}$ are differentiated **together**: notebook 03's rule gives $dz = (S - y)/N$ directly, with no $\partial \mathrm{Loss}/\partial S$.
# The backward pass needs only the inputs of the two dense layers, $X$ and $A_1$, which the forward pass keeps.

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
# It starts from notebook 03's result, $\frac{\partial \mathrm{Loss}}{\partial z} = \frac{1}{N}(S - y)$ for the mean loss, computed by `cross_entropy_grad`, and fills `net.grads` with one gradient per parameter, of the same shape.

# %% slideshow={"slide_type": "fragment"}
dz = cross_entropy_grad(logits, labels)   # (S - y) / N, shape (N, K)
net.backward(dz)
for name, grad in net.grads.items():
    print(f"dLoss/d{name}: shape {grad.shape}")

assert all(net.grads[k].shape == net.params[k].shape for k in net.params)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Step 4 · Weight update
#
# *"Adjust weights and biases to reduce future errors."*
#
# Gradient descent moves every parameter a small step against its gradient: $p \leftarrow p - \eta\, \frac{\partial \mathrm{Loss}}{\partial p}$, with learning rate $\eta$ (`lr` in the code).

# %% slideshow={"slide_type": "fragment"}
lr = 2.0
net.step(lr)
new_loss = cross_entropy_with_logits(net.forward(X), labels)
print(f"loss before the update {loss:.4f}, after {new_loss:.4f}")

assert new_loss < loss, "one step against the gradient lowers the loss"

# %% [markdown] slideshow={"slide_type": "notes"}
# The four steps are exactly the body of `course_utils.network.train` (the training slide writes that loop out): forward, loss and $dz$ from one softmax, backward, step.
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
# &\text{first layer:} & dW_1 &= X^\top dZ_1, \quad db_1 = \textstyle\sum_n (dZ_1)_n && (2, 16),\ (16,)
# \end{aligned}
# $$
#
# Two local rules do all the work: a dense layer $Z = AW + b$ and the tanh. The next slides derive each one, check it with SymPy and numbers, and then check the whole table against `net.backward`.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Where it starts: $dz = \frac{1}{N}(S - y)$
#
# The loss is the **mean** over the $N$ samples, so each sample's loss enters it with weight $\frac{1}{N}$.
# Row $n$ of $dz$ is therefore notebook 03's result for sample $n$, divided by $N$: $dz_n = \frac{1}{N}(S_n - y_n)$.

# %% slideshow={"slide_type": "fragment"}
S, Y, N = softmax(logits), one_hot(labels, 3), len(X)
dz = cross_entropy_grad(logits, labels)
print("dz:", dz.shape, "  each row sums to", abs(dz.sum(axis=1)).max().round(12))

np.testing.assert_allclose(dz, (S - Y) / N, rtol=1e-12, atol=1e-15, err_msg="dz = (S - y) / N")
assert np.allclose(dz.sum(axis=1), 0, atol=1e-15), "S and y both sum to 1 in each row"

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Rule 1: a dense layer $Z = AW + b$, one sample
#
# For one sample, input $a$ ($D$ numbers) and output $Z_m = \sum_d a_d W_{d,m} + b_m$ ($M$ numbers); write $dZ_m = \frac{\partial \mathrm{Loss}}{\partial Z_m}$ for the gradient arriving from the right.
# The loss depends on $W_{d,m}$ only **through** the outputs $Z_{m'}$, so by the chain rule
#
# $$\frac{\partial \mathrm{Loss}}{\partial W_{d,m}} = \sum_{m'} dZ_{m'} \frac{\partial Z_{m'}}{\partial W_{d,m}} = dZ_m\, a_d,
# \qquad\text{because } \frac{\partial Z_{m'}}{\partial W_{d,m}} = a_d \text{ if } m' = m, \text{ else } 0.$$
#
# All $d, m$ at once: the **outer product** $a\, dZ^\top$, of shape $(D, M)$ like $W$. The same sum gives $\frac{\partial \mathrm{Loss}}{\partial b_m} = dZ_m$ and $\frac{\partial \mathrm{Loss}}{\partial a_d} = \sum_m W_{d,m}\, dZ_m$, i.e. $W\, dZ$.

# %% slideshow={"slide_type": "subslide"}
a = sp.Matrix(sp.symbols("a1 a2"))
dZ = sp.Matrix(sp.symbols("dZ1 dZ2"))             # dLoss/dZ, arriving from the right
W = sp.Matrix(2, 2, sp.symbols("W11 W12 W21 W22"))
b = sp.Matrix(sp.symbols("b1 b2"))
Z = W.T * a + b                                     # Z_m = sum_d a_d W_dm + b_m


def chain(v):                                       # sum_m' dLoss/dZ_m' dZ_m'/dv
    return sum(dZ[m] * sp.diff(Z[m], v) for m in range(2))


dW = sp.Matrix(2, 2, lambda d, m: chain(W[d, m]))
display(Math(r"\frac{\partial \mathrm{Loss}}{\partial W} = " + sp.latex(dW) + r" = a\,dZ^\top"))

assert dW == a * dZ.T, "dLoss/dW is the outer product of the layer's input and dZ"
assert sp.Matrix([chain(b_m) for b_m in b]) == dZ, "dLoss/db = dZ"
assert sp.Matrix([chain(a_d) for a_d in a]) == W * dZ, "dLoss/da = W dZ: passed further back"

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Rule 1 for a batch: the shapes decide
#
# A gradient has the shape of what it differentiates. For a batch, $A$ is $(N, D)$ and $dZ$ is $(N, M)$, for a layer of $D$ inputs and $M$ outputs:
#
# - $dW$ must be $(D, M)$, like $W$, and add up the samples: the only product that does both is $A^\top dZ$;
# - $dA$ must be $(N, D)$, like $A$: $dZ\, W^\top$;
# - $db$ must be $(M,)$, like $b$: $dZ$ summed over the samples (axis 0).
#
# (CS231n's rule of thumb: if you forget the formula, match the shapes.)

# %% slideshow={"slide_type": "fragment"}
A1, W2, b2 = net.cache[1], net.params["W2"], net.params["b2"]
for name, value, like in [("dW2 = A1^T dz", A1.T @ dz, W2),
                          ("db2 = sum_n dz_n", dz.sum(axis=0), b2),
                          ("dA1 = dz W2^T", dz @ W2.T, A1)]:
    print(f"{name:17} shape {str(value.shape):9} = shape of {str(like.shape)}")
    assert value.shape == like.shape, name

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### From one sample to a batch: $N = 2$, worked out
#
# The mean loss is a sum over samples, so $dW$ is the **sum of the per-sample outer products** $a_n\, dZ_n^\top$.
# Stack the $a_n$ as the rows of $A$ and the $dZ_n$ as the rows of $dZ$: that sum is exactly the matrix product $A^\top dZ$, and $db$ is $dZ$ summed over the samples (axis 0).

# %% slideshow={"slide_type": "fragment"}
A_batch = np.array([[1.0, 2.0],      # row 0: sample 1's input
                    [3.0, -1.0]])    # row 1: sample 2's input
dZ_batch = np.array([[0.5, -0.5],    # row 0: sample 1's upstream gradient
                     [0.25, 1.0]])   # row 1: sample 2's upstream gradient
per_sample = np.outer(A_batch[0], dZ_batch[0]) + np.outer(A_batch[1], dZ_batch[1])
print("outer(A[0], dZ[0]) + outer(A[1], dZ[1]) =", per_sample.tolist())
print("A^T dZ =", (A_batch.T @ dZ_batch).tolist())
print("db = dZ[0] + dZ[1] =", dZ_batch.sum(axis=0))

np.testing.assert_array_equal(A_batch.T @ dZ_batch, per_sample,
                              err_msg="A^T dZ is the sum of the samples' outer products")
np.testing.assert_array_equal(per_sample, [[1.25, 2.5], [0.75, -2.0]], err_msg="worked by hand")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Rule 2: tanh, one number at a time
#
# $A_1 = \tanh(Z_1)$ acts on each entry on its own, so its Jacobian is **diagonal** (unlike softmax's in notebook 02), and multiplying by a diagonal matrix is the element-wise product $\odot$:
#
# $$dZ_1 = dA_1 \odot \tanh'(Z_1), \qquad \frac{d}{dx}\tanh x = 1 - \tanh^2 x, \quad\text{so}\quad dZ_1 = dA_1 \odot (1 - A_1^2).$$
#
# The backward pass needs only $A_1$, which the forward pass already cached. Checked two ways here (SymPy, finite differences); the third, against `net.backward`, follows.

# %% slideshow={"slide_type": "fragment"}
x = sp.symbols("x")
derivative = sp.diff(sp.tanh(x), x)
display(Math(r"\frac{d}{dx}\tanh x = " + sp.latex(derivative)))
assert sp.simplify(derivative - (1 - sp.tanh(x) ** 2)) == 0, "SymPy"

xs = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
# tanh acts element-wise, so the gradient of the sum holds each derivative
by_differences = numerical_gradient(lambda v: np.sum(np.tanh(v)), xs)
np.testing.assert_allclose(by_differences, 1 - np.tanh(xs) ** 2, rtol=1e-8,
                           err_msg="finite differences")

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
# Central differences, $\frac{\partial \mathrm{Loss}}{\partial p_k} \approx \frac{\mathrm{Loss}(p + \epsilon e_k) - \mathrm{Loss}(p - \epsilon e_k)}{2\epsilon}$ with $\epsilon = 10^{-6}$, know nothing about the chain rule.
# If backprop is right, the two agree to a relative error $\max|a - b| / \max(|a| + |b|)$ of about $10^{-9}$ to $10^{-8}$. The claim checked is CS231n's "good", below $10^{-7}$: the last digits differ between machines.
# The same check, on 30 of the points, for a deeper, a wider and a ReLU network: nothing in `MLP.backward` is specific to one hidden layer of 16. Last, what the check cost, counted in forward passes.

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
net.backward(cross_entropy_grad(net.forward(X), labels))  # backprop: dLoss/dp in net.grads
errors = {}
for name, p in net.params.items():
    def loss_with(value, p=p):                # the loss as a function of this parameter alone
        saved = p.copy()
        p[...] = value
        loss = cross_entropy_with_logits(net.forward(X), labels)
        p[...] = saved
        return loss
    errors[name] = relative_error(net.grads[name], numerical_gradient(loss_with, p))  # eps = 1e-6
for name, err in errors.items():
    print(f"{name:>3} {str(net.params[name].shape):>8}: relative error {err:.0e}")
assert all(err < 1e-7 for err in errors.values()), errors

# %% slideshow={"slide_type": "skip"}
# course_utils agrees with the code above (run, not shown on the slides)
assert errors == gradient_check(net, X, labels), "course_utils.experiments.gradient_check is this loop"

# %% slideshow={"slide_type": "subslide"}
others = [([2, 8, 8, 8, 3], "tanh"), ([2, 48, 3], "tanh"), ([2, 12, 12, 3], "relu")]
for sizes, activation in others:
    m = MLP(sizes, seed=1, activation=activation)
    worst = max(gradient_check(m, X[::6], labels[::6]).values())
    print(f"{str(sizes):>15} {activation}: P = {m.num_params}, check passes: {worst < 1e-6}")
    assert worst < 1e-6, (sizes, activation, worst)


# %% slideshow={"slide_type": "subslide"}
class CountingMLP(MLP):
    forward_calls = 0

    def forward(self, X):
        self.forward_calls += 1
        return super().forward(X)


counted = CountingMLP([2, 16, 3], seed=0)
gradient_check(counted, X, labels)
print(f"P = {counted.num_params}: {counted.forward_calls} forward passes in all")

assert counted.forward_calls == 2 * counted.num_params + 1, "2P + 1 forward passes"

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Training: the four steps, 800 times
#
# Full-batch gradient descent is the lecture's four steps in a loop. Steps 2 and 3 start from one softmax: `cross_entropy_with_logits_and_grad` gives the loss and $dz = \frac{1}{N}(S - y)$ together. `train` runs this same loop and records more (the loss after the last step, accuracy, snapshots for the explorer): the cells after this one use its record.

# %% slideshow={"slide_type": "fragment"}
net = MLP([2, 16, 3], seed=0)
lr, history = 2.0, []
for _ in range(800):                                               # 800 steps
    logits = net.forward(X)                                        # 1. forward pass
    loss, dz = cross_entropy_with_logits_and_grad(logits, labels)  # 2. loss, and dz = (S - y) / N
    net.backward(dz)                                               # 3. backward pass: net.grads
    for name, p in net.params.items():                             # 4. p <- p - lr dLoss/dp, in place
        p -= lr * net.grads[name]
    history.append(loss)

# %% slideshow={"slide_type": "subslide"} tags=["nbval-ignore-output"]
run = train(MLP([2, 16, 3], seed=0), X, labels, lr=2.0, steps=800)  # the same loop, recording more
accuracy = net.accuracy(X, labels)
print(f"loss: {run.history[0]:.4f} at step 0 -> {run.history[-1]:.4f} at step 800")
print(f"training accuracy: {accuracy:.1%}")

linear = MLP([2, 3], seed=0)                     # no hidden layer: softmax(X W + b)
train(linear, X, labels, lr=2.0, steps=800)
print(f"a linear model, same training: {linear.accuracy(X, labels):.1%}")

assert accuracy >= 0.95, "the hidden layer learns the spirals"
assert linear.accuracy(X, labels) < 0.7, "no straight line separates three spirals"

# %% slideshow={"slide_type": "skip"}
# course_utils agrees with the code above (run, not shown on the slides)
assert run.history[:800] == history, "course_utils.network.train is this loop"

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The loss curve: $\eta = 2.0$ is near the edge
#
# The loss falls overall, but not smoothly: within the first hundred steps it jumps **above its starting value** before it recovers.
# A smaller rate, $\eta = 0.5$, never climbs above its start, but after 800 steps it is still behind (a higher loss, fewer points right).
# Not one run's luck: the cell checks all of it on the spirals and networks of seeds 0–4.

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
spike = int(np.argmax(run.history[1:])) + 1
calm = train(MLP([2, 16, 3], seed=0), X, labels, lr=0.5, steps=800)
print(f"lr = 2.0: start {run.history[0]:.2f}, peak {run.history[spike]:.2f} at step {spike}, "
      f"accuracy {run.accuracy[-1]:.1%}")
print(f"lr = 0.5: start {calm.history[0]:.2f}, highest after it {max(calm.history[1:]):.2f}, "
      f"accuracy {calm.accuracy[-1]:.1%}")

outcomes = {0.5: calm.history}                                       # for the last figure
seeds = {eta: spiral_runs(eta, seeds=range(5)) for eta in (0.5, 2.0)}   # seeds 0-4
assert all(1 + np.argmax(r.history[1:]) < 100 for r in seeds[2.0]), "lr 2.0 peaks within 100 steps"
assert all(max(r.history[1:]) > r.history[0] for r in seeds[2.0]), "lr 2.0 overshoots its start"
assert all(max(r.history[1:]) < r.history[0] for r in seeds[0.5]), "lr 0.5 stays below its start"
assert all(r.accuracy[-1] >= 0.95 for r in seeds[2.0]), "lr 2.0 learns the spirals"
for r, s in zip(seeds[0.5], seeds[2.0], strict=True):   # lr 0.5 is behind lr 2.0 after 800 steps
    assert r.history[-1] > s.history[-1] and r.accuracy[-1] < s.accuracy[-1]

# %% slideshow={"slide_type": "subslide"} tags=["nbval-ignore-output"]
display(loss_curves_figure({2.0: run.history, 0.5: calm.history},
                           title="training loss, [2, 16, 3] MLP"))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### What the network learned
#
# Background: the predicted class (tinted by $S$); points: the data by true class. The code's labels 0, 1, 2 are the explorer's classes 1, 2, 3.

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
display(decision_regions_figure(net, X, labels, title=f"after 800 steps: {accuracy:.1%} correct"))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Watch it learn: the backprop explorer
#
# - **step** (or ▶): scrub through training; the loss curve, the decision regions, the gradient norm of every parameter and one sample's $S$, $y$ and $S - y$ follow.
# - **learning rate**: retrains from the same seed (about half a second).
# - **sample**: pick another point (circled).
#
# In JupyterLab, try: find the step where the region under the ringed point changes colour; watch $\lVert \partial \mathrm{Loss}/\partial W \rVert$ shrink as the loss flattens.
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
# The slide claims (here in another order) that backpropagation
#
# 1. is **fast**, especially for small and medium-sized networks;
# 2. is **memory-efficient** in calculating the derivatives;
# 3. is **good enough for different network architectures**;
# 4. has **no parameters to tune**.
#
# Each is a testable statement. Measured below: claims 1 and 3 hold with a correction (backprop is fast, but its advantage grows with the network; any architecture works if every block has a useful derivative), and claims 2 and 4 need an erratum. The measuring code is in `course_utils.experiments`.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 1 · Fast: 2 passes instead of $2P$, and the advantage **grows**
#
# Finite differences need 2 forward passes **per parameter**, $2P$ in all; backprop needs 1 forward and 1 backward pass, whatever $P$ is.
# The gradient check above counted it: $2P + 1 = 199$ forward passes for $P = 99$. The lecture's "especially for small and medium-sized networks" is backwards: the ratio grows with $P$.

# %% slideshow={"slide_type": "subslide"} tags=["nbval-ignore-output"]
P, t_backprop, t_numerical = gradient_timings([4, 16, 64, 128], X[::6], labels[::6])
ratio = [n / b for n, b in zip(t_numerical, t_backprop, strict=True)]
display(timing_figure(P, t_backprop, t_numerical))
print(f"P = {P[-1]}: backprop {1e3 * t_backprop[-1]:.2f} ms, finite differences "
      f"{1e3 * t_numerical[-1]:.0f} ms, {ratio[-1]:.0f} times slower")

assert ratio[-1] > 50 and ratio[-1] > 3 * ratio[0], f"backprop's win grows with P: {ratio}"

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 2 · "Memory-efficient": an erratum
#
# Backprop keeps the **input of every dense layer** until the backward pass reaches it: $N \times$ (sum of the layer widths, output excluded) numbers, more than the parameters themselves for $N = 180$.
# Finite differences keep nothing between passes. So backprop is efficient in **time** and **pays in memory**; that trade is why **gradient checkpointing** exists.

# %% slideshow={"slide_type": "subslide"} tags=["nbval-ignore-output"]
for sizes in ([2, 16, 3], [2, 256, 3], [2, 32, 32, 3]):
    m = MLP(sizes, seed=0)
    m.forward(X)
    cached = sum(m.cache_sizes().values())
    widths = sum(sizes[:-1])
    print(f"{str(sizes):>14}: P = {m.num_params:>4}, cache = N x {widths} = {cached} floats")
    assert cached == len(X) * sum(sizes[:-1]) > m.num_params, "only the layer inputs are kept"

Xb, yb = make_spirals(n_per_class=400, K=3, seed=0)        # N = 1200, so memory shows
(bp1, fd1, c1), (bp4, fd4, c4) = memory_peaks(Xb, yb, hidden_layers=(1, 4)).values()
print(f"peak, 1 -> 4 hidden layers: backprop {bp1 // 1024} -> {bp4 // 1024} KiB, "
      f"finite differences {fd1 // 1024} -> {fd4 // 1024} KiB")
assert bp4 - bp1 > 0.8 * (c4 - c1), "backprop's peak grows by the extra cache"
assert fd4 - fd1 < 0.5 * (c4 - c1), "finite differences' peak grows much less"
assert bp4 > 1.5 * fd4, "with 4 hidden layers backprop needs more memory"


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 3 · Different architectures, if every block has a useful derivative
#
# Nothing in `MLP.backward` is specific to one hidden layer of 16: the loop walks back through however many layers there are, and the gradient check above passed for a deeper, a wider and a ReLU network.
# The real condition is that every block has a useful derivative. A **step** activation $\phi(z) = [z > 0]$ has derivative 0 wherever it exists: backprop runs, returns **zero** gradients for everything before the step, and that layer never learns.

# %% slideshow={"slide_type": "subslide"} tags=["nbval-ignore-output"]
class StepMLP(MLP):
    # hidden units output 0 or 1; the derivative is 0 almost everywhere
    def phi(self, Z):
        return (Z > 0).astype(float)

    def dphi_from_output(self, A):
        return np.zeros_like(A)


step_net = StepMLP([2, 16, 3], seed=0)
W1_before = step_net.params["W1"].copy()
step_run = train(step_net, X, labels, lr=2.0, steps=300)
print(f"|dLoss/dW1| at step 0: {step_run.grad_norms[0, 0]:.1f}, "
      f"accuracy: {step_net.accuracy(X, labels):.1%}")

assert np.all(step_run.grad_norms[:, :2] == 0), "W1 and b1 get exactly zero gradient at every step"
np.testing.assert_array_equal(step_net.params["W1"], W1_before, err_msg="W1 never changes")
assert step_net.accuracy(X, labels) < 0.7, "a frozen first layer cannot learn the spirals"

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 4 · "No parameters to tune": an erratum
#
# True of **backprop itself**: it computes the exact gradient with no setting at all (finite differences needed $\epsilon$).
# But step 4 of the lecture's own algorithm, the **weight update**, has the learning rate $\eta$: too small and training crawls, too large and the loss blows up. Try it with the explorer's slider; here, asserted over seeds 0–4:

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
for eta in (0.01, 10.0, 2.0):                 # ends on the default, so the explorer is restored
    bx.lr_slider.value = eta                  # what moving the slider does: retrain, same seed
    outcomes[eta] = list(bx.history)
    print(f"lr = {eta:>5}: loss {bx.history[0]:.2f} at the start, at most {max(bx.history):5.2f}, "
          f"{bx.history[-1]:5.2f} at the end")

seeds.update({eta: spiral_runs(eta, seeds=range(5)) for eta in (0.01, 10.0)})   # seeds 0-4
median = {eta: np.median([r.accuracy[-1] for r in seeds[eta]]) for eta in (0.01, 2.0, 10.0)}
print("median accuracy over seeds 0-4:", ", ".join(f"lr {e}: {a:.0%}" for e, a in median.items()))
assert all(r.history[-1] > 0.75 and r.accuracy[-1] < 0.6 for r in seeds[0.01]), "lr 0.01 crawls"
assert all(max(r.history) > 20 * r.history[0] for r in seeds[10.0]), "lr 10: the loss blows up"
assert median[10.0] < 0.8, "lr 10 ends far from trained"

# %% slideshow={"slide_type": "subslide"} tags=["nbval-ignore-output"]
display(loss_curves_figure({eta: outcomes[eta] for eta in (0.01, 0.5, 2.0, 10.0)},
                           title="same network, same seed, four learning rates"))

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** Fast: the ratio grows roughly like $P$ (hundreds to thousands at $P = 771$); what limits large networks in practice is memory.
# Memory: the lecture's "memory-efficient" is only true against forward mode carrying **all** $P$ tangents at once, which nobody does; against finite differences backprop uses **more** memory, growing with batch size and depth. The measured peaks include numpy temporaries, so only robust inequalities are asserted; the memory peaks of all $2P$ finite-difference passes equal those of a few (tested in `tests/test_experiments.py`).
# No parameters: the statement probably means "backprop has no hyperparameters of its own", which is correct; students carry it over to training, which is wrong. $\eta = 10$ is chaotic: its peak is always far above the start, but where it ends and which points it gets right change with the seed and with a machine's last digits, so only the peak and the median over seeds are quoted. A loss of 10 or more can coexist with half the points right: the loss punishes the confidently wrong points, the accuracy only counts argmaxes. Momentum and Adam add more knobs.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - The **four steps**: forward pass (cache each dense layer's input $A_{l-1}$), loss (mean cross-entropy), backward pass from $dz = \frac{1}{N}(S - y)$, then layer by layer $dW_l = A_{l-1}^\top dZ_l$ (the only product of $W_l$'s shape), $db_l = \sum_n (dZ_l)_n$ (its rows summed), $dA_{l-1} = dZ_l\,W_l^\top$ and through tanh $dZ_{l-1} = dA_{l-1} \odot (1 - A_{l-1}^2)$; weight update $p \leftarrow p - \eta\,\frac{\partial \mathrm{Loss}}{\partial p}$.
# - Every gradient agrees with finite differences (relative error $< 10^{-7}$ here, $< 10^{-6}$ for other depths, widths and ReLU).
# - **Fast**: 1 forward + 1 backward pass instead of $2P$ forward passes; the advantage **grows** with $P$ (> 50× at $P = 771$).
# - **Memory**, an erratum: efficient in time, it **pays in memory**: $N \times$ (sum of the layer widths, output excluded) cached numbers, more than finite differences keep (hence checkpointing).
# - **Architectures**: any depth, width or activation, **if** the blocks have useful derivatives (a step activation learns nothing).
# - **Erratum**: backprop has no parameter to tune, but **gradient descent does**: $\eta$ decides whether training crawls, works or blows up.
