"""Write predictions from any framework in the form `study analyze` reads.

Only numpy is needed (pandas is optional, for a DataFrame of factors).
study never calls this file: copy it next to your training code.

    from write_predictions import save_predictions, save_features

    # probs: [M, N, C] class probabilities (softmax outputs) of M models
    # on the same N test instances; labels: [N] true classes.
    save_predictions("preds.npz", probs, labels,
                     models=["cnn-s1", "cnn-s2", "mlp-s1"],
                     meta={"cnn-s1": {"arch": "cnn", "seed": 1},
                           "cnn-s2": {"arch": "cnn", "seed": 2},
                           "mlp-s1": {"arch": "mlp", "seed": 1}})
    save_features("features", "cnn-s1", feats)   # [N, D] penultimate layer

then

    study analyze preds.npz --meta preds.models.csv --features features --out report

See docs/byo-predictions.md.
"""

import csv
import os

import numpy as np

__all__ = ["save_predictions", "save_features", "meta_path"]

_TOLERANCE = 1e-3  # study's predmat.ProbTolerance


def meta_path(path):
    """The models table written beside the .npz at path: x.npz -> x.models.csv."""
    root, ext = os.path.splitext(path)
    if ext != ".npz":
        root = path
    return root + ".models.csv"


def _check_name(kind, name):
    if not isinstance(name, str) or name == "":
        raise ValueError("%s name %r must be a non-empty string" % (kind, name))
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        raise ValueError("%s name %r has a control character" % (kind, name))


def save_predictions(path, probs, labels, models, meta=None, instances=None, preds=None, groups=None):
    """Write M models' predictions on N instances as a .npz for study analyze.

    path      file to write (".npz" is added by numpy when missing).
    probs     [M, N, C] class probabilities; each row sums to 1 (±1e-3).
              float32 or float64 (float16 is widened to float32).
    labels    [N] integer true labels in [0, C).
    models    M distinct model names (strings). With `--features DIR`, the
              features of model m are DIR/<name>.npy, so a name may not
              contain a slash.
    meta      optional factors of each model: a dict {model: {factor: value}},
              a list of M dicts in the order of models, or a pandas DataFrame
              with a "model" column (or the model names as its index). Written
              as the CSV meta_path(path), for `--meta`. A factor named seed is
              a replicate by default (see --replicates).
    instances optional [N] instance ids (strings or integers).
    preds     optional [M, N] integer predictions (default: argmax of probs).
    groups    optional [N] group of each instance (strings or integers), for
              the measures per group of people (who is failed by every model).

    Returns the paths written: (npz, models_csv or None).
    """
    probs = np.asarray(probs)
    if probs.dtype == np.float16:
        probs = probs.astype(np.float32)
    if probs.dtype not in (np.float32, np.float64):
        probs = probs.astype(np.float64)
    if probs.ndim != 3:
        raise ValueError("probs has shape %s, want [M, N, C]" % (probs.shape,))
    m, n, c = probs.shape
    labels = np.asarray(labels)
    if labels.shape != (n,) or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError("labels: dtype %s shape %s, want integers (%d,)" % (labels.dtype, labels.shape, n))
    if labels.size and (labels.min() < 0 or labels.max() >= c):
        raise ValueError("labels outside [0, %d)" % c)
    if not np.all(np.isfinite(probs)) or (probs < 0).any():
        raise ValueError("probs has a negative or non-finite value")
    sums = probs.sum(axis=2, dtype=np.float64)
    bad = np.argwhere(np.abs(sums - 1) > _TOLERANCE)
    if len(bad):
        a, i = bad[0]
        raise ValueError("probs[%d, %d] sums to %g, want 1 (apply a softmax?)" % (a, i, sums[a, i]))
    models = [str(s) for s in models]
    if len(models) != m:
        raise ValueError("%d model names for %d models" % (len(models), m))
    for s in models:
        _check_name("model", s)
    if len(set(models)) != m:
        raise ValueError("model names repeat")
    arrays = {"probs": np.ascontiguousarray(probs), "labels": labels.astype(np.int64),
              "models": np.array(models, dtype=str)}
    if instances is not None:
        inst = np.asarray(instances)
        if inst.shape != (n,):
            raise ValueError("instances has shape %s, want (%d,)" % (inst.shape, n))
        if not np.issubdtype(inst.dtype, np.integer):
            inst = np.array([str(s) for s in inst], dtype=str)
        arrays["instances"] = inst
    if preds is not None:
        p = np.asarray(preds)
        if p.shape != (m, n) or not np.issubdtype(p.dtype, np.integer):
            raise ValueError("preds: dtype %s shape %s, want integers (%d, %d)" % (p.dtype, p.shape, m, n))
        arrays["preds"] = p.astype(np.int64)
    if groups is not None:
        g = np.asarray(groups)
        if g.shape != (n,):
            raise ValueError("groups has shape %s, want (%d,)" % (g.shape, n))
        if not np.issubdtype(g.dtype, np.integer):
            g = np.array([str(s) for s in g], dtype=str)
        arrays["groups"] = g
    if not str(path).endswith(".npz"):
        path = str(path) + ".npz"
    np.savez_compressed(path, **arrays)
    if meta is None:
        return path, None
    rows = _meta_rows(meta, models)
    factors = []
    for r in rows:
        for k in r:
            if k != "model" and k not in factors:
                factors.append(k)
    mp = meta_path(path)
    with open(mp, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["model"] + factors)
        for name, r in zip(models, rows):
            w.writerow([name] + [r.get(k, "") for k in factors])
    return path, mp


def _meta_rows(meta, models):
    """One dict of factors per model, in the order of models."""
    if hasattr(meta, "to_dict") and hasattr(meta, "columns"):  # a pandas DataFrame
        df = meta if "model" in meta.columns else meta.rename_axis("model").reset_index()
        meta = {str(r["model"]): {k: v for k, v in r.items() if k != "model"} for r in df.to_dict("records")}
    if isinstance(meta, dict):
        missing = [s for s in models if s not in meta]
        if missing:
            raise ValueError("meta has no factors for model %r" % missing[0])
        extra = [s for s in meta if s not in models]
        if extra:
            raise ValueError("meta names %r, which is not a model" % extra[0])
        return [dict(meta[s]) for s in models]
    rows = [dict(r) for r in meta]
    if len(rows) != len(models):
        raise ValueError("%d meta rows for %d models" % (len(rows), len(models)))
    return rows


def save_features(folder, model, features):
    """Write model's [N, D] features (or logits) as folder/<model>.npy.

    Rows are the test instances in the order given to save_predictions.
    Returns the path written.
    """
    _check_name("model", model)
    if "/" in model or "\\" in model or model in (".", ".."):
        raise ValueError("model name %r cannot name a file" % model)
    a = np.asarray(features)
    if a.ndim != 2:
        raise ValueError("features have shape %s, want [N, D]" % (a.shape,))
    if a.dtype not in (np.float32, np.float64):
        a = a.astype(np.float32)
    os.makedirs(folder, exist_ok=True)
    p = os.path.join(folder, model + ".npy")
    np.save(p, np.ascontiguousarray(a))
    return p
