#!/usr/bin/env python3
"""PyTorch peer of BenchmarkConv (bench_test.go): forward plus backward of
the two convolutions of study's default CNN on a batch of 64, one thread.

  conv1: 28x28x1 -> 16 channels, 3x3, padding 1; the input needs no
         gradient (it is the image), so backward computes dW and db only.
  conv2: 14x14x16 -> 32 channels, 3x3, padding 1; backward computes dW,
         db and dx.

Usage: /usr/bin/python3 scripts/torch_conv.py [REPS]
Prints one line per layer: NAME SECONDS_PER_ITERATION (best of REPS
batches of 50 iterations), timed with time.perf_counter (bench-vs-peers
substitutes time.process_time for CPU time). Not used by any test.
"""
import sys
import time

import torch

torch.set_num_threads(1)
torch.manual_seed(1)
reps = int(sys.argv[1]) if len(sys.argv) > 1 else 20

for name, h, c, out, input_grad in [("28x28x1to16", 28, 1, 16, False), ("14x14x16to32", 14, 16, 32, True)]:
    conv = torch.nn.Conv2d(c, out, 3, padding=1)
    x = torch.rand(64, c, h, h, requires_grad=input_grad)
    dy = torch.rand(64, out, h, h) - 0.5
    best = float("inf")
    for r in range(reps + 1):
        t0 = time.perf_counter()
        for _ in range(50):
            conv.zero_grad(set_to_none=True)
            if x.grad is not None:
                x.grad = None
            y = conv(x)
            y.backward(dy)
        dt = (time.perf_counter() - t0) / 50
        if r > 0:  # the first batch warms up
            best = min(best, dt)
    print(name, f"{best:.6f}")
