"""Child processes that never outlive pgraph: build workers and served Oxigraph servers.

A child asks the kernel to be signalled when its parent dies
(``prctl(PR_SET_PDEATHSIG)``, Linux), whatever the way the parent dies —
SIGKILL included, when no Python code runs to stop it. Where ``prctl`` is
missing, a thread of the child watches its parent's process id instead. In
both cases a child whose parent died before it could ask exits at once.

Example:
    >>> import os
    >>> from concurrent.futures import ProcessPoolExecutor
    >>> with ProcessPoolExecutor(1, initializer=die_with_parent, initargs=(os.getpid(),)) as pool:
    ...     pool.submit(os.getppid).result() == os.getpid()
    True
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1
"""``prctl`` option: the signal a process gets when its parent dies (linux/prctl.h)."""

WATCH_INTERVAL = 0.5
"""Seconds between two looks at the parent, where ``prctl`` is missing."""


def die_with_parent(parent_pid: int | None = None, sig: int = signal.SIGKILL) -> None:
    """In a child process: make sure it ends (``sig``) when ``parent_pid`` ends; return None.

    Call it first thing in the child (``ProcessPoolExecutor(initializer=…)``,
    ``subprocess.Popen(preexec_fn=…)``). ``parent_pid`` None: the current parent.
    The kernel sends the signal when the *thread* that started the child
    ends, so start children from a thread that lives as long as they should.
    """
    parent_pid = os.getppid() if parent_pid is None else parent_pid
    if not _ask_the_kernel(sig):
        threading.Thread(target=_watch, args=(parent_pid, sig), daemon=True).start()
    if os.getppid() != parent_pid:  # the parent died before the request took effect
        os.kill(os.getpid(), sig)


def _ask_the_kernel(sig: int) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent_pid: int, sig: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(WATCH_INTERVAL)
    os.kill(os.getpid(), sig)
