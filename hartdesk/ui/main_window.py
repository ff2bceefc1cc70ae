"""The main window: a sidebar of screens, a status bar with who is signed in, and locking.

Ctrl+K opens the Find box (clients, domains, operators) from any screen.

Locking (Ctrl+L, the Lock button, or the idle timer) clears every screen (hiding a password revealed in the vault),
takes a secret hartdesk copied off the clipboard, drops the register's key, hides the window's content and shows the
sign-in dialog; whoever signs in next gets screens built for their role. Closing the window makes an automatic
rolling backup first, then locks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QByteArray, QSettings, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from hartdesk import paths
from hartdesk.ui.idle import IdleWatcher
from hartdesk.ui.screens.base import Screen
from hartdesk.ui.widgets import named

if TYPE_CHECKING:
    from hartdesk.register.search import SearchHit
    from hartdesk.settings import Settings
    from hartdesk.ui.context import AppContext
    from hartdesk.ui.global_search import GlobalSearchDialog
    from hartdesk.ui.notify import DueNotifier
    from hartdesk.ui.signin import SignInDialog

GEOMETRY_FILE = "window.ini"
WORKSPACE_PAGE, LOCKED_PAGE = 0, 1
DEFAULT_SIZE = QSize(1100, 720)
S = TypeVar("S", bound=Screen)


def screen_classes() -> list[type[Screen]]:
    """Every screen of the sidebar, in order; later issues add theirs here."""
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

    return [
        HomeScreen,
        ClientsScreen,
        RequestsScreen,
        DocumentsScreen,
        ServicesScreen,
        OperatorsScreen,
        VaultScreen,
        BreachesScreen,
        StaffScreen,
        AuditScreen,
        RetentionScreen,
        SettingsScreen,
    ]


def icon(name: str) -> QIcon:
    """A qtawesome icon (imported on first use: it costs a noticeable fraction of start-up time)."""
    import qtawesome

    try:
        return qtawesome.icon(name)
    except Exception:  # an unknown icon name must not stop the window
        return QIcon()


def window_settings() -> QSettings:
    folder = paths.config_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return QSettings(str(folder / GEOMETRY_FILE), QSettings.Format.IniFormat)


class MainWindow(QMainWindow):
    locked = Signal()
    unlocked = Signal()
    closed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        QMainWindow.__init__(self, parent)
        self.ctx = ctx
        self.screens: list[Screen] = []
        self.signin_dialog: SignInDialog | None = None
        self.search_dialog: GlobalSearchDialog | None = None
        self.notifier: DueNotifier | None = None  # privacy requests due: at sign-in and daily at 09:00
        self._closing = False
        self._backup_done = False
        self.setObjectName("main_window")
        self.setWindowTitle("hartdesk")

        self.idle = IdleWatcher(lambda: self.ctx.clock(), self)
        self.idle.idle.connect(self._on_idle_idle)

        self.sidebar = named(QListWidget(), "sidebar")
        self.sidebar.setIconSize(QSize(18, 18))
        self.sidebar.setFixedWidth(190)
        self.sidebar.setSpacing(2)
        self.sidebar.setStyleSheet(
            "QListWidget#sidebar { padding: 6px 4px; } QListWidget#sidebar::item { padding: 6px; }"
        )
        self.screen_stack = named(QStackedWidget(), "screen_stack")
        self.sidebar.currentRowChanged.connect(self._on_sidebar_current_row_changed)
        workspace = named(QWidget(), "workspace")
        row = QHBoxLayout(workspace)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.sidebar)
        row.addWidget(self.screen_stack, 1)

        self.body = named(QStackedWidget(), "body")
        self.body.addWidget(workspace)
        self.body.addWidget(self._build_locked_page())
        self.setCentralWidget(self.body)

        self._build_actions()
        self._build_menus()
        self._build_status_bar()
        self._restore_geometry()
        if ctx.signed_in is not None:
            self._on_signed_in()
        else:
            self._show_locked()

    # -- building -------------------------------------------------------------------------------------------------

    def _build_locked_page(self) -> QWidget:
        page = named(QWidget(), "locked_page")
        title = QLabel("hartdesk is locked")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)
        text = QLabel("The register is closed and its key has been forgotten. Sign in to go on working.")
        picture = named(QLabel(), "locked_icon")
        picture.setPixmap(icon("fa5s.lock").pixmap(QSize(56, 56)))
        self.unlock_button = named(QPushButton("&Sign in…"), "unlock_button")
        self.unlock_button.clicked.connect(self._show_signin)
        self.unlock_button.setIcon(icon("fa5s.unlock"))
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        for widget in (picture, title, text):
            layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(8)
        layout.addWidget(self.unlock_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        return page

    def _build_actions(self) -> None:
        self.action_lock = named(QAction("&Lock", self), "action_lock")
        self.action_lock.setShortcut(QKeySequence("Ctrl+L"))
        self.action_lock.setStatusTip("Close the register and forget its key until someone signs in again")
        self.action_lock.triggered.connect(self.lock)
        self.action_lock.setIcon(icon("fa5s.lock"))
        self.action_quit = named(QAction("&Quit", self), "action_quit")
        self.action_quit.setShortcut(QKeySequence("Ctrl+Q"))
        self.action_quit.setMenuRole(QAction.MenuRole.QuitRole)
        self.action_quit.triggered.connect(self.close)
        self.action_change_password = named(QAction("Change my &password…", self), "action_change_password")
        self.action_change_password.triggered.connect(self._on_action_change_password_triggered)
        self.action_totp = named(QAction("Set up &two-step sign-in (TOTP)…", self), "action_totp")
        self.action_totp.triggered.connect(self._on_action_totp_triggered)
        self.action_find = named(QAction("&Find…", self), "action_find")
        self.action_find.setShortcut(QKeySequence("Ctrl+K"))
        self.action_find.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.action_find.setStatusTip("Find a client, a domain name or an operator")
        self.action_find.triggered.connect(self._on_action_find_triggered)
        self.action_find.setIcon(icon("fa5s.search"))
        self.action_about = named(QAction("&About hartdesk…", self), "action_about")
        self.action_about.setMenuRole(QAction.MenuRole.AboutRole)
        self.action_about.triggered.connect(self._on_action_about_triggered)
        self.screen_actions: list[QAction] = []
        for number in range(1, 10):
            action = QAction(self)
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda _checked=False, index=number - 1: self.go_to(index))
            self.addAction(action)
            self.screen_actions.append(action)
        self._session_actions = [
            self.action_lock,
            self.action_find,
            self.action_change_password,
            self.action_totp,
            *self.screen_actions,
        ]

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.action_lock)
        file_menu.addSeparator()
        file_menu.addAction(self.action_quit)
        go_menu = bar.addMenu("&Go")
        go_menu.addAction(self.action_find)
        account = bar.addMenu("&Account")
        account.addAction(self.action_change_password)
        account.addAction(self.action_totp)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.action_about)

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.who_label = named(QLabel(), "status_who")
        self.lock_button = named(QPushButton("Lock"), "lock_button")
        self.lock_button.setToolTip("Lock hartdesk now (Ctrl+L)")
        self.lock_button.setFlat(True)
        self.lock_button.setIcon(icon("fa5s.lock"))
        self.lock_button.clicked.connect(self.lock)
        status.addPermanentWidget(self.who_label)
        status.addPermanentWidget(self.lock_button)

    # -- screens --------------------------------------------------------------------------------------------------

    def _build_screens(self) -> None:
        from hartdesk.ui import crash

        self._remove_screens()
        who = self.ctx.who
        for cls in screen_classes():
            if cls.admin_only and not who.identity.is_admin:
                continue
            try:
                screen = cls(self.ctx)
            except Exception as exc:  # one broken screen must not keep the others away
                crash.report_unexpected(exc, self)
                continue
            self.screens.append(screen)
            self.screen_stack.addWidget(screen)
            item = QListWidgetItem(icon(cls.icon_name), screen.title or cls.__name__)
            number = len(self.screens)
            if number <= 9:
                item.setToolTip(f"{screen.title} (Ctrl+{number})")
            self.sidebar.addItem(item)
            settings_saved = getattr(screen, "settings_saved", None)  # SettingsScreen: Signal(Settings)
            if settings_saved is not None:
                settings_saved.connect(self._on_settings_saved)

    def _remove_screens(self) -> None:
        self.sidebar.blockSignals(True)
        self.sidebar.clear()
        self.sidebar.blockSignals(False)
        for screen in self.screens:
            self.screen_stack.removeWidget(screen)
            screen.deleteLater()
        self.screens = []

    def screen_titles(self) -> list[str]:
        return [screen.title for screen in self.screens]

    def current_screen(self) -> Screen | None:
        widget = self.screen_stack.currentWidget()
        return widget if isinstance(widget, Screen) else None

    def go_to(self, index: int) -> None:
        if 0 <= index < len(self.screens) and self.ctx.signed_in is not None:
            self.sidebar.setCurrentRow(index)

    @Slot(int)
    def _on_sidebar_current_row_changed(self, row: int) -> None:
        if 0 <= row < len(self.screens):
            self.screen_stack.setCurrentIndex(row)
            self.screens[row].refresh()

    @Slot()
    def _refresh_current(self) -> None:
        screen = self.current_screen()
        if screen is not None and self.ctx.signed_in is not None:
            screen.refresh()

    def screen_of(self, cls: type[S]) -> S | None:
        """The screen of type ``cls`` this person has, if any."""
        return next((screen for screen in self.screens if isinstance(screen, cls)), None)

    def show_screen(self, screen: Screen) -> None:
        if screen in self.screens:
            self.go_to(self.screens.index(screen))

    # -- finding (Ctrl+K) -----------------------------------------------------------------------------------------

    @Slot()
    def _on_action_find_triggered(self) -> None:
        from hartdesk.ui.global_search import GlobalSearchDialog

        if self.ctx.signed_in is None:
            return
        if self.search_dialog is not None and self.search_dialog.isVisible():
            self.search_dialog.raise_()
            self.search_dialog.search_edit.setFocus()
            return
        dialog = GlobalSearchDialog(self.ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.hit_chosen.connect(self.open_hit)
        dialog.finished.connect(lambda _: self._forget_search_dialog(dialog))
        self.search_dialog = dialog
        top_left = self.geometry().topLeft()
        dialog.move(top_left.x() + (self.width() - dialog.width()) // 2, top_left.y() + 80)
        dialog.open()

    def _forget_search_dialog(self, dialog: QDialog) -> None:
        if self.search_dialog is dialog:
            self.search_dialog = None

    @Slot(object)
    def open_hit(self, hit: SearchHit) -> None:
        """Open what the Find box found: a client (or a domain's client) in its window, an operator on its screen."""
        from hartdesk.register.search import HitKind

        if self.ctx.signed_in is None:
            return
        if hit.kind is HitKind.OPERATOR:
            self.show_operator(int(hit.key))
        else:
            self.open_client(hit.key)

    def show_operator(self, operator_id: int) -> None:
        from hartdesk.ui.screens.operators import OperatorsScreen

        screen = self.screen_of(OperatorsScreen)
        if screen is not None:
            self.show_screen(screen)
            screen.show_operator(operator_id)

    def open_client(self, ref: str) -> None:
        """The client's window, through the Clients screen (which keeps one window per client) if it was built."""
        from hartdesk.ui.screens.clients import ClientsScreen
        from hartdesk.ui.screens.services import open_client_detail

        clients = self.screen_of(ClientsScreen)
        if clients is not None:
            clients.open_client(ref)
        else:
            open_client_detail(self.ctx, ref, self, self._refresh_current)

    # -- signing in and locking -----------------------------------------------------------------------------------

    def _on_signed_in(self) -> None:
        who = self.ctx.who
        self._build_screens()
        role = "administrator" if who.identity.is_admin else "staff"
        self.who_label.setText(f"Signed in as {who.identity.display_name} ({role})")
        self.lock_button.setVisible(True)
        for action in self._session_actions:
            action.setEnabled(True)
        self.body.setCurrentIndex(WORKSPACE_PAGE)
        self.idle.start()
        self._load_settings()
        if self.screens:
            self.sidebar.setCurrentRow(0)
            self.sidebar.setFocus()
        self._start_notifier()
        self.unlocked.emit()

    def _start_notifier(self) -> None:
        from hartdesk.ui.notify import DueNotifier

        if self.notifier is None:
            self.notifier = DueNotifier(self.ctx, self)
        self.notifier.start()

    def _load_settings(self) -> None:
        who = self.ctx.signed_in
        if who is not None:
            self.ctx.tasks.run(who.settings, on_done=self._apply_settings, on_error=self._on_task_failed)

    def _on_task_failed(self, exc: BaseException) -> None:
        if self.ctx.signed_in is not None:  # after a lock, work that was under way fails quietly
            from hartdesk.ui import crash

            crash.report_unexpected(exc, self)

    def _apply_settings(self, settings: Settings) -> None:
        if self.ctx.signed_in is None:
            return
        self.idle.set_minutes(settings.idle_lock_minutes)
        self.setWindowTitle(f"hartdesk — {settings.agency_name}" if settings.agency_name else "hartdesk")

    @Slot(object)
    def _on_settings_saved(self, settings: object = None) -> None:
        """The Settings screen saved: the idle limit and the agency name may have changed."""
        from hartdesk.settings import Settings as SettingsType

        if isinstance(settings, SettingsType):
            self._apply_settings(settings)
        else:
            self._load_settings()

    def is_locked(self) -> bool:
        return self.ctx.signed_in is None

    @Slot()
    def lock(self) -> None:
        """Clear the screens, drop the key, hide the content and ask someone to sign in."""
        if self._closing:
            return
        self._drop_session()
        self._show_locked()
        self._show_signin()

    def _drop_session(self) -> None:
        from hartdesk.ui import clipboard

        clipboard.forget_secret()  # a password copied from the vault or a document's password
        self.idle.stop()
        if self.notifier is not None:
            self.notifier.stop()
        for dialog in self.findChildren(QDialog):
            if dialog.isVisible() and dialog is not self.signin_dialog:
                dialog.reject()
        for screen in self.screens:
            screen.clear()
        who = self.ctx.signed_in
        self.ctx.signed_in = None
        if who is not None:
            who.lock()

    def _show_locked(self) -> None:
        self.body.setCurrentIndex(LOCKED_PAGE)
        self.who_label.setText("Locked")
        self.lock_button.setVisible(False)
        for action in self._session_actions:
            action.setEnabled(False)
        self.setWindowTitle("hartdesk")
        self.locked.emit()

    @Slot()
    def _show_signin(self) -> None:
        from hartdesk.ui.signin import SignInDialog

        if self.signin_dialog is not None and self.signin_dialog.isVisible():
            self.signin_dialog.raise_()
            return
        dialog = SignInDialog(self.ctx, parent=self)
        self.signin_dialog = dialog

        def finished(result: int) -> None:
            self.signin_dialog = None
            dialog.deleteLater()
            if result == QDialog.DialogCode.Accepted and dialog.signed_in is not None:
                self.ctx.signed_in = dialog.signed_in
                self._on_signed_in()
            else:
                self.unlock_button.setFocus()

        dialog.finished.connect(finished)
        dialog.open()

    @Slot()
    def _on_idle_idle(self) -> None:
        if self.ctx.signed_in is not None:
            self.lock()

    # -- account menu ---------------------------------------------------------------------------------------------

    @Slot()
    def _on_action_change_password_triggered(self) -> None:
        from hartdesk.ui.account_dialogs import ChangePasswordDialog

        if self.ctx.signed_in is not None:
            self._open_dialog(ChangePasswordDialog(self.ctx, self.ctx.who.username, parent=self))

    @Slot()
    def _on_action_totp_triggered(self) -> None:
        from hartdesk.ui.account_dialogs import TotpEnrolmentDialog

        if self.ctx.signed_in is not None:
            self._open_dialog(TotpEnrolmentDialog(self.ctx, self.ctx.who.username, parent=self))

    def _open_dialog(self, dialog: QDialog) -> None:
        def finished(result: int) -> None:
            dialog.deleteLater()
            if result == QDialog.DialogCode.Accepted:
                self.statusBar().showMessage("Saved.", 5000)
                self._refresh_current()

        dialog.finished.connect(finished)
        dialog.open()

    @Slot()
    def _on_action_about_triggered(self) -> None:
        from hartdesk.ui.about_dialog import AboutDialog

        dialog = AboutDialog(self.ctx.register_dir, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    # -- geometry and closing -------------------------------------------------------------------------------------

    def _restore_geometry(self) -> None:
        settings = window_settings()
        geometry = settings.value("main_window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty() and self.restoreGeometry(geometry):
            return
        self.resize(DEFAULT_SIZE)

    def save_geometry(self) -> None:
        settings = window_settings()
        settings.setValue("main_window/geometry", self.saveGeometry())
        settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        who = self.ctx.signed_in
        if who is not None and not self._backup_done:
            event.ignore()
            if self._closing:
                return
            self._closing = True
            self.idle.stop()
            self.body.setEnabled(False)
            self.statusBar().showMessage("Making the automatic backup…")
            register = who.register

            def snapshot() -> object:
                from hartdesk.storage import backup

                return backup.snapshot(register)

            self.ctx.tasks.run(snapshot, on_done=self._on_close_backup_done, on_error=self._on_close_backup_failed)
            return
        self._closing = True
        self.save_geometry()
        self._drop_session()
        event.accept()
        self.closed.emit()

    def _on_close_backup_done(self, _result: object) -> None:
        self._backup_done = True
        QTimer.singleShot(0, self.close)

    def _on_close_backup_failed(self, exc: BaseException) -> None:
        from hartdesk.ui import crash

        crash.report_unexpected(exc, self)
        self._on_close_backup_done(None)
