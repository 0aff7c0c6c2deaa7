"""Set-up > Counter: the practice's usual contact type and undo period, shared by every desk."""

from __future__ import annotations

from practice_action.domain.enums import ContactType
from practice_action.services import counter
from practice_action.ui.setup_screens import SetupSection


def test_a_manager_sets_the_usual_contact_type_and_undo_period(qtbot, ctx, manager) -> None:
    section = SetupSection(ctx, manager)
    qtbot.addWidget(section)
    tab = section.counter_settings
    assert tab.chosen_type() is ContactType.FACE_TO_FACE
    assert tab.undo_minutes.value() == 10
    tab.usual_type.setCurrentIndex(tab.usual_type.findData(ContactType.TELEPHONE.value))
    tab.undo_minutes.setValue(5)
    assert tab.save()
    assert counter.settings(ctx) == (ContactType.TELEPHONE, 5)
    assert "Saved" in tab.message.text()


def test_the_tab_refuses_someone_without_the_set_up_permission(qtbot, ctx, receptionist) -> None:
    section = SetupSection(ctx, receptionist)
    qtbot.addWidget(section)
    assert not section.counter_settings.save()
    assert "Not saved" in section.counter_settings.message.text()
    assert counter.settings(ctx) == (ContactType.FACE_TO_FACE, 10)
