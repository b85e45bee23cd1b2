#!/usr/bin/python3
"""Reference quadrature points and integrated gradients, written to
testdata/quadrature.json.

Command used (from study/explain):
    /usr/bin/python3 testdata/gen_quadrature.py > testdata/quadrature.json

The points and weights follow Captum's
captum/attr/_utils/approximation_methods.py, rebuilt with numpy (Captum is
not imported):
  gausslegendre:     alpha = (1 + t)/2, w = omega/2, (t, omega) = leggauss(n)
  riemann_left:      alpha = linspace(0, 1 - 1/n, n), w = 1/n
  riemann_right:     alpha = linspace(1/n, 1, n),     w = 1/n
  riemann_middle:    alpha = linspace(1/(2n), 1 - 1/(2n), n), w = 1/n
  riemann_trapezoid: alpha = linspace(0, 1, n), w = 1/n with both ends
                     halved (weights sum to (n-1)/n: Captum's quirk)

"ig" is integrated gradients of F(x) = x1^3 + 3 x2 at x = (1, 2) from the
zero baseline (the reference sheet's test vector; exact value (1, 6)),
IG_i = x_i * sum_k w_k dF/dx_i(alpha_k x), with its convergence delta
sum(IG) - (F(x) - F(0)).
"""
import json

import numpy as np


def points(rule, n):
    if rule == "gausslegendre":
        t, omega = np.polynomial.legendre.leggauss(n)
        return 0.5 * (1 + t), 0.5 * omega
    if rule == "riemann_left":
        return np.linspace(0, 1 - 1 / n, n), np.full(n, 1 / n)
    if rule == "riemann_right":
        return np.linspace(1 / n, 1, n), np.full(n, 1 / n)
    if rule == "riemann_middle":
        return np.linspace(1 / (2 * n), 1 - 1 / (2 * n), n), np.full(n, 1 / n)
    if rule == "riemann_trapezoid":
        w = np.full(n, 1 / n)
        w[0] = w[-1] = 0.5 / n
        return np.linspace(0, 1, n), w
    raise ValueError(rule)


def grad(x):
    return np.array([3 * x[0] ** 2, 3.0])


def f(x):
    return x[0] ** 3 + 3 * x[1]


x = np.array([1.0, 2.0])
out = {"points": [], "ig": []}
for rule in ["gausslegendre", "riemann_left", "riemann_right", "riemann_middle", "riemann_trapezoid"]:
    for n in [1, 2, 3, 4, 7, 50, 64]:
        if rule == "riemann_trapezoid" and n < 2:
            continue
        a, w = points(rule, n)
        out["points"].append({"rule": rule, "n": n, "alpha": a.tolist(), "w": w.tolist()})
    for n in [3, 4, 50]:
        a, w = points(rule, n)
        ig = x * sum(wk * grad(ak * x) for ak, wk in zip(a, w))
        out["ig"].append({"rule": rule, "n": n, "ig": ig.tolist(), "delta": float(ig.sum() - (f(x) - f(0 * x)))})
print(json.dumps(out, indent=1))
