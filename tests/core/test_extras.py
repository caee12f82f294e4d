"""A command whose optional extra is missing says which one to install, in one line, exit 3."""

from __future__ import annotations

import importlib.util

import pytest
from conftest import invoke

from kosovo_kg.core.extras import EXTRAS, require_extra
from kosovo_kg.errors import MissingTool


def pretend_missing(monkeypatch: pytest.MonkeyPatch, *modules: str) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name in modules else real(name, *a))


def test_every_extra_is_installed_here():
    for extra in EXTRAS:
        require_extra(extra, "the test")


def test_a_missing_module_names_its_extra(monkeypatch):
    pretend_missing(monkeypatch, "matplotlib")
    with pytest.raises(
        MissingTool, match=r"needs the 'charts' extra \(matplotlib not installed\): pip install 'kosovo-kg\[charts\]'"
    ):
        require_extra("charts", "it")


@pytest.mark.parametrize(
    ("args", "module", "extra"),
    [
        (["chart", "polls", "-o", "{tmp}/polls.svg"], "matplotlib", "charts"),
        (["docs", "-o", "{tmp}/docs"], "pylode", "docs"),
        (["serve", "--port", "0"], "uvicorn", "web"),
        (["release", "-o", "{tmp}/release", "--no-inferred"], "pylode", "docs"),
        (["release", "-o", "{tmp}/release", "--no-inferred"], "yaml", "release"),
        (["names"], "babel", "names"),
    ],
)
def test_the_command_exits_3_naming_the_extra(monkeypatch, tmp_path, args, module, extra):
    pretend_missing(monkeypatch, module)
    result = invoke([arg.format(tmp=tmp_path) for arg in args])
    assert result.exit_code == 3, result.output
    assert result.stderr.strip().splitlines() == [
        f"error: kosovo-kg {args[0]} needs the '{extra}' extra ({module} not installed): pip install 'kosovo-kg[{extra}]'"
    ]
    assert not any(tmp_path.iterdir())  # nothing was written
