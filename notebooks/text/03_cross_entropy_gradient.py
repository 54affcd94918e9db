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
# # The cross-entropy gradient: from the chain rule to $S - y$
#
# *CS-514 Fuzzy Logic & Neural Networks · Loss Function Derivative*
#
# By the end of this notebook you can
#
# 1. derive $\frac{\partial \mathrm{Loss}}{\partial S_i} = -\frac{y_i}{S_i}$;
# 2. apply the chain rule as the lecture does, **row vector × Jacobian column**, for $z_1$, $z_2$ and $z_3$, watch $S_i$ cancel term by term, and check every intermediate expression with SymPy;
# 3. reach the same $S - y$ by a second route, through log-sum-exp in two lines, and say when each route is the useful one;
# 4. state the result for **any** labels, $\frac{\partial \mathrm{Loss}}{\partial z_m} = S_m \sum_i y_i - y_m$, and say exactly where $\sum_i y_i = 1$ turns it into $S_m - y_m$;
# 5. read the slide's two-case summary as intended (for the true class), and say why its second line fails for the other classes;
# 6. compute the gradient for a batch and say where the $\frac{1}{N}$ goes;
# 7. read the gradient: the true class $c$'s logit is pushed **up** by $1 - S_c$, every other logit **down** by its probability.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** This is the payoff of notebooks 01 and 02: a 3×3 Jacobian and a vector of −y/S collapse into S − y.
# The slides do the product three times (z1, z2, z3); we do the same, then generalise, then look hard at the slide's summary: right for the true class, but its "y_i S_m = 0" fails for the other classes (its conclusion is right).

# %% slideshow={"slide_type": "skip"}
import numpy as np
import sympy as sp
from IPython.display import display

from course_utils import (
    cross_entropy_grad,
    cross_entropy_with_logits,
    numerical_gradient,
    one_hot,
    relative_error,
    softmax,
    softmax_jacobian,
)
from course_utils.plots import gradient_step_figure
from course_utils.symbolic import (
    chain_rule_product,
    cross_entropy_sym,
    equation,
    general_cross_entropy_grad,
    general_symbols,
    label_symbols,
    logit_symbols,
    probability_symbols,
    slide_jacobian,
    softmax_sym,
)
from course_utils.widgets import LogitsExplorer

np.set_printoptions(precision=4, suppress=True)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## From logits to loss, and back
#
# The loss depends on the logits only through the probabilities:
#
# $$z \;\xrightarrow{\ \text{softmax}\ }\; S \;\xrightarrow{\ -\sum_i y_i \log S_i\ }\; \mathrm{Loss}$$
#
# Every logit $z_m$ reaches the loss through **every** $S_i$ (notebook 02), so the chain rule sums over all of them (the lecture's formula):
#
# $$\frac{\partial \mathrm{Loss}}{\partial z_m} = \sum_{i=1}^{K} \frac{\partial \mathrm{Loss}}{\partial S_i}\, \frac{\partial S_i}{\partial z_m}$$
#
# Two ingredients: $\frac{\partial \mathrm{Loss}}{\partial S_i}$ (next slide) and $\frac{\partial S_i}{\partial z_m}$, the Jacobian from notebook 02.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Step 1: $\frac{\partial \mathrm{Loss}}{\partial S_i} = -\frac{y_i}{S_i}$
#
# Treat $S_1, S_2, S_3$ as plain variables and differentiate $\mathrm{Loss} = -\sum_i y_i \log S_i$. The slide draws $\frac{\partial \mathrm{Loss}}{\partial S}$ as a column; the chain rule on the next slides uses its transpose, a row:

# %% slideshow={"slide_type": "fragment"}
S, y = probability_symbols(3), label_symbols(3)  # S1, S2, S3 and y1, y2, y3
(S1, S2, S3), (y1, y2, y3) = S, y
loss = -(y1 * sp.log(S1) + y2 * sp.log(S2) + y3 * sp.log(S3))  # the lecture's loss (natural log)
dLoss_dS = sp.Matrix([[sp.diff(loss, S_i) for S_i in S]])  # the row [dLoss/dS1, dLoss/dS2, dLoss/dS3]
display(equation(r"\mathrm{Loss}", loss))
# a column, as on the slide, is the transpose of the row used in the product:
row_transposed = sp.latex(dLoss_dS) + r"^{\top}"
display(equation(r"\frac{\partial \mathrm{Loss}}{\partial S}", dLoss_dS.T, row_transposed))

assert dLoss_dS == sp.Matrix([[-y1 / S1, -y2 / S2, -y3 / S3]]), "dLoss/dS_i = -y_i / S_i"

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Only one term survives: the slide's numbers
#
# Only one term of the sum contains $S_i$, so only it survives. (The slide writes $\frac{\partial}{\partial S_i}\big(-\sum_{i=1}^K y_i \log S_i\big)$, using $i$ both for the variable and for the summation index; cleaner is $\frac{\partial}{\partial S_j}\big(-\sum_i y_i \log S_i\big) = -\frac{y_j}{S_j}$.)

# %% slideshow={"slide_type": "fragment"}
y_slide = np.array([0.0, 0.0, 1.0])
S_slide = np.array([0.1, 0.3, 0.6])

dLoss_dS_num = 0.0 - y_slide / S_slide  # (0.0 - ... rather than -...: no "-0." in the printout)
fd = numerical_gradient(lambda S_var: -np.sum(y_slide * np.log(S_var)), S_slide)
print("-y / S              =", dLoss_dS_num.round(4))
print("finite differences  =", fd.round(4))
assert relative_error(fd, dLoss_dS_num) < 1e-8, "finite differences agree with -y_i / S_i"

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Step 2: the chain rule for $z_1$, as on the slide
#
# Row vector $\frac{\partial \mathrm{Loss}}{\partial S}$ times column 1 of the Jacobian (how $S_1, S_2, S_3$ respond to $z_1$), one term per class:
#
# $$\frac{\partial \mathrm{Loss}}{\partial z_1} =
# \begin{bmatrix} -\frac{y_1}{S_1} & -\frac{y_2}{S_2} & -\frac{y_3}{S_3} \end{bmatrix}
# \begin{bmatrix} S_1(1-S_1) \\ -S_2 S_1 \\ -S_3 S_1 \end{bmatrix}$$
#
# $$\begin{aligned}
# &= -\frac{y_1}{S_1}\,S_1(1 - S_1) \;-\; \frac{y_2}{S_2}\,(-S_2 S_1) \;-\; \frac{y_3}{S_3}\,(-S_3 S_1) \\
# &= -y_1(1 - S_1) + y_2 S_1 + y_3 S_1 \\
# &= y_1(S_1 - 1) + y_2 S_1 + y_3 S_1 \\
# &= S_1(y_1 + y_2 + y_3) - y_1 = S_1 \textstyle\sum_i y_i - y_1
# \end{aligned}$$
#
# Line by line: the three terms; each $S_i$ **cancels**; the slide's expression; collect $S_1$. That is $S_1 - y_1$ when the labels sum to 1.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### SymPy confirms it, term by term

# %% slideshow={"slide_type": "fragment"}
J = sp.Matrix(3, 3, lambda i, j: S[i] * ((1 if i == j else 0) - S[j]))  # notebook 02
# (-y_i / S_i) * dS_i/dz1, unevaluated: the cancellation stays visible
terms = [sp.Mul(dLoss_dS[i], J[i, 0], evaluate=False) for i in range(3)]
simplified = [sp.factor(t) for t in terms]  # S_i cancels in each
display(equation(r"\text{terms}", sp.Matrix([terms]), sp.Matrix([simplified])))

slide_z1 = y1 * (S1 - 1) + y2 * S1 + y3 * S1  # the slide's intermediate expression
expected_terms = [sp.expand(-y1 * (1 - S1)), y2 * S1, y3 * S1]
assert [sp.expand(t) for t in simplified] == expected_terms, "each term, simplified"
assert sp.expand(sum(terms) - slide_z1) == 0, "SymPy confirms the slide's z1 expression"
assert sp.expand(sum(terms) - (S1 * (y1 + y2 + y3) - y1)) == 0, "= S1 * sum(y) - y1"
assert sp.expand((dLoss_dS * J[:, 0])[0] - sum(terms)) == 0, "the row x column product"

# %% slideshow={"slide_type": "skip"}
# course_utils agrees with the code above (run, not shown on the slides)
assert sp.expand(chain_rule_product(1, S, y) - sum(terms)) == 0, "the helper agrees"

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### With the slide's labels
#
# The slide's example has true class 3, $y = [0, 0, 1]$:

# %% slideshow={"slide_type": "fragment"}
one_hot_3 = {y1: 0, y2: 0, y3: 1}
display(equation(r"\frac{\partial \mathrm{Loss}}{\partial z_1}", slide_z1.subs(one_hot_3), "S_1 - 0",
                  "S_1 - y_1"))
assert slide_z1.subs(one_hot_3) == S1 - 0, "with y = [0, 0, 1]: dLoss/dz1 = S1 = S1 - y1"

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The same for $z_2$ (slide)
#
# $$\begin{aligned}\frac{\partial \mathrm{Loss}}{\partial z_2} &=
# \begin{bmatrix} -\frac{y_1}{S_1} & -\frac{y_2}{S_2} & -\frac{y_3}{S_3} \end{bmatrix}
# \begin{bmatrix} -S_1 S_2 \\ S_2(1-S_2) \\ -S_3 S_2 \end{bmatrix}
# \\ &= y_1 S_2 + y_2 (S_2 - 1) + y_3 S_2\end{aligned}$$

# %% slideshow={"slide_type": "fragment"}
slide_z2 = y1 * S2 + y2 * (S2 - 1) + y3 * S2
product_2 = (dLoss_dS * J[:, 1])[0]  # row x column 2
display(equation(r"\frac{\partial \mathrm{Loss}}{\partial z_2}", product_2, slide_z2))
assert sp.expand(product_2 - slide_z2) == 0, "SymPy confirms the slide's expression for z2"
assert slide_z2.subs(one_hot_3) == S2 - 0, "with y = [0, 0, 1]: dLoss/dz2 = S2 = S2 - y2"

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### And for $z_3$, the true class (slide)
#
# $$\begin{aligned}\frac{\partial \mathrm{Loss}}{\partial z_3} &=
# \begin{bmatrix} -\frac{y_1}{S_1} & -\frac{y_2}{S_2} & -\frac{y_3}{S_3} \end{bmatrix}
# \begin{bmatrix} -S_1 S_3 \\ -S_2 S_3 \\ S_3(1-S_3) \end{bmatrix}
# \\ &= y_1 S_3 + y_2 S_3 + y_3 (S_3 - 1)\end{aligned}$$

# %% slideshow={"slide_type": "fragment"}
slide_z3 = y1 * S3 + y2 * S3 + y3 * (S3 - 1)
product_3 = (dLoss_dS * J[:, 2])[0]  # row x column 3
display(equation(r"\frac{\partial \mathrm{Loss}}{\partial z_3}", product_3, slide_z3))
assert sp.expand(product_3 - slide_z3) == 0, "SymPy confirms the slide's expression for z3"
assert slide_z3.subs(one_hot_3) == S3 - 1, "with y = [0, 0, 1]: dLoss/dz3 = S3 - 1 = S3 - y3"

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** All three of the slides' intermediate expressions are correct, and so are the three one-hot results. Ask the class to spot the pattern before the next slide: S_m times something, minus y_m.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## For any labels: $S_m \sum_i y_i - y_m$
#
# Collect the $S_m$ terms of each expression: $y_1(S_1 - 1) + y_2 S_1 + y_3 S_1 = S_1(y_1 + y_2 + y_3) - y_1$, and the same for $z_2$ and $z_3$:

# %% slideshow={"slide_type": "fragment"}
sum_y = y1 + y2 + y3
for m in (1, 2, 3):
    general_m = S[m - 1] * sum_y - y[m - 1]
    display(equation(rf"\frac{{\partial \mathrm{{Loss}}}}{{\partial z_{m}}}", general_m))
    assert sp.expand(chain_rule_product(m, S, y) - general_m) == 0, f"dLoss/dz{m} = S{m} * sum(y) - y{m}"

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Now, and only now: $\sum_i y_i = 1$
#
# Nothing has been assumed about $y$ so far. **Now, and only now, we use that the labels sum to 1**, which is true for one-hot labels and for proper soft labels such as $[0.1, 0.2, 0.7]$:
#
# $$\sum_i y_i = 1 \quad\Longrightarrow\quad \boxed{\frac{\partial \mathrm{Loss}}{\partial z_m} = S_m - y_m}$$
#
# Many texts use $\sum_i y_i = 1$ without saying so. When it fails, $S - y$ is simply the wrong gradient (two slides on).

# %% slideshow={"slide_type": "fragment"}
for m in (1, 2, 3):
    with_sum_one = (S[m - 1] * sum_y - y[m - 1]).subs(sum_y, 1)  # here, and only here: y1 + y2 + y3 = 1
    assert with_sum_one == S[m - 1] - y[m - 1], f"dLoss/dz{m} = S{m} - y{m} once the labels sum to 1"

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### A second route: through log-sum-exp, in two lines
#
# Skip $S$: write $\log S_i = z_i - \log \sum_j e^{z_j}$ (notebook 01's log-softmax) into the loss. **If $\sum_i y_i = 1$:**
#
# $$\mathrm{Loss} = -\sum_i y_i \Big(z_i - \log \sum_j e^{z_j}\Big) = \log \sum_j e^{z_j} - \sum_i y_i z_i$$
#
# $$\frac{\partial \mathrm{Loss}}{\partial z_m} = \frac{e^{z_m}}{\sum_j e^{z_j}} - y_m = S_m - y_m$$
#
# (Without $\sum_i y_i = 1$ the first term keeps its factor: $\left(\sum_i y_i\right) \log \sum_j e^{z_j}$, and the result is $S_m \sum_i y_i - y_m$ again.)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### SymPy checks the two lines

# %% slideshow={"slide_type": "fragment"}
z = logit_symbols(3)
log_sum_exp = sp.log(sp.exp(z[0]) + sp.exp(z[1]) + sp.exp(z[2]))
loss_lse = log_sum_exp - (y1 * z[0] + y2 * z[1] + y3 * z[2])  # when y1 + y2 + y3 = 1
loss_of_z = cross_entropy_sym(list(softmax_sym(z)), y)  # -sum_i y_i log softmax(z)_i
difference = sp.expand(sp.expand_log(loss_of_z, force=True) - loss_lse)
assert difference.subs(y3, 1 - y1 - y2).expand() == 0, "the same loss when sum(y) = 1"

S_of_z = [sp.exp(z_m) / sp.exp(log_sum_exp) for z_m in z]  # softmax
for m in range(3):
    d_lse = sp.diff(loss_lse, z[m])
    assert sp.simplify(d_lse - (S_of_z[m] - y[m])) == 0, f"dLoss/dz{m + 1} = S - y"
display(equation(r"\frac{\partial \mathrm{Loss}}{\partial z_1}", sp.diff(loss_lse, z[0]), "S_1 - y_1"))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### When each route is the useful one
#
# | the Jacobian route (the lecture) | the log-sum-exp route |
# | --- | --- |
# | works for **any** loss on top of softmax: only $\frac{\partial \mathrm{Loss}}{\partial S}$ changes | only for cross-entropy; simplest when $\sum_i y_i = 1$ (otherwise the factor $\sum_i y_i$ stays, as above) |
# | shows *why* the result is simple: $\frac{1}{S_i}$ cancels $S_i$ term by term | two lines, no $K \times K$ matrix |
# | what a framework does when softmax is its own layer | what frameworks do when softmax and the loss are **fused**: $O(K)$ work, and $\log S$ is never rounded to $-\infty$ |

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Optional: a third route, let SymPy differentiate with respect to $z$
#
# No algebra by hand at all: write the loss as a function of the logits, $-\sum_i y_i \log\big(\operatorname{softmax}(z)_i\big)$, let SymPy differentiate, then rewrite in $S$ by notebook 02's substitution $z_m = \log S_m$ (exact: softmax ignores a shift of all logits):

# %% slideshow={"slide_type": "fragment"}
z = logit_symbols(3)
loss_of_z = cross_entropy_sym(list(softmax_sym(z)), y)
gradient_z = sp.Matrix([[sp.diff(loss_of_z, z_m) for z_m in z]])
gradient_in_S = gradient_z.subs({z_m: sp.log(S_m) for z_m, S_m in zip(z, S, strict=True)})  # e^{z_m} = S_m
gradient_in_S = gradient_in_S.subs(S[0] + S[1] + S[2], 1).applyfunc(sp.expand)  # as in notebook 02
# shown as a column, so that it fits the slide
display(equation(r"\left(\frac{\partial \mathrm{Loss}}{\partial z}\right)^{\top}", gradient_in_S.T))

expected = sp.Matrix([[S[m] * sum_y - y[m] for m in range(3)]])
assert (gradient_in_S - expected).expand() == sp.zeros(1, 3), "both routes give S * sum(y) - y"

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### When the labels do not sum to 1
#
# Suppose someone marks two classes as correct, $y = [0, 1, 1]$ (multi-label data fed to a softmax loss), so $\sum_i y_i = 2$.
# Which formula matches the true gradient, measured by finite differences?

# %% slideshow={"slide_type": "fragment"}
z_slide = np.log(S_slide)  # logits whose softmax is the slide's S = [0.1, 0.3, 0.6]
y_two = np.array([0.0, 1.0, 1.0])
S_num = softmax(z_slide)

fd = numerical_gradient(lambda z_var: cross_entropy_with_logits(z_var, y_two), z_slide)
general_form = S_num * y_two.sum() - y_two
print("finite differences   =", fd.round(4))
print("S * sum(y) - y       =", general_form.round(4))
print("S - y                =", (S_num - y_two).round(4))

assert relative_error(fd, general_form) < 1e-8, "the general form is the gradient"
assert relative_error(fd, S_num - y_two) > 0.1, "S - y is wrong when sum(y) != 1"

# %% slideshow={"slide_type": "skip"}
# course_utils agrees with the code above (run, not shown on the slides)
assert relative_error(cross_entropy_grad(z_slide, y_two), fd) < 1e-8, "course_utils uses the general form"

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** Ask first: *is y = [0, 1, 1] a legal label for a softmax loss?* (It runs without error.) Then show that S − y is silently wrong here: many derivations use Σy = 1 without saying so, and this is the counterexample. Multi-label problems use one sigmoid per class instead of a softmax.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Any number of classes $K$
#
# The same derivation with `IndexedBase` and `Sum`: the chain-rule sum with the Jacobian $S_i(\delta_{im} - S_m)$ (SymPy cancels $\frac{1}{S_i} \cdot S_i$ as it builds the sum, so it shows the sum already shortened), and, as a second route, the derivative of the loss written in $z$.

# %% slideshow={"slide_type": "fragment"}
g = general_symbols()
lhs = r"\frac{\partial \mathrm{Loss}}{\partial z_m}"

i, m = g.i, g.m
written = sp.Sum((-g.y[i] / g.S[i]) * g.S[i] * (sp.KroneckerDelta(i, m) - g.S[m]), (i, 1, g.K))
value = sp.expand(written).doit()  # the delta keeps the i = m term of the first part
value = value.subs({sp.Ge(g.K, m): True, sp.Le(m, g.K): True})  # m is a class: m <= K
value = sp.simplify(sp.factor_terms(value))  # S_m comes out of the second part's sum
display(equation(lhs, written, value))

raw, in_S = general_cross_entropy_grad(g)  # differentiate -sum_i y_i log softmax(z)_i directly
display(equation(lhs, in_S))
assert sp.simplify(value - in_S) == 0, "both routes agree for any K"

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### How SymPy gets there, and $\sum_i y_i = 1$
#
# SymPy cancels $\frac{1}{S_i} \cdot S_i$ at once. Then the Kronecker delta does the work: $\sum_i -y_i\,\delta_{im} = -y_m$ keeps only the $i = m$ term, and $S_m$ factors out of $\sum_i y_i S_m$.

# %% slideshow={"slide_type": "fragment"}
sum_y_K = sp.Sum(g.y[g.i], (g.i, 1, g.K))
display(equation(lhs + r"\Big|_{\sum_i y_i = 1}", in_S.subs(sum_y_K, 1)))
assert in_S.subs(sum_y_K, 1) == g.S[g.m] - g.y[g.m], "S_m - y_m once the labels sum to 1"

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Errata: the slide's summary
#
# The lecture summarises the result as
#
# $$\frac{\partial \mathrm{Loss}}{\partial z_i} = S_i - y_i \;\text{ when } i = m, \qquad \frac{\partial \mathrm{Loss}}{\partial z_m} = y_i S_m \;\text{ when } i \ne m,$$
#
# "the second term $y_i S_m = 0$ when $i \ne m$, therefore $\frac{\partial \mathrm{Loss}}{\partial z_i} = S_i - y_i$."
#
# **Key:** here, as in the rest of this notebook, $m$ is the logit we differentiate by and $c$ the true class. **In short:** the second line is one *term* of a sum, not $\frac{\partial \mathrm{Loss}}{\partial z_m}$, and the argument holds only for $m = c$.
#
# **For the true class, $m = c$:** in the chain-rule sum $\frac{\partial \mathrm{Loss}}{\partial z_m} = \sum_i y_i\,(S_m - \delta_{im})$, the $i = m$ term is $y_m(S_m - 1) = S_m - 1 = S_m - y_m$ (because $y_m = 1$), and every other term $y_i S_m$ is $0$ because $y_i = 0$ for $i \ne c$. So for $m = c$ the slide's argument is right:

# %% slideshow={"slide_type": "fragment"}
m = 3  # the true class of y = [0, 0, 1]
terms_c = [(-y[i] / S[i]) * slide_jacobian(S)[i, m - 1] for i in range(3)]  # the three terms of the sum
at_one_hot_c = sp.Matrix([[sp.factor(t.subs(one_hot_3)) for t in terms_c]])
display(equation(r"\text{terms for } z_3 \text{ at } y = [0, 0, 1]", at_one_hot_c))

assert at_one_hot_c == sp.Matrix([[0, 0, S3 - 1]]), "i = m = c: S3 - 1; the others are 0"

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The other classes: $m \ne c$
#
# Now the $i = m$ term is $y_m(S_m - 1) = 0$ (because $y_m = 0$), and the whole answer comes from the term $i = c$: $y_c S_m = S_m$, which is **not** $0$.
# So "$y_i S_m = 0$ when $i \ne m$" is false here; it holds only for $i \ne c$. The slide's $z_1$ with $y = [0, 0, 1]$:

# %% slideshow={"slide_type": "fragment"}
m = 1  # the slide's z1 with y = [0, 0, 1]: m is NOT the true class
terms = [(-y[i] / S[i]) * slide_jacobian(S)[i, m - 1] for i in range(3)]  # the three terms of the sum
display(equation(r"\text{terms } i = 1, 2, 3", sp.Matrix([terms])))
at_one_hot = sp.Matrix([[term.subs(one_hot_3) for term in terms]])
display(equation(r"\text{the three terms at } y = [0, 0, 1]", at_one_hot))

assert sp.expand(terms[0] - y1 * (S1 - 1)) == 0, "the i = m term is y1 (S1 - 1) ..."
assert sp.expand(terms[0] - (S1 - y1)) != 0, "... which is S1 - y1 only when y1 = 1 (m the true class)"
assert (terms[1], terms[2]) == (y2 * S1, y3 * S1), "the i != m terms are y_i S_m: terms, not derivatives"
assert terms[2].subs(one_hot_3) == S1, "the i != m term y3 S1 is not 0: it is S1"
assert sp.expand(sum(terms)).subs(one_hot_3) == S1, "and it is the whole derivative dLoss/dz1 = S1 - y1"

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The other classes, in numbers

# %% slideshow={"slide_type": "fragment"}
# In numbers, at the slide's S = [0.1, 0.3, 0.6]: the slide's second line "dLoss/dz_m = y_i S_m" for m = 1
true_dLoss_dz1 = cross_entropy_grad(z_slide, y_slide)[0]
slide_line_2 = {i: y_slide[i - 1] * S_slide[0] for i in (2, 3)}  # y_i S_1 for both i != m
for i, value in slide_line_2.items():
    print(f"slide's y_{i} S_1 = {value:.1f}")
print(f"true dLoss/dz_1 = {true_dLoss_dz1:.1f}")

assert slide_line_2[2] == 0.0 and np.isclose(slide_line_2[3], 0.1), "y_i S_1 depends on i ..."
assert np.isclose(true_dLoss_dz1, 0.1), "... so it cannot be dLoss/dz_1, which is one number: 0.1"

# %% [markdown] slideshow={"slide_type": "fragment"}
# The value depends on $i$, so it cannot be $\frac{\partial \mathrm{Loss}}{\partial z_m}$. (Here $i = 3 = c$ happens to give the right value: the single nonzero term is the whole sum.)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### SymPy settles it
#
# Add all three terms instead of arguing about which ones vanish: for every $m$, with any labels, the sum is $S_m \sum_i y_i - y_m$, and with one-hot labels $S_m - y_m$.

# %% slideshow={"slide_type": "fragment"}
for m in (1, 2, 3):
    terms_m = [(-y[i] / S[i]) * slide_jacobian(S)[i, m - 1] for i in range(3)]
    total = sp.expand(sum(terms_m))
    at_one_hot_m = sp.factor(total.subs(one_hot_3))
    display(equation(rf"\sum_i \text{{term}}_i \text{{ for }} z_{m}", total, at_one_hot_m))
    assert sp.expand(total - (S[m - 1] * sum_y - y[m - 1])) == 0, f"the sum for z{m} is S{m} sum(y) - y{m}"
    assert total.subs(one_hot_3) == S[m - 1] - one_hot_3[y[m - 1]], f"one-hot: S{m} - y{m}"

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Line by line
#
# | the slide says | what is true |
# | --- | --- |
# | $S_i - y_i$ when $i = m$ | the $i = m$ **term** is $y_m(S_m - 1)$: $S_m - y_m$ for the true class ($y_m = 1$), $0$ for the others |
# | $\frac{\partial \mathrm{Loss}}{\partial z_m} = y_i S_m$ when $i \ne m$ | $y_i S_m$ is **one term** of the sum, not a derivative; $\frac{\partial \mathrm{Loss}}{\partial z_m}$ is the whole sum |
# | $y_i S_m = 0$ when $i \ne m$ | true for $m = c$; for $m \ne c$ the term $i = c$ is $y_c S_m = S_m$, the whole answer. What always holds: $y_i S_m = 0$ when $i \ne c$ |
# | therefore $S_i - y_i$ | yes: $y_m(S_m - 1) + \sum_{i \ne m} y_i S_m = S_m \sum_i y_i - y_m = S_m - y_m$ when $\sum_i y_i = 1$ |

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** Other small things in the lecture text: the derivative slide uses i both as the variable and as the summation index; ∂Loss/∂S is drawn as a column vector on one slide and used as a row vector on the next (the Step 1 slide shows both); and the two summary lines swap i and m (∂Loss/∂z_i on one line, ∂Loss/∂z_m on the other). None changes the final result.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The slide's numbers: $S - y = [0.1,\ 0.3,\ -0.4]$
#
# With $S = [0.1, 0.3, 0.6]$ and $y = [0, 0, 1]$, four independent computations must agree:

# %% slideshow={"slide_type": "fragment"}
gradient = cross_entropy_grad(z_slide, y_slide)  # course_utils: S - y
via_jacobian = (-y_slide / S_slide) @ softmax_jacobian(z_slide)  # row vector x Jacobian, all columns at once
values = {**dict(zip(S, S_slide, strict=True)), **dict(zip(y, y_slide, strict=True))}
via_sympy = np.array([float(chain_rule_product(m, S, y).subs(values)) for m in (1, 2, 3)])
via_fd = numerical_gradient(lambda z_var: cross_entropy_with_logits(z_var, y_slide), z_slide)

print("S - y (course_utils)         =", gradient.round(4))
print("dLoss/dS @ Jacobian          =", via_jacobian.round(4))
print("SymPy's row x column, m=1..3 =", via_sympy.round(4))
print("finite differences           =", via_fd.round(4))

# %% slideshow={"slide_type": "fragment"}
np.testing.assert_allclose(gradient, [0.1, 0.3, -0.4], atol=1e-12, err_msg="the slide's example: S - y")
np.testing.assert_allclose(via_jacobian, gradient, atol=1e-12, err_msg="the chain rule through the Jacobian")
np.testing.assert_allclose(via_sympy, gradient, atol=1e-12, err_msg="SymPy's product, in numbers")
assert relative_error(via_fd, gradient) < 1e-8, "finite differences agree with cross_entropy_grad"

# %% [markdown] slideshow={"slide_type": "slide"}
# ## What the gradient says
#
# Gradient descent changes the logits by $-\eta\,(S - y)$ (treating $z$ as if it were a parameter; notebook 04 moves the weights and the logits follow):
#
# - the **true class** $c$: $-(S_c - 1) = 1 - S_c > 0$, its logit is **pushed up** by how much probability is still missing;
# - every **other class** $i$: $-S_i < 0$, its logit is **pushed down** by its own probability;
# - the pushes sum to $0$ ($\sum_i S_i - \sum_i y_i = 1 - 1$): probability is moved between classes, not created.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The slide's example as a picture
#
# The figure shows the slide's example with $\eta = 1$: for each class, bars for $S$, $y$ and the move $-(S - y)$: $+0.4$ for the true class 3, $-0.1$ and $-0.3$ for classes 1 and 2.

# %% slideshow={"slide_type": "fragment"}
gradient_step_figure(S_slide, y_slide)  # bars of S, y and the step -(S - y), drawn by course_utils

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### One step of gradient descent
#
# Take the step $z \leftarrow z - \eta\,(S - y)$ with $\eta = 1$, and compare the loss before and after:

# %% slideshow={"slide_type": "fragment"}
learning_rate = 1.0
z_after = z_slide - learning_rate * gradient
loss_before = cross_entropy_with_logits(z_slide, y_slide)
loss_after = cross_entropy_with_logits(z_after, y_slide)
print(f"S before: {S_slide}   loss {loss_before:.3f}")
print(f"S after:  {softmax(z_after).round(3)}   loss {loss_after:.3f}")

assert np.isclose(-gradient[2], 1 - S_slide[2]), "the true class is pushed up by 1 - S_c"
np.testing.assert_allclose(-gradient[:2], -S_slide[:2], err_msg="the others are pushed down by S_i")
assert abs(gradient.sum()) < 1e-12, "the pushes sum to 0"
assert loss_after < loss_before, "one step downhill lowers the loss"

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Try it: the logits explorer
#
# Sliders set $z$ and the true class; $T$ (**temperature**) divides the logits, $\varepsilon$ (**label smoothing**) makes $y = (1 - \varepsilon)\,y + \varepsilon / K$. $T = 1$, $\varepsilon = 0$ show exactly this notebook's $S - y$.
#
# The explorer opens on the slide's example, $S \approx [0.1, 0.3, 0.6]$ with true class 3.
#
# - Drag the true class's logit up until $S_3 \approx 1$: what happens to every entry of $S - y$?
# - Drag a wrong class's logit up: its push grows with its probability. Which correction is the biggest when the model is confident and wrong?
# - Move the $\varepsilon$ slider up: the labels still sum to 1, so the gradient is still $S - y$, but it no longer vanishes when the model is certain.

# %% slideshow={"slide_type": "subslide"} tags=["nbval-ignore-output"]
LogitsExplorer().widget  # drag the logits, change the true class: S, the loss and S - y move

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** Live demo: start from the slide's example, then drag the true class's logit up until S_c ≈ 1 and show the gradient vanish; then drag a wrong class up and show that its push grows with its probability. That "confident and wrong gets the biggest correction" is the intuition to leave the class with.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## A batch: where the $\frac{1}{N}$ goes
#
# The batch loss is the mean over $N$ samples, $\mathrm{Loss} = \frac{1}{N}\sum_{n=1}^{N} \mathrm{Loss}_n$, and sample $n$'s loss depends only on its own logits $z_n$. So row $n$ of the gradient is
#
# $$\frac{\partial \mathrm{Loss}}{\partial z_{n,m}} = \frac{1}{N}\,\frac{\partial \mathrm{Loss}_n}{\partial z_{n,m}} = \frac{S_{n,m} - y_{n,m}}{N}.$$
#
# The $\frac{1}{N}$ comes from the mean, and it multiplies **every** row.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### In numbers: a batch of $N = 4$

# %% slideshow={"slide_type": "fragment"}
rng = np.random.default_rng(514)
N, K = 4, 3
z_batch = rng.normal(scale=2.0, size=(N, K)).round(2)
labels = np.array([2, 0, 1, 2])

dz_batch = cross_entropy_grad(z_batch, labels)  # reduction="mean", the default
dz_by_formula = (softmax(z_batch) - one_hot(labels, K)) / N
dz_fd = numerical_gradient(lambda z_var: cross_entropy_with_logits(z_var, labels), z_batch)
print("dLoss/dz =\n", dz_batch.round(4))

np.testing.assert_allclose(dz_batch, dz_by_formula, atol=1e-12, err_msg="row n is (S_n - y_n) / N")
assert relative_error(dz_fd, dz_batch) < 1e-8, "finite differences of the mean loss agree"
np.testing.assert_allclose(cross_entropy_grad(z_batch, labels, reduction="sum"), N * dz_batch, atol=1e-12,
                           err_msg="without the mean, the gradient is N times larger")

# %% [markdown] slideshow={"slide_type": "fragment"}
# With `reduction="sum"` the gradient grows with the batch size, and the learning rate would have to shrink to match. That is why *mean* is the default in `course_utils` and in PyTorch.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - $\frac{\partial \mathrm{Loss}}{\partial S_i} = -\frac{y_i}{S_i}$; the chain rule multiplies this row vector by each column of the softmax Jacobian.
# - Row × column, term by term: $-\frac{y_i}{S_i}\cdot\frac{\partial S_i}{\partial z_1}$, the $S_i$ cancels, and the slides' $y_1(S_1 - 1) + y_2 S_1 + y_3 S_1 = S_1\sum_i y_i - y_1$ (SymPy confirms all three).
# - Second route: $\mathrm{Loss} = \log\sum_j e^{z_j} - \sum_i y_i z_i$ (when $\sum_i y_i = 1$) gives $S - y$ in two lines; the Jacobian route works for any loss on top of softmax.
# - For **any** labels: $\frac{\partial \mathrm{Loss}}{\partial z_m} = S_m \sum_i y_i - y_m$, for $K = 3$ and for any $K$. **If** the labels sum to 1: $S_m - y_m$. Otherwise $S - y$ is wrong.
# - The slide's two-case summary is right for the true class $m = c$; for the other classes the one nonzero term is $y_c S_m = S_m$, so "$y_i S_m = 0$" needs $i \ne c$. Its conclusion $S_m - y_m$ holds either way.
# - The slide's example: $S - y = [0.1, 0.3, -0.4]$, confirmed by `course_utils`, the Jacobian product, SymPy and finite differences.
# - A batch with *mean* reduction: row $n$ is $(S_n - y_n)/N$.
# - Intuition: the true class is pushed up by $1 - S_c$, every other class down by $S_i$.
#
# Next: **notebook 04**, backpropagation, where $S - y$ is the first step of the backward pass.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Try it (more)
#
# 1. Repeat the slide's computation for $y = [0, 1, 0]$: what is $S - y$, and which logit goes up?
# 2. Use soft labels $y = [0.1, 0.1, 0.8]$: check that `cross_entropy_grad` equals $S - y$ and finite differences.
# 3. Show with SymPy that $\sum_m \frac{\partial \mathrm{Loss}}{\partial z_m} = \left(\sum_i y_i\right)\left(\sum_m S_m\right) - \sum_i y_i$, which is 0 when $\sum_m S_m = 1$. Why must it be 0? (Notebook 02: adding a constant to all logits changes nothing.)

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** Answer to 1: S − y = [0.1, −0.7, 0.6]; z2 goes up by 0.7, z3 (the most probable, but wrong) goes down the most.
