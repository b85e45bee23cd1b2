"""Reference values for the zoo layers (zoo_torch.json), from PyTorch.

Run from models/:  /usr/bin/python3 testdata/gen_zoo.py > testdata/zoo_torch.json
(PyTorch 1.13.1, Debian's python3-torch, CPU, float64 then rounded to float32.)

Each case gives the layer's parameters in the Go Params order and layout,
an input batch x (n rows, row-major, channels last for images), an upstream
gradient r, and PyTorch's output y = layer(x), dL/dx and the parameter
gradients of L = sum(r * y).
"""
import json

import torch

torch.manual_seed(7)
torch.set_default_dtype(torch.float64)


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def case(name, kind, dims, params, x, y, r, go_params, go_x_grad):
    (y * r).sum().backward()
    return {
        "name": name, "kind": kind, "dims": dims, "n": x.shape[0],
        "params": [flat(p) for p in go_params(params, grad=False)],
        "x": flat(x), "r": flat(r), "y": flat(y),
        "dx": flat(go_x_grad()),
        "grads": [flat(g) for g in go_params(params, grad=True)],
    }


cases = []

# Conv2D 3x3 same padding, channels last: Go weight is Out x (ky, kx, c).
for (n, h, w, c, out) in [(2, 4, 5, 2, 3), (1, 3, 3, 1, 2)]:
    conv = torch.nn.Conv2d(c, out, 3, padding=1)
    x = torch.randn(n, h, w, c, requires_grad=True)
    y = conv(x.permute(0, 3, 1, 2)).permute(0, 2, 3, 1)
    r = torch.randn_like(y)

    def gp(p, grad, conv=conv, out=out):
        wt = conv.weight.grad if grad else conv.weight
        b = conv.bias.grad if grad else conv.bias
        return [wt.permute(0, 2, 3, 1).reshape(out, -1), b]
    cases.append(case(f"conv2d {h}x{w}x{c} to {out} channels", "conv2d", [h, w, c, 3, out],
                      None, x, y, r, gp, lambda x=x: x.grad))

# MaxPool2D 2x2 on an odd width.
x = torch.randn(2, 4, 5, 3, requires_grad=True)
y = torch.nn.functional.max_pool2d(x.permute(0, 3, 1, 2), 2).permute(0, 2, 3, 1)
r = torch.randn_like(y)
cases.append(case("max-pooling 4x5x3", "maxpool", [4, 5, 3], None, x, y, r,
                  lambda p, grad: [], lambda x=x: x.grad))

# LayerNorm with a non-trivial scale and shift.
ln = torch.nn.LayerNorm(6)
with torch.no_grad():
    ln.weight.copy_(torch.randn(6))
    ln.bias.copy_(torch.randn(6))
x = torch.randn(3, 6, requires_grad=True)
y = ln(x)
r = torch.randn_like(y)
cases.append(case("layer norm of width 6", "layernorm", [6], None, x, y, r,
                  lambda p, grad: [ln.weight.grad, ln.bias.grad] if grad else [ln.weight, ln.bias],
                  lambda x=x: x.grad))

# GRU over 4 steps of 3 inputs, 5 hidden units: the last hidden state.
gru = torch.nn.GRU(3, 5, batch_first=True)
x = torch.randn(2, 4 * 3, requires_grad=True)
_, hT = gru(x.reshape(2, 4, 3))
y = hT[0]
r = torch.randn_like(y)
names = ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]
cases.append(case("gru of 4 steps, 3 inputs, 5 hidden", "gru", [4, 3, 5], None, x, y, r,
                  lambda p, grad: [getattr(gru, k).grad if grad else getattr(gru, k) for k in names],
                  lambda x=x: x.grad))

# Multi-head self-attention, 3 tokens of width 4, 2 heads.
mha = torch.nn.MultiheadAttention(4, 2, batch_first=True)
with torch.no_grad():
    mha.in_proj_bias.copy_(0.1 * torch.randn(12))
    mha.out_proj.bias.copy_(0.1 * torch.randn(4))
x = torch.randn(2, 3 * 4, requires_grad=True)
xs = x.reshape(2, 3, 4)
y = mha(xs, xs, xs, need_weights=False)[0].reshape(2, 12)
r = torch.randn_like(y)


def mha_params(p, grad):
    ts = [mha.in_proj_weight, mha.in_proj_bias, mha.out_proj.weight, mha.out_proj.bias]
    return [t.grad if grad else t for t in ts]


cases.append(case("self-attention of 3 tokens, width 4, 2 heads", "attention", [3, 4, 2], None, x, y, r,
                  mha_params, lambda x=x: x.grad))

print(json.dumps({"cases": cases}, indent=1))
