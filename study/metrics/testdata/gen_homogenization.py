#!/usr/bin/python3
"""Reference values of pairwise homogenization and H at a fixed group size.

Command used (from study/metrics):
    /usr/bin/python3 testdata/gen_homogenization.py > testdata/homogenization.json

Written in numpy from the definitions, by brute force, independently of the
Go code's route (which sums elementary symmetric polynomials per instance):

  pairwise H[a][b] = P(both wrong) / (e_a * e_b), null where e_a or e_b is 0
                     (the diagonal is P(a wrong)/e_a^2 = 1/e_a);
  pairwise_mean    = mean of the finite H[a][b] over a < b;
  H_k              = mean over every group g of k models (itertools
                     .combinations) of SFR_g / prod_{m in g} e_m, groups with
                     an error-free model (0/0) left out; null when none is
                     left; "groups" counts the groups averaged.

Inputs are stored with the expected values, so the Go test needs no Python.
"""
import itertools
import json

import numpy as np


def case(name, y, P, ks=(2, 3, 4)):
    m, n = P.shape
    wrong = P != y[None, :]
    e = wrong.mean(1)
    H = np.full((m, m), np.nan)
    for a in range(m):
        for b in range(m):
            if e[a] > 0 and e[b] > 0:
                H[a, b] = (wrong[a] & wrong[b]).mean() / (e[a] * e[b])
    upper = [H[a, b] for a in range(m) for b in range(a + 1, m) if np.isfinite(H[a, b])]
    hk = {}
    for k in ks:
        vals = []
        for g in itertools.combinations(range(m), k):
            den = np.prod(e[list(g)])
            if den == 0:
                continue
            sfr = np.all(wrong[list(g)], axis=0).mean()
            vals.append(sfr / den)
        hk[str(k)] = {"h": float(np.mean(vals)) if vals else None, "groups": len(vals)}
    return {
        "name": name,
        "classes": int(max(P.max(), y.max()) + 1),
        "labels": y.tolist(),
        "preds": P.tolist(),
        "pairwise": [[None if not np.isfinite(v) else float(v) for v in row] for row in H],
        "pairwise_mean": float(np.mean(upper)) if upper else None,
        "h_k": hk,
    }


rng = np.random.default_rng(16)
cases = []
# Correlated errors: a shared difficulty per instance.
n, m, c = 200, 6, 4
y = rng.integers(0, c, n)
hard = rng.random(n)
P = np.where(rng.random((m, n)) < 0.15 + 0.6 * hard[None, :] ** 3,
             (y[None, :] + rng.integers(1, c, (m, n))) % c, y[None, :])
cases.append(case("six models with a shared difficulty", y, P))
# Independent errors at different rates.
n, m, c = 150, 5, 3
y = rng.integers(0, c, n)
rates = np.array([0.05, 0.1, 0.2, 0.3, 0.5])
P = np.where(rng.random((m, n)) < rates[:, None], (y[None, :] + 1) % c, y[None, :])
cases.append(case("five independent models", y, P))
# An error-free model: its pairs and groups are undefined.
n, m, c = 80, 4, 3
y = rng.integers(0, c, n)
P = np.where(rng.random((m, n)) < 0.3, (y[None, :] + 2) % c, y[None, :])
P[1] = y
cases.append(case("one error-free model", y, P))
# Only two models make errors: H_3 and H_4 have no group.
P = np.tile(y, (4, 1))
P[0, :10] = (y[:10] + 1) % c
P[2, 5:20] = (y[5:20] + 1) % c
cases.append(case("two models with errors", y, P))
json.dump({"cases": cases}, __import__("sys").stdout)
print()
