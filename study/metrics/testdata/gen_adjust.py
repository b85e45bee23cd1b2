#!/usr/bin/python3
"""Reference values of the multiplicity corrections of per-pair p-values.

Command used (from study/metrics):
    /usr/bin/python3 testdata/gen_adjust.py > testdata/adjust.json

scipy here is 1.10, before scipy.stats.false_discovery_control (1.11), and
statsmodels is not installed, so both corrections are written in numpy from
their definitions, by another route than the Go code's running minimum and
maximum: for every rank i an explicit min (BH) or max (Holm) over the
ranks j >= i (BH) or j <= i (Holm).

  Benjamini-Hochberg: p_adj(i) = min_{j >= i} min(1, K p_(j) / j)
  Holm:               p_adj(i) = max_{j <= i} min(1, (K - j + 1) p_(j))

with p_(1) <= ... <= p_(K) the K defined (non-null) p-values. A case is
the upper triangle (a < b, row by row) of an M x M matrix of p-values;
null entries stay null.
"""
import json
import sys

import numpy as np


def adjust(p):
    p = np.array([np.nan if v is None else v for v in p], dtype=float)
    ok = np.flatnonzero(~np.isnan(p))
    v = p[ok]
    order = np.argsort(v, kind="stable")
    s = v[order]
    k = len(s)
    bh_sorted = np.array([min(min(1.0, k * s[j] / (j + 1)) for j in range(i, k)) for i in range(k)])
    holm_sorted = np.array([max(min(1.0, (k - j) * s[j]) for j in range(i + 1)) for i in range(k)])
    bh = np.full(len(p), np.nan)
    holm = np.full(len(p), np.nan)
    bh[ok[order]] = bh_sorted
    holm[ok[order]] = holm_sorted
    out = lambda a: [None if np.isnan(x) else float(x) for x in a]
    return out(bh), out(holm)


rng = np.random.default_rng(3)
cases = []
for name, m, gen in [
    ("uniform p-values, 8 models", 8, lambda n: rng.random(n)),
    ("permutation p-values with ties and the floor, 24 models", 24,
     lambda n: (1 + rng.integers(0, 40, n) * (rng.random(n) < 0.6)) / 1000.0),
    ("some undefined pairs, 6 models", 6,
     lambda n: np.where(rng.random(n) < 0.3, np.nan, rng.random(n) ** 3)),
    ("every p-value at the floor, 5 models", 5, lambda n: np.full(n, 1 / 1000.0)),
]:
    n = m * (m - 1) // 2
    p = [None if np.isnan(x) else float(x) for x in gen(n)]
    bh, holm = adjust(p)
    cases.append({"name": name, "models": m, "p": p, "bh": bh, "holm": holm})
json.dump({"cases": cases}, sys.stdout)
print()
