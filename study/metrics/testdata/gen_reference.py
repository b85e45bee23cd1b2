#!/usr/bin/python3
"""Reference values for study/metrics, written to testdata/reference.json.

Command used (from study/metrics):
    /usr/bin/python3 testdata/gen_reference.py > testdata/reference.json

Cohen's kappa comes from scikit-learn's cohen_kappa_score; the other
measures are numpy implementations written from the definitions in
/work/shared/reference/metrics.md (Fleiss' kappa from the numpy formula:
statsmodels is not installed). Undefined values (0/0) are null. Inputs are
stored with the expected values, so the Go test needs no Python.
"""
import json
import warnings

import numpy as np
import sklearn
from sklearn.metrics import cohen_kappa_score

warnings.simplefilter("ignore")


def softmax_probs(rng, preds, c):
    m, n = preds.shape
    logits = rng.normal(0, 1, (m, n, c))
    logits[np.arange(m)[:, None], np.arange(n)[None, :], preds] += 3
    p = np.exp(logits - logits.max(-1, keepdims=True))
    p /= p.sum(-1, keepdims=True)
    return p.astype(np.float32)


def nan_div(a, b):
    return float(a / b) if b != 0 else float("nan")


def reference(y, P, PR):
    m, n = P.shape
    c = PR.shape[2]
    corr = P == y[None, :]
    out = {k: np.full((m, m), np.nan) for k in
           ["cohen_kappa", "agreement", "error_consistency", "q_statistic", "correlation", "jsd", "capa"]}
    pr = PR.astype(np.float64)
    pbar = pr[:, np.arange(n), y].mean(1)
    for a in range(m):
        for b in range(m):
            out["cohen_kappa"][a, b] = cohen_kappa_score(P[a], P[b])
            out["agreement"][a, b] = (P[a] == P[b]).mean()
            ca, cb = corr[a], corr[b]
            n11 = np.mean(ca & cb); n00 = np.mean(~ca & ~cb)
            n10 = np.mean(ca & ~cb); n01 = np.mean(~ca & cb)
            aa, ab = ca.mean(), cb.mean()
            cexp = aa * ab + (1 - aa) * (1 - ab)
            out["error_consistency"][a, b] = nan_div(n11 + n00 - cexp, 1 - cexp)
            out["q_statistic"][a, b] = nan_div(n11 * n00 - n01 * n10, n11 * n00 + n01 * n10)
            out["correlation"][a, b] = nan_div(n11 * n00 - n01 * n10,
                                               np.sqrt((n11 + n10) * (n01 + n00) * (n11 + n01) * (n10 + n00)))
            p, q = pr[a], pr[b]
            mix = (p + q) / 2
            with np.errstate(divide="ignore", invalid="ignore"):
                kl_p = np.where(p > 0, p * np.log2(p / mix), 0.0).sum(-1)
                kl_q = np.where(q > 0, q * np.log2(q / mix), 0.0).sum(-1)
            out["jsd"][a, b] = (0.5 * (kl_p + kl_q)).mean()
            cobs = (p * q).sum(-1).mean()
            cexp = pbar[a] * pbar[b] + (1 - pbar[a]) * (1 - pbar[b]) / (c - 1)
            out["capa"][a, b] = nan_div(cobs - cexp, 1 - cexp)
    res = {k: [[None if np.isnan(v) else float(v) for v in row] for row in mat] for k, mat in out.items()}
    res["systemic_failure_rate"] = float((~corr).all(0).mean())
    counts = np.stack([(P == k).sum(0) for k in range(c)], 1).astype(np.float64)  # n × c
    if m < 2:
        res["fleiss_kappa"] = None
    else:
        p_i = ((counts ** 2).sum(1) - m) / (m * (m - 1))
        p_c = counts.sum(0) / (n * m)
        pe = (p_c ** 2).sum()
        res["fleiss_kappa"] = nan_div(p_i.mean() - pe, 1 - pe)
    return res


def case(name, y, P, PR):
    return {"name": name, "classes": int(PR.shape[2]), "labels": y.tolist(), "preds": P.tolist(),
            "probs": [[[float(v) for v in inst] for inst in model] for model in PR],
            "expected": reference(y, P, PR)}


def random_case(rng, name, m, n, c, acc):
    y = rng.integers(0, c, n)
    P = np.where(rng.random((m, n)) < acc, y, rng.integers(0, c, (m, n)))
    return case(name, y, P, softmax_probs(rng, P, c))


rng = np.random.default_rng(20251129)
cases = [
    random_case(rng, "4 models, 2 classes, 70 instances", 4, 70, 2, 0.7),
    random_case(rng, "5 models, 3 classes, 129 instances", 5, 129, 3, 0.8),
    random_case(rng, "6 models, 10 classes, 300 instances", 6, 300, 10, 0.9),
    random_case(rng, "3 models, 20 classes, 64 instances", 3, 64, 20, 0.5),
]
# Degenerate: a constant predictor, a perfect model, an always-wrong model.
y = rng.integers(0, 3, 40)
P = np.stack([np.zeros(40, int), y, (y + 1) % 3, np.where(rng.random(40) < 0.6, y, 0)])
cases.append(case("constant, perfect and always-wrong models, 3 classes", y, P, softmax_probs(rng, P, 3)))
# Degenerate: every model perfect, 2 classes, one-hot probabilities.
y = rng.integers(0, 2, 30)
P = np.stack([y, y, y])
cases.append(case("three perfect models, 2 classes, one-hot", y, P, np.eye(2, dtype=np.float32)[P]))
print(json.dumps({"generator": "gen_reference.py", "sklearn": sklearn.__version__, "numpy": np.__version__,
                  "cases": cases}))
