"""The gallery examples run as a user would run them, and report what they claim."""

import runpy
from pathlib import Path

import pytest

# Trains to learned quality or runs user-facing code end to end: deselect with -m 'not slow'.
pytestmark = pytest.mark.slow

EXAMPLES = sorted((Path(__file__).parents[1] / "examples").glob("*.py"))


def test_examples_are_found():
    assert len(EXAMPLES) >= 2


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_runs_and_saves_its_figure(path, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    runpy.run_path(str(path), run_name="__main__")
    assert list(tmp_path.glob("*.png")), "the example should save its figure"
    out = capsys.readouterr().out
    assert "accuracy" in out or "R2" in out or "RMSE" in out or "sMAPE" in out
