"""What ``context`` is worth in ``recursive_forecast`` on a long history.

Without ``context``, every step predicts every row of the history (the
windows are views, but the network still reads each one); with ``context``
set to what the model reads (window + the Differencer's row), a step costs
the same whatever the length of the history. This script forecasts 12 steps
from histories of growing length both ways, alternating them, and prints the
time ratio and the largest difference between the two forecasts.

    python benchmarks/bench_recursive.py [--repeats 3] [--lengths 1000 10000 50000]
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings

import numpy as np
import torch
from sklearn.exceptions import ConvergenceWarning

from sk_rnn import GRURegressor
from sk_rnn.forecasting import DifferencedTargetRegressor, default_forecasting_pipeline, recursive_forecast
from sk_rnn.preprocessing import lead_target

WINDOW = 24
HORIZON = 12


def fitted_model(series: np.ndarray) -> DifferencedTargetRegressor:
    network = GRURegressor(hidden_size=32, max_epochs=2, random_state=0)
    train = series[:2000]
    with warnings.catch_warnings():
        # Two epochs, on purpose: the forecasts' time is measured, not their quality.
        warnings.simplefilter("ignore", ConvergenceWarning)
        return DifferencedTargetRegressor(default_forecasting_pipeline(WINDOW, network)).fit(
            train[:-1, None], lead_target(train)
        )


def forecast_seconds(model, history: np.ndarray, context: int | None) -> tuple[float, np.ndarray]:
    start = time.perf_counter()
    forecast = recursive_forecast(model, history, HORIZON, context=context)
    return time.perf_counter() - start, forecast


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--lengths", type=int, nargs="+", default=[1000, 10000, 50000])
    args = parser.parse_args()
    torch.set_num_threads(1)
    rng = np.random.RandomState(0)
    series = np.cumsum(rng.normal(size=max(args.lengths) + 1)) + 10 * np.sin(
        np.arange(max(args.lengths) + 1) / 8
    )
    model = fitted_model(series)
    print(f"recursive_forecast, {HORIZON} steps, window {WINDOW}, GRU 32, 1 torch thread")
    print(f"{'history':>8}  {'all rows (s)':>12}  {'context (s)':>11}  {'ratio':>6}  max |difference|")
    for length in args.lengths:
        history = series[:length, None]
        full, short, difference = [], [], 0.0
        for _ in range(args.repeats):
            seconds, everything = forecast_seconds(model, history, None)
            full.append(seconds)
            seconds, recent = forecast_seconds(model, history, WINDOW + 1)
            short.append(seconds)
            difference = max(difference, float(np.max(np.abs(everything - recent))))
        ratio = statistics.median(full) / statistics.median(short)
        print(
            f"{length:>8}  {statistics.median(full):12.3f}  {statistics.median(short):11.4f}  "
            f"{ratio:6.1f}  {difference:.1e}"
        )


if __name__ == "__main__":
    main()
