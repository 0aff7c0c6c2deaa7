"""Never a hole: refusal lists every missing detail; files are written whole or not at all."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from practice_action.documents import letters, notices
from practice_action.documents.completeness import MissingData, MissingItem
from practice_action.documents.files import write_atomically
from practice_action.documents.model import Signer
from practice_action.documents.pack import render_pack
from practice_action.documents.sample import sample_pack
from practice_action.domain.errors import PracticeActionError
from practice_action.domain.records import PostalAddress

EMPTY = PostalAddress("", "", "")


def test_service_changes_letter_refuses_and_lists_every_missing_item() -> None:
    letter = sample_pack().service_changes
    assert letter is not None
    practice = replace(letter.letterhead.practice, ods_code="", email=" ")
    broken = replace(
        letter,
        letterhead=replace(letter.letterhead, practice=practice),
        recipient=EMPTY,
        copy_to=EMPTY,
        signer=Signer(""),
        actions=(),
    )
    with pytest.raises(MissingData) as caught:
        letters.service_changes_notification(broken)
    items = caught.value.items
    wanted = {
        MissingItem("Practice ODS code", "Set-up > Practice profile > ODS code"),
        MissingItem("Practice email address", "Set-up > Practice profile > Email"),
        MissingItem("ICB name", "Set-up > Practice profile > ICB name"),
        MissingItem("ICB address", "Set-up > Practice profile > ICB address"),
        MissingItem("ICB postcode", "Set-up > Practice profile > ICB postcode"),
        MissingItem("LMC address", "Set-up > Practice profile > LMC address"),
        MissingItem("At least one adopted action", "Action plan > Adopt an action"),
    }
    assert wanted <= set(items)
    assert any(item.what == "A partner to sign the letter" for item in items)
    message = str(caught.value)
    assert "details are missing" in message
    assert "ICB address: fill it in at Set-up > Practice profile > ICB address" in message
    assert isinstance(caught.value, PracticeActionError)


def test_voluntary_notice_without_commissioner_names_the_services() -> None:
    letter = sample_pack().service_notices[0]
    with pytest.raises(MissingData) as caught:
        letters.voluntary_services_notice(replace(letter, recipient=EMPTY))
    where = {item.where for item in caught.value.items}
    assert any(
        "Set-up > Voluntary services > Phlebotomy" in w and "Commissioner" in w for w in where
    )
    assert len(caught.value.items) == 3  # name, address and postcode


def test_withdrawal_needs_purpose_party_and_icb_copy() -> None:
    letter = sample_pack().withdrawals[0]
    with pytest.raises(MissingData) as caught:
        letters.data_sharing_withdrawal(replace(letter, purpose="", copy_to=EMPTY))
    whats = [item.what for item in caught.value.items]
    assert "The agreement's secondary purpose" in whats
    assert "ICB address" in whats


def test_notice_needs_a_local_service_with_address_and_hours() -> None:
    notice = sample_pack().notice
    assert notice is not None
    with pytest.raises(MissingData) as caught:
        notices.poster(replace(notice, local_services=()))
    assert caught.value.items[0].where == "Set-up > Local services"
    no_hours = replace(notice.local_services[0], hours="")
    with pytest.raises(MissingData, match="Midtown Urgent Treatment Centre: its opening hours"):
        notices.text_message(replace(notice, local_services=(no_hours,)))


def test_the_pack_refuses_once_with_every_gap_and_no_repeats() -> None:
    pack = sample_pack()
    practice = replace(pack.service_notices[0].letterhead.practice, phone="")
    head = replace(pack.service_notices[0].letterhead, practice=practice)
    broken = replace(
        pack,
        service_notices=tuple(replace(n, letterhead=head) for n in pack.service_notices),
        withdrawals=tuple(replace(w, letterhead=head, copy_to=EMPTY) for w in pack.withdrawals),
    )
    with pytest.raises(MissingData) as caught:
        render_pack(broken)
    items = caught.value.items
    assert (
        items.count(MissingItem("Practice phone number", "Set-up > Practice profile > Phone")) == 1
    )
    assert MissingItem("ICB name", "Set-up > Practice profile > ICB name") in items


def test_write_atomically_replaces_whole_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "letters" / "notice.pdf"
    write_atomically(target, b"first version")
    write_atomically(target, b"second")
    assert target.read_bytes() == b"second"
    assert [p.name for p in target.parent.iterdir()] == ["notice.pdf"]


def test_write_atomically_keeps_the_old_file_when_writing_fails(tmp_path: Path) -> None:
    target = tmp_path / "notice.pdf"
    write_atomically(target, b"the letter as sent")
    with pytest.raises(TypeError):
        write_atomically(target, "not bytes")  # type: ignore[arg-type]
    assert target.read_bytes() == b"the letter as sent"
    assert [p.name for p in tmp_path.iterdir()] == ["notice.pdf"]


def test_pack_files_can_be_written_and_read_back(tmp_path: Path) -> None:
    for name, data in render_pack(sample_pack()).items():
        write_atomically(tmp_path / name, data)
    written = sorted(p.name for p in tmp_path.iterdir())
    assert "patient-notice-text-message.txt" in written
    assert len(written) == 12
    assert all((tmp_path / name).stat().st_size > 0 for name in written)
