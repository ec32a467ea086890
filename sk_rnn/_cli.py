"""The command-line job ``python -m sk_rnn``: the four recurrent cells forecasting a real series.

For each cell, a ``GridSearchCV`` over the window size with ``TimeSeriesSplit``
picks a forecaster on the first 80% of the series; all forecasters, a
seasonal-naive forecast, a ridge regression on lags (its lags and scale
searched as the networks' windows are) and, when statsmodels is installed,
Holt-Winters exponential smoothing are then scored on the last 20%, which
none of them saw. A leaderboard is printed and the best
forecast plotted against the truth.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import importlib.util
import io
import math
import os
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch
from sklearn.compose import TransformedTargetRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import mean_absolute_error, root_mean_squared_error
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from ._warnings import show_once
from .datasets import load_airline, load_sunspots
from .forecasting import (
    DifferencedTargetRegressor,
    ExponentialSmoothingRegressor,
    ForecastDisplay,
    LagRidgeRegressor,
    SeasonalNaiveRegressor,
    default_forecasting_pipeline,
    forecasting_regressor,
    recursive_forecast,
)
from .forecasting._conformal import largest_coverage, smallest_calibration_size
from .preprocessing import SlidingWindowTransformer, lead_target

CELL_TITLES = {"rnn": "Elman RNN", "lstm": "LSTM", "gru": "GRU", "indrnn": "IndRNN"}

_WINDOW_PARAMETER = "regressor__differencedtargetregressor__regressor__slidingwindowtransformer__window_size"
_LEARNING_RATE_PARAMETER = "regressor__differencedtargetregressor__regressor__rnnregressor__learning_rate"


@dataclasses.dataclass(frozen=True)
class DatasetSpec:
    """How the demo forecasts one bundled series."""

    load: Callable[[], pd.Series]
    season: int  # steps per season: the seasonal-naive lag and the ridge's lags
    windows: tuple[int, ...]  # window sizes searched
    func: Callable[[np.ndarray], np.ndarray]  # variance-stabilising transform of the series
    inverse_func: Callable[[np.ndarray], np.ndarray]
    unit: str


def _airline() -> pd.Series:
    return load_airline().frame["passengers"].astype(float)


def _sunspots() -> pd.Series:
    return load_sunspots().frame["sunspots"].astype(float)


DATASETS = {
    "airline": DatasetSpec(_airline, 12, (12, 24), np.log, np.exp, "passengers (thousands)"),
    "sunspots": DatasetSpec(_sunspots, 11, (11, 22), np.log1p, np.expm1, "yearly sunspot number"),
}


@dataclasses.dataclass
class Split:
    """Rows of the series as a table, the target ``horizon`` steps ahead, and the train/test cut."""

    series: pd.Series
    horizon: int
    X: pd.DataFrame  # row t: the series at time t
    y: np.ndarray  # y[t]: the series at time t + horizon
    n_train: int  # rows whose target lies before the test period

    @classmethod
    def of(cls, series: pd.Series, horizon: int, test_share: float = 0.2) -> Split:
        n_test = math.ceil(test_share * len(series))
        if horizon >= len(series) - n_test:
            raise SystemExit(
                f"error: horizon {horizon} leaves no training rows in a series of {len(series)} steps "
                f"whose last {n_test} are held out; use a horizon below {len(series) - n_test}."
            )
        X = series.to_frame().iloc[:-horizon]
        return cls(series, horizon, X, lead_target(series.to_numpy(), horizon), len(X) - n_test)

    @property
    def test_times(self) -> pd.Index:
        return self.series.index[self.n_train + self.horizon :]


def forecaster(cell: str, spec: DatasetSpec, max_epochs: int, seed: int) -> TransformedTargetRegressor:
    """Transform -> differences -> scaling -> windows -> recurrent network, predicting levels."""
    network = forecasting_regressor(cell, max_epochs=max_epochs, random_state=seed)
    inner = DifferencedTargetRegressor(default_forecasting_pipeline(spec.windows[0], network))
    return TransformedTargetRegressor(
        make_pipeline(FunctionTransformer(spec.func, spec.inverse_func), inner),
        func=spec.func,
        inverse_func=spec.inverse_func,
    )


_RIDGE_WINDOW = "regressor__slidingwindowtransformer__window_size"


def baselines(spec: DatasetSpec, horizon: int) -> dict[str, Any]:
    """The classical forecasters the networks are ranked against, on the same rows."""
    return {
        f"seasonal naive ({spec.season} steps)": make_pipeline(
            SlidingWindowTransformer(spec.season), SeasonalNaiveRegressor(spec.season, horizon=horizon)
        ),
        # On the transformed series, as the networks see it: ridge's penalty is
        # chosen by leave-one-out over a wide grid, so the baseline is a fair one.
        f"Ridge on {spec.season} lags": ridge_on_lags(spec, spec.season),
    }


def ridge_on_lags(spec: DatasetSpec, n_lags: int) -> TransformedTargetRegressor:
    """Ridge on the last ``n_lags`` values of the transformed series (log for airline)."""
    return TransformedTargetRegressor(
        make_pipeline(
            FunctionTransformer(spec.func, spec.inverse_func),
            SlidingWindowTransformer(n_lags),
            LagRidgeRegressor(),
        ),
        func=spec.func,
        inverse_func=spec.inverse_func,
    )


def ridge_search(spec: DatasetSpec, windows: tuple[int, ...], folds: int) -> GridSearchCV:
    """The strongest simple baseline, chosen as the networks are: lags and scale by TimeSeriesSplit.

    The number of lags is searched over the networks' window sizes, and the
    ridge reads the transformed series (logs for airline) or the raw one,
    whichever validates better: a fixed choice would flatter the networks.
    """
    raw = {"func": [None], "inverse_func": [None], "regressor__functiontransformer": ["passthrough"]}
    return GridSearchCV(
        ridge_on_lags(spec, windows[0]),
        [{_RIDGE_WINDOW: list(windows)}, {**raw, _RIDGE_WINDOW: list(windows)}],
        cv=TimeSeriesSplit(folds),
        scoring="neg_root_mean_squared_error",
    )


def _search_ridge(spec: DatasetSpec, split: Split, folds: int, windows: tuple[int, ...]) -> Result:
    search = ridge_search(spec, windows, folds)
    start = time.perf_counter()
    search.fit(split.X.iloc[: split.n_train], split.y[: split.n_train])
    seconds = time.perf_counter() - start
    scale = "raw" if search.best_params_.get("func", spec.func) is None else "log"
    return Result(
        "Ridge on lags",
        search.predict(split.X)[split.n_train :],
        f"{search.best_params_[_RIDGE_WINDOW]} {scale}",
        -search.best_score_,
        seconds,
    )


def _exponential_smoothing(spec: DatasetSpec, split: Split) -> Result | None:
    """Holt-Winters refitted at every test origin on the latest n_train steps; None without statsmodels."""
    if importlib.util.find_spec("statsmodels") is None:
        return None
    start = time.perf_counter()
    histories = SlidingWindowTransformer(split.n_train).fit(split.X.iloc[: split.n_train]).transform(split.X)
    model = ExponentialSmoothingRegressor(spec.season, horizon=split.horizon)
    model.fit(histories[: split.n_train], split.y[: split.n_train])
    predictions = model.predict(histories[split.n_train :])
    return Result("ETS (Holt-Winters)", predictions, "damped", seconds=time.perf_counter() - start)


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m sk_rnn",
        description="Forecast a real series shipped with sk_rnn with Elman RNN, LSTM, GRU and IndRNN "
        "regressors (window size chosen by GridSearchCV with TimeSeriesSplit on the first 80%), score "
        "them and two baselines on the last 20%, and plot the best forecast.",
    )
    parser.add_argument(
        "--dataset", choices=sorted(DATASETS), default="airline", help="series (default: airline)"
    )
    parser.add_argument("--horizon", type=int, default=1, help="steps ahead to forecast (default: 1)")
    parser.add_argument(
        "--output",
        type=Path,
        default=Path("sk_rnn_forecast.png"),
        help="plot file (default: sk_rnn_forecast.png)",
    )
    parser.add_argument("--cells", nargs="+", choices=list(CELL_TITLES), default=list(CELL_TITLES))
    parser.add_argument(
        "--windows", nargs="+", type=int, help="window sizes searched (default: one and two seasons)"
    )
    parser.add_argument("--folds", type=int, default=3, help="TimeSeriesSplit folds (default: 3)")
    parser.add_argument("--max-epochs", type=int, default=100, help="training epochs per fit (default: 100)")
    parser.add_argument("--seed", type=int, default=0, help="random_state of the networks (default: 0)")
    parser.add_argument(
        "--learning-rates",
        nargs="+",
        type=float,
        help="also search the networks' peak learning rate over these values, e.g. 0.001 0.003 0.01 "
        "(three times the fits; default: not searched, each cell keeps its own rate)",
    )
    parser.add_argument(
        "--coverage",
        type=float,
        help="also forecast one season beyond the series with the best network, with intervals meant "
        "to hold the truth this often (e.g. 0.8), calibrated on its errors in the test period",
    )
    args = parser.parse_args(argv)
    if args.coverage is not None and not 0 < args.coverage < 1:
        parser.error(f"--coverage must be between 0 and 1, got {args.coverage}")
    if args.coverage is not None and args.horizon != 1:
        parser.error("--coverage forecasts recursively from one-step models: use it with --horizon 1")
    if args.horizon < 1:
        parser.error(f"--horizon must be at least 1, got {args.horizon}")
    if args.windows is not None and min(args.windows) < 1:
        parser.error("--windows must be positive")
    if args.learning_rates is not None and not all(0 < rate < math.inf for rate in args.learning_rates):
        rates = " ".join(map(str, args.learning_rates))
        parser.error(f"--learning-rates must be positive numbers, got {rates}")
    if args.folds < 2:
        parser.error(f"--folds must be at least 2, got {args.folds}")
    if args.max_epochs < 1:
        parser.error(f"--max-epochs must be at least 1, got {args.max_epochs}")
    if not 0 <= args.seed < 2**32:
        parser.error(f"--seed must be between 0 and 2**32 - 1, got {args.seed}")
    # Checked now, not after every network has been trained.
    if not args.output.parent.is_dir():
        parser.error(f"--output {args.output}: the folder {args.output.parent} does not exist")
    if args.output.is_dir():
        parser.error(
            f"--output {args.output} is a folder; name the plot's file, {args.output / 'forecast.png'} say"
        )
    return args


def _first_fold_rows(n_train: int, folds: int) -> int:
    """The rows TimeSeriesSplit(folds) trains its first fold on; 0 when a fold would test no row."""
    test_rows = n_train // (folds + 1)
    return n_train - folds * test_rows if test_rows else 0


def _fewer_folds(n_train: int, window: int, folds: int) -> int | None:
    """The most folds below ``folds`` whose first fold fits ``window``; None if none does."""
    # +1: the Differencer's first row carries no change, so a window needs one row more.
    fitting = [f for f in range(2, min(folds, n_train)) if _first_fold_rows(n_train, f) >= window + 1]
    return max(fitting, default=None)


def _check_windows_fit_folds(windows: tuple[int, ...], n_train: int, folds: int) -> None:
    """Every window must fit in the smallest training part of TimeSeriesSplit (its first fold)."""
    fewer = _fewer_folds(n_train, max(windows), folds)
    if n_train // (folds + 1) == 0:
        advice = (
            f"--folds {fewer}"
            if fewer
            else f"--folds 2 and windows of at most {_first_fold_rows(n_train, 2) - 1}"
        )
        raise SystemExit(
            f"error: --folds {folds} leaves TimeSeriesSplit no rows to test on: the training part has "
            f"{n_train} rows; use {advice}."
        )
    first_fold = _first_fold_rows(n_train, folds)
    if max(windows) + 1 > first_fold:
        raise SystemExit(
            f"error: window size {max(windows)} does not fit the first TimeSeriesSplit fold, which "
            f"trains on {first_fold} rows; use windows of at most {first_fold - 1}"
            + (f", or --folds {fewer}." if fewer else ".")
        )


@dataclasses.dataclass
class Result:
    name: str
    predictions: np.ndarray
    detail: str = ""
    cv_rmse: float = math.nan
    seconds: float = math.nan
    model: Any = None  # the fitted forecaster, for the forecast beyond the series
    fits: int = 0
    unconverged: int = 0  # fits that reached --max-epochs while still improving

    def progress(self) -> str:
        """What the progress line says once the search is done."""
        line = f"{self.seconds:.0f} s, chose {self.detail}"
        if self.unconverged:
            line += f" ({self.unconverged} of {self.fits} fits stopped still improving; see --max-epochs)"
        return line


def _counting_convergence_warnings(fit: Callable[[], Any]) -> tuple[Any, int]:
    """``fit()``, and how many ConvergenceWarnings it raised, counted rather than printed.

    One warning per fit, interleaved with the progress lines, would bury the
    leaderboard; the count goes on the progress line instead. Other warnings
    are shown as usual.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        result = fit()
    unconverged = [warning for warning in caught if issubclass(warning.category, ConvergenceWarning)]
    show_once([warning for warning in caught if not issubclass(warning.category, ConvergenceWarning)])
    return result, len(unconverged)


def _search_cell(
    cell: str, spec: DatasetSpec, split: Split, args: argparse.Namespace, windows: tuple[int, ...]
) -> Result:
    grid = {_WINDOW_PARAMETER: list(windows)}
    if args.learning_rates:
        grid[_LEARNING_RATE_PARAMETER] = list(args.learning_rates)
    search = GridSearchCV(
        forecaster(cell, spec, args.max_epochs, args.seed),
        grid,
        cv=TimeSeriesSplit(args.folds),
        scoring="neg_root_mean_squared_error",
    )
    start = time.perf_counter()
    _, unconverged = _counting_convergence_warnings(
        lambda: search.fit(split.X.iloc[: split.n_train], split.y[: split.n_train])
    )
    seconds = time.perf_counter() - start
    chosen = f"window {search.best_params_[_WINDOW_PARAMETER]}"
    if args.learning_rates:
        chosen += f", rate {search.best_params_[_LEARNING_RATE_PARAMETER]:g}"
    return Result(
        f"forecasting_regressor({cell!r})",
        search.predict(split.X)[split.n_train :],
        chosen,
        -search.best_score_,
        seconds,
        search.best_estimator_,
        fits=search.n_splits_ * len(search.cv_results_["params"]) + 1,  # and the refit
        unconverged=unconverged,
    )


def _leaderboard(results: list[Result], truth: np.ndarray) -> str:
    scored = sorted(results, key=lambda result: root_mean_squared_error(truth, result.predictions))
    width = max(len(result.name) for result in scored)
    detail = max(9, *(len(result.detail) for result in scored))  # "window 12, rate 0.003"
    lines = [
        f"{'model':<{width}}  {'chosen':<{detail}}  CV RMSE  test RMSE  test MAE    time",
        f"{'-' * width}  {'-' * detail}  -------  ---------  --------  ------",
    ]
    for result in scored:
        rmse = root_mean_squared_error(truth, result.predictions)
        mae = mean_absolute_error(truth, result.predictions)
        cv = "" if math.isnan(result.cv_rmse) else f"{result.cv_rmse:7.1f}"
        seconds = "" if math.isnan(result.seconds) else f"{result.seconds:5.1f}s"
        chosen = f"{result.detail:<{detail}}"
        lines.append(f"{result.name:<{width}}  {chosen}  {cv:>7}  {rmse:9.1f}  {mae:8.1f}  {seconds:>6}")
    return "\n".join(lines)


def _plot_path(output: Path) -> Path:
    """Where the plot goes, checked before minutes of training, not after, when it cannot be saved.

    A name without an extension gets the one matplotlib adds (``.png``),
    so that the path printed at the end is the file written.
    """
    try:
        from matplotlib import rcParams
        from matplotlib.backend_bases import FigureCanvasBase
        from matplotlib.figure import Figure
    except ImportError:
        raise SystemExit(
            "python -m sk_rnn saves a plot of the best forecast and needs matplotlib, which is not "
            "installed: pip install 'sk_rnn[plot]' (or pip install matplotlib)."
        ) from None
    if not output.suffix:
        return output.with_name(f"{output.name.rstrip('.')}.{rcParams['savefig.format']}")
    formats = FigureCanvasBase.get_supported_filetypes()
    if output.suffix[1:].lower() not in formats:
        raise SystemExit(
            f"error: --output {output}: matplotlib cannot write {output.suffix!r} files; use one of "
            f"{', '.join('.' + name for name in sorted(formats))} (.png, say)."
        )
    try:
        # Some formats need more than matplotlib (.pgf needs LaTeX for its
        # text): write a figure with text in it, whatever the writer raises.
        trial = Figure()
        trial.text(0.5, 0.5, "sk_rnn")
        trial.savefig(io.BytesIO(), format=output.suffix[1:].lower())
    except Exception as error:
        raise SystemExit(
            f"error: --output {output}: matplotlib cannot write {output.suffix!r} files on this "
            f"machine ({type(error).__name__}: {error}); use .png, say."
        ) from None
    return output


@contextlib.contextmanager
def _one_torch_thread() -> Iterator[None]:
    """Train on one torch thread inside the block, unless ``OMP_NUM_THREADS`` says how many.

    The job's networks are small (tens of units, about a hundred windows): on
    two idle cores a second thread gains nothing (about 50 s for the job
    either way), and while another process holds a core it makes every fit
    about four times slower (the Elman network's search 65 s against 16 s).
    """
    threads = torch.get_num_threads()
    if "OMP_NUM_THREADS" not in os.environ:
        torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse(argv)
    with _one_torch_thread():
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    args.output = _plot_path(args.output)
    spec = DATASETS[args.dataset]
    windows = tuple(args.windows or spec.windows)
    split = Split.of(spec.load(), args.horizon)
    _check_windows_fit_folds(windows, split.n_train, args.folds)
    if args.coverage is not None:
        _calibration_size(split, spec, args.coverage)  # before minutes of training, not after
    truth = split.y[split.n_train :]
    times, index = split.test_times, split.series.index
    print(
        f"{args.dataset}: {len(split.series)} steps from {index[0]} to {index[-1]}; "
        f"forecasting {args.horizon} step(s) ahead.\n"
        f"Training on the first {split.n_train} rows (window size chosen by {args.folds}-fold "
        f"TimeSeriesSplit), testing on the last {len(truth)} ({times[0]} to {times[-1]}).\n",
        flush=True,
    )
    results = []
    for number, cell in enumerate(args.cells, start=1):
        print(
            f"[{number}/{len(args.cells)}] {CELL_TITLES[cell]}: {len(windows)} window size(s) x "
            + (f"{len(args.learning_rates)} learning rates x " if args.learning_rates else "")
            + f"{args.folds} folds, {args.max_epochs} epochs per fit ...",
            end=" ",
            flush=True,
        )
        result = _search_cell(cell, spec, split, args, windows)
        print(result.progress(), flush=True)
        results.append(result)
    naive = f"seasonal naive ({spec.season} steps)"
    baseline = baselines(spec, args.horizon)[naive].fit(
        split.X.iloc[: split.n_train], split.y[: split.n_train]
    )
    results.append(Result(naive, baseline.predict(split.X)[split.n_train :]))
    results.append(_search_ridge(spec, split, args.folds, windows))
    smoothing = _exponential_smoothing(spec, split)
    if smoothing is not None:
        results.append(smoothing)
    print(f"\nHeld-out errors on the last {len(truth)} steps ({spec.unit}):\n")
    print(_leaderboard(results, truth))

    best = min(
        results[: len(args.cells)], key=lambda result: root_mean_squared_error(truth, result.predictions)
    )
    _save_plot(args.output, split, best, truth, spec, args)
    print(f"\nPlot of the best network's forecast: {args.output}")
    if args.coverage is not None:
        print(_forecast_beyond(best, split, spec, args.coverage))
    return 0


def _calibration_size(split: Split, spec: DatasetSpec, coverage: float) -> int:
    """Test-period origins whose whole season ahead is known; enough for ``coverage``, or exit."""
    n_test = len(split.series) - split.n_train - split.horizon
    calibration_size = n_test - spec.season + 1
    # The library's own rule: 1 / (1 - coverage) - 1 in floats rounds past whole
    # numbers (5 origins asked for 0.8, where 4 do).
    needed = smallest_calibration_size(coverage)
    if calibration_size < needed:
        raise SystemExit(
            f"error: --coverage {coverage} needs at least {needed} calibration origins, but the test "
            f"period of {n_test} steps gives {calibration_size} for a {spec.season}-step forecast; use "
            f"--coverage {largest_coverage(calibration_size)} or less."
        )
    return calibration_size


def _forecast_beyond(best: Result, split: Split, spec: DatasetSpec, coverage: float) -> str:
    """One season after the series ends, with split conformal intervals from test-period errors.

    The network was fitted on the training rows only, so its errors from the
    test period's origins are out-of-sample errors, as the guarantee needs.
    """
    horizon, calibration_size = spec.season, _calibration_size(split, spec, coverage)
    forecast, intervals = recursive_forecast(
        best.model,
        split.series.to_frame(),
        horizon,
        coverage=coverage,
        calibration_size=calibration_size,
    )
    lines = [
        f"\nNext {horizon} steps after {split.series.index[-1]} ({best.name}, {best.detail}), with "
        f"{coverage:.0%} intervals calibrated on its errors from {calibration_size} test-period origins:\n",
        f"{'time':>10}  {'forecast':>9}  {'lower':>9}  {'upper':>9}",
    ]
    for time_, value, (lower, upper) in zip(forecast.index, forecast, intervals.to_numpy(), strict=True):
        lines.append(f"{time_!s:>10}  {value:9.1f}  {lower:9.1f}  {upper:9.1f}")
    return "\n".join(lines)


def _save_plot(
    path: Path, split: Split, best: Result, truth: np.ndarray, spec: DatasetSpec, args: argparse.Namespace
) -> None:
    import matplotlib

    matplotlib.use("Agg")  # files only: no display needed
    import matplotlib.pyplot as plt

    history = split.series.iloc[: split.n_train + split.horizon]
    display = ForecastDisplay.from_predictions(
        pd.Series(truth, index=split.test_times),
        best.predictions,
        history=history,
        name=f"{best.name}, {best.detail}",
        title=f"{args.dataset}: {args.horizon}-step-ahead forecast of the last {len(truth)} steps",
        ylabel=spec.unit,
    )
    display.figure_.tight_layout()
    display.figure_.savefig(path, dpi=120)
    plt.close(display.figure_)
