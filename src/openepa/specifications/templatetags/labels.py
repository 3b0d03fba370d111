"""The ``labels`` template library: a specification's ids in the words people read.

Every page, email and PDF template may ``{% load labels %}``: it lives in this app, the
lowest of the installed apps, so a domain app's template loads nothing from an app above
its own. Each filter calls :mod:`openepa.rules.labels`, the one place that owns the
words::

    {{ booking.mode|mode_label }}                       Face to face
    {{ appeal.lodged_as|party_words }}                  training provider
    {{ record.method_id|method_name:record }}           Practical observation with Q&As
    {{ piece.ksbs|ksb_refs:registration }}              K1, S2 (or the areas' names)

Filters that need the specification take, as their argument, the specification itself, a
stored specification, a registration, anything with a ``registration`` or a
``specification`` (a record, an appeal), or a specification's id.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template

from openepa.rules import labels
from openepa.rules.model import Specification, Standard
from openepa.specifications.models import SpecificationRecord
from openepa.specifications.services import rules_for

register = template.Library()


def rules_of(source: Any) -> tuple[Specification | None, Standard | None]:
    """The specification and standard a filter's argument stands for (None where none)."""
    if isinstance(source, Specification):
        return source, None
    if isinstance(source, Standard):
        return None, source
    if isinstance(source, tuple) and len(source) == 2:
        spec, standard = source
        return spec, standard
    if isinstance(source, SpecificationRecord):
        return rules_for(source)
    if isinstance(source, str):
        record = SpecificationRecord.objects.filter(spec_id=source, is_current=True).first()
        return rules_for(record) if record is not None else (None, None)
    for name in ("specification", "registration"):
        inner = getattr(source, name, None)
        if inner is not None:
            return rules_of(inner)
    return None, None


def _ids(value: Any) -> list[str]:
    """A filter's value as a list of ids (one id, or any iterable of ids)."""
    if value in (None, ""):
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable):
        return [str(item) for item in value]
    return [str(value)]


@register.filter
def mode_words(mode: str | None) -> str:
    """How a method is carried out, in a sentence: ``{{ booking.mode|mode_words }}``."""
    return labels.mode_words(mode)


@register.filter
def mode_label(mode: str | None) -> str:
    """How a method is carried out, as a value or heading: "Face to face"."""
    return labels.mode_label(mode)


@register.filter
def party_words(party: str | None) -> str:
    """A gateway, plan or appeal party in a sentence: "training provider", "EPAO"."""
    return labels.party_words(party)


@register.filter
def party_label(party: str | None) -> str:
    """A party as a value or heading: "Training provider"."""
    return labels.party_label(party)


@register.filter
def party_phrase(parties: Any) -> str:
    """Several parties as one phrase: "apprentice, employer and training provider"."""
    return labels.party_phrase(_ids(parties))


@register.filter
def role_words(role: str | None) -> str:
    """A person's role in a sentence: "EPAO admin", "independent assessor"."""
    return labels.role_words(role)


@register.filter
def role_label(role: str | None) -> str:
    """A person's role as a value or heading: "Independent assessor"."""
    return labels.role_label(role)


@register.filter
def method_name(method_id: str, source: Any) -> str:
    """The specification's name of a method: ``{{ record.method_id|method_name:record }}``."""
    return labels.method_name(rules_of(source)[0], str(method_id))


@register.filter
def method_names(method_ids: Any, source: Any) -> str:
    """Methods as one phrase: "the Practical observation and the Professional discussion"."""
    return labels.method_names(rules_of(source)[0], _ids(method_ids))


@register.filter
def checklist_name(checklist_id: str, source: Any) -> str:
    """The name of an additional observation checklist."""
    return labels.checklist_name(rules_of(source)[0], str(checklist_id))


@register.filter
def event_words(event: str, source: Any) -> str:
    """An event rules date, in words: "project report", "booking of the ..."."""
    return labels.event_words(rules_of(source)[0], str(event))


@register.filter
def area_name(area_id: str, source: Any) -> str:
    """The standard's name of an area: "Understanding the organisation"."""
    return labels.area_name(rules_of(source)[1], str(area_id))


@register.filter
def ksb_words(ksb_id: str, source: Any) -> str:
    """A KSB with its statement, or an area's name: "K1: Know ..."."""
    return labels.ksb_words(rules_of(source)[1], str(ksb_id))


@register.filter
def ksb_refs(ids: Any, source: Any) -> str:
    """What a piece of evidence is mapped to: "K1, S2" or the areas' names."""
    return labels.ksb_refs(rules_of(source)[1], _ids(ids))
