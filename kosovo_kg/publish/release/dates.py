"""A release's date, which is never the clock's, and its version."""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path
from typing import NamedTuple

from kosovo_kg.core import paths
from kosovo_kg.core.lexical import whole_number
from kosovo_kg.errors import ReleaseError

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,63}")


class ReleaseDate(NamedTuple):
    date: str
    #: where the date came from, in words
    source: str
    #: the commit the graph's files are at, when they are as committed
    commit: str | None = None


def _utc_day(seconds: float) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(seconds))


def check_date(text: str) -> str:
    """A calendar day as YYYY-MM-DD, or :class:`ReleaseError`.

    >>> check_date("2026-02-30")
    Traceback (most recent call last):
    ...
    kosovo_kg.errors.ReleaseError: --date must be a day as YYYY-MM-DD, got '2026-02-30'
    """
    import datetime

    try:
        if not _DATE.fullmatch(text):
            raise ValueError(text)
        datetime.date.fromisoformat(text)
    except ValueError:
        raise ReleaseError(f"--date must be a day as YYYY-MM-DD, got {text!r}") from None
    return text


def git_output(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def release_date(given: str | None, files: list[Path], extra: bool = False, root: Path | None = None) -> ReleaseDate:
    """The release's date, never the clock's (see the module's description).

    ``files`` are the files the graph was loaded from; ``extra`` says some of them are not the
    project's own (``--data``), which a commit of the project does not date. ``root`` is the
    project's folder (the packaged one by default), where ``ontology/`` and ``graph/`` are.
    """
    if given is not None:
        return ReleaseDate(check_date(given), "--date")
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        seconds = whole_number(epoch)
        if seconds is None:
            raise ReleaseError(f"SOURCE_DATE_EPOCH must be a number of seconds, got {epoch!r}")
        return ReleaseDate(_utc_day(seconds), "SOURCE_DATE_EPOCH")
    root = root or paths.project_root()
    commit = None if extra else git_output(root, "rev-parse", "HEAD")
    if commit:
        changed = git_output(root, "status", "--porcelain", "--", "ontology", "graph")
        stamp = git_output(root, "log", "-1", "--format=%ct")
        seconds = whole_number(stamp)
        if changed == "" and seconds is not None:
            return ReleaseDate(_utc_day(seconds), f"the commit {commit[:12]}", commit)
    newest = max((f.stat().st_mtime for f in files), default=0.0)
    why = (
        "--data files"
        if extra
        else "files that differ from the last commit"
        if commit
        else "files outside a git checkout"
    )
    return ReleaseDate(_utc_day(newest), f"the newest modification time of the graph's files ({why})")


def default_version(date: str) -> str:
    """A release's version when none is given: its date, as 2026.11.30 (``release`` writes it,
    ``serve`` cites it, so that a citation of an answer names the release of the same files).

    >>> default_version("2026-11-30")
    '2026.11.30'
    """
    return date.replace("-", ".")


def check_version(text: str) -> str:
    if not _VERSION.fullmatch(text):
        raise ReleaseError(
            f"--release-version must be letters, digits and . _ + - (at most 64, starting with a letter or digit), got {text!r}"
        )
    return text
