"""version.py: the one version, which the package's metadata, the facade, the command line and
the API description all give."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import version

from conftest import ROOT, invoke

import kosovo_kg
from kosovo_kg.version import VERSION


def test_the_version_is_the_projects():
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert VERSION == declared == version("kosovo-kg")
    assert re.fullmatch(r"\d+\.\d+\.\d+", VERSION)


def test_every_front_end_tells_the_same_version():
    from kosovo_kg.web.openapi import openapi_description

    assert kosovo_kg.__version__ == VERSION
    result = invoke(["--version"])
    assert (result.exit_code, result.stdout) == (0, f"kosovo-kg {VERSION}\n")
    assert openapi_description()["info"]["version"] == VERSION  # type: ignore[index]
