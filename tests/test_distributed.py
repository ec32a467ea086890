"""A hyperparameter search distributed on a Dask cluster equals the local one."""

import numpy as np
import pytest
from joblib import parallel_config
from sklearn.model_selection import GridSearchCV

from sk_rnn import GRURegressor

distributed = pytest.importorskip("distributed")


def test_grid_search_on_a_dask_cluster_equals_the_local_search():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 8, 1))
    y = X[:, -3:, 0].sum(axis=1)

    def search():
        grid = {"hidden_size": [4, 8], "learning_rate": [0.003, 0.01]}
        return GridSearchCV(GRURegressor(max_epochs=2, random_state=0), grid, cv=2, n_jobs=2)

    local = search().fit(X, y)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster),
        parallel_config(backend="dask"),
    ):
        remote = search().fit(X, y)
    # Each fit is seeded by random_state alone, wherever it runs.
    np.testing.assert_array_equal(remote.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"])
    assert remote.best_params_ == local.best_params_
    np.testing.assert_array_equal(remote.predict(X), local.predict(X))
