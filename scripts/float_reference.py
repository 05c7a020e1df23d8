"""An independent float implementation of the mnist_ideal network and schedule, in numpy, for the
check "mnist_ideal matches an independent float implementation within 0.5 points" (issue 5).

Same network and schedule, written from the description, not from cimkit's code: 784-100-10,
sigmoid hidden layer, softmax cross-entropy, Xavier-uniform initial weights (U(-s, s),
s = sqrt(6 / (n_in + n_out))), zero biases, per-sample SGD with learning rate 0.05, 5 epochs, a new
random order every epoch, features min-max scaled per pixel on the training set onto [0, 1] (a
pixel constant over the training set maps to 0.5). Its random numbers are numpy's, so it agrees with
cimkit in distribution, not sample by sample: compare means over seeds.

    /usr/bin/python3 scripts/float_reference.py data/mnist SEED [EPOCHS]
"""
import struct
import sys
from pathlib import Path

import numpy as np


def idx(path):
    raw = Path(path).read_bytes()
    magic = struct.unpack(">I", raw[:4])[0]
    dims = magic & 0xFF
    shape = struct.unpack(">" + "I" * dims, raw[4:4 + 4 * dims])
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


folder, seed = Path(sys.argv[1]), int(sys.argv[2])
epochs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
x_train = idx(folder / "train-images-idx3-ubyte").reshape(60000, 784).astype(np.float32)
y_train = idx(folder / "train-labels-idx1-ubyte")
x_test = idx(folder / "t10k-images-idx3-ubyte").reshape(10000, 784).astype(np.float32)
y_test = idx(folder / "t10k-labels-idx1-ubyte")
lo, hi = x_train.min(axis=0), x_train.max(axis=0)
span = np.where(hi > lo, hi - lo, 1.0)
def scale(x):
    return np.where(hi > lo, (x - lo) / span, 0.5).astype(np.float32)
x_train, x_test = scale(x_train), scale(x_test)

rng = np.random.default_rng(seed)
def xavier(n_out, n_in):
    s = np.sqrt(6.0 / (n_in + n_out))
    return rng.uniform(-s, s, size=(n_out, n_in)).astype(np.float32)
w1, b1, w2, b2 = xavier(100, 784), np.zeros(100, np.float32), xavier(10, 100), np.zeros(10, np.float32)
lr = np.float32(0.05)

def accuracy():
    h = 1 / (1 + np.exp(-(x_test @ w1.T + b1)))
    return float(np.mean(np.argmax(h @ w2.T + b2, axis=1) == y_test))

for epoch in range(1, epochs + 1):
    for i in rng.permutation(60000):
        x = x_train[i]
        h = 1 / (1 + np.exp(-(w1 @ x + b1)))
        z = w2 @ h + b2
        p = np.exp(z - z.max())
        p /= p.sum()
        d2 = p
        d2[y_train[i]] -= 1
        d1 = (w2.T @ d2) * h * (1 - h)
        w2 -= lr * np.outer(d2, h)
        b2 -= lr * d2
        w1 -= lr * np.outer(d1, x)
        b1 -= lr * d1
    print(f"seed {seed} epoch {epoch}: test accuracy {100 * accuracy():.2f} %", flush=True)
