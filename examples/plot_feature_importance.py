"""
Which sensor channels a recurrent classifier relies on
======================================================

BasicMotions (UEA archive) holds 80 recordings of a smart watch's 3-D
accelerometer and 3-D gyroscope, six channels of 100 steps each, taken while
its wearer stood, walked, ran or played badminton. This example trains a GRU
on the official 40 training recordings and asks which channels its
predictions on the 40 test recordings depend on.

scikit-learn's ``permutation_importance`` refuses a 3-D array, but it
leaves a DataFrame to the estimator, and sk_rnn reads a DataFrame with one
column per channel and one sequence in each cell as those sequences. With
the channels in such a frame, ``permutation_importance`` shuffles each
channel, whole recordings of it, across the test set and measures the
accuracy lost.

The archive files ship inside the sktime and aeon wheels
(``pip install sktime``); nothing is downloaded.
"""

# %%
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.inspection import permutation_importance

from sk_rnn import GRUClassifier
from sk_rnn.datasets import load_ucr_uea

X_train, y_train = load_ucr_uea("BasicMotions")
X_test, y_test = load_ucr_uea("BasicMotions", split="test")
print(f"{len(X_train)} training and {len(X_test)} test recordings of shape {X_train.shape[1:]}")

# %%
# One column per channel, one recording of that channel per cell. The
# archive does not say which three channels come from which sensor, so they
# keep their positions as names.
names = [f"channel {j}" for j in range(X_train.shape[2])]


def by_channel(X):
    return pd.DataFrame({name: list(X[:, :, j]) for j, name in enumerate(names)})


model = GRUClassifier(random_state=0).fit(by_channel(X_train), y_train)
print(f"test accuracy: {model.score(by_channel(X_test), y_test):.3f}")

# %%
# Each channel shuffled ten times across the test recordings. With 40 test
# recordings one of them is worth 0.025 of accuracy.
result = permutation_importance(model, by_channel(X_test), y_test, n_repeats=10, random_state=0)
order = np.argsort(result.importances_mean)
for j in order[::-1]:
    print(
        f"{names[j]}: accuracy lost {result.importances_mean[j]:.3f} "
        f"(standard deviation {result.importances_std[j]:.3f})"
    )

# %%
# The first three channels carry most of what the model reads (0.06 to 0.12
# of accuracy lost each, seed 0); shuffling any one of the last three costs
# less than one test recording on average. Shuffling one channel costs at
# most about five recordings on average: the others still say much the same,
# so a channel's importance here is what it adds beside the rest, not what
# it would achieve alone.
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.barh(
    [names[j] for j in order],
    result.importances_mean[order],
    xerr=result.importances_std[order],
    color="tab:blue",
)
ax.axvline(0, color="grey", linewidth=0.8)
ax.set_xlabel("accuracy lost when the channel is shuffled (mean and std of 10)")
ax.set_title("BasicMotions: what the GRU reads")
fig.tight_layout()
fig.savefig("feature_importance.png", dpi=120)
