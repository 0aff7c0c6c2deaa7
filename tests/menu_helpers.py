"""A menu file for the tests that add one: the July 2026 action of the 2026 round, as an LMC
might pass it on, written in the shipped files' format."""

from __future__ import annotations

from pathlib import Path

JULY = """
[menu]
id = "bma-2026-07"
extends = "bma-2026"
title = "BMA monthly action for July 2026"
publisher = "Our LMC"
published = 2026-07-01
source = "LMC bulletin, July 2026; summarised, not quoted"
summary = "The July action of the 2026 round, as our LMC passed it on."

[[actions]]
id = "2026-07-locum-rates"
number = 5
title = "Review the rates offered to locums"
wording = "Review the rates offered to locums against the BMA's guidance."
wording_is = "paraphrase"
attribution = "Our LMC, July 2026 (summarised, not the BMA's words)"
source = "LMC bulletin, July 2026"
explanation = "The partners compare what the practice pays locums with the guidance."
involves = "A meeting of the partners."
detail = "checklist"
tasks = [{ id = "review", text = "Review the locum rates at the partners' meeting" }]
"""


def menu_file(tmp_path: Path, text: str, name: str = "bma-2026-07.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# The same action as a menu of its own, as an LMC might send one that joins no shipped menu.
LOCAL = (
    JULY.replace('extends = "bma-2026"\n', "")
    .replace('id = "bma-2026-07"', 'id = "lmc-2026-local"')
    .replace('title = "BMA monthly action for July 2026"', 'title = "Our LMC\'s local actions"')
    .replace('id = "2026-07-locum-rates"', 'id = "lmc-locum-rates"')
    .replace("number = 5", "number = 1")
)
