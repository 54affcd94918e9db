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
# # Payoff: the derived gradient trains a real classifier
#
# *CS-514 Fuzzy Logic & Neural Networks · from $S - y$ to handwritten digits*
#
# By the end of this notebook you can
#
# 1. say why softmax regression is the one-layer network `MLP([64, 10])`, trained by exactly the gradient of notebook 03, $\frac{\partial \mathrm{Loss}}{\partial z} = \frac{S - y}{N}$;
# 2. train it on real data with a held-out **test** set, and read a test accuracy across several seeds;
# 3. read a **confusion matrix** and the model's most confident mistakes;
# 4. check whether $S$ is **calibrated** with a reliability diagram, and fix it with a temperature $T$ fitted on **validation** data;
# 5. carry the backward pass one step further, to $\frac{\partial \mathrm{Loss}}{\partial x}$, and check it against finite differences.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** Everything so far ran on three numbers or a toy spiral. Here the same four steps and the same S − y train a classifier on 1,797 real handwritten digits in well under a second. The numbers from training differ by a fraction of a percent between machines (rounding in the last bit grows over hundreds of steps), so the notebook asserts margins, not exact accuracies.

# %% slideshow={"slide_type": "skip"}
# %matplotlib inline
import numpy as np
from threadpoolctl import threadpool_limits

from course_utils import (
    cross_entropy_grad,
    cross_entropy_with_logits,
    numerical_gradient,
    one_hot,
    relative_error,
    softmax,
)
from course_utils.digits import K_DIGITS, load_digits_data, split_digits
from course_utils.metrics import confusion_matrix, fit_temperature, most_confident_wrong, reliability
from course_utils.network import MLP, input_gradient, train
from course_utils.plots import confusion_matrix_figure, digits_gallery_figure, reliability_figure
from course_utils.widgets import DigitsExplorer

threadpool_limits(1)  # tiny matrices: one BLAS thread beats several fighting over the cores
np.set_printoptions(precision=3, suppress=True)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The data: 1,797 handwritten digits
#
# scikit-learn ships them inside its package (no download): grey images of $8 \times 8$ pixels, the digits 0 to 9, so $K = 10$.
# Each image becomes a **row of 64 numbers** $x$ (pixel darkness scaled to $[0, 1]$), a batch is $X$ of shape $(N, 64)$, and the labels are integer classes.

# %% slideshow={"slide_type": "fragment"}
X, labels = load_digits_data()
counts = np.bincount(labels)
print("X:", X.shape, " labels:", labels.shape, " K =", K_DIGITS)
print("images per digit:", counts)

assert X.shape == (1797, 64) and labels.shape == (1797,) and K_DIGITS == 10
assert X.min() == 0.0 and np.isclose(X.max(), 1.0), "pixels scaled to [0, 1]"
assert counts.min() == 174 and counts.max() == 183, "about 180 images of every digit"

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### What the digits look like

# %% slideshow={"slide_type": "fragment"}
digits_gallery_figure(X[:20], titles=[f"label {c}" for c in labels[:20]], ncols=10)

# %% [markdown] slideshow={"slide_type": "fragment"}
# The figure shows the first 20 images in two rows of ten, dark ink on white, each titled with its label: blocky, but readable.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Three parts: train, validation, test
#
# - **train** (60 %): the weights are fitted to it;
# - **validation** (20 %): choices *about* training are made on it (here: the temperature $T$);
# - **test** (20 %): touched once, at the end, to report how the model does on images it has never seen.
#
# The split is stratified (every part keeps the class proportions) and seeded.

# %% slideshow={"slide_type": "fragment"}
split = split_digits(X, labels, val_fraction=0.2, test_fraction=0.2, seed=0)
sizes = [len(split.labels_train), len(split.labels_val), len(split.labels_test)]
print("train, validation, test:", sizes)

assert sizes == [1079, 359, 359] and sum(sizes) == len(labels)
every_row = np.concatenate([split.index_train, split.index_val, split.index_test])
assert np.array_equal(np.sort(every_row), np.arange(len(labels))), "disjoint, and nothing lost"

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** Why three parts: if T (or the learning rate, or the number of steps) were chosen by looking at the test set, the test accuracy would no longer be an honest estimate. The split uses integer permutations only, so it is the same on every machine.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Softmax regression is `MLP([64, 10])`
#
# One dense layer and softmax, nothing hidden:
#
# $$z = X W + b \quad (W: 64 \times 10), \qquad S = \operatorname{softmax}(z), \qquad \mathrm{Loss} = -\frac{1}{N}\sum_n \sum_i y_{n,i} \log S_{n,i}$$
#
# with $y$ one-hot, as in notebooks 03 and 04. The backward pass is notebook 03's result and one shape rule, $\frac{\partial \mathrm{Loss}}{\partial W}$ has $W$'s shape $64 \times 10$, so it is $X^\top \frac{\partial \mathrm{Loss}}{\partial z}$:
#
# $$\frac{\partial \mathrm{Loss}}{\partial z} = \frac{S - y}{N}, \qquad \frac{\partial \mathrm{Loss}}{\partial W} = X^{\top} \frac{\partial \mathrm{Loss}}{\partial z}, \qquad \frac{\partial \mathrm{Loss}}{\partial b} = \sum_n \frac{\partial \mathrm{Loss}}{\partial z_n}$$

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The network computes exactly this

# %% slideshow={"slide_type": "fragment"}
softmax_reg = MLP([64, 10], seed=0)
loss, grads = softmax_reg.loss_and_grads(split.X_train, split.labels_train)
z = softmax_reg.forward(split.X_train)
N = len(split.labels_train)
dz_by_hand = (softmax(z) - one_hot(split.labels_train, K_DIGITS)) / N  # (S - y) / N
dW_by_hand = split.X_train.T @ dz_by_hand  # X^T dLoss/dz: (64, N) @ (N, 10)

assert grads["W1"].shape == (64, 10)
np.testing.assert_allclose(grads["W1"], dW_by_hand, atol=1e-12, err_msg="the network uses X^T (S - y) / N")

# %% slideshow={"slide_type": "skip"}
# course_utils agrees with the code above (run, not shown on the slides)
np.testing.assert_allclose(dz_by_hand, cross_entropy_grad(z, split.labels_train), atol=1e-15)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Training: gradient descent with $\frac{S - y}{N}$
#
# Nothing new: 300 steps of $W \leftarrow W - \eta\,X^{\top}\frac{S - y}{N}$ (and the same for $b$), with $\eta = 2$.

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
run = train(softmax_reg, split.X_train, split.labels_train, lr=2.0, steps=300, snapshot_every=100)
acc_train = softmax_reg.accuracy(split.X_train, split.labels_train)
acc_test = softmax_reg.accuracy(split.X_test, split.labels_test)
print(f"loss {run.history[0]:.3f} -> {run.history[-1]:.3f}")
print(f"accuracy: train {acc_train:.1%}, test {acc_test:.1%}")

assert run.history[-1] < 0.25 * run.history[0], "the loss falls to a quarter of its start, or less"
assert acc_train >= 0.97, "a straight-line model fits almost every training digit"
assert acc_test >= 0.92, "and gets most unseen digits right (at least 92 % for every seed tried)"


# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** The printed numbers move by a fraction of a percent from machine to machine; each claim about them holds with room to spare on every seed tried. Point out that test accuracy is a little below training accuracy: the gap is what "held out" measures.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Is it luck? Five seeds
#
# Each seed draws a different split **and** different initial weights:

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
def trained(sizes, lr, steps, seed):
    part = split_digits(X, labels, seed=seed)
    net = MLP(sizes, seed=seed)
    train(net, part.X_train, part.labels_train, lr=lr, steps=steps, snapshot_every=steps)
    return part, net


def test_accuracies(runs):
    return np.array([net.accuracy(part.X_test, part.labels_test) for part, net in runs])


softmax_runs = [trained([64, 10], 2.0, 300, seed) for seed in range(5)]
acc_softmax = test_accuracies(softmax_runs)
print("softmax regression, test accuracy per seed:", (100 * acc_softmax).round(1), "%")
print(f"median {np.median(acc_softmax):.1%}")

assert acc_softmax.min() >= 0.92 and np.median(acc_softmax) >= 0.95, (
    "at least 92 % for every seed, median at least 95 %"
)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## A hidden layer: `MLP([64, 32, 10])`
#
# The same backward pass, started from the same $\frac{S - y}{N}$, now also goes through $\tanh$ (notebook 04):

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
mlp_runs = [trained([64, 32, 10], 1.0, 500, seed) for seed in range(5)]
acc_mlp = test_accuracies(mlp_runs)
print("MLP [64, 32, 10], test accuracy per seed:", (100 * acc_mlp).round(1), "%")
print("softmax regression, for comparison:      ", (100 * acc_softmax).round(1), "%")

assert acc_mlp.min() >= 0.92 and np.median(acc_mlp) >= 0.95, "as good as softmax regression"
assert abs(np.median(acc_mlp) - np.median(acc_softmax)) < 0.03, "and not much better"

# %% [markdown] slideshow={"slide_type": "fragment"}
# Unlike the spirals, these digits are almost separable by straight lines in 64 dimensions, so the hidden layer buys little here. (On harder images, e.g. CIFAR-10, it buys a lot.)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Which digits get confused
#
# Row $i$, column $j$: how many test images of digit $i$ the softmax regression (seed 0) called $j$. The diagonal is right; everything off it is a mistake.

# %% slideshow={"slide_type": "fragment"}
S_test = softmax_reg.predict_proba(split.X_test)
predicted = S_test.argmax(axis=1)
C = confusion_matrix(split.labels_test, predicted, K_DIGITS)

# %% slideshow={"slide_type": "subslide"} tags=["nbval-ignore-output"]
confusion_matrix_figure(C, title="softmax regression, test images")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The biggest confusions
#
# The figure is a $10 \times 10$ grid: the diagonal cells carry the (large) counts of correct answers in bold; off-diagonal cells are shaded red by how many mistakes they hold. The largest off-diagonal counts (they change a little from machine to machine):

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
assert C.sum() == len(split.labels_test), "every test image counted once"
assert np.array_equal(C.sum(axis=1), np.bincount(split.labels_test)), "row i: digit i"
assert np.trace(C) / C.sum() == acc_test, "the diagonal is the accuracy"
off = np.where(np.eye(K_DIGITS, dtype=bool), 0, C)
third = np.sort(off, axis=None)[-3]  # every confusion at least as large as the third largest
for i, j in zip(*np.nonzero(off >= max(third, 1)), strict=True):
    print(f"{off[i, j]} test images of digit {i} called {j}")
assert off.sum() == C.sum() - np.trace(C)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The most confident mistakes
#
# The wrong predictions with the largest $\max_i S_i$: the model was sure, and wrong.

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
wrong = most_confident_wrong(S_test, split.labels_test, k=8)
y_test = split.labels_test
titles = [f"{y_test[n]} called {predicted[n]}\nS = {S_test[n].max():.2f}" for n in wrong]
assert np.all(predicted[wrong] != y_test[wrong]), "all of them are mistakes"
assert np.all(np.diff(S_test[wrong].max(axis=1)) <= 0), "most confident first"
digits_gallery_figure(split.X_test[wrong], titles=titles, ncols=8, cell_inches=0.95)

# %% [markdown] slideshow={"slide_type": "fragment"}
# The figure shows eight test images in a row, each titled with its true digit, the digit the model said and its confidence. Many are hard for a person too at $8 \times 8$ pixels; some are plain mistakes.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** Which images appear here depends on the last bits of training, so the picture can differ slightly between machines; the notebook only asserts that they are mistakes and sorted. Ask: would you have read these correctly? Low resolution explains several; a 4 called 9 or a 1 called 8 are typical.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Is $S$ calibrated?
#
# When the model says "$S_i = 0.8$", is it right about 80 % of the time? Group the test images by their confidence $\max_i S_i$ into 10 bins, and compare each bin's **accuracy** with its mean **confidence**. A calibrated model sits on the diagonal. The gap, averaged with the bins' sizes as weights, is the **expected calibration error** (ECE).

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
rel_T1 = reliability(S_test, split.labels_test, n_bins=10)
confidence, right = S_test.max(axis=1), predicted == split.labels_test
print(f"mean confidence {confidence.mean():.1%}, accuracy {right.mean():.1%}")
print(f"T = 1: ECE {rel_T1.ece:.1%}")
assert rel_T1.counts.sum() == len(split.labels_test)
assert confidence.mean() < right.mean() - 0.01, "underconfident: says less than it achieves"

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The reliability diagram

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
reliability_figure({"softmax regression, T = 1": rel_T1})

# %% [markdown] slideshow={"slide_type": "fragment"}
# Accuracy (vertical) against confidence (horizontal) per bin, marker area ∝ the bin's size; dashed: perfect calibration. The curve runs mostly **above** the diagonal: the model is right more often than it says, **underconfident** (after 300 steps its logits are still small).

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### A temperature, fitted on validation data
#
# Notebook 03's slider $T$ divides the logits: $S = \operatorname{softmax}(z / T)$. $T < 1$ sharpens $S$, $T > 1$ flattens it, and **the prediction never changes** ($z/T$ keeps the order of the logits). Choose $T$ to minimise the mean loss on the **validation** images (a 1-D search), then look at the **test** images:

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
z_val, z_test = softmax_reg.forward(split.X_val), softmax_reg.forward(split.X_test)
T_fit = fit_temperature(z_val, split.labels_val)
nll_val = {T: cross_entropy_with_logits(z_val / T, split.labels_val) for T in (1.0, T_fit)}
nll_test = {T: cross_entropy_with_logits(z_test / T, split.labels_test) for T in (1.0, T_fit)}
rel_fit = reliability(softmax(z_test / T_fit), split.labels_test, n_bins=10)
print(f"fitted T = {T_fit:.2f}")
print(f"validation loss {nll_val[1.0]:.3f} -> {nll_val[T_fit]:.3f}")
print(f"test loss       {nll_test[1.0]:.3f} -> {nll_test[T_fit]:.3f}")
print(f"test ECE        {rel_T1.ece:.1%} -> {rel_fit.ece:.1%}")

# %% slideshow={"slide_type": "fragment"}
assert nll_val[T_fit] <= nll_val[1.0], "T was chosen to lower the validation loss"
assert T_fit < 0.9, "an underconfident model needs sharpening: T < 1"
assert np.array_equal((z_test / T_fit).argmax(axis=1), predicted), "same predictions"


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Does the fitted $T$ help on images it never saw? Five seeds
#
# One test set of 359 images is a small sample: repeat the fit on the five runs above.

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
def calibration(part, net):
    z_v, z_t = net.forward(part.X_val), net.forward(part.X_test)
    T = fit_temperature(z_v, part.labels_val)
    nll = [cross_entropy_with_logits(z_t / t, part.labels_test) for t in (1.0, T)]
    ece = [reliability(softmax(z_t / t), part.labels_test).ece for t in (1.0, T)]
    return [T, *nll, *ece], softmax(z_t), softmax(z_t / T)


results = [calibration(part, net) for part, net in softmax_runs]
table = np.array([numbers for numbers, _, _ in results])
print("seed   T    test loss T=1 -> fitted   test ECE T=1 -> fitted")
for seed, (T, nll_1, nll_T, ece_1, ece_T) in enumerate(table):
    print(f"{seed:4d} {T:5.2f}  {nll_1:12.3f} -> {nll_T:.3f}  {ece_1:12.1%} -> {ece_T:.1%}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The reliability diagram, five test sets pooled
#
# On one split the gain can be small (seed 0's is); over five it is clear. Pooling the five test sets (1,795 images, each predicted by a model that never trained on it) also steadies the diagram:

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
S_pooled_1 = np.concatenate([S_1 for _, S_1, _ in results])
S_pooled_T = np.concatenate([S_T for _, _, S_T in results])
y_pooled = np.concatenate([part.labels_test for part, _ in softmax_runs])
rel_pooled = {
    "T = 1": reliability(S_pooled_1, y_pooled),
    "T fitted per seed": reliability(S_pooled_T, y_pooled),
}
T_all, nll_1, nll_T, ece_1, ece_T = table.T
assert T_all.max() < 0.9, "every seed: underconfident, T < 1"
assert np.median(nll_T) < np.median(nll_1) - 0.01, "test loss falls (median of 5)"
assert np.median(ece_T) < 0.7 * np.median(ece_1), "test ECE falls (median of 5)"
assert rel_pooled["T fitted per seed"].ece < 0.7 * rel_pooled["T = 1"].ece

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The pooled reliability diagram

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
reliability_figure(rel_pooled, title="five seeds' test images (1,795)")

# %% [markdown] slideshow={"slide_type": "fragment"}
# Blue circles on a solid line ($T = 1$) run above the dashed diagonal: underconfident. Orange squares on a dash-dot line (fitted $T$) run close to it, except in a few sparse low-confidence bins; the legend gives both ECEs. Same predictions, more honest probabilities.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** Temperature scaling (Guo et al., 2017) is usually needed the other way round: big networks trained long are overconfident and get T > 1. This short-trained linear model is underconfident and gets T < 1; the same one-parameter fix works both ways. Stress: T is fitted on validation data, and the test numbers only check it.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## $\frac{\partial \mathrm{Loss}}{\partial x}$: which pixels matter
#
# Carry the backward pass one step further, to the input. For one image of class $c$, at the explorer's temperature $T$: $\mathrm{Loss} = -\log S_c$ with $S = \operatorname{softmax}(z / T)$, so $\frac{\partial \mathrm{Loss}}{\partial z} = \frac{S - y}{T}$ ($T = 1$ gives notebook 03's $S - y$). For softmax regression, $z = xW + b$, so
#
# $$\frac{\partial \mathrm{Loss}}{\partial x} = \frac{\partial \mathrm{Loss}}{\partial z}\,W^{\top} = \frac{S - y}{T}\,W^{\top} \qquad (1 \times 10)\,(10 \times 64) = 1 \times 64,$$
#
# an $8 \times 8$ map: where darker ink would raise the loss (positive) or lower it (negative). Through a hidden layer, each layer multiplies by its $W^{\top}$ and $\tanh'$, as in notebook 04.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Checked against finite differences
#
# At the most confident mistake: the formula, `input_gradient` (any depth) and central differences.

# %% slideshow={"slide_type": "fragment"}
n, c = int(wrong[0]), int(split.labels_test[wrong[0]])  # the most confident mistake
x = split.X_test[n]
z_n = softmax_reg.forward(x[None, :])[0]
by_hand = (softmax(z_n / T_fit) - one_hot(c, K_DIGITS)) / T_fit @ softmax_reg.params["W1"].T


def loss_of_pixels(pixels, net=softmax_reg):
    return cross_entropy_with_logits(net.forward(pixels[None, :])[0] / T_fit, c)


fd = numerical_gradient(loss_of_pixels, x)
assert by_hand.shape == (64,)
assert relative_error(fd, by_hand) < 1e-7, "finite differences agree with (S - y) W^T / T"

# %% slideshow={"slide_type": "skip"}
# course_utils agrees with the code above (run, not shown on the slides)
np.testing.assert_allclose(input_gradient(softmax_reg, x, c, T_fit), by_hand, atol=1e-14)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### And through a hidden layer
#
# The MLP of seed 0 (same split), $x \to A_1 = \tanh(x W_1 + b_1) \to z = A_1 W_2 + b_2$: notebook 04's backward pass, carried one step further. Each layer multiplies by its $W^{\top}$, the hidden layer also by $\tanh' = 1 - A_1^2$:
#
# $$\frac{\partial \mathrm{Loss}}{\partial A_1} = \frac{S - y}{T}\,W_2^{\top}, \qquad \frac{\partial \mathrm{Loss}}{\partial x} = \Big(\frac{\partial \mathrm{Loss}}{\partial A_1} \odot (1 - A_1^2)\Big)\,W_1^{\top}$$

# %% slideshow={"slide_type": "fragment"}
part_0, mlp = mlp_runs[0]  # the MLP of seed 0 (the same split as above)
assert np.array_equal(part_0.X_test, split.X_test)
# any T serves a gradient check; T_fit (fitted for softmax regression) is reused
z_mlp = mlp.forward(x[None, :])[0]  # caches A_0 = x and A_1 for the backward pass
A_1 = mlp.cache[1][0]  # (32,)
dz = (softmax(z_mlp / T_fit) - one_hot(c, K_DIGITS)) / T_fit  # (10,)
dA_1 = dz @ mlp.params["W2"].T  # (10,) (10, 32) -> (32,)
dx = (dA_1 * (1 - A_1**2)) @ mlp.params["W1"].T  # through tanh, then (32,) (32, 64) -> (64,)

fd_mlp = numerical_gradient(lambda pixels: loss_of_pixels(pixels, mlp), x)
assert relative_error(fd_mlp, dx) < 1e-7, "finite differences agree through tanh as well"

# %% slideshow={"slide_type": "skip"}
# course_utils agrees with the code above (run, not shown on the slides)
np.testing.assert_allclose(input_gradient(mlp, x, c, T_fit), dx, atol=1e-14)  # and so does course_utils

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Try it: the digits explorer
#
# Pick a test image: its $S$ against $y$, the loss, and $\frac{\partial \mathrm{Loss}}{\partial x}$ as an $8 \times 8$ map.

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
DigitsExplorer(softmax_reg, split.X_test, split.labels_test, T=round(T_fit, 2), index=n).widget

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Try it
#
# It opens on the most confident mistake, at the fitted $T$. Left: the image; middle: $S$ (blue, the left bar of each pair) against $y$ (orange, the right bar); right: $\frac{\partial \mathrm{Loss}}{\partial x}$ divided by its largest magnitude (red: darker ink there raises the loss; blue: lowers it).
#
# - On a confident, correct image the loss and the map fade to almost nothing: $S - y \approx 0$.
# - On a mistake, does the map look like the strokes of the true digit (blue) and of the wrong one (red)?
# - Move $T$ to 1, then to 3: the prediction stays, the loss and the confidence change.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** Live demo: step through a few test images with the arrow keys. On correct images the gradient map is faint noise (the readout's max |dLoss/dx| is tiny); on the mistake it opens on, the blue strokes often trace the true digit. Then move T: the bars sharpen or flatten, the predicted digit never changes.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - Softmax regression is `MLP([64, 10])`; its gradient is notebook 03's $\frac{S - y}{N}$ pushed through $X^{\top}$. With 300 steps it reaches a median of about **97 %** test accuracy on 1,797 real digits (five seeds between about 94 and 98 %; asserted: median at least 95 %, none below 92 %); a hidden layer adds little on this data.
# - **Test** data are held out to report; **validation** data to choose things such as $T$.
# - The confusion matrix and the most confident mistakes show *where* the model fails, not just how often.
# - A reliability diagram asks whether $S$ means what it says; here it is underconfident, and a temperature $T < 1$ fitted on validation data calibrates it without changing a single prediction.
# - The backward pass reaches the input too: $\frac{\partial \mathrm{Loss}}{\partial x} = \frac{\partial \mathrm{Loss}}{\partial z} W^{\top}$, checked against finite differences.
