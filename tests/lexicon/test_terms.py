"""Lexicon files and single-pass matching (issue 3)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from framing.lexicon.terms import LEXICON_COLUMNS, fold, load_lexicons

LEX_DIR = Path(__file__).resolve().parents[2] / "framing" / "lexicons"
PARTIES = {"", "russia", "ukraine", "israel", "hamas", "china", "west", "belarus", "iran", "any"}
REQUIRED = {
    "propaganda_euphemism", "propaganda_justification", "propaganda_dehumanising", "propaganda_accusation",
    "propaganda_morale", "loaded", "intensifiers", "hedges", "speech_verbs", "source_nouns", "rebuttal",
}


def test_lexicon_files_schema():
    seen = set()
    total = multiword = 0
    for path in sorted(LEX_DIR.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh)
            assert tuple(next(reader)) == LEXICON_COLUMNS, path.name
            for line, row in enumerate(reader, start=2):
                assert len(row) == 4, f"{path.name}:{line}"
                term, category, party, note = row
                assert term and term == term.lower().strip(), f"{path.name}:{line}"
                assert category == path.stem, f"{path.name}:{line}"
                assert party in PARTIES, f"{path.name}:{line}"
                assert note, f"{path.name}:{line}: note/provenance missing"
                assert (term, category) not in seen, f"{path.name}:{line} duplicate"
                seen.add((term, category))
                total += 1
                multiword += " " in term
    assert REQUIRED <= {c for _, c in seen}
    assert total >= 600
    assert multiword >= 100


def test_matching_is_whole_word_longest_first_and_folded():
    lex = load_lexicons()
    found = [m[2] for m in lex.match(fold("Putin’s “special military operation” against neo–Nazis, said the pro-kremlin TV."))]
    assert "special military operation" in found
    assert "neo-nazis" in found
    assert "special operation" not in found
    assert "kremlin" not in found  # inside a hyphenated word
    assert [m[2] for m in lex.match("a tyrannosaurus")] == []


def test_user_lexicon_is_added(tmp_path):
    (tmp_path / "mine.csv").write_text("term,category,party,note\nglorious victory,propaganda_morale,any,my test\n", encoding="utf-8")
    lex = load_lexicons([tmp_path])
    assert "glorious victory" in lex.terms("propaganda_morale")
    assert len(lex) == len(load_lexicons()) + 1


def test_bad_user_lexicon_names_the_file(tmp_path):
    (tmp_path / "bad.csv").write_text("word,kind\nx,y\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.csv: header"):
        load_lexicons([tmp_path])
    with pytest.raises(FileNotFoundError, match="lexicon folder"):
        load_lexicons([tmp_path / "nope"])


def test_a_failed_longer_term_does_not_hide_a_shorter_one():
    # "armed forces of ukraine" and "the armed forces of ukraine are exhausted"
    # are terms; their unfinished prefix must not swallow "armed forces"
    # (pyahocorasick's iter_long did).
    lex = load_lexicons()
    found = [m[2] for m in lex.match(fold("Photo credit: the Armed Forces of Russia"))]
    assert "armed forces" in found and "armed forces of ukraine" not in found


def test_scan_and_match_agree_on_a_seed_article(sky_text):
    lex = load_lexicons()
    text = fold(sky_text)
    starts, ends, ids = lex.scan(text)
    assert [(a, b, lex.term_list[i]) for a, b, i in zip(starts, ends, ids, strict=True)] == [m[:3] for m in lex.match(text)]
    assert len(starts) > 10 and (np.diff(starts) > 0).all() and (starts[1:] >= ends[:-1]).all()


def test_character_classes_beyond_the_basic_plane():
    # Styled letters and digits (U+1D400 and up) are letters and digits, so a
    # term glued to one is not a whole word.
    from framing.lexicon.terms import char_codes, lookup

    assert lookup("digit", char_codes("𝟐0a")).tolist() == [True, True, False]
    assert lookup("upper", char_codes("𝐁b🔥")).tolist() == [True, False, False]
    lex = load_lexicons()
    assert "kremlin" not in [m[2] for m in lex.match(fold("𝐤kremlin"))]
