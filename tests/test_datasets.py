"""The series shipped in the package load without any download, in scikit-learn's loader style."""

import numpy as np
import pandas as pd

from sk_rnn.datasets import load_airline, load_sunspots
from sk_rnn.preprocessing import SlidingWindowTransformer


def test_airline_passengers():
    bunch = load_airline()
    assert bunch.data.shape == (144, 1)
    assert bunch.target[0] == 112 and bunch.target[-1] == 432
    assert bunch.target.sum() == 40363
    assert "Box" in bunch.DESCR
    frame = load_airline(as_frame=True).frame
    assert isinstance(frame.index, pd.PeriodIndex)
    assert str(frame.index[0]) == "1949-01" and str(frame.index[-1]) == "1960-12"
    # The frame goes straight into the window step.
    assert SlidingWindowTransformer(12).fit_transform(frame).shape == (144, 12, 1)


def test_sunspots():
    X, y = load_sunspots(return_X_y=True)
    assert X.shape == (309, 1)
    np.testing.assert_array_equal(X[:, 0], y)
    frame = load_sunspots(as_frame=True).frame
    assert frame.index[0] == 1700 and frame.index[-1] == 2008
    assert frame["sunspots"].max() == 190.2
    assert "public domain" in load_sunspots().DESCR
