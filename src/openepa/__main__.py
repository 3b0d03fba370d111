"""Run the command line: ``python -m openepa``."""

from openepa.cli import run

run()
