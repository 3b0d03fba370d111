"""Sign-in records (django-axes) in Django's admin: the people of the superuser's EPAO only.

Attempts, sign-ins and failures are history: they are listed, never changed or deleted there
(a password reset clears an address's failed attempts, through OpenEPA's own page).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.db.models import Model
from django.test import Client

from openepa.accounts.models import User

MODELS = [AccessAttempt, AccessLog, AccessFailureLog]


def record(model: type[Model], username: str, ip: str) -> Any:
    fields: dict[str, Any] = {
        "username": username,
        "ip_address": ip,
        "user_agent": "test",
        "http_accept": "text/html",
        "path_info": "/sign-in/",
    }
    if model is AccessAttempt:
        fields.update(get_data="", post_data="", failures_since_start=3)
    return model.objects.create(**fields)


def list_path(model: type[Model]) -> str:
    return f"/django-admin/axes/{model._meta.model_name}/"


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_only_the_sign_ins_of_the_superusers_epao_are_listed(
    login: Callable[[User], Client], sam: User, bob: User, mallory: User, model: type[Model]
) -> None:
    ours = record(model, bob.email, "192.0.2.10")
    theirs = record(model, mallory.email, "192.0.2.66")
    record(model, "nobody@unknown.example", "192.0.2.77")
    client = login(sam)
    page = client.get(list_path(model)).content.decode()
    assert "192.0.2.10" in page
    assert "192.0.2.66" not in page
    assert "192.0.2.77" not in page
    assert client.get(f"{list_path(model)}{ours.pk}/change/").status_code == 200
    assert client.get(f"{list_path(model)}{theirs.pk}/change/").status_code == 302


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_sign_in_records_cannot_be_deleted_or_changed(
    login: Callable[[User], Client], sam: User, bob: User, model: type[Model]
) -> None:
    ours = record(model, bob.email, "192.0.2.10")
    client = login(sam)
    path = list_path(model)
    assert client.post(f"{path}{ours.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"{path}{ours.pk}/change/", {"username": "x"}).status_code == 403
    for action in ("delete_selected", "cleanup_expired_attempts"):
        client.post(path, {"action": action, "_selected_action": [ours.pk], "post": "yes"})
    assert model.objects.filter(pk=ours.pk, username=bob.email).exists()
