"""
Next-step forecast of a noisy sine with a GRU
=============================================

A long series becomes a regression problem once it is cut into windows: each
window of 30 past values is one sequence, and the value that follows it is the
target. The windows are views on the series (no copy), the split keeps time
order, and the fitted regressor forecasts one step ahead.
:func:`~sk_rnn.forecasting.forecasting_regressor` is the regressor set up for
windows of one series, which overlap and so hold little data.
"""

# %%
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import mean_squared_error, r2_score

from sk_rnn.forecasting import forecasting_regressor

rng = np.random.RandomState(0)
t = np.arange(1230)
series = np.sin(2 * np.pi * t / 40) + 0.1 * rng.normal(size=len(t))

window = 30
X = np.lib.stride_tricks.sliding_window_view(series[:-1], window)  # (1200, 30), a view
y = series[window:]
split = int(0.8 * len(X))  # train on the past, test on the future

# %%
# A 2-D X is read as one univariate sequence per row.
reg = forecasting_regressor("gru", max_epochs=50, random_state=0).fit(X[:split], y[:split])
pred = reg.predict(X[split:])
rmse = mean_squared_error(y[split:], pred) ** 0.5
print(f"test R2 {r2_score(y[split:], pred):.3f}, RMSE {rmse:.3f} (noise std 0.1)")

# %%
fig, ax = plt.subplots(figsize=(7, 3))
ax.plot(t[window + split :], y[split:], lw=1, label="series")
ax.plot(t[window + split :], pred, lw=1, label="one-step forecast")
ax.set(xlabel="t", title="GRU regressor, windows of 30 steps")
ax.legend()
fig.tight_layout()
fig.savefig("sine_forecast.png", dpi=100)
