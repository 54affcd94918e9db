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
# # Exercises: softmax, its gradient and backpropagation, with feedback
#
# *CS-514 Fuzzy Logic & Neural Networks · Loss Function and Backpropagation · after notebooks 01–04*

# %% [markdown] slideshow={"slide_type": "fragment"}
# By the end of these exercises you have written, yourself and checked:
#
# 1. **softmax** for one sample and for a batch, stable for logits as large as 1000;
# 2. its **Jacobian** $\partial S_i / \partial z_j = S_i(\delta_{ij} - S_j)$;
# 3. the **cross-entropy gradient** $\partial\,\mathrm{Loss} / \partial z = (S - y)/N$ for a batch;
# 4. the **backward pass of one dense layer** $Z = XW + b$;
# 5. the **backward pass of a whole MLP**, assembled from 3 and 4.
#
# Each exercise is a function to fill in, a hint (closed until you open it) and a check.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** Run the notebook top to bottom as shipped: every check prints "not implemented yet", its
# cell ends with 0.0 points, and nothing fails. Students replace each `raise NotImplementedError()` and re-run
# the check cell. The checks never raise: a crash in the student's code, a wrong shape, a NaN or a numpy warning
# all come back as a sentence. Numpy or torch, float64 or float32, loops or einsum: any correct answer passes
# (torch wherever it is installed: it is not in the course's environment). At grading only the five answer cells
# run, in a sandbox without `course_utils`: see "How your notebook is graded".

# %% slideshow={"slide_type": "skip"}
import numpy as np

from course_utils.exercises import (
    check_cross_entropy_grad,
    check_dense_backward,
    check_mlp_backward,
    check_softmax,
    check_softmax_jacobian,
    points,
    summary,
)

passed = {}  # exercise number -> what its check returned: True (passed), False (failed), None (not attempted)


# %% [markdown] slideshow={"slide_type": "slide"}
# ## How the checks work
#
# `check_softmax(my_softmax)` calls your function on a few dozen inputs: small ones you can follow by hand
# first, then tricky ones (the largest logit in every position, rows near $+1000$ and $-1000$ in one batch) and
# seeded random ones — single samples and batches, $K = 2$ to $10$ classes. It prints **✔** when every answer is
# right. Otherwise it prints the **most likely mistake** and the smallest input it went wrong on, with the
# expected and the received numbers side by side (differing entries marked `*`) and the largest error.
#
# Numpy or torch (where torch is installed), float64 or float32 (a float32 answer is compared at float32's
# precision), loops or vectorised code: any correct answer passes. A warning alone never fails an answer: under
# a ✔ it is a note, and when it explains a wrong number (an overflow) it is part of the diagnosis. A check runs
# your function for at most 5 seconds in total; a loop that never ends is stopped, and the check says so. Each
# check cell ends with the points it earns: 0.0 until the check passes.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### How your notebook is graded
#
# Only your five answer cells are run, top to bottom, in a fresh sandbox with
# `np` (numpy) and nothing else of this notebook; the same checks then judge what your functions return, on
# their cases and on a few random ones drawn for that grading run. So put everything a function needs (imports,
# helpers) in an answer cell. `course_utils` is not available there: it holds the course's own solutions, and an
# answer that calls them earns no points. torch is not part of the course's environment (nor of the hub's
# image): a torch answer passes where torch is installed, on your own machine, and at grading only if your
# instructor has installed it; numpy answers pass everywhere. A print in your functions, to stdout or stderr,
# costs nothing.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The feedback on a wrong answer
#
# Here is what the check prints for a deliberately wrong softmax, one that forgets to divide by the sum:

# %% slideshow={"slide_type": "fragment"}
def softmax_that_forgets_to_normalise(z):
    return np.exp(z)


check_softmax(softmax_that_forgets_to_normalise)


# %% [markdown] slideshow={"slide_type": "fragment"}
# Shapes are checked before numbers, and never by broadcasting: an answer of shape $(1, K)$ where $(K,)$ is
# expected is wrong even if the numbers agree. A function that raises an error, returns `None` or changes its
# input in place is told so too.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Exercise 1 · Softmax
#
# Write `my_softmax(z)`, which turns logits into probabilities along the **last** axis:
#
# $$S_i = \frac{e^{z_i}}{\sum_{j=1}^{K} e^{z_j}}$$
#
# - `z` is one sample, shape $(K,)$, or a batch, shape $(N, K)$ with one row per sample; `S` has the shape of
#   `z`, and every row of `S` sums to 1.
# - It must give finite numbers for logits such as $z = [1000, 1001, 1002]$, although `np.exp(1000)` is `inf`,
#   and for logits as spread out as $z = [800, -800, 0]$.
# - Don't change `z` in place: the caller still needs it.

# %% deletable=false nbgrader={"cell_type": "code", "checksum": "6b3470c2a34db5a8e0cf85804553d981", "grade": false, "grade_id": "softmax_answer", "locked": false, "schema_version": 3, "solution": true, "task": false} slideshow={"slide_type": "subslide"}
def my_softmax(z):
    """S_i = exp(z_i) / sum_j exp(z_j) along the last axis. z: (K,) or (N, K) -> S, same shape."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown] slideshow={"slide_type": "fragment"}
# <details><summary><b>Hint</b> 1 · the idea (click to open)</summary>
#
# $S_i = e^{z_i} / \sum_j e^{z_j}$, over the class axis (the last one); $S$ has the shape of $z$, $(K,)$ or
# $(N, K)$. For logits as large as 1000: subtracting the same number $c$ from every logit of a row leaves $S$
# unchanged, because $e^{-c}$ cancels between the numerator and the denominator. Which $c$ makes every
# exponent $\le 0$?
#
# </details>
#
# <details><summary><b>Hint</b> 2 · setting it up (open when hint 1 was not enough)</summary>
#
# One recipe for $(K,)$ and $(N, K)$ alike: a reduction over the class axis is `axis=-1`, and `keepdims=True`
# keeps that axis with length 1, so that an $(N, K)$ array and an $(N, 1)$ one line up row by row. Then three
# steps: shift each row by its own $c$, exponentiate, divide by each row's sum. Try your function on
# `np.array([0.0, 1.0])` (about $[0.269, 0.731]$) and on `np.array([1000.0, 1001.0])`.
#
# </details>

# %% deletable=false editable=false nbgrader={"cell_type": "code", "checksum": "b3e4e3ba0fc21fad67de855b3c06eefd", "grade": true, "grade_id": "softmax_check", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false} slideshow={"slide_type": "fragment"}
passed[1] = check_softmax(my_softmax)
points(passed[1], out_of=2)


# %% [markdown] slideshow={"slide_type": "slide"}
# ## Exercise 2 · The softmax Jacobian
#
# For one sample $z$ of shape $(K,)$, return the $K \times K$ matrix of all partial derivatives, row $i$
# holding the derivatives of $S_i$:
#
# $$J_{ij} = \frac{\partial S_i}{\partial z_j} = S_i\,(\delta_{ij} - S_j),
# \qquad \delta_{ij} = \begin{cases} 1 & i = j \\ 0 & i \ne j \end{cases}$$
#
# The lecture writes its first column for $K = 3$:
# $\dfrac{\partial S}{\partial z_1} = \begin{bmatrix} S_1(1-S_1) \\ -S_2S_1 \\ -S_3S_1 \end{bmatrix}$.
#
# $J$ is symmetric ($J_{ij} = J_{ji} = -S_iS_j$ off the diagonal), so the other convention, $\partial S_j/\partial z_i$
# in row $i$, gives the same matrix and passes too. That is harmless: the chain rule of exercise 3 multiplies
# by $J^\top$, which here is $J$ itself.

# %% deletable=false nbgrader={"cell_type": "code", "checksum": "96e3a771102cd8f5354f2a47ccbf02be", "grade": false, "grade_id": "softmax_jacobian_answer", "locked": false, "schema_version": 3, "solution": true, "task": false} slideshow={"slide_type": "subslide"}
def my_softmax_jacobian(z):
    """J[i, j] = dS_i/dz_j = S_i (delta_ij - S_j). z: (K,) -> J: (K, K)."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown] slideshow={"slide_type": "fragment"}
# <details><summary><b>Hint</b> 1 · the idea (click to open)</summary>
#
# $J$ is $K \times K$, entry $(i, j) = S_i(\delta_{ij} - S_j)$. Multiply out the bracket: it is the difference
# of two $K \times K$ matrices, one with $S_i\,\delta_{ij}$ (zero off the diagonal) and one with $S_i S_j$.
#
# </details>
#
# <details><summary><b>Hint</b> 2 · setting it up (open when hint 1 was not enough)</summary>
#
# First $S$, with your `my_softmax`. The $S_i\,\delta_{ij}$ matrix has $S$ on its diagonal: numpy has a function
# that puts a vector on a diagonal. The $S_i S_j$ matrix is a column times a row, an *outer* product (careful:
# `S @ S` is one number, not a matrix). Test on `np.array([0.0, 0.0])`: $S = [0.5, 0.5]$, so the diagonal is
# $0.25$ and the off-diagonal entries $-0.25$.
#
# </details>

# %% deletable=false editable=false nbgrader={"cell_type": "code", "checksum": "ec7a362ee73a1e308d39671afcb88dd7", "grade": true, "grade_id": "softmax_jacobian_check", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false} slideshow={"slide_type": "fragment"}
passed[2] = check_softmax_jacobian(my_softmax_jacobian)
points(passed[2], out_of=2)


# %% [markdown] slideshow={"slide_type": "slide"}
# ## Exercise 3 · The cross-entropy gradient
#
# A batch of $N$ samples: logits `z` of shape $(N, K)$ and one-hot labels `Y` of shape $(N, K)$. The loss is the
# **mean** over the samples of the lecture's cross-entropy:
#
# $$\mathrm{Loss} = \frac{1}{N}\sum_{n=1}^{N}\Big(-\sum_{i=1}^{K} y_{n,i} \log S_{n,i}\Big)$$
#
# Return $\partial\,\mathrm{Loss} / \partial z$, shape $(N, K)$. For one sample the lecture goes through the
# chain rule and the Jacobian of exercise 2:
#
# $$\frac{\partial\,\mathrm{Loss}}{\partial z_m} = \sum_{i=1}^K \frac{\partial\,\mathrm{Loss}}{\partial S_i}
# \frac{\partial S_i}{\partial z_m}, \qquad \frac{\partial\,\mathrm{Loss}}{\partial S_i} = -\frac{y_i}{S_i}$$

# %% deletable=false nbgrader={"cell_type": "code", "checksum": "3efde7b3bb788c8a68fbf42b6cc1487d", "grade": false, "grade_id": "cross_entropy_grad_answer", "locked": false, "schema_version": 3, "solution": true, "task": false} slideshow={"slide_type": "subslide"}
def my_cross_entropy_grad(z, Y):
    """dLoss/dz of the mean cross-entropy over the N rows. z, Y: (N, K) -> (N, K)."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown] slideshow={"slide_type": "fragment"}
# <details><summary><b>Hint</b> 1 · the idea (click to open)</summary>
#
# The chain rule: $\partial\,\mathrm{Loss}/\partial z_m = \sum_i \frac{\partial\,\mathrm{Loss}}{\partial S_i}
# \frac{\partial S_i}{\partial z_m}$, with $\partial\,\mathrm{Loss}/\partial S_i = -y_i/S_i$ and the Jacobian of
# exercise 2. Work the sum out on paper for one sample before you write code: with one-hot labels it collapses to
# something short that never divides by $S$. The answer has the shape of $z$, $(N, K)$.
#
# </details>
#
# <details><summary><b>Hint</b> 2 · setting it up (open when hint 1 was not enough)</summary>
#
# Put $S_i(\delta_{im} - S_m)$ into the sum. The $S_i$ cancels against the $1/S_i$; then split the bracket: in
# the $\delta_{im}$ part only $i = m$ survives, and in the $S_m$ part $S_m$ comes out of the sum, leaving
# $\sum_i y_i$ (what is that for one-hot labels?). (The slide's line "$y_i S_m$ when $i \ne m$" is one term of
# that sum, not the answer for the entries that are not the true class.) For the batch, the loss is the *mean*
# over $N$ rows: what factor does that put on each row of the gradient? Reuse `my_softmax`.
#
# </details>

# %% deletable=false editable=false nbgrader={"cell_type": "code", "checksum": "4ebe090bc0d792433d2da1db7fd6b1b7", "grade": true, "grade_id": "cross_entropy_grad_check", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false} slideshow={"slide_type": "fragment"}
passed[3] = check_cross_entropy_grad(my_cross_entropy_grad)
points(passed[3], out_of=2)


# %% [markdown] slideshow={"slide_type": "slide"}
# ## Exercise 4 · One dense layer, backwards
#
# A dense layer computes $Z = X W + b$ for a batch:
# $X$ is $(N, D)$, $W$ is $(D, M)$, $b$ is $(M,)$ and $Z$ is $(N, M)$, that is
# $Z_{n,m} = \sum_{d} X_{n,d} W_{d,m} + b_m$.
#
# Backpropagation hands the layer `dZ` $= \partial\,\mathrm{Loss} / \partial Z$, shape $(N, M)$.
# Return `(dX, dW, db)`, the gradients of the loss with respect to $X$, $W$ and $b$; each has the shape of what
# it differentiates. By the chain rule, for example,
#
# $$\frac{\partial\,\mathrm{Loss}}{\partial W_{d,m}} = \sum_{n=1}^{N}
# \frac{\partial\,\mathrm{Loss}}{\partial Z_{n,m}}\,\frac{\partial Z_{n,m}}{\partial W_{d,m}}$$

# %% deletable=false nbgrader={"cell_type": "code", "checksum": "406029fe22f6103bf61daaf7ea73945e", "grade": false, "grade_id": "dense_backward_answer", "locked": false, "schema_version": 3, "solution": true, "task": false} slideshow={"slide_type": "subslide"}
def my_dense_backward(X, W, b, dZ):
    """Gradients of Z = X @ W + b. X (N, D), W (D, M), b (M,), dZ (N, M) -> (dX, dW, db)."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown] slideshow={"slide_type": "fragment"}
# <details><summary><b>Hint</b> 1 · the idea (click to open)</summary>
#
# Each gradient has the shape of what it is the gradient of: `dX` is $(N, D)$ like `X`, `dW` is $(D, M)$ like
# `W`, `db` is $(M,)$ like `b`. Going back through a matrix product $XW$ multiplies `dZ` by the *other* factor,
# transposed where the shapes need it; `b` is added to every sample.
#
# </details>
#
# <details><summary><b>Hint</b> 2 · setting it up (open when hint 1 was not enough)</summary>
#
# Start from one entry: $Z_{n,m} = \sum_d X_{n,d} W_{d,m} + b_m$. So $\partial Z_{n,m} /
# \partial W_{d,m} = X_{n,d}$, and $\partial\,\mathrm{Loss}/\partial W_{d,m} = \sum_n X_{n,d}\,dZ_{n,m}$:
# write that sum over $n$ as a matrix product of `X` and `dZ`, and let the shape $(D, M)$ tell you where the
# transpose goes. Do the same for $X_{n,d}$ (a sum over $m$). For $b_m$, every sample $n$ contributes: what do
# you do with the batch axis?
#
# </details>

# %% deletable=false editable=false nbgrader={"cell_type": "code", "checksum": "356dc2deafb638d37d79b186f26e8cd0", "grade": true, "grade_id": "dense_backward_check", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false} slideshow={"slide_type": "fragment"}
passed[4] = check_dense_backward(my_dense_backward)
points(passed[4], out_of=2)


# %% [markdown] slideshow={"slide_type": "slide"}
# ## Exercise 5 · Backpropagation through the whole MLP
#
# The network of notebook 04, `MLP([D, H, K])`, has one hidden tanh layer; in notebook 04's names,
#
# $$X = A_0, \qquad Z_1 = X W_1 + b_1, \qquad A_1 = \tanh(Z_1), \qquad z = A_1 W_2 + b_2, \qquad S = \operatorname{softmax}(z)$$
#
# and the loss is the mean cross-entropy of exercise 3. The forward pass has run: you get `params` (a dict with
# `"W1"` $(D, H)$, `"b1"` $(H,)$, `"W2"` $(H, K)$, `"b2"` $(K,)$), the input `X` $(N, D)$, the hidden layer's output
# `A1` $(N, H)$, the logits `z` $(N, K)$ and the one-hot labels `Y`.
#
# Return a dict of gradients with the same keys and shapes as `params` — what `MLP.backward` writes into
# `net.grads` — using **your** functions from exercises 3 and 4, and $\tanh'(Z_1) = 1 - \tanh^2(Z_1) = 1 - A_1^2$.

# %% deletable=false nbgrader={"cell_type": "code", "checksum": "ce95e78d6f1ba484e5b617d0b82deea5", "grade": false, "grade_id": "mlp_backward_answer", "locked": false, "schema_version": 3, "solution": true, "task": false} slideshow={"slide_type": "subslide"}
def my_mlp_backward(params, X, A1, z, Y):
    """Backward pass of the 2-layer tanh MLP -> {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown] slideshow={"slide_type": "fragment"}
# <details><summary><b>Hint</b> 1 · the idea (click to open)</summary>
#
# Backpropagation walks the forward pass backwards, one step per forward step: the loss with softmax, the output
# layer $z = A_1W_2 + b_2$, the tanh, the hidden layer $Z_1 = XW_1 + b_1$. Every step is something you have
# already written (exercises 3 and 4) or a derivative you know.
#
# </details>
#
# <details><summary><b>Hint</b> 2 · setting it up (open when hint 1 was not enough)</summary>
#
# Write the forward pass's lines on paper and, under each one, what comes back through it: the gradient at $z$
# (exercise 3); each dense layer then gives the gradient of its *input* and of its parameters (exercise 4:
# which array is the input of each layer?); tanh's derivative can be written with $A_1$ alone, since
# $A_1 = \tanh(Z_1)$, and it applies elementwise. Return a dict with the keys of `params`.
#
# </details>

# %% deletable=false editable=false nbgrader={"cell_type": "code", "checksum": "75d332a08fba287233de850a3918c1e7", "grade": true, "grade_id": "mlp_backward_check", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false} slideshow={"slide_type": "fragment"}
passed[5] = check_mlp_backward(my_mlp_backward)
points(passed[5], out_of=2)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# What you have written and checked, in this order:
#
# - **Softmax**, for one sample and for a batch, stable for logits as large as 1000.
# - Its **Jacobian**, a $K \times K$ matrix, from the quotient rule of notebook 02.
# - **Cross-entropy's gradient** for a batch: the chain rule through that Jacobian, simplified on paper before
#   computing, so nothing divides by a probability that rounds to 0.
# - A **dense layer's backward pass**: each gradient has the shape of its parameter, summed over the batch.
# - **Backpropagation** through the MLP: exercises 3 and 4 chained, with tanh's derivative in between.
#
# The solutions are in the instructor's edition of this notebook.

# %% slideshow={"slide_type": "fragment"}
print(summary(passed))

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** If a check prints "the numbers are wrong, in a way I don't recognise", ask the student to
# compute the small case shown by hand: expected and received are printed side by side, the differing entries
# marked, for exactly that purpose.
