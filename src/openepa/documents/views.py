"""Downloading documents as PDFs, and requesting and downloading batches of letters."""

from __future__ import annotations

from typing import TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from openepa.accounts.models import User
from openepa.documents import services, tasks
from openepa.documents.forms import BatchForm
from openepa.documents.models import DocumentBatch
from openepa.kernel.roles import role_required
from openepa.registration.access import Role, get_registration
from openepa.registration.models import Registration
from openepa.registration.timing import long_date
from openepa.rules.identifiers import whole_number

PAGE_SIZE = 25
R = TypeVar("R", bound=HttpResponseBase)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _private(response: R) -> R:
    response["Cache-Control"] = "private, no-store"
    return response


def _refused(
    request: HttpRequest, registration: Registration, status: int, message: str
) -> HttpResponse:
    heading = "You cannot see this document" if status == 403 else "There is no such document"
    return render(
        request,
        "documents/refused.html",
        {"heading": heading, "message": message, "registration": registration},
        status=status,
    )


@login_required
def pdf(request: HttpRequest, registration_pk: int, name: str) -> HttpResponse:
    """One document of one registration as a PDF download (``?method=`` for a method record)."""
    user = _user(request)
    registration = get_registration(user, registration_pk)
    if name not in services.DOCUMENTS:
        raise Http404("No such document")
    if not services.may_see(user, name):
        return _refused(request, registration, 403, services.refusal(name))
    method = request.GET.get("method", "")
    record = request.GET.get("record", "")
    record_id = whole_number(record, low=1) if record else None
    if record and record_id is None:
        message = f"There is no record {record!r}: open the document from the apprentice's page."
        return _refused(request, registration, 404, message)
    try:
        data = services.render_document(
            name,
            registration,
            viewer=user,
            method=method,
            record=record_id,
        )
    except services.DocumentUnavailable as unavailable:
        return _refused(request, registration, 404, unavailable.message)
    response = HttpResponse(data, content_type="application/pdf")
    filename = services.file_name(name, registration, method)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _private(response)


@role_required(Role.EPAO_ADMIN)
def batches(request: HttpRequest) -> HttpResponse:
    """Request a batch of results letters, and the batches already requested."""
    user = _user(request)

    def count(start: object, end: object) -> int:
        return services.results_released_between(user, start, end)  # type: ignore[arg-type]

    form = BatchForm(request.POST if request.method == "POST" else None, count=count)
    if request.method == "POST" and form.is_valid():
        batch = tasks.request_batch(
            user, form.cleaned_data["released_from"], form.cleaned_data["released_to"]
        )
        messages.success(
            request,
            f"The results letters of results released {long_date(batch.released_from)} to "
            f"{long_date(batch.released_to)} are being prepared: you will get an email when "
            "they are ready.",
        )
        return redirect("documents:batches")
    page = Paginator(services.batches_for(user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "documents/batches.html", {"form": form, "page_obj": page, "batches": page}
    )


@never_cache
@role_required(Role.EPAO_ADMIN)
def batch_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The batch's ZIP file, for the admins of its EPAO once it is done."""
    user = _user(request)
    batch = DocumentBatch.objects.filter(pk=pk, epao_id=user.epao_id).first()
    if batch is None:
        raise Http404("No such batch")
    path = services.batch_dir() / batch.file if batch.file else None
    if batch.status != DocumentBatch.Status.DONE or path is None or not path.exists():
        raise Http404("The batch is not ready yet")
    response = FileResponse(
        path.open("rb"), as_attachment=True, filename=batch.filename, content_type="application/zip"
    )
    return _private(response)  # type: ignore[return-value]  # a FileResponse streams
