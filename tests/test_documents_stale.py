"""A generated document is out of date only when something it prints has changed: how soon a
desk locks is printed nowhere, the practice's phone number is on every letter."""

from __future__ import annotations

from dataclasses import replace

from letters_helpers import make_demo

from practice_action.services import documents as letters
from practice_action.services import practice
from practice_action.services.context import Context

KEY = "service_changes_notification"


def _state(ctx: Context, actor) -> str:
    status = next(s for s in letters.overview(ctx, actor).documents if s.document.key == KEY)
    return status.state


def test_a_setting_no_letter_prints_leaves_letters_up_to_date(ctx: Context) -> None:
    people = make_demo(ctx)
    partner, manager = people["Dr Asha Mistry"], people["Karen Holt"]
    letters.generate(ctx, partner, [KEY])
    assert _state(ctx, partner) == "Generated"

    profile = practice.get_profile(ctx)
    practice.save_profile(ctx, manager, replace(profile, idle_lock_minutes=1))
    assert _state(ctx, partner) == "Generated"

    practice.save_profile(
        ctx, manager, replace(profile, idle_lock_minutes=1, phone="0116 496 0999")
    )
    assert "generate again" in _state(ctx, partner)


def test_the_letters_screen_says_what_changed(qtbot, ctx: Context) -> None:
    from practice_action.ui.letters_screen import LettersScreen

    people = make_demo(ctx)
    partner, manager = people["Dr Asha Mistry"], people["Karen Holt"]
    letters.generate(ctx, partner, [KEY])
    profile = practice.get_profile(ctx)
    practice.save_profile(ctx, manager, replace(profile, phone="0116 496 0999"))
    screen = LettersScreen(ctx, partner)
    qtbot.addWidget(screen)
    screen.resize(1200, 700)
    screen.show()
    assert screen.select_key(KEY)
    title = screen.preview_title.text()
    assert "is out of date" in title and "Generate it again" in title
    assert "0116 496 0999" in title and profile.phone in title  # now …, and what it was
