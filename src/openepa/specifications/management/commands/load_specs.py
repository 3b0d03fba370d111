"""``openepa manage load_specs [DIR]``: validate and store the specification files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from openepa.rules.errors import SpecError
from openepa.specifications.services import load_specifications


class Command(BaseCommand):
    """Load the specifications into the database; a changed file becomes a new version."""

    help = "Validate the specification files and store any new or changed ones."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", nargs="?", type=Path, help="default: built-in")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            records = load_specifications(options["directory"])
        except SpecError as error:
            raise CommandError(f"specifications not loaded:\n{error}") from error
        for record in records:
            self.stdout.write(f"{record.spec_id}: {record.label} ({record.sha256[:12]})")
