"""The Retention screen (administrators): the review list with what cannot go yet set apart; "Delete what is due…"
asks for the password again, says in numbers what will go, then takes away exactly the list shown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QMessageBox, QPushButton
from sqlalchemy import select

from hartdesk import settings as settings_mod
from hartdesk.models import Client, ClientStatus, Invoice, InvoiceStatus, PrivacyRequest
from hartdesk.privacy import retention
from hartdesk.register import services
from hartdesk.security import signin
from hartdesk.ui.context import AppContext
from hartdesk.ui.main_window import MainWindow
from hartdesk.ui.request_actions import ui_today
from hartdesk.ui.screens.audit import AuditScreen
from hartdesk.ui.screens.retention import (
    AUDIT_NOTE,
    BLOCKED_PREFIX,
    Column,
    ConfirmPasswordDialog,
    RetentionScreen,
)
from hartdesk.ui.screens.settings import SettingsScreen
from hartdesk.ui.screens.staff import StaffScreen
from hartdesk.ui.tasks import SyncTaskRunner
from tests.conftest import ADMIN, ADMIN_PASSWORD, STAFF, STAFF_PASSWORD
from tests.privacy.test_retention_cli import Due, build_due
from tests.ui.helpers import OpenMainWindow, OpenScreen, column, open_child

SIZE = (1100, 720)
WRONG_PASSWORD = "Not-My-Password-42"


@pytest.fixture
def due(admin_ctx: AppContext) -> Due:
    return build_due(admin_ctx.who, ui_today(admin_ctx))


@pytest.fixture
def screen(due: Due, open_screen: OpenScreen) -> RetentionScreen:
    return open_screen(RetentionScreen, SIZE)


def in_register(ctx: AppContext) -> tuple[dict[str, ClientStatus], set[str], set[str], list[retention.DueItem]]:
    """Each client's status, the invoice numbers, the request references and the review list, read afresh."""
    with ctx.who.register.session() as s:
        status = {ref: value for ref, value in s.execute(select(Client.ref, Client.status))}
        invoices = set(s.scalars(select(Invoice.number)))
        requests = set(s.scalars(select(PrivacyRequest.ref)))
        review = retention.review(s, settings_mod.load(s), ui_today(ctx))
    return status, invoices, requests, review


def open_password_dialog(qtbot: Any, screen: RetentionScreen) -> ConfirmPasswordDialog:
    assert screen.delete_button.isEnabled()
    qtbot.mouseClick(screen.delete_button, Qt.MouseButton.LeftButton)
    dialog = open_child(screen, ConfirmPasswordDialog)
    assert dialog.password_edit.hasFocus() or dialog.focusWidget() is dialog.password_edit
    return dialog


def enter_password(qtbot: Any, dialog: ConfirmPasswordDialog, password: str) -> None:
    dialog.password_edit.setFocus()
    qtbot.keyClicks(dialog.password_edit, password)
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)


def test_the_list_shows_what_is_due_and_sets_apart_what_cannot_go_yet(screen: RetentionScreen, due: Due) -> None:
    refs = column(screen.table, Column.REF)
    assert set(refs) == due.can_go | {due.blocked}
    assert [screen.model.headerData(c, Qt.Orientation.Horizontal) for c in Column] == [
        "Kind",
        "Reference",
        "What",
        "Due since",
        "Rule",
        "Can it go?",
    ]
    row = refs.index(due.request_file)
    assert column(screen.table, Column.KIND)[row] == "Request file"
    assert column(screen.table, Column.RULE)[row] == "24 months after the request closed"
    blocked = refs.index(due.blocked)
    status = column(screen.table, Column.STATUS)
    assert status[blocked].startswith(BLOCKED_PREFIX + "penhallow.example")
    assert all(text.startswith("Can go") for i, text in enumerate(status) if i != blocked)
    tinted = [
        isinstance(screen.model.index(r, Column.REF).data(Qt.ItemDataRole.BackgroundRole), QBrush)
        for r in range(screen.model.rowCount())
    ]
    assert tinted == [r == blocked for r in range(len(refs))]  # the colour comes with the words, never alone
    assert screen.summary_label.text() == "6 records can go now; 1 cannot go yet."
    assert screen.audit_note.text() == AUDIT_NOTE and screen.audit_note.isVisible()
    assert screen.table.isVisible() and not screen.empty_label.isVisible()
    assert screen.delete_button.isEnabled()
    for not_due in (due.recent, due.kept_invoice, due.recent_request):
        assert not_due not in refs


def test_a_wrong_password_is_refused_and_nothing_is_deleted(
    qtbot: Any, screen: RetentionScreen, admin_ctx: AppContext
) -> None:
    before = in_register(admin_ctx)
    dialog = open_password_dialog(qtbot, screen)

    enter_password(qtbot, dialog, WRONG_PASSWORD)

    assert dialog.isVisible()
    assert dialog.error_label.text() == "That is not your password. Nothing was changed."
    assert dialog.password_edit.text() == ""
    assert not [box for box in screen.findChildren(QMessageBox) if box.isVisible()]
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert in_register(admin_ctx) == before
    assert len(screen.items()) == 7


def test_the_right_password_deletes_exactly_the_listed_items(
    qtbot: Any, screen: RetentionScreen, admin_ctx: AppContext, due: Due
) -> None:
    dialog = open_password_dialog(qtbot, screen)
    enter_password(qtbot, dialog, WRONG_PASSWORD)
    enter_password(qtbot, dialog, ADMIN_PASSWORD)  # a second try works

    box = open_child(screen, QMessageBox, "retention_confirm")
    assert box.text() == "2 closed clients will be erased, 3 invoices and 1 request file deleted."
    assert "cannot be undone" in box.informativeText()
    assert "1 record that cannot go yet stays." in box.informativeText()
    assert AUDIT_NOTE in box.informativeText()
    assert box.defaultButton() is not open_child(box, QPushButton, "yes_button")  # Enter cancels
    qtbot.mouseClick(open_child(box, QPushButton, "yes_button"), Qt.MouseButton.LeftButton)

    assert column(screen.table, Column.REF) == [due.blocked]
    assert column(screen.table, Column.STATUS)[0].startswith(BLOCKED_PREFIX)
    assert screen.message_label.text() == (
        "Done: 2 closed clients erased, 3 invoices and 1 request file deleted. "
        "The freed space in the register file was wiped."
    )
    assert screen.summary_label.text() == "Nothing can go now: 1 record cannot go yet."
    assert not screen.delete_button.isEnabled()
    status, invoices, requests, review = in_register(admin_ctx)
    assert status[due.closed[0]] is status[due.closed[1]] is ClientStatus.ERASED
    assert status[due.blocked] is status[due.recent] is ClientStatus.CLOSED
    assert invoices == {due.kept_invoice}
    assert requests == {due.recent_request}
    assert [item.ref for item in review] == [due.blocked]


def test_cancelling_the_confirmation_deletes_nothing(
    qtbot: Any, screen: RetentionScreen, admin_ctx: AppContext
) -> None:
    before = in_register(admin_ctx)
    enter_password(qtbot, open_password_dialog(qtbot, screen), ADMIN_PASSWORD)
    box = open_child(screen, QMessageBox, "retention_confirm")

    qtbot.keyClick(box, Qt.Key.Key_Escape)

    assert not box.isVisible()
    assert in_register(admin_ctx) == before
    assert screen.message_label.text() == ""


def test_a_list_that_changed_meanwhile_is_not_applied(
    qtbot: Any, screen: RetentionScreen, admin_ctx: AppContext, due: Due
) -> None:
    with admin_ctx.who.register.session() as s:  # someone enters an old invoice after the list was made
        issued = ui_today(admin_ctx).replace(year=ui_today(admin_ctx).year - 10)
        services.add_invoice(
            s, ADMIN, due.current, services.InvoiceInput("INV-0800", issued, 100, InvoiceStatus.PAID, "T", "Truro")
        )
    enter_password(qtbot, open_password_dialog(qtbot, screen), ADMIN_PASSWORD)
    qtbot.mouseClick(
        open_child(open_child(screen, QMessageBox, "retention_confirm"), QPushButton, "yes_button"),
        Qt.MouseButton.LeftButton,
    )

    assert screen.message_label.text().startswith("The register changed since the list was made")
    assert "INV-0800" in column(screen.table, Column.REF)  # shown again as it is now
    _, invoices, _, _ = in_register(admin_ctx)
    assert {*due.invoices, "INV-0800"} <= invoices


def test_nothing_due_says_so(open_screen: OpenScreen) -> None:
    screen = open_screen(RetentionScreen, SIZE)

    assert screen.empty_label.isVisible()
    assert screen.empty_label.text() == "Nothing has passed its retention period."
    assert not screen.table.isVisible()
    assert not screen.delete_button.isEnabled()
    assert screen.audit_note.isVisible()


def test_locking_clears_the_list(screen: RetentionScreen) -> None:
    screen.clear()

    assert screen.model.rowCount() == 0
    assert not screen.table.isVisible() and not screen.empty_label.isVisible()
    assert not screen.delete_button.isEnabled()


def test_the_list_model(screen: RetentionScreen, qtmodeltester: Any) -> None:
    qtmodeltester.check(screen.model)


def test_administrators_reach_it_from_the_navigation_by_keyboard(
    qtbot: Any, open_main_window: OpenMainWindow, register_dir: Path
) -> None:
    ctx = AppContext(register_dir=register_dir, tasks=SyncTaskRunner())
    ctx.signed_in = signin.sign_in(register_dir, ADMIN, ADMIN_PASSWORD)
    window: MainWindow = open_main_window(ctx)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)

    qtbot.keyClick(window.sidebar, Qt.Key.Key_9, Qt.KeyboardModifier.ControlModifier)
    assert isinstance(window.current_screen(), StaffScreen)
    qtbot.keyClick(window.sidebar, Qt.Key.Key_Down)
    assert isinstance(window.current_screen(), AuditScreen)
    qtbot.keyClick(window.sidebar, Qt.Key.Key_Down)
    screen = window.current_screen()
    assert isinstance(screen, RetentionScreen)
    assert screen.empty_label.isVisible()  # loaded on arrival
    qtbot.keyClick(window.sidebar, Qt.Key.Key_Down)
    assert isinstance(window.current_screen(), SettingsScreen)
    assert [window.sidebar.item(i).text() for i in range(9, window.sidebar.count())] == [
        "Audit log",
        "Retention",
        "Settings",
    ]


def test_staff_do_not_have_it(open_main_window: OpenMainWindow, register_dir: Path) -> None:
    ctx = AppContext(register_dir=register_dir, tasks=SyncTaskRunner())
    ctx.signed_in = signin.sign_in(register_dir, STAFF, STAFF_PASSWORD)
    window: MainWindow = open_main_window(ctx)

    assert window.screen_of(RetentionScreen) is None
    assert "Retention" not in window.screen_titles()
