"""Every page, every role: who may see and use what (200), what a role may not use (403) and
what lies outside a person's scope (404).

The world: Pat is an apprentice of Acme Training (Bob) employed by Bright Retail (Erin) on
st0071-highfield; Anna is Pat's assessor and Ivy Pat's IQA; Alice is the EPAO admin. Charlie
(another provider), Eve (another employer) and Mallory (another EPAO's admin) must never reach
Pat's records. Every named URL of OpenEPA must appear in EXPECTED, so a new page cannot be
added without deciding who may use it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from io import BytesIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from openepa.accounts.models import User
from openepa.files.services import store_upload
from openepa.gateway.components import create_components
from openepa.gateway.models import GatewayComponent
from openepa.planning import services as planning
from openepa.registration.models import Registration

PEOPLE = ["anonymous", "alice", "anna", "ivy", "bob", "erin", "pat", "charlie", "eve", "mallory"]
IN_SCOPE = {"alice", "anna", "ivy", "bob", "erin", "pat"}


def _row(default: int, **overrides: int) -> dict[str, int]:
    """Expected status for every person: ``default`` unless overridden; anonymous 302."""
    statuses = dict.fromkeys(PEOPLE, default)
    statuses["anonymous"] = 302
    statuses.update(overrides)
    return statuses


def scoped(in_scope: int = 200, **overrides: int) -> dict[str, int]:
    """A page about Pat's registration: ``in_scope`` for those who may see it, 404 for others."""
    statuses = _row(404, **dict.fromkeys(IN_SCOPE, in_scope))
    statuses.update(overrides)
    return statuses


def admin_only(**overrides: int) -> dict[str, int]:
    """An EPAO admin's page: 403 for every other role."""
    return _row(403, alice=200, mallory=200, **overrides)


def admin_only_about_pat() -> dict[str, int]:
    """An EPAO admin's page about Pat: 403 for every other role, 404 for another EPAO's admin."""
    return _row(403, alice=200, mallory=404)


def provider_only(**overrides: int) -> dict[str, int]:
    """A training provider's page."""
    return _row(403, bob=200, charlie=200, **overrides)


EXPECTED: dict[str, dict[str, int]] = {
    "home": _row(200, pat=302),
    "settings": admin_only(),
    "people:organisations": admin_only(),
    "people:add_organisation": admin_only(),
    "people:people": admin_only(),
    "people:invite": admin_only(),
    "people:invitations": admin_only(),
    "registration:history": admin_only_about_pat(),
    "registration:list": _row(200),
    "registration:create": provider_only(),
    "registration:upload": provider_only(),
    "registration:template_csv": provider_only(),
    "registration:detail": scoped(),
    # A registration's life (tests/registration/test_correct.py, test_hold.py, test_withdraw.py,
    # test_transfer.py): the admin and Pat's provider correct and put on hold; Pat is not on
    # hold, so resuming sends them back to Pat's page; only the admin withdraws or transfers.
    "registration:correct": _row(403, alice=200, bob=200, charlie=404, mallory=404),
    "registration:hold": _row(403, alice=200, bob=200, charlie=404, mallory=404),
    "registration:resume": _row(403, alice=302, bob=302, charlie=404, mallory=404),
    "registration:withdraw": admin_only_about_pat(),
    "registration:transfer": admin_only_about_pat(),
    # Issue 12 (tests/registration/test_learner_checks.py, test_consent.py): the learners to
    # check at the assessment service are the admin's; Pat alone gives Pat's permission; the
    # admin records it with evidence; Pat or the admin withdraw it (none stands: sent back).
    "registration:learner_checks": admin_only(),
    "registration:consent": _row(403, pat=200),
    "registration:consent_record": admin_only_about_pat(),
    "registration:consent_withdraw": _row(403, alice=302, pat=302, mallory=404),
    "gateway:review_queue": admin_only(),
    "gateway:overview": scoped(),
    "gateway:component": scoped(),
    "gateway:submit": scoped(403, bob=200),
    # Everyone who may see Pat's gateway may read a declaration and who signed it; only the
    # named parties may sign it (see test_forbidden_posts_change_nothing).
    "gateway:sign": scoped(),
    "gateway:review": admin_only_about_pat(),
    "gateway:portfolio": scoped(),
    "gateway:piece_add": scoped(403, pat=200),
    "gateway:proposal": scoped(),
    "gateway:proposal_review": scoped(403, anna=200),
    "gateway:confirm": admin_only_about_pat(),
    "files:download": scoped(),
    "planning:assessors": admin_only(),
    "planning:allocations": admin_only(),
    # An assessor or IQA is sent on to their own profile.
    "planning:my_profile": _row(403, anna=302, ivy=302),
    # Anna's profile: Alice and Anna herself; another assessor or IQA cannot find it.
    "planning:profile": _row(403, alice=200, anna=200, ivy=404, mallory=404),
    "planning:profile_edit": _row(403, alice=200, mallory=404),
    "planning:unavailable_add": _row(403, alice=200, mallory=404),
    "planning:relationship_add": _row(403, alice=200, anna=200, ivy=404, mallory=404),
    "planning:relationship_remove": _row(403, alice=200, mallory=404),
    "planning:allocate": admin_only_about_pat(),
    # Pat's plan: everyone who may see Pat; only Anna (allocated) records it; Alice or Anna book.
    "planning:plan": scoped(),
    "planning:plan_edit": _row(403, anna=200),
    "planning:booking_add": _row(403, alice=200, anna=200, mallory=404),
    "planning:timeline": scoped(),
    "planning:at_risk": admin_only(),
    # Only assessors and apprentices have calendar feeds.
    "planning:calendar": _row(403, anna=200, pat=200),
    # Pat's submissions: everyone who may see Pat; Pat or Acme (on Pat's behalf) upload; only
    # Pat's allocated assessor holds the interview; the question banks are the EPAO admin's.
    "submissions:overview": scoped(),
    "submissions:upload": scoped(403, pat=200, bob=200),
    "submissions:interview": _row(403, anna=200),
    "submissions:questions": admin_only(),
    "submissions:question_add": admin_only(),
    "submissions:question_edit": _row(403, alice=200, mallory=404),
    "submissions:question_retire": _row(403, alice=200, mallory=404),
    "claims:list": admin_only(),
    "claims:export_json": admin_only(),
    "claims:export_csv": admin_only(),
    # Issue 12: the assessment service's pages and exports (tests/assessment_service).
    "assessment_service:overview": admin_only(),
    "assessment_service:refused": admin_only(),
    "assessment_service:waiting": admin_only(),
    "assessment_service:epa_records_csv": admin_only(),
    "assessment_service:epa_records_json": admin_only(),
    # Issue 12: each standard's LARS code, set once by an EPAO admin for their own EPAO
    # (tests/claims/test_standards.py).
    "claims:standards": admin_only(),
    "claims:standard": admin_only(),
    # Issue 5: quality settings, IQA and results.
    "results:policy": admin_only(),
    "results:iqa_queue": _row(403, ivy=200),
    "results:release_queue": admin_only(),
    "results:release": admin_only_about_pat(),
    # Everyone who may see Pat sees the result page; the parties see a grade only once
    # released (tests/results/test_release_views.py).
    "results:result": scoped(),
    "results:achievement": scoped(),
    # The record of a method: the allocated assessor keeps it (Pat's gateway is not accepted, so
    # Anna is told why, 409); the IQA and admins read it; the parties cannot see records.
    "assessment:record": _row(403, alice=200, anna=409, ivy=200, mallory=404),
    # Resits, retakes and appeals (tests/results/test_reassessment_views.py, test_appeals.py).
    "results:reassessment": admin_only_about_pat(),
    "results:appeal_lodge": scoped(403, bob=200, erin=200, pat=200, mallory=403),
    "results:appeals": admin_only(),
    "results:my_appeals": _row(403, anna=200, ivy=200),
    # Issue 6: batches of results letters are the EPAO admin's (tests/documents/test_batches.py).
    "documents:batches": admin_only(),
    # Issue 6: each signed-in person's own messages and reminder settings.
    "notifications:inbox": _row(200),
    "notifications:settings": _row(200),
}
# Pages outside the matrix, each for a stated reason.
NOT_IN_MATRIX = {
    "assessment:history": (
        "needs a record: every role tested in tests/assessment/test_record_views.py"
    ),
    "results:iqa_review": "needs a record: every person tested in tests/results/test_iqa_views.py",
    "login": "public: the sign-in page",
    "favicon": "public: a redirect to the icon, tested in tests/web/test_favicon.py",
    "logout": "POST only: signing out",
    "people:accept_invitation": "public: reached with a secret token, tested in tests/accounts",
    "people:password_reset": "public",
    "people:password_reset_done": "public",
    "people:password_reset_confirm": "public: reached with a secret token",
    "people:password_reset_complete": "public",
    "people:renew_invitation": "POST only, EPAO admin: tested in tests/accounts",
    "people:invite_apprentice": (
        "POST only, EPAO admin or the apprentice's provider: tests/people/"
        "test_apprentice_invitations.py"
    ),
    "gateway:piece_remove": "POST only, tested in tests/gateway",
    "registration:check_again": (
        "POST only, EPAO admin: tests/registration/test_learner_checks.py"
    ),
    "planning:unavailable_remove": "POST only, EPAO admin: tested in tests/planning",
    "planning:plan_sign": "POST only, apprentice and assessor: tests/planning/test_plan_sign.py",
    "planning:booking_move": "needs a booking: tested in tests/planning/test_booking_move.py",
    "planning:booking_cancel": "needs a booking: tested in tests/planning/test_booking_move.py",
    "planning:calendar_renew": "POST only, assessor or apprentice: tested in tests/planning",
    "planning:calendar_feed": "public: reached with a secret token, tested in tests/planning",
    "planning:booking_ics": "needs a booking: every person tested in test_calendar.py",
    "submissions:withdraw": "POST only, apprentice or provider: tested in tests/submissions",
    "submissions:question_seed": "POST only, EPAO admin: tested in tests/submissions",
    "claims:detail": "needs a claim: every person tested in tests/claims/test_views.py",
    "claims:edit": "needs a claim: every person tested in tests/claims/test_views.py",
    "claims:move": "POST only, EPAO admin: tested in tests/claims/test_views.py",
    "claims:draft_missing": "POST only, EPAO admin: tested in tests/claims/test_views.py",
    "assessment_service:send_now": (
        "POST only, EPAO admin: tested in tests/assessment_service/test_views.py"
    ),
    "assessment_service:send_again": (
        "POST only, EPAO admin: tests/assessment_service/test_acceptance_refusals.py"
    ),
    "claims:submit": "POST only, EPAO admin: tested in tests/claims/test_views.py",
    "claims:look_up": "POST only, EPAO admin: tested in tests/claims/test_views.py",
    "claims:submit_selected": "POST only, EPAO admin: tested in tests/claims/test_views.py",
    "results:appeal_assign": "needs an appeal: every role tested in tests/results/test_appeals.py",
    "results:appeal_decide": "needs an appeal: every role tested in tests/results/test_appeals.py",
    "results:appeal_withdraw": (
        "needs an appeal: every role tested in tests/results/test_appeals.py"
    ),
    "documents:pdf": (
        "needs a document name: every person and document in tests/documents/test_permissions.py"
    ),
    "documents:batch_download": "needs a batch: every role in tests/documents/test_batches.py",
    "notifications:detail": "needs a notification: owner only, tested in tests/notifications",
    "notifications:attachment": "needs a notification: owner only, tested in tests/notifications",
}


def _named_urls() -> set[str]:
    """Every named URL of OpenEPA (Django's own admin site excluded)."""
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or namespace
                if pattern.namespace == "admin":
                    continue
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, None)
    return names


def test_every_named_url_is_in_the_matrix() -> None:
    assert _named_urls() == set(EXPECTED) | set(NOT_IN_MATRIX)


@pytest.fixture
def world(
    make_registration: Callable[..., Registration],
    alice: User,
    anna: User,
    ivy: User,
    bob: User,
    erin: User,
    pat: User,
    charlie: User,
    eve: User,
    mallory: User,
) -> dict[str, Any]:
    """Pat's Highfield registration with a gateway, a file and the people around it."""
    registration = make_registration(
        "st0071-highfield", apprentice_user=pat, assessor=anna, iqa=ivy
    )
    components = {c.uses or c.evidence: c for c in create_components(registration)}
    upload = SimpleUploadedFile("english.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF")
    stored = store_upload(
        upload, registration=registration, user=bob, allowed=("pdf", "docx", "txt", "png", "jpeg")
    )
    declaration = GatewayComponent.objects.get(
        registration=registration, requirement_id="gateway-declaration"
    )
    people = {
        "alice": alice,
        "anna": anna,
        "ivy": ivy,
        "bob": bob,
        "erin": erin,
        "pat": pat,
        "charlie": charlie,
        "eve": eve,
        "mallory": mallory,
    }
    return {
        "registration": registration,
        "components": components,
        "file": stored,
        "declaration": declaration,
        "people": people,
    }


def _url(name: str, world: dict[str, Any]) -> str:
    registration = world["registration"]
    if name.startswith("submissions:"):
        return _submissions_url(name, world)
    components = world["components"]
    by_name = {
        "gateway:submit": components["english_maths"],
        "gateway:sign": world["declaration"],
        "gateway:review": components["english_maths"],
        "gateway:portfolio": components["portfolio"],
        "gateway:piece_add": components["portfolio"],
        "gateway:proposal": components["project_proposal"],
        "gateway:proposal_review": components["project_proposal"],
        "gateway:component": components["english_maths"],
    }
    if name in by_name:
        return reverse(name, args=[registration.pk, by_name[name].pk])
    if name in ("gateway:overview", "gateway:confirm"):
        return reverse(name, args=[registration.pk])
    if name.startswith("registration:") and name not in (
        "registration:list",
        "registration:create",
        "registration:upload",
        "registration:template_csv",
        "registration:learner_checks",
    ):
        return reverse(name, args=[registration.pk])
    if name in ("results:reassessment", "results:appeal_lodge"):
        return reverse(name, args=[registration.pk])
    if name in ("results:release", "results:result", "results:achievement"):
        return reverse(name, args=[registration.pk])
    if name == "assessment:record":
        return reverse(name, args=[registration.pk, "observation"])
    if name == "claims:standard":
        return reverse(name, args=["ST0071"])
    if name == "files:download":
        return reverse(name, args=[world["file"].uuid])
    if name in ("planning:plan", "planning:plan_edit", "planning:booking_add"):
        return reverse(name, args=[registration.pk])
    if name in ("planning:allocate", "planning:timeline"):
        return reverse(name, args=[registration.pk])
    anna = world["people"]["anna"]
    if name == "planning:relationship_remove":
        relationship = planning.declare_relationship(
            planning.profile_of(anna),
            anna,
            kind="worked_with_provider",
            organisation=registration.provider,
            declared_on=date(2026, 6, 1),
        )
        return reverse(name, args=[anna.pk, relationship.pk])
    if name.startswith("planning:") and name not in (
        "planning:assessors",
        "planning:allocations",
        "planning:my_profile",
        "planning:at_risk",
        "planning:calendar",
    ):
        return reverse(name, args=[anna.pk])
    return reverse(name)


def _submissions_url(name: str, world: dict[str, Any]) -> str:
    """Pat's submissions (the Highfield project), or a question of Alice's EPAO's bank."""
    from openepa.submissions.models import InterviewQuestion

    registration = world["registration"]
    if name in ("submissions:upload", "submissions:interview"):
        return reverse(name, args=[registration.pk, "project"])
    if name in ("submissions:question_edit", "submissions:question_retire"):
        question = InterviewQuestion.objects.create(
            epao=registration.epao,
            spec_id="st0071-highfield",
            method_id="project",
            number=1,
            text="Tell me about your project.",
        )
        return reverse(name, args=[question.pk])
    if name == "submissions:overview":
        return reverse(name, args=[registration.pk])
    return reverse(name)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_who_may_get_each_page(name: str, world: dict[str, Any], client: Client) -> None:
    url = _url(name, world)
    actual = {}
    for person in PEOPLE:
        client.logout()
        if person != "anonymous":
            client.force_login(
                world["people"][person], backend="django.contrib.auth.backends.ModelBackend"
            )
        actual[person] = client.get(url).status_code
    assert actual == EXPECTED[name], url


def _post_as(client: Client, person: User, url: str, data: dict[str, Any]) -> int:
    client.force_login(person, backend="django.contrib.auth.backends.ModelBackend")
    return client.post(url, data).status_code


def test_forbidden_posts_change_nothing(world: dict[str, Any], client: Client) -> None:
    """Erin cannot submit the provider's English evidence, Charlie cannot even find it."""
    people = world["people"]
    component = world["components"]["english_maths"]
    url = reverse("gateway:submit", args=[world["registration"].pk, component.pk])
    for person, status in (("erin", 403), ("alice", 403), ("charlie", 404), ("mallory", 404)):
        data = {"file": BytesIO(b"%PDF-1.4 x"), "level_achieved": "2"}
        assert _post_as(client, people[person], url, data) == status, person
    component.refresh_from_db()
    assert (component.status, component.attempts) == ("not_started", 0)


def test_only_the_named_parties_sign_a_declaration(world: dict[str, Any], client: Client) -> None:
    """Alice, Anna and Ivy may read the gateway declaration but not sign it for anyone."""
    declaration = world["declaration"]
    url = reverse("gateway:sign", args=[world["registration"].pk, declaration.pk])
    for person, status in (("alice", 403), ("anna", 403), ("ivy", 403), ("eve", 404)):
        assert _post_as(client, world["people"][person], url, {"signed_name": "X"}) == status
    assert not declaration.signatures.exists()
