"""The series shipped in the package load without any download, in scikit-learn's loader style."""

import numpy as np
import pandas as pd
import pytest

from sk_rnn.datasets import (
    installed_ucr_uea_datasets,
    load_airline,
    load_sunspots,
    load_ts_file,
    load_ucr_uea,
)
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


# -- UCR/UEA archive files ----------------------------------------------------------------


def _write(tmp_path, text: str):
    path = tmp_path / "case.ts"
    path.write_text(text)
    return path


def test_ts_file_multivariate_with_missing_values_and_ragged_cases(tmp_path):
    text = (
        "# a comment\n@problemName demo\n@univariate false\n@classLabel true up down\n@data\n"
        "1,2,?:4,5,6:up\n7,8:9,NaN:down\n"
    )
    X, y = load_ts_file(_write(tmp_path, text))
    assert isinstance(X, list) and [x.shape for x in X] == [(3, 2), (2, 2)]
    np.testing.assert_array_equal(X[0][:, 1], [4, 5, 6])
    assert np.isnan(X[0][2, 0]) and np.isnan(X[1][1, 1])
    assert y.tolist() == ["up", "down"]


def test_ts_file_regression_targets_are_floats_and_equal_lengths_stack(tmp_path):
    text = "@problemName r\n@targetLabel true\n@data\n1,2,3:0.5\n4,5,6:1.25\n"
    X, y = load_ts_file(_write(tmp_path, text))
    assert X.shape == (2, 3, 1) and y.dtype == np.float64
    np.testing.assert_array_equal(y, [0.5, 1.25])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("@problemName x\n1,2:a\n", "no @data line"),
        ("@data\n1,2,3\n", "expected values and a label"),
        ("@data\n1,2:3:a\n", "different lengths"),
        ("@timeStamps true\n@data\n(0,1):a\n", "time stamps"),
        ("@classLabel true a\n@data\n1,2:a\n1,x,3:a\n", r"line 4: expected comma-separated numbers.*'1,x,3'"),
        ("@targetLabel true\n@data\n1,2:0.5\n1,2:x1\n", r"line 4: .*numbers as a target.*'x1'"),
        ("@classLabel true a\n@data\n", "holds no case after its @data line"),
    ],
)
def test_ts_file_errors_say_what_is_wrong(tmp_path, text, message):
    with pytest.raises(ValueError, match=message):
        load_ts_file(_write(tmp_path, text))


def test_ts_file_without_labels_reads_every_dimension(tmp_path):
    text = "@univariate false\n@dimensions 2\n@classLabel false\n@data\n1,2,3:4,5,6\n7,8,9:1,2,3\n"
    X, y = load_ts_file(_write(tmp_path, text))
    assert y is None
    np.testing.assert_array_equal(X[0], [[1, 4], [2, 5], [3, 6]])


def test_ucr_uea_sets_load_from_the_installed_wheels():
    pytest.importorskip("sktime")
    assert {"GunPoint", "ArrowHead", "Tecator"} <= set(installed_ucr_uea_datasets())
    X, y = load_ucr_uea("GunPoint")
    X_test, _ = load_ucr_uea("GunPoint", split="test")
    assert X.shape == (50, 150, 1) and X_test.shape == (150, 150, 1)
    assert sorted(set(y)) == ["1", "2"]
    X, y = load_ucr_uea("JapaneseVowels")  # multivariate, of different lengths
    assert isinstance(X, list) and X[0].shape[1] == 12 and len({len(x) for x in X}) > 1
    _, y = load_ucr_uea("Tecator", split="test")
    assert y.dtype == np.float64


def test_ucr_uea_unknown_name_and_split_errors():
    pytest.importorskip("sktime")
    with pytest.raises(ValueError, match=r"found no NoSuchSet_TRAIN\.ts.*GunPoint"):
        load_ucr_uea("NoSuchSet")
    with pytest.raises(ValueError, match=r"found no \*_TRAIN\.ts"):
        load_ucr_uea("*")  # a name, not a pattern that picks some data set
    with pytest.raises(ValueError, match=r"'split' parameter of load_ucr_uea must be a str among"):
        load_ucr_uea("GunPoint", split="validation")
