"""An independent numpy implementation of direct feedback alignment (DFA; Noekland, NeurIPS 2016), for
the check "DFA on the ideal engine matches an independent float DFA" (issue 18; docs/learning-rules.md).

Written from the method, not from cimkit's code. A fully connected network, hidden activation sigmoid
(or relu), softmax cross-entropy, per-sample SGD, biases starting at 0:
    forward   a_0 = x, z_l = W_l a_l + b_l, a_{l+1} = f(z_l), output p = softmax(z_{L-1})
    error     e = p - onehot(y)                      (dL/dz of the output layer)
    hidden    delta_l = (B_l^T e) * f'(z_l)          B_l: fixed random, outputs x width of layer l
    update    W_l -= lr delta_l a_l^T, b_l -= lr delta_l  (delta_{L-1} = e), every layer from the same
              forward pass
It computes in float64. It takes cimkit's starting point from a dump (tests/training/dfa_reference_dump.cpp):
the scaled Iris split, the initial weights, the feedback matrices and every epoch's sample order,
so that the two runs see the same numbers; then it compares what it gets with what cimkit's ideal
engine measured (float32): per-epoch mean loss, train and test accuracy, and the final weights.

    python3 scripts/dfa_reference.py DUMP [--check]
--check exits 1 when they differ by more than the tolerances below.
"""
import sys

import numpy as np

# float32 (cimkit) against float64 (here) over 20 epochs of 120 samples: rounding differences of
# ~1e-7 per operation, which the training does not amplify on this scale (measured on Iris 4-8-6-3,
# seed 1: loss 1.1e-7, weights 4.0e-6, sigmoid and relu alike).
LOSS_TOLERANCE = 1e-5      # absolute, on the per-epoch mean loss
WEIGHT_TOLERANCE = 5e-5    # absolute, on every final weight and bias


def read_dump(path):
    arrays = {}
    with open(path) as f:
        for line in f:
            name, rows, cols, *values = line.split()
            arrays[name] = np.array(values, dtype=np.float64).reshape(int(rows), int(cols))
    return arrays


def train(d):
    relu = d["activation"][0, 0] == 1.0
    f = (lambda z: np.maximum(z, 0.0)) if relu else (lambda z: 1.0 / (1.0 + np.exp(-z)))
    slope = (lambda z, a: (z > 0.0).astype(np.float64)) if relu else (lambda z, a: a * (1.0 - a))
    layers = sum(1 for k in d if k.startswith("w_initial_"))
    w = [d[f"w_initial_{l}"].copy() for l in range(layers)]
    b = [np.zeros(w[l].shape[0]) for l in range(layers)]
    feedback = [d[f"feedback_{l}"] for l in range(layers - 1)]
    lr = d["learning_rate"][0, 0]
    x_train, y_train = d["x_train"], d["y_train"][0].astype(int)
    x_test, y_test = d["x_test"], d["y_test"][0].astype(int)
    epochs = sum(1 for k in d if k.startswith("order_"))

    def forward(x):
        a, z = [x], []
        for l in range(layers):
            z.append(w[l] @ a[-1] + b[l])
            a.append(f(z[-1]) if l + 1 < layers else z[-1])
        return a, z

    history = []
    for epoch in range(1, epochs + 1):
        losses, correct = [], 0
        for i in d[f"order_{epoch}"][0].astype(int):
            a, z = forward(x_train[i])
            out = z[-1]
            shifted = np.exp(out - out.max())
            p = shifted / shifted.sum()
            losses.append(np.log(shifted.sum()) + out.max() - out[y_train[i]])
            correct += int(np.argmax(out) == y_train[i])
            e = p.copy()
            e[y_train[i]] -= 1.0
            deltas = [(feedback[l].T @ e) * slope(z[l], a[l + 1]) for l in range(layers - 1)] + [e]
            for l in range(layers):
                w[l] -= lr * np.outer(deltas[l], a[l])
                b[l] -= lr * deltas[l]
        test = np.mean([np.argmax(forward(x)[1][-1]) == y for x, y in zip(x_test, y_test)])
        history.append((np.mean(losses), correct / len(x_train), test))
    return history, w, b


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    d = read_dump(argv[1])
    history, w, b = train(d)
    worst_loss, accuracies_agree = 0.0, True
    print("epoch  loss (numpy / cimkit)      train acc (numpy / cimkit)  test acc (numpy / cimkit)")
    for e, (loss, train_acc, test_acc) in enumerate(history):
        c_loss, c_train, c_test = d["loss"][0, e], d["train_accuracy"][0, e], d["test_accuracy"][0, e]
        worst_loss = max(worst_loss, abs(loss - c_loss))
        # the dump holds 9 digits: the same count of correct samples is within half a sample
        accuracies_agree &= abs(train_acc - c_train) < 0.5 / len(d["x_train"]) and abs(test_acc - c_test) < 0.5 / len(d["x_test"])
        print(f"{e + 1:5d}  {loss:.7f} / {c_loss:.7f}   {train_acc:.4f} / {c_train:.4f}            {test_acc:.4f} / {c_test:.4f}")
    worst_weight = max(max(np.max(np.abs(w[l] - d[f"w_final_{l}"])), np.max(np.abs(b[l] - d[f"b_final_{l}"][0])))
                       for l in range(len(w)))
    print(f"largest difference: loss {worst_loss:.3g}, final weight or bias {worst_weight:.3g}; "
          f"accuracies {'identical' if accuracies_agree else 'DIFFER'}")
    if "--check" in argv and not (worst_loss <= LOSS_TOLERANCE and worst_weight <= WEIGHT_TOLERANCE and accuracies_agree):
        print("cimkit's DFA and the numpy reference disagree beyond the tolerances", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
