#!/usr/bin/python3
"""Reference values of the class-aggregated calibration error (CACE),
written to testdata/cace.json.

Command used (from study/metrics):
    /usr/bin/python3 testdata/gen_cace.py > testdata/cace.json

Jiang et al. 2022, "Assessing generalization of SGD via disagreement",
Definitions 4.2-4.3: the ensemble h~ of n runs gives class k the
probability h~_k(x) = (runs predicting k)/n; with p over the test set,

    CACE = sum over levels q of
           | sum_k p(Y=k, h~_k(X)=q) / sum_k p(h~_k(X)=q) - q |
           * sum_k p(h~_k(X)=q).

The script computes it level by level from that formula (no shortcut),
for every subset of models listed in "subsets", with the mean test error
and mean pairwise disagreement of the subset.
"""
import itertools
import json

import numpy as np

rng = np.random.default_rng(16)
N, C, M = 40, 4, 6
y = rng.integers(0, C, N)
# Models right with probability 0.7, otherwise a random class; the first
# three share their errors more often (a correlated family).
pred = np.empty((M, N), dtype=int)
shared = rng.integers(0, C, N)
for m in range(M):
    right = rng.random(N) < 0.7
    wrong = np.where(rng.random(N) < (0.8 if m < 3 else 0.0), shared, rng.integers(0, C, N))
    pred[m] = np.where(right, y, wrong)

subsets = [[0, 1], [0, 1, 2], [3, 4, 5], [0, 1, 2, 3, 4, 5], [0, 3]]
out = {"labels": y.tolist(), "classes": C, "pred": pred.tolist(), "cases": []}
for s in subsets:
    n = len(s)
    h = np.zeros((N, C))
    for m in s:
        h[np.arange(N), pred[m]] += 1.0 / n
    levels = np.unique(np.round(h * n).astype(int))
    cace = 0.0
    for j in levels:
        at = np.round(h * n).astype(int) == j  # N x C cells at level q = j/n
        mass = at.sum() / N                      # sum_k p(h~_k = q)
        acc = at[np.arange(N), y].sum() / N      # sum_k p(Y = k, h~_k = q)
        cace += abs(acc / mass - j / n) * mass
    err = np.mean([np.mean(pred[m] != y) for m in s])
    dis = np.mean([np.mean(pred[a] != pred[b]) for a, b in itertools.combinations(s, 2)])
    out["cases"].append({"models": s, "cace": cace, "test_error": err, "disagreement": dis})
print(json.dumps(out, indent=1))
