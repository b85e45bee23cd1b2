#!/usr/bin/python3
"""Reference values for the representation measures, written to
testdata/representation.json.

Command used (from study/metrics):
    /usr/bin/python3 testdata/gen_representation.py > testdata/representation.json

numpy implementations from the definitions in docs/reference/metrics-sheet.md:
linear CKA (Kornblith et al. 2019) on column-centred features, debiased
linear CKA with the unbiased HSIC estimator (Song et al. 2012), RBF CKA with
sigma = 0.5 x the median Euclidean distance between distinct instances
(i < j) of each model's own features, and mutual k-NN alignment (Huh et al.
2024) with k = 5, neighbours excluding the instance itself, ties broken by
the lower index (a stable sort).
"""
import json

import numpy as np


def centred(k):
    n = k.shape[0]
    h = np.eye(n) - np.ones((n, n)) / n
    return h @ k @ h


def cka(k, l):
    kc, lc = centred(k), centred(l)
    return float((kc * lc).sum() / np.sqrt((kc * kc).sum() * (lc * lc).sum()))


def hsic_u(k, l):
    n = k.shape[0]
    k, l = k.copy(), l.copy()
    np.fill_diagonal(k, 0)
    np.fill_diagonal(l, 0)
    one = np.ones(n)
    return float((np.trace(k @ l) + one @ k @ one * (one @ l @ one) / ((n - 1) * (n - 2))
                  - 2 * one @ k @ l @ one / (n - 2)) / (n * (n - 3)))


def debiased(k, l):
    return hsic_u(k, l) / np.sqrt(hsic_u(k, k) * hsic_u(l, l))


def sqdist(x):
    g = x @ x.T
    d = np.diag(g)
    return np.maximum(d[:, None] + d[None, :] - 2 * g, 0)


def rbf(x, threshold=0.5):
    d2 = sqdist(x)
    n = x.shape[0]
    iu = np.triu_indices(n, 1)
    sigma = threshold * np.median(np.sqrt(d2[iu]))
    return np.exp(-d2 / (2 * sigma ** 2))


def knn(x, k):
    d2 = sqdist(x)
    n = x.shape[0]
    out = []
    for i in range(n):
        order = [j for j in np.argsort(d2[i], kind="stable") if j != i]
        out.append(set(order[:k]))
    return out


def mutual_knn(x, y, k):
    a, b = knn(x, k), knn(y, k)
    return float(np.mean([len(a[i] & b[i]) / k for i in range(len(a))]))


def main():
    rng = np.random.default_rng(20251129)
    n = 30
    base = rng.normal(size=(n, 3))
    feats = [
        (base @ rng.normal(size=(3, 4)) + 0.1 * rng.normal(size=(n, 4))).astype(np.float32),
        (base @ rng.normal(size=(3, 6)) + 0.5 * rng.normal(size=(n, 6))).astype(np.float32),
        rng.normal(size=(n, 5)).astype(np.float32),
    ]
    f64 = [f.astype(np.float64) for f in feats]
    m = len(feats)
    exp = {name: [[None] * m for _ in range(m)] for name in ["cka_linear", "cka_debiased", "cka_rbf", "mutual_knn"]}
    for a in range(m):
        for b in range(m):
            ka, kb = f64[a] @ f64[a].T, f64[b] @ f64[b].T
            exp["cka_linear"][a][b] = cka(ka, kb)
            exp["cka_debiased"][a][b] = debiased(ka, kb)
            exp["cka_rbf"][a][b] = cka(rbf(f64[a]), rbf(f64[b]))
            exp["mutual_knn"][a][b] = mutual_knn(f64[a], f64[b], 5)
    print(json.dumps({"generator": "gen_representation.py", "numpy": np.__version__, "n": n, "k": 5,
                      "features": [f.tolist() for f in feats], "dims": [f.shape[1] for f in feats],
                      "expected": exp}))


if __name__ == "__main__":
    main()
