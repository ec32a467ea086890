"""``python -m sk_rnn``: the four recurrent cells compared on scikit-learn's digits.

Each 8x8 image is read row by row, as a sequence of 8 steps with 8 features,
and classified from the network's state after the last row. The demo prints
the cross-validated accuracy of every cell next to a logistic regression on
the flat pixels.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence

import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from ._classifiers import RNNClassifier

CELL_TITLES = {
    "rnn": "Elman RNN (tanh)",
    "lstm": "LSTM",
    "gru": "GRU",
    "indrnn": "IndRNN",
}


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m sk_rnn",
        description="Cross-validated accuracy of RNN, LSTM, GRU and IndRNN classifiers on the digits "
        "data set shipped with scikit-learn, each image read row by row as an 8-step sequence.",
    )
    parser.add_argument("--cells", nargs="+", choices=sorted(CELL_TITLES), default=list(CELL_TITLES))
    parser.add_argument("--folds", type=int, default=3, help="cross-validation folds (default: 3)")
    parser.add_argument("--max-epochs", type=int, default=100, help="training epochs (default: 100)")
    parser.add_argument("--n-jobs", type=int, default=1, help="folds trained in parallel (default: 1)")
    parser.add_argument("--seed", type=int, default=0, help="random_state of the folds and networks")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse(argv)
    X, y = load_digits(return_X_y=True)
    sequences = X.reshape(-1, 8, 8)
    folds = StratifiedKFold(args.folds, shuffle=True, random_state=args.seed)
    print(
        f"digits: {len(X)} images of 8x8 pixels read row by row -> sequences of 8 steps x 8 features\n"
        f"{args.folds}-fold cross-validated accuracy, {args.max_epochs} epochs per fit\n"
    )
    rows = []
    for cell in args.cells:
        print(f"  training {CELL_TITLES[cell]} ...", flush=True)
        model = RNNClassifier(cell=cell, max_epochs=args.max_epochs, random_state=args.seed)
        start = time.perf_counter()
        scores = cross_val_score(model, sequences, y, cv=folds, n_jobs=args.n_jobs)
        rows.append(
            (f"RNNClassifier(cell={cell!r})  {CELL_TITLES[cell]}", scores, time.perf_counter() - start)
        )
    start = time.perf_counter()
    baseline = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
    scores = cross_val_score(baseline, X, y, cv=folds, n_jobs=args.n_jobs)
    rows.append(("LogisticRegression on the 64 flat pixels", scores, time.perf_counter() - start))

    width = max(len(name) for name, _, _ in rows)
    print(f"\n{'model':<{width}}  accuracy (mean +/- std)   time")
    print(f"{'-' * width}  ------------------------  -------")
    for name, scores, seconds in rows:
        print(f"{name:<{width}}  {np.mean(scores):.3f} +/- {np.std(scores):.3f}         {seconds:6.1f} s")
    return 0
