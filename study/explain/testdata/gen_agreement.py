#!/usr/bin/python3
"""Reference values of the explanation-agreement measures, written to
testdata/agreement.json.

Command used (from study/explain):
    /usr/bin/python3 testdata/gen_agreement.py > testdata/agreement.json

Definitions (Krishna et al. 2022, with the tie-robust conventions of
explain/agreement.go), written here from scratch, pair by pair:
  order   = np.argsort(-|E|, kind="stable"): descending |E|, ties by
            feature index; top_k = order[:k]
  FA      = |top_k(a) & top_k(b)| / k
  RA      = #{p < k : order_a[p] == order_b[p]} / k
  SA      = #{f in top_k(a) & top_k(b) : sign(a_f) == sign(b_f)} / k
  SRA     = #{p < k : same feature and same sign at p} / k
  RC      = scipy.stats.spearmanr(|a|, |b|) (average ranks), over all D
            features; null when either is constant
  PRA     = over all pairs i < j of the D features, the share with
            (pos_a(i) < pos_a(j)) == (pos_b(i) < pos_b(j)), pos being the
            position in the stable order (brute force)
For comparison, "openxai" holds OpenXAI's rank correlation (Pearson of
rankdata(-|E|, method="dense")) and its pairwise_comp (strict "<" on
dense ranks), as in openxai/metrics.py.

"pairs" are the reference sheet's vectors, its tie vectors and random
vectors of several sizes (values rounded to multiples of 1/16 so that
ties occur, some zeros); every value is exact in float32.

"matrix" is a small models x instances x features tensor with a
correctness mask: the M x M means over all instances and over the
consensus set (instances every model gets right); RC is averaged over
the instances where it is defined, with that count.
"""
import itertools
import json

import numpy as np
from scipy.stats import pearsonr, rankdata, spearmanr


def order(e):
    return np.argsort(-np.abs(e), kind="stable")


def measures(a, b, k):
    oa, ob = order(a), order(b)
    ta, tb = set(oa[:k].tolist()), set(ob[:k].tolist())
    both = ta & tb
    fa = len(both) / k
    ra = sum(oa[p] == ob[p] for p in range(k)) / k
    sa = sum(np.sign(a[f]) == np.sign(b[f]) for f in both) / k
    sra = sum(oa[p] == ob[p] and np.sign(a[oa[p]]) == np.sign(b[ob[p]]) for p in range(k)) / k
    if np.all(np.abs(a) == np.abs(a)[0]) or np.all(np.abs(b) == np.abs(b)[0]):
        rc = None
    else:
        rc = float(spearmanr(np.abs(a), np.abs(b)).correlation)
    pa, pb = np.empty(len(a), int), np.empty(len(b), int)
    pa[oa] = np.arange(len(a))
    pb[ob] = np.arange(len(b))
    d = len(a)
    agree = sum((pa[i] < pa[j]) == (pb[i] < pb[j]) for i, j in itertools.combinations(range(d), 2))
    pra = agree / (d * (d - 1) / 2) if d > 1 else 1.0
    return dict(feature_agreement=float(fa), rank_agreement=float(ra), sign_agreement=float(sa),
                signed_rank_agreement=float(sra), rank_correlation=rc, pairwise_rank_agreement=float(pra))


def openxai(a, b):
    ra, rb = rankdata(-np.abs(a), method="dense"), rankdata(-np.abs(b), method="dense")
    d = len(a)
    agree = sum((ra[i] < ra[j]) == (rb[i] < rb[j]) for i, j in itertools.combinations(range(d), 2))
    return dict(rank_correlation=float(pearsonr(ra, rb)[0]), pairwise_rank_agreement=agree / (d * (d - 1) / 2))


def f32(v):
    return np.asarray(v, dtype=np.float32).astype(np.float64)


pairs = []


def add(name, a, b, k):
    a, b = f32(a), f32(b)
    pairs.append(dict(name=name, a=a.tolist(), b=b.tolist(), k=k, want=measures(a, b, k), openxai=openxai(a, b)))


ea = [0.9, -0.5, 0.3, 0.1, -0.05]
eb = [0.8, 0.35, -0.6, 0.02, 0.1]
add("sheet k=3", ea, eb, 3)
add("sheet k=2", ea, eb, 2)
add("sheet ties", [3, 3, 1, 0], [4, 3, 2, 1], 2)
add("sheet PRA quirk, b=(3,1,2,0)", [3, 1, 1, 0], [3, 1, 2, 0], 2)
add("sheet PRA quirk, b=(3,2,1,0)", [3, 1, 1, 0], [3, 2, 1, 0], 2)
add("zero signs agree", [0, 2, -1, 0, 3], [0, -2, 1, 0, 3], 5)
rng = np.random.default_rng(22)
for d, ks in [(2, [1, 2]), (7, [1, 3, 7]), (16, [4]), (50, [13]), (100, [25, 10]), (784, [196])]:
    for k in ks:
        a = np.round(rng.normal(size=d) * 8) / 16
        b = np.round((0.6 * a * 16 + rng.normal(size=d) * 6)) / 16
        a[rng.random(d) < 0.1] = 0
        add(f"random d={d} k={k}", a, b, k)

# The matrix reference: M models, N instances, D features.
M, N, D, K = 5, 7, 30, 8
base = rng.normal(size=(N, D))
attr = np.round((base[None] * 2 + rng.normal(size=(M, N, D)) * 2) * 4) / 8
attr[2, 3] = 0.0  # a constant attribution: RC undefined for model 2 on instance 3
correct = rng.random((M, N)) < 0.85
correct[:, 1] = True
correct[:, 3] = True
names = ["feature_agreement", "rank_agreement", "sign_agreement", "signed_rank_agreement",
         "rank_correlation", "pairwise_rank_agreement"]


def mean_matrices(insts):
    out = {n: [[None] * M for _ in range(M)] for n in names}
    out["rank_correlation_n"] = [[0] * M for _ in range(M)]
    for x in range(M):
        for y in range(M):
            vals = [measures(attr[x, i], attr[y, i], K) for i in insts]
            for n in names:
                v = [r[n] for r in vals if r[n] is not None]
                out[n][x][y] = float(np.mean(v)) if v else None
            out["rank_correlation_n"][x][y] = sum(r["rank_correlation"] is not None for r in vals)
    return out


consensus = [i for i in range(N) if correct[:, i].all()]
matrix = dict(m=M, n=N, d=D, k=K, attr=attr.reshape(-1).tolist(),
              correct=correct.reshape(-1).tolist(), consensus=consensus,
              all=mean_matrices(range(N)), consensus_means=mean_matrices(consensus))
print(json.dumps(dict(pairs=pairs, matrix=matrix)))
