"""Erasing a client from its erasure request's window, used like an administrator: read the plan, give the password
(a wrong one first), erase, then send the confirmation and the Art. 19 notices; what staff and a blocked erasure see.

The client of :mod:`tests.privacy.erasure_scenario` has data everywhere; "today" is its TODAY on the app's clock.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QFileDialog, QFrame, QGridLayout, QLabel, QWidget

from hartdesk import settings as settings_mod
from hartdesk.dates import format_short_date, uk_today
from hartdesk.models import ClientStatus, Role, ServiceKind, ServiceStatus
from hartdesk.models.enums import LetterKind, RequestStatus
from hartdesk.privacy import erasure
from hartdesk.privacy import notices as notices_mod
from hartdesk.register import clients, services
from hartdesk.register.documents import list_documents
from hartdesk.security.signin import Identity, SignedIn
from hartdesk.ui.context import AppContext
from hartdesk.ui.document_dialog import DocumentDialog
from hartdesk.ui.erasure_dialog import DONE_TEXT, ErasureDialog
from hartdesk.ui.notices_panel import NOT_SENT, NOT_SENT_COLOUR
from hartdesk.ui.request_detail import RequestDetailDialog, open_request, request_window
from tests.conftest import ADMIN, ADMIN_PASSWORD, STAFF
from tests.pdfs import pdf_text
from tests.privacy.erasure_scenario import NAME, TODAY, Scenario, build
from tests.ui.helpers import Show, cells, open_child
from tests.ui.test_request_detail import activate, at_noon, opened, press_alt, show_tab

WRONG = "That is not your password. Nothing was changed."


@pytest.fixture
def scenario(signed_in_admin: Any) -> Scenario:
    return build(signed_in_admin)


@pytest.fixture
def today_ctx(admin_ctx: AppContext) -> AppContext:
    admin_ctx.clock = lambda: at_noon(TODAY)
    return admin_ctx


@pytest.fixture
def host(show: Show) -> QWidget:
    """The screen the request windows are opened from."""
    return show(QWidget(), (200, 100))


def window_of(qtbot: Any, ctx: AppContext, host: QWidget, ref: str) -> RequestDetailDialog:
    open_request(ctx, host, ref, lambda: None)
    window = request_window(ref)
    assert window is not None
    qtbot.waitExposed(window)
    window.resize(1000, 700)
    return window


@pytest.fixture
def save_as(monkeypatch: pytest.MonkeyPatch) -> Any:
    """``save_as(path)``: the next "Save as" file dialogs answer ``path`` (no native dialog opens)."""

    def save_as(path: Path) -> None:
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(path), ""))

    return save_as


@pytest.fixture
def staff_ctx(today_ctx: AppContext, scenario: Scenario) -> AppContext:
    """The register (open once per process) with bob, staff and not an administrator, at the keyboard."""
    return replace(today_ctx, signed_in=SignedIn(scenario.who.register, Identity(2, STAFF, "Bob Clerk", Role.STAFF)))


def document_dialog(qtbot: Any, parent: QWidget) -> DocumentDialog:
    qtbot.waitUntil(lambda: any(d.isVisible() for d in parent.findChildren(DocumentDialog)))
    dialog = open_child(parent, DocumentDialog)
    qtbot.waitUntil(lambda: not dialog.is_busy())
    assert dialog.error_label.isHidden(), dialog.error_label.text()
    return dialog


def open_erasure(qtbot: Any, window: RequestDetailDialog) -> ErasureDialog:
    """Alt+D ("Erase data…") on the request window; the plan is made."""
    press_alt(qtbot, window, Qt.Key.Key_D)
    dialog = opened(qtbot, window, ErasureDialog)
    qtbot.waitUntil(lambda: dialog.plan is not None)
    return dialog


def table_rows(frame: QFrame) -> list[list[str]]:
    """The rows a small table of labels shows under its header, cell by cell."""
    grid = frame.layout()
    assert isinstance(grid, QGridLayout)
    rows = []
    for r in range(1, grid.rowCount()):
        row = []
        for c in range(grid.columnCount()):
            item = grid.itemAtPosition(r, c)
            widget = item.widget() if item is not None else None
            assert isinstance(widget, QLabel)
            row.append(widget.text())
        rows.append(row)
    return rows


def client_status(sc: Scenario) -> ClientStatus:
    with sc.who.register.session() as s:
        return clients.client_by_ref(s, sc.client_ref).status


def type_password(qtbot: Any, dialog: ErasureDialog, password: str) -> None:
    """Alt+Y reaches "Your password"; the password is typed."""
    press_alt(qtbot, dialog, Qt.Key.Key_Y)
    assert dialog.password_edit.hasFocus()
    qtbot.keyClicks(dialog.password_edit, password)


def erase_directly(sc: Scenario) -> None:
    with sc.who.register.session() as s:
        settings = settings_mod.load(s)
        plan = erasure.plan(s, sc.client_ref, settings, TODAY, request_ref=sc.request_ref)
    erasure.erase(sc.who.register, ADMIN, plan, settings, TODAY)


# --- the whole walk -----------------------------------------------------------------------------------------------


def test_erase_from_the_request_window_then_save_the_confirmation(
    scenario: Scenario, today_ctx: AppContext, host: QWidget, qtbot: Any, save_as: Any, tmp_path: Path
) -> None:
    sc = scenario
    window = window_of(qtbot, today_ctx, host, sc.request_ref)
    assert window.erase_button.isVisible() and window.erase_button.isEnabled()
    assert not window.confirmation_button.isVisibleTo(window)

    dialog = open_erasure(qtbot, window)
    assert dialog.header_label.text() == f"Erase {sc.client_ref} {NAME} under {sc.request_ref}"
    assert dialog.blockers_frame.isHidden()
    shown = dialog.texts()
    assert "wilhelmina@quarrendon.example, accounts.wqf@quarrendon.example" in shown  # the values, for the admin
    assert "2 email addresses" in shown  # and the plain words the letter will use
    kept = table_rows(dialog.findChild(QFrame, "kept_table"))
    invoice = next(row for row in kept if row[0].startswith("1 invoice (INV-7001)"))
    assert invoice[1].startswith("the law requires us to keep invoices for HMRC")
    assert invoice[2] == "31 March 2030"
    assert "Fasthosts: Contact details, Domain registrant — through quarrendon-fyfe.example (Domain registration)" in (
        shown
    )
    assert "Fasthosts, wqf-registrar-login: deleted from the vault, its password too" in shown
    assert "Tolgarrick lease.txt (60 bytes), kept with R-2025-0001" in shown

    # A wrong password: said inline, the dialog stays, nothing is erased.
    type_password(qtbot, dialog, "Quiet-Harbour-Lantern-17")
    assert not dialog.erase_button.isEnabled()  # the box is not ticked yet
    press_alt(qtbot, dialog, Qt.Key.Key_C)
    qtbot.waitUntil(dialog.checked_check.isChecked)
    assert dialog.erase_button.isEnabled()
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.error_label.isVisible())
    assert dialog.error_label.text() == WRONG
    assert dialog.isVisible() and dialog.stack.currentWidget() is dialog.plan_page
    assert dialog.password_edit.text() == "" and dialog.password_edit.hasFocus()
    assert client_status(sc) is not ClientStatus.ERASED
    assert window.status_badge.text() == "New"

    # The right one: erased, and the next page says what to do now.
    qtbot.keyClicks(dialog.password_edit, ADMIN_PASSWORD)
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.stack.currentWidget() is dialog.done_page)
    assert dialog.done_label.text() == DONE_TEXT
    assert client_status(sc) is ClientStatus.ERASED
    assert [(row[0], row[3]) for row in cells(dialog.notices_panel.table)] == [
        ("Fasthosts", NOT_SENT),
        ("Mailchimp", NOT_SENT),
    ]
    qtbot.waitUntil(lambda: window.status_badge.text() == "Completed")
    assert not window.erase_button.isVisibleTo(window)
    assert window.confirmation_button.isVisibleTo(window)

    # The confirmation letter, saved.
    save_as(tmp_path / "confirmation.pdf")
    press_alt(qtbot, dialog, Qt.Key.Key_C)
    letter = document_dialog(qtbot, dialog)
    assert letter.email_radio.isChecked()  # the request came by email
    qtbot.mouseClick(letter.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: letter.status_label.isVisible())
    saved = (tmp_path / "confirmation.pdf").read_bytes()
    text = pdf_text(saved)
    assert "INV-7001" in text and "31 March 2030" in text
    assert "accounts.wqf@quarrendon.example" not in text

    title = f"{LetterKind.ERASURE_CONFIRMATION.label}: {sc.request_ref}"
    show_tab(qtbot, window, "Timeline")
    assert f"Saved: {title}" in [row[2] for row in cells(window.timeline_table)]
    with sc.who.register.session() as s:
        [row] = [d for d in list_documents(s, request_ref=sc.request_ref) if d.letter_kind is not None]
    assert row.letter_kind is LetterKind.ERASURE_CONFIRMATION
    letter.close()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


# --- what stops it ------------------------------------------------------------------------------------------------


def test_a_service_still_running_blocks_the_erasure(
    scenario: Scenario, today_ctx: AppContext, host: QWidget, qtbot: Any
) -> None:
    with scenario.who.register.session() as s:
        services.add_service(
            s,
            ADMIN,
            scenario.client_ref,
            services.ServiceInput(
                ServiceKind.WEB_HOSTING, "Shop hosting", status=ServiceStatus.ACTIVE, start_date=date(2025, 1, 6)
            ),
        )
    window = window_of(qtbot, today_ctx, host, scenario.request_ref)
    dialog = open_erasure(qtbot, window)
    assert dialog.blockers_frame.isVisible()
    blockers = [label.text() for label in dialog.blockers_frame.findChildren(QLabel) if label.isVisible()]
    assert blockers == [
        "This erasure cannot run yet",
        "• Shop hosting (web hosting) is still active: end or transfer it first, or the agency loses track of a "
        "live service.",
    ]
    assert not dialog.password_edit.isEnabled() and not dialog.checked_check.isEnabled()
    dialog.password_edit.setText(ADMIN_PASSWORD)
    dialog.checked_check.setChecked(True)
    assert not dialog.erase_button.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert dialog.stack.currentWidget() is dialog.plan_page
    assert client_status(scenario) is ClientStatus.ACTIVE


def test_staff_see_the_erase_button_but_cannot_use_it(
    scenario: Scenario, staff_ctx: AppContext, host: QWidget, qtbot: Any
) -> None:
    window = window_of(qtbot, staff_ctx, host, scenario.request_ref)
    assert window.erase_button.isVisible()
    assert not window.erase_button.isEnabled()
    assert window.erase_button.toolTip() == "Only an administrator can erase data"
    press_alt(qtbot, window, Qt.Key.Key_D)
    qtbot.wait(50)
    assert not any(d.isVisible() for d in window.findChildren(ErasureDialog))

    dialog = ErasureDialog(staff_ctx, scenario.client_ref, scenario.request_ref, False, window)  # even if opened
    qtbot.addWidget(dialog)
    assert dialog.plan is None
    assert dialog.error_label.text() == "Only an administrator can erase data."
    assert not dialog.erase_button.isEnabled()


def test_a_register_changed_since_the_plan_is_not_erased(
    scenario: Scenario, today_ctx: AppContext, host: QWidget, qtbot: Any
) -> None:
    window = window_of(qtbot, today_ctx, host, scenario.request_ref)
    dialog = open_erasure(qtbot, window)
    with scenario.who.register.session() as s:  # someone adds an email address meanwhile
        data = clients.get_client(s, scenario.client_ref).as_input()
        data.contacts[0].emails.append("late@quarrendon.example")
        clients.update_client(s, ADMIN, scenario.client_ref, data)
    type_password(qtbot, dialog, ADMIN_PASSWORD)
    dialog.checked_check.setChecked(True)
    qtbot.mouseClick(dialog.erase_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error_label.isVisible())
    assert dialog.error_label.text().startswith(f"The register changed since the plan for {scenario.client_ref}")
    assert dialog.stack.currentWidget() is dialog.plan_page
    assert not dialog.checked_check.isChecked()  # the new plan has to be checked again
    assert "late@quarrendon.example" in " ".join(dialog.texts())
    assert client_status(scenario) is ClientStatus.ACTIVE


# --- coming back later: the confirmation and the notices ----------------------------------------------------------


def test_the_notices_panel_marks_a_notice_sent_once_its_letter_is_saved(
    scenario: Scenario, today_ctx: AppContext, host: QWidget, qtbot: Any, save_as: Any, tmp_path: Path
) -> None:
    sc = scenario
    erase_directly(sc)
    window = window_of(qtbot, today_ctx, host, sc.request_ref)
    assert window.status_badge.text() == RequestStatus.COMPLETED.label
    assert window.confirmation_button.isVisible()
    window.letter_menu.aboutToShow.emit()
    assert window.letter_menu.findChild(type(window.letter_menu.actions()[0]), "letter_erasure_confirmation")

    show_tab(qtbot, window, "Operators told")
    panel = window.notices_panel
    assert cells(panel.table) == [
        ["Fasthosts", "Contact details, Domain registrant", "20 Nov 2026", NOT_SENT],
        ["Mailchimp", "Contact details", "20 Nov 2026", NOT_SENT],
    ]
    brush = panel.model.index(0, 3).data(Qt.ItemDataRole.ForegroundRole)
    assert isinstance(brush, QBrush) and brush.color().name() == NOT_SENT_COLOUR
    assert panel.selected() is not None and panel.selected().operator_name == "Fasthosts"
    assert panel.summary_label.text() == "2 of 2 not sent yet."

    save_as(tmp_path / "fasthosts.pdf")
    press_alt(qtbot, window, Qt.Key.Key_O)  # "Notice…"
    notice = document_dialog(qtbot, window)
    assert "Fasthosts" in notice.windowTitle()
    qtbot.mouseClick(notice.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: cells(panel.table)[0][3] != NOT_SENT)
    assert cells(panel.table)[0][3] == f"{format_short_date(uk_today())} (saved as a file)"
    assert cells(panel.table)[1][3] == NOT_SENT
    assert panel.summary_label.text() == "1 of 2 not sent yet."
    assert "Fasthosts" in pdf_text((tmp_path / "fasthosts.pdf").read_bytes())
    with sc.who.register.session() as s:
        rows = notices_mod.for_request(s, sc.request_ref)
    assert [(n.operator_name, n.is_sent) for n in rows] == [("Fasthosts", True), ("Mailchimp", False)]
    title = f"{LetterKind.OPERATOR_NOTICE.label}: {sc.request_ref} to Fasthosts"
    show_tab(qtbot, window, "Timeline")
    assert f"Saved: {title}" in [row[2] for row in cells(window.timeline_table)]
    notice.close()


def test_the_confirmation_can_be_made_again_from_the_request_window(
    scenario: Scenario, today_ctx: AppContext, host: QWidget, qtbot: Any
) -> None:
    erase_directly(scenario)
    window = window_of(qtbot, today_ctx, host, scenario.request_ref)
    activate(qtbot, window)
    press_alt(qtbot, window, Qt.Key.Key_I)  # "Confirmation letter…"
    letter = document_dialog(qtbot, window)
    assert letter.windowTitle() == f"{LetterKind.ERASURE_CONFIRMATION.label} — {scenario.request_ref}"
    assert letter.rendered is not None and "31 March 2032" in pdf_text(letter.rendered.made.pdf)
    letter.close()
