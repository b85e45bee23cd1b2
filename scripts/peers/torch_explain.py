#!/usr/bin/env python3
"""PyTorch peer of BenchmarkGradientAttributions1000MNIST (study/explain):
saliency and integrated gradients (50 Gauss-Legendre points, zero
baseline) of 1000 random MNIST-sized images on the seed MLP
(784-64-32-10) and the default CNN (3x3 conv 16 and 32 channels with 2x2
max pooling, dense 128), 100 images per autograd call, one thread.
Saliency is |dF_c/dx| of the logit of class c = i mod 10; IG sums the 50
points' gradients as Captum does (one batch of 100 per point).

Usage: /usr/bin/python3 scripts/peers/torch_explain.py [REPS]
Prints NET METHOD IMAGES_PER_SECOND (best of REPS passes over the 1000
images), timed with time.perf_counter. Not used by any test.
"""
import sys
import time

import numpy as np
import torch
import torch.nn as nn

torch.set_num_threads(1)
torch.manual_seed(1)
reps = int(sys.argv[1]) if len(sys.argv) > 1 else 3

nets = {
    "mlp": lambda: nn.Sequential(nn.Linear(784, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10)),
    "cnn": lambda: nn.Sequential(nn.Unflatten(1, (1, 28, 28)), nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                                 nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                                 nn.Linear(32 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10)),
}
x = torch.rand(1000, 784)
c = torch.arange(1000) % 10
t, w = np.polynomial.legendre.leggauss(50)
alpha, weight = 0.5 * t + 0.5, 0.5 * w


def grad(model, xb, cb):
    xb = xb.clone().requires_grad_(True)
    return torch.autograd.grad(model(xb).gather(1, cb.view(-1, 1)).sum(), xb)[0]


def saliency(model, xb, cb):
    return grad(model, xb, cb).abs()


def ig(model, xb, cb):
    acc = torch.zeros_like(xb)
    for a, wk in zip(alpha, weight):
        acc += float(wk) * grad(model, float(a) * xb, cb)
    return xb * acc


for name, build in nets.items():
    model = build()
    for method, f in [("saliency", saliency), ("integrated_gradients", ig)]:
        best = float("inf")
        for _ in range(reps):
            t0 = time.perf_counter()
            for s in range(0, 1000, 100):
                f(model, x[s:s + 100], c[s:s + 100])
            best = min(best, time.perf_counter() - t0)
        print(name, method, f"{1000 / best:.0f}")
