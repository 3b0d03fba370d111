"""Load the specification files into the database and get the rules back for a record."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from django.db import transaction

from openepa.rules.loader import load_catalogue
from openepa.rules.model import Specification, Standard
from openepa.specifications.models import SpecificationRecord


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
                content=content,
                standard_content=standard_content,
                is_current=True,
            )
        elif not record.is_current:
            SpecificationRecord.objects.filter(spec_id=spec_id, is_current=True).update(
                is_current=False
            )
            record.is_current = True
            record.save(update_fields=["is_current"])
        records.append(record)
    return records


def rules_for(record: SpecificationRecord) -> tuple[Specification, Standard]:
    """The validated specification and standard of a stored record (cached per record)."""
    return _parse(record.pk, record.sha256, json.dumps([record.content, record.standard_content]))


@lru_cache(maxsize=64)
def _parse(pk: int, sha256: str, content: str) -> tuple[Specification, Standard]:
    """Parse stored JSON once per record and content."""
    spec_data, standard_data = json.loads(content)
    return Specification.model_validate(spec_data), Standard.model_validate(standard_data)
