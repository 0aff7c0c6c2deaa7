"""Fonts, text styles and the small helpers every document uses.

User text is escaped here, once, before it reaches a Paragraph: a practice called
"Smith & Jones <Partners>" must print exactly that. The bundled DejaVu Sans shows every
accent a patient's or partner's name is likely to carry; without it we fall back to the
standard Helvetica, which covers Western European (Latin-1) letters only.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import fields, is_dataclass
from functools import lru_cache

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from practice_action.documents.completeness import UnprintableText
from practice_action.paths import resource

NHS_BLUE = colors.HexColor("#005EB8")
DARK = colors.HexColor("#212B32")
GREY = colors.HexColor("#4C6272")
PALE = colors.HexColor("#E8EDEE")
WARM = colors.HexColor("#FFEB3B")

REGULAR = "PracticeSans"
BOLD = "PracticeSans-Bold"


@lru_cache(maxsize=1)
def fonts() -> tuple[str, str]:
    """Register the bundled font once; the (regular, bold) names to use."""
    try:
        regular = resource("fonts", "DejaVuSans.ttf")
        bold = resource("fonts", "DejaVuSans-Bold.ttf")
        pdfmetrics.registerFont(TTFont(REGULAR, str(regular)))
        pdfmetrics.registerFont(TTFont(BOLD, str(bold)))
    except (FileNotFoundError, OSError):
        return "Helvetica", "Helvetica-Bold"
    # No italic is bundled: <i> in a Paragraph prints upright rather than failing. Each face
    # is read once (a parsed face holds several megabytes of glyph tables).
    pdfmetrics.registerFontFamily(
        REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD
    )
    return REGULAR, BOLD


def plain(text: object) -> str:
    """User text for drawString (footers, running heads): accents joined to their letters."""
    return unicodedata.normalize("NFC", "" if text is None else str(text))


def esc(text: object) -> str:
    """User text made safe for a Paragraph; line breaks kept."""
    # Accents typed as separate marks (as some keyboards and copied text give them) are
    # joined to their letters, so the font draws each as one.
    value = "" if text is None else unicodedata.normalize("NFC", str(text))
    # By hand rather than with xml.sax.saxutils, which loads urllib and http for nothing.
    escaped = (
        value.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )
    return "<br/>".join(line.rstrip() for line in escaped.replace("\r\n", "\n").split("\n"))


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def paragraphs(text: str) -> list[str]:
    """Blank lines separate paragraphs; single line breaks stay inside one."""
    blocks = [block.strip() for block in text.replace("\r\n", "\n").split("\n\n")]
    return [block for block in blocks if block]


def style(
    name: str,
    size: float,
    *,
    bold: bool = False,
    leading: float | None = None,
    color: colors.Color = DARK,
    align: int = TA_LEFT,
    before: float = 0,
    after: float = 0,
    keep_with_next: bool = False,
) -> ParagraphStyle:
    regular, heavy = fonts()
    return ParagraphStyle(
        name,
        fontName=heavy if bold else regular,
        fontSize=size,
        leading=leading if leading is not None else size * 1.3,
        textColor=color,
        alignment=align,
        spaceBefore=before,
        spaceAfter=after,
        keepWithNext=int(keep_with_next),
        allowWidows=0,  # never one line of a paragraph alone at the top of a page
        allowOrphans=0,
    )


def _texts(value: object) -> Iterator[str]:
    """Every string inside a document's inputs (dataclasses, tuples, lists, dicts)."""
    if isinstance(value, str):
        yield value
    elif is_dataclass(value) and not isinstance(value, type):
        for field in fields(value):
            yield from _texts(getattr(value, field.name))
    elif isinstance(value, tuple | list | frozenset | set):
        for item in value:
            yield from _texts(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)


def require_printable(inputs: object) -> None:
    """Refuse, naming each text and its characters, when the font lacks any of them."""
    regular, bold = fonts()
    if regular != REGULAR:  # the fallback font: its coverage is not ours to check
        return
    faces = [pdfmetrics.getFont(name).face.charToGlyph for name in (regular, bold)]
    found: dict[str, str] = {}
    for text in _texts(inputs):
        normal = unicodedata.normalize("NFC", text)
        missing = {
            ch
            for ch in normal
            if not ch.isspace() and ord(ch) >= 32 and any(ord(ch) not in face for face in faces)
        }
        if missing:
            found[normal.strip()[:60]] = " ".join(sorted(missing))
    if found:
        raise UnprintableText(found)
