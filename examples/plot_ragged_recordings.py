"""
Classifying recordings of different lengths
===========================================

Sensor recordings rarely have one length. Here each recording holds two
channels (position and velocity of an oscillating body, with sensor noise)
and lasts between 30 and 150 samples; the task is to tell free, damped
oscillations from driven ones and from a body pushed around at random.

The recordings go in as a plain list of ``(T_i, 2)`` arrays. In a
``Pipeline``, :class:`~sk_rnn.preprocessing.SequencePadder` turns the list into
one NaN-padded array (the form in which the lengths survive between pipeline
steps); the network packs the sequences, so padding never reaches its state.
"""

# %%
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline

from sk_rnn import GRUClassifier
from sk_rnn.inspection import TrainingCurveDisplay
from sk_rnn.preprocessing import SequencePadder

rng = np.random.RandomState(0)
DT = 0.2


def record(kind):
    """Simulate one recording: (position, velocity) at every step, plus noise."""
    n_steps = rng.randint(30, 151)
    omega, damping = rng.uniform(0.6, 1.4), rng.uniform(0.05, 0.25)
    drive = rng.uniform(0.6, 1.4)
    x, v = rng.normal(), rng.normal()
    out = np.empty((n_steps, 2))
    for t in range(n_steps):
        if kind == "damped":
            force = 0.0
        elif kind == "driven":
            force = 0.8 * np.cos(drive * t * DT)
        else:  # "random": pushed by noise, no restoring spring to speak of
            force = rng.normal(scale=3.0) - omega**2 * x * 0.9
        a = -(omega**2) * x - 2 * damping * omega * v + force
        v += a * DT
        x += v * DT
        out[t] = x, v
    return out + rng.normal(scale=0.1, size=out.shape)


kinds = ["damped", "driven", "random"]
labels = [kinds[i % 3] for i in range(300)]
recordings = [record(kind) for kind in labels]
print("lengths from", min(map(len, recordings)), "to", max(map(len, recordings)))

# %%
model = make_pipeline(SequencePadder(), GRUClassifier(hidden_size=64, max_epochs=30, random_state=0))
scores = cross_val_score(model, recordings, labels, cv=StratifiedKFold(3, shuffle=True, random_state=0))
print(f"3-fold test accuracy: {scores.mean():.3f} +/- {scores.std():.3f} (chance: 0.333)")

# %%
fig, axes = plt.subplots(1, 3, figsize=(9, 2.5), sharey=True)
for ax, kind in zip(axes, kinds, strict=True):
    example = recordings[labels.index(kind)]
    ax.plot(example[:, 0], lw=1)
    ax.set(title=f"{kind} ({len(example)} steps)", xlabel="step")
axes[0].set_ylabel("position")
fig.tight_layout()
fig.savefig("ragged_recordings.png", dpi=100)

# %%
# How training went: refit on all recordings with early stopping (the last
# 10% held out), and draw the loss of every epoch, training and held-out, with
# the learning rate of the cosine schedule on the right axis.
model.set_params(gruclassifier__early_stopping=True).fit(recordings, labels)
curves = TrainingCurveDisplay.from_estimator(model, name="GRU")
print(f"{model[-1].n_iter_} epochs, best held-out loss {model[-1].best_validation_loss_:.3f}")
curves.figure_.tight_layout()
curves.figure_.savefig("ragged_recordings_training.png", dpi=100)
