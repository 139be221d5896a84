"""Machine-checked derivations: task 22's backpropagation on a scalar chain, task 23's bounds.

Task 22's chain, for layers l = 2..n:  u(1) = x,  h(l) = f(u(l)),  u(l) = w_l h(l-1),
ŷ = h(n) = f(u(n)),  L = loss(ŷ),  with f(u) = u² and loss(ŷ) = ŷ².

Every expression is computed with sympy; the backpropagation (δ) form of each gradient is checked
against direct differentiation symbolically, and both are checked numerically against torch
autograd, whose forward pass is written independently of the sympy expressions. The checks take
the expressions as an argument, so a wrong formula (a test injects one) is caught by both.
"""

from __future__ import annotations

import math

import numpy as np
import sympy as sp


def f(u):
    """The chain's activation, f(u) = u² (works on sympy expressions and torch tensors alike)."""
    return u**2


def loss(yhat):
    """The chain's loss, L(ŷ) = ŷ²."""
    return yhat**2


def symbols(layers: int) -> tuple[sp.Symbol, dict[int, sp.Symbol]]:
    """x and the weights w_2..w_layers (real symbols)."""
    x = sp.Symbol("x", real=True)
    return x, {l: sp.Symbol(f"w_{l}", real=True) for l in range(2, layers + 1)}


def derive(layers: int = 3) -> dict[str, sp.Expr]:
    """Every quantity of the chain as a function of x and the weights, in presentation order.

    Keys: u1, h1, ..., u<n>, h<n>, yhat, L; dL_dw<l> (direct differentiation of L);
    delta<n>, ..., delta2 (the backpropagated errors); dL_dw<l>_delta (= delta<l> * h<l-1>).
    """
    if layers < 2:
        raise ValueError(f"the chain needs at least 2 layers (one weight), got {layers}")
    x, w = symbols(layers)
    u, h = {1: x}, {1: f(x)}
    for l in range(2, layers + 1):
        u[l] = w[l] * h[l - 1]
        h[l] = f(u[l])
    out: dict[str, sp.Expr] = {}
    for l in range(1, layers + 1):
        out[f"u{l}"], out[f"h{l}"] = u[l], h[l]
    out["yhat"] = h[layers]
    out["L"] = loss(out["yhat"])
    for l in range(2, layers + 1):
        out[f"dL_dw{l}"] = sp.diff(out["L"], w[l])
    # δ(l) = ∂L/∂u(l): δ(n) = L'(ŷ) f'(u(n)), δ(l) = δ(l+1) w_{l+1} f'(u(l)).
    y, v = sp.Symbol("y"), sp.Symbol("v")
    dloss = lambda e: sp.diff(loss(y), y).subs(y, e)
    dact = lambda e: sp.diff(f(v), v).subs(v, e)
    delta = {layers: dloss(out["yhat"]) * dact(u[layers])}
    for l in range(layers - 1, 1, -1):
        delta[l] = delta[l + 1] * w[l + 1] * dact(u[l])
    for l in range(layers, 1, -1):
        out[f"delta{l}"] = delta[l]
    for l in range(2, layers + 1):
        out[f"dL_dw{l}_delta"] = delta[l] * h[l - 1]
    return out


def lhs_latex(name: str) -> str:
    """The left-hand side of an expression's equation, e.g. dL_dw2 -> \\frac{∂L}{∂w_2}."""
    if name == "yhat":
        return r"\hat{y}"
    if name == "L":
        return "L"
    if name.startswith("dL_dw"):
        l = name[5:].removesuffix("_delta")
        return rf"\frac{{\partial L}}{{\partial w_{{{l}}}}}"
    for prefix, sym in (("delta", r"\delta"), ("u", "u"), ("h", "h")):
        if name.startswith(prefix) and name[len(prefix) :].isdigit():
            return rf"{sym}^{{({name[len(prefix) :]})}}"
    raise ValueError(f"no notation for {name!r}")


def expression_rows(exprs: dict[str, sp.Expr]) -> list[dict]:
    """One CSV row per expression: its name, LaTeX of both sides, and sympy's text form."""
    return [{"name": k, "lhs": lhs_latex(k), "latex": sp.latex(e), "sympy": sp.sstr(e)} for k, e in exprs.items()]


def layers_of(exprs: dict) -> list[int]:
    """The weight indices l = 2..n present in an expression dict."""
    return sorted(int(k[5:]) for k in exprs if k.startswith("dL_dw") and k[5:].isdigit())


def symbolic_checks(exprs: dict[str, sp.Expr]) -> list[dict]:
    """δ form vs direct differentiation, and the direct form vs sympy's own derivative of L.

    Both differences must simplify to exactly 0.
    """
    rows = []
    ls = layers_of(exprs)
    _, w = symbols(max(ls))
    for l in ls:
        pairs = {
            f"delta form of dL/dw{l} equals direct differentiation": exprs[f"dL_dw{l}_delta"] - exprs[f"dL_dw{l}"],
            f"dL/dw{l} equals the derivative of L": exprs[f"dL_dw{l}"] - sp.diff(exprs["L"], w[l]),
        }
        for check, diff in pairs.items():
            d = sp.simplify(diff)
            rows.append({"check": check, "kind": "symbolic", "passed": d == 0, "detail": f"difference {sp.sstr(d)}"})
    return rows


def random_points(n: int, layers: int, low: float, high: float, seed: int) -> list[dict[str, float]]:
    """n points (x, w2, ..., wn), each coordinate uniform in [low, high], from a seeded generator."""
    rng = np.random.default_rng(seed)
    names = ["x", *(f"w{l}" for l in range(2, layers + 1))]
    return [dict(zip(names, map(float, rng.uniform(low, high, len(names))))) for _ in range(n)]


def _autograd(point: dict[str, float], layers: int) -> tuple[float, dict[int, float]]:
    """L and dL/dw_l at a point with torch autograd (float64), by running the chain forward."""
    import torch

    x = torch.tensor(point["x"], dtype=torch.float64)
    w = {l: torch.tensor(point[f"w{l}"], dtype=torch.float64, requires_grad=True) for l in range(2, layers + 1)}
    h = f(x)
    for l in range(2, layers + 1):
        h = f(w[l] * h)
    value = loss(h)
    grads = torch.autograd.grad(value, [w[l] for l in range(2, layers + 1)])
    return value.item(), {l: g.item() for l, g in zip(range(2, layers + 1), grads)}


def _rel(a: float, b: float) -> float:
    return abs(a - b) / max(abs(a), abs(b), 1e-300)


def autograd_table(exprs: dict[str, sp.Expr], points: list[dict[str, float]]) -> list[dict]:
    """Per point: the sympy values (direct and δ form) of each gradient beside autograd's, and L.

    `dL_dw<l>_rel_error` is the larger relative difference of the two sympy values from autograd's,
    `max_rel_error` the largest of any value (L included).
    """
    ls = layers_of(exprs)
    x, w = symbols(max(ls))
    args = [x, *(w[l] for l in ls)]
    fns = {k: sp.lambdify(args, exprs[k], "math") for k in ["L", *(f"dL_dw{l}{s}" for l in ls for s in ("", "_delta"))]}
    rows = []
    for i, p in enumerate(points, 1):
        vals = [p["x"], *(p[f"w{l}"] for l in ls)]
        l_torch, g_torch = _autograd(p, max(ls))
        row = {"point": i, **p, "L_sympy": float(fns["L"](*vals)), "L_autograd": l_torch}
        errs = [_rel(row["L_sympy"], l_torch)]
        for l in ls:
            direct, via_delta = float(fns[f"dL_dw{l}"](*vals)), float(fns[f"dL_dw{l}_delta"](*vals))
            err = max(_rel(direct, g_torch[l]), _rel(via_delta, g_torch[l]))
            row |= {
                f"dL_dw{l}_sympy": direct, f"dL_dw{l}_delta": via_delta, f"dL_dw{l}_autograd": g_torch[l],
                f"dL_dw{l}_rel_error": err,
            }  # fmt: skip
            errs.append(err)
        row["max_rel_error"] = max(errs)
        rows.append(row)
    return rows


def autograd_checks(table: list[dict], rtol: float) -> list[dict]:
    """One check per quantity: every point's sympy value within `rtol` (relative) of autograd's."""
    ls = layers_of({k.removesuffix("_autograd"): None for k in table[0] if k.endswith("_autograd")})
    quantities = {"L": ("L_sympy", "L_autograd")}
    for l in ls:
        quantities[f"dL/dw{l} (direct)"] = (f"dL_dw{l}_sympy", f"dL_dw{l}_autograd")
        quantities[f"dL/dw{l} (delta form)"] = (f"dL_dw{l}_delta", f"dL_dw{l}_autograd")
    rows = []
    for name, (a, b) in quantities.items():
        err = max(_rel(r[a], r[b]) for r in table)
        rows.append(
            {
                "check": f"{name} matches torch autograd at {len(table)} points",
                "kind": "autograd",
                "passed": bool(err <= rtol),
                "detail": f"max relative difference {err:.3g} (tolerance {rtol:g})",
            }
        )
    return rows


def compare_with_original(exprs: dict[str, sp.Expr], original: dict[str, str]) -> list[dict]:
    """The original report's formulas (sympy syntax, w2 for w_2) against ours: agree or differ."""
    ls = layers_of(exprs)
    x, w = symbols(max(ls))
    names = {"x": x, **{f"w{l}": w[l] for l in ls}}
    rows = []
    for name, text in original.items():
        if name not in exprs:
            raise ValueError(f"original formula {name!r} has no counterpart; known: {', '.join(exprs)}")
        theirs = sp.parse_expr(str(text), local_dict=names, evaluate=True)
        rows.append(
            {
                "name": name,
                "lhs": lhs_latex(name),
                "original": sp.latex(theirs),
                "ours": sp.latex(exprs[name]),
                "agrees": sp.simplify(theirs - exprs[name]) == 0,
            }
        )
    return rows


def verify(layers: int, points: int, low: float, high: float, seed: int, rtol: float, exprs=None) -> dict:
    """Derive (or take `exprs`), then run every check. Returns all rows for the CSVs."""
    exprs = exprs if exprs is not None else derive(layers)
    table = autograd_table(exprs, random_points(points, layers, low, high, seed))
    checks = symbolic_checks(exprs) + autograd_checks(table, rtol)
    return {"expressions": expression_rows(exprs), "autograd": table, "checks": checks, "exprs": exprs}


# ---------------------------------------------------------------- task 23: derivative bounds


def activation_facts(depths: list[int]) -> list[dict]:
    """Task 23's facts, derived with sympy: σ' = σ(1-σ), max σ' = 1/4 at 0, ReLU' ∈ {0, 1},
    and the bound (1/4)^L on the product of L sigmoid derivatives for each depth L.
    """
    z = sp.Symbol("z", real=True)
    sigma = 1 / (1 + sp.exp(-z))
    dsigma = sp.diff(sigma, z)
    identity = sp.simplify(dsigma - sigma * (1 - sigma)) == 0
    critical = sp.solve(sp.diff(dsigma, z), z)
    peak = sp.nsimplify(dsigma.subs(z, critical[0])) if len(critical) == 1 else sp.nan
    # σ' → 0 at ±∞ and has a single critical point, so that point is the global maximum.
    limits = [sp.limit(dsigma, z, sp.oo), sp.limit(dsigma, z, -sp.oo)]
    relu = sp.Max(0, z)
    relu_derivs = sorted({sp.diff(relu, z).subs(z, v) for v in (-2, -sp.Rational(1, 2), sp.Rational(1, 2), 2)})
    rows = [
        {"fact": "sigmoid_derivative_identity", "value": float(identity), "latex": r"\sigma'(z) = " + sp.latex(sp.factor(dsigma)) + r" = \sigma(z)\,(1-\sigma(z))", "holds": identity},
        {"fact": "sigmoid_derivative_max", "value": float(peak), "latex": sp.latex(peak), "holds": bool(limits == [0, 0] and peak == sp.Rational(1, 4))},
        {"fact": "sigmoid_derivative_argmax", "value": float(critical[0]), "latex": sp.latex(critical[0]), "holds": critical == [0]},
        {"fact": "relu_derivative_values", "value": float(len(relu_derivs)), "latex": r",\ ".join(map(sp.latex, relu_derivs)), "holds": relu_derivs == [0, 1]},
    ]  # fmt: skip
    for depth in depths:
        bound = peak**depth
        shown = rf"4^{{-{depth}}} = " + sp.latex(bound, fold_short_frac=True)
        rows.append(
            {
                "fact": f"sigmoid_product_bound_depth{depth}",
                "value": float(bound),
                "latex": shown,
                "holds": bool(math.isclose(float(bound), 0.25**depth)),
            }
        )
    return rows
