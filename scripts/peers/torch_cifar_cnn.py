"""One epoch of study's CIFAR-10 cnn (width 32: conv3x3(3->32)-relu-pool2-
conv3x3(32->64)-relu-pool2-dense(4096->128)-relu-dense(10)) in PyTorch on
one CPU thread, Adam lr 1e-3, batch 64, cross-entropy. Prints the seconds
for N training images, best of 2.

    /usr/bin/python3 scripts/peers/torch_cifar_cnn.py DATA.npz N

DATA.npz holds x_train (N x 32 x 32 x 3 uint8, channels last, as study's
npz datasets) and y_train: the same file that study reads with
dataset: {name: npz, path: DATA.npz}. Without CIFAR-10 (no internet),
random images of the same shape time the same work:

    /usr/bin/python3 -c "import numpy as np; r=np.random.default_rng(0); \
      np.savez('/tmp/cifar_shape.npz', x_train=r.integers(0,256,(10000,32,32,3),dtype=np.uint8), \
      y_train=r.integers(0,10,10000), x_test=r.integers(0,256,(100,32,32,3),dtype=np.uint8), \
      y_test=r.integers(0,10,100))"
"""
import sys, time, numpy as np, torch, torch.nn as nn

torch.set_num_threads(1)
torch.manual_seed(0)
d = np.load(sys.argv[1])
n = int(sys.argv[2])
x = torch.tensor(d["x_train"][:n].astype(np.float32) / 255.0).permute(0, 3, 1, 2).contiguous()
y = torch.tensor(d["y_train"][:n].astype(np.int64))


def cnn():
    return nn.Sequential(
        nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 8 * 8, 128), nn.ReLU(), nn.Linear(128, 10))


best = 1e9
for r in range(2):
    m = cnn()
    opt = torch.optim.Adam(m.parameters(), 1e-3)
    lf = nn.CrossEntropyLoss()
    perm = torch.randperm(n)
    t = time.perf_counter()
    for i in range(0, n, 64):
        b = perm[i:i + 64]
        opt.zero_grad()
        l = lf(m(x[b]), y[b])
        l.backward()
        opt.step()
    best = min(best, time.perf_counter() - t)
print(f"cnn width 32, {n} images: {best:.2f} s")
