"""The words people read for a specification's ids: one test per function of rules.labels."""

from __future__ import annotations

from datetime import date, datetime

from openepa.rules import labels
from openepa.rules.loader import load_catalogue

CATALOGUE = load_catalogue()
HIGHFIELD = CATALOGUE.specification("st0071-highfield")
ACTIVEIQ = CATALOGUE.specification("st0072-activeiq")
ST0071 = CATALOGUE.standard_of(HIGHFIELD)
ST0072 = CATALOGUE.standard_of(ACTIVEIQ)


def test_id_words() -> None:
    assert labels.id_words("face_to_face") == "face to face"
    assert labels.id_words("conflict-and-challenge") == "conflict and challenge"
    assert labels.id_words(None) == ""


def test_sentence_case() -> None:
    assert labels.sentence_case("training provider") == "Training provider"
    assert labels.sentence_case("EPAO admin") == "EPAO admin"
    assert labels.sentence_case("") == ""


def test_phrase() -> None:
    assert labels.phrase([]) == ""
    assert labels.phrase(["a"]) == "a"
    assert labels.phrase(["a", "b", "c"]) == "a, b and c"
    assert labels.phrase(["a", "b"], "or") == "a or b"


def test_mode_words() -> None:
    assert labels.mode_words("face_to_face") == "face to face"
    assert labels.mode_words("remote") == "remote"
    assert labels.mode_words("video_call") == "video call"  # unknown: words, no underscore
    assert labels.mode_words("") == ""
    assert labels.mode_words(None) == ""


def test_mode_label() -> None:
    assert labels.mode_label("face_to_face") == "Face to face"
    assert labels.mode_label("recorded") == "Recorded"
    assert labels.mode_label(None) == ""


def test_event_words() -> None:
    assert labels.event_words(HIGHFIELD, "report_submission") == "project report"
    assert labels.event_words(HIGHFIELD, "assessment:project") == (
        "Work-based project supported by an interview"
    )
    assert labels.event_words(HIGHFIELD, "booking:discussion") == (
        "booking of the Professional discussion supported by portfolio of evidence"
    )
    assert labels.event_words(None, "booking:discussion") == "booking of the discussion"
    assert labels.event_words(HIGHFIELD, "some_new_event") == "some new event"


def test_party_words() -> None:
    assert labels.party_words("provider") == "training provider"
    assert labels.party_words("epao") == "EPAO"
    assert labels.party_words("iqa") == "IQA"
    assert labels.party_words("apprentice") == "apprentice"
    assert labels.party_words("line_manager") == "line manager"
    assert labels.party_words(None) == ""


def test_party_label() -> None:
    assert labels.party_label("provider") == "Training provider"
    assert labels.party_label("epao") == "EPAO"
    assert labels.party_label("assessor") == "Assessor"


def test_party_phrase() -> None:
    assert labels.party_phrase(["apprentice", "employer", "provider"]) == (
        "apprentice, employer and training provider"
    )
    assert labels.party_phrase(["epao"]) == "EPAO"
    assert labels.party_phrase([]) == ""


def test_role_words() -> None:
    assert labels.role_words("epao_admin") == "EPAO admin"
    assert labels.role_words("assessor") == "independent assessor"
    assert labels.role_words("iqa") == "internal quality assurer"
    assert labels.role_words("provider") == "training provider"
    assert labels.role_words("") == ""


def test_role_label() -> None:
    assert labels.role_label("epao_admin") == "EPAO admin"
    assert labels.role_label("assessor") == "Independent assessor"
    assert labels.role_label("iqa") == "Internal quality assurer"


def test_method_name() -> None:
    assert labels.method_name(HIGHFIELD, "project") == (
        "Work-based project supported by an interview"
    )
    assert labels.method_name(ACTIVEIQ, "showcase") == "Apprentice showcase"
    assert labels.method_name(HIGHFIELD, "work_shadowing") == "Work shadowing"
    assert labels.method_name(None, "discussion") == "Discussion"


def test_method_names() -> None:
    assert labels.method_names(ACTIVEIQ, ["observation", "discussion"]) == (
        "the Practical observation and the Professional discussion"
    )
    assert labels.method_names(ACTIVEIQ, ["showcase"]) == "the Apprentice showcase"
    assert labels.method_names(ACTIVEIQ, []) == ""


def test_checklist_name() -> None:
    assert labels.checklist_name(ACTIVEIQ, "conflict-and-challenge") == (
        "Conflict and challenge observation checklist"
    )
    assert labels.checklist_name(HIGHFIELD, "conflict-and-challenge") == ("Conflict and challenge")


def test_area_name() -> None:
    assert labels.area_name(ST0072, "understanding-the-organisation") == (
        "Understanding the organisation"
    )
    assert labels.area_name(None, "knowing-your-customers") == "Knowing your customers"


def test_ksb_words() -> None:
    assert labels.ksb_words(ST0071, "K1").startswith("K1: Understand your organisation")
    assert labels.ksb_words(ST0072, "meeting-regulations") == (
        "Meeting regulations and legislation"
    )


def test_ksb_refs() -> None:
    assert labels.ksb_refs(ST0071, ["K1", "S2"]) == "K1, S2"
    assert labels.ksb_refs(ST0072, ["understanding-the-organisation", "meeting-regulations"]) == (
        "Understanding the organisation, Meeting regulations and legislation"
    )
    assert labels.ksb_refs(ST0072, []) == ""


def test_date_words() -> None:
    assert labels.date_words(date(2026, 9, 15)) == "15 September 2026"
    assert labels.date_words("2026-09-05") == "5 September 2026"
    assert labels.date_words(datetime(2026, 9, 5, 10, 30)) == "5 September 2026"
    assert labels.date_words("not a date") == "not a date"
