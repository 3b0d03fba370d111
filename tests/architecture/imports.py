"""Every import in ``src/openepa`` read from the source, for the architecture checks.

Counts every ``import`` and ``from … import``: at the top of a module, inside functions and
under ``TYPE_CHECKING``. Migrations are left out (Django writes them).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = "openepa"


@dataclass(frozen=True)
class Import:
    """One imported module (and name, for ``from … import name``) at a line of a module."""

    importer: str
    imported: str
    name: str | None
    line: int


def modules(src: Path = SRC) -> dict[str, Path]:
    """Every module of the package by dotted name, migrations aside."""
    found = {}
    for path in sorted((src / PACKAGE).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        parts = list(path.relative_to(src).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _target(module: str, node: ast.ImportFrom, is_package: bool) -> str:
    """The absolute module a ``from`` import names, relative imports resolved."""
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imports_of(module: str, path: Path, known: set[str]) -> Iterator[Import]:
    """The imports of one module of the package, each resolved to a module of the package."""
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == PACKAGE:
                    yield Import(module, _known(alias.name, known), None, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            target = _target(module, node, path.name == "__init__.py")
            if target.split(".")[0] != PACKAGE:
                continue
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                if submodule in known:
                    yield Import(module, submodule, None, node.lineno)
                else:
                    yield Import(module, _known(target, known), alias.name, node.lineno)


def _known(name: str, known: set[str]) -> str:
    """The nearest module of the package that ``name`` is, or is inside."""
    while name not in known and "." in name:
        name = name.rsplit(".", 1)[0]
    return name


def all_imports(src: Path = SRC) -> list[Import]:
    """Every import between modules of the package."""
    found = modules(src)
    known = set(found)
    return [
        found_import
        for module, path in found.items()
        for found_import in imports_of(module, path, known)
        if found_import.imported != module
    ]


def private_name_imports(src: Path = SRC) -> list[Import]:
    """Imports of a name starting with ``_`` from another module (dunder names aside)."""
    return [
        found
        for found in all_imports(src)
        if found.name is not None and found.name.startswith("_") and not found.name.startswith("__")
    ]


def cycles(src: Path = SRC) -> list[list[str]]:
    """The import cycles among the package's modules (strongly connected groups of two or more).

    A module imports its parent packages too when it is imported, so ``a.b`` importing
    ``c`` and ``c`` importing ``a`` is a cycle only through ``a``'s own imports; like import
    linters, only the imports written in each module are counted.
    """
    graph: dict[str, set[str]] = {module: set() for module in modules(src)}
    for found in all_imports(src):
        graph[found.importer].add(found.imported)
    return strongly_connected(graph)


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iteratively: every group of modules that import each other."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in graph:
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        groups.append(sorted(group))
    return groups
