#!/usr/bin/python3
"""Reference values of the worked example, written to testdata/worked_example.json.

Command used (from study/metrics):
    /usr/bin/python3 testdata/gen_worked.py > testdata/worked_example.json

The example (three models on ten instances, three classes, probabilities
one-hot at the predicted label) and the definitions are those of the
reference sheet, docs/reference/metrics-sheet.md. Cohen's kappa comes
from scikit-learn's cohen_kappa_score; every other measure is numpy written
from the sheet's definitions. "sheet" holds the values the sheet prints
(six significant digits), which the Go test checks these against too;
"cka" holds the sheet's CKA example the same way.
"""
import json
import math

import numpy as np
import sklearn
from sklearn.metrics import cohen_kappa_score

from gen_representation import debiased  # the unbiased-HSIC debiased CKA

y = np.array([0, 1, 2, 0, 1, 2, 0, 1, 2, 0])
P = np.array([
    [0, 1, 2, 0, 1, 0, 1, 1, 2, 2],  # A
    [0, 1, 1, 0, 1, 0, 1, 2, 2, 0],  # B
    [0, 1, 2, 1, 1, 2, 1, 1, 2, 2],  # C
])
C = 3
M, N = P.shape
prob = np.eye(C)[P]  # M × N × C, one-hot
c = (P == y[None, :]).astype(float)  # correctness
acc = c.mean(1)
err = 1 - acc

A, B = 0, 1
n11 = np.mean(c[A] * c[B]); n00 = np.mean((1 - c[A]) * (1 - c[B]))
n10 = np.mean(c[A] * (1 - c[B])); n01 = np.mean((1 - c[A]) * c[B])
cexp = acc[A] * acc[B] + (1 - acc[A]) * (1 - acc[B])
cobs = (prob[A] * prob[B]).sum(-1).mean()
pbar = prob[:, np.arange(N), y].mean(1)
capa_exp = pbar[A] * pbar[B] + (1 - pbar[A]) * (1 - pbar[B]) * np.mean(np.full(N, 1 / (C - 1)))

l = c.sum(0)  # models right on each instance
k = M - l  # models wrong on each instance
q = np.array([np.mean(k == j) for j in range(M + 1)])
p1 = sum(j / M * q[j] for j in range(M + 1))
p2 = sum(j * (j - 1) / (M * (M - 1)) * q[j] for j in range(M + 1))
counts = np.stack([(P == j).sum(0) for j in range(C)], 1).astype(float)  # N × C
p_i = ((counts ** 2).sum(1) - M) / (M * (M - 1))
p_c = counts.sum(0) / (N * M)
pe = (p_c ** 2).sum()
vote = counts.argmax(1)  # argmax takes the lowest index on ties
mean_acc = acc.mean()

expected = {
    "agreement(A,B)": float(np.mean(P[A] == P[B])),
    "Cohen κ(A,B)": float(cohen_kappa_score(P[A], P[B])),
    "error consistency(A,B)": float((n11 + n00 - cexp) / (1 - cexp)),
    "Q(A,B)": float((n11 * n00 - n01 * n10) / (n11 * n00 + n01 * n10)),
    "ρ(A,B)": float((n11 * n00 - n01 * n10) / math.sqrt((n11 + n10) * (n01 + n00) * (n11 + n01) * (n10 + n00))),
    "correctness disagreement(A,B)": float(n10 + n01),
    "double fault(A,B)": float(n00),
    "CAPA(A,B)": float((cobs - capa_exp) / (1 - capa_exp)),
    "SFR(A,B,C)": float(np.mean((1 - c).prod(0))),
    "∏e(A,B,C)": float(err.prod()),
    "H(A,B,C)": float(np.mean((1 - c).prod(0)) / err.prod()),
    "all-correct rate(A,B,C)": float(np.mean(c.prod(0))),
    "entropy E": float(np.mean(np.minimum(l, M - l) / (M - math.ceil(M / 2)))),
    "KW variance": float((l * (M - l)).sum() / (N * M * M)),
    "interrater κ": float(1 - ((l * (M - l)).sum() / M) / (N * (M - 1) * mean_acc * (1 - mean_acc))),
    "difficulty θ": float(np.var(l / M)),
    "generalized diversity": float(1 - p2 / p1),
    "coincident failure diversity": 0.0 if q[0] == 1 else float(sum((M - j) / (M - 1) * q[j] for j in range(1, M + 1)) / (1 - q[0])),
    "Fleiss κ(A,B,C)": float((p_i.mean() - pe) / (1 - pe)),
    "majority-vote accuracy(A,B,C)": float(np.mean(vote == y)),
}
sheet = {
    "agreement(A,B)": 0.7, "Cohen κ(A,B)": 0.545454, "error consistency(A,B)": 0.347826,
    "Q(A,B)": 0.666667, "ρ(A,B)": 0.356348, "correctness disagreement(A,B)": 0.3,
    "double fault(A,B)": 0.2, "CAPA(A,B)": 0.423077, "SFR(A,B,C)": 0.1, "∏e(A,B,C)": 0.036,
    "H(A,B,C)": 2.777778, "all-correct rate(A,B,C)": 0.4, "entropy E": 0.5, "KW variance": 0.111111,
    "interrater κ": 0.25, "difficulty θ": 0.111111, "generalized diversity": 0.5,
    "coincident failure diversity": 0.666667, "Fleiss κ(A,B,C)": 0.488055,
    "majority-vote accuracy(A,B,C)": 0.7,
}
# The sheet's CKA example: linear CKA on column-centred features, and the
# debiased linear CKA from the unbiased HSIC estimator (Song et al. 2012).
X = np.array([[1, 2], [2, 0], [0, 1], [3, 3], [1, -1]], dtype=float)
Y = np.array([[1, 0, 1], [0, 1, 2], [2, 2, 0], [1, 1, 1], [3, 0, -1]], dtype=float)


def linear_cka(x, y):
    x, y = x - x.mean(0), y - y.mean(0)
    return np.linalg.norm(y.T @ x) ** 2 / (np.linalg.norm(x.T @ x) * np.linalg.norm(y.T @ y))


def debiased_cka(x, y):
    return debiased(x @ x.T, y @ y.T)


cka = {
    "x": X.tolist(), "y": Y.tolist(),
    "expected": {"linear CKA(X,Y)": float(linear_cka(X, Y)), "debiased linear CKA(X,Y)": float(debiased_cka(X, Y))},
    "sheet": {"linear CKA(X,Y)": 0.268480, "debiased linear CKA(X,Y)": -0.216574},
}
print(json.dumps({"generator": "gen_worked.py", "sklearn": sklearn.__version__, "numpy": np.__version__,
                  "labels": y.tolist(), "preds": P.tolist(), "classes": C,
                  "expected": expected, "sheet": sheet, "cka": cka}, ensure_ascii=False, indent=1))
