"""Writing files and folders so that nothing is half-written and nothing the command did not
write is lost: one policy for every output a command writes (``release``, ``docs``, ``chart -o``,
``export -o``).

**What may be replaced.** An output's target must be absent, empty (an empty folder, a file of no
bytes), or an earlier output of the same command. An earlier output is recognised by the manifest
the command wrote beside it (:data:`MANIFEST`, ``.kosovo-kg-manifest.json``), which lists every
file it wrote with its SHA-256; before anything is replaced, every file there is checked against
it. A file the manifest does not list, one written by another command, or one changed since (its
hash differs) would be lost: the command is refused with a message naming that file. A folder
output keeps its manifest inside the folder; a file output (``export -o graph.ttl``) has its entry
in the manifest of the folder that holds it.

**Nothing half-written.** What is written is built beside the target under a temporary name and
renamed into place only when complete; the old output is kept until the new one is in place. An
error removes what was being built (and, from the command line, so do SIGINT, SIGTERM and SIGHUP,
which :mod:`kosovo_kg.cli.main` turns into exceptions); a kill (SIGKILL, power loss) cannot, so
what it leaves (``.NAME.PID.XXXX.part``) is removed by the next writer of the same target once the
process named in it has gone. An ``OSError`` while writing (a full disk, a read-only folder) is
one error naming the output and the file, never a traceback.
"""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from kosovo_kg.core.lexical import whole_number
from kosovo_kg.core.paths import display_path
from kosovo_kg.errors import ExportError, KosovoKGError

#: The manifest a command writes with its output: every file it wrote, with its SHA-256.
MANIFEST = ".kosovo-kg-manifest.json"
_MANIFEST_FORMAT = "kosovo-kg output manifest 1"
#: A manifest larger than this is not one of ours (a release's lists a few thousand files: ~400 KB).
_MANIFEST_MAX_BYTES = 64 << 20

#: Characters of the target's name kept in its temporary file's name: a name near the file
#: system's limit of 255 bytes must still leave room for the process id and suffix.
_PART_NAME_KEPT = 120


def _part_prefix(path: Path) -> str:
    return f".{path.name[:_PART_NAME_KEPT]}."


def _remove_stale_parts(path: Path) -> None:
    """Delete the temporary files or folders that writers of ``path`` killed midway left.

    A ``.NAME.PID.XXXX.part`` whose process no longer runs is a leftover; one whose process runs
    may be another write in progress and is kept.
    """
    import glob

    prefix = _part_prefix(path)
    for part in path.parent.glob(f"{glob.escape(prefix)}*.part"):
        pid = whole_number(part.name[len(prefix) :].split(".", 1)[0])
        if pid is None:
            continue
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            if part.is_dir() and not part.is_symlink():
                shutil.rmtree(part, ignore_errors=True)
            else:
                part.unlink(missing_ok=True)
        except OSError:  # alive but not ours (PermissionError): keep it
            pass


def _reason(error: BaseException, target: Path | None = None) -> str:
    """An OSError's words and the file it concerns, unless that is the ``target`` the message
    already names: "No space left on device (…/site/index.html)"."""
    words = getattr(error, "strerror", None) or str(error)
    name = getattr(error, "filename", None)
    if not name or (target is not None and Path(name) == target):
        return words
    return f"{words} ({display_path(name)})"


# --- the manifest --------------------------------------------------------------------------------


def file_digest(path: Path) -> str:
    """The SHA-256 of a regular file (refused unread when it is not one: a FIFO would block)."""
    import hashlib

    digest = hashlib.sha256()
    descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(descriptor, "rb") as stream:
        if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
            raise OSError(f"{display_path(path)} is not a regular file")
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_manifest(folder: Path) -> dict[str, dict[str, str]]:
    """The manifest in ``folder``: each file's path (relative, with /) -> its ``sha256`` and the
    ``command`` that wrote it. Empty when there is none, or none that can be read as one (then
    nothing in the folder counts as written by kosovo-kg)."""
    try:
        return _own_manifest(folder) or {}
    except OSError:
        return {}


def _own_manifest(folder: Path) -> dict[str, dict[str, str]] | None:
    """The manifest in ``folder`` as :func:`read_manifest` reads it, ``{}`` when there is none,
    and None when a file of its name is there that kosovo-kg did not write (a link, a folder,
    someone's own JSON): writing a manifest in its place would lose it."""
    import json

    path = folder / MANIFEST
    try:
        status = path.lstat()
    except (FileNotFoundError, NotADirectoryError):
        return {}
    if not stat.S_ISREG(status.st_mode) or status.st_size > _MANIFEST_MAX_BYTES:
        return None
    try:
        document = json.loads(path.read_bytes())  # an OSError (no permission) is the caller's to tell
    except ValueError:
        return None
    files = document.get("files") if isinstance(document, dict) else None
    if document.get("format") != _MANIFEST_FORMAT or not isinstance(files, dict):
        return None
    return {
        name: entry
        for name, entry in files.items()
        if isinstance(entry, dict) and isinstance(entry.get("sha256"), str) and isinstance(entry.get("command"), str)
    }


def _write_manifest(folder: Path, files: dict[str, dict[str, str]]) -> None:
    import json

    document = {
        "format": _MANIFEST_FORMAT,
        "about": "The files kosovo-kg wrote here, with their SHA-256: a later run of the same command "
        "replaces them only while they are unchanged, and refuses to touch any other file.",
        "files": dict(sorted(files.items())),
    }
    with atomic_writer(folder / MANIFEST) as stream:
        stream.write(json.dumps(document, indent=1, ensure_ascii=False) + "\n")


def _lost_in_folder(folder: Path, command: str) -> Iterator[str]:
    """What replacing ``folder`` would lose: any file that the manifest does not list as written by
    ``command`` with its present content, any empty folder (someone made it), and a file in the
    manifest's place that kosovo-kg did not write. Nothing but a regular file counts as written
    (a FIFO, a device or a link is never opened)."""
    try:
        listed = _own_manifest(folder)
    except OSError:  # it cannot be read: nothing can be known to be kosovo-kg's
        listed = None
    if listed is None:
        yield MANIFEST  # not kosovo-kg's: the new folder's own manifest would take its place
        listed = {}
    for parent, folders, names in os.walk(folder):
        here = Path(parent)
        if not folders and not names and here != folder:  # an empty folder: no command writes one
            yield here.relative_to(folder).as_posix() + "/"
        for name in sorted(names) + sorted(f for f in folders if (here / f).is_symlink()):
            path = here / name
            relative = path.relative_to(folder).as_posix()
            if relative == MANIFEST:
                continue
            entry = listed.get(relative)
            if entry is None or entry["command"] != command:
                yield relative
                continue
            try:
                if file_digest(path) != entry["sha256"]:
                    yield relative
            except OSError:
                yield relative
        folders.sort()


def check_output_folder(target: Path, *, command: str, error: type[KosovoKGError], what: str) -> None:
    """Refuse, with ``error``, a ``target`` that is neither absent, nor an empty folder, nor an
    earlier output of ``command`` that its manifest vouches for. ``what`` names the output."""
    shown = display_path(target)
    parent = target.parent
    if not parent.is_dir():
        problem = "is a file, not a folder" if parent.exists() else "does not exist"
        raise error(f"{shown}: cannot write the {what} there: {display_path(parent)} {problem}")
    try:
        status = target.lstat()
    except FileNotFoundError:
        return
    except OSError as failure:  # a name too long
        raise error(f"{shown}: cannot write the {what} there: {_reason(failure, target)}") from None
    if stat.S_ISLNK(status.st_mode) or not stat.S_ISDIR(status.st_mode):
        raise error(f"{shown}: is not a folder; give a new folder for the {what}")
    lost = list(_lost_in_folder(target, command))
    if lost:
        # the file named is the one with most at stake: one with content before an empty one
        lost.sort(key=lambda name: (_size(target / name) == 0, name))
        more = f" (and {len(lost) - 1} more)" if len(lost) > 1 else ""
        raise error(
            f"{shown}: refused: {shown}/{lost[0]}{more} would be lost (kosovo-kg {command} did not write it, or it "
            f"changed since); give a new or empty folder for the {what}, or move what is there away"
        )


def _size(path: Path) -> int:
    try:
        return path.lstat().st_size
    except OSError:
        return 0


def check_output_file(path: Path, *, command: str, error: type[KosovoKGError] = ExportError) -> os.stat_result | None:
    """Refuse, with ``error``, a file ``path`` that is neither absent, nor empty, nor an earlier
    output of ``command`` that the manifest beside it vouches for; returns its status, if any."""
    shown = display_path(path)
    try:
        manifest = _own_manifest(path.parent)
    except OSError as failure:
        raise error(f"{shown}: cannot be written: {_reason(failure, path.parent / MANIFEST)}") from None
    if manifest is None:
        raise error(
            f"{shown}: refused: {display_path(path.parent / MANIFEST)} is not a manifest kosovo-kg wrote, and "
            "writing here would replace it; move it away, or give a file name in another folder"
        )
    try:
        status = path.lstat()  # not stat(): a link, even one to nothing, is never replaced
    except (FileNotFoundError, NotADirectoryError):  # the folder is checked by the writer
        return None
    except OSError as failure:  # a name too long
        raise error(f"{shown}: cannot be written: {_reason(failure, path)}") from None
    if stat.S_ISLNK(status.st_mode):  # replacing it would lose the link (the file it names is not written)
        raise error(f"{shown}: is a symbolic link; refused, since writing replaces it: give the file's own name")
    if stat.S_ISDIR(status.st_mode):
        raise error(f"{shown}: is a folder; give a file name")
    if not stat.S_ISREG(status.st_mode):
        raise error(
            f"{shown}: is not a regular file (a device, FIFO or socket); refused, since writing replaces "
            "the file (leave out -o to write to standard output)"
        )
    if status.st_size == 0 or _vouched(path, command):
        return status
    raise error(
        f"{shown}: refused: the file would be lost (kosovo-kg {command} did not write it, or it changed since); "
        "give a new file name, or move the file away"
    )


def _vouched(path: Path, command: str) -> bool:
    entry = read_manifest(path.parent).get(path.name)
    if entry is None or entry["command"] != command:
        return False
    try:
        return file_digest(path) == entry["sha256"]
    except OSError:
        return False


# --- files ---------------------------------------------------------------------------------------


@contextmanager
def atomic_writer(path: Path | str, mode: str = "w", *, command: str | None = None) -> Iterator[IO]:
    """Write to a temporary file beside ``path`` and rename it into place only on success.

    With ``command`` (the command whose output this is: ``"export"``), ``path`` is an output
    under the module's policy: an existing file is replaced only when empty or when the manifest
    beside it says ``command`` wrote it as it is; the written file is entered in that manifest.
    Without, the file is the project's own (graph/names.ttl) and is replaced as it stands.

    An error or a kill midway leaves any previous file at ``path`` untouched. An error removes
    the temporary file at once; a kill (SIGKILL) cannot, so its ``.NAME.PID.XXXX.part`` stays
    until the next write to ``path`` removes it. Only a regular file is ever replaced: the
    rename would turn a device (``/dev/null``), a FIFO or a socket into a plain file.
    """
    import tempfile

    path = Path(path)
    shown = display_path(path)
    if command is not None:
        status = check_output_file(path, command=command)
    else:
        status = _plain_target(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        problem = "is a file, not a folder" if folder.exists() else "does not exist"
        raise ExportError(f"{shown}: folder {display_path(folder)} {problem}")
    _remove_stale_parts(path)
    try:
        # The writer's process id is in the name, so a later write can tell a leftover from a live one.
        handle, temporary = tempfile.mkstemp(prefix=f"{_part_prefix(path)}{os.getpid()}.", suffix=".part", dir=folder)
    except OSError as error:
        raise ExportError(f"{shown}: cannot write here: {error.strerror or error}") from error
    try:
        # mkstemp makes it 0600: give what a plain write would
        os.fchmod(handle, status.st_mode & 0o777 if status is not None else _new_file_mode())
        encoding = None if "b" in mode else "utf-8"
        with os.fdopen(handle, mode, encoding=encoding) as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        if command is not None:
            check_output_file(path, command=command)  # still ours: nothing came in its place meanwhile
            digest = file_digest(Path(temporary))
        os.replace(temporary, path)
    except OSError as error:  # a full disk, a file that became a folder: the message, not a traceback
        Path(temporary).unlink(missing_ok=True)
        raise ExportError(f"{shown}: cannot be written: {error.strerror or error}") from error
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    if command is not None:
        try:
            entries = read_manifest(folder)
            entries[path.name] = {"command": command, "sha256": digest}
            _write_manifest(folder, entries)
        except (OSError, ExportError) as error:  # the output is whole; only its recognition failed
            raise ExportError(
                f"{shown}: written, but {display_path(folder / MANIFEST)} could not record it ({error}); "
                "the next run will not replace it"
            ) from None


def _plain_target(path: Path) -> os.stat_result | None:
    shown = display_path(path)
    try:
        status = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        return None
    except (OSError, RuntimeError) as error:
        raise ExportError(f"{shown}: cannot be written: {getattr(error, 'strerror', None) or error}") from error
    if stat.S_ISDIR(status.st_mode):
        raise ExportError(f"{shown}: is a folder; give a file name")
    if not stat.S_ISREG(status.st_mode):
        raise ExportError(f"{shown}: is not a regular file (a device, FIFO or socket); refused")
    return status


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def _new_file_mode() -> int:
    """The permissions a new file gets: 0666 under the umask."""
    return 0o666 & ~_umask()


# --- folders -------------------------------------------------------------------------------------


@contextmanager
def atomic_folder(
    target: Path | str, *, command: str, error: type[KosovoKGError] = ExportError, what: str = "output"
) -> Iterator[Path]:
    """Build the output folder of ``command`` beside ``target`` and swap it into place only on success.

    Yields the new, empty folder to write into. ``target`` is checked first
    (:func:`check_output_folder`) and again just before the swap (a long build gives a person
    time to put a file there). When the build is complete its manifest is written; the old
    folder is kept until the new one is in place. On any error or interruption what was built
    is removed; an ``OSError`` becomes ``error`` naming the output and the file.
    """
    import tempfile

    target = Path(target)
    shown = display_path(target)
    check_output_folder(target, command=command, error=error, what=what)
    parent = target.parent
    _remove_stale_parts(target)
    try:
        built = Path(tempfile.mkdtemp(prefix=f"{_part_prefix(target)}{os.getpid()}.", suffix=".part", dir=parent))
    except OSError as failure:
        raise error(f"{shown}: cannot write the {what} there: {_reason(failure, target)}") from None
    try:
        try:
            yield built
            os.chmod(built, 0o777 & ~_umask())  # mkdtemp makes it 0700: give what mkdir would
            _write_manifest(built, _entries(built, command))
            check_output_folder(target, command=command, error=error, what=what)
            _swap(built, target)
        except OSError as failure:
            raise error(f"{shown}: cannot write the {what}: {_reason(failure)}") from None
        except ExportError as failure:  # a file of the build that could not be written
            if error is ExportError:
                raise
            raise error(f"{shown}: cannot write the {what}: {failure}") from None
    except BaseException:
        shutil.rmtree(built, ignore_errors=True)
        raise


def _entries(folder: Path, command: str) -> dict[str, dict[str, str]]:
    files = sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink() and p != folder / MANIFEST)
    return {p.relative_to(folder).as_posix(): {"command": command, "sha256": file_digest(p)} for p in files}


def _swap(built: Path, target: Path) -> None:
    """Put ``built`` at ``target``; the old folder goes only once the new one is in place."""
    if not target.exists():
        os.rename(built, target)
        return
    old = target.parent / f"{_part_prefix(target)}{os.getpid()}.old.part"
    os.rename(target, old)
    try:
        os.rename(built, target)
    except BaseException:
        os.rename(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)
