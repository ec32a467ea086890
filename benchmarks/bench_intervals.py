"""Forecast intervals, measured: empirical coverage of recursive_forecast(coverage=) on the bundled series.

For each series (airline, sunspots) and each model (ridge on lags, the
baseline of ``python -m sk_rnn``, as a one-step model forecast recursively
and as a direct 12-output model with ``direct_forecast``, and the demo's
recurrent forecaster), the
model is fitted once on the start of the series, never on the last
``--calibration-size + horizon - 1`` rows before the test period nor on the
test period (the last 20% of the series). Then, from every test origin, it
forecasts ``--horizon`` steps with ``coverage=`` 0.8 and 0.95; the intervals
are calibrated on the errors at the ``--calibration-size`` latest origins
before it (rolling split conformal). The table gives the share of true
values inside the intervals one step and ``--horizon`` steps ahead, the
intervals' mean width there, and the pinball loss of their bounds read as
the ``(1 - coverage) / 2`` and ``(1 + coverage) / 2`` quantiles (mean of the
two; lower is better, and it rewards narrow intervals only where they hold).

    python benchmarks/bench_intervals.py [--horizon 12] [--calibration-size 24] [--max-epochs 60]

The table is printed as markdown and written to ``--output``.
"""

from __future__ import annotations

import argparse
import math
import platform
import time
import warnings

import numpy as np
import pandas as pd
import sklearn
import torch
from sklearn.exceptions import ConvergenceWarning

from sk_rnn._cli import DATASETS, forecaster, ridge_on_lags
from sk_rnn.forecasting import direct_forecast, recursive_forecast
from sk_rnn.preprocessing import lead_target

COVERAGES = (0.8, 0.95)


def models(name: str, max_epochs: int, seed: int) -> dict:
    """The ridge baseline and the demo's recurrent forecaster, with the rows each reads (None: direct)."""
    spec = DATASETS[name]
    return {
        f"Ridge on {spec.season} lags": (ridge_on_lags(spec, spec.season), spec.season),
        f"Ridge on {spec.season} lags, direct": (ridge_on_lags(spec, spec.season), None),
        "GRU forecaster": (forecaster("gru", spec, max_epochs, seed), spec.windows[0] + 1),
    }


def pinball_loss(truth: np.ndarray, bound: np.ndarray, quantile: float) -> np.ndarray:
    """Pinball (quantile) loss of ``bound`` as the ``quantile`` of ``truth``, per step."""
    error = truth - bound
    return np.maximum(quantile * error, (quantile - 1) * error)


def measure(series: pd.Series, model, context: int | None, horizon: int, calibration_size: int) -> dict:
    """Fit before the calibration window; coverage and width of the intervals from every test origin.

    ``context`` None: a direct model, fitted on the next ``horizon`` values and
    forecast by ``direct_forecast``; else a one-step model forecast recursively.
    """
    n_test = math.ceil(0.2 * len(series))
    test_start = len(series) - n_test
    n_fit = test_start - horizon - calibration_size + (1 if context else 0)
    steps = "one" if context else "all"
    table = series.to_frame()
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(
            table.iloc[:n_fit], lead_target(series.to_numpy(), 1 if context else horizon, steps=steps)[:n_fit]
        )
    fit_seconds = time.perf_counter() - start
    inside = {coverage: [] for coverage in COVERAGES}
    widths = {coverage: [] for coverage in COVERAGES}
    pinball = {coverage: [] for coverage in COVERAGES}
    for origin in range(test_start, len(series) - horizon + 1):
        truth = series.to_numpy()[origin : origin + horizon]
        for coverage in COVERAGES:
            if context is None:
                _, intervals = direct_forecast(
                    model, table.iloc[:origin], coverage=coverage, calibration_size=calibration_size
                )
            else:
                _, intervals = recursive_forecast(
                    model,
                    table.iloc[:origin],
                    horizon,
                    coverage=coverage,
                    calibration_size=calibration_size,
                    context=context,
                )
            # A DataFrame (lower, upper) where the history's index tells the future times, else an array.
            lower, upper = np.asarray(intervals, dtype=float).T
            inside[coverage].append((lower <= truth) & (truth <= upper))
            widths[coverage].append(upper - lower)
            low, high = (1 - coverage) / 2, (1 + coverage) / 2
            pinball[coverage].append((pinball_loss(truth, lower, low) + pinball_loss(truth, upper, high)) / 2)
    return {
        "coverage": {c: np.mean(inside[c], axis=0) for c in COVERAGES},
        "width": {c: np.mean(widths[c], axis=0) for c in COVERAGES},
        "pinball": {c: np.mean(pinball[c], axis=0) for c in COVERAGES},
        "origins": len(inside[COVERAGES[0]]),
        "n_fit": n_fit,
        "fit_seconds": fit_seconds,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", choices=sorted(DATASETS), default=sorted(DATASETS))
    parser.add_argument("--horizon", type=int, default=12)
    parser.add_argument("--calibration-size", type=int, default=24)
    parser.add_argument("--max-epochs", type=int, default=60)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--models", help="run only the models whose label contains this text")
    parser.add_argument("--output", default="intervals.md")
    args = parser.parse_args(argv)
    h = args.horizon
    lines = [
        f"Rolling split conformal intervals, {args.calibration_size} calibration origins, horizon {h}, "
        f"seed {args.seed}. Python {platform.python_version()}, torch {torch.__version__}, "
        f"scikit-learn {sklearn.__version__}.",
        "",
        "| series | model | fitted rows | test origins | 80%: 1 step | 80%: "
        f"{h} steps | 95%: 1 step | 95%: {h} steps |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name in args.datasets:
        series = DATASETS[name].load()
        for label, (model, context) in models(name, args.max_epochs, args.seed).items():
            if args.models and args.models not in label:
                continue
            r = measure(series, model, context, h, args.calibration_size)
            cells = [
                f"{r['coverage'][c][step]:.2f} (width {r['width'][c][step]:.0f}, "
                f"pinball {r['pinball'][c][step]:.2f})"
                for c in COVERAGES
                for step in (0, h - 1)
            ]
            line = f"| {name} | {label} | {r['n_fit']} | {r['origins']} | " + " | ".join(cells) + " |"
            print(line, flush=True)
            lines.append(line)
    table = "\n".join(lines) + "\n"
    print("\n" + table)
    with open(args.output, "w", encoding="utf-8") as handle:
        handle.write(table)


if __name__ == "__main__":
    main()
