"""``python -m sk_rnn``: the forecasting main job."""

import importlib.util
import re
import shutil
import subprocess
import sys
import warnings

import numpy as np
import pytest
import torch
from sklearn.exceptions import ConvergenceWarning

import sk_rnn._cli
from sk_rnn._cli import _check_windows_fit_folds, main


def test_leaderboard_and_plot(tmp_path, capsys):
    plot = tmp_path / "forecast.png"
    # One cell, one window, few epochs: what is checked is the job, not the scores.
    arguments = [
        "--cells",
        "indrnn",
        "--windows",
        "12",
        "--folds",
        "2",
        "--max-epochs",
        "5",
        "--output",
        str(plot),
    ]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert main(arguments) == 0
    out = capsys.readouterr().out
    # Five epochs stop every fit early: counted on the progress line, not printed once per fit.
    assert not [warning for warning in caught if issubclass(warning.category, ConvergenceWarning)]
    assert re.search(
        r"\d+ s, chose window 12 \([123] of 3 fits stopped still improving; see --max-epochs\)", out
    )
    assert "airline: 144 steps from 1949-01 to 1960-12; forecasting 1 step(s) ahead." in out
    assert "testing on the last 29 (1958-08 to 1960-12)" in out
    assert "[1/1] IndRNN: 1 window size(s) x 2 folds, 5 epochs per fit ..." in out
    board = out[out.index("model ") :].splitlines()
    assert board[0].split() == ["model", "chosen", "CV", "RMSE", "test", "RMSE", "test", "MAE", "time"]
    names = {
        line.split("  ")[0].strip() for line in board[2:] if line.strip() and not line.startswith("Plot")
    }
    # The job leaves ETS out without statsmodels, an optional dependency.
    has_statsmodels = importlib.util.find_spec("statsmodels") is not None
    assert names == {
        "forecasting_regressor('indrnn')",
        "seasonal naive (12 steps)",
        "Ridge on lags",
    } | ({"ETS (Holt-Winters)"} if has_statsmodels else set())
    naive_row = next(line for line in board if line.startswith("seasonal naive"))
    assert naive_row.split()[-2:] == ["46.1", "41.3"]  # test RMSE and MAE
    # The ridge's lags are searched as the networks' window is (here 12 only), on logs or raw values.
    ridge_row = next(line for line in board if line.startswith("Ridge on lags"))
    assert ridge_row.split()[3:5] in (["12", "log"], ["12", "raw"])
    if has_statsmodels:
        # Refitted at every test origin on the latest 114 months (statsmodels is a test extra).
        ets_row = next(line for line in board if line.startswith("ETS"))
        assert ets_row.split()[3:5] == ["16.4", "13.3"]  # test RMSE and MAE
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_other_dataset_and_horizon(tmp_path, capsys):
    plot = tmp_path / "sunspots.png"
    arguments = ["--dataset", "sunspots", "--horizon", "3", "--cells", "rnn", "--windows", "11"]
    assert main([*arguments, "--folds", "2", "--max-epochs", "3", "--output", str(plot)]) == 0
    out = capsys.readouterr().out
    assert "sunspots: 309 steps from 1700 to 2008; forecasting 3 step(s) ahead." in out
    assert re.search(r"Ridge on lags +11 (log|raw) ", out)
    assert plot.exists()


@pytest.mark.parametrize("omp_num_threads", [None, "2"])
def test_the_job_trains_on_one_torch_thread_unless_told_otherwise(omp_num_threads, monkeypatch, tmp_path):
    # Its networks are small: a second thread gains nothing on idle cores and
    # slows every fit several times while another process holds a core.
    if omp_num_threads is None:
        monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    else:
        monkeypatch.setenv("OMP_NUM_THREADS", omp_num_threads)
    seen = []
    search_cell = sk_rnn._cli._search_cell

    def recording(*args, **kwargs):
        seen.append(torch.get_num_threads())
        return search_cell(*args, **kwargs)

    monkeypatch.setattr(sk_rnn._cli, "_search_cell", recording)
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        arguments = ["--cells", "rnn", "--windows", "12", "--folds", "2", "--max-epochs", "1"]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            assert main([*arguments, "--output", str(tmp_path / "plot.png")]) == 0
        assert seen == [1 if omp_num_threads is None else 2]
        assert torch.get_num_threads() == 2  # the caller's setting, back after the job
    finally:
        torch.set_num_threads(before)


def test_help_and_bad_options():
    result = subprocess.run(
        [sys.executable, "-m", "sk_rnn", "--help"], capture_output=True, text=True, check=True
    )
    for option in ("--dataset", "--horizon", "--output", "--cells", "--windows", "--max-epochs"):
        assert option in result.stdout
    assert "first 80%)" in " ".join(result.stdout.split())
    with pytest.raises(SystemExit, match=r"horizon 200 leaves no training rows in a series of 144 steps"):
        main(["--horizon", "200"])
    with pytest.raises(SystemExit):
        main(["--horizon", "0"])
    with pytest.raises(SystemExit):
        main(["--folds", "1"])
    with pytest.raises(SystemExit, match=r"window size 50 does not fit the first TimeSeriesSplit fold"):
        main(["--windows", "12", "50"])
    # The fold count suggested is one the windows fit (113 folds, once suggested, did not).
    with pytest.raises(SystemExit, match=r"--folds 200 leaves TimeSeriesSplit no rows.*use --folds 89\."):
        main(["--folds", "200"])
    _check_windows_fit_folds((12, 24), 114, 89)
    with pytest.raises(SystemExit, match=r"trains on 30 rows; use windows of at most 29\.$"):
        main(["--windows", "12", "50"])  # and no fewer folds would fit 50
    with pytest.raises(SystemExit, match=r"trains on 18 rows; use windows of at most 17, or --folds 2\."):
        main(["--windows", "30", "--folds", "8"])


def test_a_plot_format_matplotlib_cannot_write_is_refused_before_training(tmp_path, capsys):
    with pytest.raises(SystemExit, match=r"matplotlib cannot write '\.pgn' files; use one of .*\.png"):
        main(["--cells", "rnn", "--max-epochs", "1", "--output", str(tmp_path / "forecast.pgn")])
    assert "[1/1]" not in capsys.readouterr().out  # nothing was trained


def test_learning_rates_are_searched_with_the_window(tmp_path, capsys):
    arguments = ["--cells", "rnn", "--windows", "12", "--folds", "2", "--max-epochs", "2"]
    # A name without an extension: matplotlib adds .png, and the job says so.
    assert (
        main([*arguments, "--learning-rates", "0.001", "0.01", "--output", str(tmp_path / "forecast")]) == 0
    )
    out = capsys.readouterr().out
    assert f"Plot of the best network's forecast: {tmp_path / 'forecast.png'}" in out
    assert (tmp_path / "forecast.png").is_file()
    assert "[1/1] Elman RNN: 1 window size(s) x 2 learning rates x 2 folds, 2 epochs per fit ..." in out
    row = next(line for line in out.splitlines() if line.startswith("forecasting_regressor('rnn')"))
    assert re.search(r"window 12, rate 0\.0(01|1) ", row)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--learning-rates", "0.01", "0"], "--learning-rates must be positive"),
        (["--learning-rates", "nan"], "--learning-rates must be positive numbers, got nan"),
        (["--learning-rates", "0.01", "inf"], "--learning-rates must be positive numbers, got 0.01 inf"),
        (["--output", "."], r"--output \. is a folder; name the plot's file"),
        (["--max-epochs", "0"], "--max-epochs must be at least 1, got 0"),
        (["--seed", "-1"], "--seed must be between 0 and 2\\*\\*32 - 1, got -1"),
        (["--output", "no/such/folder/plot.png"], "the folder no/such/folder does not exist"),
    ],
)
def test_bad_options_are_refused_before_any_training(options, message, capsys):
    with pytest.raises(SystemExit):
        main(options)
    assert re.search(message, capsys.readouterr().err)


def test_coverage_on_a_series_indexed_by_years(tmp_path, capsys):
    # Sunspots is indexed by integer years, not periods: the forecast's times
    # continue them, and the season ahead is printed after the whole run.
    arguments = ["--dataset", "sunspots", "--cells", "rnn", "--windows", "11", "--folds", "2"]
    arguments += ["--max-epochs", "3"]
    assert main([*arguments, "--coverage", "0.8", "--output", str(tmp_path / "f.png")]) == 0
    out = capsys.readouterr().out
    assert "Next 11 steps after 2008 (forecasting_regressor('rnn'), window 11), with 80% intervals" in out
    rows = out[out.index("forecast      lower") :].splitlines()[1:12]
    assert [int(row.split()[0]) for row in rows] == list(range(2009, 2020))


def test_the_job_asks_for_matplotlib_before_training(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(SystemExit, match=r"needs matplotlib.*pip install 'sk_rnn\[plot\]'"):
        main(["--cells", "rnn", "--max-epochs", "1"])
    assert "[1/1]" not in capsys.readouterr().out  # nothing was trained


def test_coverage_prints_a_season_ahead_with_intervals(tmp_path, capsys):
    arguments = ["--cells", "gru", "--windows", "12", "--folds", "2", "--max-epochs", "5"]
    assert main([*arguments, "--coverage", "0.8", "--output", str(tmp_path / "f.png")]) == 0
    out = capsys.readouterr().out
    assert "Next 12 steps after 1960-12 (forecasting_regressor('gru'), window 12), with 80% intervals" in out
    assert "calibrated on its errors from 18 test-period origins" in out
    rows = out[out.index("forecast      lower") :].splitlines()[1:13]
    assert [row.split()[0] for row in rows] == [f"1961-{month:02d}" for month in range(1, 13)]
    forecast, lower, upper = (np.array([float(row.split()[k]) for row in rows]) for k in (1, 2, 3))
    assert (lower < forecast).all() and (forecast < upper).all()
    with pytest.raises(SystemExit, match=r"needs at least 19 calibration origins.*--coverage 0.94 or less"):
        main([*arguments, "--coverage", "0.95"])
    with pytest.raises(SystemExit):
        main(["--coverage", "0.8", "--horizon", "2"])


def test_coverage_asks_for_the_calibration_origins_the_intervals_need_and_no_more():
    from sk_rnn._cli import DATASETS, Split, _calibration_size

    # 75 months: a test period of 15, which holds 4 origins with a whole season ahead. Four
    # errors promise 80% (the 4th smallest of 4); 1 / (1 - 0.8) - 1 in floats asked for 5.
    spec = DATASETS["airline"]
    split = Split.of(spec.load().iloc[:75], 1)
    assert _calibration_size(split, spec, 0.8) == 4
    with pytest.raises(SystemExit, match=r"needs at least 5 calibration origins.*--coverage 0.8 or less"):
        _calibration_size(split, spec, 0.81)


def test_the_plot_path_is_checked_and_named_as_written(tmp_path):
    from sk_rnn._cli import _plot_path

    assert _plot_path(tmp_path / "forecast") == tmp_path / "forecast.png"
    assert _plot_path(tmp_path / "forecast.") == tmp_path / "forecast.png"
    assert _plot_path(tmp_path / "forecast.svg") == tmp_path / "forecast.svg"
    if shutil.which("xelatex") is None:  # .pgf is a format matplotlib lists, but it needs LaTeX
        with pytest.raises(SystemExit, match=r"cannot write '\.pgf' files on this machine.*xelatex"):
            _plot_path(tmp_path / "forecast.pgf")
