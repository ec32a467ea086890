"""
One model for 181 series: global forecasting on the M1 yearly panel
===================================================================

The M1 competition's 181 yearly series run from 15 to 58 years, with values
from below 1 to tens of millions. Most are too short to train a network on
alone. A global model learns from all of them at once: the panel (a
DataFrame indexed by (series, year)) goes through the same pipeline as one
series, every step working within each series, and
:class:`~sk_rnn.forecasting.PerSeriesScaledRegressor` scales each series by
its own statistics so that all magnitudes train together.

As in the competition, the last 6 years of each series are held out and
forecast at once from the year before them (a direct model: each row's
target is the next 6 values). The networks are scored by sMAPE, the
competition's measure, beside the naive forecast (the last value) and drift
(the last value plus the mean yearly change so far). With seed 0: naive
22.4, drift 16.7, global ridge 19.8, global GRU 18.9. Both global models beat
the naive forecast; on these trend-dominated series, neither beats drift.
"""

# %%
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator
from sklearn.exceptions import ConvergenceWarning
from sklearn.pipeline import make_pipeline

from sk_rnn.datasets import load_m1_yearly
from sk_rnn.forecasting import (
    DifferencedTargetRegressor,
    LagRidgeRegressor,
    PerSeriesScaledRegressor,
    default_forecasting_pipeline,
    forecasting_regressor,
)
from sk_rnn.preprocessing import Differencer, SlidingWindowTransformer, lead_target

warnings.simplefilter("ignore", ConvergenceWarning)  # the networks' 100 epochs, on purpose

m1 = load_m1_yearly()
from_the_end = m1.frame.groupby(level="series", sort=False).cumcount(ascending=False)
train, test = m1.frame[from_the_end >= 6], m1.frame[from_the_end < 6]
target = lead_target(train["value"], 6, steps="all")  # the next 6 years, within each series
last_year = train.groupby(level="series", sort=False).tail(1).index
truth = np.stack([test.loc[name, "value"].to_numpy() for name in last_year.get_level_values(0)])


def smape(forecast):
    return np.mean(200 * np.abs(truth - forecast) / (np.abs(truth) + np.abs(forecast)))


def fit_and_forecast(model):
    """Fit on every series' rows, forecast from each series' last year (its window before it)."""
    model.fit(train.loc[target.index], target)
    return pd.DataFrame(model.predict(train), index=train.index).loc[last_year].to_numpy()


# %%
# Baselines and one global model per kind
# ---------------------------------------
# Windows of 3 years of changes: the window ``benchmarks/bench_global.py``'s
# ``PanelTimeSeriesSplit`` search chose for both models.
values = train["value"].groupby(level="series", sort=False)
last = values.last().to_numpy()[:, np.newaxis]
slope = values.apply(lambda s: (s.iloc[-1] - s.iloc[0]) / (len(s) - 1)).to_numpy()[:, np.newaxis]
forecasts = {
    "naive": np.repeat(last, 6, axis=1),
    "drift": last + slope * np.arange(1, 7),
    "global ridge": fit_and_forecast(
        PerSeriesScaledRegressor(
            DifferencedTargetRegressor(
                make_pipeline(Differencer(), SlidingWindowTransformer(3), LagRidgeRegressor())
            )
        )
    ),
    "global GRU": fit_and_forecast(
        PerSeriesScaledRegressor(
            DifferencedTargetRegressor(
                default_forecasting_pipeline(3, forecasting_regressor("gru", random_state=0))
            )
        )
    ),
}
for name, forecast in forecasts.items():
    print(f"{name:>12}: sMAPE {smape(forecast):5.2f} over 6 years")

# %%
# Four series of very different magnitudes
# ----------------------------------------
fig, axes = plt.subplots(2, 2, figsize=(10, 6))
for ax, name in zip(axes.ravel(), ["T1", "T40", "T100", "T150"], strict=True):
    row = list(last_year.get_level_values(0)).index(name)
    history, future = train.loc[name, "value"], test.loc[name, "value"]
    ax.plot(history.index, history, color="0.6", label="history")
    ax.plot(future.index, future, color="black", label="observed")
    for label, style in [("drift", ":"), ("global ridge", "-."), ("global GRU", "--")]:
        ax.plot(future.index, forecasts[label][row], linestyle=style, label=label)
    ax.set_title(name)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # years, not fractions of them
axes[0, 0].legend(fontsize=8)
fig.tight_layout()
fig.savefig("global_forecast.png")
