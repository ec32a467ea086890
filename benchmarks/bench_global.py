"""One model for many series, measured: the M1 yearly panel (181 series), 6 years ahead.

The M1 competition's protocol: the last ``horizon`` (6) values of each series
are its test period; every model sees only the years before them and
forecasts the 6 years at once from the last of them (direct multi-step
forecasting: the target of each row is the next 6 values,
``lead_target(..., steps="all")``). Scores, averaged over series and steps:

* sMAPE, the competition's measure: ``200 |y - f| / (|y| + |f|)``, in percent;
* MASE: absolute error over the series' in-sample mean absolute change, so
  that every series counts alike whatever its magnitude.

Models:

* naive: the last value, for all 6 years (the yardstick of yearly data);
* drift: the last value plus the series' mean yearly change so far;
* ridge on the last changes, one per series, and one global ridge on every
  series' windows, each series scaled by its own statistics
  (:class:`~sk_rnn.forecasting.PerSeriesScaledRegressor`);
* the recurrent forecaster (differences, windows, GRU) as one global model,
  with and without the per-series scaling, with a learned embedding of the
  series code (``categorical_features``), and one per series;
* the global ridge as a one-step model, fed its own forecasts for every
  series at once (``recursive_forecast`` on the panel);
* the two global models again, their window chosen from half, one and one
  and a half times ``--window`` by ``GridSearchCV`` with
  :class:`~sk_rnn.forecasting.PanelTimeSeriesSplit` on the training years
  (scored by sMAPE), as a user would choose it.

Every model forecasts the change from the last value
(:class:`~sk_rnn.forecasting.DifferencedTargetRegressor`). Series shorter
than ``window + horizon + 1`` years give the per-series models no complete
window: they read the padded windows the series has.

    python benchmarks/bench_global.py [--window 6] [--seeds 0 1 2] [--folds 3] [--skip-per-series-gru]

The table is printed as markdown and written to ``--output``.
"""

from __future__ import annotations

import argparse
import platform
import time
import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd
import sklearn
import torch
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import make_scorer
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_rnn.datasets import load_m1_yearly
from sk_rnn.forecasting import (
    DifferencedTargetRegressor,
    LagRidgeRegressor,
    PanelTimeSeriesSplit,
    PerSeriesScaledRegressor,
    default_forecasting_pipeline,
    forecasting_regressor,
    recursive_forecast,
)
from sk_rnn.preprocessing import Differencer, SlidingWindowTransformer, lead_target

WINDOW = "regressor__regressor__slidingwindowtransformer__window_size"


def split(frame: pd.DataFrame, horizon: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each series' years before its last ``horizon``, and those last years."""
    from_the_end = frame.groupby(level=0, sort=False).cumcount(ascending=False)
    return frame[from_the_end >= horizon], frame[from_the_end < horizon]


def last_rows(panel: pd.DataFrame) -> pd.DataFrame:
    return panel.groupby(level=0, sort=False).tail(1)


def scores(forecast: pd.DataFrame, test: pd.DataFrame, train: pd.DataFrame) -> dict:
    """sMAPE and MASE of ``forecast`` (series x steps) against each series' test years."""
    truth = np.stack([test.loc[name, "value"].to_numpy() for name in forecast.index])
    predicted = forecast.to_numpy()
    smape = 200 * np.abs(truth - predicted) / (np.abs(truth) + np.abs(predicted))
    change = train["value"].groupby(level=0, sort=False).apply(lambda s: np.mean(np.abs(np.diff(s))))
    mase = np.abs(truth - predicted) / change.loc[forecast.index].to_numpy()[:, np.newaxis]
    return {"smape": smape.mean(), "smape_1": smape[:, 0].mean(), "mase": mase.mean()}


def naive(train: pd.DataFrame, horizon: int) -> pd.DataFrame:
    last = last_rows(train)["value"].droplevel(1)
    return pd.DataFrame(np.repeat(last.to_numpy()[:, np.newaxis], horizon, axis=1), index=last.index)


def drift(train: pd.DataFrame, horizon: int) -> pd.DataFrame:
    values = train["value"].groupby(level=0, sort=False)
    slope = values.apply(lambda s: (s.iloc[-1] - s.iloc[0]) / max(len(s) - 1, 1))
    last = values.last()
    steps = np.arange(1, horizon + 1)
    forecast = last.to_numpy()[:, np.newaxis] + slope.to_numpy()[:, np.newaxis] * steps
    return pd.DataFrame(forecast, index=last.index)


def global_forecast(model, train: pd.DataFrame, horizon: int, chosen: list | None = None) -> pd.DataFrame:
    """Fit one model on every series' rows whose next ``horizon`` years are in training.

    For a grid search, the window it chose is appended to ``chosen``.
    """
    target = lead_target(train["value"], horizon, steps="all")
    model.fit(train.loc[target.index], target)
    if chosen is not None:
        chosen.append(model.best_params_[WINDOW])
    origins = last_rows(train)
    return pd.DataFrame(model.predict(train)[_positions(train, origins)], index=origins.index.droplevel(1))


def recursive(model, train: pd.DataFrame, horizon: int) -> pd.DataFrame:
    """A one-step global model, fed its own forecasts for every series at once."""
    target = lead_target(train["value"])
    model.fit(train.loc[target.index], target)
    forecast = recursive_forecast(model, train, horizon)
    names = pd.unique(forecast.index.get_level_values(0))
    return pd.DataFrame(forecast.to_numpy().reshape(len(names), horizon), index=names)


def interval_coverage(train: pd.DataFrame, test: pd.DataFrame, horizon: int, window: int) -> str:
    """Coverage of pooled conformal intervals around the one-step global ridge's recursive forecasts.

    The model is fitted without each series' last ``horizon`` training years,
    which are the truth of its one calibration origin per series; the 181
    series' scaled errors there are pooled. The test years are then forecast
    from the whole training history.
    """
    from_the_end = train.groupby(level=0, sort=False).cumcount(ascending=False)
    fit_rows = train[from_the_end >= horizon]
    target = lead_target(fit_rows["value"])
    model = PerSeriesScaledRegressor(ridge(window)).fit(fit_rows.loc[target.index], target)
    truth = np.concatenate(
        [test.loc[name, "value"].to_numpy() for name in pd.unique(train.index.get_level_values(0))]
    )
    cells = []
    for coverage in (0.8, 0.95):
        _, intervals = recursive_forecast(model, train, horizon, coverage=coverage, calibration_size=1)
        lower, upper = intervals["lower"].to_numpy(), intervals["upper"].to_numpy()
        inside = ((lower <= truth) & (truth <= upper)).reshape(-1, horizon)
        cells.append(
            f"{coverage:.0%}: {inside.mean():.3f} (1 year {inside[:, 0].mean():.3f}, "
            f"{horizon} years {inside[:, -1].mean():.3f})"
        )
    return (
        "Pooled conformal intervals of the one-step global ridge, recursive, calibrated on one origin "
        "per series (its errors divided by each series' mean absolute yearly change): share of the "
        "test values inside, " + "; ".join(cells) + "."
    )


def per_series_forecast(
    make_model: Callable[[int], object], train: pd.DataFrame, horizon: int
) -> pd.DataFrame:
    """One model per series, fitted on that series alone; ``make_model(window)`` builds it."""
    rows = {}
    for name, series in train.groupby(level=0, sort=False):
        table = series.droplevel(0)
        if len(table) <= horizon:
            rows[name] = np.repeat(table["value"].iloc[-1], horizon)  # nothing to learn from: naive
            continue
        target = lead_target(table["value"].to_numpy(), horizon, steps="all")
        # A short series cannot fill the window: it gets one that leaves it several complete windows.
        model = make_model(max(1, len(target) // 2)).fit(table.iloc[: len(target)], target)
        rows[name] = model.predict(table)[-1]
    return pd.DataFrame.from_dict(rows, orient="index")


def _positions(panel: pd.DataFrame, rows: pd.DataFrame) -> np.ndarray:
    return panel.index.get_indexer(rows.index)


def symmetric_mape(truth: np.ndarray, predicted: np.ndarray) -> float:
    return float(np.mean(200 * np.abs(truth - predicted) / (np.abs(truth) + np.abs(predicted))))


def searched(model, windows: list[int], folds: int):
    """The window chosen by a grid search that cuts every series at the same years, on sMAPE."""
    return GridSearchCV(
        model,
        {WINDOW: windows},
        cv=PanelTimeSeriesSplit(folds),
        scoring=make_scorer(symmetric_mape, greater_is_better=False),
    )


def ridge(window: int):
    """Ridge on the last ``window`` changes, forecasting the changes to come."""
    return DifferencedTargetRegressor(
        make_pipeline(Differencer(), SlidingWindowTransformer(window), LagRidgeRegressor())
    )


def gru(window: int, seed: int):
    regressor = forecasting_regressor("gru", random_state=seed)
    return DifferencedTargetRegressor(default_forecasting_pipeline(window, regressor))


def with_series_codes(frame: pd.DataFrame) -> pd.DataFrame:
    """The panel with a column of integer series codes, for a learned series embedding."""
    codes = pd.factorize(frame.index.get_level_values(0))[0]
    return frame.assign(code=codes.astype(float))


def gru_with_series_embedding(window: int, seed: int):
    """The GRU pipeline with a learned embedding of the series code: changes and scaling of the value only."""
    # Windows are 3-D arrays without column names: the code is the second feature of each step.
    network = forecasting_regressor("gru", categorical_features=[1], random_state=seed)
    changes = make_pipeline(Differencer(), StandardScaler())
    columns = ColumnTransformer(
        [("value", changes, ["value"]), ("code", "passthrough", ["code"])], verbose_feature_names_out=False
    ).set_output(transform="pandas")
    inner = make_pipeline(columns, SlidingWindowTransformer(window), network)
    return PerSeriesScaledRegressor(
        DifferencedTargetRegressor(inner, column="value"), column="value", passthrough=["code"]
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--window", type=int, default=6)
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--folds", type=int, default=3, help="PanelTimeSeriesSplit folds of the searches")
    parser.add_argument("--skip-per-series-gru", action="store_true", help="the slowest row: 181 fits")
    parser.add_argument("--models", help="run only the rows whose label contains this text")
    parser.add_argument("--output", default="global.md")
    args = parser.parse_args(argv)
    m1 = load_m1_yearly()
    horizon, window = m1.horizon, args.window
    train, test = split(m1.frame, horizon)
    candidates = sorted({max(1, window // 2), window, window + window // 2})
    chosen: dict[str, list[int]] = {"ridge": [], "gru": []}
    models: dict[str, Callable[[int], pd.DataFrame]] = {
        "naive (last value)": lambda seed: naive(train, horizon),
        "drift": lambda seed: drift(train, horizon),
        "ridge on changes, one per series": lambda seed: per_series_forecast(
            lambda rows: ridge(min(window, rows)), train, horizon
        ),
        "ridge on changes, global, per-series scaling": lambda seed: global_forecast(
            PerSeriesScaledRegressor(ridge(window)), train, horizon
        ),
        "ridge on changes, global, no scaling": lambda seed: global_forecast(ridge(window), train, horizon),
        "ridge on changes, global, per-series scaling, one step, recursive": lambda seed: recursive(
            PerSeriesScaledRegressor(ridge(window)), train, horizon
        ),
        "GRU, global, per-series scaling": lambda seed: global_forecast(
            PerSeriesScaledRegressor(gru(window, seed)), train, horizon
        ),
        "GRU, global, no per-series scaling": lambda seed: global_forecast(gru(window, seed), train, horizon),
        "GRU, global, per-series scaling, learned series embedding": lambda seed: global_forecast(
            gru_with_series_embedding(window, seed), with_series_codes(train), horizon
        ),
        "ridge on changes, global, per-series scaling, window searched": lambda seed: global_forecast(
            searched(PerSeriesScaledRegressor(ridge(window)), candidates, args.folds),
            train,
            horizon,
            chosen["ridge"],
        ),
        "GRU, global, per-series scaling, window searched": lambda seed: global_forecast(
            searched(PerSeriesScaledRegressor(gru(window, seed)), candidates, args.folds),
            train,
            horizon,
            chosen["gru"],
        ),
    }
    if args.models:
        models = {label: forecast for label, forecast in models.items() if args.models in label}
    if not args.skip_per_series_gru and not args.models:
        models["GRU, one per series"] = lambda seed: per_series_forecast(
            lambda rows: gru(min(window, rows), seed), train, horizon
        )
    deterministic = {"naive (last value)", "drift", "ridge on changes, one per series"}
    deterministic |= {"ridge on changes, global, per-series scaling", "ridge on changes, global, no scaling"}
    deterministic.add("ridge on changes, global, per-series scaling, window searched")
    deterministic.add("ridge on changes, global, per-series scaling, one step, recursive")
    lines = [
        f"M1 yearly: {len(m1.series_names)} series, the last {horizon} years of each as test, "
        f"windows of {window} years, seeds {args.seeds}. Python {platform.python_version()}, "
        f"torch {torch.__version__}, scikit-learn {sklearn.__version__}, {torch.get_num_threads()} "
        "torch threads. Networks: mean (min-max) over seeds.",
        "",
        "| model | sMAPE, 6 years | sMAPE, 1 year ahead | MASE, 6 years | fit + predict |",
        "|---|---|---|---|---|",
    ]
    for label, forecast in models.items():
        runs = []
        seeds = args.seeds[:1] if label in deterministic else args.seeds
        for seed in seeds:
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                result = scores(forecast(seed), test, train)
            runs.append({**result, "seconds": time.perf_counter() - start})
        cells = []
        for key in ("smape", "smape_1", "mase"):
            values = [run[key] for run in runs]
            spread = f" ({min(values):.2f}-{max(values):.2f})" if len(values) > 1 else ""
            cells.append(f"{np.mean(values):.2f}{spread}")
        seconds = np.mean([run["seconds"] for run in runs])
        line = f"| {label} | " + " | ".join(cells) + f" | {seconds:.0f} s |"
        print(line, flush=True)
        lines.append(line)
    lines += ["", interval_coverage(train, test, horizon, window)]
    print(lines[-1], flush=True)
    lines += [
        "",
        f"Windows searched: {candidates}, by {args.folds}-fold PanelTimeSeriesSplit on the training years, "
        f"scored by sMAPE; chosen: ridge {chosen['ridge']}, GRU {chosen['gru']} (by seed).",
    ]
    table = "\n".join(lines) + "\n"
    print("\n" + table)
    with open(args.output, "w", encoding="utf-8") as handle:
        handle.write(table)


if __name__ == "__main__":
    main()
