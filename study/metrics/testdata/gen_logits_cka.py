#!/usr/bin/python3
"""Reference values for the logits view of the representation measures,
written to testdata/logits_cka.json.

Command used (from study/metrics):
    /usr/bin/python3 testdata/gen_logits_cka.py > testdata/logits_cka.json

Four models on n = 25 instances with 3 classes: models 0 and 1 are
logistic regressions (logits = X W + b on shared inputs X, no hidden
layer, so no features); models 2 and 3 have a tanh hidden layer of 6
units (their features) and logits = H U + c. The expected values are
linear CKA (Kornblith et al. 2019) on column-centred values, in float64
from the float32 values stored in the file: of the logits for every pair,
and of the features for the pairs of models 2 and 3 (None elsewhere).
"""
import json

import numpy as np


def centred(k):
    n = k.shape[0]
    h = np.eye(n) - np.ones((n, n)) / n
    return h @ k @ h


def cka(x, y):
    kc, lc = centred(x @ x.T), centred(y @ y.T)
    return float((kc * lc).sum() / np.sqrt((kc * kc).sum() * (lc * lc).sum()))


def main():
    rng = np.random.default_rng(20261207)
    n, d, c, h = 25, 5, 3, 6
    x = rng.normal(size=(n, d))
    feats, logits = [None, None], []
    for _ in range(2):
        logits.append((x @ rng.normal(size=(d, c)) + rng.normal(size=c)).astype(np.float32))
    for _ in range(2):
        hid = np.tanh(x @ rng.normal(size=(d, h)) + rng.normal(size=h)).astype(np.float32)
        feats.append(hid)
        logits.append((hid.astype(np.float64) @ rng.normal(size=(h, c)) + rng.normal(size=c)).astype(np.float32))
    m = len(logits)
    lc = [[cka(logits[a].astype(np.float64), logits[b].astype(np.float64)) for b in range(m)] for a in range(m)]
    fc = [[cka(feats[a].astype(np.float64), feats[b].astype(np.float64)) if feats[a] is not None and feats[b] is not None else None
           for b in range(m)] for a in range(m)]
    print(json.dumps({"generator": "gen_logits_cka.py", "numpy": np.__version__, "n": n,
                      "features": [None if f is None else f.tolist() for f in feats],
                      "feature_dims": [0 if f is None else f.shape[1] for f in feats],
                      "logits": [l.tolist() for l in logits], "logit_dim": c,
                      "expected": {"cka_linear": fc, "logits_cka_linear": lc}}))


if __name__ == "__main__":
    main()
