#!/usr/bin/python3
"""Reference values of the factor attribution's two-way bootstrap, written to
testdata/attribution_twoway.json.

Command used (from study/metrics):
    /usr/bin/python3 testdata/gen_attribution.py > testdata/attribution_twoway.json

A small crafted grid: axes a in {x, y} and b in {p, q}, replicate axis seed
in {1, 2, 3}; 12 models (a, then b, then seed varying fastest), 400 instances,
4 classes. The predictions are the label, replaced on an a-specific set of
instances by an a-specific class, on a smaller b-specific set by a
b-specific class, and on a run-specific set (larger for a=y, an interaction)
by a random class.

The file holds the inputs (configs, labels, predictions) and the resamples
the Go test feeds to the estimator (inst_counts[r][i]: how often instance i
is drawn in replicate r; unit_counts[r][u]: how often replicate unit u, the
u-th seed value in order of first appearance, is drawn), so that both sides
use the same resamples. The expected values are numpy written from the
definitions in attribution.go / attribution_twoway.go, independently of the
Go code:

  - pairs of an axis: models that differ in that axis and agree on every
    other axis; seed pairs: same (a, b), different seed;
  - per pair and replicate, with instance weights w: disagreement
    1 - sum w [p_A = p_B] / N, accuracy gap |sum w ([p_A = y] - [p_B = y])| / N,
    error consistency (c_obs - c_exp) / (1 - c_exp) on the weighted
    correctness table;
  - a pair of one unit u weighs c_u, a pair of units u != v weighs c_u c_v;
    means are weighted, over finite values;
  - excess over seed: the pair's disagreement minus the mean of the seed-pair
    disagreement of its two recipes (a recipe's is the weighted mean over its
    seed pairs);
  - interval: est +- t(0.975, G-1) sqrt(G/(G-1)) sd(replicates, ddof=1),
    G = 3 units; NaN if est is NaN or fewer than half the replicates finite;
  - differences between axes (sorted by point disagreement, largest first)
    on the same replicates, separated when the lower bound is > 0; tiers:
    an axis opens a new tier when separated from every earlier axis, else it
    joins the tier of the first earlier axis it is not separated from, and
    the tiers in between merge.
"""
import json
import math

import numpy as np
from scipy import stats

rng = np.random.RandomState(20261207)
N, C, B = 400, 4, 40
A_VALS, B_VALS, SEEDS = ["x", "y"], ["p", "q"], ["1", "2", "3"]
y = rng.randint(0, C, size=N)

configs, preds = [], []
a_mask = {v: rng.rand(N) < f for v, f in zip(A_VALS, [0.15, 0.5])}
a_cls = {v: rng.randint(0, C, size=N) for v in A_VALS}
b_mask = {v: rng.rand(N) < 0.02 for v in B_VALS}
b_cls = {v: rng.randint(0, C, size=N) for v in B_VALS}
for av in A_VALS:
    for bv in B_VALS:
        for s in SEEDS:
            p = y.copy()
            p[a_mask[av]] = a_cls[av][a_mask[av]]
            p[b_mask[bv]] = b_cls[bv][b_mask[bv]]
            f = 0.05 if av == "x" else 0.12
            m = rng.rand(N) < f
            p[m] = rng.randint(0, C, size=m.sum())
            configs.append({"a": av, "b": bv, "seed": s})
            preds.append(p)
P = np.array(preds)
M = len(configs)
inst = np.array([np.bincount(rng.randint(0, N, size=N), minlength=N) for _ in range(B)])
G = len(SEEDS)
units = np.array([np.bincount(rng.randint(0, G, size=G), minlength=G) for _ in range(B)])
unit_of = [SEEDS.index(c["seed"]) for c in configs]
recipe_keys = []
for c in configs:
    if (c["a"], c["b"]) not in recipe_keys:
        recipe_keys.append((c["a"], c["b"]))
recipe_of = [recipe_keys.index((c["a"], c["b"])) for c in configs]
AXES = ["a", "b", "seed"]
OTHER = ["a", "b"]  # the axes that are not replicate axes


def pairs_of(axis):
    out = []
    for i in range(M):
        for j in range(i + 1, M):
            if configs[i][axis] != configs[j][axis] and all(
                configs[i][k] == configs[j][k] for k in AXES if k != axis
            ):
                out.append((i, j))
    return out


seed_pairs = {r: [] for r in range(len(recipe_keys))}
for i in range(M):
    for j in range(i + 1, M):
        if recipe_of[i] == recipe_of[j] and unit_of[i] != unit_of[j]:
            seed_pairs[recipe_of[i]].append((i, j))


def pair_values(w):
    """dis, gap, ec per pair (dicts) for instance weights w."""
    corr = (P == y[None, :]).astype(float)
    acc = (corr * w[None, :]).sum(1) / N
    dis, gap, ec = {}, {}, {}
    for i in range(M):
        for j in range(i + 1, M):
            dis[i, j] = 1 - (w * (P[i] == P[j])).sum() / N
            gap[i, j] = abs(acc[i] - acc[j])
            cobs = (w * (corr[i] == corr[j])).sum() / N
            cexp = acc[i] * acc[j] + (1 - acc[i]) * (1 - acc[j])
            ec[i, j] = (cobs - cexp) / (1 - cexp) if cexp != 1 else math.nan
    return dis, gap, ec


def weight(pr, c):
    u, v = unit_of[pr[0]], unit_of[pr[1]]
    return c[u] if u == v else c[u] * c[v]


def wmean(prs, val, c):
    s = sw = 0.0
    for pr in prs:
        x, wq = val(pr), weight(pr, c)
        if wq > 0 and np.isfinite(x):
            s += wq * x
            sw += wq
    return s / sw if sw > 0 else math.nan


def cells_of(axis, prs):
    keys = [k for k in OTHER if k != axis]
    cells = []
    for pr in prs:
        label = ", ".join(f"{k}={configs[pr[0]][k]}" for k in keys)
        for cl in cells:
            if cl[0] == label:
                cl[1].append(pr)
                break
        else:
            cells.append((label, [pr]))
    return cells


def estimate(w, c):
    dis, gap, ec = pair_values(w)
    floor = {r: wmean(prs, lambda pr: dis[pr], c) for r, prs in seed_pairs.items()}

    def over(pr):
        f = [floor[recipe_of[pr[0]]], floor[recipe_of[pr[1]]]]
        f = [v for v in f if np.isfinite(v)]
        return dis[pr] - (np.mean(f) if f else math.nan)

    out = {}
    for axis in AXES:
        prs = pairs_of(axis)
        seed = axis == "seed"
        out[axis] = {
            "dis": wmean(prs, lambda pr: dis[pr], c),
            "gap": wmean(prs, lambda pr: gap[pr], c),
            "excess": wmean(prs, lambda pr: dis[pr] - gap[pr], c),
            "ec": wmean(prs, lambda pr: ec[pr], c),
            "over": math.nan if seed else wmean(prs, over, c),
            "cells": [
                {
                    "dis": wmean(cp, lambda pr: dis[pr], c),
                    "gap": wmean(cp, lambda pr: gap[pr], c),
                    "over": math.nan if seed else wmean(cp, over, c),
                }
                for _, cp in cells_of(axis, prs)
            ],
        }
    return out


def interval(est, reps):
    reps = np.asarray(reps, float)
    fin = reps[np.isfinite(reps)]
    if not np.isfinite(est) or len(fin) < 2 or 2 * len(fin) < len(reps):
        return None
    h = stats.t.ppf(0.975, G - 1) * math.sqrt(G / (G - 1)) * fin.std(ddof=1)
    return [est - h, est + h]


point = estimate(np.ones(N), np.ones(G, int))
boot = [estimate(inst[r].astype(float), units[r]) for r in range(B)]
order = sorted(AXES, key=lambda k: (-point[k]["dis"], k))

axes_out = []
for axis in order:
    pt = point[axis]
    row = {"axis": axis, "n_pairs": len(pairs_of(axis))}
    for key in ["dis", "gap", "excess", "ec", "over"]:
        row[key] = pt[key] if np.isfinite(pt[key]) else None
        row[key + "_ci"] = interval(pt[key], [bt[axis][key] for bt in boot])
    row["cells"] = []
    for k, (label, cp) in enumerate(cells_of(axis, pairs_of(axis))):
        cell = {"cell": label, "n_pairs": len(cp)}
        for key in ["dis", "gap", "over"]:
            v = pt["cells"][k][key]
            cell[key] = v if np.isfinite(v) else None
        cell["dis_ci"] = interval(pt["cells"][k]["dis"], [bt[axis]["cells"][k]["dis"] for bt in boot])
        cell["over_ci"] = interval(pt["cells"][k]["over"], [bt[axis]["cells"][k]["over"] for bt in boot])
        row["cells"].append(cell)
    axes_out.append(row)

diffs, sep = [], {}
for i, ai in enumerate(order):
    for j in range(i + 1, len(order)):
        aj = order[j]
        d = point[ai]["dis"] - point[aj]["dis"]
        ci = interval(d, [bt[ai]["dis"] - bt[aj]["dis"] for bt in boot])
        sep[i, j] = ci is not None and ci[0] > 0
        diffs.append({"a": ai, "b": aj, "difference": d, "ci": ci, "separated": sep[i, j]})

tier = [0] * len(order)
cur = 0
for j in range(1, len(order)):
    firsts = [i for i in range(j) if not sep[i, j]]
    if not firsts:
        cur += 1
        tier[j] = cur
        continue
    cur = tier[firsts[0]]
    tier = [min(t, cur) if i < j else t for i, t in enumerate(tier)]
    tier[j] = cur
tiers = []
for k, axis in enumerate(order):
    if k == 0 or tier[k] != tier[k - 1]:
        tiers.append([])
    tiers[-1].append(axis)

json.dump(
    {
        "configs": configs,
        "labels": y.tolist(),
        "preds": P.tolist(),
        "classes": C,
        "inst_counts": inst.tolist(),
        "unit_counts": units.tolist(),
        "expected": {"axes": axes_out, "differences": diffs, "tiers": tiers},
    },
    __import__("sys").stdout,
    default=lambda o: o.item(),  # numpy scalars
)
