"""The project report, its annexes and the showcase: counting, replacing, rework, refusals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client, TestCase
from django.urls import reverse

from openepa.accounts.models import User
from openepa.assessment.models import AssessmentRecord, Sitting
from openepa.audit.models import AuditEvent
from openepa.kernel import clock
from openepa.registration.models import Registration
from openepa.submissions import uploads
from openepa.submissions.models import Submission
from openepa.submissions.refusals import SubmissionRefused
from tests.submissions.conftest import docx, report_text, txt

pytestmark = pytest.mark.django_db


def _upload(
    registration: Registration, user: User, upload: Any, kind: str = "report"
) -> Submission:
    """Upload, then run what is enqueued on commit (a report's count), as a worker would."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        submission = uploads.submit_file(
            registration, user, method_id="project", kind=kind, upload=upload
        )
    submission.refresh_from_db()
    return submission


def test_a_2900_word_highfield_report_is_counted_and_shows_where_marking_stops(
    highfield: Registration, pat: User, login: Callable[[User], Client], anna: User
) -> None:
    report = _upload(highfield, pat, txt("report.txt", report_text(2900)))
    assert report.words == 2900
    assert report.length["status"] == "above"
    stop = report.length["marking_stop"]
    assert stop["word_number"] == 2750
    assert stop["paragraph"] == 28  # 100 words a paragraph: word 2,750 is in the 28th
    assert stop["last_words_marked"].endswith("w2749 w2750")
    assert stop["first_words_not_marked"].startswith("w2751 w2752")
    assert stop["words_not_marked"] == 150

    page = login(anna).get(reverse("submissions:overview", args=[highfield.pk]))
    body = page.content.decode()
    assert "2,900 words: above the 2,500 words ± 10% (2,250 to 2,750)" in body
    assert "Where marking stops" in body
    assert "Word 2750, in paragraph 28" in body
    assert "w2750”" in body
    assert "“w2751 w2752" in body
    assert "Too long" in body


def test_annex_words_are_not_counted(highfield: Registration, pat: User) -> None:
    report = _upload(highfield, pat, txt("report.txt", report_text(2500)))
    annex = _upload(highfield, pat, txt("annex.txt", report_text(3000)), kind="annex")
    assert annex.words is None
    assert annex.length == {}
    report.refresh_from_db()
    assert report.current
    assert report.words == 2500
    assert report.length["status"] == "within"
    assert "Annexes are not counted" in report.length["message"]


def test_a_word_document_is_counted(highfield: Registration, bob: User) -> None:
    """The provider may upload on the apprentice's behalf; a .docx is read by paragraph."""
    report = _upload(highfield, bob, docx("report.docx", ["One two three.", "Four five."]))
    assert report.words == 5
    assert report.submitted_by == bob
    assert report.length["status"] == "below"


@pytest.mark.django_db(transaction=True)  # the count runs when the upload commits
def test_an_unreadable_report_is_recorded_with_the_reason(
    highfield: Registration, pat: User, login: Callable[[User], Client]
) -> None:
    pdf = txt("report.pdf", "")
    pdf.file.write(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF")
    pdf.file.seek(0)
    pdf.size = len(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF")
    response = login(pat).post(
        reverse("submissions:upload", args=[highfield.pk, "project"]),
        {"kind": "report", "file": pdf},
        follow=True,
    )
    page = response.content.decode()
    assert "report.pdf was uploaded but its words could not be counted" in page
    assert "The report could not be read: the PDF is damaged" in page
    report = Submission.objects.get()
    assert report.count_status == Submission.Count.UNREADABLE
    assert report.words is None


def test_a_second_report_supersedes_the_first_which_is_kept(
    highfield: Registration, pat: User
) -> None:
    first = _upload(highfield, pat, txt("first.txt", report_text(2400)))
    second = _upload(highfield, pat, txt("second.txt", report_text(2600)))
    first.refresh_from_db()
    assert first.superseded_by == second
    assert not first.current
    assert first.words == 2400
    assert second.current
    assert not second.rework
    assert AuditEvent.objects.filter(action="submissions.uploaded").count() == 2


def _fail(
    highfield: Registration, alice: User, sitting_for: Any, release: Any, on: date
) -> Sitting:
    sitting = sitting_for(highfield)
    release(highfield, sitting, "fail", on, alice)
    return sitting


def test_a_reworked_report_is_accepted_within_a_month_of_the_fail(
    highfield: Registration,
    pat: User,
    alice: User,
    sitting_for: Any,
    release: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = _upload(highfield, pat, txt("first.txt", report_text(2500)))
    _fail(highfield, alice, sitting_for, release, date(2026, 7, 10))
    monkeypatch.setattr(clock, "today", lambda: date(2026, 8, 10))
    rework = _upload(highfield, pat, txt("rework.txt", report_text(2500)))
    assert rework.rework
    first.refresh_from_db()
    assert first.superseded_by == rework


def test_a_reworked_report_is_refused_after_a_month_quoting_the_spec(
    highfield: Registration,
    pat: User,
    alice: User,
    sitting_for: Any,
    release: Any,
    monkeypatch: pytest.MonkeyPatch,
    login: Callable[[User], Client],
) -> None:
    _fail(highfield, alice, sitting_for, release, date(2026, 7, 10))
    monkeypatch.setattr(clock, "today", lambda: date(2026, 8, 11))
    with pytest.raises(SubmissionRefused) as refused:
        _upload(highfield, pat, txt("late.txt", report_text(2500)))
    assert "had to be uploaded by 10 August 2026" in refused.value.message
    assert "Apprentices will have 1 month to rework their submission." in refused.value.message
    page = login(pat).get(reverse("submissions:upload", args=[highfield.pk, "project"]))
    assert "had to be uploaded by 10 August 2026" in page.content.decode()
    assert '<form method="post" enctype' not in page.content.decode()


def test_nothing_more_is_uploaded_once_the_assessor_submits_the_record(
    highfield: Registration, pat: User, anna: User, sitting_for: Any
) -> None:
    sitting = sitting_for(highfield)
    AssessmentRecord.objects.create(
        registration=highfield,
        sitting=sitting,
        method_id="project",
        assessor=anna,
        status=AssessmentRecord.Status.SUBMITTED,
    )
    with pytest.raises(SubmissionRefused, match="The assessor has submitted the record"):
        _upload(highfield, pat, txt("annex.txt", "An annex"), kind="annex")


def test_a_report_must_be_a_document(highfield: Registration, pat: User) -> None:
    png = txt("report.png", "")
    png.file.write(b"\x89PNG\r\n\x1a\n" + b"\0" * 32)
    png.file.seek(0)
    png.size = 40
    with pytest.raises(SubmissionRefused) as refused:
        _upload(highfield, pat, png)
    assert refused.value.field == "file"


def test_only_the_apprentice_or_provider_upload(
    highfield: Registration, erin: User, login: Callable[[User], Client]
) -> None:
    with pytest.raises(SubmissionRefused, match="Only the apprentice or their training provider"):
        _upload(highfield, erin, txt("r.txt", "words"))
    url = reverse("submissions:upload", args=[highfield.pk, "project"])
    response = login(erin).post(url, {"kind": "report", "file": txt("r.txt", "words here")})
    assert response.status_code == 403
    assert not Submission.objects.exists()


@pytest.mark.django_db(transaction=True)  # the count runs when the upload commits
def test_upload_through_the_page_shows_the_count(
    highfield: Registration, pat: User, login: Callable[[User], Client]
) -> None:
    response = login(pat).post(
        reverse("submissions:upload", args=[highfield.pk, "project"]),
        {"kind": "report", "file": txt("report.txt", report_text(2300))},
        follow=True,
    )
    assert "2,300 words: within the 2,500 words ± 10%" in response.content.decode()


def test_withdrawing_an_annex_keeps_it(
    highfield: Registration, pat: User, login: Callable[[User], Client]
) -> None:
    annex = _upload(highfield, pat, txt("annex.txt", "An annex"), kind="annex")
    client = login(pat)
    client.post(reverse("submissions:withdraw", args=[highfield.pk, annex.pk]))
    annex.refresh_from_db()
    assert annex.withdrawn
    assert annex.withdrawn_by == pat
    assert annex.withdrawn_at is not None
    page = client.get(reverse("submissions:overview", args=[highfield.pk])).content.decode()
    assert "Earlier and withdrawn files (1)" in page
    assert "Withdrawn by Pat Apprentice" in page


def test_the_employer_cannot_withdraw(
    highfield: Registration, pat: User, erin: User, login: Callable[[User], Client]
) -> None:
    annex = _upload(highfield, pat, txt("annex.txt", "An annex"), kind="annex")
    url = reverse("submissions:withdraw", args=[highfield.pk, annex.pk])
    assert login(erin).post(url).status_code == 403
    annex.refresh_from_db()
    assert not annex.withdrawn


# --- the showcase ---------------------------------------------------------------------


@pytest.fixture
def activeiq(make_registration: Callable[..., Registration], pat: User, anna: User) -> Registration:
    return make_registration("st0072-activeiq", apprentice_user=pat, assessor=anna)


def test_each_showcase_element_is_uploaded_on_its_own(
    activeiq: Registration, pat: User, login: Callable[[User], Client]
) -> None:
    client = login(pat)
    url = reverse("submissions:upload", args=[activeiq.pk, "showcase"])
    response = client.post(
        url, {"kind": "element", "element": "worksheet", "file": txt("ws.txt", "Answers")}
    )
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert (submission.kind, submission.element_id, submission.words) == (
        "element",
        "worksheet",
        None,
    )
    page = client.get(reverse("submissions:overview", args=[activeiq.pk])).content.decode()
    assert page.count("Submitted</strong>") == 1
    assert page.count("Not submitted</strong>") == 5
    assert "Can be exempted" in page
    assert "conflict and challenge observation checklist" in page
    assert "influencing skills observation checklist" in page


def test_a_showcase_element_must_be_chosen(
    activeiq: Registration, pat: User, login: Callable[[User], Client]
) -> None:
    url = reverse("submissions:upload", args=[activeiq.pk, "showcase"])
    response = login(pat).post(url, {"kind": "element", "file": txt("ws.txt", "Answers")})
    assert "Select the element of the showcase this evidence is for" in response.content.decode()
    assert not Submission.objects.exists()


def test_the_excelme_showcase_is_one_submission(
    make_registration: Callable[..., Registration], pat: User, login: Callable[[User], Client]
) -> None:
    registration = make_registration("st0072-excelme", apprentice_user=pat)
    client = login(pat)
    url = reverse("submissions:upload", args=[registration.pk, "showcase"])
    assert (
        client.post(url, {"kind": "showcase", "file": txt("show.txt", "My showcase")}).status_code
        == 302
    )
    assert Submission.objects.get().kind == "showcase"
    page = client.get(reverse("submissions:overview", args=[registration.pk])).content.decode()
    assert "Submitted</strong>" in page
    assert "show.txt" in page


def test_a_method_without_uploads_is_not_found(
    highfield: Registration, pat: User, login: Callable[[User], Client]
) -> None:
    url = reverse("submissions:upload", args=[highfield.pk, "showcase"])
    assert login(pat).get(url).status_code == 404
