"""Template tags that render Django form fields as GOV.UK Frontend components."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms, template
from django.utils.safestring import SafeData

from openepa.kernel.forms import GovukDateWidget, MonthWidget

register = template.Library()

DATE_PARTS = [("day", "Day", 2), ("month", "Month", 2), ("year", "Year", 4)]
MONTH_PARTS = [("month", "Month", 2), ("year", "Year", 4)]


@register.inclusion_tag("govuk/field.html")
def field(bound: forms.BoundField, **options: Any) -> dict[str, Any]:
    """Render a bound field with its label, hint and error message as GOV.UK does.

    ``count=True`` on a text area with a ``max_length`` adds GOV.UK's character count (the
    count shown as the person types, by GOV.UK Frontend's own script).
    """
    widget = bound.field.widget
    context: dict[str, Any] = {
        "field": bound,
        "hint": options.get("hint", bound.help_text),
        "width": options.get("width"),
        "autocomplete": options.get("autocomplete"),
        "spellcheck": options.get("spellcheck"),
        "numeric": options.get("numeric", False),
        "rows": options.get("rows"),
        "accept": options.get("accept"),
        "input_type": getattr(widget, "input_type", "text"),
    }
    if isinstance(widget, (GovukDateWidget, MonthWidget)):
        context["kind"] = "date"
        context["date_parts"] = MONTH_PARTS if isinstance(widget, MonthWidget) else DATE_PARTS
        context["date_values"] = _date_values(bound.value())
    elif isinstance(widget, forms.CheckboxSelectMultiple):  # a subclass of RadioSelect
        context["kind"] = "checkboxes"
    elif isinstance(widget, forms.RadioSelect):
        context["kind"] = "radios"
    elif isinstance(widget, forms.Textarea):
        context["kind"] = "textarea"
        maxlength = getattr(bound.field, "max_length", None)
        if options.get("count") and maxlength:
            context["maxlength"] = maxlength
            context["maxlength_text"] = f"{maxlength:,}"
    elif isinstance(widget, forms.Select):
        context["kind"] = "select"
    elif isinstance(widget, forms.ClearableFileInput | forms.FileInput):
        context["kind"] = "file"
    else:
        context["kind"] = "input"
    return context


def _date_values(value: Any) -> dict[str, str]:
    """Day, month and year to show in a date input, from submitted parts or a date."""
    if isinstance(value, dict):
        return {part: str(value.get(part, "") or "") for part in ("day", "month", "year")}
    if isinstance(value, date):
        return {"day": str(value.day), "month": str(value.month), "year": str(value.year)}
    return {"day": "", "month": "", "year": ""}


@register.inclusion_tag("govuk/error_summary.html")
def error_summary(*forms_: forms.BaseForm | None, extra: list[str] | None = None) -> dict[str, Any]:
    """The error summary for one or more forms: each error links to its field."""
    errors: list[dict[str, str]] = []
    for form in forms_:
        if form is None or not form.is_bound:
            continue
        for name, messages in form.errors.items():
            anchor = ""
            if name != "__all__":
                bound = form[name]
                anchor = bound.auto_id or ""
            for message in messages:
                # A message with its own link (marked safe) is not wrapped in the field's link.
                linked = isinstance(message, SafeData)
                errors.append({"message": str(message), "anchor": "" if linked else anchor})
    errors += [{"message": message, "anchor": ""} for message in extra or []]
    return {"errors": errors}


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    """``mapping[key]`` in a template."""
    return mapping.get(key, "") if isinstance(mapping, dict) else ""


@register.filter
def in_values(value: Any, values: Any) -> bool:
    """Whether a checkbox value is among the selected values."""
    if values is None:
        return False
    return str(value) in {str(v) for v in values}


@register.simple_tag(takes_context=True)
def query_without_page(context: template.Context) -> str:
    """The current query string without ``page``, ending in & when not empty."""
    params = context["request"].GET.copy()
    params.pop("page", None)
    encoded = params.urlencode()
    return f"{encoded}&" if encoded else ""
