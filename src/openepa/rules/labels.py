"""The one place that turns a specification's ids into the words people read.

Pages, emails, PDFs and the rules' own messages all take their words for an id from here:
how a method is carried out (``face_to_face`` is "face to face"), the events rules date
(``fail_result`` is "fail result"), the parties of the gateway and the plan (``provider`` is
"training provider", ``epao`` is "EPAO"), people's roles, and the names a specification and
its standard give their methods, areas, KSBs and observation checklists. Nothing else keeps
a second copy of these words.

Each function has a fallback for an id it does not know: the id's words with underscores and
hyphens as spaces, so no underscore id ever reaches a person. ``*_words`` functions give the
words as they read inside a sentence ("training provider"); ``*_label`` functions give them
at the start of one, as a heading or a choice ("Training provider").

Pure Python: no Django.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from openepa.rules.model import Specification, Standard

#: How a method may be carried out (:data:`openepa.rules.model.Mode`), inside a sentence.
MODE_WORDS: dict[str, str] = {
    "face_to_face": "face to face",
    "remote": "remote",
    "recorded": "recorded",
}

#: The events rules date (:data:`openepa.rules.validate.EVENTS`), inside a sentence.
EVENT_WORDS: dict[str, str] = {
    "registration": "registration for end-point assessment",
    "on_programme_end": "end of the on-programme period",
    "gateway": "gateway",
    "gateway_form": "gateway form",
    "gateway_evidence": "gateway evidence",
    "first_assessment": "first assessment",
    "last_assessment": "last assessment",
    "result": "result",
    "booking_request": "booking request",
    "booking_confirmation": "booking confirmation",
    "portfolio_submission": "portfolio of evidence",
    "report_submission": "project report",
    "project_start": "start of the project",
    "project_completion": "completion of the project",
    "proposal_rejection": "rejection of the project proposal",
    "proposal_resubmission": "revised project proposal",
    "fail_result": "fail result",
    "reassessment": "resit or retake",
    "project_rework": "reworked project",
}

#: Who takes part in the gateway, the plan and an appeal, inside a sentence.
PARTY_WORDS: dict[str, str] = {
    "apprentice": "apprentice",
    "employer": "employer",
    "provider": "training provider",
    "epao": "EPAO",
    "assessor": "assessor",
    "iqa": "IQA",
}

#: The roles of people's accounts, inside a sentence.
ROLE_WORDS: dict[str, str] = {
    "epao_admin": "EPAO admin",
    "assessor": "independent assessor",
    "iqa": "internal quality assurer",
    "provider": "training provider",
    "employer": "employer",
    "apprentice": "apprentice",
}


# --- the words of any id -----------------------------------------------------------------


def id_words(value: str | None) -> str:
    """An id nobody gave words to, as words: "face_to_face" is "face to face"."""
    return " ".join(str(value or "").replace("_", " ").replace("-", " ").split())


def sentence_case(text: str) -> str:
    """Words as they start a sentence: the first letter capital, the rest kept ("EPAO admin")."""
    return text[:1].upper() + text[1:]


def phrase(items: Iterable[str], conjunction: str = "and") -> str:
    """Words joined as a list in a sentence: "a, b and c" ("a, b or c" with ``or``)."""
    words = [item for item in items if item]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + f" {conjunction} " + words[-1]


# --- modes, events, parties and roles -----------------------------------------------------


def mode_words(mode: str | None) -> str:
    """How a method is carried out, inside a sentence: "face to face" ("" for no mode)."""
    if not mode:
        return ""
    return MODE_WORDS.get(mode) or id_words(mode)


def mode_label(mode: str | None) -> str:
    """How a method is carried out, as a choice or a heading: "Face to face"."""
    return sentence_case(mode_words(mode))


def event_words(spec: Specification | None, event: str) -> str:
    """An event in words: "project report", the method's name, "booking of the ...".

    ``assessment:METHOD`` is the method's name and ``booking:METHOD`` its booking; without a
    specification the method's id is given as words.
    """
    kind, _, method_id = event.partition(":")
    if method_id:
        name = method_name(spec, method_id) if spec is not None else id_words(method_id)
        return name if kind == "assessment" else f"booking of the {name}"
    return EVENT_WORDS.get(event) or id_words(event)


def party_words(party: str | None) -> str:
    """A party of the gateway, the plan or an appeal, inside a sentence: "training provider"."""
    if not party:
        return ""
    return PARTY_WORDS.get(party) or id_words(party)


def party_label(party: str | None) -> str:
    """A party as a heading or a choice: "Training provider", "EPAO"."""
    return sentence_case(party_words(party))


def party_phrase(parties: Iterable[str]) -> str:
    """Parties as one phrase: "apprentice, employer and training provider"."""
    return phrase(party_words(party) for party in parties)


def role_words(role: str | None) -> str:
    """The role of a person's account, inside a sentence: "EPAO admin", "independent assessor"."""
    if not role:
        return ""
    return ROLE_WORDS.get(role) or id_words(role)


def role_label(role: str | None) -> str:
    """The role of a person's account as a heading or a choice: "Independent assessor"."""
    return sentence_case(role_words(role))


# --- what the specification and its standard name ------------------------------------------


def method_name(spec: Specification | None, method_id: str) -> str:
    """The specification's name of a method: "Work-based project supported by an interview"."""
    for method in spec.methods if spec is not None else ():
        if method.id == method_id:
            return method.name
    return sentence_case(id_words(method_id))


def method_names(spec: Specification | None, method_ids: Iterable[str]) -> str:
    """Methods as one phrase: "the Practical observation and the Professional discussion"."""
    return phrase(f"the {method_name(spec, method_id)}" for method_id in method_ids)


def checklist_name(spec: Specification | None, checklist_id: str) -> str:
    """The name of an additional observation checklist ("Conflict and challenge ...")."""
    for method in spec.methods if spec is not None else ():
        for checklist in method.additional_checklists:
            if checklist.id == checklist_id:
                return checklist.name
    return sentence_case(id_words(checklist_id))


def area_name(standard: Standard | None, area_id: str) -> str:
    """The standard's name of an area: "Understanding the organisation"."""
    for area in standard.areas if standard is not None else ():
        if area.id == area_id:
            return area.name
    return sentence_case(id_words(area_id))


def ksb_words(standard: Standard | None, ksb_id: str) -> str:
    """A KSB with its statement ("K1: Know ..."), or an area's name where pieces map to areas."""
    for ksb in standard.ksbs if standard is not None else ():
        if ksb.id == ksb_id:
            return f"{ksb.id}: {ksb.text}"
    return area_name(standard, ksb_id)


def ksb_refs(standard: Standard | None, ids: Iterable[str]) -> str:
    """What a piece of evidence is mapped to, short: "K1, S2" or the areas' names.

    A KSB keeps its reference (the standard's own, which people use); an area, which has no
    reference, is given by its name.
    """
    known = {ksb.id for ksb in standard.ksbs} if standard is not None else set()
    return ", ".join(item if item in known else area_name(standard, item) for item in ids)


def date_words(value: object) -> str:
    """A date as GOV.UK writes it ("15 September 2026"), from a date or an ISO date text.

    Anything else is returned as it is written.
    """
    if isinstance(value, str):
        try:
            return date_words(date.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f"{value.day} {value:%B %Y}"
    return str(value)
