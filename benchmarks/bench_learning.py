"""How well the defaults learn: every cell against 1-NN, ridge and MiniRocket on real data.

Each estimator is built with its defaults and ``random_state`` only, fitted on
the official training split and scored on the official test split. The
UCR/UEA sets are read from the ``.ts`` files inside the installed sktime and
aeon wheels (``pip install -e ".[benchmark]"``); nothing is downloaded.

Two panels:

* development: the sets the defaults were chosen on (ACSF1, PLAID,
  PickupGestureWiimoteZ, UnitTest, Tecator, Covid3Month, digits read row by
  row in five scalings);
* held out: sets that were not looked at while choosing them (GunPoint,
  ArrowHead, OSULeaf, ItalyPowerDemand, BasicMotions, JapaneseVowels,
  CardanoSentiment), which tell whether the defaults carry over.

Baselines: 1-nearest neighbour with the Euclidean distance, ridge
(``RidgeClassifierCV`` / ``RidgeCV``) on the flattened, standardised series,
and MiniRocket (aeon) when aeon is installed. Sequences of different lengths
are resampled to the longest training length for the baselines (the
networks read them as they are).

    python benchmarks/bench_learning.py                       # everything, seed 0
    python benchmarks/bench_learning.py --seeds 0 1 2 --panel development
    python benchmarks/bench_learning.py --datasets GunPoint --cells lstm --set hidden_size=64

The table is printed as markdown and written to ``--output``.

``--timing`` measures the largest default fit the docs promise to finish in
under two minutes on two cores: 1,000 random walks of 1,500 steps, one
classifier per cell, with its defaults and two torch threads.

    python benchmarks/bench_learning.py --timing
"""

from __future__ import annotations

import argparse
import ast
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import sklearn
import torch
from sklearn.datasets import load_digits
from sklearn.linear_model import RidgeClassifierCV, RidgeCV
from sklearn.metrics import accuracy_score, root_mean_squared_error
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import sk_rnn
from sk_rnn import RNNClassifier, RNNRegressor
from sk_rnn.datasets import load_ucr_uea

CELLS = ("rnn", "lstm", "gru", "indrnn")


@dataclass(frozen=True)
class Task:
    """One data set with its official split."""

    name: str
    panel: str
    kind: str  # "classification" or "regression"
    load: Callable[[], tuple]

    def data(self) -> tuple:
        return self.load()


def _ucr(name: str) -> Callable[[], tuple]:
    def load() -> tuple:
        X_train, y_train = load_ucr_uea(name, split="train")
        X_test, y_test = load_ucr_uea(name, split="test")
        return X_train, y_train, X_test, y_test

    return load


def _digits(scaling: str) -> Callable[[], tuple]:
    """load_digits read row by row (8 steps of 8 pixels), first half / second half."""

    def load() -> tuple:
        X, y = load_digits(return_X_y=True)
        half = len(X) // 2
        X_train, X_test = X[:half], X[half:]
        if scaling == "/16":
            X_train, X_test = X_train / 16, X_test / 16
        elif scaling == "x1000":
            X_train, X_test = X_train * 1000, X_test * 1000
        elif scaling == "standardised":
            scaler = StandardScaler().fit(X_train)
            X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
        elif scaling == "min-max [-1, 1]":
            X_train, X_test = X_train / 8 - 1, X_test / 8 - 1
        return X_train.reshape(-1, 8, 8), y[:half], X_test.reshape(-1, 8, 8), y[half:]

    return load


TASKS = [
    Task("ACSF1", "development", "classification", _ucr("ACSF1")),
    Task("PLAID", "development", "classification", _ucr("PLAID")),
    Task("PickupGestureWiimoteZ", "development", "classification", _ucr("PickupGestureWiimoteZ")),
    Task("UnitTest", "development", "classification", _ucr("UnitTest")),
    Task("Tecator", "development", "regression", _ucr("Tecator")),
    Task("Covid3Month", "development", "regression", _ucr("Covid3Month")),
    *(
        Task(f"digits rows, {scaling}", "development", "classification", _digits(scaling))
        for scaling in ("raw 0-16", "/16", "standardised", "x1000", "min-max [-1, 1]")
    ),
    Task("GunPoint", "held out", "classification", _ucr("GunPoint")),
    Task("ArrowHead", "held out", "classification", _ucr("ArrowHead")),
    Task("OSULeaf", "held out", "classification", _ucr("OSULeaf")),
    Task("ItalyPowerDemand", "held out", "classification", _ucr("ItalyPowerDemand")),
    Task("BasicMotions", "held out", "classification", _ucr("BasicMotions")),
    Task("JapaneseVowels", "held out", "classification", _ucr("JapaneseVowels")),
    Task("CardanoSentiment", "held out", "regression", _ucr("CardanoSentiment")),
]


def _resampled(X, length: int) -> np.ndarray:
    """Sequences as one (n, length * F) table, each resampled linearly to ``length`` steps."""
    rows = []
    for sequence in X:
        sequence = np.asarray(sequence, dtype=np.float64)
        if len(sequence) != length:
            old = np.linspace(0, 1, len(sequence))
            new = np.linspace(0, 1, length)
            sequence = np.stack([np.interp(new, old, column) for column in sequence.T], axis=1)
        rows.append(sequence.reshape(-1))
    return np.array(rows)


def _flat(X_train, X_test) -> tuple[np.ndarray, np.ndarray]:
    length = max(len(sequence) for sequence in X_train)
    return _resampled(X_train, length), _resampled(X_test, length)


def _channels_first(X_flat: np.ndarray, n_features: int) -> np.ndarray:
    return X_flat.reshape(len(X_flat), -1, n_features).transpose(0, 2, 1)


def baselines(task: Task, X_train, y_train, X_test, y_test) -> dict[str, float]:
    """Test score of each baseline: accuracy, or RMSE for regression."""
    n_features = np.asarray(X_train[0]).shape[-1]
    F_train, F_test = _flat(X_train, X_test)
    if task.kind == "classification":
        score = accuracy_score
        models = {
            "1-NN": KNeighborsClassifier(n_neighbors=1),
            "ridge": make_pipeline(StandardScaler(), RidgeClassifierCV(alphas=np.logspace(-3, 3, 10))),
        }
    else:
        score = root_mean_squared_error
        models = {
            "1-NN": KNeighborsRegressor(n_neighbors=1),
            "ridge": make_pipeline(StandardScaler(), RidgeCV(alphas=np.logspace(-3, 3, 10))),
        }
    results = {
        name: score(y_test, model.fit(F_train, y_train).predict(F_test)) for name, model in models.items()
    }
    try:
        if task.kind == "classification":
            from aeon.classification.convolution_based import MiniRocketClassifier as MiniRocket
        else:
            from aeon.regression.convolution_based import MiniRocketRegressor as MiniRocket
    except ImportError:
        return results
    if F_train.shape[1] // n_features >= 9:  # MiniRocket's kernels span 9 steps
        rocket = MiniRocket(random_state=0).fit(_channels_first(F_train, n_features), y_train)
        results["MiniRocket"] = score(y_test, rocket.predict(_channels_first(F_test, n_features)))
    return results


def network(task: Task, cell: str, seed: int, overrides: dict) -> object:
    cls = RNNClassifier if task.kind == "classification" else RNNRegressor
    return cls(cell=cell, random_state=seed, **overrides)


def evaluate(task: Task, cells, seeds, overrides, *, with_baselines: bool = True) -> dict:
    X_train, y_train, X_test, y_test = task.data()
    row = {
        "baselines": baselines(task, X_train, y_train, X_test, y_test) if with_baselines else {},
        "cells": {},
    }
    score = accuracy_score if task.kind == "classification" else root_mean_squared_error
    for cell in cells:
        scores, seconds = [], []
        for seed in seeds:
            model = network(task, cell, seed, overrides)
            start = time.perf_counter()
            model.fit(X_train, y_train)
            seconds.append(time.perf_counter() - start)
            scores.append(score(y_test, model.predict(X_test)))
            print(
                f"  {task.name:32s} {cell:7s} seed {seed}: {scores[-1]:.4g} in {seconds[-1]:.1f} s "
                f"(patch {model.patch_size_}, batch {model.batch_size_}, {model.n_iter_} epochs, "
                f"final loss {model.loss_curve_[-1]:.3g})",
                flush=True,
            )
        row["cells"][cell] = (scores, seconds)
    row["shape"] = _shape(X_train, X_test)
    row["chance"] = _chance(task, y_train, y_test)
    return row


def _shape(X_train, X_test) -> str:
    lengths = [len(sequence) for sequence in X_train]
    n_features = np.asarray(X_train[0]).shape[-1]
    steps = str(lengths[0]) if min(lengths) == max(lengths) else f"{min(lengths)}-{max(lengths)}"
    return f"{len(X_train)}/{len(X_test)} x {steps} x {n_features}"


def _chance(task: Task, y_train, y_test) -> float:
    """Most-frequent-class accuracy, or the RMSE of predicting the training mean."""
    if task.kind == "classification":
        values, counts = np.unique(y_train, return_counts=True)
        return float(np.mean(y_test == values[np.argmax(counts)]))
    return float(root_mean_squared_error(y_test, np.full(len(y_test), np.mean(y_train))))


def _cell_text(scores: list[float], seconds: list[float]) -> str:
    text = f"{statistics.mean(scores):.3f}"
    if len(scores) > 1:
        text += f" ± {statistics.stdev(scores):.3f}"
    return f"{text} ({statistics.mean(seconds):.0f} s)"


def _header_line(seeds, overrides, threads: int | None = None) -> str:
    """The versions, the machine and the run's settings; ``threads`` if the fits ran on another count."""
    threads = torch.get_num_threads() if threads is None else threads
    return (
        f"sk_rnn {sk_rnn.__version__}, torch {torch.__version__}, scikit-learn {sklearn.__version__}, "
        f"{platform.machine()}, {os.cpu_count()} cores, {threads} torch thread(s); "
        f"seeds {', '.join(map(str, seeds))}" + (f"; overrides {overrides}" if overrides else "; defaults")
    )


def tables(results: dict, cells) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, header, rows) of the classification and the regression table."""
    out = []
    for kind, metric in (("classification", "test accuracy"), ("regression", "test RMSE")):
        rows = [(task, row) for task, row in results.items() if task.kind == kind]
        if not rows:
            continue
        last = "chance" if kind == "classification" else "predict the mean"
        header = [
            "data set",
            "panel",
            "train/test x steps x features",
            *cells,
            "1-NN",
            "ridge",
            "MiniRocket",
            last,
        ]
        body = []
        for task, row in rows:
            cells_text = [_cell_text(*row["cells"][cell]) for cell in cells]
            base = [
                f"{row['baselines'][b]:.3f}" if b in row["baselines"] else ""
                for b in ("1-NN", "ridge", "MiniRocket")
            ]
            body.append([task.name, task.panel, row["shape"], *cells_text, *base, f"{row['chance']:.3f}"])
        title = (
            f"{kind.capitalize()} ({metric}, mean ± standard deviation over seeds, fit seconds in brackets)"
        )
        out.append((title, header, body))
    return out


def markdown(results: dict, cells, seeds, overrides) -> str:
    lines = [_header_line(seeds, overrides), ""]
    for title, header, body in tables(results, cells):
        lines += [f"{title}:", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(row) + " |" for row in body]
        lines.append("")
    return "\n".join(lines)


def restructured_text(results: dict, cells, seeds, overrides) -> str:
    """The same tables as Sphinx list-tables, for the docs."""
    lines = [_header_line(seeds, overrides) + ".", ""]
    for title, header, body in tables(results, cells):
        lines += [f".. list-table:: {title}", "   :header-rows: 1", ""]
        for row in [header, *body]:
            lines.append(f"   * - {row[0]}")
            lines += [f"     - {value}" for value in row[1:]]
        lines.append("")
    return "\n".join(lines)


# The largest data set a default fit must handle in under two minutes on two cores.
TIMING_SEQUENCES, TIMING_STEPS, TIMING_THREADS = 1000, 1500, 2


def worst_case_timing(cells, overrides: dict, threads: int = TIMING_THREADS) -> str:
    """Markdown table of default fit seconds on 1,000 random walks of 1,500 steps."""
    previous = torch.get_num_threads()
    torch.set_num_threads(threads)
    rng = np.random.default_rng(0)
    X = np.cumsum(rng.normal(size=(TIMING_SEQUENCES, TIMING_STEPS, 1)), axis=1).astype(np.float32)
    y = (X[:, -100:, 0].mean(axis=1) > X[:, :100, 0].mean(axis=1)).astype(int)  # did the walk go up?
    lines = [
        f"Default fit on {TIMING_SEQUENCES} random walks of {TIMING_STEPS} steps, {threads} torch threads:",
        "",
        "| cell | fit seconds | epochs | patch size | batch size | training accuracy |",
        "|---|---|---|---|---|---|",
    ]
    try:
        for cell in cells:
            model = RNNClassifier(cell=cell, random_state=0, **overrides)
            start = time.perf_counter()
            model.fit(X, y)
            seconds = time.perf_counter() - start
            accuracy = accuracy_score(y, model.predict(X))
            print(f"  timing {cell:7s}: {seconds:.1f} s", flush=True)
            lines.append(
                f"| {cell} | {seconds:.0f} | {model.n_iter_} | {model.patch_size_} | {model.batch_size_} "
                f"| {accuracy:.3f} |"
            )
    finally:
        torch.set_num_threads(previous)
    return "\n".join(lines) + "\n"


def _parse_overrides(pairs: list[str]) -> dict:
    overrides = {}
    for pair in pairs:
        key, _, value = pair.partition("=")
        try:
            overrides[key] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            overrides[key] = value
    return overrides


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--panel", choices=["development", "held out", "all"], default="all")
    parser.add_argument("--datasets", nargs="*", help="names (or name prefixes) of the data sets to run")
    parser.add_argument("--cells", default=",".join(CELLS))
    parser.add_argument("--seeds", nargs="*", type=int, default=[0])
    parser.add_argument("--set", nargs="*", default=[], metavar="NAME=VALUE", help="hyperparameter overrides")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--no-baselines", action="store_true", help="networks only (faster)")
    parser.add_argument("--timing", action="store_true", help="only the worst-case fit time on 2 threads")
    parser.add_argument("--output", default=None, help="markdown file to write the table to")
    parser.add_argument("--rst-output", default=None, help="reStructuredText file for the docs")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    cells = [cell for cell in args.cells.split(",") if cell]
    overrides = _parse_overrides(args.set)
    if args.timing:
        # The header tells the timing fits' threads, not the --threads of the other runs.
        header = _header_line([0], overrides, threads=TIMING_THREADS)
        table = header + "\n\n" + worst_case_timing(cells, overrides)
        print(table)
        if args.output:
            with open(args.output, "w", encoding="utf-8") as handle:
                handle.write(table)
        return
    tasks = [
        task
        for task in TASKS
        if (args.panel == "all" or task.panel == args.panel)
        and (not args.datasets or any(task.name.startswith(d) for d in args.datasets))
    ]
    results = {}
    for task in tasks:
        print(f"{task.name} ({task.kind})", flush=True)
        results[task] = evaluate(task, cells, args.seeds, overrides, with_baselines=not args.no_baselines)
        print(f"  baselines: {results[task]['baselines']}", flush=True)
    table = markdown(results, cells, args.seeds, overrides)
    print(table)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(table + "\n")
    if args.rst_output:
        with open(args.rst_output, "w", encoding="utf-8") as handle:
            handle.write(restructured_text(results, cells, args.seeds, overrides) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
