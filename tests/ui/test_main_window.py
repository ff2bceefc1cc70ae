"""The main window: screens by role, Ctrl+L and idle locking, geometry, the automatic backup on close."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyotp
import pytest
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtWidgets import QDialog

from hartdesk import settings as settings_mod
from hartdesk.security import signin
from hartdesk.storage import backup
from hartdesk.ui.account_dialogs import TotpEnrolmentDialog
from hartdesk.ui.context import AppContext
from hartdesk.ui.main_window import LOCKED_PAGE, WORKSPACE_PAGE, MainWindow
from hartdesk.ui.screens.audit import AuditScreen
from hartdesk.ui.screens.breaches import BreachesScreen
from hartdesk.ui.screens.clients import ClientsScreen
from hartdesk.ui.screens.documents import DocumentsScreen
from hartdesk.ui.screens.home import HomeScreen
from hartdesk.ui.screens.operators import OperatorsScreen
from hartdesk.ui.screens.requests import RequestsScreen
from hartdesk.ui.screens.retention import RetentionScreen
from hartdesk.ui.screens.services import ServicesScreen
from hartdesk.ui.screens.settings import SettingsScreen
from hartdesk.ui.screens.staff import StaffScreen
from hartdesk.ui.screens.vault import VaultScreen
from hartdesk.ui.tasks import SyncTaskRunner
from tests.conftest import ADMIN, ADMIN_PASSWORD, AGENCY_NAME, STAFF, STAFF_PASSWORD
from tests.totp import FakeClock
from tests.ui.helpers import OpenMainWindow

MakeWindow = Callable[..., MainWindow]
STAFF_SCREENS = [
    HomeScreen,
    ClientsScreen,
    RequestsScreen,
    DocumentsScreen,
    ServicesScreen,
    OperatorsScreen,
    VaultScreen,
    BreachesScreen,
]
ADMIN_SCREENS = [*STAFF_SCREENS, StaffScreen, AuditScreen, RetentionScreen, SettingsScreen]


@pytest.fixture
def make_window(open_main_window: OpenMainWindow, register_dir: Path) -> MakeWindow:
    def make(
        username: str = ADMIN, password: str = ADMIN_PASSWORD, clock: Callable[[], float] | None = None
    ) -> MainWindow:
        ctx = AppContext(register_dir=register_dir, tasks=SyncTaskRunner())
        if clock is not None:
            ctx.clock = clock
        ctx.signed_in = signin.sign_in(register_dir, username, password, clock=ctx.clock)
        return open_main_window(ctx)

    return make


def sign_in_on_dialog(qtbot, window: MainWindow, username: str, password: str) -> None:
    dialog = window.signin_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.keyClicks(dialog.username_edit, username)
    qtbot.keyClicks(dialog.password_edit, password)
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)


def activate(qtbot, window: MainWindow) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def screen_types(window: MainWindow) -> list[type]:
    return [type(screen) for screen in window.screens]


def test_admin_sees_every_screen(make_window: MakeWindow) -> None:
    window = make_window(ADMIN, ADMIN_PASSWORD)
    assert screen_types(window) == ADMIN_SCREENS
    assert window.sidebar.count() == 12
    titles = [window.sidebar.item(i).text() for i in range(window.sidebar.count())]
    assert titles == [
        "Home",
        "Clients",
        "Requests",
        "Documents",
        "Services",
        "Operators",
        "Vault",
        "Breaches",
        "Staff",
        "Audit log",
        "Retention",
        "Settings",
    ]
    assert "Alice Admin" in window.who_label.text() and "administrator" in window.who_label.text()


def test_staff_do_not_see_admin_screens(make_window: MakeWindow) -> None:
    window = make_window(STAFF, STAFF_PASSWORD)
    assert screen_types(window) == STAFF_SCREENS
    assert [window.sidebar.item(i).text() for i in range(window.sidebar.count())] == [
        "Home",
        "Clients",
        "Requests",
        "Documents",
        "Services",
        "Operators",
        "Vault",
        "Breaches",
    ]
    assert "Bob Clerk" in window.who_label.text() and "(staff)" in window.who_label.text()


def test_home_shows_agency_person_and_register(make_window: MakeWindow) -> None:
    window = make_window(ADMIN, ADMIN_PASSWORD)
    home = window.screens[0]
    assert isinstance(home, HomeScreen) and window.current_screen() is home
    assert home.heading.text() == AGENCY_NAME
    assert "Alice Admin" in home.who_label.text()
    assert home.id_label.text() == window.ctx.who.register.register_id
    assert home.totp_warning.isVisible()  # alice has no TOTP yet
    assert "None yet" in home.backup_label.text()


def test_ctrl_number_jumps_to_a_screen(qtbot, make_window: MakeWindow) -> None:
    window = make_window(ADMIN, ADMIN_PASSWORD)
    activate(qtbot, window)
    qtbot.keyClick(window.sidebar, Qt.Key.Key_9, Qt.KeyboardModifier.ControlModifier)
    assert isinstance(window.current_screen(), StaffScreen)
    qtbot.keyClick(window.sidebar, Qt.Key.Key_Down)
    assert isinstance(window.current_screen(), AuditScreen)
    qtbot.keyClick(window.sidebar, Qt.Key.Key_8, Qt.KeyboardModifier.ControlModifier)
    assert isinstance(window.current_screen(), BreachesScreen)
    assert window.sidebar.item(7).toolTip() == "Breaches (Ctrl+8)"
    assert window.sidebar.item(9).toolTip() == ""  # only the first nine screens have a number
    qtbot.keyClick(window.sidebar, Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)
    assert isinstance(window.current_screen(), VaultScreen)
    qtbot.keyClick(window.sidebar, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert isinstance(window.current_screen(), RequestsScreen)
    qtbot.keyClick(window.sidebar, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert isinstance(window.current_screen(), DocumentsScreen)


def test_the_audit_log_fits_a_900_by_600_window(qtbot, make_window: MakeWindow) -> None:
    window = make_window(ADMIN, ADMIN_PASSWORD)
    audit = next(s for s in window.screens if isinstance(s, AuditScreen))
    window.sidebar.setCurrentRow(window.screens.index(audit))
    window.resize(900, 600)
    qtbot.waitUntil(lambda: window.size() == QSize(900, 600))
    for widget in (audit.person_combo, audit.action_combo, audit.to_date, audit.clear_filters_button):
        assert widget.isVisible()
        assert widget.mapTo(window, widget.rect().topRight()).x() < window.width()  # the filters wrap, none is cut


def test_ctrl_l_locks_and_the_next_person_gets_their_own_screens(qtbot, make_window: MakeWindow) -> None:
    window = make_window(ADMIN, ADMIN_PASSWORD)
    register = window.ctx.who.register
    home = window.screens[0]
    assert isinstance(home, HomeScreen) and home.heading.text()
    activate(qtbot, window)

    qtbot.keyClick(window.sidebar, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)

    assert not register.is_open
    assert window.ctx.signed_in is None and window.is_locked()
    assert home.heading.text() == "" and home.id_label.text() == ""
    assert window.body.currentIndex() == LOCKED_PAGE
    assert window.signin_dialog is not None and window.signin_dialog.isVisible()
    assert not window.action_lock.isEnabled()

    sign_in_on_dialog(qtbot, window, STAFF, STAFF_PASSWORD)
    assert window.ctx.signed_in is not None and window.ctx.who.username == STAFF
    assert screen_types(window) == STAFF_SCREENS
    assert window.body.currentIndex() == WORKSPACE_PAGE
    assert "Bob Clerk" in window.who_label.text()


def test_lock_button_locks(qtbot, make_window: MakeWindow) -> None:
    window = make_window(ADMIN, ADMIN_PASSWORD)
    register = window.ctx.who.register
    qtbot.mouseClick(window.lock_button, Qt.MouseButton.LeftButton)
    assert not register.is_open and window.signin_dialog is not None


def test_idle_lock_after_the_configured_minutes_not_before(qtbot, make_window: MakeWindow, register_dir: Path) -> None:
    admin = signin.sign_in(register_dir, ADMIN, ADMIN_PASSWORD)
    with admin.register.session() as session:
        settings_mod.save(session, settings_mod.load(session).with_changes(idle_lock_minutes=2))
    admin.lock()
    clock = FakeClock()
    window = make_window(ADMIN, ADMIN_PASSWORD, clock=clock)
    register = window.ctx.who.register
    assert window.idle.minutes == 2

    clock.now += 119
    assert not window.idle.check_now()
    qtbot.keyClick(window.sidebar, Qt.Key.Key_Down)  # activity restarts the count
    clock.now += 119
    assert not window.idle.check_now()
    assert register.is_open and window.ctx.signed_in is not None

    clock.now += 1
    assert window.idle.check_now()
    assert not register.is_open
    assert window.ctx.signed_in is None and window.body.currentIndex() == LOCKED_PAGE
    assert window.signin_dialog is not None and window.signin_dialog.isVisible()


def test_lock_closes_open_dialogs(qtbot, make_window: MakeWindow) -> None:
    window = make_window(ADMIN, ADMIN_PASSWORD)
    window.action_change_password.trigger()
    dialogs = [d for d in window.findChildren(QDialog) if d.isVisible()]
    assert len(dialogs) == 1
    window.lock()
    assert not dialogs[0].isVisible()


def test_closing_makes_a_backup_and_geometry_is_remembered(qtbot, make_window: MakeWindow) -> None:
    window = make_window(STAFF, STAFF_PASSWORD)
    register = window.ctx.who.register
    register_id = register.register_id
    window.setGeometry(QRect(60, 40, 700, 520))  # inside the offscreen platform's 800 x 800 screen
    geometry = window.geometry()
    assert backup.list_snapshots(register_id) == []

    window.close()
    qtbot.waitUntil(lambda: not window.isVisible())
    assert len(backup.list_snapshots(register_id)) == 1
    assert not register.is_open

    again = make_window(STAFF, STAFF_PASSWORD)
    assert again.geometry() == geometry
    home = again.screens[0]
    assert isinstance(home, HomeScreen) and "None yet" not in home.backup_label.text()


def test_saved_settings_change_the_idle_limit(make_window: MakeWindow) -> None:
    window = make_window(ADMIN, ADMIN_PASSWORD)
    settings_screen = next(s for s in window.screens if isinstance(s, SettingsScreen))
    current = window.ctx.who.settings()
    settings_screen.settings_saved.emit(current.with_changes(idle_lock_minutes=12, agency_name="Renamed Ltd"))
    assert window.idle.minutes == 12
    assert "Renamed Ltd" in window.windowTitle()


def test_totp_from_the_account_menu_clears_the_home_warning(qtbot, make_window: MakeWindow) -> None:
    window = make_window(ADMIN, ADMIN_PASSWORD)
    home = window.screens[0]
    assert isinstance(home, HomeScreen) and home.totp_warning.isVisible()
    window.action_totp.trigger()
    dialog = next(d for d in window.findChildren(TotpEnrolmentDialog) if d.isVisible())
    secret = dialog.panel.secret_label.text().replace(" ", "")
    qtbot.keyClicks(dialog.panel.code_edit, pyotp.TOTP(secret).now())
    qtbot.keyClick(dialog.panel.code_edit, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert not home.totp_warning.isVisible()
