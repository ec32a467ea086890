"""Sequences of different lengths: ragged lists and NaN-padded arrays, never reading the padding."""

import warnings

import numpy as np
import pytest

from sk_rnn import GRUClassifier, LSTMRegressor, RNNClassifier, RNNRegressor

FAST = {"hidden_size": 8, "max_epochs": 3, "random_state": 0}


def ragged_sequences(n=40, features=2, seed=0, min_len=2, max_len=9):
    rng = np.random.RandomState(seed)
    return [rng.normal(size=(rng.randint(min_len, max_len + 1), features)) for _ in range(n)]


def pad(sequences, *, side="end"):
    """NaN-pad a list of (T_i, F) arrays into (n, max T, F), at the end or the start."""
    width = max(len(s) for s in sequences)
    out = np.full((len(sequences), width, sequences[0].shape[1]), np.nan)
    for row, seq in zip(out, sequences, strict=True):
        if side == "end":
            row[: len(seq)] = seq
        else:
            row[width - len(seq) :] = seq
    return out


@pytest.mark.parametrize("cell", ["rnn", "rnn_relu", "lstm", "gru", "indrnn"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_ragged_and_padded_batches_predict_like_each_sequence_alone(cell, bidirectional):
    sequences = ragged_sequences()
    y = np.array([s[:, 0].sum() for s in sequences])
    reg = RNNRegressor(cell=cell, bidirectional=bidirectional, num_layers=2, **FAST).fit(sequences, y)
    one_by_one = np.array([reg.predict(s[np.newaxis])[0] for s in sequences])
    np.testing.assert_allclose(reg.predict(sequences), one_by_one, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(reg.predict(pad(sequences, side="end")), one_by_one, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(reg.predict(pad(sequences, side="start")), one_by_one, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("cell", ["rnn", "rnn_relu", "lstm", "gru", "indrnn"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_patched_ragged_and_padded_batches_predict_like_each_sequence_alone(cell, bidirectional):
    # Up to 150 steps: the "auto" patch size groups 3 steps for the gated
    # cells (64 cell steps) and 5 for the ungated ones (32), and most lengths
    # are not multiples of either, so first patches are partial.
    sequences = ragged_sequences(n=24, min_len=3, max_len=150)
    y = np.array([s[:, 0].sum() for s in sequences])
    reg = RNNRegressor(cell=cell, bidirectional=bidirectional, **FAST).fit(sequences, y)
    assert reg.patch_size_ == (3 if cell in ("lstm", "gru") else 5)
    one_by_one = np.array([reg.predict(s[np.newaxis])[0] for s in sequences])
    np.testing.assert_allclose(reg.predict(sequences), one_by_one, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(reg.predict(pad(sequences, side="end")), one_by_one, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(reg.predict(pad(sequences, side="start")), one_by_one, rtol=1e-5, atol=1e-5)


def test_training_on_ragged_or_padded_data_gives_the_same_model():
    sequences = ragged_sequences(n=60)
    y = np.array([s[:, 0].sum() > 0 for s in sequences])
    from_list = GRUClassifier(**FAST).fit(sequences, y)
    from_padded = GRUClassifier(**FAST).fit(pad(sequences), y)
    np.testing.assert_allclose(
        from_list.predict_proba(sequences), from_padded.predict_proba(sequences), rtol=1e-5, atol=1e-6
    )


def test_univariate_ragged_lists_of_1d_arrays():
    rng = np.random.RandomState(1)
    sequences = [rng.normal(size=rng.randint(3, 12)) for _ in range(50)]
    y = [s.sum() for s in sequences]
    reg = LSTMRegressor(**FAST).fit(sequences, y)
    assert reg.n_features_in_ == 1
    assert reg.predict(sequences).shape == (50,)
    np.testing.assert_allclose(
        reg.predict(sequences[:2]), [reg.predict(s.reshape(1, -1, 1))[0] for s in sequences[:2]], rtol=1e-5
    )


def test_a_list_of_sequences_of_equal_length_is_read_as_a_list():
    # Univariate sequences whose lengths happen to agree are still sequences,
    # not the columns of a table: predict takes other lengths, and per-step
    # predictions come back as a list, as for any list.
    rng = np.random.RandomState(0)
    sequences = [rng.normal(size=5) for _ in range(20)]
    y = [np.cumsum(s) > 0 for s in sequences]
    clf = GRUClassifier(output="sequence", **FAST).fit(sequences, y)
    assert clf.n_features_in_ == 1
    longer = [rng.normal(size=7) for _ in range(3)]
    predicted = clf.predict(longer)
    assert isinstance(predicted, list) and [p.shape for p in predicted] == [(7,)] * 3
    np.testing.assert_array_equal(predicted[1], clf.predict([longer[1][:, np.newaxis]])[0])
    assert isinstance(clf.predict([s[:, np.newaxis] for s in sequences]), list)


@pytest.mark.slow
def test_learns_from_sequences_of_different_lengths():
    # Label: did the last value of the sequence exceed the first? Length varies from 3 to 30.
    rng = np.random.RandomState(0)
    sequences = [np.cumsum(rng.normal(size=(rng.randint(3, 31), 1)), axis=0) for _ in range(600)]
    y = np.array([s[-1, 0] > s[0, 0] for s in sequences])
    clf = GRUClassifier(max_epochs=40, random_state=0).fit(sequences[:400], y[:400])
    assert clf.score(sequences[400:], y[400:]) >= 0.9


@pytest.mark.parametrize("cell", ["lstm", "indrnn"])
def test_padding_to_a_larger_width_gives_the_same_model(cell):
    # SequencePadder(max_len=200) and a list of the same sequences (at most 40
    # steps): the patches and IndRNN's bound follow the longest sequence, not
    # the width of the padded array.
    sequences = ragged_sequences(n=20, min_len=10, max_len=40)
    y = np.array([s[:, 0].sum() > 0 for s in sequences])
    widened = np.full((len(sequences), 200, 2), np.nan)
    widened[:, :40] = pad(sequences)
    from_list = RNNClassifier(cell=cell, **FAST).fit(sequences, y)
    from_padded = RNNClassifier(cell=cell, **FAST).fit(widened, y)
    assert from_padded.patch_size_ == from_list.patch_size_
    np.testing.assert_allclose(
        from_list.predict_proba(sequences), from_padded.predict_proba(sequences), rtol=1e-5, atol=1e-6
    )


def test_a_list_that_one_long_sequence_pads_into_mostly_padding_warns(monkeypatch):
    # Held padded to the longest, one sequence of 4,000 steps among 20,000 of
    # 3 made 0.6 GiB of padding, and larger lists a raw MemoryError. The limit
    # (256 MiB) is lowered here so that the test stays small.
    monkeypatch.setattr("sk_rnn._data.sequences.LARGE_PADDED_BYTES", 10_000)
    rng = np.random.RandomState(0)
    sequences = [rng.normal(size=(3, 1)) for _ in range(60)] + [rng.normal(size=(400, 1))]
    target = rng.normal(size=len(sequences))
    model = RNNRegressor(hidden_size=4, max_epochs=1, random_state=0)
    message = r"padded to the longest, sequence 60 of 400 steps.*have 10 on average.*at most 3 steps"
    with pytest.warns(UserWarning, match=message):
        model.fit(sequences, target)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        # As large, but the longest is 4 times the mean length, not mostly padding.
        model.fit([rng.normal(size=(100, 1)) for _ in range(60)] + sequences[-1:], target)
    # Lists of token ids are padded the same way.
    ids = [np.array([2, 3, 4])] * 60 + [np.arange(2, 402)]
    with pytest.warns(UserWarning, match=r"sequence 60 of 400 steps.*at most 3 steps"):
        GRUClassifier(embedding_dim=4, hidden_size=4, max_epochs=1).fit(ids, np.arange(61) % 2)
