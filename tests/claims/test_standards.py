"""The "Standards at the assessment service" page: each standard's LARS code, set once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from openepa.accounts.models import Organisation, StandardAtService, User
from openepa.audit.models import AuditEvent
from openepa.claims import standards
from openepa.claims.models import CertificateClaim
from openepa.claims.standards import FactsCache, StandardChanged, StandardInfo, StandardRefused
from openepa.specifications.models import SpecificationRecord

PEOPLE = ["alice", "anna", "ivy", "bob", "erin", "pat", "charlie", "eve", "mallory"]


@pytest.fixture
def loaded(specs: dict[str, SpecificationRecord]) -> dict[str, SpecificationRecord]:
    """The specification files loaded (ST0071 and ST0072)."""
    return specs


def _post(client: Client, reference: str, follow: bool = False, **data: Any) -> Any:
    values = {"revision": "0", "lars_code": "123", "reason": "Checked on the standard's page"}
    values.update(data)
    return client.post(reverse("claims:standard", args=[reference]), values, follow=follow)


@pytest.mark.usefixtures("loaded")
@pytest.mark.parametrize("name", ["claims:standards", "claims:standard"])
def test_only_epao_admins_reach_the_page(
    name: str, client: Client, request: pytest.FixtureRequest
) -> None:
    url = reverse(name, args=["ST0071"] if name == "claims:standard" else [])
    assert client.get(url).status_code == 302
    expected = dict.fromkeys(PEOPLE, 403) | {"alice": 200, "mallory": 200}
    actual = {}
    for person in PEOPLE:
        client.force_login(
            request.getfixturevalue(person), backend="django.contrib.auth.backends.ModelBackend"
        )
        actual[person] = client.get(url).status_code
    assert actual == expected


@pytest.mark.usefixtures("loaded")
def test_the_page_lists_each_standard_with_where_each_fact_comes_from(
    login: Callable[[User], Client], alice: User
) -> None:
    page = login(alice).get(reverse("claims:standards")).content.decode()
    assert "ST0071 Customer Service Specialist" in page
    assert "ST0072 Customer Service Practitioner" in page
    assert "Not set: claims and EPA records name ST0071 by its reference alone" in page
    assert "None: a certificate of ST0071 carries no course option" in page
    assert "From the standard files loaded." in page
    settings = login(alice).get(reverse("settings")).content.decode()
    assert reverse("claims:standards") in settings


@pytest.mark.usefixtures("loaded")
def test_an_admin_sets_the_code_once_and_the_history_keeps_who_when_why(
    login: Callable[[User], Client], alice: User, epao: Organisation
) -> None:
    client = login(alice)
    response = _post(client, "ST0071")
    assert response.status_code == 302
    row = StandardAtService.objects.get(epao=epao, reference="ST0071")
    assert (row.lars_code, row.revision, row.updated_by) == (123, 1, alice)
    event = AuditEvent.objects.get(action="claims.lars_code_set")
    assert (event.actor, event.reason) == (alice, "Checked on the standard's page")
    assert event.changes == {"lars_code": {"old": None, "new": 123}}
    page = client.get(reverse("claims:standard", args=["ST0071"])).content.decode()
    assert "LARS code of ST0071 set to 123" in page
    assert "Checked on the standard&#x27;s page" in page
    listing = client.get(reverse("claims:standards")).content.decode()
    assert "Set by Alice Admin on" in listing
    assert "Why: Checked on the standard&#x27;s page" in listing  # the latest reason
    response = _post(client, "ST0071", revision="1", lars_code="124", reason="Corrected")
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="claims.lars_code_set").count() == 2
    listing = client.get(reverse("claims:standards")).content.decode()
    assert "Why: Corrected" in listing
    assert "Why: Checked" not in listing
    page = client.get(reverse("claims:standard", args=["ST0071"])).content.decode()
    assert "LARS code of ST0071 set to 124 (was 123)" in page


@pytest.mark.usefixtures("loaded")
@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("abc", "Enter the LARS code as a whole number in the digits 0 to 9, like 123"),
        ("１２３", "Enter the LARS code as a whole number in the digits 0 to 9, like 123"),
        ("12.5", "Enter the LARS code as a whole number in the digits 0 to 9, like 123"),
        ("0", "Enter a LARS code of 1 or more: 0 is not a standard&#x27;s code"),
        ("-5", "Enter a LARS code of 1 or more: 0 is not a standard&#x27;s code"),
        ("99999", "Enter a LARS code of 32767 or less"),
        ("", "Enter the standard&#x27;s LARS code, like 123"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(
    typed: str, message: str, login: Callable[[User], Client], alice: User
) -> None:
    response = _post(login(alice), "ST0071", lars_code=typed)
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert message in page
    assert not StandardAtService.objects.exists()
    box = response.context["form"]["lars_code"]
    assert box.value() == typed  # what was typed comes back with the message
    html = page[page.index('id="id_lars_code"') - 200 : page.index('id="id_lars_code"') + 400]
    assert 'type="text"' in html
    assert 'inputmode="numeric"' in html
    assert 'spellcheck="false"' in html


@pytest.mark.usefixtures("loaded")
def test_a_reason_is_required_and_an_unknown_standard_is_not_found(
    login: Callable[[User], Client], alice: User
) -> None:
    client = login(alice)
    response = _post(client, "ST0071", reason="")
    assert "Enter where you confirmed the code" in response.content.decode()
    for reference in ("ST9999", "st0071", "ST００７１", "nothing"):
        assert client.get(reverse("claims:standard", args=[reference])).status_code == 404
        assert _post(client, reference).status_code == 404
    assert not StandardAtService.objects.exists()


@pytest.mark.usefixtures("loaded")
def test_each_epao_sets_its_own_code(
    login: Callable[[User], Client], alice: User, mallory: User, epao: Organisation
) -> None:
    _post(login(alice), "ST0071")
    page = login(mallory).get(reverse("claims:standards")).content.decode()
    assert "Not set: claims and EPA records name ST0071 by its reference alone" in page
    _post(login(mallory), "ST0071", lars_code="456")
    codes = dict(StandardAtService.objects.values_list("epao_id", "lars_code"))
    assert codes == {epao.pk: 123, mallory.epao_id: 456}


@pytest.mark.usefixtures("loaded")
def test_a_code_saved_by_someone_else_meanwhile_is_refused(
    login: Callable[[User], Client], alice: User
) -> None:
    client = login(alice)
    _post(client, "ST0071")
    response = _post(client, "ST0071", revision="0", lars_code="999")
    page = response.content.decode()
    assert "Alice Admin set the LARS code of ST0071 to 123 at" in page
    assert "your value is still below" in page
    assert 'value="999"' in page
    assert StandardAtService.objects.get().lars_code == 123


@pytest.mark.usefixtures("loaded")
def test_a_code_other_than_the_standard_files_is_refused(
    epao: Organisation, alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    info = standards.standard_info(epao.pk, "ST0071")
    assert info is not None
    files = {v: s.model_copy(update={"lars_code": 321}) for v, s in info.files.items()}
    monkeypatch.setattr(
        standards, "standard_info", lambda epao_id, ref: StandardInfo(ref, info.title, files)
    )
    with pytest.raises(StandardRefused) as refused:
        standards.set_lars_code(
            epao, alice, reference="ST0071", lars_code=123, revision=0, reason="Typed"
        )
    assert refused.value.message == (
        "The standard file st0071-v1.2 gives ST0071 the LARS code 321: correct the file if "
        "that code is wrong, rather than setting another here"
    )
    assert not isinstance(refused.value, StandardChanged)


@pytest.mark.usefixtures("loaded")
def test_the_facts_of_a_standard(epao: Organisation, alice: User) -> None:
    info = FactsCache().info(epao.pk, "ST0071")
    assert (info.versions, info.lars_code, info.source_of_code()) == (("1.2",), None, "not set")
    assert info.facts.options_of("1.2") == ()
    standards.set_lars_code(
        epao, alice, reference="ST0071", lars_code=123, revision=0, reason="Checked"
    )
    info = FactsCache().info(epao.pk, "ST0071")
    assert info.facts.lars_code == 123
    assert info.source_of_code().startswith("set by Alice Admin on ")
    assert FactsCache().info(epao.pk, "ST0099").facts.versions == ()


def test_changing_the_code_sends_ready_claims_back_to_draft(
    add_claims: Callable[[int], list[CertificateClaim]],
    epao: Organisation,
    alice: User,
    lars_code: StandardAtService,
) -> None:
    claims = add_claims(3)  # the first is ready
    changes = standards.set_lars_code(
        epao, alice, reference="ST0071", lars_code=124, revision=1, reason="Corrected"
    )
    assert changes[standards.BACK_TO_DRAFT] == (1, 0)
    ready = CertificateClaim.objects.get(pk=claims[0].pk)
    assert ready.status == "draft"
    change = ready.changes.get(field="status", new="draft", old="ready")
    assert change.reason.startswith("The LARS code of ST0071 changed from 123 to 124")
    assert change.changed_by == alice


def test_the_banner_says_how_many_ready_claims_went_back_to_draft(
    add_claims: Callable[[int], list[CertificateClaim]],
    login: Callable[[User], Client],
    alice: User,
    lars_code: StandardAtService,
) -> None:
    add_claims(4)  # the first and the fourth are ready
    response = _post(
        login(alice), "ST0071", revision="1", lars_code="124", reason="Corrected", follow=True
    )
    assert (
        "The LARS code of ST0071 was set to 124: 2 ready claims went back to draft, to be "
        "checked and marked ready again"
    ) in response.content.decode()
