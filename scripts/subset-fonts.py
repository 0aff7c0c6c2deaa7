"""Make the letters' fonts: DejaVu Sans 2.37 cut down to the scripts a practice writes in.

The documents embed only the glyphs they use, but reportlab reads a whole font file into
memory when it first draws: the full DejaVu Sans (6,253 glyphs, two faces) costs the desk
about 3 MB more than this cut of 2,698 glyphs. What stays: every Latin letter (Welsh, Irish,
Polish, Romanian, Vietnamese and the rest), Greek, Cyrillic, combining accents, punctuation,
currency, arrows and the symbols the app prints (check marks, warning sign, boxes).

Run from the repository, with fontTools installed (a tool, not a dependency of the app):

    python scripts/subset-fonts.py DejaVuSans.ttf DejaVuSans-Bold.ttf

The originals come from the DejaVu fonts release 2.37; the results are written to
resources/fonts/ under the same names. The licence (resources/fonts/LICENSE-DejaVu.txt)
allows this: the font names contain neither "Bitstream" nor "Vera".
"""

from __future__ import annotations

import sys
from pathlib import Path

KEPT = (
    "U+0020-007E",  # Basic Latin
    "U+00A0-02FF",  # Latin-1, Latin Extended-A and -B, IPA, spacing modifiers
    "U+0300-036F",  # combining accents (names typed with separate accents)
    "U+0370-03FF",  # Greek
    "U+0400-04FF",  # Cyrillic
    "U+1E00-1EFF",  # Latin Extended Additional (Welsh w and y accents, Vietnamese)
    "U+2000-206F",  # general punctuation: dashes, quotes, bullet, ellipsis
    "U+2070-209F",  # superscripts and subscripts
    "U+20A0-20CF",  # currency
    "U+2100-214F",  # letterlike symbols
    "U+2150-218F",  # number forms
    "U+2190-21FF",  # arrows
    "U+2200-22FF",  # mathematical operators
    "U+25A0-25FF",  # geometric shapes
    "U+2600-26FF",  # miscellaneous symbols (ballot box, warning sign)
    "U+2700-27BF",  # dingbats (check marks)
    "U+FB00-FB06",  # Latin ligatures
    "U+FFFD",  # replacement character
)


def main(originals: list[str]) -> int:
    from fontTools import subset

    out = Path(__file__).resolve().parent.parent / "resources" / "fonts"
    for original in originals:
        target = out / Path(original).name
        subset.main(
            [
                original,
                f"--unicodes={','.join(KEPT)}",
                "--layout-features=*",
                "--glyph-names",
                "--name-IDs=*",
                "--name-languages=*",
                "--notdef-outline",
                f"--output-file={target}",
            ]
        )
        print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:]))
