"""
Serving a classifier with ONNX
==============================

A fitted estimator is exported as an ONNX graph that holds its whole
prediction: the input scaling learnt in ``fit``, the recurrent layers, the
softmax and the class labels. onnxruntime (or any ONNX runtime, in any
language) then classifies sequences without sk_rnn, scikit-learn or PyTorch,
with the same probabilities to float32 rounding. Here: scikit-learn's digits
read one pixel at a time (64 steps), and a latency comparison for a single
sequence.
"""

# %%
import matplotlib

matplotlib.use("Agg")
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
import onnxruntime
import torch
from sklearn.exceptions import ConvergenceWarning

import sk_rnn
from sk_rnn.datasets import load_sequential_digits

X, y = load_sequential_digits(return_X_y=True)
X = X.astype(np.float32)
rng = np.random.RandomState(0)
order = rng.permutation(len(X))
train, test = order[:1400], order[1400:]
# A short fit, to keep the example quick: 15 epochs (the default here is 91)
# end while the loss still improves, which sk_rnn reports with a warning.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    clf = sk_rnn.LSTMClassifier(max_epochs=15, random_state=0).fit(X[train], y[train])

# %%
# One file, with a second input for the number of valid steps of each
# sequence: ragged batches go in padded, valid steps first.
sk_rnn.export_onnx(clf, "digits.onnx", lengths=True)
session = onnxruntime.InferenceSession("digits.onnx")
lengths = np.full(len(test), X.shape[1], dtype=np.int64)
label, probabilities = session.run(None, {"X": X[test], "lengths": lengths})
gap = np.abs(probabilities - clf.predict_proba(X[test])).max()
accuracy = {"predict": clf.score(X[test], y[test]), "onnxruntime": np.mean(label == y[test])}
print("test accuracy: " + ", ".join(f"{name} {value:.3f}" for name, value in accuracy.items()))
print(f"largest difference between the probabilities: {gap:.1e}")

# %%
# The latency of one sequence: sk_rnn's predict (which validates its input),
# the bare torch module, and the exported graph.
one, one_length = X[test[:1]], lengths[:1]
module = clf.net_.module_.eval()
tensor = torch.from_numpy(one)


def bare_module():
    with torch.inference_mode():
        return module(tensor)


candidates = {
    "predict": lambda: clf.predict(one),
    "torch module": bare_module,
    "onnxruntime": lambda: session.run(None, {"X": one, "lengths": one_length}),
}
milliseconds = {}
for name, call in candidates.items():
    call()
    start = time.perf_counter()
    for _ in range(300):
        call()
    milliseconds[name] = (time.perf_counter() - start) / 300 * 1e3
    print(f"{name:>13}: {milliseconds[name]:.3f} ms per sequence")

# %%
fig, ax = plt.subplots(figsize=(6, 2.5))
ax.barh(list(milliseconds), list(milliseconds.values()), color=["C0", "C7", "C2"])
ax.set(xlabel="milliseconds for one sequence of 64 steps", title="LSTMClassifier on sequential digits")
fig.tight_layout()
fig.savefig("serve_onnx.png", dpi=100)
