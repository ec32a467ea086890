"""
Forecasting airline passengers: one step, recursive and direct multi-step
=========================================================================

Monthly airline passengers (1949-1960) grow and swing with the seasons. A
recurrent network fed with passenger counts cannot forecast beyond the counts
it was trained on: its state saturates. Fed with *changes* (of the log, so
relative changes), it can. The pipeline below does that with stock
scikit-learn pieces and two from sk_rnn:

``TransformedTargetRegressor(log)`` around ``log -> DifferencedTargetRegressor(
Differencer -> StandardScaler -> SlidingWindowTransformer -> LSTMRegressor)``.

It is scored one step ahead on the last 20% of the series against a
seasonal-naive forecast and a ridge regression on 12 lagged logs; then 12
months are forecast from December 1958, recursively (one-step forecasts fed
back as history) and directly (one output per month ahead).
"""

# %%
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.compose import TransformedTargetRegressor
from sklearn.linear_model import RidgeCV
from sklearn.metrics import root_mean_squared_error
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from sk_rnn.datasets import load_airline
from sk_rnn.forecasting import (
    DifferencedTargetRegressor,
    ForecastDisplay,
    default_forecasting_pipeline,
    forecasting_regressor,
    recursive_forecast,
)
from sk_rnn.preprocessing import lead_target, make_windows

passengers = load_airline().frame["passengers"].astype(float)  # PeriodIndex, monthly
values = passengers.to_numpy()


def forecaster(window_size, network):
    """Logs in, levels out; the network sees and predicts relative changes."""
    inner = make_pipeline(
        FunctionTransformer(np.log, np.exp),
        DifferencedTargetRegressor(default_forecasting_pipeline(window_size, network)),
    )
    return TransformedTargetRegressor(inner, func=np.log, inverse_func=np.exp)


# %%
# One step ahead on the last 20%
# ------------------------------
# Row ``t`` of X is the series at month ``t``; the target is month ``t + 1``.
# Training rows end where the test period's targets begin.
X, y = passengers.iloc[:-1].to_frame(), lead_target(values)
n_train = len(X) - int(np.ceil(0.2 * len(values)))  # 114 rows; the last 29 months are the test
one_step = forecaster(24, forecasting_regressor(random_state=0)).fit(X.iloc[:n_train], y[:n_train])
truth = y[n_train:]
predicted = one_step.predict(X)[n_train:]
seasonal_naive = values[n_train + 1 - 12 : len(values) - 12]  # the same month a year before

# The classical reference: a ridge regression on the last 12 logs (complete windows only).
lags, next_log = make_windows(np.log(values), window_size=12)  # row i: months i..i+11 -> i+12
lags = lags[:, :, 0]
train_rows = n_train - 11  # windows whose target month is a training target
ridge = RidgeCV(alphas=np.logspace(-6, 2, 17)).fit(lags[:train_rows], next_log[:train_rows])
ridge_forecast = np.exp(ridge.predict(lags[train_rows:]))
scores = {
    "LSTM on changes": root_mean_squared_error(truth, predicted),
    "Ridge on 12 lags": root_mean_squared_error(truth, ridge_forecast),
    "seasonal naive": root_mean_squared_error(truth, seasonal_naive),
}
for name, rmse in scores.items():
    print(f"one step ahead, last {len(truth)} months: {name:<17} RMSE {rmse:5.1f}")

# %%
# Twelve months ahead from December 1958
# --------------------------------------
# Recursive: a one-step model whose forecasts become history. Direct: one
# output per month ahead (``lead_target(..., steps="all")``), no feedback, so
# errors do not compound; each row's target needs 12 known months, so its
# training rows end 12 months earlier.
origin = 120  # rows 0-119 are known: up to 1958-12
recursive_model = forecaster(12, forecasting_regressor("gru", random_state=0))
recursive_model.fit(X.iloc[: origin - 1], y[: origin - 1])
recursive = recursive_forecast(recursive_model, passengers.iloc[:origin].to_frame(), horizon=12)

direct_target = lead_target(values, 12, steps="all")  # row t: months t+1 .. t+12
direct_model = forecaster(12, forecasting_regressor("gru", random_state=0))
direct_model.fit(X.iloc[: origin - 12], direct_target[: origin - 12])
direct = direct_model.predict(X.iloc[:origin])[-1]

year = values[origin : origin + 12]
print(f"1959, recursive forecast:        RMSE {root_mean_squared_error(year, recursive):5.1f}")
print(f"1959, direct forecast:           RMSE {root_mean_squared_error(year, direct):5.1f}")
last_year = values[origin - 12 : origin]
print(f"1959, repeating 1958:            RMSE {root_mean_squared_error(year, last_year):5.1f}")

# %%
# Plots
# -----
# :class:`~sk_rnn.forecasting.ForecastDisplay` draws a forecast against the
# truth, after the history it started from.
fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 7))
ForecastDisplay.from_predictions(
    passengers.iloc[n_train + 1 :],
    predicted,
    history=passengers.iloc[: n_train + 1],
    name="LSTM, one step ahead",
    ax=top,
    ylabel="passengers (thousands)",
)
display = ForecastDisplay.from_predictions(
    passengers.iloc[origin : origin + 12],
    recursive.to_numpy(),
    history=passengers.iloc[origin - 36 : origin],
    name="GRU, recursive",
    ax=bottom,
    title="1959 forecast from December 1958",
)
bottom.plot(display.line_true_.get_xdata(), direct, color="tab:green", linestyle=":", label="GRU, direct")
bottom.legend(loc="upper left")
fig.tight_layout()
fig.savefig("airline_forecast.png", dpi=100)
