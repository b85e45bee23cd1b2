#!/usr/bin/python3
"""Reference values for the Fashion-MNIST files of Debian's dataset-fashion-mnist package, computed independently of
the Go code with numpy. Regenerate with:

    cd study/data/testdata && /usr/bin/python3 fashion_reference.py > fashion_reference.json
"""
import gzip, json, numpy as np

def idx(path):
    with gzip.open(path, 'rb') as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4+4*i:8+4*i], 'big') for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4+4*ndim).reshape(dims)

out = {}
for part, prefix in (("train", "train"), ("test", "t10k")):
    x = idx(f"/usr/share/datasets/fashion-mnist/{prefix}-images-idx3-ubyte.gz")
    y = idx(f"/usr/share/datasets/fashion-mnist/{prefix}-labels-idx1-ubyte.gz")
    out[part] = {
        "n": int(len(y)),
        "dims": list(x.shape),
        "first_labels": [int(v) for v in y[:10]],
        "class_counts": [int(c) for c in np.bincount(y, minlength=10)],
        "pixel_sum": int(x.astype(np.int64).sum()),
        # sum of pixels of the first image and of instance 1234, as bytes
        "image0_sum": int(x[0].astype(np.int64).sum()),
        "image1234_sum": int(x[1234].astype(np.int64).sum()),
        "pixel_mean": float((x / 255.0).mean()),
    }
print(json.dumps(out, indent=1))
