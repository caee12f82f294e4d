"""Tests mirror the rooms: every module of ``kosovo_kg/`` has its test file, at the same place under
``tests/`` (``kosovo_kg/publish/release/dates.py`` -> ``tests/publish/release/test_dates.py``;
``kosovo_kg/errors.py`` -> ``tests/test_errors.py``).

Exempt, because there is nothing of their own to test:

- ``__main__.py``: two lines that call :func:`kosovo_kg.console.main` (tests/test_console.py);
- an ``__init__.py`` of a subpackage that only describes it (a docstring) or passes on names
  defined in its modules (imports and ``__all__``): those names are tested where they are defined.

The package's own ``__init__.py`` is the public Python API: its tests are in ``tests/test_api.py``.
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT, TESTS

PACKAGE = ROOT / "kosovo_kg"
#: Modules whose test file is not named after them.
NAMED = {Path("__init__.py"): Path("test_api.py")}
EXEMPT = {Path("__main__.py")}


def defines_nothing(module: Path) -> bool:
    """Whether a module holds only a docstring, imports and ``__all__``."""
    for statement in ast.parse(module.read_text(encoding="utf-8")).body:
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
            continue  # the docstring
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            continue
        if isinstance(statement, ast.Assign) and [getattr(t, "id", None) for t in statement.targets] == ["__all__"]:
            continue
        return False
    return True


def expected_test_file(module: Path) -> Path | None:
    """Where the tests of ``module`` (relative to the package) live, or None when it is exempt."""
    if module in NAMED:
        return TESTS / NAMED[module]
    if module in EXEMPT or (module.name == "__init__.py" and defines_nothing(PACKAGE / module)):
        return None
    return TESTS / module.parent / f"test_{module.stem}.py"


def modules() -> list[Path]:
    return sorted(path.relative_to(PACKAGE) for path in PACKAGE.rglob("*.py") if "_data" not in path.parts)


def test_every_module_has_its_test_file():
    missing = [
        f"kosovo_kg/{module} -> {expected.relative_to(ROOT)}"
        for module in modules()
        if (expected := expected_test_file(module)) is not None and not expected.is_file()
    ]
    assert missing == [], "modules without their test file:\n  " + "\n  ".join(missing)


def test_the_exemptions_are_what_they_say():
    """An exempt ``__init__.py`` that starts defining something loses its exemption, and the
    list of exemptions names only modules that exist."""
    assert defines_nothing(PACKAGE / "web" / "__init__.py")  # re-exports ServeSettings from web/settings.py
    assert not defines_nothing(PACKAGE / "__init__.py")
    assert not defines_nothing(PACKAGE / "errors.py")
    for module in [*NAMED, *EXEMPT]:
        assert (PACKAGE / module).is_file(), module
    exempt = sorted(str(module) for module in modules() if expected_test_file(module) is None)
    assert "__main__.py" in exempt and "core/__init__.py" in exempt and "errors.py" not in exempt


def test_no_test_file_under_a_layer_names_a_module_that_does_not_exist():
    """A test file of a layer folder is a module's (test_<module>.py), so a renamed module
    leaves no test file behind under its old name."""
    stale = []
    for layer in ("core", "querying", "curation", "publish", "web", "cli"):
        for test_file in sorted((TESTS / layer).rglob("test_*.py")):
            relative = test_file.relative_to(TESTS)
            module = PACKAGE / relative.parent / (relative.name.removeprefix("test_"))
            if not module.is_file():
                stale.append(str(relative))
    assert stale == []


def test_the_layer_picture_names_every_module():
    """docs/architecture.md is where a newcomer learns what each room is for: a module it does not
    name is a room missing from the picture (a command's module is named by cli/main.py's table)."""
    import re

    from kosovo_kg.cli.main import COMMANDS

    picture = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    unnamed = [
        str(module.relative_to(PACKAGE))
        for module in sorted(PACKAGE.rglob("*.py"))
        if module.name != "__init__.py"
        and not (module.parent.name == "cli" and module.stem in COMMANDS.values())
        and not re.search(rf"\b{re.escape(module.stem)}\b", picture)
    ]
    assert unnamed == [], f"docs/architecture.md does not name {unnamed}"
