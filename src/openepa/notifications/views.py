"""Each person's messages (what OpenEPA emailed them) and their reminder settings.

Every signed-in person may use these pages; each sees only their own notifications, and a
notification of anyone else is "not found".
"""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.db.models.functions import Length
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from openepa.accounts.models import User
from openepa.notifications import services
from openepa.notifications.forms import ReminderSettingsForm
from openepa.notifications.kinds import ALWAYS_SENT, KINDS
from openepa.notifications.models import NotificationAttachment

PAGE_SIZE = 25


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The emails sent to the signed-in person, newest first, 25 a page."""
    notifications = (
        services.inbox(_user(request))
        .only("pk", "kind", "subject", "status", "created_at", "sent_at", "to_email")
        .annotate(attachment_count=Count("attachments"))
    )
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page_obj": page})


@login_required
def message(request: HttpRequest, pk: int) -> HttpResponse:
    """One email as it was sent: subject, text and attachments."""
    notification = services.inbox(_user(request)).filter(pk=pk).first()
    if notification is None:
        raise Http404("No such message")
    attachments = (
        notification.attachments.defer("content").annotate(bytes=Length("content")).order_by("pk")
    )
    return render(
        request,
        "notifications/detail.html",
        {
            "notification": notification,
            "attachments": attachments,
            "kind_label": KINDS[notification.kind].label if notification.kind in KINDS else "",
        },
    )


@login_required
def attachment(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    """Download a file sent with one of the person's own messages."""
    found = NotificationAttachment.objects.filter(
        pk=attachment_pk, notification_id=pk, notification__user=_user(request)
    ).first()
    if found is None:
        raise Http404("No such attachment")
    response = HttpResponse(bytes(found.content), content_type=found.mimetype)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(found.filename)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def reminder_settings(request: HttpRequest) -> HttpResponse:
    """Choose which reminders to get by email; decisions and results always go."""
    user = _user(request)
    if request.method == "POST":
        form = ReminderSettingsForm(request.POST)
        if form.is_valid():
            changes = services.set_reminders(user, form.cleaned_data["reminders"])
            if changes:
                messages.success(request, "Your reminder settings were saved")
            else:
                messages.info(request, "Nothing was changed")
            return redirect("notifications:settings")
    else:
        form = ReminderSettingsForm(initial={"reminders": services.wanted_reminders(user)})
    return render(
        request,
        "notifications/settings.html",
        {
            "form": form,
            "always": [KINDS[kind].label for kind in ALWAYS_SENT],
        },
    )
