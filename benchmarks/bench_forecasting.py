"""How the forecasting defaults do beyond airline: the main job's procedure on twelve real series.

``python -m sk_rnn`` ranks each cell's ``forecasting_regressor`` against
seasonal naive, a ridge on lags and exponential smoothing on one bundled
series. This benchmark runs the same procedure on twelve: for each cell a
``GridSearchCV`` with ``TimeSeriesSplit(3)`` over windows of one and two
seasons on the first 80% of the series, then the RMSE one step ahead over
the last 20%, next to:

* seasonal naive (the value one season back; the last value for yearly data),
* a ridge on lags, its number of lags and its scale (the series' transform or
  raw) chosen by the same search,
* damped Holt-Winters (statsmodels), refitted at every test origin.

The series, none of which the forecasting defaults were chosen on but
airline (and sunspots, in the main job):

========  =========  =====  ======  =========  ==============================
series    frequency  steps  season  transform  source
========  =========  =====  ======  =========  ==============================
airline   monthly    144    12      log        bundled with sk_rnn
sunspots  yearly     309    11      log1p      bundled with sk_rnn
lynx      yearly     114    10      log        aeon / sktime wheel (Lynx.csv)
nile      yearly     100    1       log        statsmodels (nile)
co2       monthly    526    12      log        statsmodels (co2, monthly means)
elnino    monthly    732    12      none       statsmodels (elnino)
unemp     quarterly  203    4       none       statsmodels (macrodata)
uschange  quarterly  187    4       none       aeon / sktime wheel (Uschange)
infl      quarterly  203    4       none       statsmodels (macrodata)
tbilrate  quarterly  203    4       none       statsmodels (macrodata)
realgdp   quarterly  203    4       log        statsmodels (macrodata)
rate      quarterly  107    4       none       statsmodels (interest_inflation)
========  =========  =====  ======  =========  ==============================

Needs ``pip install -e ".[benchmark]"`` (aeon or sktime, statsmodels);
nothing is downloaded.

    python benchmarks/bench_forecasting.py                      # every series and cell, seed 0
    python benchmarks/bench_forecasting.py --seeds 0 1 2 --series lynx nile
    python benchmarks/bench_forecasting.py --cells gru --set learning_rate=0.001
    python benchmarks/bench_forecasting.py --search-learning-rate 0.001 0.003 0.01

The table is printed as markdown and written to ``--output``.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import platform
import statistics
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import sklearn
import torch
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import root_mean_squared_error
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit

import sk_rnn
from sk_rnn._cli import (
    _WINDOW_PARAMETER,
    DATASETS,
    DatasetSpec,
    Split,
    _exponential_smoothing,
    _search_ridge,
    baselines,
    forecaster,
)

CELLS = ("rnn", "lstm", "gru", "indrnn")
BASELINES = ("seasonal naive", "ridge", "ETS")
FOLDS = 3
MAX_EPOCHS = 100  # the main job's default
_NETWORK = "regressor__differencedtargetregressor__regressor__rnnregressor__"


def _identity(values: np.ndarray) -> np.ndarray:
    return values


def _wheel_csv(relative: str) -> Path:
    """A data file shipped inside the aeon or sktime wheel."""
    for package in ("aeon", "sktime"):
        spec = importlib.util.find_spec(package)
        if spec is not None and spec.origin is not None:
            path = Path(spec.origin).parent / "datasets" / "data" / relative
            if path.is_file():
                return path
    raise SystemExit(f"{relative} ships with aeon or sktime: pip install -e '.[benchmark]'")


def _statsmodels_data(name: str) -> pd.DataFrame:
    try:
        import statsmodels.api as sm
    except ImportError:
        raise SystemExit("this series ships with statsmodels: pip install -e '.[benchmark]'") from None
    return getattr(sm.datasets, name).load_pandas().data


def _dated(values: pd.Series, start: str, freq: str) -> pd.Series:
    return pd.Series(values.to_numpy(float), index=pd.date_range(start, periods=len(values), freq=freq))


def _lynx() -> pd.Series:
    return _dated(pd.read_csv(_wheel_csv("Lynx/Lynx.csv"), index_col=0).iloc[:, 0], "1821", "YS")


def _uschange() -> pd.Series:
    return _dated(pd.read_csv(_wheel_csv("Uschange/Uschange.csv"))["Consumption"], "1970", "QS")


def _nile() -> pd.Series:
    return _dated(_statsmodels_data("nile")["volume"], "1871", "YS")


def _co2() -> pd.Series:
    # Weekly with gaps: monthly means, the few empty months interpolated.
    return _statsmodels_data("co2")["co2"].resample("MS").mean().interpolate().astype(float)


def _elnino() -> pd.Series:
    values = _statsmodels_data("elnino").drop(columns="YEAR").to_numpy(float).ravel()
    return pd.Series(values, index=pd.date_range("1950", periods=len(values), freq="MS"))


def _macro(column: str):
    def load() -> pd.Series:
        return _dated(_statsmodels_data("macrodata")[column], "1959", "QS")

    return load


def _interest_rate() -> pd.Series:
    return _dated(_statsmodels_data("interest_inflation")["R"], "1972-04", "QS")


SERIES: dict[str, DatasetSpec] = {
    "airline": DATASETS["airline"],
    "sunspots": DATASETS["sunspots"],
    "lynx": DatasetSpec(_lynx, 10, (10, 20), np.log, np.exp, "lynx trapped"),
    "nile": DatasetSpec(_nile, 1, (5, 10), np.log, np.exp, "10^8 m^3"),
    "co2": DatasetSpec(_co2, 12, (12, 24), np.log, np.exp, "ppm"),
    "elnino": DatasetSpec(_elnino, 12, (12, 24), _identity, _identity, "degrees C"),
    "unemp": DatasetSpec(_macro("unemp"), 4, (4, 8), _identity, _identity, "percent"),
    "uschange": DatasetSpec(_uschange, 4, (4, 8), _identity, _identity, "percent change"),
    "infl": DatasetSpec(_macro("infl"), 4, (4, 8), _identity, _identity, "percent"),
    "tbilrate": DatasetSpec(_macro("tbilrate"), 4, (4, 8), _identity, _identity, "percent"),
    "realgdp": DatasetSpec(_macro("realgdp"), 4, (4, 8), np.log, np.exp, "billions of 2005 dollars"),
    "rate": DatasetSpec(_interest_rate, 4, (4, 8), _identity, _identity, "interest rate"),
}


def network_rmse(
    cell: str, spec: DatasetSpec, split: Split, seed: int, overrides: dict, learning_rates: list[float]
) -> tuple[float, dict]:
    """The main job's search for one cell (and over ``learning_rates``, if any); test RMSE and choice."""
    model = forecaster(cell, spec, MAX_EPOCHS, seed)
    model.set_params(**{_NETWORK + key: value for key, value in overrides.items()})
    grid = {_WINDOW_PARAMETER: list(spec.windows)}
    if learning_rates:
        grid[_NETWORK + "learning_rate"] = learning_rates
    search = GridSearchCV(
        model,
        grid,
        cv=TimeSeriesSplit(FOLDS),
        scoring="neg_root_mean_squared_error",
    )
    with warnings.catch_warnings():
        # Fits stopped at max_epochs while still improving, by design of the defaults.
        warnings.simplefilter("ignore", ConvergenceWarning)
        search.fit(split.X.iloc[: split.n_train], split.y[: split.n_train])
    truth = split.y[split.n_train :]
    predictions = search.predict(split.X)[split.n_train :]
    chosen = {key.rsplit("__", 1)[-1]: value for key, value in search.best_params_.items()}
    return root_mean_squared_error(truth, predictions), chosen


def baseline_rmse(spec: DatasetSpec, split: Split) -> dict[str, float]:
    truth = split.y[split.n_train :]
    train_X, train_y = split.X.iloc[: split.n_train], split.y[: split.n_train]
    naive = baselines(spec, 1)[f"seasonal naive ({spec.season} steps)"].fit(train_X, train_y)
    scores = {"seasonal naive": root_mean_squared_error(truth, naive.predict(split.X)[split.n_train :])}
    ridge = _search_ridge(spec, split, FOLDS, spec.windows)
    scores["ridge"] = root_mean_squared_error(truth, ridge.predictions)
    smoothing = _exponential_smoothing(spec, split)
    if smoothing is not None:
        scores["ETS"] = root_mean_squared_error(truth, smoothing.predictions)
    return scores


def _summary(values: list[float]) -> str:
    if len(values) == 1:
        return f"{values[0]:.4g}"
    return f"{statistics.mean(values):.4g} ({min(values):.4g}-{max(values):.4g})"


def markdown(
    rows: dict, cells: tuple[str, ...], seeds: list[int], overrides: dict, learning_rates: list[float]
) -> str:
    header = ["series", "steps (test)", *BASELINES, *cells, "best network / best baseline"]
    lines = [
        f"sk_rnn {sk_rnn.__version__}, torch {torch.__version__}, scikit-learn {sklearn.__version__}, "
        f"{platform.machine()}, one torch thread; seeds {', '.join(map(str, seeds))}; overrides {overrides}"
        + (f"; learning rate searched over {learning_rates}" if learning_rates else ""),
        "",
        "Test RMSE one step ahead over the last 20% (mean over seeds, range in brackets):",
        "",
        "| " + " | ".join(header) + " |",
        "|" + " --- |" * len(header),
    ]
    for name, row in rows.items():
        best_baseline = min(row["baselines"].values())
        best_network = min(statistics.mean(row["cells"][cell]) for cell in cells)
        cells_text = [_summary(row["cells"][cell]) for cell in cells]
        base = [f"{row['baselines'].get(key, float('nan')):.4g}" for key in BASELINES]
        lines.append(
            f"| {name} | {row['steps']} ({row['test']}) | "
            + " | ".join(base + cells_text)
            + f" | {best_network / best_baseline:.2f} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", nargs="+", choices=list(SERIES), default=list(SERIES))
    parser.add_argument("--cells", nargs="+", choices=CELLS, default=list(CELLS))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0])
    parser.add_argument("--set", nargs="*", default=[], metavar="NAME=VALUE", help="network overrides")
    parser.add_argument(
        "--search-learning-rate",
        nargs="+",
        type=float,
        default=[],
        metavar="RATE",
        help="also search the networks' learning rate over these values",
    )
    parser.add_argument("--output", type=Path, default=Path("bench_forecasting.md"))
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    overrides = {}
    for pair in args.set:
        key, _, value = pair.partition("=")
        try:
            overrides[key] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            overrides[key] = value
    cells = tuple(args.cells)
    rows = {}
    for name in args.series:
        spec = SERIES[name]
        split = Split.of(spec.load(), 1)
        row = {"steps": len(split.series), "test": len(split.y) - split.n_train, "cells": {}}
        row["baselines"] = baseline_rmse(spec, split)
        print(f"{name}: " + ", ".join(f"{k} {v:.4g}" for k, v in row["baselines"].items()), flush=True)
        for cell in cells:
            row["cells"][cell] = []
            for seed in args.seeds:
                start = time.perf_counter()
                rmse, chosen = network_rmse(cell, spec, split, seed, overrides, args.search_learning_rate)
                seconds = time.perf_counter() - start
                row["cells"][cell].append(rmse)
                print(f"  {cell:6s} seed {seed}: {rmse:.4g} (chose {chosen}, {seconds:.0f} s)", flush=True)
        rows[name] = row
    table = markdown(rows, cells, args.seeds, overrides, args.search_learning_rate)
    print("\n" + table)
    args.output.write_text(table)


if __name__ == "__main__":
    main()
