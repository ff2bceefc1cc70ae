"""The start page: the breaches still waiting for the decision on reporting them to the ICO, with their 72-hour
countdown; the privacy requests that need attention (overdue, due within a week, waiting for the requester); whose
register this is, who is signed in, where it lives and when it was last backed up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import IntEnum
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QObject, Qt, QTimer, Slot
from PySide6.QtGui import QBrush, QFont, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hartdesk.dates import format_short_date
from hartdesk.models.enums import RequestStatus
from hartdesk.privacy import breaches
from hartdesk.privacy.breaches import BreachRow
from hartdesk.privacy.requests import DUE_SOON_DAYS, DueLists, RequestRow, Urgency
from hartdesk.ui.context import AppContext
from hartdesk.ui.models.base import Index, SmallTableModel
from hartdesk.ui.models.breach_model import RED_LEVELS, clock_of, level_colour, level_tint
from hartdesk.ui.models.request_model import URGENCY_ROLES, short_type, urgency_brush
from hartdesk.ui.screens.base import Screen
from hartdesk.ui.widgets import NOTE_STYLE, make_list_table, named, scrolling, value_label

if TYPE_CHECKING:
    from hartdesk.security.signin import SignedIn

ROLE_NAMES = {"admin": "administrator", "staff": "staff"}
MAX_VISIBLE_ROWS = 6  # a longer list scrolls inside its table
CLOCK_TICK_MS = 60_000  # the breaches' countdown is worked out again every minute
BREACHES_TITLE = "&Breaches waiting for the ICO decision"


@dataclass(frozen=True)
class HomeFacts:
    agency_name: str
    display_name: str
    role: str
    register_path: Path
    register_id: str
    has_totp: bool
    last_backup: datetime | None
    logins_due: int  # vault logins whose password is due to be changed
    retention_due: int = 0  # records past their retention period that can go (counted for administrators only)


def role_name(role: object) -> str:
    value = getattr(role, "value", role)
    return ROLE_NAMES.get(str(value), str(value))


def snapshot_time(folder: Path) -> datetime | None:
    """When an automatic snapshot was made, from its folder name (``20260301T140501123456Z-auto``)."""
    stamp = folder.name.split("-", 1)[0]
    try:
        return datetime.strptime(stamp, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
    except ValueError:
        try:
            return datetime.fromtimestamp(folder.stat().st_mtime, UTC)
        except OSError:
            return None


def describe_moment(moment: datetime) -> str:
    local = moment.astimezone()
    return f"{local.day} {local:%B %Y} at {local:%H:%M}"


# --- the privacy requests that need attention -------------------------------------------------------------------


class Column(IntEnum):
    REF = 0
    TYPE = 1
    REQUESTER = 2
    DUE = 3
    COUNTDOWN = 4


HEADERS = {
    Column.REF: "Ref",
    Column.TYPE: "Type",
    Column.REQUESTER: "Requester",
    Column.DUE: "Due",
    Column.COUNTDOWN: "Time left",
}


def waiting_text(row: RequestRow) -> str:
    """What a request whose clock is not running waits for."""
    if row.status is RequestStatus.AWAITING_CLARIFICATION:
        return "Clock stopped: waiting for clarification"
    if row.status is RequestStatus.AWAITING_IDENTITY:
        return "Not started: waiting for identity evidence"
    return "Not started: waiting for the fee"


def time_left_text(row: RequestRow) -> str:
    """The countdown in words, saying the urgency too, so that colour never says it alone."""
    if row.urgency == Urgency.WAITING:
        return waiting_text(row)
    if row.urgency == Urgency.OVERDUE:
        return row.countdown[:1].upper() + row.countdown[1:]
    if row.urgency == Urgency.SOON:
        return "Due soon: today" if row.working_days_left == 0 else f"Due soon: {row.countdown}"
    return row.countdown


class DueRequestsModel(SmallTableModel[RequestRow]):
    """One of the dashboard's short lists of requests (every row at once: they are few)."""

    headers = tuple(HEADERS[column] for column in Column)

    def __init__(self, parent: QObject | None = None) -> None:
        SmallTableModel.__init__(self, parent)
        self._bold = QFont()
        self._bold.setBold(True)

    def ref_at(self, index: Index) -> str | None:
        row = self.row_at(index)
        return row.ref if row is not None else None

    def cell(self, row: RequestRow, column: int, role: int) -> Any:
        column = Column(column)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == Column.TYPE:
                return row.kind.label
            if column == Column.DUE and row.due_on is not None:
                return f"Due {format_short_date(row.due_on, weekday=True)}"
            return self._display(row, column) or None
        if role in URGENCY_ROLES:
            return urgency_brush(row.urgency, role, column in (Column.DUE, Column.COUNTDOWN))
        if (
            role == Qt.ItemDataRole.FontRole
            and column == Column.COUNTDOWN
            and row.urgency in (Urgency.OVERDUE, Urgency.SOON)
        ):
            return self._bold
        return None

    @staticmethod
    def _display(row: RequestRow, column: Column) -> str:
        match column:
            case Column.REF:
                return row.ref
            case Column.TYPE:
                return short_type(row.kind)
            case Column.REQUESTER:
                return row.requester_name
            case Column.DUE:
                return format_short_date(row.due_on, weekday=True) if row.due_on is not None else "—"
            case Column.COUNTDOWN:
                return time_left_text(row)


class DueList(QWidget):
    """A heading with the count, then the table of requests, or a sentence when there are none."""

    def __init__(self, name: str, title: str, empty: str, parent: QWidget | None = None) -> None:
        QWidget.__init__(self, parent)
        self.title = title
        self.model = DueRequestsModel(self)
        self.table = make_list_table(
            f"{name}_table",
            self.model,
            {Column.REF: 110, Column.TYPE: 110, Column.REQUESTER: 210, Column.DUE: 120},
            f"home/{name}_table",
            row_padding=8,
        )
        self.table.setWordWrap(False)
        self.heading = named(QLabel(), f"{name}_heading")
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setBuddy(self.table)
        self.empty_label = named(QLabel(empty), f"{name}_empty")
        self.empty_label.setStyleSheet(NOTE_STYLE)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        column.addWidget(self.heading)
        column.addWidget(self.table)
        column.addWidget(self.empty_label)
        self.set_rows(None)

    def set_rows(self, rows: list[RequestRow] | None) -> None:
        """Show ``rows`` (``None``: nothing known yet, the register is locked or loading)."""
        self.model.set_rows(rows or [])
        count = len(rows) if rows is not None else None
        self.heading.setText(self.title if count is None else f"{self.title} ({count})")
        self.table.setVisible(bool(rows))
        self.empty_label.setVisible(rows is not None and not rows)
        self._fit_height()

    def _fit_height(self) -> None:
        shown = max(1, min(self.model.rowCount(), MAX_VISIBLE_ROWS))
        header = self.table.horizontalHeader().sizeHint().height()
        rows = self.table.verticalHeader().defaultSectionSize() * shown
        self.table.setFixedHeight(header + rows + 2 * self.table.frameWidth())


# --- the breaches waiting for the ICO decision --------------------------------------------------------------------


def breach_line(row: BreachRow, now: datetime) -> str:
    """ "B-2026-0001 Laptop lost — 22 hours left to decide on reporting to the ICO (by Tue 30 Mar 2027 11:00 BST)"."""
    return f"{row.ref} {row.summary} — {clock_of(row, now).words()}"


class BreachCountdown(QWidget):
    """A heading with the count, then one line per breach still waiting for the ICO decision, soonest deadline first,
    coloured by how little time is left (red under 24 hours or past, amber under 48); hidden when there is none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        QWidget.__init__(self, parent)
        self.setObjectName("breach_countdown")
        self.rows: list[BreachRow] = []
        self.heading = named(QLabel(BREACHES_TITLE), "breaches_heading")
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.list = named(QListWidget(), "breaches_list")
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setWordWrap(True)
        self.list.setSpacing(1)
        self.list.setToolTip("Enter or a double-click opens the breach")
        self.heading.setBuddy(self.list)
        self._bold = QFont(self.list.font())
        self._bold.setBold(True)
        self.hint = named(
            QLabel("Enter or a double-click opens a breach. Red: under 24 hours left, or past; amber: under 48 hours."),
            "breaches_hint",
        )
        self.hint.setStyleSheet(NOTE_STYLE)
        self.hint.setWordWrap(True)
        box = named(QGroupBox("Personal data breaches"), "breaches_box")
        column = QVBoxLayout(box)
        column.setSpacing(4)
        column.addWidget(self.heading)
        column.addWidget(self.list)
        column.addWidget(self.hint)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(box)
        self.setVisible(False)

    def set_rows(self, rows: list[BreachRow] | None, now: datetime) -> None:
        """Show ``rows`` at ``now`` (``None``: nothing known, the register is locked)."""
        self.rows = list(rows or [])
        self.heading.setText(f"{BREACHES_TITLE} ({len(self.rows)})" if self.rows else BREACHES_TITLE)
        self.show_at(now)
        self.setVisible(bool(self.rows))

    def show_at(self, now: datetime) -> None:
        """The lines again, their countdown at ``now`` (the breach chosen stays chosen)."""
        current = self.list.currentRow()
        self.list.clear()
        for row in self.rows:
            clock = clock_of(row, now)
            item = QListWidgetItem(breach_line(row, now))
            item.setToolTip(f"Aware since {breaches.uk_time(row.aware_at)}")
            colour, tint = level_colour(clock.level), level_tint(clock.level)
            if colour is not None:
                item.setForeground(QBrush(colour))
            if tint is not None:
                item.setBackground(QBrush(tint))
            if clock.level in RED_LEVELS:
                item.setFont(self._bold)
            item.setData(Qt.ItemDataRole.UserRole, row.ref)
            self.list.addItem(item)
        if self.rows:  # the cursor on a line (Enter opens it) without hiding its colour under the selection's
            keep = min(max(current, 0), len(self.rows) - 1)
            self.list.setCurrentRow(keep, QItemSelectionModel.SelectionFlag.NoUpdate)
        self._fit_height()

    def _fit_height(self) -> None:
        """As tall as its lines (a line that wraps in a narrow window takes two), up to six; then it scrolls."""
        shown = range(min(self.list.count(), MAX_VISIBLE_ROWS))
        spacing = 2 * self.list.spacing()
        height = sum(self.list.visualItemRect(self.list.item(i)).height() + spacing for i in shown)
        self.list.setFixedHeight(max(height, self.list.fontMetrics().height()) + 2 * self.list.frameWidth() + 2)

    def resizeEvent(self, event: QResizeEvent) -> None:
        QWidget.resizeEvent(self, event)
        if self.rows:
            self.list.doItemsLayout()
            self._fit_height()

    def texts(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def colours(self) -> list[str | None]:
        """The colour of each line's words (``None``: the palette's own)."""
        found: list[str | None] = []
        for i in range(self.list.count()):
            brush = self.list.item(i).data(Qt.ItemDataRole.ForegroundRole)
            found.append(brush.color().name() if isinstance(brush, QBrush) else None)
        return found

    def ref_at(self, row: int) -> str | None:
        return self.rows[row].ref if 0 <= row < len(self.rows) else None


def _reminder(name: str, button: QPushButton) -> tuple[QFrame, QLabel]:
    """A hidden reminder line ``<name>_note``: its words (``<name>_label``), then ``button`` to act on it."""
    note = named(QFrame(), f"{name}_note")
    label = named(QLabel(), f"{name}_label")
    label.setWordWrap(True)
    row = QHBoxLayout(note)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(label, 1)
    row.addWidget(button, 0, Qt.AlignmentFlag.AlignVCenter)
    note.setVisible(False)
    return note, label


class HomeScreen(Screen):
    title = "Home"
    icon_name = "fa5s.home"
    admin_only = False

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        Screen.__init__(self, ctx, parent)
        self.setObjectName("home_screen")
        self.heading = named(QLabel(), "home_agency")
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.7)
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.who_label = named(QLabel(), "home_who")

        self.totp_warning = named(QFrame(), "totp_warning")
        self.totp_warning.setStyleSheet(
            "QFrame#totp_warning { background: #fff6d6; border: 1px solid #e6cf7a; border-radius: 4px; }"
            "QFrame#totp_warning QLabel { color: #4a3b00; }"
        )
        warning_text = QLabel(
            "<b>Your account has no two-step sign-in yet.</b> Anyone who learns your password could open the "
            "register. Set up a TOTP code with an authenticator app on your phone."
        )
        warning_text.setWordWrap(True)
        self.setup_totp_button = named(QPushButton("Set up &two-step sign-in…"), "setup_totp_button")
        self.setup_totp_button.clicked.connect(self._on_setup_totp_button_clicked)
        warning_row = QHBoxLayout(self.totp_warning)
        warning_row.setContentsMargins(12, 10, 12, 10)
        warning_row.addWidget(warning_text, 1)
        warning_row.addWidget(self.setup_totp_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.totp_warning.setVisible(False)

        self.open_vault_button = named(QPushButton("&Open the Vault"), "open_vault_button")
        self.open_vault_button.clicked.connect(self._on_open_vault_button_clicked)
        self.rotation_note, self.rotation_label = _reminder("rotation", self.open_vault_button)
        self.review_retention_button = named(QPushButton("&Review retention"), "review_retention_button")
        self.review_retention_button.clicked.connect(self._on_review_retention_button_clicked)
        self.retention_note, self.retention_label = _reminder("retention", self.review_retention_button)

        box = QGroupBox("This register")
        self.path_label = value_label("home_register_path")
        self.id_label = value_label("home_register_id")
        self.backup_label = value_label("home_last_backup")
        form = QFormLayout(box)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.addRow("Folder:", self.path_label)
        form.addRow("Register id:", self.id_label)
        form.addRow("Last automatic backup:", self.backup_label)

        self.breaches = BreachCountdown()
        self.breaches.list.itemActivated.connect(self._on_breaches_list_item_activated)
        self.breach_tick = QTimer(self)
        self.breach_tick.setInterval(CLOCK_TICK_MS)
        self.breach_tick.timeout.connect(self.update_breach_clocks)
        self.breach_tick.start()

        self.requests_box = named(QGroupBox("Privacy requests"), "requests_box")
        self.overdue = DueList("overdue", "O&verdue", "Nothing is overdue.")
        self.due_soon = DueList(
            "due_soon", f"Due &within {DUE_SOON_DAYS} days", f"Nothing due in the next {DUE_SOON_DAYS} days."
        )
        self.waiting = DueList(
            "waiting", "Waiting for the re&quester", "No request is waiting for an answer from its requester."
        )
        self.requests_hint = named(
            QLabel("Enter or a double-click opens a request. Red: overdue; amber: due within 3 working days."),
            "requests_hint",
        )
        self.requests_hint.setStyleSheet(NOTE_STYLE)
        self.requests_hint.setWordWrap(True)
        requests_column = QVBoxLayout(self.requests_box)
        requests_column.setSpacing(10)
        for due_list in self.due_lists():
            requests_column.addWidget(due_list)
            due_list.table.activated.connect(self._on_table_activated)
        requests_column.addWidget(self.requests_hint)

        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        layout.addWidget(self.heading)
        layout.addWidget(self.who_label)
        layout.addWidget(self.totp_warning)
        layout.addWidget(self.breaches)
        layout.addWidget(self.requests_box)
        layout.addWidget(self.rotation_note)
        layout.addWidget(self.retention_note)
        layout.addWidget(box)
        layout.addStretch(1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scrolling(page))
        self._dialog: QWidget | None = None

    def due_lists(self) -> tuple[DueList, DueList, DueList]:
        return self.overdue, self.due_soon, self.waiting

    def refresh(self) -> None:
        who = self.ctx.signed_in
        if who is None:
            return

        from hartdesk.ui.request_actions import ui_today

        today = ui_today(self.ctx)

        def load() -> HomeFacts:
            from hartdesk.privacy import retention
            from hartdesk.security import staff
            from hartdesk.security.vault import count_rotation_due
            from hartdesk.storage import backup

            settings = who.settings()
            mine = next((row for row in staff.list_staff(who) if row.username == who.username), None)
            snapshots = backup.list_snapshots(who.register.register_id)
            with who.register.session() as session:
                logins_due = count_rotation_due(session, today)
                retention_due = retention.count_due(session, settings, today) if who.identity.is_admin else 0
            return HomeFacts(
                agency_name=settings.agency_name,
                display_name=who.identity.display_name,
                role=role_name(who.identity.role),
                register_path=who.register.path,
                register_id=who.register.register_id,
                has_totp=bool(mine and mine.totp_enrolled),
                last_backup=snapshot_time(snapshots[0]) if snapshots else None,
                logins_due=logins_due,
                retention_due=retention_due,
            )

        self.ctx.tasks.run(load, on_done=self._show, on_error=self._on_load_failed)
        self.refresh_requests()
        self.refresh_breaches()

    def refresh_breaches(self) -> None:
        """Read the breaches waiting for the ICO decision again (when shown, and after a change in a breach's
        window)."""
        from hartdesk.ui.breach_window import now_of

        who = self.ctx.signed_in
        if who is None:
            return
        generation, now = self._generation, now_of(self.ctx)
        self.ctx.tasks.run(
            lambda: load_waiting_breaches(who, now),
            on_done=lambda rows: self._on_breaches_loaded(generation, rows, now),
            on_error=lambda exc: self._on_due_lists_failed(generation, exc),
        )

    def _on_breaches_loaded(self, generation: int, rows: list[BreachRow], now: datetime) -> None:
        if self.is_current(generation) and self.ctx.signed_in is not None:
            self.breaches.set_rows(rows, now)

    @Slot()
    def update_breach_clocks(self) -> None:
        """The countdowns at the time ``ctx.clock`` gives now (every minute)."""
        from hartdesk.ui.breach_window import now_of

        if self.breaches.rows:
            self.breaches.show_at(now_of(self.ctx))

    @Slot(QListWidgetItem)
    def _on_breaches_list_item_activated(self, item: QListWidgetItem) -> None:
        ref = self.breaches.ref_at(self.breaches.list.row(item))
        if ref is not None:
            self.open_breach(ref)

    def open_breach(self, ref: str) -> None:
        """The breach's window; the countdown is read again after each change made in it."""
        from hartdesk.ui.breach_window import open_breach

        if self.ctx.signed_in is not None:
            open_breach(self.ctx, self, ref, self.refresh_breaches)

    def refresh_requests(self) -> None:
        """Read the requests that need attention again (when shown, and after a change in a request's window)."""
        from hartdesk.ui.request_actions import ui_today

        who = self.ctx.signed_in
        if who is None:
            return
        generation, today = self._generation, ui_today(self.ctx)
        self.ctx.tasks.run(
            lambda: load_due_lists(who, today),
            on_done=lambda lists: self._on_due_lists_loaded(generation, lists),
            on_error=lambda exc: self._on_due_lists_failed(generation, exc),
        )

    def _on_due_lists_loaded(self, generation: int, lists: DueLists) -> None:
        if not self.is_current(generation) or self.ctx.signed_in is None:
            return
        self.overdue.set_rows(lists.overdue)
        self.due_soon.set_rows(lists.due_soon)
        self.waiting.set_rows(lists.waiting)

    def _on_due_lists_failed(self, generation: int, exc: BaseException) -> None:
        if self.is_current(generation):
            self._on_load_failed(exc)

    @Slot(QModelIndex)
    def _on_table_activated(self, index: QModelIndex) -> None:
        model = index.model()
        ref = model.ref_at(index) if isinstance(model, DueRequestsModel) else None
        if ref is not None:
            self.open_request(ref)

    def open_request(self, ref: str) -> None:
        """The request's window; the lists are read again after each change made in it."""
        from hartdesk.ui.request_detail import open_request

        if self.ctx.signed_in is not None:
            open_request(self.ctx, self, ref, self.refresh_requests)

    def _on_load_failed(self, exc: BaseException) -> None:
        if self.ctx.signed_in is not None:  # after a lock, a load that was under way fails quietly
            from hartdesk.ui import crash

            crash.report_unexpected(exc, self)

    def _show(self, facts: HomeFacts) -> None:
        if self.ctx.signed_in is None:
            return  # locked while loading
        self.heading.setText(facts.agency_name or "Welcome to hartdesk")
        self.who_label.setText(f"Signed in as <b>{escape(facts.display_name)}</b> ({escape(facts.role)}).")
        self.totp_warning.setVisible(not facts.has_totp)
        due = facts.logins_due
        self.rotation_label.setText(
            f"<b>{due} login{'s' if due != 1 else ''} in the Vault {'are' if due != 1 else 'is'} due for a new "
            "password</b> (the reminder set on each). Change it at the operator, then use Rotate in the Vault."
        )
        self.rotation_note.setVisible(due > 0)
        records = facts.retention_due
        self.retention_label.setText(
            f"<b>{records} record{'s have' if records != 1 else ' has'} passed {'their' if records != 1 else 'its'} "
            "retention period</b> (closed clients, invoices or request files). Review them on the Retention screen, "
            "then delete what is due."
        )
        self.retention_note.setVisible(records > 0)
        self.path_label.setText(str(facts.register_path))
        self.id_label.setText(facts.register_id)
        self.backup_label.setText(
            describe_moment(facts.last_backup)
            if facts.last_backup is not None
            else "None yet: hartdesk makes one each time you close it."
        )

    def clear(self) -> None:
        self._generation += 1
        for label in (self.heading, self.who_label, self.path_label, self.id_label, self.backup_label):
            label.clear()
        for due_list in self.due_lists():
            due_list.set_rows(None)
        self.breaches.set_rows(None, datetime.now(UTC))
        self.totp_warning.setVisible(False)
        self.rotation_note.setVisible(False)
        self.retention_note.setVisible(False)
        if self._dialog is not None:
            self._dialog.close()

    def _go_to(self, cls: type[Screen]) -> None:
        """Show the screen of type ``cls``, if this person has it."""
        from hartdesk.ui.main_window import MainWindow

        window = self.window()
        if isinstance(window, MainWindow):
            screen = window.screen_of(cls)
            if screen is not None:
                window.show_screen(screen)

    @Slot()
    def _on_open_vault_button_clicked(self) -> None:
        from hartdesk.ui.screens.vault import VaultScreen

        self._go_to(VaultScreen)

    @Slot()
    def _on_review_retention_button_clicked(self) -> None:
        from hartdesk.ui.screens.retention import RetentionScreen

        self._go_to(RetentionScreen)

    @Slot()
    def _on_setup_totp_button_clicked(self) -> None:
        from hartdesk.ui.account_dialogs import TotpEnrolmentDialog

        who = self.ctx.signed_in
        if who is None:
            return
        dialog = TotpEnrolmentDialog(self.ctx, who.username, parent=self)
        self._dialog = dialog

        def finished(result: int) -> None:
            self._dialog = None
            dialog.deleteLater()
            if result == TotpEnrolmentDialog.DialogCode.Accepted:
                self.refresh()

        dialog.finished.connect(finished)
        dialog.open()


def load_due_lists(who: SignedIn, today: date) -> DueLists:
    """Runs on a pool thread: the requests overdue, due soon and waiting, with the register's settings."""
    from hartdesk import settings as settings_mod
    from hartdesk.privacy import requests as rq

    with who.register.session() as session:
        return rq.due_lists(session, settings_mod.load(session), today)


def load_waiting_breaches(who: SignedIn, now: datetime) -> list[BreachRow]:
    """Runs on a pool thread: the breaches still waiting for the ICO decision, soonest deadline first."""
    with who.register.session() as session:
        return breaches.list_breaches(session, now, undecided_only=True)
