"""A breach's window, used like a clerk: read the 72-hour countdown as it runs, record the ICO decision and the
report made to the ICO through the real dialogs, produce the ICO report and a notice to an affected client, and see
them on the timeline.

"Now" is Saturday 27 March 2027 at 11:00 GMT on the app's clock (``ctx.clock``); the clocks go forward the next
night.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from hartdesk import settings as settings_mod
from hartdesk.models.enums import BreachDecision, BreachRisk
from hartdesk.privacy import breaches
from hartdesk.ui.breach_form import BreachForm
from hartdesk.ui.breach_window import (
    ONLY_HIGH_RISK,
    BreachWindow,
    DecisionDialog,
    NotifiedDialog,
    PeopleToldDialog,
    UpdateDialog,
    breach_window,
    open_breach,
)
from hartdesk.ui.context import AppContext
from hartdesk.ui.document_dialog import DocumentDialog
from tests.conftest import ADMIN
from tests.ui.helpers import Show, cells, open_child, set_settings
from tests.ui.test_breaches_screen import NOW, at, log
from tests.ui.test_clients_screen import Clients, fill_register

SIZE = (1000, 700)
RED, AMBER, BLUE, GREY = "#a61b1b", "#7a4f00", "#1f4e79", "#3d3d3d"


@pytest.fixture
def refs(signed_in_admin: Any) -> Clients:
    set_settings(signed_in_admin, agency_contact_name="Morwenna Trelawny", agency_contact_position="Director")
    return fill_register(signed_in_admin)


@pytest.fixture
def now_ctx(admin_ctx: AppContext) -> AppContext:
    admin_ctx.clock = at(NOW)
    return admin_ctx


class Opened:
    """Opens breach windows from a host widget, recording each ``on_changed`` call."""

    def __init__(self, qtbot: Any, ctx: AppContext, host: QWidget) -> None:
        self.qtbot, self.ctx, self.host = qtbot, ctx, host
        self.changes: list[str] = []

    def __call__(self, ref: str) -> BreachWindow:
        window = open_breach(self.ctx, self.host, ref, lambda: self.changes.append(ref))
        self.qtbot.waitExposed(window)
        window.resize(*SIZE)
        self.qtbot.waitUntil(lambda: window.record is not None)
        return window


@pytest.fixture
def open_window(qtbot: Any, show: Show, now_ctx: AppContext) -> Opened:
    return Opened(qtbot, now_ctx, show(QWidget(), (200, 100)))


@pytest.fixture
def save_as(monkeypatch: pytest.MonkeyPatch) -> Any:
    """``save_as(path)``: the next file dialogs answer ``path``."""

    def save_as(path: Path) -> None:
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(path), ""))

    return save_as


def activate(qtbot: Any, window: QWidget) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def press_alt(qtbot: Any, window: QWidget, key: Qt.Key) -> None:
    activate(qtbot, window)
    qtbot.keyClick(window, key, Qt.KeyboardModifier.AltModifier)


def opened(qtbot: Any, parent: QWidget, cls: type[Any]) -> Any:
    qtbot.waitUntil(lambda: any(c.isVisible() for c in parent.findChildren(cls)))
    dialog = open_child(parent, cls)
    activate(qtbot, dialog)
    return dialog


def submit(qtbot: Any, dialog: QWidget) -> None:
    """Ctrl+Enter records."""
    activate(qtbot, dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def show_tab(qtbot: Any, window: BreachWindow, title: str) -> None:
    index = next(i for i in range(window.tabs.count()) if re.sub("&(.)", r"\1", window.tabs.tabText(i)) == title)
    qtbot.mouseClick(window.tabs.tabBar(), Qt.MouseButton.LeftButton, pos=window.tabs.tabBar().tabRect(index).center())
    assert window.tabs.currentIndex() == index


def document_dialog(qtbot: Any, parent: QWidget) -> DocumentDialog:
    qtbot.waitUntil(lambda: any(d.isVisible() for d in parent.findChildren(DocumentDialog)))
    dialog = open_child(parent, DocumentDialog)
    qtbot.waitUntil(lambda: not dialog.is_busy())
    assert dialog.error_label.isHidden(), dialog.error_label.text()
    return dialog


def clock_colour(window: BreachWindow) -> str:
    found = re.search(r"QLabel#clock_label \{ color: (#[0-9a-f]{6}); \}", window.clock_frame.styleSheet())
    assert found is not None
    return found.group(1)


def timeline(window: BreachWindow) -> list[str]:
    return [row[2] for row in cells(window.timeline_table)]


# --- reading ------------------------------------------------------------------------------------------------------


def test_the_countdown_runs_in_large_type_and_turns_amber_then_red(
    refs: Clients, open_window: Opened, now_ctx: AppContext
) -> None:
    ref = log(
        now_ctx.who,
        "Laptop lost on a train",
        NOW - timedelta(hours=2),
        details="Left on the 08:10 to Leeds.",
        client_refs=(refs.zoe, refs.acme),
        risk=BreachRisk.RISK,
    )
    window = open_window(ref)
    assert window.windowTitle() == f"{ref} — Laptop lost on a train"
    assert window.ref_label.text() == ref
    assert window.summary_label.text() == "Laptop lost on a train"
    assert window.status_badge.text() == "Waiting for the ICO decision"
    assert window.clock_label.text() == "70 hours left to decide on reporting to the ICO"
    assert window.clock_note.text() == (
        "Deadline Tue 30 Mar 2027 10:00 BST: 72 hours after the agency became aware, Sat 27 Mar 2027 09:00 GMT."
    )
    assert window.level_badge.text() == "Clock running" and clock_colour(window) == BLUE
    assert window.clock_label.font().pointSizeF() > window.clock_note.font().pointSizeF() * 1.5

    now_ctx.clock = at(NOW + timedelta(hours=23))
    window.tick.timeout.emit()  # a minute passes: the timer works the clock out again
    assert window.clock_label.text().startswith("47 hours left")
    assert window.level_badge.text() == "Under 48 hours" and clock_colour(window) == AMBER
    now_ctx.clock = at(NOW + timedelta(hours=50))
    window.tick.timeout.emit()
    assert window.clock_label.text().startswith("20 hours left")
    assert window.level_badge.text() == "Under 24 hours" and clock_colour(window) == RED
    now_ctx.clock = at(NOW + timedelta(hours=73))
    window.tick.timeout.emit()
    assert window.clock_label.text() == "ICO deadline passed 3 hours ago"
    assert window.level_badge.text() == "Overdue" and clock_colour(window) == RED
    window.close()


def test_each_tab_shows_what_is_recorded(qtbot: Any, refs: Clients, open_window: Opened, now_ctx: AppContext) -> None:
    ref = log(
        now_ctx.who,
        "Backup bucket left public",
        NOW - timedelta(hours=5),
        details="The bucket of nightly backups could be listed by anyone for a day.",
        occurred_at=NOW - timedelta(days=1),
        occurred_note="from a change made on Friday",
        client_refs=(refs.acme,),
        consequences="Names and emails could be used for phishing.",
        measures_taken="Bucket made private; access logs checked.",
        risk=BreachRisk.HIGH,
    )
    window = open_window(ref)
    assert window.tabs.currentIndex() == 0  # Facts
    facts = {key: label.text() for key, label in window.facts_values.items()}
    assert facts["details"] == "The bucket of nightly backups could be listed by anyone for a day."
    assert facts["occurred"] == "Fri 26 Mar 2027 11:00 GMT (from a change made on Friday)"
    assert facts["aware"] == "Sat 27 Mar 2027 06:00 GMT"
    assert facts["deadline"] == "Tue 30 Mar 2027 07:00 BST"
    assert facts["people"] == "1 person"
    assert facts["categories"] != "None recorded"

    show_tab(qtbot, window, "Affected")
    assert window.affected_values["clients"].text() == f"{refs.acme} Acme Widgets Ltd"
    assert cells(window.affected_table) == [[refs.acme, "Acme Widgets Ltd", "Chosen"]]

    show_tab(qtbot, window, "Assessment")
    assessment = {key: label.text() for key, label in window.assessment_values.items()}
    assert assessment["risk"] == BreachRisk.HIGH.label
    assert assessment["decision"] == "Not decided yet"
    assert assessment["measures_taken"] == "Bucket made private; access logs checked."
    assert assessment["ico_notified"] == "Not yet"

    show_tab(qtbot, window, "Timeline")
    [logged] = cells(window.timeline_table)
    assert logged[1:] == ["Logged", "Logged: Backup bucket left public. Aware since Sat 27 Mar 2027 06:00 GMT.", ADMIN]
    window.close()


# --- the decision and the report to the ICO -----------------------------------------------------------------------


def test_record_the_decision_the_report_and_produce_the_ico_report_and_a_client_notice(
    qtbot: Any, refs: Clients, open_window: Opened, now_ctx: AppContext, save_as: Any, tmp_path: Path
) -> None:
    ref = log(
        now_ctx.who,
        "Laptop lost on a train",
        NOW - timedelta(hours=2),
        client_refs=(refs.zoe, refs.acme),
        consequences="Client contact details could be misused.",
        risk=BreachRisk.RISK,
    )
    window = open_window(ref)
    assert not window.people_notice_button.isEnabled()  # a risk, not a high risk
    assert window.people_notice_button.toolTip() == ONLY_HIGH_RISK
    assert not window.notified_button.isEnabled() and not window.close_breach_button.isEnabled()

    press_alt(qtbot, window, Qt.Key.Key_D)  # Record ICO decision…
    dialog = opened(qtbot, window, DecisionDialog)
    assert dialog.notify_radio.isChecked()  # a breach with a risk is reported
    assert not dialog.not_notify_radio.isEnabled()
    assert dialog.reason_edit.hasFocus()
    qtbot.keyClicks(dialog.reason_edit, "Client contact details on an unencrypted disk.")
    submit(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    qtbot.waitUntil(lambda: window.status_badge.text() == "To report to the ICO")
    assert window.clock_label.text() == "Decided on Sat 27 Mar 2027 11:00 GMT: report to the ico"
    assert window.level_badge.text() == "Decided" and clock_colour(window) == GREY
    assert open_window.changes == [ref]

    press_alt(qtbot, window, Qt.Key.Key_R)  # Reported to the ICO…
    dialog = opened(qtbot, window, NotifiedDialog)
    assert dialog.at_edit.hasFocus() and dialog.at_edit.text() == "27/03/2027 11:00"
    assert dialog.late_label.isHidden()  # within the 72 hours: no reasons for a delay
    press_alt(qtbot, dialog, Qt.Key.Key_F)  # ICO re&ference
    qtbot.keyClicks(dialog.reference_edit, "IC-123456-A1B2")
    submit(qtbot, dialog)
    qtbot.waitUntil(lambda: window.status_badge.text() == "Reported to the ICO")
    assert window.assessment_values["ico_reference"].text() == "IC-123456-A1B2"
    assert window.assessment_values["ico_notified"].text() == "Sat 27 Mar 2027 11:00 GMT"

    save_as(tmp_path / "ico.pdf")
    press_alt(qtbot, window, Qt.Key.Key_I)  # ICO report…
    document = document_dialog(qtbot, window)
    assert document.windowTitle() == f"ICO report — {ref}"
    assert document.email_radio.isChecked()
    qtbot.mouseClick(document.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: (tmp_path / "ico.pdf").is_file())
    document.close()

    window.client_notice_menu.aboutToShow.emit()  # Alt+N opens the menu of the clients affected
    assert [a.text() for a in window.client_notice_menu.actions()] == [
        f"{refs.zoe} Zoë Łukasiewicz-Öztürk",
        f"{refs.acme} Acme Widgets Ltd",
    ]
    save_as(tmp_path / "acme.pdf")
    window.client_notice_menu.actions()[1].trigger()
    document = document_dialog(qtbot, window)
    assert document.windowTitle() == f"Breach notice to {refs.acme} Acme Widgets Ltd — {ref}"
    assert document.post_radio.isChecked()
    qtbot.mouseClick(document.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: (tmp_path / "acme.pdf").is_file())
    document.close()

    show_tab(qtbot, window, "Timeline")
    qtbot.waitUntil(
        lambda: sum(f"Breach notice to a client (as its processor), {refs.acme}" in s for s in timeline(window)) == 2
    )
    summaries = timeline(window)
    assert f"Decision: {BreachDecision.NOTIFY.label}. Why: Client contact details on an unencrypted disk." in summaries
    assert "Reported to the ICO on Sat 27 Mar 2027 11:00 GMT, reference IC-123456-A1B2" in summaries
    assert sum("Breach report for the ICO" in s for s in summaries) == 2  # produced, then saved
    window.close()


def test_a_report_after_the_72_hours_needs_the_reasons(
    qtbot: Any, refs: Clients, open_window: Opened, now_ctx: AppContext
) -> None:
    ref = log(now_ctx.who, "Wrong invoice emailed", NOW - timedelta(hours=80), risk=BreachRisk.RISK)
    with now_ctx.who.register.session() as s:
        breaches.record_decision(s, ADMIN, ref, BreachDecision.NOTIFY, "", NOW)
    window = open_window(ref)
    press_alt(qtbot, window, Qt.Key.Key_R)
    dialog = opened(qtbot, window, NotifiedDialog)
    assert dialog.late_label.isVisible()
    submit(qtbot, dialog)
    assert dialog.isVisible()
    assert dialog.problems.message("late_reason").startswith("The ICO was told more than 72 hours after")
    press_alt(qtbot, dialog, Qt.Key.Key_D)
    assert dialog.late_edit.hasFocus()
    qtbot.keyClicks(dialog.late_edit, "The invoice system's logs took two days to check.")
    submit(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    qtbot.waitUntil(lambda: window.status_badge.text() == "Reported to the ICO")
    assert window.assessment_values["late_reason"].text() == "The invoice system's logs took two days to check."
    window.close()


def test_no_decision_before_the_risk_is_assessed_and_not_reporting_needs_a_reason(
    qtbot: Any, refs: Clients, open_window: Opened, now_ctx: AppContext
) -> None:
    ref = log(now_ctx.who, "Printout in the wrong bin", NOW - timedelta(hours=1))
    window = open_window(ref)
    assert not window.decision_button.isEnabled()
    assert window.decision_button.toolTip() == "Assess the risk first (Edit…): the decision follows from it"

    press_alt(qtbot, window, Qt.Key.Key_E)  # Edit…
    form = opened(qtbot, window, BreachForm)
    qtbot.waitUntil(lambda: form.summary_edit.text() == "Printout in the wrong bin")
    press_alt(qtbot, form, Qt.Key.Key_I)
    qtbot.keyClick(form.risk_combo, Qt.Key.Key_Down)
    assert form.risk_combo.currentText() == BreachRisk.NONE.label
    submit(qtbot, form)
    qtbot.waitUntil(lambda: window.assessment_values["risk"].text() == BreachRisk.NONE.label)
    assert window.decision_button.isEnabled()

    press_alt(qtbot, window, Qt.Key.Key_D)
    dialog = opened(qtbot, window, DecisionDialog)
    assert not dialog.notify_radio.isChecked() and not dialog.not_notify_radio.isChecked()  # never a default
    submit(qtbot, dialog)
    assert dialog.problems.message("decision") == "Choose whether the breach is reported to the ICO."
    press_alt(qtbot, dialog, Qt.Key.Key_N)
    qtbot.waitUntil(dialog.not_notify_radio.isChecked)  # a button "animates" its click
    submit(qtbot, dialog)
    assert dialog.isVisible() and "reason" in dialog.error_label.text().lower()
    press_alt(qtbot, dialog, Qt.Key.Key_W)
    qtbot.keyClicks(dialog.reason_edit, "Shredded by the cleaner the same evening.")
    submit(qtbot, dialog)
    qtbot.waitUntil(lambda: window.status_badge.text() == "Not reported to the ICO")
    assert not window.notified_button.isEnabled()
    assert window.notified_button.toolTip() == "Record the decision to report the breach to the ICO first"
    window.close()


def test_the_people_notice_only_for_a_high_risk_and_the_people_told(
    qtbot: Any, refs: Clients, open_window: Opened, now_ctx: AppContext, save_as: Any, tmp_path: Path
) -> None:
    ref = log(now_ctx.who, "Password list leaked", NOW - timedelta(hours=3), client_refs=(refs.acme,))
    window = open_window(ref)
    assert not window.people_notice_button.isEnabled()
    with now_ctx.who.register.session() as s:
        high = replace(breaches.get_breach(s, ref, NOW).as_input(), risk=BreachRisk.HIGH)
        breaches.update_breach(s, ADMIN, ref, high, settings_mod.load(s), NOW)
    window.reload()
    qtbot.waitUntil(window.people_notice_button.isEnabled)

    press_alt(qtbot, window, Qt.Key.Key_L)  # Notice to the peop&le…
    document = document_dialog(qtbot, window)
    assert document.windowTitle() == f"Notice to the people affected — {ref}"
    assert document.email_radio.isChecked()
    document.close()

    press_alt(qtbot, window, Qt.Key.Key_P)  # People told…
    dialog = opened(qtbot, window, PeopleToldDialog)
    assert dialog.told_radio.isChecked()
    press_alt(qtbot, dialog, Qt.Key.Key_H)
    qtbot.keyClicks(dialog.how_edit, "Emailed each contact of the client with the notice.")
    submit(qtbot, dialog)
    qtbot.waitUntil(
        lambda: (
            window.assessment_values["people_told"].text()
            == "Told on Sat 27 Mar 2027 11:00 GMT: Emailed each contact of the client with the notice."
        )
    )

    press_alt(qtbot, window, Qt.Key.Key_U)  # Add update…
    dialog = opened(qtbot, window, UpdateDialog)
    assert dialog.summary_edit.hasFocus()
    qtbot.keyClicks(dialog.summary_edit, "Passwords of every account reset.")
    submit(qtbot, dialog)
    qtbot.waitUntil(lambda: "Passwords of every account reset." in timeline(window))
    window.close()


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # the offscreen platform cannot raise a window
def test_close_after_the_decision_and_one_window_per_breach(
    qtbot: Any, refs: Clients, open_window: Opened, now_ctx: AppContext
) -> None:
    ref = log(now_ctx.who, "Misaddressed letter", NOW - timedelta(hours=1), risk=BreachRisk.NONE)
    with now_ctx.who.register.session() as s:
        breaches.record_decision(s, ADMIN, ref, BreachDecision.NOT_NOTIFY, "Returned unopened", NOW)
    window = open_window(ref)
    assert open_window(ref.lower()) is window  # opening it again raises the same window
    assert breach_window(ref) is window
    assert window.close_breach_button.isEnabled()

    press_alt(qtbot, window, Qt.Key.Key_B)  # Close breach…
    box = opened(qtbot, window, QMessageBox)
    qtbot.mouseClick(box.findChild(QWidget, "yes_button"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.status_badge.text() == "Closed")
    assert not window.edit_button.isEnabled() and not window.close_breach_button.isEnabled()
    assert window.update_button.isEnabled()  # notes can still be added
    window.close()
    assert breach_window(ref) is None


def mnemonics(widget: QWidget) -> list[str]:
    """The underlined letter of every button, tab and field label shown in ``widget``."""
    from PySide6.QtWidgets import QAbstractButton, QLabel, QTabWidget

    texts = [b.text() for b in widget.findChildren(QAbstractButton) if b.isVisibleTo(widget)]
    texts += [label.text() for label in widget.findChildren(QLabel) if label.buddy() is not None]
    for tabs in widget.findChildren(QTabWidget):
        texts += [tabs.tabText(i) for i in range(tabs.count())]
    return [found.group(1).lower() for text in texts if (found := re.search(r"&([^&])", text))]


def test_every_action_and_field_has_a_letter_of_its_own(
    qtbot: Any, refs: Clients, open_window: Opened, now_ctx: AppContext
) -> None:
    ref = log(now_ctx.who, "Laptop lost", NOW - timedelta(hours=1), risk=BreachRisk.HIGH, client_refs=(refs.acme,))
    window = open_window(ref)
    letters = mnemonics(window)
    assert len(letters) >= 14 and len(letters) == len(set(letters)), letters
    for cls in (DecisionDialog, NotifiedDialog, PeopleToldDialog, UpdateDialog):
        with now_ctx.who.register.session() as s:
            dialog = cls(now_ctx, breaches.get_breach(s, ref, NOW), window)
        letters = mnemonics(dialog)
        assert len(letters) == len(set(letters)), (cls.__name__, letters)
        dialog.deleteLater()
    form = BreachForm(now_ctx, None, window)
    letters = mnemonics(form)
    assert len(letters) >= 16 and len(letters) == len(set(letters)), letters
    form.deleteLater()
    window.close()
