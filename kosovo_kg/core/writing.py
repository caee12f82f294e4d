"""Writing files and folders so that nothing is half-written: built beside the target under a
temporary name and renamed into place only when complete.

An error removes what was being built; a kill (SIGKILL, power loss) cannot, so what it leaves
(``.NAME.PID.XXXX.part``) is removed by the next writer of the same target once the process named
in it has gone.
"""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from kosovo_kg.core.paths import display_path
from kosovo_kg.errors import ExportError, KosovoKGError

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
        pid = part.name[len(prefix) :].split(".", 1)[0]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            if part.is_dir() and not part.is_symlink():
                shutil.rmtree(part, ignore_errors=True)
            else:
                part.unlink(missing_ok=True)
        except OSError:  # alive but not ours (PermissionError): keep it
            pass


@contextmanager
def atomic_writer(path: Path | str, mode: str = "w") -> Iterator[IO]:
    """Write to a temporary file beside ``path`` and rename it into place only on success.

    An error or a kill midway leaves any previous file at ``path`` untouched. An error removes
    the temporary file at once; a kill (SIGKILL) cannot, so its ``.NAME.PID.XXXX.part`` stays
    until the next write to ``path`` removes it. Only a regular file is ever replaced: the
    rename would turn a device (``/dev/null``), a FIFO or a socket into a plain file.
    """
    path = Path(path)
    shown = display_path(path)
    try:
        status: os.stat_result | None = path.stat()
    except (FileNotFoundError, NotADirectoryError):  # the folder is checked below
        status = None
    except (OSError, RuntimeError) as error:  # a name too long, a symlink loop
        raise ExportError(f"{shown}: cannot be written: {getattr(error, 'strerror', None) or error}") from error
    if status is not None and stat.S_ISDIR(status.st_mode):
        raise ExportError(f"{shown}: is a folder; give a file name")
    if status is not None and not stat.S_ISREG(status.st_mode):
        raise ExportError(
            f"{shown}: is not a regular file (a device, FIFO or socket); refused, since writing replaces "
            "the file (leave out -o to write to standard output)"
        )
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        problem = "is a file, not a folder" if folder.exists() else "does not exist"
        raise ExportError(f"{shown}: folder {display_path(folder)} {problem}")
    import tempfile

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
        os.replace(temporary, path)
    except OSError as error:  # a full disk, a file that became a folder: the message, not a traceback
        Path(temporary).unlink(missing_ok=True)
        raise ExportError(f"{shown}: cannot be written: {error.strerror or error}") from error
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def _new_file_mode() -> int:
    """The permissions a new file gets: 0666 under the umask."""
    return 0o666 & ~_umask()


def check_output_folder(
    target: Path, *, replaceable: Callable[[Path], bool], error: type[KosovoKGError], what: str
) -> None:
    """Refuse, with ``error``, a ``target`` that is not absent, an empty folder, or a folder that
    ``replaceable`` accepts (an earlier output of the same command). ``what`` names the output."""
    shown = display_path(target)
    parent = target.parent
    if not parent.is_dir():
        problem = "is a file, not a folder" if parent.exists() else "does not exist"
        raise error(f"{shown}: cannot write the {what} there: {display_path(parent)} {problem}")
    if target.exists() or target.is_symlink():
        if not target.is_dir() or target.is_symlink():
            raise error(f"{shown}: is not a folder; give a new folder for the {what}")
        if any(target.iterdir()) and not replaceable(target):
            raise error(
                f"{shown}: the folder is not empty and holds no earlier {what}; give a new or empty folder "
                f"(an earlier {what} there would be replaced)"
            )


@contextmanager
def atomic_folder(
    target: Path | str,
    *,
    replaceable: Callable[[Path], bool],
    error: type[KosovoKGError] = ExportError,
    what: str = "output",
) -> Iterator[Path]:
    """Build a folder beside ``target`` and swap it into place only on success.

    Yields the new, empty folder to write into. ``target`` is checked first
    (:func:`check_output_folder`). The old folder is kept until the new one is in place, and on
    any error or interruption what was built is removed.
    """
    import tempfile

    target = Path(target)
    check_output_folder(target, replaceable=replaceable, error=error, what=what)
    parent = target.parent
    _remove_stale_parts(target)
    try:
        built = Path(tempfile.mkdtemp(prefix=f"{_part_prefix(target)}{os.getpid()}.", suffix=".part", dir=parent))
    except OSError as failure:
        raise error(f"{display_path(target)}: cannot write the {what} there: {failure.strerror or failure}") from None
    try:
        yield built
        os.chmod(built, 0o777 & ~_umask())  # mkdtemp makes it 0700: give what mkdir would
        if target.is_dir() and any(target.iterdir()):
            old = parent / f"{_part_prefix(target)}{os.getpid()}.old.part"
            os.rename(target, old)
            os.rename(built, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(built, target)  # over an empty folder, or none
    except BaseException:
        shutil.rmtree(built, ignore_errors=True)
        raise
