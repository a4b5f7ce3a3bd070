"""Normalisation: every obfuscation the model-page scam used, and what must stay untouched."""

import pytest

from masthead.moderation.core import normalise


@pytest.mark.parametrize(
    ("raw", "word"),
    [
        ("Goog-l-e is paying", "google"),
        ("per ho-u-r from home", "hour"),
        ("G.o.o.g.l.e pays", "google"),
        ("they p a y weekly", "pay"),
        ("W-O-R-K from home", "work"),
        ("p♥a♥y now", "pay"),
        ("$97 per h0ur", "hour"),
        ("easy m0ney", "money"),
        ("ca$h now", "cash"),
    ],
)
def test_split_and_leet_words_are_rejoined(raw, word):
    n = normalise(raw)
    assert word in n.tokens
    assert any(fixed == word for _orig, fixed in n.deobfuscated)


def test_model_page_scam_normalises_and_records_the_tricks():
    n = normalise(
        "Goog-l-e is paying $97 per ho-u-r ♥♥♥ for working from home... "
        "I've made $8O,000 last month"
    )
    assert n.text.startswith("google is paying $97 per hour for working from home")
    assert "$80,000" in n.text
    assert ("Goog-l-e", "google") in n.deobfuscated
    assert ("ho-u-r", "hour") in n.deobfuscated
    assert ("8O,000", "80,000") in n.deobfuscated  # the whole number, as it was written
    assert n.symbol_runs == 1
    assert n.raw.startswith("Goog-l-e")  # the raw text is kept
    assert n.obfuscation >= 3


def test_letters_inside_numbers_become_digits():
    assert "$80" in normalise("earn $8O today").text
    # every group of a number, whatever its currency sign looks like
    assert "£80,000" in normalise("she earned \u20a48O,OOO in 3 months").text
    assert "1,000,000 dollars" in normalise("1,OOO,OOO dollars").text
    assert "$1000" in normalise("win $1O0O").text


def test_cyrillic_and_greek_look_alikes_are_mapped():
    n = normalise("Gооgle раys")  # Cyrillic о, о, р, а
    assert n.tokens == ["google", "pays"]
    assert n.confusables == 4
    assert normalise("Ηοme wοrk").tokens == ["home", "work"]  # Greek Η, ο


def test_full_width_and_mathematical_letters_fold():
    assert normalise("ＧＯＯＧＬＥ ｐａｙｓ").text == "google pays"
    assert normalise("𝐆𝐨𝐨𝐠𝐥𝐞").text == "google"


def test_zero_width_characters_are_stripped_and_counted():
    n = normalise("fr\u200bee mo\u200dney\ufeff")
    assert n.text == "free money"
    assert n.zero_width == 3
    # the byte-order mark at the end hides nothing; the two inside the words do
    assert n.harmless_invisible == 1
    assert n.hidden_invisible == 2
    assert n.obfuscation == 2


def test_edge_marks_and_emoji_sequences_are_not_obfuscation():
    for text in (
        "\ufeffI love this song\ufeff",
        "great piece \u2764\ufe0f \u2764\ufe0f",
        "my family \U0001f468\u200d\U0001f469\u200d\U0001f467 says hi \ufeff",
    ):
        n = normalise(text)
        assert n.zero_width >= 1
        assert n.hidden_invisible == 0, text
        assert n.obfuscation == 0, text
    # a variation selector or joiner between letters is still counted
    assert normalise("fr\ufe0fee").hidden_invisible == 1
    assert normalise("mo\u200dney").obfuscation == 1


def test_symbol_runs_and_squeezed_repeats():
    n = normalise("sooooo freeeee ♥♥♥ now ★ ★ ★ !!!!!!")
    assert n.text == "soo free now !!"
    assert n.symbol_runs == 2
    assert n.decorative == 6
    assert n.squeezed >= 3


def test_foreign_script_text_is_not_treated_as_obfuscation():
    n = normalise("Привет, как дела?")
    assert n.confusables == 0
    assert n.text == "привет, как дела?"


@pytest.mark.parametrize(
    "text",
    [
        "up-to-date",
        "rock-n-roll",
        "mother-in-law",
        "U.S.A.",
        "1,000,000",
        "10:30",
        "covid19",
        "4chan",
        "2nd",
        "mp3",
        "b2b",
        "$97 billion",
    ],
)
def test_ordinary_words_and_numbers_are_left_alone(text):
    n = normalise(text)
    assert n.deobfuscated == []
    assert n.text == text.lower()


@pytest.mark.parametrize(
    "mark", ["\u2019", "\u2018", "\u201b", "\u02bc", "\u02bb", "\uff07", "\u2032", "`", "\u00b4"]
)
def test_a_typographic_apostrophe_reads_as_a_plain_one(mark):
    # phones and word processors type "’": "you’re" must read as "you're" does
    n = normalise(f"You{mark}re an idiot, the author{mark}s a clown")
    assert n.text == "you're an idiot, the author's a clown"
    assert n.tokens[:2] == ["you're", "an"]
    assert n.deobfuscated == [] and n.obfuscation == 0 and n.decorative == 0


def test_typographic_single_quotes_read_as_plain_ones():
    assert normalise("\u2018Fake news\u2019, he said").text == "'fake news', he said"


def test_links_are_kept_intact():
    n = normalise("See https://www.BBC.co.uk/news/uk-123 and bit.ly/xYz")
    assert n.urls == ["https://www.BBC.co.uk/news/uk-123", "bit.ly/xYz"]
    assert "https://www.bbc.co.uk/news/uk-123" in n.text


def test_links_are_found_in_long_runs_and_deep_domains():
    # the link finder looks at most eight labels back, so that "a.a.a.…" stays linear
    n = normalise("a." * 2400 + "cash-now.example.com/start")
    assert n.urls and n.urls[0].endswith("cash-now.example.com/start")
    assert normalise("mail.eu.west.1.2.3.4.5.6.7.evil.com").urls


def test_empty_text():
    n = normalise("")
    assert n.text == ""
    assert n.tokens == []


@pytest.mark.parametrize(
    ("raw", "text", "alternative"),
    [
        ("what a r e t a r d", "what aretard", "what a retard"),
        ("you r e t a r d I think", "you retardi think", "you retard i think"),
        (
            "you are a r e t a r d, see https://x.com/a",
            None,
            "you are a retard, see https://x.com/a",
        ),
        ("a w e s o m e job", "awesome job", "a wesome job"),
        ("I s a w it", "isaw it", "i saw it"),
    ],
)
def test_a_one_letter_word_at_either_end_of_a_spaced_run_is_also_read_apart(raw, text, alternative):
    n = normalise(raw)
    assert text is None or n.text == text
    assert n.alternative_text == alternative


@pytest.mark.parametrize("raw", ["U S A", "J R R Tolkien", "a b c", "i d k", "p a y now"])
def test_short_runs_and_runs_without_a_one_letter_word_have_one_reading(raw):
    assert normalise(raw).alternative_text == ""


def test_spaced_runs_are_kept_as_the_text_reads_them():
    n = normalise("I s a w a r 3 t a r d, then F B I agents")
    assert n.spaced_runs == ["isawaretard", "fbi"]


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("U R a m0r0n", "u r a moron"),
        ("u r a winner", "u r a winner"),
        ("r u a fan or not", "r u a fan or not"),
    ],
)
def test_texting_shorthand_is_words_not_a_spelt_out_word(raw, text):
    n = normalise(raw)
    assert n.text == text
    assert not any(joined in ("ura", "rua") for _shown, joined in n.deobfuscated)


def test_a_word_spelt_out_after_texting_shorthand_is_still_joined():
    assert "uramoron" in normalise("u r a m o r o n").text
