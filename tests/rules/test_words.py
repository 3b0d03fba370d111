"""Counting the project report's words and showing where marking stops (ST0071: 2,500 ± 10%)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openepa.rules.loader import load_catalogue
from openepa.rules.model import Report, Source
from openepa.rules.words import (
    MarkingStop,
    assess_report_length,
    count_words,
    marking_stop,
)

CATALOGUE = load_catalogue()


def highfield_report() -> Report:
    report = CATALOGUE.specification("st0071-highfield").evidence.project_report
    assert report is not None
    return report


def nqual_report() -> Report:
    report = CATALOGUE.specification("st0071-nqual").evidence.project_report
    assert report is not None
    return report


def numbered(n: int, start: int = 1) -> str:
    """``w1 w2 … wn``: every word says where it is."""
    return " ".join(f"w{i}" for i in range(start, start + n))


@pytest.mark.parametrize(
    ("text", "words"),
    [
        # nothing, or only whitespace
        ("", 0),
        ("   \n\t  ", 0),
        ("   \n\t ", 0),
        ("one", 1),
        ("one two  three", 3),
        ("One two three.", 3),
        ("end.\n\nNext paragraph.", 3),
        # apostrophes, straight and curly
        ("don't", 1),
        ("customer’s", 1),
        ("The customer's follow-up call", 4),
        ("It’s a well-known self-evaluation", 4),
        ("'quoted' words - alone", 3),
        # hyphens
        ("follow-up", 1),
        ("self-evaluation", 1),
        ("send an e-mail", 3),
        ("3-month review in 2026", 4),
        # numbers with commas, the "2,500 words" that used to count 3 for a proposal
        ("2,500", 1),
        ("2,500 words", 2),
        ("It is 2,500 words", 4),
        # slashes: one token, one word
        ("24/7", 1),
        ("Open 24/7 – every day", 4),  # 5 under the proposal's old rule ("24" and "7")
        ("and/or", 1),
        # URLs
        ("https://example.org/a-b?c=d", 1),
        ("See https://example.org/a-b?c=d for details", 4),
        # dashes: alone between spaces they are not words; joining two words they make one
        ("before - after", 2),
        ("before – after", 2),
        ("before — after", 2),
        ("word—word", 1),
        ("—", 0),
        # bullets and punctuation alone are not words
        ("• first point\n• second point", 4),
        ("A list:\n- first point\n- second point", 6),
        ("— … !!! ?", 0),
        ("(1) [2]", 2),
        # any Unicode whitespace separates, including non-breaking spaces
        ("a\u00a0b", 2),
        ("2,500\u00a0words", 2),
        ("a\u202fb\u2009c\u3000d", 4),
        # letters and digits of any alphabet
        ("café naïve 東京", 3),
        ("Café naïve résumé", 3),
    ],
)
def test_count_words_counts_whitespace_separated_tokens_holding_a_letter_or_digit(
    text: str, words: int
) -> None:
    """The one word counter, for the project proposal and the project report alike."""
    assert count_words(text) == words


words_strategy = st.lists(
    st.text(
        alphabet=st.characters(whitelist_categories=("L", "Nd", "Pd", "Po")),
        min_size=1,
        max_size=12,
    ).filter(lambda token: any(ch.isalnum() for ch in token)),
    max_size=60,
)


@given(words_strategy)
def test_a_space_joined_list_of_n_words_counts_n(words: list[str]) -> None:
    assert count_words(" ".join(words)) == len(words)


@given(words_strategy, st.lists(st.sampled_from(["-", "–", "•", "*", "...", "—"]), max_size=10))
def test_punctuation_tokens_never_add_words(words: list[str], marks: list[str]) -> None:
    assert count_words(" ".join(words + marks)) == len(words)


def test_exactly_at_the_stop_nothing_is_cut_off() -> None:
    assert marking_stop(numbered(2750), 2750) is None
    assert marking_stop(numbered(10), 2750) is None


def test_one_word_past_the_stop_leaves_one_word_unmarked() -> None:
    stop = marking_stop(numbered(2751), 2750)
    assert stop == MarkingStop(
        word_number=2750,
        last_words_marked=numbered(12, start=2739),
        first_words_not_marked="w2751",
        paragraph=1,
        words_not_marked=1,
    )


def test_a_2900_word_report_shows_where_marking_stops() -> None:
    # Ten paragraphs of 290 words, separated by blank lines, with a lone dash in paragraph 10
    # that is quoted but not counted. Word 2,750 is word 140 of paragraph 10.
    paragraphs = [numbered(290, start=1 + 290 * i) for i in range(10)]
    tokens = paragraphs[9].split()
    tokens.insert(140, "–")  # after w2750
    paragraphs[9] = " ".join(tokens)
    text = "\n\n".join(paragraphs)
    assert count_words(text) == 2900

    stop = marking_stop(text, 2750)

    assert stop is not None
    assert stop.word_number == 2750
    assert stop.paragraph == 10
    assert stop.last_words_marked == numbered(12, start=2739)
    assert stop.first_words_not_marked == "– " + numbered(12, start=2751)
    assert stop.words_not_marked == 150


def test_paragraphs_are_lines_holding_a_word() -> None:
    text = "Title\n\n•\nFirst paragraph here\n   \nSecond paragraph here and more"
    stop = marking_stop(text, 5)
    assert stop is not None
    assert stop.paragraph == 3  # "•" and blank lines are not paragraphs
    assert stop.last_words_marked == "Title • First paragraph here Second"
    assert stop.first_words_not_marked == "paragraph here and more"


def test_highfield_report_within_the_range() -> None:
    result = assess_report_length(numbered(2500), highfield_report())
    assert (result.words, result.target, result.minimum, result.maximum) == (2500, 2500, 2250, 2750)
    assert result.status == "within"
    assert result.marking_stop is None
    assert result.message.startswith(
        "2,500 words: within the 2,500 words ± 10% (2,250 to 2,750) the specification sets."
    )
    assert "End-point assessors will only mark projects up to 2500 words +/- 10%" in result.message


@pytest.mark.parametrize(
    ("words", "status"), [(2249, "below"), (2250, "within"), (2750, "within"), (2751, "above")]
)
def test_highfield_limits_are_inclusive(words: int, status: str) -> None:
    assert assess_report_length(numbered(words), highfield_report()).status == status


def test_highfield_report_too_short_says_how_many_words_to_add() -> None:
    result = assess_report_length(numbered(2000), highfield_report())
    assert result.status == "below"
    assert result.message.startswith(
        "2,000 words: below the 2,500 words ± 10% (2,250 to 2,750) the specification sets. "
        "Add at least 250 words to bring the report within it."
    )
    assert "Annexes are not counted." in result.message


def test_highfield_report_past_the_stop_shows_where_marking_stops() -> None:
    result = assess_report_length(numbered(2900), highfield_report())
    assert result.status == "above"
    assert result.marking_stop is not None
    assert result.marking_stop.words_not_marked == 150
    assert result.message.startswith(
        "2,900 words: above the 2,500 words ± 10% (2,250 to 2,750) the specification sets; "
        "marking stops at 2,750 words. "
        f"Marking stops at word 2,750, in paragraph 1, after “…{numbered(12, start=2739)}”; "
        f"the 150 words from “{numbered(12, start=2751)}…” on will not be marked. "
        "Cut at least 150 words to bring the report within it."
    )
    assert result.message.endswith(
        "(Assessing the work-based project supported by an interview: Work-based project report)."
    )


def test_nqual_has_no_tolerance_and_no_stop() -> None:
    report = nqual_report()
    assert report.tolerance_percent == 0
    assert report.marking_stops_at_words is None

    exact = assess_report_length(numbered(2500), report)
    assert (exact.minimum, exact.maximum, exact.status) == (2500, 2500, "within")
    assert exact.message.startswith("2,500 words: within the 2,500 words the specification sets.")
    assert "“The written report must be 2500 words”" in exact.message

    over = assess_report_length(numbered(2900), report)
    assert over.status == "above"
    assert over.marking_stop is None
    assert over.message.startswith(
        "2,900 words: above the 2,500 words the specification sets. "
        "Cut at least 400 words to bring the report within it."
    )
    assert "Marking stops" not in over.message


def test_limits_round_inward_to_whole_words() -> None:
    report = Report(target_words=333, tolerance_percent=10, source=Source(place="Test"))
    result = assess_report_length("word", report)
    assert (result.minimum, result.maximum) == (300, 366)  # 299.7 and 366.3
    assert result.message.startswith("1 word: below the 333 words ± 10% (300 to 366)")
    assert result.message.endswith("See the specification: Test.")


def test_a_stop_below_the_maximum_is_still_shown() -> None:
    report = Report(
        target_words=100, tolerance_percent=10, marking_stops_at_words=100, source=Source(place="T")
    )
    result = assess_report_length(numbered(105), report)
    assert result.status == "within"
    assert result.marking_stop is not None
    assert "the 5 words from “w101 w102 w103 w104 w105…” on will not be marked" in result.message


def test_the_stop_must_be_a_word_number() -> None:
    with pytest.raises(ValueError, match="stop_at must be at least 1"):
        marking_stop("a b", 0)
