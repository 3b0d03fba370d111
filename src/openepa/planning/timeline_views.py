"""Pages of the timeline, the at-risk list and the calendars.

Everyone who may see a registration may see its timeline; the at-risk list is the EPAO
admin's; each assessor and apprentice has a calendar page with their private feed's URL. The
feed itself is served without a session: its secret token is the credential, and an unknown
or renewed token is "not found".
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from openepa.accounts.models import Organisation, User
from openepa.kernel import clock
from openepa.kernel.forms import GovukDateField, RecordChoiceField, WholeNumberField
from openepa.kernel.roles import role_required
from openepa.planning import calendar, timeline
from openepa.planning.models import Booking, CalendarFeed
from openepa.registration.access import get_registration
from openepa.specifications.models import SpecificationRecord

Role = User.Role
PAGE_SIZE = 25
ALL_ROLES = tuple(Role.values)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@role_required(*ALL_ROLES)
def timeline_page(request: HttpRequest, registration_pk: int) -> HttpResponse:
    """Every date the rules produce for one apprentice: done, due or overdue."""
    registration = get_registration(_user(request), registration_pk)
    on = clock.today()
    return render(
        request,
        "planning/timeline.html",
        {
            "registration": registration,
            "entries": timeline.timeline(registration, on),
            "today": on,
        },
    )


def _full_name(person: User) -> str:
    return person.full_name


class AtRiskForm(forms.Form):
    """The filters of the at-risk list."""

    days = WholeNumberField(
        label="Windows ending within (days)",
        min_value=0,
        max_value=365,
        required=False,
        widget=forms.TextInput,
        error_messages={
            "invalid": "Enter the number of days as a whole number, like 30",
            "min_value": "The number of days must be 0 or more",
            "max_value": "The number of days must be 365 or fewer",
        },
    )
    provider = RecordChoiceField(
        label="Training provider",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="Any provider",
    )
    assessor = RecordChoiceField(
        label="Assessor", queryset=User.objects.none(), required=False, empty_label="Any assessor"
    )
    specification = forms.ChoiceField(label="Specification", required=False)
    window_ends_by = GovukDateField(label="EPA window ends on or before", required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        provider = self.fields["provider"]
        assert isinstance(provider, forms.ModelChoiceField)
        provider.queryset = Organisation.objects.filter(
            epao_id=user.epao_id, kind=Organisation.Kind.PROVIDER
        ).order_by("name")
        assessor = self.fields["assessor"]
        assert isinstance(assessor, forms.ModelChoiceField)
        assessor.queryset = User.objects.filter(epao_id=user.epao_id, role=Role.ASSESSOR).order_by(
            "full_name"
        )
        assessor.label_from_instance = _full_name  # type: ignore[assignment,method-assign]
        spec_ids = (
            SpecificationRecord.objects.filter(is_current=True)
            .order_by("spec_id")
            .values_list("spec_id", flat=True)
        )
        specification = self.fields["specification"]
        assert isinstance(specification, forms.ChoiceField)
        specification.choices = [("", "Any specification")] + [(s, s) for s in spec_ids]

    def filters(self) -> timeline.AtRiskFilters:
        """The filters asked for (the default for any field that is not valid)."""
        self.is_valid()  # the fields that are valid filter; the others are explained
        data = self.cleaned_data
        days = data.get("days")
        return timeline.AtRiskFilters(
            days=30 if days is None else days,
            provider=data["provider"].pk if data.get("provider") else None,
            assessor=data["assessor"].pk if data.get("assessor") else None,
            specification=data.get("specification") or None,
            window_ends_by=data.get("window_ends_by"),
        )


@role_required(Role.EPAO_ADMIN)
def at_risk(request: HttpRequest) -> HttpResponse:
    """The EPAO's apprentices at risk of missing a date, window ending soonest first."""
    user = _user(request)
    form = AtRiskForm(request.GET or None, user=user)
    filters = form.filters() if request.GET else timeline.AtRiskFilters()
    on = clock.today()
    page = Paginator(timeline.at_risk(user, filters, on), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "planning/at_risk.html",
        {
            "form": form if request.GET else AtRiskForm(initial={"days": 30}, user=user),
            "page_obj": page,
            "rows": timeline.rows(list(page.object_list), on),
            "filters": filters,
            "today": on,
        },
    )


def _feed_url(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("planning:calendar_feed", args=[token]))


@role_required(Role.ASSESSOR, Role.APPRENTICE)
def calendar_page(request: HttpRequest) -> HttpResponse:
    """The person's private calendar feed: whether they have one, and a way to renew it."""
    user = _user(request)
    token = request.session.pop("calendar_token", None)
    return render(
        request,
        "planning/calendar.html",
        {
            "feed": CalendarFeed.objects.filter(user=user).first(),
            "feed_url": _feed_url(request, token) if token else None,
        },
    )


@require_POST
@role_required(Role.ASSESSOR, Role.APPRENTICE)
def calendar_renew(request: HttpRequest) -> HttpResponse:
    """Make a new secret URL; the old one stops working."""
    token = calendar.renew_feed(_user(request))
    request.session["calendar_token"] = token
    messages.success(
        request, "Your calendar has a new address. Any address you used before no longer works."
    )
    return redirect("planning:calendar")


def _ics(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The iCalendar feed of the person whose secret token is in the URL (no session)."""
    user = calendar.user_for_token(token)
    if user is None:
        raise Http404("No such calendar")
    text = calendar.render(calendar.feed_events(user), f"OpenEPA: {user.full_name}", clock.now())
    return _ics(text, "openepa.ics")


@role_required(*ALL_ROLES)
def booking_ics(request: HttpRequest, registration_pk: int, booking_pk: int) -> HttpResponse:
    """A booking's confirmation as an .ics file, for anyone who may see the registration."""
    registration = get_registration(_user(request), registration_pk)
    booking = (
        Booking.objects.filter(registration=registration, pk=booking_pk)
        .select_related("assessor", "registration__apprentice", "registration__specification")
        .first()
    )
    if booking is None or booking.status != Booking.Status.BOOKED:
        raise Http404("No such booking")
    text = calendar.render([calendar.booking_event(booking)], "OpenEPA booking", clock.now())
    return _ics(text, f"booking-{booking.pk}.ics")
