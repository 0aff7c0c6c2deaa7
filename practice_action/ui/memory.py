"""How the desk's process hands memory back, where the C library lets it choose.

Checking a PIN takes Argon2's working memory (several megabytes) for a moment. On Linux,
glibc hands the first such block straight back, then raises its threshold for "large" and
keeps every later one in the heap: after one lock and unlock the desk would hold that
memory for good. Fixing the threshold (which also switches off that adjustment) makes
every block of 1 MiB or more go back as soon as it is freed. Windows and macOS hand large
blocks back by themselves; there this does nothing.
"""

from __future__ import annotations

import ctypes
import os
import sys

LARGE_BLOCK = 1024 * 1024
_M_MMAP_THRESHOLD = -3  # glibc's malloc.h


def is_glibc() -> bool:
    """Whether this process runs on GNU libc (asked of the C library, not guessed)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        version = os.confstr("CS_GNU_LIBC_VERSION")
    except (ValueError, OSError, AttributeError):
        return False
    return bool(version) and str(version).startswith("glibc")


def return_large_blocks() -> bool:
    """Ask glibc to give every block of LARGE_BLOCK or more back when freed; True if it did."""
    if not is_glibc():
        return False  # Windows, macOS, musl: no such threshold
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the C library already loaded in this process
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(_M_MMAP_THRESHOLD, LARGE_BLOCK))
