"""
Generating first names, one character at a time
===============================================

A network with an output at every step (``output="sequence"``) learns to
predict the next character of a name from the characters before it. Sampling
from those predictions, one character after the other, invents new names.

The names come from the `gender-guesser` package (``pip install
gender-guesser``; its name list is under the GNU Free Documentation License
and is read from the installed package, never copied).
"""

# %%
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from gender_guesser.detector import Detector

from sk_rnn import GRUClassifier
from sk_rnn.preprocessing import SequenceVectorizer

rng = np.random.RandomState(0)
all_names = sorted(
    name
    for name, kinds in Detector(case_sensitive=False).names.items()
    if "female" in kinds and name.isalpha() and name.isascii() and 3 <= len(name) <= 10
)
names = [all_names[i] for i in rng.choice(len(all_names), size=3000, replace=False)]
train, test = names[:2500], names[2500:]

# %%
# "^" starts a name and "." ends it. The input at step t is character t of
# "^name"; the target is character t of "name.", i.e. the next character.
vectorizer = SequenceVectorizer(analyzer="char").fit(["^" + name + "." for name in names])


def inputs_and_targets(batch):
    """Ragged lists: the ids of "^name" and, step by step, of "name." (one step ahead)."""
    inputs = vectorizer.transform(["^" + name for name in batch])
    targets = vectorizer.transform([name + "." for name in batch])
    lengths = [len(name) + 1 for name in batch]
    return [row[:n] for row, n in zip(inputs, lengths, strict=True)], [
        row[:n] for row, n in zip(targets, lengths, strict=True)
    ]


X_train, y_train = inputs_and_targets(train)
X_test, y_test = inputs_and_targets(test)
model = GRUClassifier(output="sequence", embedding_dim=16, max_epochs=20, random_state=0)
model.fit(X_train, y_train)

# How often is the most probable next character the right one, on names the
# model never saw? Always guessing the most frequent character is the baseline.
most_frequent = np.bincount(np.concatenate(y_train)).argmax()
baseline = np.mean(np.concatenate(y_test) == most_frequent)
print(
    f"next-character accuracy on held-out names: {model.score(X_test, y_test):.3f} "
    f"(most frequent character: {baseline:.3f})"
)

# %%
# Sampling: start from "^", draw the next character from the predicted
# distribution (sharpened by a temperature below 1), stop at ".".
start, stop = vectorizer.vocabulary_["^"], vectorizer.vocabulary_["."]


def generate(temperature=0.7, max_len=12):
    ids = [start]
    while len(ids) <= max_len:
        proba = model.predict_proba([np.array(ids)])[0][-1] ** (1 / temperature)
        next_id = rng.choice(model.classes_, p=proba / proba.sum())
        if next_id == stop:
            break
        ids.append(next_id)
    return "".join(vectorizer.inverse_transform([ids[1:]])[0])


invented = [generate() for _ in range(12)]
print("invented names:", ", ".join(invented))
print("of which already in the list:", sum(name in set(all_names) for name in invented))

# %%
# What the model expects after "^mar":
proba = model.predict_proba([np.array([start, *vectorizer.transform(["mar"])[0][:3]])])[0][-1]
top = np.argsort(proba)[::-1][:8]
labels = [vectorizer.inverse_transform([[model.classes_[i]]])[0][0] for i in top]
fig, ax = plt.subplots(figsize=(5, 3))
ax.bar(labels, proba[top])
ax.set(title='Next character after "mar"', ylabel="probability")
fig.tight_layout()
fig.savefig("name_generator.png", dpi=100)
