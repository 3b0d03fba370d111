"""The one word counter (project proposal and project report), and the report's marking stop.

Nothing here imports Django. Every word count in OpenEPA comes from :func:`count_words`: the
gateway's project proposal and the project report alike. For the report, the text given is the
report without its annexes: a specification's ``annexes_counted: false`` means the annexes are
a separate upload or are cut off before counting.

Words
    A word is a whitespace-separated token holding at least one letter or digit, as a word
    processor counts them (apprentices compare our count with their word processor's). Any
    Unicode whitespace separates words, including a non-breaking space. So ``don't`` and
    ``customer’s``, ``follow-up`` and ``self-evaluation``, ``2,500``, ``24/7``, a URL and
    ``word—word`` (no spaces) are one word each; a lone dash, em-dash, bullet or other
    punctuation between spaces is not a word. "2,500 words" is two words.

Paragraphs
    Each line is a paragraph: text taken from a Word document has one paragraph per line
    (:mod:`openepa.files.text`), as has plain text saved from a word processor. Lines without a
    word (blank lines, a lone bullet) are not numbered, so a blank line between paragraphs
    does not change the numbering. For a PDF a "paragraph" is a line of the page, since a PDF
    keeps lines, not paragraphs.

Length
    ``target ± tolerance%`` allows every whole number of words inside that range: the minimum
    is rounded up and the maximum rounded down (2,500 ± 10% is 2,250 to 2,750 words; exactly
    at a limit is within it). A specification without a tolerance allows the target exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from openepa.rules.model import Report

EXCERPT_WORDS = 12
"""How many words either side of the marking stop are quoted."""

LengthStatus = Literal["below", "within", "above"]


def is_word(token: str) -> bool:
    """Whether a whitespace-separated token is a word: it holds a letter or a digit."""
    return any(ch.isalnum() for ch in token)


def count_words(text: str) -> int:
    """Count the words of ``text``: whitespace-separated tokens holding a letter or digit.

    Any Unicode whitespace (including a non-breaking space) separates words; a token is a
    word when it holds at least one letter or digit of any alphabet. So ``don't``,
    ``customer’s``, ``follow-up``, ``2,500``, ``24/7``, a URL and ``word—word`` are one word
    each, and a lone dash, em-dash, bullet or punctuation mark is not a word: "2,500 words"
    is two words. This is how a word processor counts, and it is the one rule for the project
    proposal and the project report.
    """
    return sum(1 for token in text.split() if is_word(token))


@dataclass(frozen=True)
class MarkingStop:
    """Where marking stops in a report that runs past the specification's stop.

    ``word_number`` is the last word marked (the stop itself); ``last_words_marked`` quotes up
    to 12 words ending with it and ``first_words_not_marked`` up to 12 words after it, as
    written (punctuation-only tokens between them are kept so the quote can be found).
    ``paragraph`` is the 1-based paragraph (line holding a word) of the last word marked.
    """

    word_number: int
    last_words_marked: str
    first_words_not_marked: str
    paragraph: int
    words_not_marked: int


@dataclass(frozen=True)
class _Word:
    """One word: its place among all tokens and the paragraph it is in."""

    token_index: int
    paragraph: int


def _tokens_and_words(text: str) -> tuple[list[str], list[_Word]]:
    """Every token of ``text`` in order, and the words among them with their paragraph."""
    tokens: list[str] = []
    words: list[_Word] = []
    paragraph = 0
    for line in text.splitlines():
        line_tokens = line.split()
        if any(is_word(token) for token in line_tokens):
            paragraph += 1
        for token in line_tokens:
            if is_word(token):
                words.append(_Word(len(tokens), paragraph))
            tokens.append(token)
    return tokens, words


def marking_stop(text: str, stop_at: int) -> MarkingStop | None:
    """Where marking stops when ``text`` runs past ``stop_at`` words; None when it does not."""
    if stop_at < 1:
        raise ValueError(f"stop_at must be at least 1, not {stop_at}")
    tokens, words = _tokens_and_words(text)
    if len(words) <= stop_at:
        return None
    last = words[stop_at - 1]
    first_quoted = words[max(0, stop_at - EXCERPT_WORDS)]
    after_end = words[min(len(words), stop_at + EXCERPT_WORDS) - 1]
    return MarkingStop(
        word_number=stop_at,
        last_words_marked=" ".join(tokens[first_quoted.token_index : last.token_index + 1]),
        first_words_not_marked=" ".join(tokens[last.token_index + 1 : after_end.token_index + 1]),
        paragraph=last.paragraph,
        words_not_marked=len(words) - stop_at,
    )


@dataclass(frozen=True)
class ReportLength:
    """A report's word count set against the specification's length, and where marking stops."""

    words: int
    target: int
    minimum: int
    maximum: int
    status: LengthStatus
    message: str
    marking_stop: MarkingStop | None


def length_limits(report: Report) -> tuple[int, int]:
    """The fewest and most words ``report`` allows: target ± tolerance, inside the range."""
    tolerance = report.tolerance_percent
    minimum = -(-report.target_words * (100 - tolerance) // 100)  # rounded up
    maximum = report.target_words * (100 + tolerance) // 100  # rounded down
    return max(0, minimum), maximum


def _words(number: int) -> str:
    """``2,500 words`` (or ``1 word``)."""
    return f"{number:,} word" if number == 1 else f"{number:,} words"


def _allowed(report: Report, minimum: int, maximum: int) -> str:
    """The length the specification sets, in words."""
    if report.tolerance_percent == 0:
        return f"the {_words(report.target_words)} the specification sets"
    return (
        f"the {_words(report.target_words)} ± {report.tolerance_percent}% "
        f"({minimum:,} to {maximum:,}) the specification sets"
    )


def _source(report: Report) -> str:
    """The specification's words about the report's length, and where they are."""
    if report.source.quote:
        return f"The specification says: “{report.source.quote}” ({report.source.place})."
    return f"See the specification: {report.source.place}."


def _stop_sentence(stop: MarkingStop) -> str:
    """Where marking stops, quoted so the reader can find it."""
    return (
        f"Marking stops at word {stop.word_number:,}, in paragraph {stop.paragraph:,}, after "
        f"“…{stop.last_words_marked}”; the {_words(stop.words_not_marked)} from "
        f"“{stop.first_words_not_marked}…” on will not be marked."
    )


def assess_report_length(text: str, report: Report) -> ReportLength:
    """Count the words of a report and set them against the specification's ``report``.

    The message says the count, the length allowed, whether marking stops and where, how to
    bring the report within the length, and quotes the specification.
    """
    words = count_words(text)
    minimum, maximum = length_limits(report)
    stop_at = report.marking_stops_at_words
    stop = marking_stop(text, stop_at) if stop_at is not None else None
    allowed = _allowed(report, minimum, maximum)
    parts: list[str]
    status: LengthStatus
    if words < minimum:
        status = "below"
        parts = [
            f"{_words(words)}: below {allowed}.",
            f"Add at least {_words(minimum - words)} to bring the report within it.",
        ]
    elif words > maximum:
        status = "above"
        head = f"{_words(words)}: above {allowed}"
        if stop_at is not None:
            head += f"; marking stops at {_words(stop_at)}"
        parts = [head + "."]
        if stop is not None:
            parts.append(_stop_sentence(stop))
        parts.append(f"Cut at least {_words(words - maximum)} to bring the report within it.")
    else:
        status = "within"
        parts = [f"{_words(words)}: within {allowed}."]
    if stop is not None and status != "above":  # a stop set below the maximum
        parts.append(_stop_sentence(stop))
    if not report.annexes_counted:
        parts.append("Annexes are not counted.")
    parts.append(_source(report))
    return ReportLength(
        words=words,
        target=report.target_words,
        minimum=minimum,
        maximum=maximum,
        status=status,
        message=" ".join(parts),
        marking_stop=stop,
    )
