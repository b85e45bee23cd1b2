#!/usr/bin/python3
"""Reference losses with label smoothing, from PyTorch (float32). Regenerate with:
    /usr/bin/python3 study/train/testdata/label_smoothing.py > study/train/testdata/label_smoothing.json
Multiclass: CrossEntropyLoss(label_smoothing=eps), mean over rows.
Binary: BCEWithLogitsLoss on targets y(1-eps)+eps/2, mean over rows."""
import json, torch
import torch.nn.functional as F

cases = [
    dict(name="two classes", logits=[[1.0, 0.0]], y=[0], eps=0.2),
    dict(name="three classes, two rows", logits=[[2.0, -1.0, 0.5], [0.0, 0.0, 3.0]], y=[0, 1], eps=0.1),
    dict(name="three classes, no smoothing", logits=[[2.0, -1.0, 0.5], [0.0, 0.0, 3.0]], y=[2, 1], eps=0.0),
    dict(name="binary", logits=[2.0, -1.0], y=[1, 0], eps=0.2),
    dict(name="binary, strong smoothing", logits=[-3.0, 0.5, 4.0], y=[1, 1, 0], eps=0.9),
]
out = []
for c in cases:
    z = torch.tensor(c["logits"], dtype=torch.float32, requires_grad=True)
    y = torch.tensor(c["y"])
    if z.dim() == 2:
        loss = F.cross_entropy(z, y, label_smoothing=c["eps"])
    else:
        t = y.float() * (1 - c["eps"]) + c["eps"] / 2
        loss = F.binary_cross_entropy_with_logits(z, t)
    loss.backward()
    out.append(dict(c, loss=loss.item(), grad=z.grad.flatten().tolist()))
print(json.dumps(out, indent=1))
