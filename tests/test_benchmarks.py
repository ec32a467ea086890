"""The benchmark scripts still import, parse their options and, where they can be made tiny, run.

The figures in the docs and in ``benchmarks/REPORT.md`` come from these
scripts, and nothing else runs them between measurements: a renamed helper
or a parameter the library no longer takes would show only when the figures
are next measured. Each script runs in this process, as ``python
benchmarks/<script>.py`` would run it (``runpy`` with ``__name__ ==
"__main__"``, the benchmarks folder first on ``sys.path``), which costs a
fraction of a fresh interpreter's second of imports.
"""

import contextlib
import importlib.util
import runpy
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import torch

BENCHMARKS = Path(__file__).parents[1] / "benchmarks"
SCRIPTS = sorted(BENCHMARKS.glob("*.py"))
# The benchmark extra and the peers run_all.py compares against: a script that
# needs one of them at import is skipped where it is not installed.
OPTIONAL = {"aeon", "sktime", "statsmodels", "matplotlib", "onnxruntime", "darts", "keras"}


@contextlib.contextmanager
def optional_packages_skipped() -> Iterator[None]:
    try:
        yield
    except ModuleNotFoundError as error:
        if (error.name or "").partition(".")[0] not in OPTIONAL:
            raise
        pytest.skip(f"needs {error.name}, an optional package (pip install -e '.[benchmark]')")


def run_script(name: str, *arguments: str) -> None:
    """``python benchmarks/<name> <arguments>``, in this process; fails unless it exits with 0."""
    assert exit_code(name, *arguments) in (None, 0), f"{name} {' '.join(map(str, arguments))} failed"


def exit_code(name: str, *arguments: str) -> int | str | None:
    """Run ``python benchmarks/<name> <arguments>`` in this process; its exit code (None: ran to the end)."""
    path = BENCHMARKS / name
    saved_argv = sys.argv
    sys.argv = [str(path), *map(str, arguments)]
    try:
        # Some scripts seed torch's global generator: the tests after them keep theirs.
        with optional_packages_skipped(), torch.random.fork_rng(devices=[]):
            runpy.run_path(str(path), run_name="__main__")
    except SystemExit as exit:
        return exit.code
    finally:
        sys.argv = saved_argv
    return None


def load(name: str):
    """The script as a module, imported without running its ``__main__`` block."""
    with optional_packages_skipped():
        return runpy.run_path(str(BENCHMARKS / name), run_name=f"benchmark_{Path(name).stem}")


@pytest.fixture(autouse=True)
def benchmarks_first_on_path(monkeypatch):
    # As for `python benchmarks/x.py`: the scripts import their siblings.
    monkeypatch.syspath_prepend(str(BENCHMARKS))


def test_every_script_is_found():
    # Keeps the checks below from shrinking silently if the folder moves.
    assert len(SCRIPTS) >= 13, [path.name for path in SCRIPTS]


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda path: path.name)
def test_script_imports_without_running_and_answers_help(path, capsys):
    load(path.name)
    assert capsys.readouterr().out == "", "the script does work at import: keep it under __main__"
    assert exit_code(path.name, "--help") == 0
    assert capsys.readouterr().out.startswith("usage:")


# The tiny runs below fail on any warning: a warning that a benchmark prints
# on every fit (a deprecation, a ConvergenceWarning the script meant to
# silence) is how its output rots first.


@pytest.mark.filterwarnings("error")
def test_bench_cells_runs(capsys):
    run_script("bench_cells.py", "--lengths", "4", "--repeats", "1")
    assert "IndRNN (sk_rnn)" in capsys.readouterr().out


@pytest.mark.filterwarnings("error")
def test_bench_recursive_runs(capsys):
    run_script("bench_recursive.py", "--lengths", "60", "--repeats", "1")
    assert "max |difference|" in capsys.readouterr().out


@pytest.mark.filterwarnings("error")
def test_bench_gpu_without_a_gpu_says_so(capsys):
    if torch.cuda.is_available():
        pytest.skip("a GPU is visible: the script would run its full measurement")
    run_script("bench_gpu.py")
    assert "no CUDA GPU" in capsys.readouterr().out


@pytest.mark.filterwarnings("error")
def test_bench_long_memory_runs_and_writes_its_rst_table(tmp_path):
    output = tmp_path / "long_memory.rst"
    arguments = ["--lengths", "8", "--cells", "gru", "--n-train", "40", "--max-epochs", "1"]
    run_script("bench_long_memory.py", *arguments, "--output", output)
    assert output.read_text().startswith(".. list-table::")


@pytest.mark.filterwarnings("error")
def test_bench_learning_runs_and_writes_both_tables(tmp_path):
    if not any(importlib.util.find_spec(package) for package in ("aeon", "sktime")):
        pytest.skip("the UCR/UEA sets are read from the aeon or sktime wheel")
    markdown, rst = tmp_path / "learning.md", tmp_path / "learning.rst"
    arguments = ["--datasets", "UnitTest", "--cells", "rnn", "--no-baselines", "--set", "max_epochs=2"]
    with warnings.catch_warnings():
        # Two epochs stop the fit early on purpose: this checks the script, not the defaults.
        warnings.simplefilter("ignore", pytest.importorskip("sklearn.exceptions").ConvergenceWarning)
        run_script("bench_learning.py", *arguments, "--output", markdown, "--rst-output", rst)
    assert "| UnitTest | development | 20/22 x 24 x 1 |" in markdown.read_text()
    assert ".. list-table::" in rst.read_text()


@pytest.mark.filterwarnings("error")
def test_bench_forecasting_runs(tmp_path):
    output = tmp_path / "forecasting.md"
    arguments = ["--series", "airline", "--cells", "gru", "--set", "max_epochs=1", "hidden_size=4"]
    run_script("bench_forecasting.py", *arguments, "--output", output)
    assert "| airline | 144 (29) |" in output.read_text()


@pytest.mark.filterwarnings("error")
def test_bench_intervals_runs(tmp_path):
    output = tmp_path / "intervals.md"
    run_script("bench_intervals.py", "--datasets", "airline", "--models", "direct", "--output", output)
    assert "| airline | Ridge on 12 lags, direct | 79 | 18 |" in output.read_text()


@pytest.mark.filterwarnings("error")
def test_bench_global_runs(tmp_path):
    output = tmp_path / "global.md"
    run_script("bench_global.py", "--models", "drift", "--seeds", "0", "--output", output)
    text = output.read_text()
    assert "| drift | 16.66 | 6.89 | 3.49 |" in text
    assert "Pooled conformal intervals" in text


# Scripts whose sizes are fixed: the estimators they build, with the
# settings they pass, fitted on a few windows.


@pytest.mark.filterwarnings("error")
def test_run_all_candidates_fit():
    run_all = load("run_all.py")
    X, y = run_all["windows"](32, 6)
    for kind in ("loop", "sk_rnn", "sk_rnn_patched", "sk_rnn_bfloat16", "skorch"):
        run_all["FITS"][kind](X, y, 1)


@pytest.mark.filterwarnings("error")
def test_bench_overhead_and_denormals_estimators_fit(monkeypatch):
    overhead = load("bench_overhead.py")
    X, y = overhead["make_data"]()
    overhead["reference_fit"](X[:32], y[:32], 0)
    assert overhead["estimator_fit"](X[:32], y[:32], 0).n_iter_ == overhead["EPOCHS"]
    denormals = load("bench_denormals.py")
    X, y = denormals["make_data"](6, n_samples=32)
    scoped_state = denormals["scoped_state"]
    flush = scoped_state.flush_denormals
    assert denormals["fit_seconds"](X, y, flush=False) > 0
    assert scoped_state.flush_denormals is flush, "the script restores the flush it switched off"
    # What the script switches off must still be what fit enters.
    entered = []
    monkeypatch.setattr(
        scoped_state, "flush_denormals", lambda: entered.append(1) or contextlib.nullcontext()
    )
    denormals["LSTMRegressor"](max_epochs=1, hidden_size=4).fit(X, y)
    assert entered


@pytest.mark.filterwarnings("error")
def test_bench_inference_and_precision_estimators_fit():
    from sk_rnn.datasets import load_sequential_digits

    inference = load("bench_inference.py")
    X = inference["make_windows"](32)
    for build in inference["NETWORKS"].values():
        build().set_params(max_epochs=1, hidden_size=4).fit(X, X[:, -1, 0])
    precision = load("bench_precision.py")
    X, y = load_sequential_digits(return_X_y=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pytest.importorskip("sklearn.exceptions").ConvergenceWarning)
        for build in precision["NETWORKS"].values():
            build(precision="bfloat16", max_epochs=1, hidden_size=4, random_state=0).fit(X[:40], y[:40])


def test_run_all_memory_worker_reads_its_own_peak_not_its_parents():
    if not Path("/proc/self/status").exists():
        pytest.skip("reads /proc (Linux)")
    run_all = load("run_all.py")
    # The report's own process is this large after its training sections.
    ballast = np.ones(256 * 2**20 // 8)
    script = (
        f"import runpy; print(runpy.run_path({str(BENCHMARKS / 'run_all.py')!r})['_peak_resident_kib']())"
    )
    child = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert run_all["_resident_kib"]() > ballast.nbytes // 1024
    assert int(child.stdout) < 128 * 1024, "a worker's peak should not count its parent's memory"
