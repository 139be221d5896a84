"""Task 22's sympy derivation and its two checks (symbolic, autograd); task 23's derivative facts."""

import pytest
import sympy as sp

from nnlab.gradients import derivations as d

ORIGINAL = {  # the original report's eq. (1.1) and text, as in report/original.yaml
    "h1": "x**2",
    "u2": "w2*x**2",
    "h2": "w3**2*w2**4*x**8",
    "u3": "w3*w2**2*x**4",
    "yhat": "w3**2*w2**4*x**8",
    "L": "w3**4*w2**8*x**16",
    "delta3": "4*w3**3*w2**6*x**12",
    "delta2": "8*w3**4*w2**7*x**14",
    "dL_dw2": "8*w3**4*w2**7*x**16",
    "dL_dw3": "4*w3**3*w2**8*x**16",
}


@pytest.fixture(scope="module")
def chain():
    return d.derive(3)


def test_chain_matches_hand_derivation(chain):
    x, w = d.symbols(3)
    w2, w3 = w[2], w[3]
    # written out independently of derive(): u1 = x, h1 = x^2, u2 = w2 x^2, ...
    assert chain["h2"] == w2**2 * x**4
    assert chain["yhat"] == chain["h3"] == w3**2 * w2**4 * x**8
    assert chain["L"] == w3**4 * w2**8 * x**16
    assert chain["delta3"] == 2 * chain["yhat"] * 2 * chain["u3"]
    assert chain["delta2"] == chain["delta3"] * w3 * 2 * chain["u2"]
    assert chain["dL_dw2"] == 8 * w3**4 * w2**7 * x**16
    assert chain["dL_dw3"] == 4 * w3**3 * w2**8 * x**16


def test_all_checks_pass_for_the_derivation():
    result = d.verify(3, 4, -1.5, 1.5, 7, 1e-10)
    kinds = {c["kind"] for c in result["checks"]}
    assert kinds == {"symbolic", "autograd"}
    assert all(c["passed"] for c in result["checks"]), result["checks"]
    assert len(result["autograd"]) == 4 and all(r["max_rel_error"] < 1e-12 for r in result["autograd"])


@pytest.mark.parametrize("target", ["dL_dw2", "dL_dw2_delta", "dL_dw3_delta"])
def test_a_changed_exponent_is_caught_by_both_checks(chain, target):
    x, _ = d.symbols(3)
    wrong = dict(chain)
    wrong[target] = chain[target] / x  # x^16 -> x^15
    symbolic = [c for c in d.symbolic_checks(wrong) if not c["passed"]]
    assert symbolic and all(f"dL/dw{target[5]} " in c["check"] for c in symbolic)
    table = d.autograd_table(wrong, d.random_points(5, 3, -1.5, 1.5, 0))
    numeric = [c for c in d.autograd_checks(table, 1e-10) if not c["passed"]]
    form = "delta form" if target.endswith("_delta") else "direct"
    assert [c["check"].split(" matches")[0] for c in numeric] == [f"dL/dw{target[5]} ({form})"]


def test_a_wrong_loss_expression_is_caught_by_autograd(chain):
    _, w = d.symbols(3)
    wrong = dict(chain, L=chain["L"] * w[2])  # one power of w2 too many
    numeric = {
        c["check"].split(" matches")[0]: c["passed"]
        for c in d.autograd_checks(d.autograd_table(wrong, d.random_points(3, 3, -1.5, 1.5, 1)), 1e-10)
    }
    assert numeric["L"] is False
    # and symbolically, the direct gradients no longer equal the derivative of this L
    assert not all(c["passed"] for c in d.symbolic_checks(wrong))


def test_original_formulas_compared(chain):
    rows = {r["name"]: r for r in d.compare_with_original(chain, ORIGINAL)}
    assert [n for n, r in rows.items() if not r["agrees"]] == ["h2"]
    assert rows["h2"]["original"] == sp.latex(chain["yhat"]) and rows["h2"]["ours"] == "w_{2}^{2} x^{4}"
    with pytest.raises(ValueError, match="no counterpart"):
        d.compare_with_original(chain, {"h9": "x"})


def test_expression_rows_carry_latex_of_both_sides(chain):
    rows = {r["name"]: r for r in d.expression_rows(chain)}
    assert rows["dL_dw3"]["lhs"] == r"\frac{\partial L}{\partial w_{3}}"
    assert rows["delta2"]["lhs"] == r"\delta^{(2)}" and rows["delta2"]["latex"] == "8 w_{2}^{7} w_{3}^{4} x^{14}"
    assert sp.sympify(rows["L"]["sympy"], locals={"w_2": sp.Symbol("w_2", real=True)}) is not None


def test_longer_chain_checks_pass():
    result = d.verify(4, 3, -1.2, 1.2, 3, 1e-10)
    assert all(c["passed"] for c in result["checks"])
    assert {"dL_dw4", "delta4", "dL_dw2_delta"} <= set(result["exprs"])


def test_random_points_are_seeded_and_in_range():
    a, b = d.random_points(6, 3, -0.5, 2.0, 11), d.random_points(6, 3, -0.5, 2.0, 11)
    assert a == b and all(-0.5 <= v <= 2.0 for p in a for v in p.values())
    assert a != d.random_points(6, 3, -0.5, 2.0, 12)


def test_activation_facts():
    facts = {r["fact"]: r for r in d.activation_facts([10, 20])}
    assert all(r["holds"] for r in facts.values())
    assert facts["sigmoid_derivative_max"]["value"] == 0.25 and facts["sigmoid_derivative_argmax"]["value"] == 0
    assert facts["relu_derivative_values"]["latex"] == r"0,\ 1"
    assert facts["sigmoid_product_bound_depth20"]["value"] == 0.25**20
    assert facts["sigmoid_product_bound_depth10"]["latex"].startswith("4^{-10} = ")
