"""Helpers for the worker processes the server starts (job workers, prediction workers).

They live here, below the jobs and core packages, so that both kinds of worker share them without
importing each other.
"""

from __future__ import annotations

import ctypes
import signal
import sys


def die_with_parent() -> None:
    """Linux: the kernel sends SIGTERM to this process if the server that started it dies."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL("libc.so.6", use_errno=True)
            libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except OSError:
            pass


def describe_exit(returncode: int) -> str:
    """Why a worker process ended before answering, in words (a negative code is the killing signal)."""
    if returncode < 0:
        name = signal.Signals(-returncode).name
        hint = " (killed: out of memory, or stopped by someone)" if name == "SIGKILL" else ""
        return f"worker process was killed by {name}{hint}"
    return f"worker process exited with code {returncode} before finishing the job"
