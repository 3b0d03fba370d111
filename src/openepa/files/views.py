"""Serve stored files only to people who may see the registration they belong to."""

from __future__ import annotations

import logging
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from openepa.accounts.models import User
from openepa.files.models import StoredFile
from openepa.files.services import path_of
from openepa.registration.access import registrations_for

log = logging.getLogger(__name__)


@login_required
@require_GET
def download(request: HttpRequest, uuid: UUID) -> FileResponse:
    """Send a stored file as a download, with its checked content type.

    A file of a registration outside the user's scope is "not found", as is an unknown one.
    """
    user: User = request.user  # type: ignore[assignment]
    stored = StoredFile.objects.filter(uuid=uuid).first()
    if stored is None or not registrations_for(user).filter(pk=stored.registration_id).exists():
        raise Http404("No such file")
    path = path_of(stored)
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        log.error("Stored file %s (%s) is missing from %s", stored.pk, stored.uuid, path)
        raise Http404("The file is missing from storage") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=stored.original_name,
        content_type=stored.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
