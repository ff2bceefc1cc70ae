"""The Documents screen: every document hartdesk produced (newest first), how it left and to whom, and the DPAs that
came back signed; a data report for each active client in one go.

The list loads in a task: the newest documents of the kind chosen, or every document of one client or request when a
whole reference is typed (C-00042, R-2026-0042); part of a reference or a client's name narrows the rows loaded.
Enter opens the request's window (or the client's). The batch of data reports runs in a task with a progress dialog;
cancelling stops between two reports, and the clerk is told how many were saved and which failed and why.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QModelIndex, Qt, Slot
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from hartdesk.errors import HartdeskError
from hartdesk.models.enums import DocumentKind
from hartdesk.ui.context import AppContext
from hartdesk.ui.crash import show_error
from hartdesk.ui.record_window import Col, ListModel
from hartdesk.ui.request_actions import ui_today
from hartdesk.ui.screens.base import Screen
from hartdesk.ui.screens.listing import focus_table, list_labels
from hartdesk.ui.screens.requests import filter_combo
from hartdesk.ui.widgets import (
    ERROR_STYLE,
    NOTE_STYLE,
    FlowLayout,
    chooser_row,
    labelled,
    make_error_label,
    make_list_table,
    named,
    pause_timer,
    search_box,
    show_message,
)

if TYPE_CHECKING:
    from hartdesk.register.documents import DocumentRow
    from hartdesk.register.search import ClientRow

LIMIT = 500  # the newest documents listed (a whole reference lists all of that record's)
CLIENT_REF = re.compile(r"^C-\d{5}$")
REQUEST_REF = re.compile(r"^R-\d{4}-\d{4,}$")
KIND_CHOICES: list[tuple[str, DocumentKind | None]] = [
    ("All kinds", None),
    ("Data reports", DocumentKind.DATA_REPORT),
    ("Data processing agreements", DocumentKind.DPA),
    ("Letters", DocumentKind.LETTER),
]


# --- how a document shows in a list (the client's window shares these) -----------------------------------------------


def local_day(row: DocumentRow) -> str:
    return row.created_at.astimezone().strftime("%d/%m/%Y")


def kind_text(row: DocumentRow) -> str:
    """ "Data report", "DPA 1.0" (a data processing agreement and its version) or the letter's kind."""
    if row.letter_kind is not None:
        return f"Letter: {row.letter_kind.label}"
    if row.kind is DocumentKind.DPA:
        return f"DPA {row.version}".strip()
    return row.kind.label


def delivery_text(row: DocumentRow) -> str:
    """How it last left, to whom, and whether with a password ("Sent by email to a@b.example, with a password")."""
    if row.delivery is None:
        return "Not delivered"
    text = row.delivery.label
    if row.delivered_to:
        text += f" to {row.delivered_to}"
    return text + (", with a password" if row.encrypted else "")


def delivery_tooltip(row: DocumentRow) -> str:
    when = row.delivered_at.astimezone().strftime("%d/%m/%Y at %H:%M") if row.delivered_at is not None else ""
    return f"{delivery_text(row)}, on {when}" if when else delivery_text(row)


def signed_text(row: DocumentRow) -> str:
    if row.kind is not DocumentKind.DPA:
        return ""
    return row.signed_on.strftime("%d/%m/%Y") if row.signed_on is not None else "Not yet"


def client_text(row: DocumentRow) -> str:
    return f"{row.client_ref} {row.client_name}".strip()


def title_tooltip(row: DocumentRow) -> str:
    """The title, to whom it is addressed, who made it and its pages."""
    lines = [row.title]
    if row.recipient:
        lines.append(f"Addressed to {row.recipient}")
    lines.append(f"Made by {row.created_by}, {row.pages} page{'s' if row.pages != 1 else ''}")
    return "\n".join(lines)


def document_columns(with_client: bool) -> list[Col[DocumentRow]]:
    """The columns of a list of documents (``with_client``: the Documents screen's, naming the client). To whom a
    document is addressed shows in its title's tooltip; how it left says to which address it was emailed."""
    columns: list[Col[DocumentRow]] = [
        Col("Date", local_day, 80),
        Col("Kind", kind_text, 150),
        Col("Title", lambda r: r.title, 200, tooltip=title_tooltip, stretch=True),
    ]
    if with_client:
        columns.append(Col("Client", client_text, 140, tooltip=client_text))
    columns += [
        Col("Request", lambda r: r.request_ref, 96),
        Col("How it left", delivery_text, 170 if with_client else 220, tooltip=delivery_tooltip),
        Col("Signed on", signed_text, 80),
    ]
    return columns


def read_documents(who: Any, kind: DocumentKind | None, text: str) -> list[DocumentRow]:
    """Runs in a task: the documents of ``kind`` (all kinds for None), narrowed by what was typed."""
    from hartdesk.register.documents import list_documents

    typed = text.strip().upper()
    client_ref = typed if CLIENT_REF.match(typed) else ""
    request_ref = typed if REQUEST_REF.match(typed) else ""
    with who.register.session() as session:
        rows = list_documents(session, client_ref=client_ref, request_ref=request_ref, kind=kind, limit=LIMIT)
    if typed and not client_ref and not request_ref:
        needle = text.strip().casefold()
        rows = [
            r
            for r in rows
            if needle in r.client_ref.casefold()
            or needle in r.client_name.casefold()
            or needle in r.request_ref.casefold()
        ]
    return rows


# --- the batch of data reports ----------------------------------------------------------------------------------------


@dataclass
class BatchResult:
    saved: list[Path] = field(default_factory=list)  # the PDFs
    failed: list[tuple[str, str]] = field(default_factory=list)  # ("C-00003 Name", why)
    cancelled: bool = False
    folder: Path = Path()

    def summary(self) -> str:
        count = len(self.saved)
        lines = [f"{count} data report{'s' if count != 1 else ''} saved into {self.folder}."]
        if self.cancelled:
            lines.append("Stopped before the end, as asked.")
        if self.failed:
            lines += ["", f"{len(self.failed)} could not be made:"]
            lines += [f"{who}: {why}" for who, why in self.failed]
        return "\n".join(lines)


def make_reports(
    who: Any,
    clients: Sequence[tuple[str, str]],
    folder: Path,
    for_post: bool,
    today: date,
    stop: threading.Event,
    report: Callable[[int, int], None],
) -> BatchResult:
    """Runs in a task: a data report for each ``(ref, name)`` saved into ``folder``, each in its own transaction (one
    that fails leaves the others saved); ``stop`` is looked at between two reports."""
    from hartdesk import settings as settings_mod
    from hartdesk.privacy import produce

    result = BatchResult(folder=folder)
    total = len(clients)
    for done, (ref, name) in enumerate(clients):
        if stop.is_set():
            result.cancelled = True
            break
        try:
            with who.register.session() as session:
                settings = settings_mod.load(session)
                made = produce.make_data_report(session, ref, settings, today, for_post=for_post)
                produce.save(session, who.username, made, folder / made.filename)
            result.saved.append(folder / made.filename)
        except HartdeskError as exc:
            result.failed.append((f"{ref} {name}".strip(), exc.message))
        report(done + 1, total)
    return result


class BatchReportsDialog(QDialog):
    """Which active clients (all ticked at first), the folder, and post or email; ``chosen`` once accepted."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        QDialog.__init__(self, parent)
        self.ctx = ctx
        self.chosen: tuple[list[tuple[str, str]], Path, bool] | None = None
        self.setObjectName("batch_dialog")
        self.setWindowTitle("Data reports for all active clients")
        self.setMinimumSize(560, 480)
        intro = QLabel(
            "A data report is made for each client ticked and saved into the folder, with its JSON and CSV copies "
            "beside it. Each is recorded as produced and saved."
        )
        intro.setWordWrap(True)
        self.clients_list = named(QListWidget(), "clients_list")
        self.all_button = named(QPushButton("Tick &all"), "tick_all_button")
        self.none_button = named(QPushButton("Tick &none"), "tick_none_button")
        self.count_label = named(QLabel("Reading the active clients…"), "batch_count_label")
        self.count_label.setStyleSheet(NOTE_STYLE)
        ticks = QHBoxLayout()
        for button in (self.all_button, self.none_button):
            button.setAutoDefault(False)
            ticks.addWidget(button)
        ticks.addWidget(self.count_label, 1)
        self.folder_edit = named(QLineEdit(), "folder_edit")
        self.folder_edit.setPlaceholderText("the folder the reports go into")
        self.choose_button = named(QPushButton("C&hoose…"), "choose_folder_button")
        folder_row = chooser_row("&Folder:", self.folder_edit, self.choose_button)
        self.post_radio = named(QRadioButton("For &post"), "batch_post_radio")
        self.email_radio = named(QRadioButton("For e&mail"), "batch_email_radio")
        group = QButtonGroup(self)
        group.addButton(self.post_radio)
        group.addButton(self.email_radio)
        self.email_radio.setChecked(True)
        audience = QHBoxLayout()
        audience.addWidget(self.post_radio)
        audience.addWidget(self.email_radio)
        audience.addStretch(1)
        self.error_label = make_error_label("batch_error_label")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Make the &reports")
        self.ok_button.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.clients_list, 1)
        layout.addLayout(ticks)
        layout.addLayout(folder_row)
        layout.addLayout(audience)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.all_button.clicked.connect(lambda: self._tick_all(True))
        self.none_button.clicked.connect(lambda: self._tick_all(False))
        self.choose_button.clicked.connect(self._on_choose_button_clicked)
        self.clients_list.itemChanged.connect(self._on_clients_list_item_changed)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        self._load()

    def _load(self) -> None:
        who = self.ctx.who

        def work() -> list[ClientRow]:
            from hartdesk.models import ClientStatus
            from hartdesk.register.search import ClientQuery, ClientSort, list_clients

            query = ClientQuery(status=ClientStatus.ACTIVE, sort=ClientSort.REF)
            rows: list[ClientRow] = []
            with who.register.session() as session:
                while page := list_clients(session, query, len(rows), 1000):
                    rows += page
            return rows

        def loaded(rows: list[ClientRow]) -> None:
            if not shiboken6.isValid(self):
                return
            self.clients_list.blockSignals(True)
            for row in rows:
                item = QListWidgetItem(f"{row.ref}  {row.name}")
                item.setData(Qt.ItemDataRole.UserRole, (row.ref, row.name))
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked)
                self.clients_list.addItem(item)
            self.clients_list.blockSignals(False)
            self._count_ticked()
            self.ok_button.setEnabled(True)

        def failed(exc: BaseException) -> None:
            if shiboken6.isValid(self):
                self.count_label.clear()
                if isinstance(exc, HartdeskError):
                    show_message(self.error_label, exc.message)
                else:
                    show_error(self, exc)

        self.ctx.tasks.run(work, on_done=loaded, on_error=failed)

    def ticked(self) -> list[tuple[str, str]]:
        items = (self.clients_list.item(i) for i in range(self.clients_list.count()))
        return [item.data(Qt.ItemDataRole.UserRole) for item in items if item.checkState() == Qt.CheckState.Checked]

    def _tick_all(self, ticked: bool) -> None:
        state = Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked
        self.clients_list.blockSignals(True)
        for i in range(self.clients_list.count()):
            self.clients_list.item(i).setCheckState(state)
        self.clients_list.blockSignals(False)
        self._count_ticked()

    @Slot(QListWidgetItem)
    def _on_clients_list_item_changed(self, _item: QListWidgetItem) -> None:
        self._count_ticked()

    def _count_ticked(self) -> None:
        total, ticked = self.clients_list.count(), len(self.ticked())
        self.count_label.setText(f"{ticked} of {total} active client{'s' if total != 1 else ''} ticked")

    def choose_folder(self) -> Path | None:
        from hartdesk.ui.document_dialog import last_folder

        name = QFileDialog.getExistingDirectory(self, "The folder the data reports go into", str(last_folder()))
        return Path(name) if name else None

    @Slot()
    def _on_choose_button_clicked(self) -> None:
        folder = self.choose_folder()
        if folder is not None:
            self.folder_edit.setText(str(folder))

    @Slot()
    def _on_buttons_accepted(self) -> None:
        chosen = self.ticked()
        text = self.folder_edit.text().strip()
        if not chosen:
            show_message(self.error_label, "Tick at least one client.")
            return
        if not text:
            show_message(self.error_label, "Choose the folder the reports go into.")
            self.folder_edit.setFocus()
            return
        folder = Path(text).expanduser()
        if not folder.is_dir():
            show_message(self.error_label, f"There is no folder {folder}. Choose an existing folder.")
            self.folder_edit.setFocus()
            return
        self.chosen = (chosen, folder, self.post_radio.isChecked())
        self.accept()


# --- the screen -------------------------------------------------------------------------------------------------------


class DocumentsScreen(Screen):
    title = "Documents"
    icon_name = "fa5s.file-pdf"

    search_delay_ms = 200

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        Screen.__init__(self, ctx, parent)
        self.setObjectName("documents_screen")
        self.last_batch: BatchResult | None = None

        self.search_edit = search_box(
            "Client or request reference, client name…",
            "Type a client's or a request's reference (C-00042, R-2026-0042) or part of a client's name (Ctrl+F)",
        )
        self.kind_combo = filter_combo("kind_combo", [label for label, _ in KIND_CHOICES], "Data reports")
        kind_label = QLabel("&Kind:")
        kind_label.setBuddy(self.kind_combo)
        self.open_button = named(QPushButton("&Open"), "open_button")
        self.open_button.setToolTip("Open the request (or the client) the document is for (Enter or double-click)")
        self.signed_button = named(QPushButton("Record &signed copy…"), "signed_button")
        self.signed_button.setToolTip("Keep the scan of a data processing agreement that came back signed")
        self.batch_button = named(QPushButton("&Data reports for all active clients…"), "batch_button")
        self.batch_button.setToolTip("Make and save a data report for each active client chosen, into one folder")
        self.ropa_button = named(QPushButton("&Records of processing…"), "ropa_button")
        self.ropa_button.setToolTip(
            "The controller and processor records the ICO can ask for (UK GDPR Art. 30), built from the register; "
            "saving it writes a CSV copy beside the PDF"
        )
        top_holder = QWidget()
        top = FlowLayout(top_holder)  # wraps in a narrow window instead of widening it
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.search_edit)
        top.addWidget(labelled(kind_label, self.kind_combo))
        top.addWidget(self.batch_button)
        top.addWidget(self.ropa_button)

        self.model: ListModel[DocumentRow] = ListModel(document_columns(with_client=True), self)
        widths = {i: c.width for i, c in enumerate(self.model.columns) if c.width is not None}
        self.table = make_list_table("documents_table", self.model, widths, "documents/header", row_padding=8)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)  # the title gives way first
        header.setMinimumSectionSize(40)
        self.count_label, self.message_label = list_labels()
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(self.open_button)
        bottom.addWidget(self.signed_button)

        layout = QVBoxLayout(self)
        layout.addWidget(top_holder)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        layout.addWidget(self.message_label)

        self.add_shortcut("Find a document", QKeySequence.StandardKey.Find, self._on_find_action_triggered)
        for first, second in itertools.pairwise(
            [
                self.search_edit,
                self.kind_combo,
                self.batch_button,
                self.ropa_button,
                self.table,
                self.open_button,
                self.signed_button,
            ]
        ):
            QWidget.setTabOrder(first, second)
        self.search_timer = pause_timer(self, self.search_delay_ms, self.refresh)
        self.search_edit.textEdited.connect(lambda _: self.search_timer.start())
        self.search_edit.returnPressed.connect(self._on_search_edit_return_pressed)
        self.kind_combo.currentIndexChanged.connect(lambda _: self.refresh())
        self.table.activated.connect(self._on_table_activated)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.signed_button.clicked.connect(self._on_signed_button_clicked)
        self.batch_button.clicked.connect(self._on_batch_button_clicked)
        self.ropa_button.clicked.connect(self._on_ropa_button_clicked)
        self._focus_list_after_load = False
        self._update_buttons()

    # --- Screen -----------------------------------------------------------------------------------------------

    def refresh(self) -> None:
        self.search_timer.stop()
        if self.ctx.signed_in is None:
            return
        self._generation += 1
        generation, who = self._generation, self.ctx.who
        kind = KIND_CHOICES[max(0, self.kind_combo.currentIndex())][1]
        text = self.search_edit.text()
        chosen = self.selected()
        keep = chosen.id if chosen is not None else None
        self.count_label.setText("Reading…")
        self.ctx.tasks.run(
            lambda: read_documents(who, kind, text),
            on_done=lambda rows: self._on_loaded(generation, rows, keep),
            on_error=lambda exc: self._on_failed(generation, exc),
        )

    def clear(self) -> None:
        self._generation += 1
        self.search_timer.stop()
        self.model.clear()
        self.search_edit.clear()
        self.kind_combo.blockSignals(True)
        self.kind_combo.setCurrentIndex(0)
        self.kind_combo.blockSignals(False)
        self.count_label.clear()
        self._say("")
        for dialog in self.findChildren(QDialog):
            dialog.reject()

    def _on_loaded(self, generation: int, rows: list[DocumentRow], keep: int | None) -> None:
        if not self.is_current(generation):
            return
        self.model.set_rows(rows)
        count = len(rows)
        if count:
            more = f" (the newest {LIMIT})" if count >= LIMIT else ""
            self.count_label.setText(f"{count} document{'s' if count != 1 else ''}{more}")
        elif self.search_edit.text().strip() or self.kind_combo.currentIndex() > 0:
            self.count_label.setText("No documents match.")
        else:
            self.count_label.setText("No documents yet: make them from a client's or a request's window.")
        ids = [r.id for r in rows]
        if keep in ids:
            self.table.selectRow(ids.index(keep))
        if self._focus_list_after_load and rows:
            focus_table(self.table)
        self._focus_list_after_load = False

    def _on_failed(self, generation: int, exc: BaseException) -> None:
        if not self.is_current(generation):
            return
        self.count_label.clear()
        if isinstance(exc, HartdeskError):
            self._say(exc.message, ERROR_STYLE)
        else:
            show_error(self, exc)

    @Slot()
    def _on_find_action_triggered(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    @Slot()
    def _on_search_edit_return_pressed(self) -> None:
        self._focus_list_after_load = True
        self.refresh()

    # --- what is chosen ---------------------------------------------------------------------------------------

    def selected(self) -> DocumentRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0]) if rows else None

    @Slot()
    def _update_buttons(self, *_: object) -> None:
        row = self.selected()
        self.open_button.setEnabled(row is not None and bool(row.request_ref or row.client_ref))
        self.signed_button.setEnabled(row is not None and row.kind is DocumentKind.DPA)

    # --- opening ----------------------------------------------------------------------------------------------

    @Slot(QModelIndex)
    def _on_table_activated(self, index: QModelIndex) -> None:
        row = self.model.row_at(index)
        if row is not None:
            self.open_row(row)

    @Slot()
    def _on_open_button_clicked(self) -> None:
        row = self.selected()
        if row is not None:
            self.open_row(row)

    def open_row(self, row: DocumentRow) -> None:
        """The request's window for a document about a request; else the client's."""
        if row.request_ref:
            from hartdesk.ui.request_detail import open_request

            open_request(self.ctx, self, row.request_ref, self.refresh)
            return
        if not row.client_ref:
            return
        opener = getattr(self.window(), "open_client", None)  # the main window keeps one window per client
        if callable(opener):
            opener(row.client_ref)
            return
        from hartdesk.ui.screens.services import open_client_detail

        open_client_detail(self.ctx, row.client_ref, self, self.refresh)

    # --- a signed DPA -----------------------------------------------------------------------------------------

    @Slot()
    def _on_signed_button_clicked(self) -> None:
        from hartdesk.ui.document_dialog import SignedCopyDialog

        row = self.selected()
        if row is None or row.kind is not DocumentKind.DPA or self.ctx.signed_in is None:
            return
        dialog = SignedCopyDialog(self.ctx, row, self)

        def recorded() -> None:
            self._say(f"The signed copy of {row.title} is kept.")
            self.refresh()

        self.open_dialog(dialog, recorded)

    # --- the batch --------------------------------------------------------------------------------------------

    @Slot()
    def _on_ropa_button_clicked(self) -> None:
        if self.ctx.signed_in is None:
            return
        from hartdesk.privacy import produce
        from hartdesk.ui.document_dialog import open_document

        open_document(
            self.ctx,
            self,
            "Records of processing activities",
            lambda session, settings, today, _for_post: produce.make_ropa(session, settings, today),
            self.refresh,
            for_post=False,
        )

    def _on_batch_button_clicked(self) -> None:
        if self.ctx.signed_in is None:
            return
        dialog = BatchReportsDialog(self.ctx, self)

        def chosen() -> None:
            if dialog.chosen is not None:
                self.run_batch(*dialog.chosen)

        self.open_dialog(dialog, chosen)

    def run_batch(self, clients: list[tuple[str, str]], folder: Path, for_post: bool) -> None:
        """Make and save the reports in a task, with a progress dialog whose Cancel stops between two reports."""
        from hartdesk.ui.document_dialog import remember_folder

        remember_folder(folder / "report.pdf")
        who, today, generation = self.ctx.who, ui_today(self.ctx), self._generation
        stop = threading.Event()
        progress = QProgressDialog("Making the data reports…", "Cancel", 0, len(clients), self)
        progress.setObjectName("batch_progress")
        progress.setWindowTitle("Data reports")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(0)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        progress.canceled.connect(stop.set)
        progress.setValue(0)
        self.batch_button.setEnabled(False)

        def advanced(done: int, total: int) -> None:
            if shiboken6.isValid(progress) and not stop.is_set():
                progress.setLabelText(f"Made {done} of {total} data reports…")
                progress.setValue(done)

        def finish() -> None:
            if shiboken6.isValid(progress):
                progress.canceled.disconnect(stop.set)
                progress.close()
                progress.deleteLater()
            if shiboken6.isValid(self):
                self.batch_button.setEnabled(True)

        def done(result: BatchResult) -> None:
            finish()
            self.last_batch = result
            if not self.is_current(generation):
                return
            self._say(result.summary().splitlines()[0])
            self._tell(
                QMessageBox.Icon.Warning if result.failed else QMessageBox.Icon.Information,
                "Data reports",
                result.summary(),
            )
            self.refresh()

        def failed(exc: BaseException) -> None:
            finish()
            if not self.is_current(generation):
                return
            if isinstance(exc, HartdeskError):
                self._say(exc.message, ERROR_STYLE)
            else:
                show_error(self, exc)

        self.ctx.tasks.run(
            lambda report: make_reports(who, clients, folder, for_post, today, stop, report),
            on_done=done,
            on_error=failed,
            serial=True,
            on_progress=advanced,
        )

    def _tell(self, icon: QMessageBox.Icon, title: str, text: str) -> None:
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self)
        box.setObjectName("batch_result")
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
