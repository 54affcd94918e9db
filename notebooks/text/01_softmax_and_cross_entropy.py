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
# # Softmax and cross-entropy: from logits to a loss
#
# *CS-514 Fuzzy Logic & Neural Networks · Loss Function*
#
# By the end of this notebook you can
#
# 1. turn a vector of **logits** $z$ into **probabilities** $S$ with softmax, and say why the result is a probability distribution;
# 2. compute the lecture's **categorical cross-entropy** for its worked example ($0.511$) by hand, and say which logarithm it uses;
# 3. explain from the shape of $-\log$ why **the lower the loss, the better** the prediction;
# 4. explain why a naive softmax **overflows** for logits like $1000$ and how **subtracting the maximum** logit fixes it, and why the loss is best computed from the logits (**log-sum-exp**);
# 5. compute the loss for a **batch**, with integer or one-hot labels, and say what *mean* reduction does.
#
# "The slide" means the lecture's slides (*Loss Function*, *Backpropagation*) that these notebooks follow. Every number here is checked by an `assert`: if a claim stops being true, the notebook stops running.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** This deck covers the lecture's two "Loss Function" slides. Notebook 02 derives the softmax Jacobian, notebook 03 the gradient S − y.
# Run it top to bottom (Kernel → Restart & Run All) before presenting; every output is stored, so it also reads fine without a kernel.
# The `assert` cells are part of the lesson: each one is a claim from the slides that the code proves, and they fail loudly if `course_utils` is broken.

# %% slideshow={"slide_type": "skip"}
import numpy as np

from course_utils import cross_entropy, cross_entropy_with_logits, log_softmax, one_hot, softmax
from course_utils.plots import logits_probabilities_figure, loss_curve_figure

np.set_printoptions(precision=4, suppress=True)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Logits are scores, not probabilities
#
# The last layer of a classifier with $K$ classes produces $K$ raw scores, the **logits** $z_1, \dots, z_K$.
# They can be any real numbers: negative, larger than 1, not summing to anything in particular.
#
# **Softmax** turns them into probabilities:
#
# $$S_i = \frac{e^{z_i}}{\sum_{j=1}^{K} e^{z_j}}, \qquad i = 1, \dots, K$$
#
# - $e^{z_i} > 0$ for every $z_i$, so every $S_i$ is **positive**;
# - dividing by the sum of all of them makes the $S_i$ **sum to 1**;
# - $e^{z}$ grows with $z$, so a **larger logit gets a larger probability**.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### A worked example, step by step
#
# Three classes with logits $z = [2.0,\ 1.0,\ -0.5]$ (a negative logit is fine). First exponentiate, then divide by the sum:

# %% slideshow={"slide_type": "fragment"}
z = np.array([2.0, 1.0, -0.5])

exp_z = np.exp(z)
total = exp_z.sum()
S_by_hand = exp_z / total

print("e^z            =", exp_z.round(4))
print("sum of e^z     =", total.round(4))
print("S = e^z / sum  =", S_by_hand.round(4))

# %% slideshow={"slide_type": "fragment"}
S = softmax(z)  # the course's reference implementation

assert np.isclose(S.sum(), 1.0), "probabilities sum to 1"
assert np.all(S > 0), "every probability is positive"
assert list(np.argsort(S)) == list(np.argsort(z)), "a larger logit gets a larger probability"
print("S =", S.round(4), "  sum(S) =", S.sum().round(6))

# %% slideshow={"slide_type": "skip"}
# course_utils agrees with the code above (run, not shown on the slides)
np.testing.assert_allclose(S, S_by_hand, rtol=1e-12, err_msg="course_utils.softmax must follow the formula")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The same example as a picture
#
# Logits on the left can be anything; probabilities on the right are between 0 and 1 and add up to 1.

# %% slideshow={"slide_type": "fragment"}
logits_probabilities_figure(z)  # bars of z and of S = softmax(z), drawn by course_utils

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Only the differences between logits matter
#
# Add the same constant $c$ to every logit: $e^{z_i + c} = e^{c}\, e^{z_i}$, and the factor $e^{c}$ cancels between the numerator and the denominator.
# Scaling the logits, on the other hand, changes the probabilities: larger differences make softmax more confident.

# %% slideshow={"slide_type": "fragment"}
S_shifted = softmax(z + 100.0)
S_doubled = softmax(2 * z)

np.testing.assert_allclose(S_shifted, S, err_msg="adding a constant to every logit changes nothing")
assert S_doubled.max() > S.max(), "doubling the logits sharpens the distribution"
print("softmax(z + 100) =", S_shifted.round(4))
print("softmax(2 z)     =", S_doubled.round(4))

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** Students often think softmax "normalises" the logits like dividing by their sum. Point out the exponential: it makes every score positive and turns differences into ratios (a logit larger by 1 means a probability e ≈ 2.7 times larger).
# The shift invariance here is the key to the overflow fix later in this notebook, and to the Jacobian's zero row sums in notebook 02.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The loss: categorical cross-entropy
#
# The lecture measures how good the predicted probabilities $S$ are for the true labels $y$ with
#
# $$\mathrm{Loss} = - \sum_{i=1}^{K} y_i \log(S_i)$$
#
# - $K$ is the number of classes, $S_i$ the predicted probability of class $i$;
# - $y$ is **one-hot**: $y_i = 1$ for the correct class, $0$ for every other class.
#
# Because all $y_i$ but one are 0, only one term survives: if the true class is $c$,
#
# $$\mathrm{Loss} = -\log(S_c).$$
#
# The loss looks at a single number: **the probability the model gave to the right answer.**

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The lecture's worked example
#
# A 3-class problem, the true class is class 3: $y = [0, 0, 1]$, and the model predicts $S = [0.1,\ 0.3,\ 0.6]$.
#
# $$\mathrm{Loss} = -y_1 \log(S_1) - y_2 \log(S_2) - y_3 \log(S_3) = 0.511$$

# %% slideshow={"slide_type": "fragment"}
y = np.array([0, 0, 1])
S = np.array([0.1, 0.3, 0.6])

terms = -(y * np.log(S))
for i in range(3):
    print(f"-y_{i + 1} log(S_{i + 1}) = -{y[i]} * log({S[i]}) = {terms[i]:.4f}")
loss = terms.sum()
print(f"Loss = {loss:.4f}")

assert round(loss, 3) == 0.511, "the slide's answer"
assert np.isclose(loss, -np.log(0.6)), "only the true class's term survives"

# %% slideshow={"slide_type": "skip"}
# course_utils agrees with the code above (run, not shown on the slides)
assert np.isclose(cross_entropy(S, y), loss), "course_utils.cross_entropy must agree"

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### A zero probability: $0 \cdot \log 0$
#
# Try the same by-hand formula on $S = [0.4,\ 0.0,\ 0.6]$ (still $y = [0, 0, 1]$): $\log 0 = -\infty$, and the wrong class's term becomes $0 \cdot (-\infty)$, which floating point calls **NaN** (not a number), with a warning.
#
# The loss uses the convention $0 \cdot \log 0 = 0$: a class with $y_i = 0$ contributes nothing, whatever $S_i$ is (and $p \log p \to 0$ as $p \to 0$). By hand: sum only over the classes with $y_i > 0$.

# %% slideshow={"slide_type": "fragment"}
S_zero = np.array([0.4, 0.0, 0.6])
with np.errstate(divide="ignore", invalid="ignore"):  # log 0 = -inf, then 0 * -inf = NaN
    naive = -np.sum(y * np.log(S_zero))
kept = y > 0  # the convention 0 log 0 = 0: skip the classes with y_i = 0
by_convention = -np.sum(y[kept] * np.log(S_zero[kept]))
print(f"-np.sum(y * np.log(S))    = {naive}")
print(f"only the terms with y > 0 = {by_convention:.3f}")
print(f"cross_entropy(S, y)       = {cross_entropy(S_zero, y):.3f}")

assert np.isnan(naive), "0 * log 0 evaluates to 0 * (-inf) = NaN in floating point"
assert round(by_convention, 3) == 0.511, "the slide's loss: only -log(S_3) counts"

# %% slideshow={"slide_type": "skip"}
# course_utils agrees with the code above (run, not shown on the slides)
assert np.isclose(cross_entropy(S_zero, y), by_convention), "course_utils uses 0 log 0 = 0"

# %% [markdown] slideshow={"slide_type": "fragment"}
# `course_utils.cross_entropy` follows the convention. Only $S_c = 0$ at the **true** class makes the loss truly infinite: the model was certain and wrong.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Try it: logits for the slide's $S$
#
# The worked example above uses the probabilities $S = [0.1,\ 0.3,\ 0.6]$. Which logits give exactly those?
#
# *Hint:* take $z_i = \log S_i$. Then $e^{z_i} = S_i$, and the $S_i$ already sum to 1, so $\operatorname{softmax}(\log S) = S$. Check it with `softmax(np.log([0.1, 0.3, 0.6]))`, then add 5 to every logit and check again.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Which logarithm? The natural one
#
# The slide writes $\log$ without a base. Only the natural logarithm ($\ln$, base $e$) gives its $0.511$:

# %% slideshow={"slide_type": "fragment"}
loss_ln = -np.sum(y * np.log(S))
loss_log2 = -np.sum(y * np.log2(S))
loss_log10 = -np.sum(y * np.log10(S))
print(f"natural log: {loss_ln:.3f}   log2: {loss_log2:.3f}   log10: {loss_log10:.3f}")

assert round(loss_ln, 3) == 0.511, "natural log: the slide's number"
assert round(loss_log2, 3) == 0.737, "base 2 would give 0.737 (the loss in bits)"
assert round(loss_log10, 3) == 0.222, "base 10 would give 0.222"

# %% slideshow={"slide_type": "skip"}
# course_utils agrees with the code above (run, not shown on the slides)
assert round(cross_entropy(S, y), 3) == 0.511, "course_utils uses the natural log, like the lecture"

# %% [markdown] slideshow={"slide_type": "fragment"}
# The three differ only by a constant factor ($\log_2 x = \ln x / \ln 2$), so they rank predictions the same way.
# But the factor also scales every gradient, so stick to one. The lecture's $0.511$ implies the natural log ($\ln$); the slide doesn't say. PyTorch, TensorFlow and `course_utils` use $\ln$ too.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The lower the loss, the better
#
# For one sample the loss is $-\log p$, where $p = S_c$ is the probability of the true class.

# %% slideshow={"slide_type": "fragment"}
marked = {0.05: "confident and wrong", 0.6: "the slide's example", 0.9: "confident and right"}
loss_curve_figure(marked)  # the curve -log p, with each marked p and its loss

# %% [markdown] slideshow={"slide_type": "fragment"}
# - The loss is $0$ only when $p = 1$: a perfect prediction.
# - It grows without bound as $p \to 0$: a model that is **confident and wrong** pays a lot.
# - It always decreases as $p$ increases: raising the true class's probability always lowers the loss.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Three predictions, one label
#
# The true class is class 3. Only the probability each prediction gives to class 3 matters:

# %% slideshow={"slide_type": "fragment"}
predictions = {  # the true class is class 3, y = [0, 0, 1]
    "unsure, but right": [0.1, 0.3, 0.6],
    "confident and right": [0.05, 0.05, 0.9],
    "confident and wrong": [0.9, 0.05, 0.05],
}
losses = {name: cross_entropy(S_pred, y) for name, S_pred in predictions.items()}
for name, value in losses.items():
    print(f"{name:<20} S = {predictions[name]}  loss = {value:.3f}")

assert losses["confident and right"] < losses["unsure, but right"] < losses["confident and wrong"]
assert np.isclose(losses["confident and wrong"], -np.log(0.05)), "only p = S_3 = 0.05 counts"
assert cross_entropy([0.0, 0.0, 1.0], y) == 0.0, "a perfect prediction costs nothing"


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Try it: the wrong classes
#
# Give the true class $p = 0.6$ and split the remaining $0.4$ differently between the two wrong classes, e.g. $[0.2, 0.2, 0.6]$ or $[0.4, 0.0, 0.6]$. Does the loss change? Why not?

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** The answer to the "try it": no, the loss is −log 0.6 = 0.511 whatever happens to the wrong classes, because their y_i are 0. The gradient with respect to the logits still pushes every wrong class down (notebook 03). With [0.4, 0.0, 0.6] the by-hand -np.sum(y * np.log(S)) gives NaN (the 0 · log 0 slide); cross_entropy gives 0.511.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Why a naive softmax overflows
#
# Floating-point numbers have a largest value: about $1.8 \times 10^{308}$ in float64, which is $e^{709.78}$.
# Logits in the hundreds or thousands do happen (badly scaled inputs, a diverging training run), and then $e^{z}$ does not fit.

# %% slideshow={"slide_type": "fragment"}
def naive_softmax(z):
    e = np.exp(z)
    return e / e.sum()

print("largest float64:", np.finfo(np.float64).max, "= e^", np.log(np.finfo(np.float64).max).round(2))

big = np.array([1000.0, 1001.0, 1002.0])
# np.errstate silences numpy's overflow warning in this block only, to look at the result itself
with np.errstate(over="ignore", invalid="ignore"):
    exp_big = np.exp(big)
    S_naive = naive_softmax(big)
print("e^z           =", exp_big)
print("naive softmax =", S_naive)

assert np.all(np.isinf(exp_big)), "e^1000 does not fit in a float64"
assert np.all(np.isnan(S_naive)), "inf / inf is not a number"

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### $\infty / \infty$ is not a number
#
# $e^{1000} = \infty$ in floating point, and $\infty / \infty$ is `nan`: the probabilities are lost, and so is every loss and gradient computed from them.
#
# Very negative logits fail the other way: $e^{-1000}$ rounds to $0$, and $0/0$ is `nan` too. (In your own code keep the warning on: it is a useful alarm.)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The fix: subtract the largest logit first
#
# We saw that adding a constant to every logit changes nothing. Choose $c = \max_j z_j$ and subtract it:
#
# $$S_i = \frac{e^{z_i}}{\sum_j e^{z_j}} = \frac{e^{-c}\, e^{z_i}}{e^{-c} \sum_j e^{z_j}} = \frac{e^{z_i - c}}{\sum_j e^{z_j - c}}$$
#
# Now the largest exponent is exactly $0$: no $e^{\dots}$ can overflow, and the denominator is at least $e^0 = 1$, so it can never be $0$.
# This is what `course_utils.softmax` does.

# %% slideshow={"slide_type": "fragment"}
shifted = big - big.max()
print("z - max(z)          =", shifted)
print("softmax(z - max z)  =", naive_softmax(shifted).round(4))
print("course_utils.softmax =", softmax(big).round(4))

assert np.all(np.isfinite(softmax(big))), "the max shift keeps softmax finite"
np.testing.assert_allclose(softmax(big), softmax([0.0, 1.0, 2.0]), rtol=1e-12,
                           err_msg="softmax([1000, 1001, 1002]) must equal softmax([0, 1, 2])")
assert np.all(np.isfinite(softmax(-big))), "very negative logits are fine too"

# %% [markdown] slideshow={"slide_type": "slide"}
# ## log-sum-exp: the same idea for the loss
#
# Even a perfectly stable softmax can round a tiny probability to exactly $0$. With logits $z = [0,\ 1000]$, $S_1 = e^{-1000} \approx 5 \times 10^{-435}$, far below the smallest float64, so $S = [0, 1]$.
# If class 1 is the true class, $-\log(S_1) = -\log 0 = \infty$, although the true loss is a perfectly finite $1000$.
#
# The cure is to never form $S$: take the log of the softmax formula first,
#
# $$\log S_i = z_i - \log \sum_j e^{z_j} = (z_i - c) - \log \sum_j e^{z_j - c}, \qquad c = \max_j z_j,$$
#
# the **log-sum-exp** trick. `log_softmax` and `cross_entropy_with_logits` compute it this way.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### In code: $S$ rounds to $0$, the logits do not

# %% slideshow={"slide_type": "fragment"}
z_extreme = np.array([0.0, 1000.0])
S_extreme = softmax(z_extreme)
print("S                        =", S_extreme)

loss_from_S = cross_entropy(S_extreme, 0)  # true class: the first one (integer label 0)
loss_from_z = cross_entropy_with_logits(z_extreme, 0)
print("cross_entropy(S, 0)      =", loss_from_S)
print("cross_entropy_with_logits =", loss_from_z)

assert S_extreme[0] == 0.0, "e^-1000 rounds to exactly 0"
log10_S1 = -1000 / np.log(10)  # e^-1000 = 10^(-1000 / ln 10) = 10^-434.29... = 5.08... x 10^-435
assert np.floor(log10_S1) == -435 and 5.0 < 10 ** (log10_S1 % 1) < 5.1, "e^-1000 is about 5 x 10^-435"
assert log10_S1 < np.log10(np.finfo(np.float64).smallest_subnormal), "far below the smallest float64"
assert loss_from_S == np.inf, "log 0 = -inf, so the loss -log S_1 is +inf"
np.testing.assert_allclose(log_softmax(z_extreme), [-1000.0, 0.0], err_msg="log S computed without forming S")
assert loss_from_z == 1000.0, "from logits the loss is exact"

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Rule of thumb:** when you have logits, compute the loss from the logits. That is why PyTorch's `nn.CrossEntropyLoss` takes logits, not probabilities.
#
# **Try it.** Find the smallest whole number $z$ for which `np.exp(z)` overflows (use `np.errstate(over="ignore")` and `np.isinf`). Compare it with `np.log(np.finfo(np.float64).max)`. What changes for `np.float32`?

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** Ask the class before showing the output: *softmax is stable now, so can the loss still be inf?* (Yes: S₁ rounds to exactly 0 and −log 0 = ∞, although the true loss is 1000.)
# Then say that frameworks fuse softmax and cross-entropy for exactly this reason, and that the fused form also has the simplest gradient (notebook 03: S − y).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## A batch of samples
#
# Training uses $N$ samples at a time: logits $z$ of shape $(N, K)$, one row $z_n$ per sample, and one label per sample.
# The batch loss is the **mean** of the per-sample losses:
#
# $$\mathrm{Loss} = \frac{1}{N} \sum_{n=1}^{N} \mathrm{Loss}_n, \qquad \mathrm{Loss}_n = -\sum_{i=1}^{K} y_{n,i} \log(S_{n,i})$$

# %% slideshow={"slide_type": "fragment"}
rng = np.random.default_rng(514)
N, K = 4, 3
z_batch = rng.normal(scale=2.0, size=(N, K)).round(2)
labels = np.array([2, 0, 1, 2])  # the true class of each sample, counting from 0
S_batch = softmax(z_batch)  # softmax of each row

print("row n of z_batch     ->  row n of S_batch")
for z_n, S_n in zip(z_batch, S_batch, strict=True):
    print(f"{z_n}  ->  {S_n.round(4)}")
np.testing.assert_allclose(S_batch.sum(axis=1), np.ones(N), err_msg="each row of S sums to 1")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Per-sample losses, and their mean

# %% slideshow={"slide_type": "fragment"}
per_sample = cross_entropy_with_logits(z_batch, labels, reduction="none")
by_hand = -np.log(S_batch[np.arange(N), labels])  # -log of each true class's probability

mean_loss = cross_entropy_with_logits(z_batch, labels)  # reduction="mean" is the default
sum_loss = cross_entropy_with_logits(z_batch, labels, reduction="sum")
print("per-sample losses:", per_sample.round(4))
print(f"mean: {mean_loss:.4f}   sum: {sum_loss:.4f}")

np.testing.assert_allclose(per_sample, by_hand, rtol=1e-12, err_msg="Loss_n = -log S_n,c")
assert np.isclose(mean_loss, per_sample.mean()), "'mean' averages over the N samples"
assert np.isclose(sum_loss, per_sample.sum()), "'sum' adds them up"
assert np.isclose(mean_loss, sum_loss / N), "mean = sum / N"

# %% [markdown] slideshow={"slide_type": "fragment"}
# Why the mean and not the sum? With the mean, the loss and its gradient do not grow with the batch size, so the same learning rate works for $N = 32$ and $N = 256$. Notebook 03 shows where the $\frac{1}{N}$ ends up in the gradient.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Integer labels or one-hot labels: the same loss
#
# Datasets store the true class as an integer; the formula uses a one-hot row. `one_hot` converts one into the other, and both give the same loss.

# %% slideshow={"slide_type": "fragment"}
Y = one_hot(labels, K)
print("labels =", labels)
print("Y =\n", Y)

expected = np.array([[0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1]], dtype=float)
np.testing.assert_array_equal(Y, expected, err_msg="row n has a single 1, in column labels[n]")
assert np.isclose(cross_entropy_with_logits(z_batch, Y), mean_loss), "one-hot or integer labels: same loss"
assert np.isclose(cross_entropy(S_batch, Y), mean_loss), "from probabilities too"

# %% [markdown] slideshow={"slide_type": "fragment"}
# The one-hot form is more general: a row like $[0.1,\ 0.2,\ 0.7]$ (**soft labels**, e.g. label smoothing) has no integer equivalent.
# Notebook 03 shows that the famous gradient $S - y$ needs the labels to sum to 1, and what happens when they don't.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** Common confusion: the label 2 means the third class (Python counts from 0, the slides count from 1: class 3 ↔ label 2).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - **Softmax** $S_i = e^{z_i} / \sum_j e^{z_j}$ turns any logits into positive probabilities that sum to 1; only differences between logits matter.
# - **Cross-entropy** $\mathrm{Loss} = -\sum_i y_i \log S_i$ with one-hot $y$ is $-\log$(probability of the true class). The lecture's example gives $0.511$ with the natural log ($0.737$ with $\log_2$, $0.222$ with $\log_{10}$).
# - **Lower is better**: $0$ for a perfect prediction, unbounded for a confident wrong one.
# - **Numerics**: subtract $\max_j z_j$ before exponentiating; compute $\log S$ by log-sum-exp and the loss from logits.
# - **Batches**: average the per-sample losses (*mean* reduction); integer labels and one-hot rows give the same loss.
#
# Next: **notebook 02**, how each probability $S_i$ responds to each logit $z_j$ (the softmax Jacobian).

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The notation of every notebook
#
# | symbol | what it is | shape |
# | --- | --- | --- |
# | $z$, $S = \operatorname{softmax}(z)$ | logits and probabilities of one sample, or of a batch (one row $z_n$ per sample) | $(K,)$ or $(N, K)$ |
# | $y$; $c$ | labels as one-hot rows (`Y` for a batch); one sample's true class (`labels` for a batch) | like $z$; a number, $(N,)$ |
# | $y_{n,i}$, $S_{n,i}$ | sample $n$ of $N$, class $i$ of $K$ | numbers |
# | $Z_l = A_{l-1} W_l + b_l$, $A_l = \tanh(Z_l)$ | a network's layers (notebooks 04–06), $X = A_0$, tanh on the hidden ones; the last $Z$ is $z$ | $W_l$: $(D, M)$, $b_l$: $(M,)$ |
# | $dz$, $dZ_l$, $dW_l$, ... | $\partial\,\mathrm{Loss} / \partial(\cdot)$, the shape of what it differentiates | like $z$, $Z_l$, $W_l$ |
#
# $\mathrm{Loss}$ is the cross-entropy (for a batch, the mean), logarithms are natural, and `course_utils` names its arguments after these symbols.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Try it (more)
#
# 1. Compute by hand the loss for $y = [0, 1, 0]$ and $S = [0.1, 0.3, 0.6]$, then check with `cross_entropy`.
# 2. In the batch above, which sample has the largest loss (`per_sample.argmax()`)? Is it the one whose true class got the smallest probability in `S_batch`?
# 3. What is the loss of a model that always predicts the uniform distribution $S_i = 1/K$? (Answer: $\log K$, about $1.099$ for $K = 3$: a useful baseline for an untrained network.)

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** The uniform baseline log K is worth remembering: a freshly initialised network should start near it, and a first-step loss far above it usually means badly scaled logits.
