"""
Long memory: the vanishing gradient, seen and measured on the adding problem
=============================================================================

The adding problem (Hochreiter & Schmidhuber, 1997) hides two marked numbers
in a long sequence; the target is their sum. A model must carry the first
number from somewhere in the first half of the sequence to its end. This
example trains the four cells of sk_rnn on it, step by step
(``patch_size=1``), and shows two things:

* how strongly the loss's gradient reaches back in time, for each cell
  (:class:`~sk_rnn.inspection.GradientFlowDisplay`);
* the test error as the sequences grow, against the 0.167 of a model that
  learns nothing (it predicts the mean sum, 1).

The budget is a few minutes on a laptop; ``benchmarks/bench_long_memory.py``
runs the same comparison at T = 50, 200 and 1000.
"""

# %%
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import r2_score

from sk_rnn import RNNRegressor
from sk_rnn.datasets import make_adding_problem
from sk_rnn.inspection import GradientFlowDisplay

warnings.simplefilter("ignore", ConvergenceWarning)  # short fits, on purpose

CELLS = ["rnn", "lstm", "gru", "indrnn"]
# What a memory task needs: one step at a time, one direction, the head on
# the last state (so memory must cross the recurrence), no
# regularisation, many small updates at a constant learning rate. Each cell
# keeps its default depth (two layers for the Elman network and IndRNN).
SETTINGS = dict(
    patch_size=1,
    bidirectional=False,
    output="last",
    hidden_size=32,
    dropout=0.0,
    weight_decay=0.0,
    batch_size=32,
    learning_rate=2e-3,
    learning_rate_schedule="constant",
    max_epochs=12,
    random_state=0,
)

# %%
# Test error as the sequences grow
# --------------------------------
# 2,000 training and 1,000 test sequences per length.
lengths = [20, 60]
errors = {cell: [] for cell in CELLS}
models = {}
for n_steps in lengths:
    X, y = make_adding_problem(3000, n_steps, random_state=0)
    X_train, y_train, X_test, y_test = X[:2000], y[:2000], X[2000:], y[2000:]
    for cell in CELLS:
        model = RNNRegressor(cell=cell, record_gradients=True, **SETTINGS).fit(X_train, y_train)
        prediction = model.predict(X_test)
        mse = np.mean((prediction - y_test) ** 2)
        errors[cell].append(mse)
        models[cell] = model  # the longest sequences' models, for the gradient plot
        print(f"T={n_steps:>3} {cell:>7}: test MSE {mse:.4f}, R2 {r2_score(y_test, prediction):.3f}")

fig, ax = plt.subplots(figsize=(6, 4))
for cell in CELLS:
    ax.plot(lengths, errors[cell], marker="o", label=cell)
ax.axhline(1 / 6, color="grey", linestyle="--", label="learns nothing (1/6)")
ax.set(xlabel="sequence length T", ylabel="test MSE", yscale="log", title="Adding problem")
ax.legend()
fig.tight_layout()
fig.savefig("long_memory_errors.png")

# %%
# How far back the gradient reaches
# ---------------------------------
# For the models trained on the longest sequences: the norm of the loss's
# gradient with respect to the input at each step, by distance from the end,
# averaged over the first epoch, when the network has learned nothing yet.
# A line that falls steeply is a gradient that vanishes: what happened many
# steps back barely moves the weights, so the network cannot start to learn
# that it matters.
display = GradientFlowDisplay.from_estimator(*models.values(), names=CELLS, epoch=0)
display.figure_.savefig("long_memory_gradients.png")
for cell, model in models.items():
    first, last = (norms[-1] / norms[0] for norms in model.gradient_norms_by_distance_[[0, -1]])
    print(
        f"{cell:>7}: gradient {lengths[-1] - 1} steps back / at the last step: "
        f"{first:.1e} in the first epoch, {last:.1e} in the last"
    )
