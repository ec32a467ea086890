"""Long memory, measured: every cell on the adding problem as the sequences grow.

The adding problem (:func:`sk_rnn.datasets.make_adding_problem`): two marked
numbers in a sequence of T steps, the target is their sum. Predicting the
training mean scores a test MSE of about 0.167; a model that beats it carried
a number across up to T steps. Each fit is an ``RNNRegressor`` of one cell,
fitted on ``--n-train`` fresh sequences and scored on 1,000 others, with the
same settings for every cell:

* ``patch_size=1``: the cell reads one step at a time, so the recurrence runs
  T steps and the task is the one the literature reports (Hochreiter &
  Schmidhuber 1997; Li et al. 2018 for IndRNN);
* the head reads the last state (``output="last"``), so what the first
  steps carried must travel through the recurrence (the Elman network's
  default head, the maximum over the steps, would read them directly);
* one direction, no dropout, no weight decay, batches of 50, a constant
  learning rate: what a memory task needs (the defaults' regularisation is
  for small real data sets, where it helps);
* the rest at sk_rnn's defaults (hidden size 128, the cell's layer count).

``--set NAME=VALUE`` overrides any hyperparameter for every fit, for
instance ``--set patch_size="auto"`` to see what reading the sequence in
patches does to the same task.

    python benchmarks/bench_long_memory.py                      # T = 50, 200, 1000
    python benchmarks/bench_long_memory.py --lengths 1000 --cells indrnn --max-epochs 45
    python benchmarks/bench_long_memory.py --set patch_size="auto"
    python benchmarks/bench_long_memory.py --lengths 1000 --cells indrnn --max-epochs 40 \
        --set 'cell_params={"input_threshold": 1.0}' learning_rate_schedule=cosine

The table is printed as markdown and written to ``--output``, as a
reStructuredText table where its name ends in ``.rst`` (the docs include it).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import warnings

import numpy as np
import sklearn
import torch
from sklearn.exceptions import ConvergenceWarning

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_learning import _parse_overrides

from sk_rnn import RNNRegressor
from sk_rnn.datasets import make_adding_problem

CELLS = ("rnn", "lstm", "gru", "indrnn")
N_TEST = 1000
# Settings of a memory task, shared by every cell (see the module docstring).
MEMORY_TASK_SETTINGS = {
    "patch_size": 1,
    "bidirectional": False,
    "output": "last",
    "dropout": 0.0,
    "weight_decay": 0.0,
    "batch_size": 50,
    "learning_rate": 5e-4,
    "learning_rate_schedule": "constant",
}
SOLVED_MSE = 0.01


def fit_and_score(cell: str, n_steps: int, n_train: int, max_epochs: int, seed: int, overrides: dict) -> dict:
    """Fit one cell on the adding problem of ``n_steps`` steps; its test MSE, epochs and seconds."""
    X, y = make_adding_problem(n_train + N_TEST, n_steps, random_state=seed)
    X_train, y_train, X_test, y_test = X[:n_train], y[:n_train], X[n_train:], y[n_train:]
    settings = {**MEMORY_TASK_SETTINGS, "max_epochs": max_epochs, **overrides}
    model = RNNRegressor(cell=cell, random_state=seed, **settings)
    start = time.perf_counter()
    with warnings.catch_warnings():
        # A memory task often ends while the loss still falls; the table says so.
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    return {
        "mse": float(np.mean((model.predict(X_test) - y_test) ** 2)),
        "baseline": float(np.mean((y_train.mean() - y_test) ** 2)),
        "epochs": model.n_iter_,
        "seconds": seconds,
    }


def markdown(results: dict, lengths: list[int], cells: list[str], header: str) -> str:
    lines = [header, "", "| cell | " + " | ".join(f"T = {n}" for n in lengths) + " |"]
    lines.append("|---|" + "---|" * len(lengths))
    for cell in cells:
        row = []
        for n in lengths:
            r = results[cell, n]
            solved = " ✓" if r["mse"] < SOLVED_MSE else ""
            row.append(f"{r['mse']:.4f}{solved} ({r['epochs']} ep, {r['seconds']:.0f} s)")
        lines.append(f"| {cell} | " + " | ".join(row) + " |")
    baselines = ", ".join(f"T = {n}: {results[cells[0], n]['baseline']:.4f}" for n in lengths)
    lines += ["", f"Test MSE of predicting the training mean: {baselines}. ✓: below {SOLVED_MSE}."]
    return "\n".join(lines) + "\n"


def restructured_text(results: dict, lengths: list[int], cells: list[str], header: str) -> str:
    """The same table as :func:`markdown`, as an RST list-table for the docs to include."""
    lines = [".. list-table::", "   :header-rows: 1", "", "   * - cell"]
    lines += [f"     - T = {n}" for n in lengths]
    for cell in cells:
        lines.append(f"   * - {cell}")
        for n in lengths:
            r = results[cell, n]
            solved = " ✓" if r["mse"] < SOLVED_MSE else ""
            lines.append(f"     - {r['mse']:.4f}{solved} ({r['epochs']} epochs, {r['seconds']:.0f} s)")
    baselines = ", ".join(f"T = {n}: {results[cells[0], n]['baseline']:.4f}" for n in lengths)
    lines += ["", f"{header} Predicting the training mean: {baselines}. ✓: test MSE below {SOLVED_MSE}."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lengths", nargs="+", type=int, default=[50, 200, 1000])
    parser.add_argument("--cells", nargs="+", choices=CELLS, default=list(CELLS))
    parser.add_argument("--n-train", type=int, default=2000)
    parser.add_argument("--max-epochs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--set", nargs="*", default=[], metavar="NAME=VALUE", help="hyperparameter overrides")
    parser.add_argument("--output", default="long_memory.md")
    args = parser.parse_args(argv)
    overrides = _parse_overrides(args.set)
    settings = {**MEMORY_TASK_SETTINGS, **overrides}
    header = (
        f"Adding problem, {args.n_train} training and {N_TEST} test sequences, seed {args.seed}, "
        f"at most {args.max_epochs} epochs; settings {settings}. "
        f"Python {platform.python_version()}, torch {torch.__version__}, "
        f"scikit-learn {sklearn.__version__}, {torch.get_num_threads()} torch threads. "
        "Cells: test MSE (epochs, fit seconds)."
    )
    results = {}
    for n_steps in args.lengths:
        for cell in args.cells:
            results[cell, n_steps] = fit_and_score(
                cell, n_steps, args.n_train, args.max_epochs, args.seed, overrides
            )
            r = results[cell, n_steps]
            summary = f"MSE {r['mse']:.4f}, {r['epochs']} epochs, {r['seconds']:.0f} s"
            print(f"{cell} T={n_steps}: {summary}", flush=True)
    table = markdown(results, args.lengths, args.cells, header)
    print("\n" + table)
    if args.output.endswith(".rst"):
        table = restructured_text(results, args.lengths, args.cells, header)
    with open(args.output, "w", encoding="utf-8") as handle:
        handle.write(table)


if __name__ == "__main__":
    main()
