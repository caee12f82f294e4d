"""What a query worker may do to the machine: no network, and no life after the server's.

- :func:`leave_network` moves the calling process into a network namespace of its own
  (``unshare(CLONE_NEWNET)``, with ``CLONE_NEWUSER`` for a user without CAP_SYS_ADMIN). The new
  namespace has only a loopback interface, and it is down: ``connect()`` to any address, the
  server's own 127.0.0.1 included, fails with ENETUNREACH. Whatever text reaches the engine,
  its HTTP client (which serves SERVICE and which no switch turns off) has nowhere to go, so
  federation is impossible by construction, not by a screen that has to read SPARQL exactly
  as Oxigraph does.
- :func:`die_with_parent` asks the kernel to SIGKILL the calling process when its parent
  thread ends (``PR_SET_PDEATHSIG``), so a worker cannot outlive the server, even a server
  killed with SIGKILL, which runs no clean-up of its own.

Both are Linux system calls made through ctypes: Python 3.11 has neither ``os.unshare``
(3.12) nor a wrapper for ``prctl``.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal

CLONE_NEWNET = 0x40000000
CLONE_NEWUSER = 0x10000000
PR_SET_PDEATHSIG = 1

_libc: ctypes.CDLL | None = None


def _c() -> ctypes.CDLL:
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    return _libc


def leave_network() -> str | None:
    """Move this process into an empty network namespace; ``None`` on success, else why not.

    As root (CAP_SYS_ADMIN) a network namespace alone is enough. Other users need a user
    namespace around it, which the kernel allows only to a single-threaded process (a
    forked worker is one) and only where unprivileged user namespaces are enabled.
    """
    try:
        libc = _c()
    except OSError as error:
        return f"the C library cannot be loaded ({error})"
    if libc.unshare(CLONE_NEWNET) == 0:
        return None
    first = ctypes.get_errno()
    if libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0:
        return None
    second = ctypes.get_errno()
    return f"unshare(CLONE_NEWNET) failed: {os.strerror(first)}; with CLONE_NEWUSER: {os.strerror(second)}"


def die_with_parent(expected_parent: int) -> None:
    """Be killed (SIGKILL) when the parent thread ends; leave at once if it already has.

    PR_SET_PDEATHSIG is tied to the *thread* that forked this process, not to the whole
    parent process: the pool must fork its workers from threads that live as long as the
    server (see :mod:`kosovo_kg.web.workers`). Call it after :func:`leave_network`: a change
    of credentials (a new user namespace is one) clears the setting.
    """
    if _c().prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != expected_parent:  # the parent died before the call: nobody would kill us
        os._exit(1)


def probe_network_namespace() -> str | None:
    """Whether workers can leave the network here: ``None`` if they can, else the reason.

    Tried in a forked child, which exits at once, so the caller keeps its own network.
    """
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: try, report, leave without running the parent's exit handlers
        try:
            os.close(read_end)
            os.write(write_end, (leave_network() or "").encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as reader:
        reason = reader.read().decode()
    os.waitpid(pid, 0)
    return reason or None
