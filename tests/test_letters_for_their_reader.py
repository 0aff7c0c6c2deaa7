"""Each letter speaks to its reader: a trust is not told it commissions, singular and plural
follow the facts, and the ICB is told which services end and which agreements go."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from letters_helpers import make_demo, pdf_text

from practice_action.documents import letters
from practice_action.documents.model import ServiceNoticeItem, WithdrawnAgreement
from practice_action.documents.sample import sample_pack
from practice_action.domain.menu import CUSTOM_MENU_ID, Menu, MenuAction
from practice_action.domain.plan import Choice, Decision
from practice_action.services import documents as service
from practice_action.services import plan as plan_service
from practice_action.services.context import Context

# Phrases addressed to GPs, or claims that do not fit every reader, that must never be sent
# in the practice's own voice.
TO_GPS = ("your professional role", "your patient", "quote our guidance", "sample wording")


def _notice(kind: str, count: int) -> str:
    letter = sample_pack().service_notices[0]
    first = letter.services[0]
    items = tuple(replace(first, name=f"Service {n}") for n in range(1, count + 1))
    return pdf_text(
        letters.voluntary_services_notice(
            replace(letter, services=items, recipient_kind=kind, cc=())
        )
    )


@pytest.mark.parametrize("kind", ["commissioner", "trust"])
def test_one_service_is_spoken_of_in_the_singular(kind: str) -> None:
    text = _notice(kind, 1)
    assert "these services" not in text and "the last days above" not in text
    assert "the last day above" in text and "The service continues" in text


@pytest.mark.parametrize("kind", ["commissioner", "trust"])
def test_several_services_are_spoken_of_in_the_plural(kind: str) -> None:
    text = _notice(kind, 3)
    assert "these services" in text and "the last days above" in text
    assert "Each service continues" in text


def test_a_trust_is_told_the_work_is_its_own_not_that_it_commissions() -> None:
    text = _notice("trust", 2)
    assert "NHS Standard Contract" in text and "own arrangements" in text
    assert "commission" not in text.casefold()
    commissioner = _notice("commissioner", 2)
    assert "as commissioner" in commissioner and "NHS Standard Contract" not in commissioner


def test_the_notification_lists_services_ending_and_agreements_withdrawn() -> None:
    letter = sample_pack().service_changes
    assert letter is not None
    ending = (ServiceNoticeItem("Ear syringing", date(2026, 9, 1), 90, date(2026, 11, 30)),)
    withdrawn = (
        WithdrawnAgreement("Population health dashboard", "Acme Analytics", date(2026, 10, 1)),
    )
    text = pdf_text(
        letters.service_changes_notification(
            replace(letter, services_ending=ending, agreements_withdrawn=withdrawn)
        )
    )
    assert "This voluntary service ends" in text and "Ear syringing 30 November 2026" in text
    assert "this data sharing agreement" in text
    assert "Population health dashboard Acme Analytics 1 October 2026" in text
    assert "in good time" not in text


def test_the_notification_says_honestly_when_the_action_has_begun() -> None:
    letter = sample_pack().service_changes
    assert letter is not None
    after = replace(
        letter, dated=max(a.effective_from for a in letter.actions) + timedelta(days=21)
    )
    assert "All of these changes have already begun" in pdf_text(
        letters.service_changes_notification(after)
    )
    before = replace(
        letter, dated=min(a.effective_from for a in letter.actions) - timedelta(days=1)
    )
    assert "None of these changes has started yet" in pdf_text(
        letters.service_changes_notification(before)
    )
    middle = sorted(a.effective_from for a in letter.actions)
    some = replace(letter, dated=middle[0])
    if middle[0] != middle[-1]:
        assert "already begun, on the dates shown; the others begin" in pdf_text(
            letters.service_changes_notification(some)
        )


def test_the_bma_wording_is_marked_as_a_quotation_and_attributed(ctx: Context) -> None:
    people = make_demo(ctx)
    made = {g.entry.kind: g for g in service.generate(ctx, people["Dr Asha Mistry"])}
    text = pdf_text(made["service_changes_notification"].content)
    assert "“" in text and "Quoted from" in text and "in the BMA's own words" in text
    assert "This voluntary service ends" in text or "These voluntary services end" in text
    assert "data sharing agreement" in text


def test_no_letter_to_a_trust_icb_or_data_controller_speaks_to_gps_in_our_voice(
    ctx: Context,
) -> None:
    people = make_demo(ctx)
    for generated in service.generate(
        ctx, people["Dr Asha Mistry"], kinds=list(service.LETTER_KINDS)
    ):
        if generated.entry.kind == "referral_letter_template":
            continue  # the practice's own letter to a colleague: it may say "your patient"
        text = pdf_text(generated.content)
        # The only text addressed to GPs is inside the quotation marks of the BMA's wording.
        outside = "".join(
            part for n, part in enumerate(text.replace("”", "“").split("“")) if n % 2 == 0
        )
        for phrase in TO_GPS:
            assert phrase not in outside.casefold(), (generated.entry.title, phrase)


# ---------------------------------------------------------------- where each action comes from

SHIPPED = [(m, a) for m in plan_service.shipped_menus() for a in m.actions]
PUBLISHERS = {m.id: m.publisher for m in plan_service.shipped_menus()}


def _adopting(menu_id: str, action: MenuAction) -> plan_service.DecisionView:
    return plan_service.DecisionView(
        action.id,
        menu_id,
        action.title,
        action.detail,
        Choice.ADOPT,
        date(2026, 12, 1),
        None,
        None,
    )


@pytest.mark.parametrize(("m", "a"), SHIPPED, ids=[f"{m.id}/{a.id}" for m, a in SHIPPED])
def test_every_shipped_menu_action_is_labelled_by_where_it_comes_from(
    m: Menu, a: MenuAction
) -> None:
    item = service._adopted_item(_adopting(m.id, a), a, PUBLISHERS)
    label = letters.action_source(item)
    if a.quoted:
        assert item.title == " ".join(a.wording.split())
        assert label == f"Quoted from {a.attribution}"
    else:  # a BMA action given in our words is still the BMA's, never the practice's own
        assert item.title == a.title and not item.attribution
        assert label == "BMA action (in our words)"


def test_only_an_action_the_practice_added_is_called_its_own(ctx: Context) -> None:
    people = make_demo(ctx)
    manager = people["Karen Holt"]
    words = "Pause new local schemes"
    fields = dict(title=words, wording=f"{words}.", attribution="Our LMC", detail="checklist")
    fields.update(source="LMC news", explanation=words, involves=words)
    own = plan_service.add_custom_action(
        ctx, manager, {**fields, "tasks": [{"id": "tell", "text": "Tell the ICB"}]}
    )
    item = service._adopted_item(_adopting(CUSTOM_MENU_ID, own), own, PUBLISHERS)
    assert letters.action_source(item) == "The practice's own action"

    def letter_text() -> str:
        made = service.generate(
            ctx, people["Dr Asha Mistry"], kinds=["service_changes_notification"]
        )
        return pdf_text(made[0].content)

    # the demo plan adopts the July 2024 menu's paraphrased actions, and none of its own
    version = plan_service.current_plan(ctx).version
    assert version is not None and version.menu_id == "bma-2024-07"
    text = letter_text()
    assert "Stop rationing referrals, investigations and admissions" in text
    assert "BMA action (in our words)" in text and "Quoted from BMA" in text
    assert "The practice's own action" not in text
    assert "in our words\u201d is our summary" in text
    decisions = [d.to_decision() for d in version.decisions]
    plan_service.save_plan_version(
        ctx,
        manager,
        [*decisions, Decision(own.id, Choice.ADOPT, date(2026, 12, 1))],
        "With our own action",
        people["Dr Asha Mistry"],
        menu_id=version.menu_id,
    )
    text = letter_text()
    assert text.count("The practice's own action") == 1
    assert "Pause new local schemes" in text
