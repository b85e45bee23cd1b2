"""Train a zoo of 6 small PyTorch nets on MNIST and write what study analyze reads.

2 architectures (an MLP 784-128-64-10 and a small CNN) x 3 seeds, each one
epoch of Adam on the 60 000 training images, on the CPU (a few minutes on
2 cores). The MNIST files are the ones embedded in study
(study/data/mnist/*.gz), read here as IDX.

    cd python/examples
    python3 mnist_zoo.py --out zoo            # needs numpy and torch
    study analyze zoo/preds.npz --meta zoo/preds.models.csv \\
        --features zoo/features --logits zoo/logits --out zoo/report

writes, in --out:
    preds.npz          probs [6, 10000, 10], labels, models (write_predictions.py)
    preds.models.csv   model,arch,seed: the factors; seed is a replicate
    features/<model>.npy  [10000, 64] penultimate-layer activations
    logits/<model>.npy    [10000, 10] pre-softmax outputs
"""
import argparse
import gzip
import os
import sys

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
from write_predictions import save_features, save_predictions  # noqa: E402

MNIST = os.path.join(HERE, "..", "..", "study", "data", "mnist")


def read_idx(name):
    """An IDX file (gzip) as a numpy array: images [n, 28, 28] or labels [n]."""
    with gzip.open(os.path.join(MNIST, name)) as f:
        b = f.read()
    dims = b[3]
    shape = [int.from_bytes(b[4 + 4 * k:8 + 4 * k], "big") for k in range(dims)]
    return np.frombuffer(b, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU())
        self.head = nn.Linear(64, 10)

    def forward(self, x):
        h = self.body(x)
        return self.head(h), h


class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(16 * 7 * 7, 64), nn.ReLU())
        self.head = nn.Linear(64, 10)

    def forward(self, x):
        h = self.body(x)
        return self.head(h), h


ARCHS = {"mlp": MLP, "cnn": CNN}


def train(arch, seed, xtr, ytr, epochs, batch):
    torch.manual_seed(seed)
    net = ARCHS[arch]()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    g = torch.Generator().manual_seed(seed)
    net.train()
    for _ in range(epochs):
        for idx in torch.randperm(len(xtr), generator=g).split(batch):
            logits, _ = net(xtr[idx])
            loss = nn.functional.cross_entropy(logits, ytr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    return net


@torch.no_grad()
def predict(net, x):
    net.eval()
    logits, feats = zip(*(net(b) for b in x.split(1000)))
    logits, feats = torch.cat(logits), torch.cat(feats)
    return torch.softmax(logits.double(), dim=1).numpy(), logits.numpy(), feats.numpy()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="zoo")
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--train", type=int, default=60000, help="training images used (the first ones)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)

    xtr = torch.tensor(read_idx("train-images-idx3-ubyte.gz")[:args.train], dtype=torch.float32).unsqueeze(1) / 255
    ytr = torch.tensor(read_idx("train-labels-idx1-ubyte.gz")[:args.train], dtype=torch.int64)
    xte = torch.tensor(read_idx("t10k-images-idx3-ubyte.gz"), dtype=torch.float32).unsqueeze(1) / 255
    yte = read_idx("t10k-labels-idx1-ubyte.gz").astype(np.int64)

    os.makedirs(args.out, exist_ok=True)
    names, meta, probs = [], {}, []
    for arch in ARCHS:
        for seed in (1, 2, 3):
            name = "%s-seed%d" % (arch, seed)
            net = train(arch, seed, xtr, ytr, args.epochs, args.batch)
            p, logits, feats = predict(net, xte)
            print("%s: test accuracy %.2f %%" % (name, 100 * (p.argmax(1) == yte).mean()), flush=True)
            names.append(name)
            meta[name] = {"arch": arch, "seed": seed}
            probs.append(p)
            save_features(os.path.join(args.out, "features"), name, feats)
            save_features(os.path.join(args.out, "logits"), name, logits)
    npz, models = save_predictions(os.path.join(args.out, "preds.npz"), np.stack(probs), yte, names, meta=meta)
    print("wrote", npz, models)
    print("next: study analyze %s --meta %s --features %s --logits %s --out %s" % (
        npz, models, os.path.join(args.out, "features"), os.path.join(args.out, "logits"),
        os.path.join(args.out, "report")))


if __name__ == "__main__":
    main()
