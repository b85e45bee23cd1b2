#!/usr/bin/python3
"""Small .npz datasets for npz_test.go, written with numpy. Regenerate with:

    cd study/data/testdata && /usr/bin/python3 npz_reference.py

images_u8.npz: uint8 images N×4×3×2 (channels last), value
(7·i + 5·h + 3·w + c) mod 256, int64 labels i mod 3 (np.savez).
table_f4.npz: float32 N×5, value i − 0.5·j, labels 10 + (i mod 2) as
int32 (np.savez_compressed).
gray_f8.npz: float64 N×4×4 (no channel axis), value (i + h·w) / 100,
uint8 labels i mod 2.
"""
import numpy as np

def images(n):
    i, h, w, c = np.meshgrid(np.arange(n), np.arange(4), np.arange(3), np.arange(2), indexing="ij")
    return ((7 * i + 5 * h + 3 * w + c) % 256).astype(np.uint8)

np.savez("images_u8.npz", x_train=images(6), y_train=np.arange(6, dtype=np.int64) % 3,
         x_test=images(3), y_test=np.arange(3, dtype=np.int64) % 3)

def table(n):
    i, j = np.meshgrid(np.arange(n), np.arange(5), indexing="ij")
    return (i - 0.5 * j).astype(np.float32)

np.savez_compressed("table_f4.npz", x_train=table(8), y_train=(10 + np.arange(8) % 2).astype(np.int32),
                    x_test=table(4), y_test=(10 + np.arange(4) % 2).astype(np.int32))

def gray(n):
    i, h, w = np.meshgrid(np.arange(n), np.arange(4), np.arange(4), indexing="ij")
    return ((i + h * w) / 100).astype(np.float64)

np.savez("gray_f8.npz", x_train=gray(4), y_train=(np.arange(4) % 2).astype(np.uint8),
         x_test=gray(2), y_test=(np.arange(2) % 2).astype(np.uint8))
