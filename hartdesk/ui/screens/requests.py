"""The Requests screen: every privacy request, the pressing ones first, searched and filtered; log a new one from an
email, a phone call, a letter or a visit; open one; export the list with its counts for the DPO.

The list loads in a task (the count and the first page together, further pages as the clerk scrolls); typing in the
search box restarts a short timer and the query runs when the clerk pauses. Rows are tinted by urgency and the
"Time left" column says the same in words.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import shiboken6
from PySide6.QtCore import QEvent, QItemSelection, QModelIndex, QObject, Qt, Slot
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
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
from hartdesk.ui.screens.base import Screen
from hartdesk.ui.widgets import ERROR_STYLE, FlowLayout, labelled, make_list_table, named, pause_timer, search_box

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


class RequestsScreen(Screen):
    title = "Requests"
    icon_name = "fa5s.inbox"
    admin_only = False

    search_delay_ms = 200  # the pause in typing after which the search runs

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        Screen.__init__(self, ctx, parent)
        self.setObjectName("requests_screen")
        self._select_after_load: str | None = None
        self._focus_list_after_load = False

        # --- search and filters -------------------------------------------------------------------------------
        self.search_edit = search_box(
            SEARCH_PLACEHOLDER, "Type part of a reference, a name, an email or a client (Ctrl+F)"
        )
        self.search_edit.installEventFilter(self)
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

        self.count_label = named(QLabel(), "count_label")
        self.message_label = named(QLabel(), "message_label")
        self.message_label.setWordWrap(True)
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_label.hide()

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

        self.search_timer = pause_timer(self, self.search_delay_ms, self._on_search_timer_timeout)

        self.search_edit.textEdited.connect(self._on_search_edit_text_edited)
        self.search_edit.returnPressed.connect(self._on_search_edit_return_pressed)
        for combo in (self.status_combo, self.type_combo, self.channel_combo, self.due_combo):
            combo.currentIndexChanged.connect(self._on_filter_changed)
        self.table.activated.connect(self._on_table_activated)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self.email_button.clicked.connect(self.new_email)
        self.phone_button.clicked.connect(lambda: self.new_request(RequestChannel.PHONE))
        self.letter_button.clicked.connect(lambda: self.new_request(RequestChannel.POST))
        self.in_person_button.clicked.connect(lambda: self.new_request(RequestChannel.IN_PERSON))
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.model.query_loaded.connect(self._on_model_query_loaded)
        self.model.page_loaded.connect(self._update_buttons)
        self.model.load_failed.connect(self._on_model_load_failed)
        self.model.modelReset.connect(self._update_buttons)
        self._update_buttons()

    # --- Screen -----------------------------------------------------------------------------------------------

    def refresh(self) -> None:
        self.run_search()

    def clear(self) -> None:
        self._generation += 1
        self.search_timer.stop()
        self._select_after_load = None
        self._focus_list_after_load = False
        self.model.clear()
        self.search_edit.clear()
        for combo in (self.status_combo, self.type_combo, self.channel_combo, self.due_combo):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.count_label.clear()
        self._say("")
        for dialog in self.findChildren(QDialog):
            dialog.reject()

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

    def run_search(self) -> None:
        """Run the query shown now (without waiting for the typing pause)."""
        self.search_timer.stop()
        if self.ctx.signed_in is None:
            return
        selected = self.selected_ref()
        if self._select_after_load is None and selected is not None:
            self._select_after_load = selected
        self.count_label.setText("Searching…")
        self.model.set_query(self.current_query())

    @Slot(str)
    def _on_search_edit_text_edited(self, _text: str) -> None:
        self.search_timer.start()

    @Slot()
    def _on_search_timer_timeout(self) -> None:
        self.run_search()

    @Slot()
    def _on_search_edit_return_pressed(self) -> None:
        """Enter searches at once and puts the cursor on the first request, so a second Enter opens it."""
        self._focus_list_after_load = True
        if self.search_timer.isActive() or self.current_query() != self.model.query or self.model.total is None:
            self.run_search()
        else:
            self._focus_list()

    def _focus_list(self) -> None:
        self._focus_list_after_load = False
        if self.model.rowCount() > 0:
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)
            if not self.table.selectionModel().hasSelection():
                self.table.selectRow(0)

    @Slot()
    def _on_filter_changed(self, *_: object) -> None:
        self.run_search()

    @Slot()
    def _on_find_action_triggered(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Down in the search box moves into the list."""
        if (
            watched is self.search_edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
            and self.model.rowCount() > 0
        ):
            self._focus_list()
            return True
        return Screen.eventFilter(self, watched, event)

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

    @Slot()
    def _on_model_query_loaded(self) -> None:
        total = self.model.total or 0
        query = self.model.query
        if total:
            self.count_label.setText(count_text(total))
        elif query is not None and (query.text or query.statuses or query.kinds or query.channels):
            self.count_label.setText("No requests match.")
        elif query is not None and query.due_within_days is not None:
            self.count_label.setText("No open request is due then.")
        elif query is not None and query.open_only:
            self.count_label.setText("No open requests. Log a new one with the buttons above (Ctrl+E for an email).")
        else:
            self.count_label.setText(
                "No requests yet. Log the first with From email… (Ctrl+E) or the buttons beside it."
            )
        keep, self._select_after_load = self._select_after_load, None
        if keep is not None:
            self.select_ref(keep)
        if self._focus_list_after_load:
            self._focus_list()

    @Slot(object)
    def _on_model_load_failed(self, exc: BaseException) -> None:
        self._focus_list_after_load = False
        self.count_label.clear()
        if isinstance(exc, HartdeskError):
            self._say(exc.message, ERROR_STYLE)
        elif self.ctx.signed_in is not None:
            show_error(self, exc)

    # --- what is selected -------------------------------------------------------------------------------------

    def selected_ref(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.ref_at(rows[0]) if rows else None

    def select_ref(self, ref: str) -> bool:
        row = self.model.row_of(ref)
        if row is None:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    @Slot(QItemSelection, QItemSelection)
    def _on_table_selection_changed(self, *_: object) -> None:
        self._update_buttons()

    @Slot()
    def _update_buttons(self) -> None:
        self.open_button.setEnabled(self.selected_ref() is not None)

    # --- opening ----------------------------------------------------------------------------------------------

    def open_request(self, ref: str) -> None:
        """Show the request's own window; the list reloads whenever the request changes there."""
        from hartdesk.ui.request_detail import open_request

        open_request(self.ctx, self, ref, lambda: self._on_request_changed(ref))

    def _on_request_changed(self, ref: str) -> None:
        if self.ctx.signed_in is None:
            return
        self._select_after_load = ref
        self.run_search()

    @Slot(QModelIndex)
    def _on_table_activated(self, index: QModelIndex) -> None:
        ref = self.model.ref_at(index)
        if ref is not None:
            self.open_request(ref)

    @Slot()
    def _on_open_button_clicked(self) -> None:
        ref = self.selected_ref()
        if ref is not None:
            self.open_request(ref)

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
            self._select_after_load = ref
            self.run_search()

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
        self.message_label.setText(text)
        self.message_label.setStyleSheet(style)
        self.message_label.setVisible(bool(text))
        window = self.window()
        if text and not style and isinstance(window, QMainWindow):
            window.statusBar().showMessage(text, 10000)
