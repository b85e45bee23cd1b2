#!/usr/bin/python3
"""Reference parameter values after the first three steps of each optimizer,
from PyTorch (float32). Regenerate with:
    /usr/bin/python3 optim/testdata/first_steps.py > optim/testdata/first_steps.json
Parameter w (decayed) starts at [1, -2, 0.5] and bias b (not decayed) at [0.25];
the gradient at step t (1-based) is g_w = [0.5, -0.25, 2] * t + w, g_b = [-1.5] / t.
Each case's "settings" are the torch keyword arguments the Go test passes on,
less those in its "omit": the *_default cases leave momentum out, so the Go
side takes its default (optim.DefaultMomentum = 0.9, what torch is given)."""
import json, torch

cases = {
    "sgd": dict(cls=torch.optim.SGD, kw=dict(lr=0.1, weight_decay=0.01)),
    "sgd_momentum": dict(cls=torch.optim.SGD, kw=dict(lr=0.1, weight_decay=0.01, momentum=0.9)),
    "adam": dict(cls=torch.optim.Adam, kw=dict(lr=0.01, weight_decay=0.01)),
    "momentum": dict(cls=torch.optim.SGD, kw=dict(lr=0.1, weight_decay=0.01, momentum=0.9)),
    "momentum_default": dict(cls=torch.optim.SGD, kw=dict(lr=0.1, weight_decay=0.01, momentum=0.9), omit=("momentum",)),
    "nesterov": dict(cls=torch.optim.SGD, kw=dict(lr=0.1, weight_decay=0.01, momentum=0.9, nesterov=True)),
    "nesterov_default": dict(cls=torch.optim.SGD, kw=dict(lr=0.1, weight_decay=0.01, momentum=0.9, nesterov=True), omit=("momentum",)),
    "adamw": dict(cls=torch.optim.AdamW, kw=dict(lr=0.01, weight_decay=0.1)),
    "rmsprop": dict(cls=torch.optim.RMSprop, kw=dict(lr=0.01, weight_decay=0.01)),
    "rmsprop_momentum": dict(cls=torch.optim.RMSprop, kw=dict(lr=0.01, weight_decay=0.01, momentum=0.5)),
    "adagrad": dict(cls=torch.optim.Adagrad, kw=dict(lr=0.1, weight_decay=0.01)),
}
out = {}
for name, c in cases.items():
    w = torch.tensor([1.0, -2.0, 0.5], dtype=torch.float32, requires_grad=True)
    b = torch.tensor([0.25], dtype=torch.float32, requires_grad=True)
    opt = c["cls"]([{"params": [w], "weight_decay": c["kw"]["weight_decay"]},
                    {"params": [b], "weight_decay": 0.0}],
                   **{k: v for k, v in c["kw"].items() if k != "weight_decay"})
    steps = []
    for t in range(1, 4):
        with torch.no_grad():
            w.grad = torch.tensor([0.5, -0.25, 2.0]) * t + w.detach()
            b.grad = torch.tensor([-1.5]) / t
        opt.step()
        steps.append({"w": w.detach().tolist(), "b": b.detach().tolist()})
    omit = ("nesterov",) + c.get("omit", ())
    out[name] = {"settings": {k: v for k, v in c["kw"].items() if k not in omit}, "steps": steps}
print(json.dumps(out, indent=1))
