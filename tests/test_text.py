"""Token sequences: SequenceVectorizer and the estimators' embedding_dim path."""

import warnings

import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import make_pipeline

from sk_rnn import GRUClassifier, LSTMClassifier, RNNRegressor
from sk_rnn.preprocessing import SequenceVectorizer

FAST = {"hidden_size": 8, "max_epochs": 3, "random_state": 0}


def test_vectorizer_ids_follow_frequency_and_reserve_padding_and_unknown():
    vectorizer = SequenceVectorizer().fit(["b a b", "c b", "a"])
    assert vectorizer.vocabulary_ == {"b": 2, "a": 3, "c": 4}
    np.testing.assert_array_equal(vectorizer.transform(["a z b", "c"]), [[3, 1, 2], [4, 0, 0]])
    assert vectorizer.max_len_ == 3


def test_vectorizer_character_level_keeps_order_and_spaces():
    vectorizer = SequenceVectorizer(analyzer="char").fit(["ab ba"])
    tokens = vectorizer.inverse_transform(vectorizer.transform(["ba ab"]))
    assert tokens == [["b", "a", " ", "a", "b"]]


def test_vectorizer_character_level_gives_one_step_per_character():
    # scikit-learn's char analyzer made one space of each run of whitespace: "a  b" gave 3 steps,
    # out of step with a target of one value per character (as the name generator builds).
    vectorizer = SequenceVectorizer(analyzer="char").fit(["A  b\tc"])
    ids = vectorizer.transform(["A  b\tc"])
    assert ids.shape == (1, 6)
    assert vectorizer.inverse_transform(ids) == [["a", " ", " ", "b", "\t", "c"]]
    accents = SequenceVectorizer(analyzer="char", strip_accents="unicode").fit(["Été"])
    assert list(accents.vocabulary_) == ["e", "t"]


def test_vectorizer_limits_the_vocabulary():
    texts = ["x x x y y z", "x y w"]
    assert set(SequenceVectorizer(max_tokens=2).fit(texts).vocabulary_) == {"x", "y"}
    assert set(SequenceVectorizer(min_df=2).fit(texts).vocabulary_) == {"x", "y"}


@pytest.mark.parametrize(("keep", "expected"), [("first", ["a", "b"]), ("last", ["c", "d"])])
def test_vectorizer_cuts_long_texts(keep, expected):
    vectorizer = SequenceVectorizer(max_len=2, keep=keep).fit(["a b c d"])
    assert vectorizer.inverse_transform(vectorizer.transform(["a b c d"])) == [expected]


def test_vectorizer_warns_when_one_long_text_would_pad_all_the_others():
    # 5,000 one-word texts and one of 7,000 words: 280 MB of ids, nearly all
    # padding, built silently by transform (and read step by step by a network).
    texts = ["word"] * 5000 + [" ".join(["word"] * 7000)]
    with pytest.warns(
        UserWarning, match=r"longest, 7000 tokens.*hold 2 on average.*0.3 GiB.*max_len=1 keeps 99%"
    ):
        vectorizer = SequenceVectorizer().fit(texts)
    assert vectorizer.max_len_ == 7000
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        SequenceVectorizer(max_len=100).fit(texts)  # chosen by the user
        SequenceVectorizer().fit(texts[:100] + texts[-1:])  # 5.6 MB: no cause for alarm


def test_vectorizer_errors():
    with pytest.raises(ValueError, match=r"got a single string\. Wrap it in a list"):
        SequenceVectorizer().fit("one text")
    with pytest.raises(ValueError, match=r"item 1 of X is a float \(nan\)\. Convert missing values"):
        SequenceVectorizer().fit(["fine", float("nan")])
    with pytest.raises(ValueError, match=r"item 0 of X is a bytes \(b'a'\)\. Decode bytes to str"):
        SequenceVectorizer().fit([b"a", "fine"])
    with pytest.raises(ValueError, match=r"item 0 of X is a list \(\['a', 'b'\]\)\. Each item of X must be"):
        SequenceVectorizer().fit([["a", "b"], ["c"]])
    with pytest.raises(ValueError, match="found no token to keep"):
        SequenceVectorizer().fit(["...", "!!"])


def test_vectorizer_refuses_several_text_columns():
    # Raveled, two columns gave twice as many rows as X: predictions out of step with the samples.
    import pandas as pd

    frame = pd.DataFrame({"title": ["a b", "c"], "body": ["d", "e f"]})
    with pytest.raises(ValueError, match=r"one text per sample.*shape \(2, 2\) \(\['title', 'body'\]\)"):
        SequenceVectorizer().fit(frame)
    vectorizer = SequenceVectorizer().fit(frame[["title"]])  # one column: one text per row
    np.testing.assert_array_equal(vectorizer.transform(frame[["title"]]), [[2, 3], [4, 0]])
    with pytest.raises(ValueError, match=r"shape \(2, 2\)\. Select the text column"):
        vectorizer.transform(frame.to_numpy())


def test_vectorizer_names_its_steps_and_follows_set_output():
    import pandas as pd

    texts, y = pd.Series(["a b c", "b", "", "c a"], index=[5, 6, 7, 8]), [0, 1, 0, 1]
    vectorizer = SequenceVectorizer().fit(texts)
    names = ["sequencevectorizer0", "sequencevectorizer1", "sequencevectorizer2"]
    assert list(vectorizer.get_feature_names_out()) == names
    frame = vectorizer.set_output(transform="pandas").transform(texts)
    assert list(frame.columns) == names and list(frame.index) == [5, 6, 7, 8]
    np.testing.assert_array_equal(frame, SequenceVectorizer().fit_transform(texts))
    # A text pipeline could not be set to pandas output: the vectorizer had no set_output.
    pipe = make_pipeline(SequenceVectorizer(), LSTMClassifier(embedding_dim=4, **FAST))
    expected = pipe.fit(texts, y).predict_proba(texts)
    pipe.set_output(transform="pandas")
    np.testing.assert_allclose(pipe.fit(texts, y).predict_proba(texts), expected, rtol=1e-6)
    assert list(pipe[:-1].get_feature_names_out()) == names


@pytest.mark.slow
def test_text_pipeline_learns_and_grid_searches():
    rng = np.random.RandomState(0)
    words = ["good", "bad", "film", "plot", "the", "great", "awful", "acting"]
    texts, labels = [], []
    for _ in range(200):
        text = " ".join(rng.choice(words, size=rng.randint(2, 8)))
        texts.append(text)
        labels.append(
            "pos"
            if text.count("good") + text.count("great") > text.count("bad") + text.count("awful")
            else "neg"
        )
    search = GridSearchCV(
        make_pipeline(SequenceVectorizer(), LSTMClassifier(embedding_dim=8, max_epochs=25, random_state=0)),
        {"lstmclassifier__hidden_size": [16, 32], "sequencevectorizer__analyzer": ["word"]},
        cv=KFold(2),
    ).fit(texts, labels)
    assert search.best_score_ >= 0.8


def test_character_pipeline_with_grid_search_over_embedding_size():
    names = ["anna", "maria", "julia", "sofia", "elena", "carla", "laura", "paula"] * 5
    names += ["peter", "john", "mark", "oscar", "victor", "hector", "igor", "tom"] * 5
    y = ["f"] * 40 + ["m"] * 40
    search = GridSearchCV(
        make_pipeline(SequenceVectorizer(analyzer="char"), GRUClassifier(max_epochs=20, random_state=0)),
        {"gruclassifier__embedding_dim": [4, 8]},
        cv=KFold(2, shuffle=True, random_state=0),
    ).fit(names, y)
    assert search.score(names, y) >= 0.9


def test_ragged_token_lists_and_unseen_ids():
    X = [np.array([2, 3, 4]), np.array([5]), np.array([2, 2, 6, 3])]
    clf = LSTMClassifier(embedding_dim=4, **FAST).fit(X, ["a", "b", "a"])
    assert clf.vocab_size_ == 7
    # Ids never seen in fit carry no information: any two of them predict alike.
    np.testing.assert_array_equal(
        clf.predict_proba([np.array([2, 100])]), clf.predict_proba([np.array([2, 5000])])
    )


def test_a_column_of_token_lists_reads_as_a_list():
    import pandas as pd

    X = [np.array([2, 3, 4]), np.array([5]), np.array([2, 2, 6, 3])]
    clf = LSTMClassifier(embedding_dim=4, **FAST).fit(X, ["a", "b", "a"])
    expected = clf.predict_proba(X)
    column = pd.Series([list(ids) for ids in X], index=[10, 11, 12], name="input_ids")
    np.testing.assert_allclose(clf.predict_proba(column), expected, rtol=1e-6)
    np.testing.assert_allclose(clf.predict_proba(np.array(X, dtype=object)), expected, rtol=1e-6)
    again = LSTMClassifier(embedding_dim=4, **FAST).fit(column, ["a", "b", "a"])
    np.testing.assert_allclose(again.predict_proba(X), expected, rtol=1e-6)
    # A table of that one column (a dataset's frame, say) reads as the column.
    table = column.to_frame()
    np.testing.assert_allclose(clf.predict_proba(table), expected, rtol=1e-6)
    from_table = LSTMClassifier(embedding_dim=4, **FAST).fit(table, ["a", "b", "a"])
    np.testing.assert_allclose(from_table.predict_proba(X), expected, rtol=1e-6)


def test_padded_and_ragged_token_ids_predict_alike():
    X = [np.array([2, 3, 4]), np.array([5]), np.array([2, 2, 6, 3])]
    padded = np.array([[2, 3, 4, 0], [5, 0, 0, 0], [2, 2, 6, 3]])
    leading = np.array([[0, 2, 3, 4], [0, 0, 0, 5], [2, 2, 6, 3]])
    reg = RNNRegressor(cell="gru", embedding_dim=4, bidirectional=True, **FAST).fit(X, [1.0, 2.0, 3.0])
    expected = reg.predict(X)
    np.testing.assert_allclose(reg.predict(padded), expected, rtol=1e-5)
    np.testing.assert_allclose(reg.predict(leading), expected, rtol=1e-5)


def test_an_empty_text_still_gets_a_prediction():
    vectorizer = SequenceVectorizer().fit(["a b", "c"])
    ids = vectorizer.transform(["a b", ""])
    clf = LSTMClassifier(embedding_dim=4, **FAST).fit(ids, [0, 1])
    assert clf.predict(ids).shape == (2,)
    # On its own too: one padding step, as next to a non-empty sequence.
    empty = np.array([], dtype=np.int64)
    np.testing.assert_allclose(
        clf.predict_proba([empty]), clf.predict_proba([empty, np.array([2])])[:1], rtol=1e-6
    )


def test_an_empty_text_has_no_step_to_tag():
    ids = [np.array([3, 4, 5]), np.array([2, 7]), np.array([], dtype=np.int64)]
    tags = [np.array(["N", "V", "N"]), np.array(["V", "N"]), np.array([], dtype="<U1")]
    tagger = LSTMClassifier(output="sequence", embedding_dim=4, **FAST)
    with pytest.raises(ValueError, match=r"an empty text \(no token\) at position 2 of X.*Drop the"):
        tagger.fit(ids, tags)
    with pytest.raises(ValueError, match=r"empty text"):
        RNNRegressor(output="sequence", embedding_dim=4, **FAST).fit(ids, [np.ones(len(x)) for x in ids])
    tagger.fit(ids[:2], tags[:2])
    # One tag per token: none for an empty text, beside others or alone.
    labels = tagger.predict([ids[2], ids[0]])
    assert [item.shape for item in labels] == [(0,), (3,)]
    np.testing.assert_array_equal(labels[1], tagger.predict([ids[0]])[0])
    assert [item.shape for item in tagger.predict_proba(np.zeros((2, 5), dtype=np.int64))] == [(0, 2), (0, 2)]


def test_ids_never_seen_in_fit_read_as_unknown_inside_the_table_too():
    # A table of 100 ids (an external tokenizer's, say) of which training meets 2 to 9.
    rng = np.random.default_rng(0)
    ids = rng.integers(2, 10, size=(60, 6))
    clf = GRUClassifier(embedding_dim=4, vocab_size=100, **FAST).fit(ids, (ids[:, 0] > 5).astype(int))
    unseen_inside, beyond = ids.copy(), ids.copy()
    unseen_inside[:, 2], beyond[:, 2] = 42, 1000
    np.testing.assert_allclose(clf.predict_proba(unseen_inside), clf.predict_proba(beyond), rtol=1e-6)
    assert not np.allclose(clf.predict_proba(unseen_inside), clf.predict_proba(ids))
    # partial_fit counts what every call saw: a later chunk's ids are learned, not forgotten.
    stream = GRUClassifier(embedding_dim=4, vocab_size=100, **FAST)
    stream.partial_fit(ids, (ids[:, 0] > 5).astype(int), classes=[0, 1])
    stream.partial_fit(ids + 50, (ids[:, 0] > 5).astype(int))
    table = stream.net_.module_.embedding.weight.detach().numpy()
    seen = np.unique(np.concatenate([ids, ids + 50]))
    assert np.abs(table[seen]).sum(axis=1).min() > 0 and not table[np.setdiff1d(np.arange(100), seen)].any()


def test_token_ids_in_a_nullable_integer_frame():
    import pandas as pd

    ids = np.array([[2, 3, 4], [5, 6, 0], [2, 2, 6]])
    reg = RNNRegressor(embedding_dim=4, **FAST).fit(ids, [1.0, 2.0, 3.0])
    frame = pd.DataFrame(ids).astype("Int64")
    np.testing.assert_array_equal(reg.predict(frame), reg.predict(ids))
    frame.iloc[1, 2] = pd.NA
    with pytest.raises(ValueError, match=r"missing token ids \(NA\).*Fill the missing steps with 0"):
        reg.predict(frame)


@pytest.mark.parametrize(
    ("X", "message"),
    [
        (np.array([[1.0, 2.0]]), "token ids of dtype float64.*X.astype\\(int\\)"),
        (np.array([[1, -2]]), "negative token id \\(-2\\)"),
        (np.array([[1, 0, 2]]), "padding id 0 in X at sample 0, step 1, between tokens"),
        (["some text"], "got text in X; it expects integer token ids.*SequenceVectorizer"),
    ],
)
def test_token_id_errors(X, message):
    with pytest.raises(ValueError, match=message):
        LSTMClassifier(embedding_dim=4, **FAST).fit(X, [0] * len(X))


def test_text_without_embedding_dim_says_what_to_do():
    with pytest.raises(ValueError, match=r"got text in X, but it reads numbers.*embedding_dim=32"):
        LSTMClassifier(**FAST).fit(np.array([["a", "b"], ["c", "d"]]), [0, 1])


def test_continued_training_refuses_ids_beyond_the_first_table():
    # Read as unknown, the new ids' tokens would silently never be learned.
    rng = np.random.RandomState(0)
    first, later = rng.randint(1, 10, size=(8, 5)), rng.randint(10, 30, size=(8, 5))
    first[0, 0], later[0, 0] = 9, 29
    y = [0, 1] * 4
    clf = GRUClassifier(embedding_dim=4, **FAST).partial_fit(first, y, classes=[0, 1])
    with pytest.raises(ValueError, match=r"partial_fit got the token id 29.*ids 0 to 9.*vocab_size"):
        clf.partial_fit(later, y)
    warm = GRUClassifier(embedding_dim=4, warm_start=True, **FAST).fit(first, y)
    with pytest.raises(ValueError, match=r"warm_start=True got the token id 29.*warm_start=False"):
        warm.fit(later, y)
    # Predict still reads them as unknown, as documented.
    assert warm.predict(later).shape == (8,)


def test_vocab_size_leaves_room_for_later_ids():
    rng = np.random.RandomState(0)
    first, later = rng.randint(1, 10, size=(8, 5)), rng.randint(10, 30, size=(8, 5))
    first[0, 0], later[0, 0] = 9, 29
    y = [0, 1] * 4
    clf = GRUClassifier(embedding_dim=4, vocab_size=30, **FAST).partial_fit(first, y, classes=[0, 1])
    assert clf.vocab_size_ == 30
    before = clf.net_.module_.embedding.weight.detach().clone()
    clf.partial_fit(later, y)
    assert (clf.net_.module_.embedding.weight.detach()[10:30] != before[10:30]).any()
    with pytest.raises(ValueError, match=r"token id 29 in X, but vocab_size=20.*at least 30"):
        GRUClassifier(embedding_dim=4, vocab_size=20, **FAST).fit(later, y)
    with pytest.raises(ValueError, match=r"vocab_size=20 with embedding_dim=None"):
        GRUClassifier(vocab_size=20, **FAST).fit(rng.normal(size=(8, 5)), y)
    warm = GRUClassifier(embedding_dim=4, warm_start=True, **FAST).fit(first, y)
    with pytest.raises(ValueError, match=r"whose vocab_size is 10, but it is now 30"):
        warm.set_params(vocab_size=30).fit(first, y)


def test_hashed_ids_are_refused_before_the_table_is_built():
    ids = np.array([[2, 3, 10_000_000], [5, 6, 0]])
    expected = r"10,000,001 rows.*: 160 MB of float32 weights.*only 5 distinct ids.*Re-index"
    with pytest.raises(ValueError, match=expected):
        GRUClassifier(embedding_dim=4, **FAST).fit(ids, [0, 1])
    # A large vocabulary of text is no mistake.
    text_sized = np.array([[2, 3, 500_000], [5, 6, 0]])
    assert (
        GRUClassifier(embedding_dim=2, max_epochs=1, hidden_size=4).fit(text_sized, [0, 1]).vocab_size_
        == 500_001
    )
