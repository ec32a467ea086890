"""The docs' code runs as written, block after block, as a reader would paste it."""

import re
import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import root_mean_squared_error

# Trains to learned quality or runs user-facing code end to end: deselect with -m 'not slow'.
pytestmark = pytest.mark.slow

DOCS = Path(__file__).parents[1] / "docs"
PAGE = DOCS / "forecasting.rst"


def python_blocks(page: Path) -> list[str]:
    return [
        textwrap.dedent(block)
        for block in re.findall(r"\.\. code-block:: python\n\n((?:   .*\n|\n)+)", page.read_text())
    ]


def test_forecasting_page_code_runs():
    blocks = python_blocks(PAGE)
    assert len(blocks) >= 5
    namespace: dict = {}
    exec(blocks[0], namespace)
    # The page says RMSE 18.8 on the last 29 months for this forecaster.
    X, y = namespace["X"], namespace["y"]
    rmse = root_mean_squared_error(y[114:], namespace["forecaster"].predict(X)[114:])
    assert rmse == pytest.approx(18.8, abs=0.5)
    for block in blocks[1:]:
        exec(block, namespace)
    plt.close("all")
    assert namespace["search"].best_params_


def test_forecasting_page_panel_pipeline_keeps_each_series_windows_apart():
    # A stock scaler returns an array by default, which drops the panel's
    # index: the windows after it would run from one series into the next.
    block = next(block for block in python_blocks(PAGE) if "scaled = make_pipeline(" in block)
    namespace: dict = {}
    exec(block, namespace)
    index = pd.MultiIndex.from_product([["a", "b"], range(8)], names=["series", "month"])
    panel = pd.DataFrame({"value": np.arange(16.0)}, index=index)
    windows = namespace["scaled"][:-1].fit_transform(panel)
    # Series b's first row has no past in b: all but its last step are padding.
    assert np.isnan(windows[8, :-1, 0]).all() and not np.isnan(windows[8, -1, 0])


def test_getting_started_runs_in_order_and_its_figures_hold():
    # The page reads as one session: later blocks use the earlier ones' X and y.
    namespace: dict = {}
    blocks = python_blocks(DOCS / "getting_started.rst")
    assert len(blocks) >= 3
    exec(blocks[0], namespace)
    X, y, half = namespace["X"], namespace["y"], namespace["half"]
    assert namespace["clf"].score(X[half:], y[half:]) == pytest.approx(0.96, abs=0.015)  # "about 0.96"
    for block in blocks[1:]:
        exec(block, namespace)
    assert namespace["reg"].predict(namespace["X"][-1:]).shape == (1, 3)
    assert namespace["search"].best_params_["rnnregressor__cell"] in {"rnn", "lstm", "gru", "indrnn"}


def test_every_block_of_the_user_guide_runs_on_its_own_names():
    # Each block defines what it uses: a reader may paste any one of them alone.
    blocks = python_blocks(DOCS / "user_guide.rst")
    assert len(blocks) >= 5
    for number, block in enumerate(blocks):
        try:
            exec(block, {})
        except Exception as error:
            raise AssertionError(f"block {number} of the user guide fails:\n{block}") from error
    plt.close("all")


def test_the_user_guide_mapie_round_trip_of_a_windowed_baseline_covers():
    # MAPIE refuses the bare pipeline (it probes the baseline with a one-step
    # window); the user guide shows the wrapped model it accepts.
    pytest.importorskip("mapie.regression")
    block = next(
        block for block in python_blocks(DOCS / "user_guide.rst") if "SplitConformalRegressor(model" in block
    )
    namespace: dict = {}
    exec(block, namespace)
    intervals, y = namespace["intervals"], namespace["y"]
    assert intervals.shape == (99, 2, 1)
    inside = (intervals[:, 0, 0] <= y[300:]) & (y[300:] <= intervals[:, 1, 0])
    assert inside.mean() == pytest.approx(0.8, abs=0.05)  # measured: 0.798


def test_the_persistence_page_code_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the page saves model.skrnn in the working directory
    blocks = python_blocks(DOCS / "persistence.rst")
    assert len(blocks) == 1
    exec(blocks[0], {})
    assert (tmp_path / "model.skrnn").is_file()


def test_the_deployment_page_code_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the page writes its exports in the working directory
    blocks = python_blocks(DOCS / "deployment.rst")
    assert len(blocks) == 3
    namespace: dict = {}
    for block in blocks[:2]:
        exec(block, namespace)
    assert {path.name for path in tmp_path.iterdir()} == {"digits.onnx", "digits.pt", "digits_ragged.onnx"}


def test_the_deployment_page_accelerate_script_learns_digits_in_one_process(fresh_accelerator_state):
    namespace: dict = {}
    exec(python_blocks(DOCS / "deployment.rst")[2], namespace)
    assert namespace["accuracy"] > 0.9


def test_the_training_page_code_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the page writes training.png and checkpoints/
    namespace: dict = {}
    for block in python_blocks(DOCS / "training.rst"):
        exec(block, namespace)
    plt.close("all")
    assert namespace["clf"].n_iter_ == 20
    assert len(list((tmp_path / "checkpoints").glob("*/checkpoint.skrnn"))) == 1
    assert (tmp_path / "training.png").is_file()
    # The search's six fits and its refit, a folder each.
    assert len(list((tmp_path / "search").glob("*/checkpoint.skrnn"))) == 7


def test_the_training_pages_gradient_ratios_hold_for_its_code():
    # The page: 50 steps back after three epochs, 1e-15 of the last step's gradient for the
    # Elman network, 2e-11 for the GRU, 3e-6 for the LSTM and 0.4 for IndRNN.
    block = next(block for block in python_blocks(DOCS / "training.rst") if "GradientFlowDisplay" in block)
    namespace: dict = {"np": np}
    exec(block.replace('.savefig("gradient_flow.png")', ""), namespace)
    plt.close("all")
    last_epochs = {model._cell_name(): model.gradient_norms_by_distance_[-1] for model in namespace["models"]}
    ratios = {cell: norms[50] / norms[0] for cell, norms in last_epochs.items()}
    assert ratios["rnn"] < 1e-12 and 1e-13 < ratios["gru"] < 1e-9
    assert 1e-7 < ratios["lstm"] < 1e-4 and 0.1 < ratios["indrnn"] < 2


def test_the_long_memory_page_code_runs_and_its_gradient_table_holds(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the page writes gradients.png
    namespace: dict = {}
    for block in python_blocks(DOCS / "long_memory.rst"):
        exec(block, namespace)
    plt.close("all")
    assert (tmp_path / "gradients.png").is_file()
    # The page's table: 59 steps back in the first epoch, the Elman network's and the GRU's
    # gradient has all but vanished (8e-12, 2e-10), the LSTM's and IndRNN's has not (0.38, 0.55).
    ratios = {
        model._cell_name(): model.gradient_norms_by_distance_[0, -1] / model.gradient_norms_by_distance_[0, 0]
        for model in namespace["models"]
    }
    assert ratios["rnn"] < 1e-8 and ratios["gru"] < 1e-8
    assert ratios["lstm"] > 0.1 and ratios["indrnn"] > 0.1


def test_the_sphinx_build_has_no_warnings(tmp_path):
    # Every page, every docstring of the API reference (numpydoc), with warnings as errors.
    pytest.importorskip("numpydoc")
    build = pytest.importorskip("sphinx.cmd.build")
    import shutil

    source = tmp_path / "docs"
    shutil.copytree(DOCS, source, ignore=shutil.ignore_patterns("_build", "generated"))
    status = build.build_main(["-b", "html", "-q", "-W", str(source), str(tmp_path / "html")])
    assert status == 0
    assert (tmp_path / "html" / "deployment.html").is_file()
