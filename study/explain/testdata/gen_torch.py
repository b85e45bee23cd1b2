"""PyTorch reference for the gradient attributions (torch.json).

Run from study/explain/:
  /usr/bin/python3 testdata/gen_torch.py > testdata/torch.json
(PyTorch 1.13.0a0, Debian's python3-torch, CPU, float32.)

mlp.safetensors, cnn.safetensors and inputs.json are study/attack's
exports (its TestWriteTorchInputs): an MLP 64-32-16-10 and a CNN (two
3x3 conv stages of 8 and 16 channels, dense 128) on 20 random 8x8
one-channel images in [0, 1], with labels, which are the target classes
here. For F_c the logit of the label:

  saliency      |dF_c/dx|                       (Captum Saliency, abs=True)
  grad_x_input  x * dF_c/dx                     (Captum InputXGradient)
  IG            x * sum_k w_k dF_c(a_k x)/dx    (zero baseline; Captum's
                points and weights of approximation_methods.py), summed
                over k in float64 in ascending a_k, as Go does; delta =
                sum_j IG_j - (F_c(x) - F_c(0)).
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


def logit_grad(model, x, y):
    x = x.clone().detach().requires_grad_(True)
    out = model(x).gather(1, y.view(-1, 1)).sum()
    return torch.autograd.grad(out, x)[0]


def points(rule, n):
    # captum/attr/_utils/approximation_methods.py
    if rule == "gausslegendre":
        t, w = np.polynomial.legendre.leggauss(n)
        return list(0.5 * t + 0.5), list(0.5 * w)
    if rule == "riemann_trapezoid":
        a = list(np.linspace(0, 1, n))
        w = [1.0 / n] * n
        w[0] /= 2
        w[-1] /= 2
        return a, w
    raise ValueError(rule)


def integrated_gradients(model, x, y, rule, n):
    alpha, w = points(rule, n)
    acc = torch.zeros(x.shape, dtype=torch.float64)
    for a, wk in zip(alpha, w):
        g = logit_grad(model, (float(a) * x).to(torch.float32), y)
        acc += wk * g.to(torch.float64)
    ig = x.to(torch.float64) * acc
    with torch.no_grad():
        fx = model(x).gather(1, y.view(-1, 1)).view(-1).to(torch.float64)
        f0 = model(torch.zeros_like(x)).gather(1, y.view(-1, 1)).view(-1).to(torch.float64)
    delta = ig.sum(1) - (fx - f0)
    return ig.to(torch.float32), delta


def main():
    inputs = json.load(open("testdata/inputs.json"))
    x = torch.tensor(inputs["x"], dtype=torch.float32).reshape(inputs["n"], -1)
    y = torch.tensor(inputs["y"])
    cases = []
    for name, build in [("mlp", mlp), ("cnn", cnn)]:
        model = build(read_safetensors(f"testdata/{name}.safetensors"))
        g = logit_grad(model, x, y)
        cases.append({"net": name, "method": "saliency", "attr": g.abs().reshape(-1).tolist()})
        cases.append({"net": name, "method": "grad_x_input", "attr": (x * g).reshape(-1).tolist()})
        for rule, n in [("gausslegendre", 50), ("riemann_trapezoid", 20)]:
            ig, delta = integrated_gradients(model, x, y, rule, n)
            cases.append({"net": name, "method": "integrated_gradients", "rule": rule, "steps": n,
                          "attr": ig.reshape(-1).tolist(), "delta": delta.tolist()})
    json.dump({"torch": torch.__version__, "cases": cases}, sys.stdout)
    sys.stdout.write("\n")


main()
