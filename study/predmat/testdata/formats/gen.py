"""Writes the same small predictions in every format study analyze reads.

Run from this folder (numpy needed; pyarrow and pandas for the Parquet file):

    /usr/bin/python3 gen.py

preds.csv is the long CSV; preds.csv.gz the same, gzip-compressed;
preds.npz the arrays written by python/write_predictions.py (compressed
npz, unicode model names, integer instance ids); preds.parquet the long
format written by pandas' to_parquet (pyarrow engine).
"""
import gzip
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "python"))
from write_predictions import save_predictions  # noqa: E402

rng = np.random.default_rng(19)
M, N, C = 3, 5, 3
models = ["cnn seed=1", "mlp-ü", "m,3"]
labels = rng.integers(0, C, N)
logits = rng.normal(size=(M, N, C)).astype(np.float32)
probs = np.exp(logits)
probs /= probs.sum(axis=2, keepdims=True)
probs = probs.astype(np.float32)
preds = probs.argmax(axis=2)

save_predictions("preds.npz", probs, labels, models, instances=np.arange(N) * 10)

rows = ["model,instance,label,pred," + ",".join("p%d" % j for j in range(C))]
for a, name in enumerate(models):
    q = '"%s"' % name if "," in name else name
    for i in range(N):
        ps = ",".join(repr(float(v)) for v in probs[a, i])
        rows.append("%s,%d,%d,%d,%s" % (q, i * 10, labels[i], preds[a, i], ps))
text = "\n".join(rows) + "\n"
with open("preds.csv", "w", encoding="utf-8") as f:
    f.write(text)
with open("preds.csv.gz", "wb") as f:
    f.write(gzip.compress(text.encode("utf-8"), mtime=0))

try:
    import pandas as pd
except ImportError:
    print("no pandas: preds.parquet not written")
else:
    recs = []
    for a, name in enumerate(models):
        for i in range(N):
            r = {"model": name, "instance": str(i * 10), "label": int(labels[i]), "pred": int(preds[a, i])}
            for j in range(C):
                r["p%d" % j] = float(probs[a, i, j])
            recs.append(r)
    pd.DataFrame(recs).to_parquet("preds.parquet", index=False)
