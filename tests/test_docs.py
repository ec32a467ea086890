"""The forecasting page's code runs as written, block after block, as a reader would paste it."""

import re
import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest
from sklearn.metrics import root_mean_squared_error

# Trains to learned quality or runs user-facing code end to end: deselect with -m 'not slow'.
pytestmark = pytest.mark.slow

PAGE = Path(__file__).parents[1] / "docs" / "forecasting.rst"


def test_forecasting_page_code_runs():
    blocks = re.findall(r"\.\. code-block:: python\n\n((?:   .*\n|\n)+)", PAGE.read_text())
    assert len(blocks) >= 5
    namespace: dict = {}
    exec(textwrap.dedent(blocks[0]), namespace)
    # The page says RMSE 18.8 on the last 29 months for this forecaster.
    X, y = namespace["X"], namespace["y"]
    rmse = root_mean_squared_error(y[114:], namespace["forecaster"].predict(X)[114:])
    assert rmse == pytest.approx(18.8, abs=0.5)
    for block in blocks[1:]:
        exec(textwrap.dedent(block), namespace)
    plt.close("all")
    assert namespace["search"].best_params_
