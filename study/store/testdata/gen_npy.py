"""Writes testdata/npy-*.npy, the reference encodings that
TestNPYMatchesGolden holds study's features.npy writer to: numpy.save of
the matrix value(k) = k/4 - 1 in float32, little-endian, C order.

    cd study/store && /usr/bin/python3 testdata/gen_npy.py

(numpy 1.24.2 from Debian's python3-numpy.)
"""
import numpy as np

for rows, cols in [(2, 3), (1000, 16), (0, 4)]:
    a = (np.arange(rows * cols, dtype=np.float32) / np.float32(4) - np.float32(1)).reshape(rows, cols)
    np.save(f"testdata/npy-{rows}x{cols}.npy", a.astype("<f4"))
