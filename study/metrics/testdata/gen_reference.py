#!/usr/bin/python3
"""Reference values for study/metrics, written to testdata/reference.json.

Command used (from study/metrics):
    /usr/bin/python3 testdata/gen_reference.py > testdata/reference.json

Cohen's kappa comes from scikit-learn's cohen_kappa_score; the other
measures are numpy implementations written from the definitions in
docs/reference/metrics-sheet.md (Fleiss' kappa from the numpy formula:
statsmodels is not installed). Undefined values (0/0) are null. Inputs are
stored with the expected values, so the Go test needs no Python.

Each case holds "expected" (the pairwise matrices), "per_model" (accuracy
and error) and "ensemble": every whole-set measure under its JSON name in
metrics.EnsembleStats. The Poisson-binomial pmf is summed over all 2^M
fail/succeed patterns (not the recurrence the Go code uses) and checked
against the characteristic-function (DFT) formula; the label entropy is
checked against scipy.stats.entropy. The last cases have even M and ties in
the plurality vote (2-2, 1-1-1-1, 3-3, 2-2-2, 2-2-1-1 splits, the higher
class often voted first), so "ties go to the lowest class" decides the
majority-vote accuracy; the generator asserts that every crafted instance
votes as listed and that ties resolve both ways.
"""
import itertools
import json
import math
import warnings

import numpy as np
import scipy.stats
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
    res = {"pairwise": res}
    res.update(ensemble(y, P, c))
    return res


def poisson_binomial(err):
    """P(exactly k models fail), k = 0..M, summed over all 2^M patterns."""
    m = len(err)
    pmf = np.zeros(m + 1)
    for fails in itertools.product([0, 1], repeat=m):
        pmf[sum(fails)] += np.prod([e if f else 1 - e for e, f in zip(err, fails)])
    # Check: the DFT of the characteristic function ∏_m (1 − e_m + e_m z).
    z = np.exp(2j * np.pi * np.arange(m + 1) / (m + 1))
    dft = np.fft.fft(np.prod([1 - e + e * z for e in err], axis=0)).real / (m + 1)
    assert np.allclose(pmf, dft, rtol=1e-9, atol=1e-15), (pmf, dft)
    assert abs(pmf.sum() - 1) < 1e-12
    return pmf


def ensemble(y, P, c):
    """The whole-set measures of the sheet ("Whole set of M models")."""
    m, n = P.shape
    corr = P == y[None, :]
    acc = corr.mean(1)
    err = 1 - acc
    l = corr.sum(0)  # models right on each instance
    q = np.bincount(m - l, minlength=m + 1) / n  # q_k: fraction exactly k models fail
    sfr = float((~corr).all(0).mean())
    pbar = acc.mean()
    counts = np.stack([(P == k).sum(0) for k in range(c)], 1).astype(np.float64)  # n × c
    vote = counts.argmax(1)  # the first maximum: ties go to the lowest class
    f = np.bincount(y, minlength=c) / n
    f = f[f > 0]
    label_entropy = float(-(f * np.log2(f)).sum())
    assert math.isclose(label_entropy, scipy.stats.entropy(np.bincount(y), base=2), rel_tol=1e-12, abs_tol=1e-15)
    e = {
        "systemic_failure_rate": sfr,
        "independent_failure_rate": float(np.prod(err)),
        "homogenization": nan_div(sfr, np.prod(err)),
        "all_correct_rate": float(corr.all(0).mean()),
        "independent_all_correct_rate": float(np.prod(acc)),
        "entropy": nan_div(np.mean(np.minimum(l, m - l)), m - math.ceil(m / 2)),
        "kw_variance": float((l * (m - l)).sum() / (n * m * m)),
        "interrater_kappa": float("nan") if m < 2 else
        1 - nan_div((l * (m - l)).sum() / m, n * (m - 1) * pbar * (1 - pbar)),
        "difficulty": float(np.var(l / m)),
        "majority_vote_accuracy": float(np.mean(vote == y)),
        "mean_accuracy": float(pbar),
        "best_accuracy": float(acc.max()),
        "label_entropy": label_entropy,
        "failure_count_histogram": q.tolist(),
        "poisson_binomial": poisson_binomial(err).tolist(),
    }
    if m < 2:
        e["fleiss_kappa"] = e["generalized_diversity"] = e["coincident_failure_diversity"] = float("nan")
    else:
        p_i = ((counts ** 2).sum(1) - m) / (m * (m - 1))
        p_c = counts.sum(0) / (n * m)
        pe = (p_c ** 2).sum()
        e["fleiss_kappa"] = nan_div(p_i.mean() - pe, 1 - pe)
        ks = np.arange(m + 1)
        p1 = (ks / m * q).sum()
        p2 = (ks * (ks - 1) / (m * (m - 1)) * q).sum()
        e["generalized_diversity"] = 1 - nan_div(p2, p1)
        e["coincident_failure_diversity"] = 0.0 if q[0] == 1 else \
            float(((m - ks[1:]) / (m - 1) * q[1:]).sum() / (1 - q[0]))
    null = lambda v: None if np.isnan(v) else float(v)
    return {"per_model": {"accuracy": acc.tolist(), "error": err.tolist()},
            "ensemble": {k: [null(x) for x in v] if isinstance(v, list) else null(v) for k, v in e.items()}}


def case(name, y, P, PR):
    ref = reference(y, P, PR)
    return {"name": name, "classes": int(PR.shape[2]), "labels": y.tolist(), "preds": P.tolist(),
            "probs": [[[float(v) for v in inst] for inst in model] for model in PR],
            "expected": ref["pairwise"], "per_model": ref["per_model"], "ensemble": ref["ensemble"]}


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


# Ties in the plurality vote. Each row: the label, every model's prediction,
# and the class the vote must pick (ties to the lowest class index).
def tie_case(name, c, rows, rng, filler):
    y = np.array([r[0] for r in rows])
    P = np.array([r[1] for r in rows]).T
    want = np.array([r[2] for r in rows])
    counts = np.stack([(P == k).sum(0) for k in range(c)], 1)
    assert (counts.argmax(1) == want).all(), (name, counts.argmax(1), want)
    # Instances whose top count is shared: their vote must resolve both
    # ways (to the true label and away from it).
    tied = (counts == counts.max(1, keepdims=True)).sum(1) > 1
    assert tied[want == y].any() and tied[want != y].any(), name
    # Random instances (prediction right with probability 1/2) after the
    # crafted ones spread l_i over 0..M.
    m = P.shape[0]
    yf = rng.integers(0, c, filler)
    Pf = np.where(rng.random((m, filler)) < 0.5, yf, rng.integers(0, c, (m, filler)))
    y, P = np.concatenate([y, yf]), np.concatenate([P, Pf], 1)
    return case(name, y, P, softmax_probs(rng, P, c))


four = [  # M = 4, C = 4
    (0, [1, 1, 0, 0], 0), (1, [1, 1, 0, 0], 0), (0, [0, 1, 0, 1], 0), (1, [1, 0, 1, 0], 0),
    (1, [2, 2, 1, 1], 1), (2, [2, 1, 2, 1], 1), (3, [3, 0, 3, 0], 0), (2, [3, 1, 1, 3], 1),
    (0, [3, 2, 1, 0], 0), (3, [3, 2, 1, 0], 0), (2, [0, 1, 2, 3], 0), (1, [2, 3, 0, 1], 0),
    (2, [2, 2, 0, 1], 2), (0, [2, 2, 0, 1], 2), (3, [3, 1, 0, 3], 3), (1, [1, 2, 1, 3], 1),
    (0, [1, 1, 1, 0], 1), (2, [2, 2, 2, 2], 2), (1, [0, 0, 0, 0], 0), (3, [3, 3, 3, 2], 3),
]
six = [  # M = 6, C = 4
    (0, [2, 1, 0, 2, 1, 0], 0), (1, [2, 1, 0, 2, 1, 0], 0), (2, [2, 2, 1, 1, 0, 0], 0),
    (2, [3, 2, 1, 3, 2, 1], 1), (1, [1, 3, 2, 3, 2, 1], 1), (3, [3, 1, 3, 2, 2, 1], 1),
    (1, [3, 3, 3, 1, 1, 1], 1), (3, [3, 1, 3, 1, 3, 1], 1), (0, [2, 0, 2, 0, 2, 0], 0),
    (2, [3, 3, 2, 2, 1, 0], 2), (3, [3, 3, 2, 2, 1, 0], 2), (0, [0, 1, 3, 3, 1, 2], 1),
    (1, [1, 1, 1, 0, 0, 2], 1), (0, [1, 1, 1, 0, 0, 2], 1), (2, [3, 3, 2, 2, 2, 0], 2),
    (3, [3, 3, 3, 3, 3, 3], 3), (0, [1, 2, 3, 1, 2, 3], 1), (2, [0, 3, 3, 0, 2, 2], 0),
    (1, [1, 1, 1, 1, 0, 2], 1), (3, [2, 3, 0, 3, 0, 2], 0),
]
cases.append(tie_case("4 models, 4 classes, crafted 2-2 and 1-1-1-1 vote ties", 4, four, rng, 20))
cases.append(tie_case("6 models, 4 classes, crafted 3-3, 2-2-2 and 2-2-1-1 vote ties", 4, six, rng, 30))
# Random matrices with even M and low accuracy: many tied votes.
cases.append(random_case(rng, "4 models, 3 classes, 150 instances, accuracy 0.4", 4, 150, 3, 0.4))
cases.append(random_case(rng, "6 models, 3 classes, 200 instances, accuracy 0.3", 6, 200, 3, 0.3))
cases.append(random_case(rng, "8 models, 5 classes, 120 instances, accuracy 0.5", 8, 120, 5, 0.5))
print(json.dumps({"generator": "gen_reference.py", "sklearn": sklearn.__version__, "numpy": np.__version__,
                  "cases": cases}))
