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
import ctypes.util
import sys

LARGE_BLOCK = 1024 * 1024
_M_MMAP_THRESHOLD = -3  # glibc's malloc.h


def return_large_blocks() -> bool:
    """Ask glibc to give every block of LARGE_BLOCK or more back when freed; True if it did."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # another C library (musl has no mallopt)
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(_M_MMAP_THRESHOLD, LARGE_BLOCK))
