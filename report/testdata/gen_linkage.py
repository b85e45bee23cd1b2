"""Reference average-linkage clusterings for report/cluster_test.go.

Produced by (from report/):
    /usr/bin/python3 testdata/gen_linkage.py > testdata/linkage.json
with SciPy 1.10.1 (Debian python3-scipy). Each case is a symmetric distance
matrix with distinct off-diagonal values (so there are no ties), SciPy's
linkage(method="average") merges and leaves_list order.
"""
import json

import numpy as np
from scipy.cluster.hierarchy import leaves_list, linkage
from scipy.spatial.distance import squareform

rng = np.random.default_rng(20251129)
cases = []
for n in [2, 3, 5, 8, 13, 21]:
    # Agreement-like: groups of similar models plus noise.
    groups = rng.integers(0, max(1, n // 3), size=n)
    d = rng.uniform(0.05, 0.4, size=(n, n))
    d = (d + d.T) / 2
    for i in range(n):
        for j in range(n):
            if groups[i] == groups[j]:
                d[i, j] *= 0.2
    np.fill_diagonal(d, 0)
    z = linkage(squareform(d, checks=False), method="average")
    cases.append({
        "dist": d.tolist(),
        "merges": [[int(a), int(b), float(h), int(s)] for a, b, h, s in z],
        "order": [int(i) for i in leaves_list(z)],
    })
print(json.dumps({"cases": cases}, indent=1))
