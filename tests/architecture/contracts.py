"""Import-linter contracts of OpenEPA's own: no module cycle, no private name imported.

``lint-imports`` (run by ``make lint``) loads these through ``[tool.importlinter]`` in
``pyproject.toml``. The cycle check uses import-linter's own graph (every import, in
functions and under ``TYPE_CHECKING`` too); the private-name check reads the source, since
the graph holds modules, not names.
"""

from __future__ import annotations

from typing import Any

from importlinter.application import output
from importlinter.domain.contract import Contract, ContractCheck

from tests.architecture.imports import private_name_imports, strongly_connected


class AcyclicModulesContract(Contract):
    """No group of modules of the root package imports each other, directly or in a loop."""

    type_name = "acyclic_modules"

    def check(self, graph: Any, verbose: bool) -> ContractCheck:
        """Find every strongly connected group of two or more modules, migrations aside."""
        modules = {
            module
            for module in graph.modules
            if module.split(".")[0] == "openepa" and ".migrations" not in module
        }
        edges = {
            module: {
                imported
                for imported in graph.find_modules_directly_imported_by(module)
                if imported in modules
            }
            for module in modules
        }
        groups = strongly_connected(edges)
        return ContractCheck(kept=not groups, metadata={"cycles": groups})

    def render_broken_contract(self, check: ContractCheck) -> None:
        """List each cycle's modules."""
        for group in check.metadata["cycles"]:
            output.print_error("These modules import each other in a loop:")
            for module in group:
                output.print_error(f"    {module}")
            output.new_line()


class PrivateNamesContract(Contract):
    """No module imports a name starting with ``_`` from another module."""

    type_name = "private_names"

    def check(self, graph: Any, verbose: bool) -> ContractCheck:
        """Read every ``from … import _name`` of the package's source."""
        found = [
            f"{i.importer} imports {i.name} from {i.imported} (line {i.line})"
            for i in private_name_imports()
        ]
        return ContractCheck(kept=not found, metadata={"found": found})

    def render_broken_contract(self, check: ContractCheck) -> None:
        """List each private import; make the name public where it is defined instead."""
        for line in check.metadata["found"]:
            output.print_error(line)
        output.new_line()
