# torch_pgd.py MNIST_DIR ARCH...: time PGD-10 (L-inf, eps 0.1, alpha
# 0.025, no random start) on the first 1000 MNIST test images, 100 at a
# time, against a randomly initialised net of each ARCH (mlp: 784-64-32-10
# ReLU; cnn: study's default CNN), one thread, with torchattacks' PGD
# equations:
#   loss = mean cross-entropy of the logits against the true labels
#   x' = clamp(x + clamp(x_t + alpha*sign(grad) - x, -eps, eps), 0, 1)
# Prints "ARCH SECONDS", the best of 2 attacks, timed by time.perf_counter
# (scripts/bench-pgd-vs-torch swaps in time.process_time for CPU time).
# The peer of BenchmarkPGD; not used by any test.
import sys, time, gzip, numpy as np, torch, torch.nn as nn
torch.set_num_threads(1); torch.manual_seed(0)
d = sys.argv[1]
def idx(p):
    with gzip.open(p,'rb') as f: b=f.read()
    nd=b[3]; dims=[int.from_bytes(b[4+4*i:8+4*i],'big') for i in range(nd)]
    return np.frombuffer(b[4+4*nd:],dtype=np.uint8).reshape(dims)
n, batch = 1000, 100
eps, alpha, steps = 0.1, 0.025, 10
x = torch.tensor(idx(f"{d}/t10k-images-idx3-ubyte.gz")[:n].reshape(n,-1)/255.0, dtype=torch.float32)
y = torch.tensor(idx(f"{d}/t10k-labels-idx1-ubyte.gz")[:n].astype(np.int64))
def cnn(): return nn.Sequential(nn.Unflatten(1,(1,28,28)), nn.Conv2d(1,16,3,padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(16,32,3,padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(32*7*7,128), nn.ReLU(), nn.Linear(128,10))
nets = {"mlp": lambda: nn.Sequential(nn.Linear(784,64),nn.ReLU(),nn.Linear(64,32),nn.ReLU(),nn.Linear(32,10)), "cnn": cnn}
def pgd(model, images, labels):
    # torchattacks.PGD.forward, random_start=False
    loss = nn.CrossEntropyLoss()
    adv = images.clone().detach()
    for _ in range(steps):
        adv.requires_grad = True
        cost = loss(model(adv), labels)
        grad = torch.autograd.grad(cost, adv, retain_graph=False, create_graph=False)[0]
        adv = adv.detach() + alpha * grad.sign()
        delta = torch.clamp(adv - images, min=-eps, max=eps)
        adv = torch.clamp(images + delta, min=0, max=1).detach()
    return adv
for name in sys.argv[2:]:
    m = nets[name]().eval()
    for p in m.parameters(): p.requires_grad_(False)
    best = 1e9
    for r in range(2):
        t = time.perf_counter()
        adv = torch.cat([pgd(m, x[i:i+batch], y[i:i+batch]) for i in range(0, n, batch)])
        best = min(best, time.perf_counter() - t)
    print(name, f"{best:.3f}")
