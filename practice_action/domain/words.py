"""Counts worded for one and for many: "1 urgent override", "3 urgent overrides"."""

from __future__ import annotations


def plural(n: int, one: str, many: str | None = None, *, thousands: bool = False) -> str:
    """``n`` with the word for one or for many (``one`` + "s" unless told otherwise)."""
    word = one if n == 1 else (many if many is not None else f"{one}s")
    figure = f"{n:,}" if thousands else str(n)
    return f"{figure} {word}"
