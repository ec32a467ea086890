"""Loaders in scikit-learn's style for the series in ``sk_rnn/datasets/data``."""

from __future__ import annotations

from importlib import resources

import pandas as pd
from sklearn.utils import Bunch

from .._compat import validate_params

_LOADER_PARAMS = {"as_frame": ["boolean"], "return_X_y": ["boolean"]}

__all__ = ["load_airline", "load_m1_yearly", "load_sunspots"]


def _read(filename: str) -> pd.DataFrame:
    with resources.files(__package__).joinpath("data", filename).open("r", encoding="utf-8") as handle:
        return pd.read_csv(handle)


def _bunch(series: pd.Series, description: str, *, as_frame: bool, return_X_y: bool):
    frame = series.to_frame()
    data = frame if as_frame else frame.to_numpy()
    target = series if as_frame else series.to_numpy()
    if return_X_y:
        return data, target
    return Bunch(data=data, target=target, frame=frame, feature_names=[series.name], DESCR=description)


@validate_params(_LOADER_PARAMS, prefer_skip_nested_validation=True)
def load_airline(*, as_frame: bool = False, return_X_y: bool = False):
    """Monthly totals of international airline passengers, 1949-1960 (144 months).

    The classic series G of Box & Jenkins: a trend, a yearly season, and a
    seasonal swing that grows with the level (a log transform makes it
    additive).

    Provenance: Box, G. E. P., Jenkins, G. M. and Reinsel, G. C. (1976), *Time
    Series Analysis, Forecasting and Control*, third edition, Holden-Day,
    series G; the file is the one shipped by sktime.

    Licence: the figures are historical statistics (monthly passenger totals
    of 1949-1960), published in the book and in every time-series toolkit
    since; facts of this kind carry no copyright. The CSV file is
    redistributed under sktime's licence, BSD-3-Clause.

    Parameters
    ----------
    as_frame : bool, default=False
        Return pandas objects indexed by month (a monthly ``PeriodIndex``)
        instead of arrays.
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : Bunch
        ``frame`` (a DataFrame with the column "passengers", indexed by month),
        ``data`` (the series as one column, shape (144, 1)), ``target`` (the
        series, shape (144,)), ``feature_names`` and ``DESCR``. To forecast,
        align the target with :func:`sk_rnn.preprocessing.lead_target`.
    (data, target) : tuple if ``return_X_y`` is True

    Examples
    --------
    >>> from sk_rnn.datasets import load_airline
    >>> frame = load_airline(as_frame=True).frame
    >>> frame.shape, str(frame.index[0]), int(frame["passengers"].iloc[-1])
    ((144, 1), '1949-01', 432)
    """
    raw = _read("airline.csv")
    index = pd.PeriodIndex(raw["Date"], freq="M", name="month")
    series = pd.Series(raw["Passengers"].to_numpy(dtype=float), index=index, name="passengers")
    return _bunch(series, load_airline.__doc__, as_frame=as_frame, return_X_y=return_X_y)


@validate_params(_LOADER_PARAMS, prefer_skip_nested_validation=True)
def load_sunspots(*, as_frame: bool = False, return_X_y: bool = False):
    """Yearly mean sunspot numbers, 1700-2008 (309 years).

    A series with a cycle of about 11 years whose amplitude varies from cycle
    to cycle: hard for seasonal-naive methods, a classic test for nonlinear
    forecasters.

    Provenance: National Geophysical Data Center (NOAA), yearly sunspot
    numbers, as shipped by statsmodels (``statsmodels.datasets.sunspots``).

    Licence: public domain; statsmodels states "This data is public domain."

    Parameters
    ----------
    as_frame : bool, default=False
        Return pandas objects indexed by year instead of arrays.
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : Bunch
        ``frame`` (a DataFrame with the column "sunspots", indexed by year),
        ``data`` (shape (309, 1)), ``target`` (shape (309,)), ``feature_names``
        and ``DESCR``.
    (data, target) : tuple if ``return_X_y`` is True

    Examples
    --------
    >>> from sk_rnn.datasets import load_sunspots
    >>> X, y = load_sunspots(return_X_y=True)
    >>> X.shape, y[:3]
    ((309, 1), array([ 5., 11., 16.]))
    """
    raw = _read("sunspots.csv")
    index = pd.Index(raw["YEAR"].astype(int), name="year")
    series = pd.Series(raw["SUNACTIVITY"].to_numpy(dtype=float), index=index, name="sunspots")
    return _bunch(series, load_sunspots.__doc__, as_frame=as_frame, return_X_y=return_X_y)


@validate_params({"as_frame": ["boolean"]}, prefer_skip_nested_validation=True)
def load_m1_yearly(*, as_frame: bool = True):
    """The 181 yearly series of the M1 forecasting competition: a real panel of many series.

    Yearly series from seven domains (macro- and microeconomics, industry,
    demography), 15 to 58 years long (median 21), from values below 1 to
    tens of millions: a test of one model over many series of very different
    magnitudes. The competition forecast each series 6 years ahead
    (``horizon``); the last 6 values of each series are its test period.

    Provenance: Makridakis, S. et al. (1982), "The accuracy of extrapolation
    (time series) methods: results of a forecasting competition", *Journal
    of Forecasting* 1(2), 111-153; as published in the Monash time series
    forecasting archive (Godahewa, R. et al., 2021, file
    ``m1_yearly_dataset.tsf``, also shipped in the aeon wheel). The 51st
    series' start year is unknown there and given as 1900.

    Licence: the Monash archive publishes it under CC BY 4.0.

    Parameters
    ----------
    as_frame : bool, default=True
        Return the panel as a DataFrame indexed by (series, year). False: a
        list of one 1-D array per series in ``data``.

    Returns
    -------
    data : Bunch
        ``frame`` (a DataFrame with the column "value", indexed by
        ("series", "year"), 4,515 rows), ``data`` (the frame, or the list of
        181 arrays), ``series_names``, ``horizon`` (6) and ``DESCR``.

    Examples
    --------
    >>> from sk_rnn.datasets import load_m1_yearly
    >>> m1 = load_m1_yearly()
    >>> m1.frame.shape, len(m1.series_names), m1.horizon
    ((4515, 1), 181, 6)
    >>> m1.frame.loc["T1"].head(3)
            value
    year
    1972   3600.0
    1973   7700.0
    1974  12300.0
    """
    raw = _read("m1_yearly.csv")
    index = pd.MultiIndex.from_arrays([raw["series"], raw["year"].astype(int)], names=["series", "year"])
    frame = pd.DataFrame({"value": raw["value"].to_numpy(dtype=float)}, index=index)
    series_names = list(pd.unique(raw["series"]))
    data = frame if as_frame else [frame.loc[name, "value"].to_numpy() for name in series_names]
    return Bunch(data=data, frame=frame, series_names=series_names, horizon=6, DESCR=load_m1_yearly.__doc__)
