"""The Requests screen: every privacy request, the pressing ones first, searched and filtered; log a new one from an
email, a phone call, a letter or a visit; open one; export the list with its counts for the DPO.

The list loads in a task (the count and the first page together, further pages as the clerk scrolls) and is searched
as the clerk types (:class:`~hartdesk.ui.screens.listing.SearchListScreen`). Rows are tinted by urgency and the
"Time left" column says the same in words.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import shiboken6
from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hartdesk.dates import format_short_date
from hartdesk.errors import HartdeskError
from hartdesk.models.enums import RequestChannel, RequestStatus, RequestType
from hartdesk.privacy.requests import RequestQuery, RequestRow, TypeCount
from hartdesk.ui.context import AppContext
from hartdesk.ui.crash import show_error
from hartdesk.ui.models.request_model import Column, RequestTableModel, count_text, short_type
from hartdesk.ui.request_intake import RequestIntakeDialog, intake_dialog, uk_today_of
from hartdesk.ui.screens.listing import SearchListScreen
from hartdesk.ui.widgets import FlowLayout, labelled, make_list_table, named

SEARCH_PLACEHOLDER = "Reference, name, email, client…"
COLUMN_WIDTHS = {  # fits the window's default size beside the sidebar; the clerk's own widths are remembered
    Column.REF: 86,
    Column.TYPE: 116,
    Column.CHANNEL: 64,
    Column.STATUS: 134,
    Column.CLIENT: 60,
    Column.RECEIVED: 86,
    Column.DUE: 86,
    Column.COUNTDOWN: 120,
}  # the requester's name takes the rest
CSV_FILTER = "CSV files (*.csv);;All files (*)"


@dataclass(frozen=True)
class StatusChoice:
    label: str
    statuses: frozenset[RequestStatus] = frozenset()
    open_only: bool = False


STATUS_CHOICES = [
    StatusChoice("Open requests", open_only=True),
    StatusChoice("All statuses"),
    *(StatusChoice(status.label, statuses=frozenset({status})) for status in RequestStatus),
]
DUE_CHOICES: list[tuple[str, int | None]] = [  # due_within_days: -1 is "before today", that is overdue
    ("Any due date", None),
    ("Overdue", -1),
    ("Due within 7 days", 7),
    ("Due within 30 days", 30),
]


def filter_combo(name: str, items: list[str], widest: str) -> QComboBox:
    """A filter's choices, the closed box as wide as ``widest`` (so the filters share one line) while the open list
    shows every choice whole."""
    combo = named(QComboBox(), name)
    combo.addItems(items)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(1)
    combo.setMinimumWidth(combo.fontMetrics().horizontalAdvance(widest) + 36)
    view = combo.view()
    view.setMinimumWidth(view.sizeHintForColumn(0) + 24)
    return combo


def export_summary(count: int, target: Path, counts: list[TypeCount]) -> str:
    """What the export wrote: how many requests, then the counts per type and the share answered on time."""
    lines = [f"{count_text(count)} written to {target}.", ""]
    for c in counts:
        if c.received:
            in_time = f", {c.on_time} on time" if c.answered else ""
            lines.append(f"{short_type(c.kind)}: {c.received} received, {c.answered} answered{in_time}")
    answered = sum(c.answered for c in counts)
    on_time = sum(c.on_time for c in counts)
    if answered:
        lines += ["", f"Answered on time: {on_time} of {answered} ({round(100 * on_time / answered)}%)."]
    else:
        lines += ["", "None has been answered yet."]
    return "\n".join(lines)


class RequestsScreen(SearchListScreen[RequestTableModel]):
    title = "Requests"
    icon_name = "fa5s.inbox"
    admin_only = False

    search_delay_ms = 200  # the pause in typing after which the search runs

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        SearchListScreen.__init__(self, ctx, parent)
        self.setObjectName("requests_screen")

        # --- search and filters -------------------------------------------------------------------------------
        self.make_search_box(SEARCH_PLACEHOLDER, "Type part of a reference, a name, an email or a client (Ctrl+F)")
        # The choices stay here rather than as item data (see the Clients screen: PySide6 6.12 and None).
        self.type_choices: list[RequestType | None] = [None, *RequestType]
        self.channel_choices: list[RequestChannel | None] = [None, *RequestChannel]
        self.status_combo = filter_combo("status_combo", [c.label for c in STATUS_CHOICES], "Open requests")
        self.type_combo = filter_combo(
            "type_combo", ["Any type", *(short_type(kind) for kind in RequestType)], "Rectification"
        )
        for number, kind in enumerate(RequestType, 1):
            self.type_combo.setItemData(number, kind.label, Qt.ItemDataRole.ToolTipRole)
        self.channel_combo = filter_combo(
            "channel_combo", ["Any channel", *(channel.label for channel in RequestChannel)], "Any channel"
        )
        self.due_combo = filter_combo("due_combo", [label for label, _ in DUE_CHOICES], "Any due date")
        filters_holder = QWidget()
        filters = FlowLayout(filters_holder)
        filters.setContentsMargins(0, 0, 0, 0)
        for text, combo in (
            ("&Status:", self.status_combo),
            ("&Type:", self.type_combo),
            ("Cha&nnel:", self.channel_combo),
            ("&Due:", self.due_combo),
        ):
            label = QLabel(text)
            label.setBuddy(combo)
            filters.addWidget(labelled(label, combo))

        # --- buttons ------------------------------------------------------------------------------------------
        self.email_button = named(QPushButton("From &email…"), "email_button")
        self.email_button.setToolTip("Log a request that arrived by email, from the saved message (Ctrl+E)")
        self.phone_button = named(QPushButton("&Phone call…"), "phone_button")
        self.phone_button.setToolTip("Log a request made on the phone")
        self.letter_button = named(QPushButton("&Letter…"), "letter_button")
        self.letter_button.setToolTip("Log a request that arrived by post")
        self.in_person_button = named(QPushButton("In pe&rson…"), "in_person_button")
        self.in_person_button.setToolTip("Log a request made in person")
        self.open_button = named(QPushButton("&Open"), "open_button")
        self.open_button.setToolTip("Open the selected request (Enter or double-click)")
        self.export_button = named(QPushButton("E&xport CSV…"), "export_button")
        self.export_button.setToolTip(
            "Write the requests listed (with the filters chosen) to a CSV file, with the counts per type"
        )
        # Each row wraps (in a narrow window) instead of widening the window.
        new_holder = QWidget()
        new_buttons = FlowLayout(new_holder, h_spacing=6)
        new_buttons.setContentsMargins(0, 0, 0, 0)
        new_buttons.addWidget(QLabel("New request:"))
        for button in (self.email_button, self.phone_button, self.letter_button, self.in_person_button):
            new_buttons.addWidget(button)
        top = QHBoxLayout()
        top.addWidget(new_holder, 1)
        top.addWidget(self.search_edit, 0, Qt.AlignmentFlag.AlignTop)
        below = QHBoxLayout()
        below.addWidget(filters_holder, 1)
        below.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignTop)
        below.addWidget(self.export_button, 0, Qt.AlignmentFlag.AlignTop)

        # --- the list -----------------------------------------------------------------------------------------
        self.model = RequestTableModel(ctx.tasks, self._load_page, self._count, self)
        self.table = make_list_table("requests_table", self.model, COLUMN_WIDTHS, "requests/header", row_padding=8)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)  # the name gives way first, never the countdown
        header.setSectionResizeMode(Column.REQUESTER, QHeaderView.ResizeMode.Stretch)
        self.make_labels()

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(below)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        layout.addWidget(self.message_label)

        # --- keyboard -----------------------------------------------------------------------------------------
        self.add_shortcut("Find a request", QKeySequence.StandardKey.Find, self._on_find_action_triggered)
        self.email_action = QAction("Log a request from an email", self)
        self.email_action.setShortcut(QKeySequence("Ctrl+E"))
        self.email_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.email_action.triggered.connect(self.new_email)
        self.addAction(self.email_action)
        chain: list[QWidget] = [
            self.email_button,
            self.phone_button,
            self.letter_button,
            self.in_person_button,
            self.search_edit,
            self.status_combo,
            self.type_combo,
            self.channel_combo,
            self.due_combo,
            self.open_button,
            self.export_button,
            self.table,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

        self.email_button.clicked.connect(self.new_email)
        self.phone_button.clicked.connect(lambda: self.new_request(RequestChannel.PHONE))
        self.letter_button.clicked.connect(lambda: self.new_request(RequestChannel.POST))
        self.in_person_button.clicked.connect(lambda: self.new_request(RequestChannel.IN_PERSON))
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.connect_list((self.status_combo, self.type_combo, self.channel_combo, self.due_combo))

    # --- searching --------------------------------------------------------------------------------------------

    def current_query(self) -> RequestQuery:
        status = STATUS_CHOICES[max(0, self.status_combo.currentIndex())]
        kind = self.type_choices[max(0, self.type_combo.currentIndex())]
        channel = self.channel_choices[max(0, self.channel_combo.currentIndex())]
        return RequestQuery(
            text=self.search_edit.text().strip(),
            statuses=status.statuses,
            kinds=frozenset({kind}) if kind is not None else frozenset(),
            channels=frozenset({channel}) if channel is not None else frozenset(),
            open_only=status.open_only,
            due_within_days=DUE_CHOICES[max(0, self.due_combo.currentIndex())][1],
        )

    def describe_total(self, total: int) -> str:
        query = self.model.query
        if total:
            return count_text(total)
        if query is not None and (query.text or query.statuses or query.kinds or query.channels):
            return "No requests match."
        if query is not None and query.due_within_days is not None:
            return "No open request is due then."
        if query is not None and query.open_only:
            return "No open requests. Log a new one with the buttons above (Ctrl+E for an email)."
        return "No requests yet. Log the first with From email… (Ctrl+E) or the buttons beside it."

    # --- loading (tasks run these on a pool thread: they touch no widget) -------------------------------------

    def _today(self) -> date:
        return uk_today_of(self.ctx)

    def _load_page(self, query: RequestQuery, offset: int, limit: int) -> list[RequestRow]:
        from hartdesk import settings as settings_mod
        from hartdesk.privacy import requests

        who, today = self.ctx.who, self._today()
        with who.register.session() as session:
            return requests.list_requests(session, query, settings_mod.load(session), today, offset, limit)

    def _count(self, query: RequestQuery) -> int:
        from hartdesk.privacy import requests

        who, today = self.ctx.who, self._today()
        with who.register.session() as session:
            return requests.count_requests(session, query, today)

    # --- opening ----------------------------------------------------------------------------------------------

    def open_request(self, ref: str) -> None:
        """Show the request's own window; the list reloads whenever the request changes there."""
        from hartdesk.ui.request_detail import open_request

        open_request(self.ctx, self, ref, lambda: self._on_request_changed(ref))

    def open_ref(self, ref: str) -> None:
        self.open_request(ref)

    def _on_request_changed(self, ref: str) -> None:
        if self.ctx.signed_in is not None:
            self.search_selecting(ref)

    # --- logging a new request --------------------------------------------------------------------------------

    @Slot()
    def new_email(self) -> None:
        self.new_request(RequestChannel.EMAIL)

    def new_request(self, channel: RequestChannel) -> RequestIntakeDialog | None:
        """Open the intake dialog for ``channel``; once it logs the request, the list shows it selected."""
        if self.ctx.signed_in is None:
            return None
        dialog = intake_dialog(self.ctx, channel, self)

        def logged() -> None:
            ref, due = dialog.saved_ref, dialog.saved_due
            if ref is None:
                return
            when = f"due {format_short_date(due)}" if due is not None else "the clock has not started yet"
            self._say(f"{ref} logged — {when}.")
            self.search_selecting(ref)

        self.open_dialog(dialog, logged)
        return dialog

    # --- export -----------------------------------------------------------------------------------------------

    def choose_export_path(self) -> Path | None:
        """Where to write the CSV file."""
        suggested = Path.home() / f"hartdesk-requests-{self._today().isoformat()}.csv"
        name, _ = QFileDialog.getSaveFileName(self, "Export the requests listed to", str(suggested), CSV_FILTER)
        if not name:
            return None
        path = Path(name)
        return path if path.suffix else path.with_suffix(".csv")

    @Slot()
    def _on_export_button_clicked(self) -> None:
        if self.ctx.signed_in is None:
            return
        path = self.choose_export_path()
        if path is None:
            return
        who, query, today, generation = self.ctx.who, self.current_query(), self._today(), self._generation

        def work() -> tuple[int, list[TypeCount]]:
            from hartdesk import settings as settings_mod
            from hartdesk.privacy import requests
            from hartdesk.security import audit

            with who.register.session() as session:
                counts = requests.export_requests(session, query, settings_mod.load(session), today, path)
                total = sum(c.received for c in counts)
                audit.record(session, who.username, "export.requests", "", {"rows": total})
            return total, counts

        def done(result: tuple[int, list[TypeCount]]) -> None:
            if shiboken6.isValid(self):
                self.export_button.setEnabled(True)
            if self.is_current(generation):
                total, counts = result
                self._say(f"{count_text(total)} written to {path}.")
                self._tell(QMessageBox.Icon.Information, "Export finished", export_summary(total, path, counts))

        def failed(exc: BaseException) -> None:
            if shiboken6.isValid(self):
                self.export_button.setEnabled(True)
            if not self.is_current(generation):
                return
            if isinstance(exc, HartdeskError):
                self._tell(QMessageBox.Icon.Warning, "Export failed", exc.message)
            else:
                show_error(self, exc)

        self.export_button.setEnabled(False)
        self._say("Writing the CSV file…")
        self.ctx.tasks.run(work, on_done=done, on_error=failed, serial=True)

    def _tell(self, icon: QMessageBox.Icon, title: str, text: str) -> None:
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self)
        box.setObjectName("export_message")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def _say(self, text: str, style: str = "") -> None:
        """As on every list, and in the main window's status bar too."""
        SearchListScreen._say(self, text, style)
        window = self.window()
        if text and not style and isinstance(window, QMainWindow):
            window.statusBar().showMessage(text, 10000)
