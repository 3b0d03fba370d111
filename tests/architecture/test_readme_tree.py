"""The README's "Where the code lives" matches the tree.

Every path it names exists, and it names every app and every module of the kernel.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "openepa"


def tree_block() -> list[str]:
    """The lines of the code block under "## Where the code lives"."""
    text = (ROOT / "README.md").read_text()
    section = text.split("## Where the code lives", 1)[1]
    block = section.split("```", 2)[1]
    return block.splitlines()


def named_paths() -> list[Path]:
    """Every file or folder the tree names, resolved from its indentation."""
    paths: list[Path] = []
    parents: list[tuple[int, Path]] = []
    for line in tree_block():
        match = re.match(r"^( *)([\w./-]+/|[\w.-]+\.(?:py|md|toml|yaml))(?:\s|$)", line)
        if not match:
            continue
        indent, name = len(match.group(1)), match.group(2)
        while parents and parents[-1][0] >= indent:
            parents.pop()
        base = parents[-1][1] if parents else ROOT
        path = base / name.rstrip("/")
        paths.append(path)
        if name.endswith("/"):
            parents.append((indent, path))
    return paths


def test_every_path_the_readme_names_exists() -> None:
    missing = [str(path.relative_to(ROOT)) for path in named_paths() if not path.exists()]
    assert missing == []


def test_the_readme_names_every_app() -> None:
    named = {path.relative_to(ROOT) for path in named_paths()}
    apps = {path.parent.relative_to(ROOT) for path in SRC.glob("*/apps.py")}
    assert sorted(str(app) for app in apps - named) == []


def test_the_readme_says_what_each_kernel_module_holds() -> None:
    block = "\n".join(tree_block())
    modules = sorted(path.name for path in (SRC / "kernel").glob("[!_]*.py"))
    assert [name for name in modules if name not in block] == []
