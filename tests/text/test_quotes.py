"""Quote state across sentences (issue 4)."""

from __future__ import annotations

from framing.text.quotes import quote_states


def test_multi_paragraph_quote_reopens(seed_texts):
    # Seed 000: Zelensky's quote runs over three paragraphs, each re-opened.
    sents = [
        'In an appeal to his Russian counterpart, Zelensky said: "Get off our land.',
        "You don't want to leave now?",
        '"Then sit down with me at the negotiation table.',
        "I'm available.",
        '"I don\'t bite.',
        "We aren't threatening anyone, we're not terrorists, we aren't seizing banks and seizing foreign land.\"",
        "It comes just hours after Putin rang French President Emmanuel Macron.",
    ]
    states = quote_states(sents)
    assert [s.starts_open for s in states] == [False, True, True, True, True, True, False]
    assert [s.reopens for s in states] == [False, False, True, False, True, False, False]
    assert states[-1].spans == []


def test_curly_and_single_quotes():
    states = quote_states(["He warned: “Wherever they go, they will be destroyed.", "“They will not have calm here.”", "Invaders are ‘confused children’ not ‘warriors’"])
    assert states[0].ends_open and states[1].starts_open and not states[1].ends_open
    assert len(states[2].spans) == 2
    assert states[2].quoted_chars() == len("‘confused children’") + len("‘warriors’")


def test_apostrophes_are_not_quotes():
    (state,) = quote_states(["Putin's army and Ukraine's defenders don't stop."])
    assert state.spans == []
