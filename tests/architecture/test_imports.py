"""The architecture holds: no import cycle, no private name imported from another module."""

from __future__ import annotations

from tests.architecture.imports import all_imports, cycles, private_name_imports


def test_the_import_reader_sees_imports_in_functions_and_under_type_checking() -> None:
    imported = {(found.importer, found.imported) for found in all_imports()}
    assert ("openepa.kernel.specs", "openepa.specifications.services") in imported
    assert len(imported) > 300


def test_no_module_of_openepa_is_in_an_import_cycle() -> None:
    assert cycles() == []


def test_no_module_imports_a_private_name_of_another() -> None:
    found = [
        f"{i.importer} imports {i.name} from {i.imported} (line {i.line})"
        for i in private_name_imports()
    ]
    assert found == []
