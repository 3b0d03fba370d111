"""The data migration of existing claims: nothing is lost, every change is kept."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from openepa.accounts.models import User
from openepa.claims import services
from openepa.claims.models import CertificateClaim, ClaimChange
from openepa.registration.models import Registration
from openepa.results.models import Result

BEFORE = ("claims", "0002_service_statuses_and_reference")
AFTER = ("claims", "0004_remove_address_line_4")


@pytest.mark.django_db(transaction=True)
def test_line_4_moves_into_line_3_and_returned_becomes_delivery_attempted(
    make_registration: Callable[..., Registration],
    make_result: Callable[..., Result],
    alice: User,
) -> None:
    both = services.draft_claim_for_result(make_result(make_registration()), alice)
    only_4 = services.draft_claim_for_result(make_result(make_registration()), alice)
    untouched = services.draft_claim_for_result(make_result(make_registration()), alice)
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    old = executor.loader.project_state([BEFORE]).apps.get_model("claims", "CertificateClaim")
    old.objects.filter(pk=both.pk).update(
        address_line_3="Hyde Park", address_line_4="Westminster", status="returned"
    )
    old.objects.filter(pk=only_4.pk).update(address_line_4="Kirkstall")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([AFTER])
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    both_now = CertificateClaim.objects.get(pk=both.pk)
    assert (both_now.address_line_3, both_now.status) == ("Hyde Park, Westminster", "not_delivered")
    assert both_now.revision == both.revision + 1
    kept = ClaimChange.objects.filter(claim=both_now).exclude(new="draft")
    changes = {change.field: change for change in kept}
    assert (changes["status"].old, changes["status"].new) == ("returned", "not_delivered")
    assert (changes["address_line_3"].old, changes["address_line_3"].new) == (
        "Hyde Park",
        "Hyde Park, Westminster",
    )
    assert (changes["address_line_4"].old, changes["address_line_4"].new) == ("Westminster", "")
    assert changes["address_line_4"].reason.startswith(
        "The apprenticeship assessment service reads address lines 1 to 3 and a city"
    )
    assert changes["status"].changed_by is None
    assert CertificateClaim.objects.get(pk=only_4.pk).address_line_3 == "Kirkstall"
    assert CertificateClaim.objects.get(pk=untouched.pk).revision == untouched.revision
    assert not ClaimChange.objects.filter(claim_id=untouched.pk).exclude(new="draft").exists()
