"""pandas panels (a DataFrame indexed by instance and time) and long tables."""

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import KFold, cross_val_score

from sk_rnn import GRUClassifier, LSTMRegressor
from sk_rnn.preprocessing import long_to_panel

FAST = {"hidden_size": 8, "max_epochs": 3, "random_state": 0}


def make_panel(n=24, seed=0):
    """Instances of different lengths, rows shuffled, as a long table and as a panel."""
    rng = np.random.RandomState(seed)
    rows = []
    for i in range(n):
        for t in range(rng.randint(3, 9)):
            rows.append({"id": f"s{i:02d}", "t": t, "a": rng.normal(), "b": rng.normal()})
    long = pd.DataFrame(rows).sample(frac=1.0, random_state=0)
    return long, long_to_panel(long, "id", "t")


def test_long_to_panel_indexes_and_sorts():
    long, panel = make_panel()
    assert panel.index.names == ["id", "t"]
    assert list(panel.columns) == ["a", "b"]
    assert panel.index.is_monotonic_increasing
    assert len(panel) == len(long)
    with pytest.raises(ValueError, match="column 'time' is not in the frame"):
        long_to_panel(long, "id", "time")


def test_panel_is_read_as_one_sequence_per_instance_in_time_order():
    _, panel = make_panel()
    sequences = [group.droplevel(0).sort_index().to_numpy() for _, group in panel.groupby(level=0)]
    instances = panel.index.get_level_values(0).unique()
    y = pd.Series([s[:, 0].sum() for s in sequences], index=instances)
    reg = LSTMRegressor(**FAST).fit(panel, y)
    np.testing.assert_array_equal(reg.feature_names_in_, ["a", "b"])
    pred = reg.predict(panel)
    assert isinstance(pred, pd.Series)
    assert list(pred.index) == list(instances)
    np.testing.assert_allclose(pred.to_numpy(), reg.predict(sequences), rtol=1e-6)
    # Rows shuffled in time within each instance, and a y in another order,
    # give the same model: sequences are read in time order, y by instance.
    shuffled = panel.groupby(level=0, group_keys=False).sample(frac=1.0, random_state=1)
    assert not shuffled.index.equals(panel.index)
    again = LSTMRegressor(**FAST).fit(shuffled, y.iloc[::-1])
    np.testing.assert_allclose(again.predict(panel).to_numpy(), pred.to_numpy(), rtol=1e-6)
    assert reg.score(panel, y.iloc[::-1]) == pytest.approx(reg.score(panel, y))


def test_classifier_probabilities_on_a_panel_are_labelled():
    _, panel = make_panel()
    instances = panel.index.get_level_values(0).unique()
    y = pd.Series(np.where(np.arange(len(instances)) % 2, "odd", "even"), index=instances)
    clf = GRUClassifier(**FAST).fit(panel, y)
    proba = clf.predict_proba(panel)
    assert list(proba.columns) == ["even", "odd"]
    assert list(proba.index) == list(instances)


def test_predictions_on_a_panel_are_named_as_y_was(tmp_path):
    # They came back as a nameless Series, or columns 0..k-1, whatever y's names.
    import sk_rnn

    _, panel = make_panel()
    instances = panel.index.get_level_values(0).unique()
    rng = np.random.RandomState(0)
    y = pd.DataFrame({"sales": rng.normal(size=len(instances)), "returns": 1.0}, index=instances)
    reg = LSTMRegressor(**FAST).fit(panel, y)
    assert list(reg.predict(panel).columns) == ["sales", "returns"]
    quantiles = LSTMRegressor(loss="quantile", quantile=[0.1, 0.9], **FAST).fit(panel, y)
    assert list(quantiles.predict_quantiles(panel).columns)[:2] == [("sales", 0.1), ("sales", 0.5)]
    reg = LSTMRegressor(**FAST).fit(panel, y["sales"])
    assert reg.predict(panel).name == "sales"
    sk_rnn.save(reg, tmp_path / "model.skrnn")
    assert sk_rnn.load(tmp_path / "model.skrnn").predict(panel).name == "sales"
    labels = pd.Series(np.where(y["sales"] > 0, "up", "down"), index=instances, name="direction")
    assert GRUClassifier(**FAST).fit(panel, labels).predict(panel).name == "direction"
    # Arrays have no names to keep.
    assert LSTMRegressor(**FAST).fit(panel, y["sales"].to_numpy()).predict(panel).name is None


def test_per_step_predictions_on_a_panel_follow_its_index():
    _, panel = make_panel()
    y = panel["a"].cumsum()
    reg = LSTMRegressor(output="sequence", **FAST).fit(panel, y)
    pred = reg.predict(panel)
    assert isinstance(pred, pd.Series)
    assert pred.index.equals(panel.sort_index().index)


def test_panel_errors():
    _, panel = make_panel()
    with pytest.raises(ValueError, match=r"non-numeric columns \['c'\]"):
        LSTMRegressor(**FAST).fit(panel.assign(c="x"), np.zeros(24))
    # Labels of a category (a store's name) are what categorical_features embeds, once encoded.
    labels = pd.Categorical(np.resize(["north", "south"], len(panel)))
    with pytest.raises(ValueError, match=r"\['store'\].*OrdinalEncoder.*named in categorical_features"):
        LSTMRegressor(categorical_features=["store"], **FAST).fit(panel.assign(store=labels), np.zeros(24))
    with pytest.raises(ValueError, match=r"pair .* twice"):
        LSTMRegressor(**FAST).fit(pd.concat([panel, panel.iloc[:1]]), np.zeros(24))
    with pytest.raises(ValueError, match="index y by the panel's instances"):
        LSTMRegressor(**FAST).fit(panel, pd.Series(np.zeros(24), index=[f"x{i}" for i in range(24)]))
    elsewhere = pd.Series(np.ones(24), index=[f"x{i}" for i in range(24)])
    with pytest.raises(ValueError, match=r"but sample_weight is indexed by \['x0'.*index sample_weight by"):
        LSTMRegressor(**FAST).fit(panel, np.zeros(24), sample_weight=elsewhere)
    reg = LSTMRegressor(**FAST).fit(panel, np.zeros(24))
    with pytest.raises(ValueError, match="The feature names should match"):
        reg.predict(panel.rename(columns={"a": "z"}))
    missing = panel.copy()
    missing.loc[("s03", 1), "b"] = np.nan
    with pytest.raises(ValueError, match=r"NaN in the panel at instance 's03', time 1, column 'b'"):
        reg.predict(missing)


def test_score_weighs_each_instance_by_its_own_weight():
    _, panel = make_panel()
    instances = panel.index.get_level_values(0).unique()
    y = pd.Series(np.where(np.arange(len(instances)) % 2, "odd", "even"), index=instances)
    clf = GRUClassifier(**FAST).fit(panel, y)
    right = clf.predict(panel) == y.loc[instances]
    # All the weight on one correctly and one wrongly classified instance,
    # the weights indexed in another order than the panel's.
    assert right.any() and not right.all()
    weights = pd.Series(0.0, index=instances[::-1])
    weights[right.idxmax()] = 1.0
    weights[(~right).idxmax()] = 3.0
    assert clf.score(panel, y, sample_weight=weights) == pytest.approx(0.25)


def test_targets_indexed_ambiguously_are_refused_with_what_to_fix():
    _, panel = make_panel()
    instances = panel.index.get_level_values(0).unique()
    twice = pd.Series(np.arange(24.0), index=[instances[0], *instances[:-2], "extra"])
    with pytest.raises(ValueError, match="instance 's00' twice in its index"):
        LSTMRegressor(**FAST).fit(panel, twice)
    reg = LSTMRegressor(**FAST).fit(panel, np.arange(24.0))
    more = pd.Series(np.arange(25.0), index=[*instances, "extra"])
    with pytest.raises(ValueError, match=r"1 instance\(s\) the panel does not hold \('extra'\)"):
        reg.score(panel, more)
    per_step = panel["a"].cumsum()
    with pytest.raises(ValueError, match=r"pair \('s00', 0\) twice"):
        LSTMRegressor(output="sequence", **FAST).fit(panel, pd.concat([per_step, per_step.loc[[("s00", 0)]]]))
    with pytest.raises(ValueError, match=r"For a panel, pass y as a Series indexed by \(instance, time\)"):
        LSTMRegressor(output="sequence", **FAST).fit(panel, per_step.to_numpy())


def test_a_panel_of_numbers_stored_as_objects_reads_as_numbers():
    _, panel = make_panel()
    reg = LSTMRegressor(**FAST).fit(panel, np.arange(24.0))
    np.testing.assert_array_equal(reg.predict(panel.astype(object)), reg.predict(panel))


def test_an_index_of_three_levels_is_refused_with_the_way_to_join_them():
    _, panel = make_panel()
    three_levels = panel.set_index(pd.Index(np.arange(len(panel)) % 2, name="store"), append=True)
    three_levels = three_levels.reorder_levels(["store", "id", "t"])
    with pytest.raises(
        ValueError, match=r"a 3-level index \['store', 'id', 't'\], but a panel needs exactly two"
    ):
        LSTMRegressor(**FAST).fit(three_levels, np.zeros(24))
    # The join the message suggests gives a panel the estimator reads.
    joined = three_levels.copy()
    joined.index = pd.MultiIndex.from_arrays(
        [joined.index.droplevel(-1).to_flat_index(), joined.index.get_level_values(-1)]
    )
    n_sequences = joined.index.get_level_values(0).nunique()
    assert LSTMRegressor(**FAST).fit(joined, np.zeros(n_sequences)).predict(joined).shape == (n_sequences,)


def test_a_panel_grouped_by_instance_cross_validates_as_the_panel_fits():
    # scikit-learn splits a panel's rows, its steps; grouped one row per
    # instance (a list per feature, any length), the same sequences split by
    # instance, and a model fitted on them is the panel's model.
    _, panel = make_panel(n=30)
    by_instance = panel.sort_index().groupby(level=0).agg(list)
    y = pd.Series([sum(a) > 0 for a in by_instance["a"]], index=by_instance.index).map(
        {True: "up", False: "down"}
    )
    assert len({len(a) for a in by_instance["a"]}) > 1
    from_rows = GRUClassifier(**FAST).fit(by_instance, y)
    from_panel = GRUClassifier(**FAST).fit(panel, y)
    np.testing.assert_allclose(
        from_rows.predict_proba(by_instance), np.asarray(from_panel.predict_proba(panel))
    )
    scores = cross_val_score(GRUClassifier(**FAST), by_instance, y, cv=KFold(3))
    assert scores.shape == (3,)


def test_long_to_panel_validates_its_parameters():
    from sklearn.utils._param_validation import InvalidParameterError

    with pytest.raises(
        InvalidParameterError, match="'frame' parameter of long_to_panel must be an instance of"
    ):
        long_to_panel([[1, 2, 3]], "id", "time")


class _OneArrowColumn:
    """Stands for a pyarrow ChunkedArray: it has to_pandas, which gives a Series."""

    def to_pandas(self):
        return pd.Series([1.0, 2.0], name="temp")


def test_long_to_panel_refuses_one_column_that_converts_to_pandas():
    # It passed the parameter check (it has to_pandas) and then failed with a
    # raw AttributeError on the Series' missing columns.
    with pytest.raises(TypeError, match=r"_OneArrowColumn, which is one column\. Pass the whole table"):
        long_to_panel(_OneArrowColumn(), "id", "time")


def test_long_to_panel_refuses_columns_that_cannot_make_a_panel():
    long, _ = make_panel()
    # The same column twice indexed the panel by instance twice and kept the
    # times as a feature; the index columns among the values raised pandas'
    # KeyError; no value column gave a panel without features.
    with pytest.raises(ValueError, match=r"'id' as both id_column and time_column.*Pass the time column"):
        long_to_panel(long, "id", "id")
    with pytest.raises(ValueError, match=r"value_columns \['a', 't'\], which include \['t'\]"):
        long_to_panel(long, "id", "t", ["a", "t"])
    with pytest.raises(ValueError, match="no value columns: a panel needs at least one feature"):
        long_to_panel(long, "id", "t", [])
    with pytest.raises(ValueError, match="no value columns"):
        long_to_panel(long[["id", "t"]], "id", "t")


def test_sequences_held_in_pandas_containers_read_as_lists():
    # sktime's "nested_univ" frame (one column per channel, each cell a series)
    # and a pandas column of arrays, as users of other libraries hold them.
    rng = np.random.RandomState(0)
    sequences = [rng.normal(size=(length, 2)) for length in (5, 8, 6, 7)]
    nested = pd.DataFrame({f"dim_{k}": [pd.Series(s[:, k]) for s in sequences] for k in range(2)})
    y = [0, 1, 0, 1]
    model = GRUClassifier(**FAST).fit(sequences, y)
    np.testing.assert_allclose(model.predict_proba(nested), model.predict_proba(sequences), rtol=1e-6)
    univariate = GRUClassifier(**FAST).fit([s[:, 0] for s in sequences], y)
    column = pd.Series([s[:, 0] for s in sequences])
    np.testing.assert_allclose(
        univariate.predict_proba(column), univariate.predict_proba([s[:, 0] for s in sequences]), rtol=1e-6
    )
    # The columns are the channels, named as a table's are.
    np.testing.assert_array_equal(model.fit(nested, y).feature_names_in_, ["dim_0", "dim_1"])
    with pytest.raises(ValueError, match=r"feature names"):
        model.predict(nested[["dim_1", "dim_0"]])
    with pytest.raises(ValueError, match=r"columns \['static'\] hold single values"):
        model.predict(nested.assign(static=1.0))
    nested.iloc[1, 1] = pd.Series(np.zeros(3))
    with pytest.raises(ValueError, match=r"cells of row 1 are not sequences of one length"):
        model.predict(nested)
