#!/usr/bin/python3
"""scikit-learn reference values for the Fitters (tree, knn, naive_bayes),
written to testdata/fitters.json and read by fitters_test.go.

Command used (from models/):
    /usr/bin/python3 testdata/gen_fitters.py > testdata/fitters.json

Each case stores its float32 inputs with the expected outputs, so the Go
test needs no Python:
  - naive_bayes: GaussianNB() predict_proba (fitted on float64 copies of
    the float32 inputs, as the Go model computes in float64);
  - knn: KNeighborsClassifier(n_neighbors=k, algorithm="brute")
    predict and predict_proba; the data are continuous, so distances do
    not tie;
  - tree: DecisionTreeClassifier(max_depth, min_samples_leaf,
    random_state=0) training accuracy and predict; the depth-limited cases
    split large nodes only, where ties between features do not occur with
    continuous data, so the predictions are comparable.
"""
import json

import numpy as np
import sklearn
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.tree import DecisionTreeClassifier


def blobs(rng, n, d, c, spread):
    """n points in d dims around c random centres, float32."""
    centres = rng.normal(0, 2, (c, d))
    y = rng.integers(0, c, n)
    x = centres[y] + rng.normal(0, spread, (n, d))
    return x.astype(np.float32), y


def flat(a):
    return [float(v) for v in np.asarray(a).ravel()]


def case(name, model, xtr, ytr, xte, c, **kw):
    return dict(name=name, model=model, classes=c, dim=int(xtr.shape[1]),
                train_x=flat(xtr), train_y=[int(v) for v in ytr],
                test_x=flat(xte), **kw)


def main():
    rng = np.random.default_rng(20240611)
    cases = []

    # Gaussian naive Bayes.
    for name, n, d, c, spread, const in [
        ("three classes in four dimensions", 60, 4, 3, 1.5, False),
        ("two classes with a constant feature", 40, 5, 2, 1.0, True),
        ("ten classes in eight dimensions", 200, 8, 10, 2.0, False),
    ]:
        xtr, ytr = blobs(rng, n, d, c, spread)
        xte, _ = blobs(rng, 30, d, c, spread * 2)
        if const:
            xtr[:, 2] = 0.5
            xte[:, 2] = rng.normal(0.5, 0.01, 30).astype(np.float32)
        m = GaussianNB().fit(xtr.astype(np.float64), ytr)
        assert list(m.classes_) == list(range(c))
        p = m.predict_proba(xte.astype(np.float64))
        cases.append(case(name, "naive_bayes", xtr, ytr, xte, c, proba=flat(p)))

    # k-nearest neighbours.
    for name, n, d, c, spread, k in [
        ("one neighbour, three classes", 80, 3, 3, 1.5, 1),
        ("three neighbours, two classes", 60, 5, 2, 2.0, 3),
        ("five neighbours, four classes", 150, 6, 4, 2.5, 5),
        ("four neighbours with vote ties, three classes", 90, 2, 3, 2.0, 4),
    ]:
        xtr, ytr = blobs(rng, n, d, c, spread)
        xte, _ = blobs(rng, 40, d, c, spread)
        m = KNeighborsClassifier(n_neighbors=k, algorithm="brute").fit(xtr.astype(np.float64), ytr)
        dist, _ = m.kneighbors(xte.astype(np.float64), n_neighbors=min(k + 1, n))
        # Guard the "no distance ties" premise at the k-th neighbour.
        assert np.all(np.abs(dist[:, k - 1] - dist[:, min(k, n - 1)]) > 1e-4), name
        cases.append(case(name, "knn", xtr, ytr, xte, c, k=k,
                          pred=[int(v) for v in m.predict(xte.astype(np.float64))],
                          proba=flat(m.predict_proba(xte.astype(np.float64)))))

    # CART decision tree.
    for name, n, d, c, spread, depth, leaf in [
        ("a depth-2 tree on three classes", 120, 4, 3, 1.5, 2, 1),
        ("a depth-3 tree on four classes", 200, 5, 4, 2.0, 3, 1),
        ("a depth-4 tree with leaves of at least 10", 200, 3, 3, 2.5, 4, 10),
        ("an unlimited tree on overlapping classes", 150, 4, 3, 3.0, 0, 1),
        ("an unlimited tree with leaves of at least 5", 150, 4, 3, 3.0, 0, 5),
    ]:
        xtr, ytr = blobs(rng, n, d, c, spread)
        xte, _ = blobs(rng, 50, d, c, spread)
        m = DecisionTreeClassifier(max_depth=depth or None, min_samples_leaf=leaf,
                                   random_state=0).fit(xtr, ytr)
        kw = dict(max_depth=depth, min_leaf=leaf,
                  train_accuracy=float(m.score(xtr, ytr)),
                  depth=int(m.get_depth()), leaves=int(m.get_n_leaves()))
        if depth:
            kw["pred"] = [int(v) for v in m.predict(xte)]
        cases.append(case(name, "tree", xtr, ytr, xte, c, **kw))

    json.dump(dict(sklearn=sklearn.__version__, numpy=np.__version__, cases=cases),
              __import__("sys").stdout, indent=None, separators=(",", ":"))
    print()


if __name__ == "__main__":
    main()
