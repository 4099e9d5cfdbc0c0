"""Feature encoding and the custom transformers (issue 4)."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.estimator_checks import parametrize_with_checks

from framing.features.encoder import CueEncoder, cue_columns, encode
from framing.features.ngrams import NgramVectorizer, ngram_tokens
from framing.features.scaler import CueScaler
from framing.features.union import build_features
from framing.features.view import count_words
from framing.lexicon.terms import load_lexicons


# The transformers of the pipeline. The encoder takes text and declares string
# input, for which scikit-learn runs only the checks that need no numeric array;
# test_cue_encoder_contract holds the rest of its contract. The n-gram vectoriser
# (token lists in) is left out here only because its analyzer's repr differs
# between test workers; test_ngram_vectoriser_clones checks what would run.
@parametrize_with_checks([CueScaler(), CueScaler(log=False), CueEncoder()])
def test_sklearn_compatible_transformer(estimator, check):
    check(estimator)


def test_ngram_vectoriser_clones():
    vec = NgramVectorizer(analyzer=ngram_tokens, min_df=2)
    twin = clone(vec)
    assert twin is not vec and twin.get_params() == vec.get_params()


SEED_LINES = [
    '"I want to say that the special military operation is proceeding strictly in line with the timetable," Putin said.',
    "The tyrant ranted again.",
]


def test_cue_encoder_contract(tmp_path):
    with pytest.raises(NotFittedError):
        CueEncoder().transform(SEED_LINES)
    enc = CueEncoder()
    assert enc.fit(SEED_LINES) is enc
    Z = enc.transform(SEED_LINES)
    names = enc.get_feature_names_out()
    assert Z.shape == (2, len(names)) and Z.dtype == np.float32
    # The same numbers as the encoding function with the files' lexicon.
    assert np.array_equal(Z, encode([[s] for s in SEED_LINES], load_lexicons()).cues.to_numpy())
    # The lexicon is fitted state: it survives a pickle (the automaton is rebuilt)
    # and a user folder read at fit time stays in the model after the folder is gone.
    folder = tmp_path / "lex"
    folder.mkdir()
    (folder / "mine.csv").write_text("term,category,party,note\nranted,loaded,,test\n", encoding="utf-8")
    mine = clone(enc).set_params(lexicon_dirs=(str(folder),)).fit(SEED_LINES)
    (folder / "mine.csv").unlink()
    again = pickle.loads(pickle.dumps(mine))
    assert "_lexicon" not in again.__dict__
    assert np.array_equal(again.transform(SEED_LINES), mine.transform(SEED_LINES))
    assert "ranted" in {e["term"] for e in again.lexicon_entries_}
    with pytest.raises(ValueError, match="doc_id"):
        enc.transform(pd.DataFrame({"text": SEED_LINES}))


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicons()


def test_cue_scaler_feature_names():
    scaler = CueScaler().fit(np.array([[0.0, 2.0], [1.0, 0.0]]))
    assert scaler.get_feature_names_out(["a", "b"]).tolist() == ["a", "b"]


def test_continuing_quote_and_lexicon_split(lexicon):
    # Seed 000, sentences 42-44: a three-sentence Putin quotation.
    doc = [
        '"I want to say that the special military operation is proceeding strictly in line with the timetable," Putin said.',
        '"According to plan.',
        'All the tasks that have been set are being successfully resolved."',
    ]
    enc = encode([doc], lexicon)
    cues = enc.cues
    assert cues.loc[0, "lex_in__propaganda_euphemism"] == 1
    assert cues.loc[0, "lex_out__propaganda_euphemism"] == 0
    assert cues.loc[0, "attr__speech_verb"] >= 1
    assert cues.loc[2, "ctx__starts_in_quote"] == 1
    assert cues.loc[2, "attr__speech_verb"] == 0
    assert ("special military operation", "propaganda_euphemism", True) in enc.hits[0]


def test_writer_voice_loaded_term_and_rebuttal(lexicon):
    doc = [
        "Playing down the scale of the invasion as a so-called special operation, the tyrant insisted it was on time.",
    ]
    cues = encode([doc], lexicon).cues
    assert cues.loc[0, "lex_out__loaded"] >= 1
    assert cues.loc[0, "lex__propaganda_contested"] == 1
    assert cues.loc[0, "lex__propaganda_uncontested"] == 0


def test_lead_in_and_list_context(lexicon):
    doc = [
        "Below are the key statements from the president's address:",
        "- The operation is going to plan.",
        "- The West left us no choice.",
        "Meanwhile, prices rose.",
    ]
    cues = encode([doc], lexicon).cues
    assert cues["ctx__under_lead_in"].tolist() == [0, 1, 1, 0]
    assert cues.loc[1, "ctx__prev_lead_in"] == 1


def test_documents_do_not_leak_context(lexicon):
    enc = encode([['He said: "Go home.'], ["Tell your officers."]], lexicon)
    assert enc.cues.loc[1, "ctx__starts_in_quote"] == 0
    assert enc.cues.loc[1, "ctx__prev_attributed"] == 0


def test_tokens_shared_with_ngrams(lexicon):
    enc = encode([["Neo-Nazis! Really?"]], lexicon)
    assert enc.tokens[0] == ["neo-nazis", "!", "really", "?"]
    assert "neo-nazis !" in ngram_tokens(enc.tokens[0])


def test_build_features_names_by_group(lexicon):
    cols = cue_columns(lexicon)
    enc = encode([["Russia says 498 soldiers died.", "Most read in News"]], lexicon)
    ct = build_features(cols, groups=("ngrams", "style"), ngram_min_df=1).fit(enc.frame())
    names = ct.get_feature_names_out()
    assert {n.split("__")[0] for n in names} == {"ngrams", "style"}
    # The union's output_indices_ (what the model slices heads by) agree with the names.
    spans = ct.output_indices_
    assert all(n.startswith("style__") for n in names[spans["style"]])
    assert len(names[spans["style"]]) == len(cols["style"])
    assert spans["ngrams"].stop == spans["style"].start


def _reference_title_share(text: str) -> float:
    words = text.split()
    return sum(w[:1].isupper() for w in words) / max(1, len(words))


def test_batch_encoding_equals_document_by_document(lexicon, seed_texts):
    # The encoder works on a whole batch with document boundaries as masks;
    # every row must be what the document alone gives.
    from framing.text.sentences import split

    docs = [split(t) for t in seed_texts.values()]
    together = encode(docs, lexicon)
    alone = [encode([d], lexicon) for d in docs]
    assert together.cues.equals(pd.concat([e.cues for e in alone], ignore_index=True))
    assert together.hits == [h for e in alone for h in e.hits]
    assert together.terms == [t for e in alone for t in e.terms]
    sentences = [s for d in docs for s in d]
    expected = np.array([_reference_title_share(s) for s in sentences], dtype=np.float32)
    assert np.allclose(together.cues["bp__title_case"].to_numpy(), expected)


def test_context_runs_and_distances(lexicon):
    doc = [
        "Officials said the strike hit a depot.",
        "The depot burned.",
        "Smoke rose.",
        "Kyiv reported no casualties.",
        "Here are the main points:",
        "- Fuel prices rose.",
        '"Nothing will stop us," he added.',
        "Markets were calm.",
    ]
    cues = encode([doc, ["One more article."]], lexicon).cues
    assert cues["ctx__since_attribution"].tolist()[:4] == pytest.approx([1.0, 0.0, 0.2, 0.4])
    assert cues["ctx__under_lead_in"].tolist() == [0, 0, 0, 0, 0, 1, 0, 0, 0]
    assert cues.loc[8, "ctx__first"] == 0 and cues.loc[8, "bp__from_end"] == 1.0  # a lone sentence


def test_count_words_matches_the_encoder(lexicon):
    doc = ["Neo-Nazis! Don't go.", "Kyiv, 3 March: 12 killed?"]
    enc = encode([doc], lexicon)
    assert enc.words.tolist() == [count_words(s) for s in doc] == [3, 5]


def test_encoding_a_subset_of_groups_gives_the_same_columns(lexicon):
    docs = [SEED_LINES, ["Kyiv said no.", "The tyrant ranted."]]
    full = encode(docs, lexicon).cues
    part = encode(docs, lexicon, groups=("context", "boilerplate")).cues
    cols = cue_columns(lexicon)
    assert list(part.columns) == cols["context"] + cols["boilerplate"]
    assert part.equals(full[list(part.columns)])
