"""One person, one name: names stored in one Unicode form, invisible characters refused, and a
key that finds the same name typed another way.

A name that looks the same on screen must be the same name in the database: "Dr Asha Mistry"
followed by a zero-width space, or with its letters in decomposed form, would otherwise make a
second, identical-looking partner or clinician with a cap of their own.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

# Characters that show nothing (or reorder what is around them) but are not format controls.
_INVISIBLE_OTHERS = {
    "\u115f",  # HANGUL CHOSEONG FILLER
    "\u1160",  # HANGUL JUNGSEONG FILLER
    "\u3164",  # HANGUL FILLER
    "\uffa0",  # HALFWIDTH HANGUL FILLER
    "\u2800",  # BRAILLE PATTERN BLANK
    "\u034f",  # COMBINING GRAPHEME JOINER
}
# Spaces other than the ordinary one, which a name is folded to.
_ODD_SPACES = {"\u00a0", "\u2007", "\u202f", "\u3000"} | {chr(c) for c in range(0x2000, 0x200B)}


def invisible_characters(text: str) -> list[str]:
    """Each invisible or direction-changing character in ``text``, as 'U+200B ZERO WIDTH SPACE'."""
    found = []
    for char in text:
        if (unicodedata.category(char) in ("Cf", "Co", "Cs", "Cn")) or (char in _INVISIBLE_OTHERS):
            code = f"U+{ord(char):04X}"
            found.append(f"{code} {unicodedata.name(char, 'unnamed character')}")
    return list(dict.fromkeys(found))


def clean_name(text: str) -> str:
    """The name as stored: NFC, unusual spaces made ordinary, runs of spaces made one."""
    normal = unicodedata.normalize("NFC", text or "")
    normal = "".join(" " if char in _ODD_SPACES else char for char in normal)
    return " ".join(normal.split())


def name_key(text: str) -> str:
    """What two names share when they are one person's typed another way: case, accents,
    spacing and compatibility forms (full-width letters, ligatures) set aside."""
    decomposed = unicodedata.normalize("NFKD", clean_name(text))
    letters = "".join(char for char in decomposed if not unicodedata.combining(char))
    return "".join(letters.casefold().split())


def same_name(name: str, others: Iterable[tuple[int, str]], besides: int | None) -> str | None:
    """How the record of ``others`` (id, name) that is ``name`` typed another way is shown,
    e.g. 'dr asha mistry (Dr Asha Mistry, written another way)'; None when there is none."""
    wanted = name_key(name)
    for other_id, other in others:
        if other_id != besides and name_key(other) == wanted:
            return name if other == name else f"{name} ({other}, written another way)"
    return None
