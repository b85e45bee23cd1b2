#!/usr/bin/python3
"""Reference values for study/metrics/transfer.go (TestTransferMatchesNumpy).

Command used (from study/metrics):
    /usr/bin/python3 testdata/gen_transfer.py > testdata/transfer.json

Random labels, clean predictions, transfer predictions and input
gradients for 5 models on 60 attacked instances of a 70-instance test
set with 3 classes. Model 3 is no source (a tree: its row is -1) and
has no gradient; model 1's gradient is zero on some instances. The
measures follow docs/robustness.md with plain numpy loops.
"""
import json
import numpy as np

rng = np.random.default_rng(21)
M, N, n, C, D = 5, 70, 60, 3, 6
labels = rng.integers(0, C, N)
# clean predictions: right with probability 0.8
clean = np.where(rng.random((M, N)) < 0.8, labels, rng.integers(0, C, (M, N)))
rows = np.sort(rng.choice(N, n, replace=False))
y = labels[rows]
# transfer predictions pred[s, t, i]: fooled with probability 0.5
pred = np.where(rng.random((M, M, n)) < 0.5, y, rng.integers(0, C, (M, M, n)))
pred[3] = -1
grad = rng.normal(size=(M, n, D))
grad[1, :5] = 0
hasgrad = [True, True, True, False, True]

nan = float("nan")
raw = np.full((M, M), nan); cc = np.full((M, M), nan); succ = np.full((M, M), nan)
same = np.full((M, M), nan); same_succ = np.full((M, M), nan)
ncc = np.full((M, M), nan); nsucc = np.full((M, M), nan)
cr = clean[:, rows] == y
for s in range(M):
    if s == 3:
        continue
    for t in range(M):
        ft = pred[s, t] != y
        den_cc = cr[s] & cr[t]
        den_succ = den_cc & (pred[s, s] != y)
        fails = den_succ & ft
        sm = fails & (pred[s, t] == pred[s, s])
        raw[s, t] = ft.mean()
        ncc[s, t] = den_cc.sum(); nsucc[s, t] = den_succ.sum()
        cc[s, t] = (den_cc & ft).sum() / den_cc.sum() if den_cc.sum() else nan
        succ[s, t] = fails.sum() / den_succ.sum() if den_succ.sum() else nan
        same[s, t] = sm.sum() / fails.sum() if fails.sum() else nan
        same_succ[s, t] = sm.sum() / den_succ.sum() if den_succ.sum() else nan

align = np.full((M, M), nan)
for a in range(M):
    for b in range(M):
        if not (hasgrad[a] and hasgrad[b]):
            continue
        cs = []
        for i in range(n):
            na, nb = np.linalg.norm(grad[a, i]), np.linalg.norm(grad[b, i])
            if na > 0 and nb > 0:
                cs.append(grad[a, i] @ grad[b, i] / (na * nb))
        align[a, b] = np.mean(cs)

asfr = [nan] * M; indep = [nan] * M; ncons = [nan] * M
cons = cr.all(axis=0)
for s in range(M):
    if s == 3:
        continue
    others = [t for t in range(M) if t != s]
    k = cons.sum()
    ncons[s] = float(k)
    allf = cons.copy()
    prod = 1.0
    for t in others:
        ft = pred[s, t] != y
        allf &= ft
        prod *= (cons & ft).sum() / k
    asfr[s] = allf.sum() / k
    indep[s] = prod

def js(a):
    return [[None if np.isnan(v) else float(v) for v in row] for row in a]

def jv(a):
    return [None if np.isnan(v) else float(v) for v in a]

print(json.dumps({
    "labels": labels.tolist(), "clean": clean.tolist(), "rows": rows.tolist(),
    "pred": pred.reshape(-1).tolist(), "grad": grad.reshape(M, -1).tolist(), "dim": D,
    "transfer_raw": js(raw), "transfer_cc": js(cc), "transfer_succ": js(succ),
    "same_mistake": js(same), "same_mistake_succ": js(same_succ),
    "n_cc": js(ncc), "n_succ": js(nsucc), "gradient_alignment": js(align),
    "adv_systemic_failure_rate": jv(asfr), "adv_independent_failure_rate": jv(indep),
    "n_consensus": jv(ncons),
}))
