"""Load the specification files into the database and get the rules back for a record."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from django.db import transaction

from openepa.rules.loader import load_catalogue
from openepa.rules.model import Specification, Standard
from openepa.specifications.models import SpecificationContent, SpecificationRecord


@transaction.atomic
def load_specifications(directory: Path | None = None) -> list[SpecificationRecord]:
    """Validate every specification in ``directory`` and store any new content.

    A file whose content is unchanged keeps its row; a changed file gets a new row that
    becomes current, and registrations made earlier keep the row they were made under.
    Raises :class:`openepa.rules.errors.SpecError` if any file is invalid (nothing is stored).
    """
    catalogue = load_catalogue(directory)
    records = []
    for spec_id, spec in sorted(catalogue.specifications.items()):
        standard = catalogue.standard_of(spec)
        content = spec.model_dump(mode="json", by_alias=True)
        standard_content = standard.model_dump(mode="json", by_alias=True)
        digest = hashlib.sha256(
            json.dumps([content, standard_content], sort_keys=True).encode()
        ).hexdigest()
        record = SpecificationRecord.objects.filter(spec_id=spec_id, sha256=digest).first()
        if record is None:
            SpecificationRecord.objects.filter(spec_id=spec_id, is_current=True).update(
                is_current=False
            )
            record = SpecificationRecord.objects.create(
                spec_id=spec_id,
                sha256=digest,
                standard=spec.standard,
                version=spec.version,
                level=standard.level,
                title=spec.title,
                standard_title=standard.title,
                epao_name=spec.epao.name,
                is_current=True,
            )
            SpecificationContent.objects.create(
                record=record, content=content, standard_content=standard_content
            )
        elif not record.is_current:
            SpecificationRecord.objects.filter(spec_id=spec_id, is_current=True).update(
                is_current=False
            )
            record.is_current = True
            record.save(update_fields=["is_current"])
        records.append(record)
    return records


_PARSED: dict[tuple[int, str], tuple[Specification, Standard]] = {}


def rules_for(record: SpecificationRecord) -> tuple[Specification, Standard]:
    """The validated specification and standard of a stored record.

    Parsed once per process for each record and content (a record's content never
    changes: a corrected file becomes a new record).
    """
    key = (record.pk, record.sha256)
    parsed = _PARSED.get(key)
    if parsed is None:
        body = SpecificationContent.objects.get(record_id=record.pk)
        parsed = (
            Specification.model_validate(body.content),
            Standard.model_validate(body.standard_content),
        )
        _PARSED[key] = parsed
    return parsed
