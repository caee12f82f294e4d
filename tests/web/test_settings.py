"""web/settings.py: how serve runs, in one immutable record whose defaults are the command line's."""

from __future__ import annotations

import pytest

import kosovo_kg.web
from kosovo_kg.cli.main import build_parser
from kosovo_kg.web.settings import ServeSettings


def test_the_defaults_are_the_command_lines():
    args = build_parser("serve").parse_args(["serve"])
    settings = ServeSettings()
    assert (settings.host, settings.port, settings.workers, settings.timeout) == (
        args.host,
        args.port,
        args.workers,
        args.timeout,
    )
    assert settings.max_result_bytes == int(args.max_result_mb * 1_000_000)
    assert settings.cache_bytes == int(args.cache_mb * 1_000_000)
    assert (settings.queue, settings.allow_federation) == (args.queue, args.allow_federation)
    assert settings.host == "127.0.0.1"  # loopback unless asked otherwise
    assert settings.read_timeout == 10.0


def test_settings_are_immutable_and_changed_by_copy():
    settings = ServeSettings(port=0, workers=1)
    with pytest.raises(AttributeError):
        settings.port = 8000  # type: ignore[misc]
    changed = settings._replace(allow_federation=True)
    assert changed.allow_federation and not settings.allow_federation and changed.workers == 1


def test_the_web_package_passes_the_settings_on():
    assert kosovo_kg.web.ServeSettings is ServeSettings
