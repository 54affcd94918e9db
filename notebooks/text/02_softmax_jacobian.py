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
# # The softmax Jacobian: how every probability responds to every logit
#
# *CS-514 Fuzzy Logic & Neural Networks · Loss Function Derivative*
#
# By the end of this notebook you can
#
# 1. say why the derivative of softmax is a $K \times K$ **matrix**, and read the lecture's $\frac{\partial S}{\partial z}$ entry by entry;
# 2. derive it **by hand** with the quotient rule, $\frac{\partial S_i}{\partial z_j} = S_i(\delta_{ij} - S_j)$, exactly the slide's matrix, and let **SymPy** check it for $K = 3$;
# 3. (optional) derive the same formula for **any** $K$ with `IndexedBase`, `Sum` and `KroneckerDelta`;
# 4. turn the formula into numbers and **check** it against `course_utils.softmax_jacobian` and finite differences;
# 5. explain three properties (symmetric, rows sum to 0, singular) and what each one means; (optional) a fourth, positive semi-definite.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** Notebook 01 ended with the loss; notebook 03 needs dLoss/dz, and the chain rule goes through this Jacobian. The derivation is done by hand first (quotient rule, two cases); SymPy then repeats the calculus as a check, and the substitution z = log S only serves to read SymPy's answer in terms of S.
# Every symbolic result is turned into numbers and compared with course_utils and with finite differences.

# %% slideshow={"slide_type": "skip"}
import numpy as np
import sympy as sp
from IPython.display import display

# numpy reference code: the same formulas, as numbers
from course_utils import (
    numerical_gradient,  # finite-difference gradient of a scalar function, same shape as its input
    relative_error,  # one number: worst |a - b| divided by the largest |a| + |b|
    softmax,  # probabilities S from logits z
    softmax_jacobian,  # the K x K matrix dS/dz, as numbers
)
from course_utils.plots import jacobian_heatmaps_figure  # the Jacobian as signed heat maps

# SymPy helpers: each returns a symbol, an expression or a matrix that you can display
from course_utils.symbolic import (
    entry_equations,  # "name_i = entry" for each entry of a column, one per line
    equation,  # "lhs = expression" rendered as LaTeX
    evaluate_general,  # a general-K formula evaluated for given K, indices and numbers -> float
    general_softmax,  # S_i = e^{z_i} / sum_k e^{z_k} with a symbolic K
    general_softmax_jacobian,  # dS_i/dz_j for symbolic K: (raw SymPy result, rewritten in S)
    general_symbols,  # K, indices i, j, k, m and the indexed z, S, y
    lambdify_matrix,  # turns a SymPy matrix into a numpy function of the logits
)

np.set_printoptions(precision=4, suppress=True)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## One derivative is not enough
#
# Softmax takes $K$ numbers to $K$ numbers, and **every** $S_i$ depends on **every** $z_j$: $z_j$ sits in the denominator $\sum_k e^{z_k}$ of all of them.
# So there are $K \times K$ partial derivatives, arranged in the **Jacobian** matrix (as on the slide, for $K = 3$):
#
# $$\frac{\partial S}{\partial z} =
# \begin{bmatrix}
# \frac{\partial S_1}{\partial z_1} & \frac{\partial S_1}{\partial z_2} & \frac{\partial S_1}{\partial z_3} \\
# \frac{\partial S_2}{\partial z_1} & \frac{\partial S_2}{\partial z_2} & \frac{\partial S_2}{\partial z_3} \\
# \frac{\partial S_3}{\partial z_1} & \frac{\partial S_3}{\partial z_2} & \frac{\partial S_3}{\partial z_3}
# \end{bmatrix}$$
#
# **Row $i$** holds the derivatives of $S_i$; **column $j$** says how all the probabilities move when $z_j$ moves.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## By hand first: the quotient rule
#
# With $\Sigma = \sum_k e^{z_k}$, note $\frac{\partial \Sigma}{\partial z_j} = e^{z_j}$.
#
# **Diagonal, $i = j$:** both numerator and denominator depend on $z_i$:
#
# $$\frac{\partial}{\partial z_i}\frac{e^{z_i}}{\Sigma} = \frac{e^{z_i}\,\Sigma - e^{z_i}\, e^{z_i}}{\Sigma^2} = S_i - S_i^2 = S_i(1 - S_i)$$
#
# **Off the diagonal, $i \ne j$:** only the denominator depends on $z_j$:
#
# $$\frac{\partial}{\partial z_j}\frac{e^{z_i}}{\Sigma} = \frac{0 \cdot \Sigma - e^{z_i}\, e^{z_j}}{\Sigma^2} = -S_i S_j$$
#
# **Both cases in one formula:** $\frac{\partial S_i}{\partial z_j} = S_i(\delta_{ij} - S_j)$, with the Kronecker delta $\delta_{ij} = 1$ if $i = j$ and $0$ otherwise. This is the slide's matrix; next, SymPy checks it.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The check: softmax in SymPy, for $K = 3$
#
# Three symbols $z_1, z_2, z_3$ and the column of probabilities $S_i = e^{z_i} / \sum_j e^{z_j}$:

# %% slideshow={"slide_type": "fragment"}
z = sp.symbols("z1:4", real=True)  # the logits z1, z2, z3
exps = [sp.exp(z_i) for z_i in z]
S_of_z = sp.Matrix([e / sp.Add(*exps) for e in exps])  # S_i = e^{z_i} / sum_j e^{z_j}, a 3 x 1 column
display(entry_equations("S", S_of_z))  # one line per S_i

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### `Matrix.jacobian` does the calculus
#
# `S_of_z.jacobian(z)` differentiates every entry with respect to every logit. Two of the nine raw results, still in terms of $z$:

# %% slideshow={"slide_type": "fragment"}
J = S_of_z.jacobian(z)  # entry (i, j) = dS_i/dz_j: every S_i differentiated by every z_j

display(equation(r"\frac{\partial S_1}{\partial z_1}", J[0, 0]))
display(equation(r"\frac{\partial S_1}{\partial z_2}", J[0, 1]))

# %% [markdown] slideshow={"slide_type": "fragment"}
# Correct, but hard to read. Notice the pieces, though: $\frac{e^{z_1}}{\sum} = S_1$ and $\frac{e^{z_2}}{\sum} = S_2$. Let us write everything in terms of $S$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Rewrite in terms of $S$
#
# Take the logits $z_i = \log S_i$ for a probability vector $S$ with all $S_i > 0$. Because $e^{\log S_i} = S_i$ and $\sum_j S_j = 1$, $\operatorname{softmax}(\log S) = S$: these logits produce exactly $S$.
# With them, $e^{z_i} = S_i$ and $\sum_j e^{z_j} = 1$: substituting both is exact, not an approximation.
# It covers **every** $z$: any logits give some $S = \operatorname{softmax}(z)$, and $z = \log S + c$ with the same number $c = \log \sum_j e^{z_j}$ added to every logit. Softmax ignores such a shift (notebook 01), $\operatorname{softmax}(z + c) = \operatorname{softmax}(z)$ for all $z$, so differentiating both sides, its Jacobian at $z$ equals its Jacobian at $\log S$.

# %% slideshow={"slide_type": "fragment"}
S = sp.symbols("S1:4", positive=True)  # S1, S2, S3
J_in_S = J.subs({z_i: sp.log(S_i) for z_i, S_i in zip(z, S, strict=True)})  # z_i = log S_i: e^{z_i} is S_i
J_in_S = J_in_S.subs(S[0] + S[1] + S[2], 1)  # and sum_j e^{z_j} = S1 + S2 + S3 = 1
J_in_S = J_in_S.applyfunc(sp.expand)  # multiplied out, as SymPy prints it
display(equation(r"\frac{\partial S}{\partial z}", J_in_S))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The slide's form: $S_i(\delta_{ij} - S_j)$
#
# SymPy prints $-S_1^2 + S_1$; the slide writes $S_1(1 - S_1)$. The same thing, and the pattern is
#
# $$\frac{\partial S_i}{\partial z_j} = S_i(\delta_{ij} - S_j), \qquad \delta_{ij} = \begin{cases} 1 & i = j \\ 0 & i \ne j \end{cases}$$
#
# (the **Kronecker delta**). In matrix form: $\frac{\partial S}{\partial z} = \operatorname{diag}(S) - S S^\top$, where $\operatorname{diag}(S)$ has $S_1, \dots, S_K$ on the diagonal and zeros elsewhere, and $S S^\top$ is the $K \times K$ matrix of products $S_i S_j$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### SymPy's Jacobian is the slide's matrix

# %% slideshow={"slide_type": "fragment"}
# the hand result, entry by entry: S_i (delta_ij - S_j), kept factored like the slide
J_slide = sp.Matrix(3, 3, lambda i, j: S[i] * (sp.KroneckerDelta(i, j) - S[j]))
display(equation(r"\frac{\partial S}{\partial z}", J_slide))

assert (J_in_S - J_slide).expand() == sp.zeros(3, 3), "SymPy's Jacobian is the slide's matrix"

# A second check that does not use z = log S: put S = softmax(z) into the slide's matrix
J_slide_in_z = J_slide.subs(dict(zip(S, S_of_z, strict=True)))
assert sp.simplify(J - J_slide_in_z) == sp.zeros(3, 3), "also true directly in terms of z"

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** The substitution z = log S sometimes worries students ("log of a probability is negative"). Logits can be negative; the point is that softmax(log S) = S for every probability vector S with all S_i > 0, so these logits are as good as any other logits that give the same S.
# The second check (simplify(J − slide matrix in z) = 0) avoids the trick entirely.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Optional: any number of classes $K$
#
# SymPy also works with a symbolic $K$: `IndexedBase` gives $z_i$, $S_i$ with a symbolic index, `Sum` a sum up to $K$.

# %% slideshow={"slide_type": "fragment"}
g = general_symbols()  # K, indices i, j, k, m and IndexedBases z, S, y
display(equation("S_i", general_softmax(g)))
raw, in_S = general_softmax_jacobian(g)  # d S_i / d z_j
display(equation(r"\frac{\partial S_i}{\partial z_j}", raw))
display(equation(r"\frac{\partial S_i}{\partial z_j}", in_S))
expected = g.S[g.i] * (sp.KroneckerDelta(g.i, g.j) - g.S[g.j])
assert sp.simplify(in_S - expected) == 0, "S_i (delta_ij - S_j) for any K"

# %% [markdown] slideshow={"slide_type": "fragment"}
# The second line is SymPy's raw derivative, the quotient rule with a $\delta_{ij}$: the numerator $e^{z_i}$ depends on $z_j$ only when $i = j$. Read $\frac{e^{z_i}}{\sum_k e^{z_k}}$ as $S_i$ and $\frac{e^{z_j}}{\sum_k e^{z_k}}$ as $S_j$, and the second line becomes the third: the same $S_i(\delta_{ij} - S_j)$ as for $K = 3$, now for every $K$.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## From symbols to numbers
#
# A formula is only useful if it gives the right numbers. Three independent ways to get the Jacobian at random logits:
#
# 1. **SymPy:** `lambdify` the derived matrix and evaluate it;
# 2. **`course_utils.softmax_jacobian`:** the numpy reference, $\operatorname{diag}(S) - S S^\top$;
# 3. **finite differences:** nudge each $z_j$ by $\pm\varepsilon$ and watch each $S_i$ (row $i$ is the gradient of $S_i$).

# %% slideshow={"slide_type": "fragment"}
rng = np.random.default_rng(2)
z_num = rng.normal(size=3)

J_sympy = lambdify_matrix(J, z)(z_num)  # 1. the derived SymPy matrix, evaluated with numpy
J_course = softmax_jacobian(z_num)  # 2. the numpy reference
print("z =", z_num.round(4), "  S =", softmax(z_num).round(4))
print("Jacobian (SymPy) =\n", J_sympy.round(4))


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The third way: finite differences

# %% slideshow={"slide_type": "fragment"}
def probability_of_class(i):
    """The function v -> softmax(v)[i]; its gradient is row i of the Jacobian."""
    def S_i(v):
        return softmax(v)[i]
    return S_i


J_fd = np.array([numerical_gradient(probability_of_class(i), z_num) for i in range(3)])  # 3. row by row
print("Jacobian (finite differences) =\n", J_fd.round(4))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### How close is close enough?

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
# The last digits of these errors depend on the CPU's exp; only the bounds matter.
error_sympy = relative_error(J_sympy, J_course)
error_fd = relative_error(J_course, J_fd)
print(f"SymPy vs course_utils:               relative error {error_sympy:.1e}  (bound 1e-12)")
print(f"course_utils vs finite differences:  relative error {error_fd:.1e}  (bound 1e-8)")

# %% slideshow={"slide_type": "fragment"}
np.testing.assert_allclose(J_sympy, J_course, atol=1e-12, err_msg="SymPy and course_utils disagree")
assert error_sympy < 1e-12, "SymPy and course_utils disagree"
assert error_fd < 1e-8, "softmax_jacobian disagrees with finite differences"

# %% [markdown] slideshow={"slide_type": "fragment"}
# A relative error of order $10^{-10}$ (printed above) is as good as finite differences get in float64. A rule of thumb adapted from CS231n's gradient-check notes, for a smooth function like softmax: below $10^{-7}$ is good; $10^{-7}$ to $10^{-4}$ is already too high; $10^{-4}$ to $10^{-2}$ is uncomfortable; above $10^{-2}$ the gradient is probably wrong.
# CS231n compares entry by entry, $|a - b| / \max(|a|, |b|)$; `relative_error` divides the worst difference by the largest $|a| + |b|$, which is never larger (a milder measure), so our checks demand less than $10^{-8}$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Optional: the general-$K$ formula, with numbers, for $K = 5$
#
# `evaluate_general` puts $K = 5$, the indices and the probabilities into $S_i(\delta_{ij} - S_j)$:

# %% slideshow={"slide_type": "fragment"}
z5 = rng.normal(size=5)
S5 = softmax(z5)
J_general = np.array([[evaluate_general(in_S, g, 5, S=S5, i=a, j=b) for b in range(1, 6)]
                      for a in range(1, 6)])

np.testing.assert_allclose(J_general, softmax_jacobian(z5), atol=1e-12, err_msg="general-K formula")
print("J (K = 5) =\n", J_general.round(4))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Can this check fail?
#
# A check that never fails proves nothing. Break one term of the Jacobian, as a typo would: flip the sign of $\frac{\partial S_1}{\partial z_3}$.

# %% slideshow={"slide_type": "fragment"}
J_typo = J_course.copy()
J_typo[0, 2] = -J_typo[0, 2]  # +S1 S3 instead of -S1 S3

error = relative_error(J_typo, J_fd)
print(f"relative error of the broken Jacobian: {error:.2f}")
assert error > 1e-3, "a single wrong entry must show up: relative_error takes the worst entry"

# %% [markdown] slideshow={"slide_type": "fragment"}
# `relative_error` compares the **worst** entry, so one wrong term among nine is enough to fail the check.
# Note what it *cannot* catch here: a transposed Jacobian, because this one is symmetric (next slide).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Four properties, and what they mean (the fourth is optional)
#
# We check each one symbolically (for $K = 3$) and numerically (for the random logits above).

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 1. Symmetric: $\frac{\partial S_i}{\partial z_j} = \frac{\partial S_j}{\partial z_i}$
#
# Off the diagonal both are $-S_i S_j$. **Meaning:** raising $z_j$ takes probability from class $i$ exactly as fast as raising $z_i$ takes it from class $j$.

# %% slideshow={"slide_type": "fragment"}
assert J_in_S == J_in_S.T, "the symbolic Jacobian is symmetric"
np.testing.assert_allclose(J_course, J_course.T, atol=1e-15, err_msg="the numeric Jacobian is symmetric")
print("symmetric: yes")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 2. Every row (and column) sums to 0
#
# $$\sum_j \frac{\partial S_i}{\partial z_j} = S_i\Big(1 - \sum_j S_j\Big) = 0$$
#
# **Meaning (rows):** raising *all* logits by the same amount changes nothing, the shift invariance from notebook 01. **Meaning (columns):** whatever logit you move, the probabilities still sum to 1, so their changes cancel.

# %% slideshow={"slide_type": "fragment"}
row_sums = [sp.simplify(sum(J.row(i))) for i in range(3)]  # straight from the derivative in z
display(equation(r"\sum_j \frac{\partial S_i}{\partial z_j}", sp.Matrix(row_sums)))

assert row_sums == [0, 0, 0], "rows sum to 0"
np.testing.assert_allclose(J_course.sum(axis=1), 0, atol=1e-15, err_msg="numeric rows sum to 0")
np.testing.assert_allclose(J_course.sum(axis=0), 0, atol=1e-15, err_msg="numeric columns sum to 0")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 3. Singular: no inverse
#
# Rows summing to 0 means $\frac{\partial S}{\partial z}\,\mathbf{1} = 0$: the direction $\mathbf{1} = (1, 1, \dots, 1)$ is mapped to zero, so the determinant is 0 and the rank is $K - 1$.
# **Meaning:** you can recover the logits from the probabilities only up to an added constant.

# %% slideshow={"slide_type": "fragment"}
S1, S2, S3 = S
det = J_in_S.det().subs(S3, 1 - S1 - S2).expand()  # use S1 + S2 + S3 = 1
display(equation(r"\det \frac{\partial S}{\partial z}", det))

assert det == 0, "the Jacobian is singular"
assert np.linalg.matrix_rank(J_course) == 2, "rank K - 1 = 2"

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Optional: 4. Positive semi-definite
#
# For any direction $x$, a short calculation (SymPy checks it below) gives
#
# $$x^\top \frac{\partial S}{\partial z}\, x = \sum_i S_i x_i^2 - \Big(\sum_i S_i x_i\Big)^2 \;\ge\; 0,$$
#
# the **variance** of the values $x_i$ when class $i$ is drawn with probability $S_i$, which is never negative.
# **Meaning:** moving the logits a little along $x$ never lowers the average $\sum_i S_i x_i$: probability flows towards the classes with large $x_i$. In particular, raising $z_i$ alone never lowers $S_i$ (take $x$ = the $i$-th unit vector: the diagonal $S_i(1 - S_i) \ge 0$).

# %% slideshow={"slide_type": "fragment"}
x = sp.Matrix(sp.symbols("x1:4", real=True))
quadratic_form = (x.T * J_in_S * x)[0, 0]
variance = sum(S[i] * x[i] ** 2 for i in range(3)) - sum(S[i] * x[i] for i in range(3)) ** 2
assert sp.expand(quadratic_form - variance) == 0, "x^T J x is the variance of x under S"

eigenvalues = np.linalg.eigvalsh(J_course)
print("eigenvalues:", eigenvalues.round(4) + 0.0)  # + 0.0 turns a rounded -0.0 into 0.0
assert np.all(eigenvalues > -1e-12), "no negative eigenvalue: positive semi-definite"

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** The eigenvalue 0 belongs to the direction (1, 1, 1): that is property 3 again. If students know covariance matrices: diag(S) − S Sᵀ is exactly the covariance matrix of a one-hot vector drawn from the distribution S.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## What the Jacobian looks like
#
# Positive diagonal (red, +), negative off the diagonal (blue, −). When softmax is **confident** (one $S_i$ near 1), every entry is near 0: softmax has **saturated**, and changes to the logits barely move the probabilities.

# %% slideshow={"slide_type": "fragment"}
cases = {"uncertain": [0.5, 0.2, 0.0], "confident": [6.0, 0.0, 0.0]}
assert np.abs(softmax_jacobian(cases["confident"])).max() < 0.01, "a saturated softmax has a tiny Jacobian"
jacobian_heatmaps_figure(cases)  # red +, blue -; each value written in its cell

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** Saturation is one reason frameworks fuse softmax and cross-entropy. When a prediction is confidently wrong, −y/S is huge and the Jacobian tiny; their product is the harmless S − y (notebook 03), but computed separately S_c can round to 0 and give inf × 0 = nan.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Try it: the largest diagonal entry
#
# Where is the largest possible diagonal entry $S_i(1 - S_i)$? Find it with SymPy (`sp.solve(sp.diff(S1 * (1 - S1), S1), S1)`) and check it with `softmax_jacobian` for logits that make $S_1 = 0.5$.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - The derivative of softmax is a $K \times K$ **Jacobian**: row $i$ holds $\partial S_i / \partial z_j$ for every $j$.
# - SymPy derives it (`Matrix.jacobian`) and simplifies it to $\frac{\partial S_i}{\partial z_j} = S_i(\delta_{ij} - S_j)$: $S_i(1 - S_i)$ on the diagonal, $-S_i S_j$ off it, i.e. $\operatorname{diag}(S) - S S^\top$; the same for any $K$ with `IndexedBase`, `Sum` and `KroneckerDelta`.
# - SymPy, `course_utils.softmax_jacobian` and finite differences agree (relative error below $10^{-8}$, of order $10^{-10}$), and a single wrong term is caught.
# - It is **symmetric**, its rows **sum to 0** (adding a constant to all logits changes nothing), so it is **singular**, and it is **positive semi-definite** ($x^\top J x$ is a variance).
#
# Next: **notebook 03** multiplies this Jacobian by $\partial \mathrm{Loss} / \partial S$, and almost everything cancels.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Try it (more)
#
# 1. Build the Jacobian for $K = 4$ the same way (four symbols, `S_of_z.jacobian(z)`, the substitution) and check that it has the same pattern.
# 2. Set `z_num = np.array([1000.0, 1001.0, 1002.0])`: does `softmax_jacobian` still work? Does the lambdified SymPy formula? (Think of notebook 01.)
# 3. Compute `softmax_jacobian(z_num) @ np.ones(3)` and `np.ones(3) @ softmax_jacobian(z_num)`. Which property does each show?

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** Answer to 2: course_utils uses the max shift, so it works; the lambdified formula exponentiates the raw logits and returns nan (numpy also warns about the overflow).
