"""PyTorch reference for the attacks (torch.json), on the nets that Go exports.

Run from study/attack/:
  STUDY_WRITE_ATTACK_REF=1 go test . -run TestWriteTorchInputs   # only to re-export
  /usr/bin/python3 testdata/gen_torch.py > testdata/torch.json
(PyTorch 1.13.0a0, Debian's python3-torch, CPU, float32.)

It reads mlp.safetensors and cnn.safetensors (models.WriteSafetensors, parsed
here with the standard library and numpy) and inputs.json (20 random 8x8
one-channel images in [0, 1] and labels), rebuilds both nets in PyTorch,
float32 on the CPU, and attacks them with torchattacks' equations
(torchattacks/attacks/fgsm.py, pgd.py, pgdl2.py), written out here without
the random start: the loss is nn.CrossEntropyLoss() (the batch mean) on the
logits against the true labels, and

  FGSM:  adv = clamp(x + eps * grad.sign(), 0, 1)
  PGD:   adv = adv + alpha * grad.sign()
         delta = clamp(adv - x, -eps, eps); adv = clamp(x + delta, 0, 1)
  PGDL2: grad = grad / (norm2(grad per image) + 1e-10); adv = adv + alpha * grad
         delta = adv - x; delta *= min(eps / norm2(delta per image), 1)
         adv = clamp(x + delta, 0, 1)
"""
import json
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float32)


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        a, b = e["data_offsets"]
        v = np.frombuffer(raw[8 + n + a:8 + n + b], dtype="<f4")
        out[name] = torch.from_numpy(v.copy()).reshape(e["shape"])
    return out


def mlp(w):
    def f(x):
        h = F.relu(F.linear(x, w["layer0.weight"], w["layer0.bias"]))
        h = F.relu(F.linear(h, w["layer1.weight"], w["layer1.bias"]))
        return F.linear(h, w["layer2.weight"], w["layer2.bias"])
    return f


def conv_weight(flat, out, c):
    # Go: Out x (kernel row, kernel column, channel); torch: Out x C x kh x kw.
    return flat.reshape(out, 3, 3, c).permute(0, 3, 1, 2).contiguous()


def cnn(w):
    w0 = conv_weight(w["layer0.weight"], 8, 1)
    w1 = conv_weight(w["layer1.weight"], 16, 8)

    def f(x):
        h = x.reshape(-1, 8, 8, 1).permute(0, 3, 1, 2)  # images are channels last
        h = F.max_pool2d(F.relu(F.conv2d(h, w0, w["layer0.bias"], padding=1)), 2)
        h = F.max_pool2d(F.relu(F.conv2d(h, w1, w["layer1.bias"], padding=1)), 2)
        h = h.permute(0, 2, 3, 1).reshape(x.shape[0], -1)  # flattened channels last
        h = F.relu(F.linear(h, w["layer2.weight"], w["layer2.bias"]))
        return F.linear(h, w["layer3.weight"], w["layer3.bias"])
    return f


def grad(model, adv, y):
    adv = adv.clone().detach().requires_grad_(True)
    cost = torch.nn.CrossEntropyLoss()(model(adv), y)
    return torch.autograd.grad(cost, adv)[0]


def attack(model, x, y, a):
    if a["method"] == "fgsm":
        return torch.clamp(x + a["eps"] * grad(model, x, y).sign(), 0, 1)
    adv = x.clone()
    for _ in range(a["steps"]):
        g = grad(model, adv, y)
        if a.get("norm", 0) == 2:
            gn = torch.norm(g, p=2, dim=1) + 1e-10
            adv = adv + a["alpha"] * (g / gn.view(-1, 1))
            delta = adv - x
            factor = torch.min(a["eps"] / torch.norm(delta, p=2, dim=1), torch.ones(x.shape[0]))
            adv = torch.clamp(x + delta * factor.view(-1, 1), 0, 1)
        else:
            adv = adv + a["alpha"] * g.sign()
            delta = torch.clamp(adv - x, -a["eps"], a["eps"])
            adv = torch.clamp(x + delta, 0, 1)
    return adv


def main():
    inputs = json.load(open("testdata/inputs.json"))
    x = torch.tensor(inputs["x"], dtype=torch.float32).reshape(inputs["n"], -1)
    y = torch.tensor(inputs["y"])
    attacks = [
        {"name": "fgsm", "method": "fgsm", "eps": 0.1},
        {"name": "pgd", "method": "pgd", "eps": 0.1, "steps": 10, "alpha": 0.02},
        {"name": "pgdl2", "method": "pgd", "eps": 1.0, "steps": 10, "alpha": 0.25, "norm": 2},
    ]
    cases = []
    for name, build in [("mlp", mlp), ("cnn", cnn)]:
        model = build(read_safetensors(f"testdata/{name}.safetensors"))
        for a in attacks:
            adv = attack(model, x, y, a)
            cases.append({"net": name, "attack": a, "adv": [float(v) for v in adv.reshape(-1).tolist()]})
    json.dump({"torch": torch.__version__, "cases": cases}, sys.stdout)
    sys.stdout.write("\n")


main()
