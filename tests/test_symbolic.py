"""course_utils.symbolic: every symbolic result equals what course_utils computes, and the
simplifications the notebooks show are exact."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

import course_utils as cu
from course_utils.symbolic import (
    aligned_equation,
    chain_rule_equation,
    chain_rule_product,
    cross_entropy_sym,
    equation,
    evaluate_general,
    general_cross_entropy_grad,
    general_softmax,
    general_softmax_jacobian,
    general_symbols,
    in_terms_of_S,
    label_symbols,
    lambdify_matrix,
    logit_symbols,
    loss_grad_wrt_S,
    probability_symbols,
    slide_jacobian,
    softmax_jacobian_sym,
    softmax_sym,
)

RNG = np.random.default_rng(514)


@pytest.mark.parametrize("K", [1, 2, 3, 5])
def test_softmax_sym_matches_course_utils(K):
    z = logit_symbols(K)
    z_num = RNG.normal(size=K) * 3
    S_num = lambdify_matrix(softmax_sym(z), z)(z_num)
    assert S_num.shape == (K, 1)
    np.testing.assert_allclose(S_num[:, 0], cu.softmax(z_num), rtol=1e-12)


@pytest.mark.parametrize("K", [2, 3, 4])
def test_derived_jacobian_matches_course_utils_and_finite_differences(K):
    z = logit_symbols(K)
    jac = lambdify_matrix(softmax_jacobian_sym(z), z)
    z_num = RNG.normal(size=K) * 2
    np.testing.assert_allclose(jac(z_num), cu.softmax_jacobian(z_num), atol=1e-14)
    fd = np.array([cu.numerical_gradient(lambda v, i=i: cu.softmax(v)[i], z_num) for i in range(K)])
    assert cu.relative_error(jac(z_num), fd) < 1e-8


def test_jacobian_layout_row_i_holds_derivatives_of_S_i():
    z = logit_symbols(3)
    J = softmax_jacobian_sym(z)
    S = softmax_sym(z)
    assert sp.simplify(J[0, 1] - sp.diff(S[0], z[1])) == 0
    assert sp.simplify(J[1, 0] - sp.diff(S[1], z[0])) == 0


@pytest.mark.parametrize("K", [2, 3, 4])
def test_jacobian_in_terms_of_S_is_the_slide_matrix(K):
    z, S = logit_symbols(K), probability_symbols(K)
    derived = in_terms_of_S(softmax_jacobian_sym(z), z, S)
    assert (derived - slide_jacobian(S)).applyfunc(sp.expand) == sp.zeros(K, K)


def test_slide_jacobian_displays_like_the_slide():
    S1, S2, S3 = probability_symbols(3)
    J = slide_jacobian((S1, S2, S3))
    assert J[0, 0] == S1 * (1 - S1)  # factored, not S1 - S1**2
    assert J[0, 1] == -S1 * S2
    assert J[2, 1] == -S3 * S2
    assert "S_{1} \\left(1 - S_{1}\\right)" in sp.latex(J)


def test_in_terms_of_S_is_exact_for_a_scalar_and_checks_lengths():
    z, S = logit_symbols(2), probability_symbols(2)
    assert in_terms_of_S(softmax_sym(z)[0], z, S) == S[0]
    with pytest.raises(ValueError, match="same length"):
        in_terms_of_S(z[0], z, S[:1])


def test_loss_and_its_derivative_wrt_S():
    S, y = probability_symbols(3), label_symbols(3)
    loss = cross_entropy_sym(S, y)
    assert loss == -(y[0] * sp.log(S[0]) + y[1] * sp.log(S[1]) + y[2] * sp.log(S[2]))
    assert loss_grad_wrt_S(S, y) == sp.Matrix([[-y[0] / S[0], -y[1] / S[1], -y[2] / S[2]]])
    value = loss.subs({S[0]: 0.1, S[1]: 0.3, S[2]: 0.6, y[0]: 0, y[1]: 0, y[2]: 1})
    assert float(value) == pytest.approx(cu.cross_entropy([0.1, 0.3, 0.6], [0, 0, 1]), rel=1e-15)
    assert round(float(value), 3) == 0.511


def test_chain_rule_products_equal_the_slides_intermediate_expressions():
    S1, S2, S3 = S = probability_symbols(3)
    y1, y2, y3 = y = label_symbols(3)
    slides = {
        1: y1 * (S1 - 1) + y2 * S1 + y3 * S1,
        2: y1 * S2 + y2 * (S2 - 1) + y3 * S2,
        3: y1 * S3 + y2 * S3 + y3 * (S3 - 1),
    }
    for m, expected in slides.items():
        assert sp.expand(chain_rule_product(m, S, y) - expected) == 0, m
        general = S[m - 1] * (y1 + y2 + y3) - y[m - 1]
        assert sp.expand(chain_rule_product(m, S, y) - general) == 0, m


def test_chain_rule_product_rejects_bad_m():
    S, y = probability_symbols(3), label_symbols(3)
    with pytest.raises(ValueError, match="m must be between 1 and K=3"):
        chain_rule_product(0, S, y)
    with pytest.raises(TypeError, match="m must be an integer"):
        chain_rule_product(1.0, S, y)


def test_chain_rule_through_derived_jacobian_matches_cross_entropy_grad():
    K = 4
    z, y = logit_symbols(K), label_symbols(K)
    loss_of_z = cross_entropy_sym(list(softmax_sym(z)), y)
    grad = sp.Matrix([[sp.diff(loss_of_z, zm) for zm in z]])
    f = lambdify_matrix(grad.subs(dict(zip(y, [0.2, 0.0, 0.5, 0.7], strict=True))), z)
    z_num = RNG.normal(size=K)
    y_soft = np.array([0.2, 0.0, 0.5, 0.7])  # does not sum to 1: the general form S*sum(y) - y
    np.testing.assert_allclose(f(z_num)[0], cu.cross_entropy_grad(z_num, y_soft), atol=1e-14)


def test_general_K_jacobian_is_S_i_delta_minus_S_j():
    g = general_symbols()
    raw, in_S = general_softmax_jacobian(g)
    expected = g.S[g.i] * (sp.KroneckerDelta(g.i, g.j) - g.S[g.j])
    assert sp.simplify(in_S - expected) == 0
    assert not raw.has(sp.Piecewise)
    assert raw.has(sp.Sum)  # still in z: the denominator Sum_k exp(z_k)
    # the raw derivative, evaluated for K = 4, equals course_utils' Jacobian
    z_num = RNG.normal(size=4)
    num = np.array(
        [[evaluate_general(raw, g, 4, z=z_num, i=a, j=b) for b in (1, 2, 3, 4)] for a in (1, 2, 3, 4)]
    )
    np.testing.assert_allclose(num, cu.softmax_jacobian(z_num), atol=1e-14)


def test_general_K_cross_entropy_grad_is_S_m_sum_y_minus_y_m():
    g = general_symbols()
    raw, in_S = general_cross_entropy_grad(g)
    sum_y = sp.Sum(g.y[g.i], (g.i, 1, g.K))
    assert sp.simplify(in_S - (g.S[g.m] * sum_y - g.y[g.m])) == 0
    assert in_S.subs(sum_y, 1) == g.S[g.m] - g.y[g.m]
    z_num, y_num = RNG.normal(size=3), np.array([0.5, 0.0, 0.25])
    num = [evaluate_general(raw, g, 3, z=z_num, y=y_num, m=mm) for mm in (1, 2, 3)]
    # the S form gives the same numbers once S = softmax(z)
    num_S = [evaluate_general(in_S, g, 3, S=cu.softmax(z_num), y=y_num, m=mm) for mm in (1, 2, 3)]
    np.testing.assert_allclose(num, cu.cross_entropy_grad(z_num, y_num), atol=1e-14)
    np.testing.assert_allclose(num_S, cu.cross_entropy_grad(z_num, y_num), atol=1e-14)


def test_evaluate_general_checks_its_input():
    g = general_symbols()
    _, in_S = general_softmax_jacobian(g)
    with pytest.raises(ValueError, match=r"S must have shape \(3,\)"):
        evaluate_general(in_S, g, 3, S=[0.5, 0.5], i=1, j=1)
    with pytest.raises(ValueError, match="indices must be among"):
        evaluate_general(in_S, g, 3, S=[0.2, 0.3, 0.5], q=1)
    with pytest.raises(ValueError, match="free symbols"):
        evaluate_general(in_S, g, 3, S=[0.2, 0.3, 0.5], i=1)


def test_general_softmax_default_index():
    g = general_symbols()
    assert general_softmax(g) == sp.exp(g.z[g.i]) / sp.Sum(sp.exp(g.z[g.k]), (g.k, 1, g.K))
    assert general_softmax(g, g.m).has(g.z[g.m])


def test_lambdify_matrix_checks_shape_and_returns_float64():
    z = logit_symbols(3)
    f = lambdify_matrix(z[0] + 2 * z[1], z)
    out = f([1, 2, 3])
    assert out.dtype == np.float64 and out.shape == () and float(out) == 5.0
    with pytest.raises(ValueError, match=r"values must have shape \(3,\)"):
        f([1, 2])


def test_symbol_builders_validate_K():
    assert [str(s) for s in logit_symbols(3)] == ["z1", "z2", "z3"]
    assert all(s.is_positive for s in probability_symbols(2))
    with pytest.raises(ValueError, match="K must be >= 1"):
        logit_symbols(0)
    with pytest.raises(TypeError, match="K must be an integer"):
        probability_symbols(2.5)
    with pytest.raises(ValueError, match="empty"):
        softmax_sym([])


def test_equation_renders_latex():
    S = probability_symbols(2)
    shown = equation(r"\frac{\partial S}{\partial z}", slide_jacobian(S))
    assert shown.data.startswith(r"\frac{\partial S}{\partial z} = \left[")


def test_import_course_utils_does_not_import_sympy():
    import subprocess
    import sys

    code = "import sys, course_utils; print('sympy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_aligned_equation_puts_each_step_on_its_own_line():
    shown = aligned_equation("x", sp.Symbol("a"), "b")
    assert shown.data == r"\begin{aligned}x &= a \\ &= b\end{aligned}"
    with pytest.raises(ValueError, match="right-hand side"):
        aligned_equation("x")


def test_chain_rule_equation_shows_row_column_product_and_slide_expression():
    S, y = probability_symbols(3), label_symbols(3)
    S1, S2, S3 = S
    y1, y2, y3 = y
    slide_z1 = y1 * (S1 - 1) + y2 * S1 + y3 * S1
    latex = chain_rule_equation(1, S, y, slide_z1).data
    lines = latex.split(r" \\ ")
    assert len(lines) == 3
    assert latex.startswith(r"\begin{aligned}\frac{\partial \mathrm{Loss}}{\partial z_1} &=")
    assert sp.latex(loss_grad_wrt_S(S, y)) + sp.latex(slide_jacobian(S)[:, 0]) in lines[0]
    assert sp.latex(chain_rule_product(1, S, y, expand=False)) in lines[1]
    assert sp.latex(slide_z1) in lines[2]
    assert len(chain_rule_equation(2, S, y).data.split(r" \\ ")) == 2
    with pytest.raises(ValueError, match="between 1 and K"):
        chain_rule_equation(4, S, y)


def test_entry_equations_put_each_entry_on_its_own_full_size_line():
    from course_utils.symbolic import entry_equations

    z = logit_symbols(3)
    shown = entry_equations("S", softmax_sym(z)).data
    assert shown.startswith(r"\begin{aligned}") and shown.endswith(r"\end{aligned}")
    lines = shown.removeprefix(r"\begin{aligned}").removesuffix(r"\end{aligned}").split(r" \\ ")
    assert [line.split(" &= ")[0] for line in lines] == ["S_{1}", "S_{2}", "S_{3}"]
    assert sp.latex(softmax_sym(z)[1]) in lines[1]
    with pytest.raises(ValueError, match="column"):
        entry_equations("S", sp.Matrix([[1, 2]]))
    with pytest.raises(TypeError, match="name"):
        entry_equations(3, softmax_sym(z))
