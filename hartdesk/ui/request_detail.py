"""One privacy request in its own window: when it is due and why, who asked, what they asked, how their identity was
checked, everything that happened (the timeline), the files kept with it, and the workflow actions allowed now.

The window reads the request in one task (one session). The due date, its countdown and the explanation come from
the domain (:mod:`hartdesk.privacy.requests`, which uses :mod:`hartdesk.privacy.deadlines`); nothing is computed here
but the words around them. Each action opens its small dialog (:mod:`hartdesk.ui.request_actions`); once it is
written the window reads the request again and tells whoever opened it (``on_changed``). A letter to the requester
(or, for an access or portability request, the client's data report) is made in the document dialog; once it is
saved, printed or emailed it is on the timeline. It is not modal, Esc closes it, and there is one window per request:
opening a request that is already open raises its window.

The requests that change the client have their own actions: an erasure request "Erase data…" (administrators only:
:mod:`hartdesk.ui.erasure_dialog`), then its confirmation letter; a restriction request "Restrict the client…"; a
rectification request "Correct the client's data…" (:mod:`hartdesk.ui.rights_dialogs`). Once operators must be told
(Art. 19), their notices show in a tab of their own (:mod:`hartdesk.ui.notices_panel`), and a restricted client's
restriction shows above the due date.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLayout,
    QMenu,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from hartdesk import settings as settings_mod
from hartdesk.dates import format_short_date
from hartdesk.errors import HartdeskError, ValidationError
from hartdesk.models.enums import (
    EventKind,
    LetterKind,
    RequestChannel,
    RequestRole,
    RequestStatus,
    RequestType,
)
from hartdesk.privacy import attachments as attachments_mod
from hartdesk.privacy import requests as rq
from hartdesk.privacy.deadlines import working_days_left
from hartdesk.privacy.requests import AttachmentView, EventView, RequestDetail, RequestRow, Urgency
from hartdesk.register import fields
from hartdesk.settings import Settings
from hartdesk.ui import crash
from hartdesk.ui.context import AppContext
from hartdesk.ui.erasure_dialog import ONLY_ADMIN, ErasureDialog, confirmation_maker, confirmation_title
from hartdesk.ui.notices_panel import NoticesPanel
from hartdesk.ui.record_window import Col, ListModel, OneWindowEach, RecordWindow, value_form
from hartdesk.ui.request_actions import ACTIONS, ActionDialog, TimelineEntryDialog, button_text, ui_today
from hartdesk.ui.widgets import (
    ERROR_COLOUR,
    OK_STYLE,
    FlowLayout,
    confirmation,
    countdown_panel,
    named,
    scrolling,
    show_message,
    table_with_buttons,
    value_label,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from hartdesk.privacy.notices import NoticeRow
    from hartdesk.security.signin import SignedIn
    from hartdesk.ui.document_dialog import DocumentDialog, Maker


# (text colour, background) of the due-date panel, by urgency; dark enough on their tint to read (WCAG AA).
URGENCY_COLOURS = {
    Urgency.OVERDUE: ("#a61b1b", "#f8e1e1"),
    Urgency.SOON: ("#7a4f00", "#fdf0d5"),
    Urgency.WAITING: ("#3d3d3d", "#ececec"),
    Urgency.OK: ("#1b5e2b", "#e3f4e6"),
}
CLOSED_COLOURS = ("#3d3d3d", "#ececec")
REPORT_TYPES = (RequestType.ACCESS, RequestType.PORTABILITY)  # the requests a data report answers
URGENCY_WORDS = {Urgency.OVERDUE: "Overdue", Urgency.SOON: "Due soon", Urgency.OK: "On time"}
STATUS_COLOURS = {
    RequestStatus.NEW: ("#1f4e79", "#e1ecf7"),
    RequestStatus.IN_PROGRESS: ("#1f4e79", "#e1ecf7"),
    RequestStatus.EXTENDED: ("#1f4e79", "#e1ecf7"),
    RequestStatus.AWAITING_IDENTITY: ("#3d3d3d", "#ececec"),
    RequestStatus.AWAITING_CLARIFICATION: ("#3d3d3d", "#ececec"),
    RequestStatus.COMPLETED: ("#1b5e2b", "#e3f4e6"),
    RequestStatus.REFUSED: ("#3d3d3d", "#ececec"),
    RequestStatus.WITHDRAWN: ("#3d3d3d", "#ececec"),
}
RIGHTS_TYPES = (RequestType.ERASURE, RequestType.RECTIFICATION, RequestType.RESTRICTION)  # followed by Art. 19 notices
# The rights buttons' mnemonics: D (erase; the tab of the notices, shown only once an erasure is done) and I (restrict,
# correct, the confirmation: the identity is confirmed by then, so "Ask for identity" is not offered beside them).
ERASE_TEXT = "Erase &data…"
RESTRICT_TEXT = "Restr&ict the client…"
CORRECT_TEXT = "Correct the cl&ient's data…"
CONFIRMATION_TEXT = "Confirmat&ion letter…"
NOTICES_TAB = "Operators tol&d"
NO_DATE_AFTER = {
    EventKind.CLARIFICATION_REQUESTED: "clock stopped",
    EventKind.IDENTITY_REQUESTED: "not started",
    EventKind.FEE_REQUESTED: "not started",
}
OPEN_FILTER = (
    "Files hartdesk keeps (*.pdf *.png *.jpg *.jpeg *.gif *.tif *.tiff *.webp *.bmp *.heic *.heif *.eml *.msg *.txt "
    "*.csv *.doc *.docx *.xls *.xlsx *.odt *.ods);;All files (*)"
)
MEDIA_NAMES = {
    attachments_mod.PDF: "PDF",
    attachments_mod.EML: "Email",
    attachments_mod.MSG: "Outlook email",
    attachments_mod.TEXT: "Text",
    attachments_mod.DOCX: "Word document",
    attachments_mod.DOC: "Word document",
    attachments_mod.XLSX: "Excel spreadsheet",
    attachments_mod.XLS: "Excel spreadsheet",
    attachments_mod.ODT: "OpenDocument text",
    attachments_mod.ODS: "OpenDocument spreadsheet",
}


def short_type(kind: RequestType) -> str:
    """ "Access" for "Access (a copy of their data)"."""
    return kind.label.split(" (")[0]


def media_name(media_type: str) -> str:
    if media_type in MEDIA_NAMES:
        return MEDIA_NAMES[media_type]
    if media_type.startswith("image/"):
        return f"Picture ({media_type.split('/', 1)[1].upper()})"
    return media_type


def short_date(value: date | None) -> str:
    return format_short_date(value) if value is not None else "—"


def due_change(event: EventView) -> str:
    """The due date an event left, with the one before when it moved ("2 Dec 2026 → 9 Dec 2026")."""
    if event.due_before == event.due_after or (event.kind is EventKind.RECEIVED and event.due_before is None):
        return short_date(event.due_after)
    before = short_date(event.due_before) if event.due_before is not None else "no date"
    after = short_date(event.due_after) if event.due_after is not None else NO_DATE_AFTER.get(event.kind, "no date")
    return f"{before} → {after}"


# --- what the window shows, read in one go ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RightsFacts:
    """What the erasure, restriction and rectification actions need to know beyond the request itself."""

    erased_on: date | None = None  # the day the client was erased under this request
    notices: tuple[NoticeRow, ...] = ()  # the Art. 19 notices of a rectification, erasure or restriction
    restriction: str = ""  # the client's restriction in words ("" when it is not restricted)
    client_erased: bool = False  # the linked client is erased: nothing is left to correct or restrict


@dataclass(frozen=True)
class RequestRecord:
    detail: RequestDetail
    row: RequestRow  # the countdown and urgency, worked out as the lists do
    settings: Settings
    today: date
    rights: RightsFacts = RightsFacts()


def read_rights_facts(session: Session, detail: RequestDetail) -> RightsFacts:
    """Runs on a pool thread: whether an erasure was done under the request, its Art. 19 notices, and whether its
    client is restricted or erased."""
    from hartdesk.models import ClientStatus
    from hartdesk.privacy import notices, rights
    from hartdesk.privacy.erasure import erasure_record
    from hartdesk.register.clients import client_by_ref

    erased_on = None
    if detail.kind is RequestType.ERASURE:
        try:
            erased_on = erasure_record(session, detail.ref).done_on
        except ValidationError:  # nothing erased under it yet
            erased_on = None
    found = tuple(notices.for_request(session, detail.ref)) if detail.kind in RIGHTS_TYPES else ()
    restriction, client_erased = "", False
    if detail.client_ref:
        client = client_by_ref(session, detail.client_ref)
        restriction = rights.restriction_text(client.restricted_on, client.restriction_note)
        client_erased = client.status is ClientStatus.ERASED
    return RightsFacts(erased_on, found, restriction, client_erased)


def urgency_of(detail: RequestDetail, today: date, region: str) -> tuple[int | None, str]:
    """(working days left, urgency) as the lists of requests show them."""
    if detail.status.is_closed:
        return None, Urgency.OK
    if detail.due_on is None:
        return None, Urgency.WAITING
    left = working_days_left(today, detail.due_on, region)
    if left < 0:
        return left, Urgency.OVERDUE
    return left, Urgency.SOON if left <= rq.AMBER_WORKING_DAYS else Urgency.OK


def read_record(who: SignedIn, ref: str, today: date) -> RequestRecord:
    """Runs on a pool thread: the request as the window shows it."""
    with who.register.session() as session:
        settings = settings_mod.load(session)
        detail = rq.get_request(session, ref, settings)
        facts = read_rights_facts(session, detail)
    left, urgency = urgency_of(detail, today, settings.bank_holiday_region)
    row = RequestRow(
        detail.ref,
        detail.kind,
        detail.channel,
        detail.status,
        detail.received_on,
        detail.due_on,
        detail.closed_on,
        detail.requester_name,
        detail.requester_email,
        detail.client_ref,
        detail.subject,
        left,
        urgency,
    )
    return RequestRecord(detail, row, settings, today, facts)


def due_headline(record: RequestRecord) -> str:
    """The line in large type: when the request is due and how long is left, or why there is no date."""
    d, row = record.detail, record.row
    if d.status.is_closed:
        text = f"{d.status.label} on {short_date(d.closed_on)}"
        on_time = d.answered_on_time
        if d.due_on is not None and on_time is not None:
            text += f" — {'on time' if on_time else 'late'}: it was due {format_short_date(d.due_on, weekday=True)}"
        return text
    if d.due_on is None:
        if d.waiting_for == "clarification":
            return "Clock stopped: waiting for clarification"
        if d.waiting_for:
            return f"Clock not started: waiting for {d.waiting_for}"
        return "No fixed date: investigate and reply without undue delay"
    verb = "Acknowledge by" if d.kind is RequestType.COMPLAINT else "Due"
    return f"{verb} {format_short_date(d.due_on, weekday=True)} — {row.countdown}"


def urgency_word(record: RequestRecord) -> str:
    """The urgency in words beside the date (so that colour never says it alone)."""
    d, row = record.detail, record.row
    if d.status.is_closed:
        return "Closed"
    if d.due_on is None:
        return "Clock stopped" if d.waiting_for == "clarification" else "Not started" if d.waiting_for else "Open"
    return URGENCY_WORDS.get(row.urgency, "")


def panel_colours(record: RequestRecord) -> tuple[str, str]:
    d = record.detail
    if d.status.is_closed:
        return CLOSED_COLOURS
    if d.due_on is None and not d.waiting_for:
        return URGENCY_COLOURS[Urgency.OK]
    return URGENCY_COLOURS.get(record.row.urgency, CLOSED_COLOURS)


def extension_note(d: RequestDetail, today: date) -> str:
    """When an extension can still be recorded, or what it was (empty when it does not apply)."""
    if d.extended_on is not None:
        return f"Extended on {format_short_date(d.extended_on)}: {d.extension_reason}"
    if rq.Action.EXTEND not in d.actions or d.month_due is None:
        return ""
    end = format_short_date(d.month_due, weekday=True)
    if d.waiting_for == "clarification":  # the stopped days count neither: the first month ends later each day
        return (
            f"An extension can be recorded until {end} at least: the first month ends later while the clock is stopped."
        )
    if d.month_due < today:
        return f"Too late to extend: the first month ended on {end}."
    return f"An extension can be recorded until {end}, the end of the first month."


# --- attachments opened in another program ----------------------------------------------------------------------------

_opened_folders: list[Path] = []


def _forget_opened_files() -> None:
    """Remove the copies written for other programs to open (when hartdesk quits)."""
    while _opened_folders:
        shutil.rmtree(_opened_folders.pop(), ignore_errors=True)


def write_for_opening(filename: str, content: bytes) -> Path:
    """A private copy of an attachment for another program (runs on a pool thread, so no Qt here): a new folder
    only this user can read, the file in it read-only."""
    folder = Path(tempfile.mkdtemp(prefix="hartdesk-open-"))
    target = folder / attachments_mod.safe_filename(filename)
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as fh:
        fh.write(content)
    target.chmod(0o400)
    return target


def remove_when_quitting(folder: Path) -> None:
    """Remove ``folder`` when hartdesk quits (on the GUI thread: it connects to the application)."""
    if not _opened_folders:
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(_forget_opened_files)
    _opened_folders.append(folder)


# --- the window -------------------------------------------------------------------------------------------------------


class RequestDetailDialog(RecordWindow[RequestRecord]):
    """The window of request ``ref``; the callbacks given to :meth:`add_listener` run after every change."""

    window_name = "request_detail"
    default_size = (1000, 700)

    def __init__(self, ctx: AppContext, ref: str, parent: QWidget | None = None) -> None:
        RecordWindow.__init__(self, ctx, ref, parent, read_record, minimum_size=(760, 520), ref_scale=1.3)
        self._listeners: list[Callable[[], None]] = []
        self.action_buttons: dict[str, QPushButton] = {}
        self._show_notices_next = False  # after a restriction or correction: show whom to tell

        # --- header: reference, type, status ---------------------------------------------------------------------
        self.type_label = value_label("type_label")
        font = self.type_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.type_label.setFont(font)
        header_row = QHBoxLayout()
        header_row.addWidget(self.ref_label)
        header_row.addSpacing(8)
        header_row.addWidget(self.type_label, 1)
        header_row.addWidget(self.status_badge, 0, Qt.AlignmentFlag.AlignVCenter)
        self.restriction_label = value_label("restriction_label")
        self.restriction_label.setStyleSheet(
            "QLabel#restriction_label { color: #6b4500; background: #fdf0d5; border: 1px solid #8a5a00;"
            " border-radius: 6px; padding: 6px 10px; }"
        )
        self.restriction_label.hide()

        # --- when it is due, and why -----------------------------------------------------------------------------
        self.why_label = value_label("why_label")
        self.extension_label = value_label("extension_label")
        self.due_frame, self.due_label, self.urgency_badge = countdown_panel(
            "due_frame", "due_label", "urgency_badge", [self.why_label, self.extension_label]
        )

        self.notice_label = named(QLabel(), "notice_label")
        self.notice_label.setStyleSheet(OK_STYLE)
        self.notice_label.setWordWrap(True)
        self.notice_label.setTextFormat(Qt.TextFormat.PlainText)
        self.notice_label.setVisible(False)

        self.tabs = named(QTabWidget(), "tabs")
        self.tabs.addTab(self._build_requester_tab(), "Re&quester")
        self.tabs.addTab(self._build_request_tab(), "Req&uest")
        self.tabs.addTab(self._build_identity_tab(), "Identit&y")
        self.tabs.addTab(self._build_timeline_tab(), "&Timeline")
        self.tabs.addTab(self._build_attachments_tab(), "&Attachments")
        self.notices_panel = NoticesPanel(ctx, ref)
        self.notices_panel.notice_recorded.connect(self._changed)
        notices_page = QWidget()
        QVBoxLayout(notices_page).addWidget(self.notices_panel)
        self.notices_tab = self.tabs.addTab(notices_page, NOTICES_TAB)
        self.tabs.setTabToolTip(self.notices_tab, "The operators that must be told of the change (UK GDPR Art. 19)")
        self.tabs.setTabVisible(self.notices_tab, False)

        # --- the actions allowed now -----------------------------------------------------------------------------
        self.actions_box = named(QWidget(), "actions_box")
        self.actions_layout = FlowLayout(self.actions_box, h_spacing=8, v_spacing=6)
        self.actions_layout.setContentsMargins(0, 0, 0, 0)
        # The rights of erasure, restriction and rectification come first; the workflow's buttons follow.
        self.erase_button = named(QPushButton(ERASE_TEXT), "erase_button")
        self.erase_button.setStyleSheet(f"QPushButton#erase_button:enabled {{ color: {ERROR_COLOUR}; }}")
        self.erase_button.clicked.connect(self._on_erase_button_clicked)
        self.restrict_button = named(QPushButton(RESTRICT_TEXT), "restrict_button")
        self.restrict_button.clicked.connect(self._on_restrict_button_clicked)
        self.correct_button = named(QPushButton(CORRECT_TEXT), "correct_button")
        self.correct_button.clicked.connect(self._on_correct_button_clicked)
        for button in (self.erase_button, self.restrict_button, self.correct_button):
            button.setAutoDefault(False)
            button.hide()
            self.actions_layout.addWidget(button)

        # --- the documents made from it --------------------------------------------------------------------------
        self.letter_button = named(QPushButton("Letter to t&he requester…"), "letter_button")
        self.letter_button.setToolTip("Make a letter to the requester about this request, to preview and send")
        self.letter_menu = named(QMenu(self.letter_button), "letter_menu")
        self.letter_button.setMenu(self.letter_menu)
        self.letter_menu.aboutToShow.connect(self._fill_letter_menu)
        self.report_button = named(QPushButton("Data rep&ort…"), "report_button")
        self.report_button.setToolTip("Everything we hold about the client, for this request")
        self.report_button.clicked.connect(self._on_report_button_clicked)
        self.confirmation_button = named(QPushButton(CONFIRMATION_TEXT), "confirmation_button")
        self.confirmation_button.setToolTip(
            "The letter telling the person what was erased, and what is kept, why and until when"
        )
        self.confirmation_button.clicked.connect(self._on_confirmation_button_clicked)
        self.confirmation_button.hide()
        documents_row = QHBoxLayout()
        documents_row.setContentsMargins(0, 0, 0, 0)
        for button in (self.letter_button, self.report_button, self.confirmation_button):
            button.setAutoDefault(False)
            documents_row.addWidget(button)
        documents_row.addSpacing(16)
        bottom = QHBoxLayout()
        bottom.addLayout(documents_row)
        bottom.addWidget(self.actions_box, 1)
        bottom.addWidget(self.buttons, 0, Qt.AlignmentFlag.AlignBottom)

        layout = QVBoxLayout(self)
        layout.addLayout(header_row)
        layout.addWidget(self.restriction_label)
        layout.addWidget(self.due_frame)
        layout.addWidget(self.error_label)
        layout.addWidget(self.notice_label)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)

        self._set_actions_enabled()
        self._restore_geometry()
        self.reload()

    # --- tabs ----------------------------------------------------------------------------------------------------

    def _build_requester_tab(self) -> QWidget:
        self.requester_values: dict[str, QLabel] = {}
        form = value_form(
            [
                ("name", "Name:"),
                ("email", "Email:"),
                ("phone", "Phone:"),
                ("address", "Address:"),
                ("client", "Client:"),
            ],
            self.requester_values,
        )
        self.open_client_button = named(QPushButton("O&pen the client"), "open_client_button")
        self.open_client_button.setToolTip("Open the window of the client this requester is")
        self.open_client_button.setAutoDefault(False)
        self.open_client_button.clicked.connect(self._on_open_client_button_clicked)
        row = QHBoxLayout()
        row.addWidget(self.open_client_button)
        row.addStretch(1)
        return _scrolling_page(form, row)

    def _build_request_tab(self) -> QWidget:
        self.request_values: dict[str, QLabel] = {}
        form = value_form(
            [
                ("kind", "Type:"),
                ("channel", "Arrived by:"),
                ("received", "Received:"),
                ("letter_date", "Letter dated:"),
                ("subject", "Subject:"),
                ("details", "Details:"),
                ("whose", "Whose data:"),
                ("forwarded", "Forwarded:"),
                ("fee", "Fee:"),
                ("extension", "Extension:"),
                ("outcome", "Outcome:"),
            ],
            self.request_values,
        )
        return _scrolling_page(form)

    def _build_identity_tab(self) -> QWidget:
        self.identity_values: dict[str, QLabel] = {}
        form = value_form(
            [("status", "Status:"), ("method", "How it was checked:"), ("evidence", "Evidence:")],
            self.identity_values,
        )
        return _scrolling_page(form)

    def _build_timeline_tab(self) -> QWidget:
        self.timeline_model: ListModel[EventView] = ListModel(
            [
                Col("Date", lambda e: format_short_date(e.on), 95),
                Col("What", lambda e: e.kind.label, 170),
                Col("Summary", lambda e: e.summary, stretch=True),
                Col("By", lambda e: e.by, 80),
                Col("Due (before → after)", due_change, 210),
            ],
            self,
        )
        self.timeline_table = self.list_table("timeline_table", self.timeline_model, wrap=True)
        self.timeline_table.horizontalHeader().setStretchLastSection(False)
        self.add_entry_button = named(QPushButton("Add to ti&meline…"), "add_entry_button")
        self.add_entry_button.setToolTip("Record a note, a call, a letter or email, or a document sent")
        self.add_entry_button.clicked.connect(self._on_add_entry_button_clicked)
        return table_with_buttons(self.timeline_table, self.add_entry_button)

    def _build_attachments_tab(self) -> QWidget:
        self.attachments_model: ListModel[AttachmentView] = ListModel(
            [
                Col("File", lambda a: a.filename, 260),
                Col("Type", lambda a: media_name(a.media_type), 150, tooltip=lambda a: a.media_type),
                Col("Size", lambda a: attachments_mod.describe_size(a.size), 80, right=True),
                Col("Added", lambda a: format_short_date(a.added_on), 100),
                Col("", lambda a: "The message the request arrived in" if a.is_original else ""),
            ],
            self,
        )
        self.attachments_table = self.list_table("attachments_table", self.attachments_model)
        self.attachments_table.activated.connect(self._on_open_attachment_button_clicked)
        self.add_file_button = named(QPushButton("Add fil&e…"), "add_file_button")
        self.add_file_button.setToolTip("Keep a file with the request (checked by its content first)")
        self.save_attachment_button = named(QPushButton("&Save as…"), "save_attachment_button")
        self.save_attachment_button.setToolTip("Write a copy of the chosen file to a folder")
        self.open_attachment_button = named(QPushButton("&Open"), "open_attachment_button")
        self.open_attachment_button.setToolTip("Open the chosen file in the program this computer uses for it")
        self.add_file_button.clicked.connect(self._on_add_file_button_clicked)
        self.save_attachment_button.clicked.connect(self._on_save_attachment_button_clicked)
        self.open_attachment_button.clicked.connect(self._on_open_attachment_button_clicked)
        self.attachments_table.selectionModel().selectionChanged.connect(self._set_actions_enabled)
        self.attachments_model.modelReset.connect(self._set_actions_enabled)
        return table_with_buttons(
            self.attachments_table, self.add_file_button, self.save_attachment_button, self.open_attachment_button
        )

    # --- loading -------------------------------------------------------------------------------------------------

    def add_listener(self, on_changed: Callable[[], None]) -> None:
        """Call ``on_changed`` after every change made from this window (once, however often it is added)."""
        if on_changed not in self._listeners:
            self._listeners.append(on_changed)

    def today(self) -> date:
        return ui_today(self.ctx)

    def _show(self, record: RequestRecord) -> None:
        d = record.detail
        title = f"{d.ref} — {short_type(d.kind)} request"
        self.show_heading(d.ref, title, d.status.label, STATUS_COLOURS.get(d.status, CLOSED_COLOURS))
        self.type_label.setText(d.kind.label)

        colour, background = panel_colours(record)
        self.due_frame.setStyleSheet(
            f"QFrame#due_frame {{ background: {background}; border: 1px solid {colour}; border-radius: 6px; }}"
            f"QFrame#due_frame QLabel {{ color: #1e1e1e; background: transparent; border: none; }}"
            f"QFrame#due_frame QLabel#due_label {{ color: {colour}; }}"
        )
        self.due_label.setText(due_headline(record))
        word = urgency_word(record)
        self.urgency_badge.setText(word)
        self.urgency_badge.setVisible(bool(word))
        self.urgency_badge.setStyleSheet(
            f"QLabel#urgency_badge {{ color: #ffffff; background: {colour}; border-radius: 9px; padding: 2px 10px;"
            " font-weight: bold; }"
        )
        self.why_label.setText(f"Why: {d.due_explanation}" if d.due_explanation else "")
        self.why_label.setVisible(bool(d.due_explanation))
        note = extension_note(d, record.today)
        self.extension_label.setText(note)
        self.extension_label.setVisible(bool(note))

        self._show_requester(d)
        self._show_request(d)
        identity = {
            "status": d.identity_status.label,
            "method": d.identity_method.label if d.identity_method is not None else "—",
            "evidence": d.identity_evidence or "—",
        }
        for key, text in identity.items():
            self.identity_values[key].setText(text)
        self.timeline_model.set_rows(d.events)
        self._show_attachments(d.attachments)
        self._show_actions(d.actions)
        self._show_rights(record)

    def _show_rights(self, record: RequestRecord) -> None:
        """The client's restriction in the header, and the notices to the operators in their tab (when there are
        any)."""
        rights = record.rights
        restriction = f"{record.detail.client_ref}: {rights.restriction}" if rights.restriction else ""
        show_message(self.restriction_label, restriction)
        self.notices_panel.request_ref = record.detail.ref
        self.notices_panel.show_rows(rights.notices)
        self.tabs.setTabVisible(self.notices_tab, bool(rights.notices))
        if self._show_notices_next and rights.notices:
            self.tabs.setCurrentIndex(self.notices_tab)
        self._show_notices_next = False

    def _show_attachments(self, attachments: list[AttachmentView]) -> None:
        """The files, the one chosen before still chosen (the newest when it is gone), so Save and Open work at once."""
        chosen = self.selected_attachment()
        self.attachments_model.set_rows(attachments)
        if not attachments:
            return
        ids = [a.id for a in attachments]
        row = ids.index(chosen.id) if chosen is not None and chosen.id in ids else len(ids) - 1
        self.attachments_table.selectRow(row)

    def _show_requester(self, d: RequestDetail) -> None:
        client = "—"
        if d.client_ref:
            client = f"{d.client_ref} {d.client_name}".strip()
            if d.contact_name:
                client += f" (contact: {d.contact_name})"
        values = {
            "name": d.requester_name,
            "email": d.requester_email or "—",
            "phone": fields.format_phone(d.requester_phone) if d.requester_phone else "—",
            "address": d.requester_address or "—",
            "client": client,
        }
        for key, text in values.items():
            self.requester_values[key].setText(text)
        self.open_client_button.setVisible(bool(d.client_ref))

    def _show_request(self, d: RequestDetail) -> None:
        received = format_short_date(d.received_on, weekday=True)
        if d.received_at is not None:
            received += f" at {d.received_at.astimezone():%H:%M}"
        if d.role is RequestRole.PROCESSOR:
            controller = f"{d.controller_ref} {d.controller_name}".strip()
            whose = f"A client's: the agency only processes this data for {controller}, who answers the request."
            forwarded = short_date(d.forwarded_on) if d.forwarded_on is not None else "Not yet"
        else:
            whose = "Ours: the agency answers the request."
            forwarded = "—"
        if d.fee_pence is None:
            fee = "None"
        else:
            paid = f"paid on {format_short_date(d.fee_paid_on)}" if d.fee_paid_on is not None else "not paid yet"
            fee = f"{fields.format_pounds(d.fee_pence)} asked for; {paid}"
        extension = (
            f"On {format_short_date(d.extended_on)}: {d.extension_reason}" if d.extended_on is not None else "None"
        )
        outcome = "—"
        if d.status.is_closed:
            outcome = f"{d.status.label} on {short_date(d.closed_on)}"
            if d.refusal_reason is not None:
                outcome += f" ({d.refusal_reason.label.lower()})"
            if d.outcome:
                outcome += f": {d.outcome}"
        values = {
            "kind": d.kind.label,
            "channel": d.channel.label,
            "received": received,
            "letter_date": short_date(d.letter_date),
            "subject": d.subject or "—",
            "details": d.details or "—",
            "whose": whose,
            "forwarded": forwarded,
            "fee": fee,
            "extension": extension,
            "outcome": outcome,
        }
        for key, text in values.items():
            self.request_values[key].setText(text)

    def _show_actions(self, actions: list[str]) -> None:
        if list(self.action_buttons) == actions:
            return
        had_focus = any(button.hasFocus() for button in self.action_buttons.values())
        for old in self.action_buttons.values():  # the rights buttons before them stay
            self.actions_layout.removeWidget(old)
            old.hide()
            old.deleteLater()
        self.action_buttons = {}
        for action in actions:
            button = named(QPushButton(button_text(action)), f"{action.replace('-', '_')}_button")
            spec = ACTIONS.get(action)
            if spec is not None:
                button.setToolTip(spec.tooltip)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _checked=False, name=action: self.start_action(name))
            self.actions_layout.addWidget(button)
            self.action_buttons[action] = button
        self.actions_box.updateGeometry()
        if had_focus and self.action_buttons:
            next(iter(self.action_buttons.values())).setFocus()

    # --- what can be done ----------------------------------------------------------------------------------------

    @Slot()
    def _set_actions_enabled(self, *_: object) -> None:
        loaded = self.record is not None
        self.add_entry_button.setEnabled(loaded)
        self.add_file_button.setEnabled(loaded)
        chosen = self.selected_attachment() is not None
        self.save_attachment_button.setEnabled(chosen)
        self.open_attachment_button.setEnabled(chosen)
        d = self.record.detail if self.record is not None else None
        self.letter_button.setEnabled(d is not None)
        self.report_button.setVisible(d is None or d.kind in REPORT_TYPES)
        self.report_button.setEnabled(d is not None and bool(d.client_ref))
        if d is not None and not d.client_ref:
            self.report_button.setToolTip("Link the requester to a client first: a data report is made from a client")
        else:
            self.report_button.setToolTip("Everything we hold about the client, for this request")
        self._set_rights_enabled()

    def _set_rights_enabled(self) -> None:
        """Erase (administrators only), restrict or correct while the request is open; the confirmation once the
        erasure is done. A button that cannot be used yet says why in its tooltip."""
        record = self.record
        d = record.detail if record is not None else None
        rights = record.rights if record is not None else RightsFacts()
        is_open = d is not None and not d.status.is_closed
        kind = d.kind if d is not None else None
        linked = d is not None and bool(d.client_ref)
        confirmed = d is not None and d.identity_status.is_confirmed
        # "Ask for &identity…" keeps its letter while it is offered; the rights buttons give it up meanwhile.
        letter_free = d is None or "ask-identity" not in d.actions
        for button, text in (
            (self.restrict_button, RESTRICT_TEXT),
            (self.correct_button, CORRECT_TEXT),
            (self.confirmation_button, CONFIRMATION_TEXT),
        ):
            button.setText(text if letter_free else text.replace("&", ""))

        admin = self.ctx.signed_in is not None and self.ctx.who.identity.is_admin
        self.erase_button.setVisible(kind is RequestType.ERASURE and is_open and rights.erased_on is None)
        self.erase_button.setEnabled(admin and linked)
        if not admin:
            self.erase_button.setToolTip(ONLY_ADMIN)
        elif not linked:
            self.erase_button.setToolTip("Link the requester to a client first: an erasure is of a client's data")
        else:
            self.erase_button.setToolTip("See what will be erased and what will be kept, then erase it for good")

        why_not = ""
        if not linked:
            why_not = "Link the requester to a client first"
        elif rights.client_erased:
            why_not = "The client was erased: there is no data left to change"
        elif not confirmed:
            why_not = "Confirm the requester's identity first"
        self.restrict_button.setVisible(kind is RequestType.RESTRICTION and is_open)
        self.restrict_button.setEnabled(not why_not and not rights.restriction)
        self.restrict_button.setToolTip(
            why_not
            or ("The client is restricted already" if rights.restriction else "")
            or "Mark the client's data as only stored, not used (Art. 18); the operators are told next"
        )
        self.correct_button.setVisible(kind is RequestType.RECTIFICATION and is_open)
        self.correct_button.setEnabled(not why_not)
        self.correct_button.setToolTip(
            why_not or "Correct the client's record under this request; the operators are told next"
        )
        self.confirmation_button.setVisible(rights.erased_on is not None)

    # --- documents -----------------------------------------------------------------------------------------------

    def _fill_letter_menu(self) -> None:
        """One item per letter the request can have (the domain says which fit its state when one is made)."""
        from hartdesk.privacy.produce import letter_kinds_for

        self.letter_menu.clear()
        for kind in letter_kinds_for():
            action = self.letter_menu.addAction(kind.label)
            action.setObjectName(f"letter_{kind.value.replace('-', '_')}")
            action.triggered.connect(lambda _checked=False, k=kind: self.make_letter(k))
        if self.record is not None and self.record.rights.erased_on is not None:
            action = self.letter_menu.addAction(LetterKind.ERASURE_CONFIRMATION.label)
            action.setObjectName("letter_erasure_confirmation")
            action.triggered.connect(self._on_confirmation_button_clicked)

    def open_document(self, title: str, maker: Maker) -> DocumentDialog:
        """The document dialog for ``maker`` (not modal), for post when the request came by post, else for email;
        the timeline is read again after each delivery."""
        from hartdesk.ui.document_dialog import open_document

        self._say("")
        by_post = self.record is not None and self.record.detail.channel is RequestChannel.POST
        return open_document(self.ctx, self, title, maker, self._changed, for_post=by_post)

    def make_letter(self, kind: LetterKind) -> DocumentDialog | None:
        from hartdesk.ui.document_dialog import letter_maker

        if self.record is None:
            return None
        return self.open_document(f"{kind.label} — {self.ref}", letter_maker(self.ref, kind))

    @Slot()
    def _on_report_button_clicked(self) -> None:
        from hartdesk.ui.document_dialog import data_report_maker

        d = self.record.detail if self.record is not None else None
        if d is None or not d.client_ref or d.kind not in REPORT_TYPES:
            return
        self.open_document(
            f"Data report — {d.client_ref} for {d.ref}", data_report_maker(d.client_ref, request_ref=d.ref)
        )

    @Slot()
    def _on_confirmation_button_clicked(self) -> None:
        if self.record is None or self.record.rights.erased_on is None:
            return
        self.open_document(confirmation_title(self.ref), confirmation_maker(self.ref))

    # --- erasure, restriction, rectification ---------------------------------------------------------------------

    @Slot()
    def _on_erase_button_clicked(self) -> ErasureDialog | None:
        """The erasure dialog (window-modal): the plan, then the erasure, then the letters."""
        d = self.record.detail if self.record is not None else None
        if d is None or self.erase_button.isHidden() or not self.erase_button.isEnabled():
            return None
        self._say("")
        dialog = ErasureDialog(self.ctx, d.client_ref, d.ref, d.channel is RequestChannel.POST, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.erased.connect(self._changed)
        dialog.document_recorded.connect(self._changed)
        dialog.open()
        return dialog

    @Slot()
    def _on_restrict_button_clicked(self) -> None:
        d = self.record.detail if self.record is not None else None
        if d is None or not self.restrict_button.isEnabled():
            return
        self._say("")
        box = confirmation(
            self,
            "restrict_confirmation",
            "Restrict the client",
            f"Restrict {d.client_ref} {d.client_name} under {d.ref}?",
            "From now on the client's data is only stored, not used for anything else, and every screen and document "
            "says so until the restriction is lifted (UK GDPR Art. 18). Each operator that received the data is then "
            "to be told (Art. 19).",
            "Restr&ict",
            self._restrict,
        )
        box.open()

    def _restrict(self) -> None:
        d = self.record.detail if self.record is not None else None
        if d is None:
            return
        who, ref, client_ref, today = self.ctx.who, d.ref, d.client_ref, self.today()

        def work() -> int:
            from hartdesk.privacy import rights

            with who.register.session() as session:
                return rights.restrict(session, who.username, ref, settings_mod.load(session), today)

        def done(told: int) -> None:
            if not shiboken6.isValid(self):
                return
            operators = f"{told} operator{'s' if told != 1 else ''}"
            self._show_notices_next = told > 0
            self._changed()
            self._say(
                f"{client_ref} is restricted. {operators} to be told: see {NOTICES_TAB.replace('&', '')}."
                if told
                else f"{client_ref} is restricted. No operator received its data, so nobody else has to be told."
            )

        self.ctx.tasks.run(work, on_done=done, on_error=self._failed, serial=True)

    @Slot()
    def _on_correct_button_clicked(self) -> None:
        from hartdesk.ui.rights_dialogs import open_rectification

        if self.record is None or not self.correct_button.isEnabled():
            return
        self._say("")
        open_rectification(self, self.ctx, self.ref, self._after_correction)

    def _after_correction(self) -> None:
        if shiboken6.isValid(self):
            self._show_notices_next = True
            self._changed()

    def selected_attachment(self) -> AttachmentView | None:
        rows = self.attachments_table.selectionModel().selectedRows()
        return self.attachments_model.row_at(rows[0]) if rows else None

    def _tell_changed(self) -> None:
        """Tell whoever opened the window (and every screen that opened it again since)."""
        for listener in list(self._listeners):
            owner = getattr(listener, "__self__", None)
            if isinstance(owner, QObject) and not shiboken6.isValid(owner):
                self._listeners.remove(listener)  # the screen that asked is gone
                continue
            listener()

    def _say(self, notice: str) -> None:
        show_message(self.error_label, "")
        show_message(self.notice_label, notice)

    def _failed(self, exc: BaseException) -> None:
        if not shiboken6.isValid(self):
            return
        show_message(self.notice_label, "")
        if isinstance(exc, HartdeskError):
            show_message(self.error_label, exc.message)
        else:
            crash.report_unexpected(exc, self)

    def start_action(self, action: str) -> None:
        """Open the dialog of ``action`` (one of the request's allowed actions)."""
        if self.record is None or action not in self.record.detail.actions:
            return
        self._say("")
        dialog = ActionDialog(self.ctx, self.record.detail, action, self.today(), self)
        self._open_child(dialog, self._changed)

    @Slot()
    def _on_add_entry_button_clicked(self) -> None:
        if self.record is None:
            return
        self._say("")
        d = self.record.detail
        dialog = TimelineEntryDialog(self.ctx, d.ref, d.received_on, self.today(), rq.TIMELINE_KINDS, self)
        self._open_child(dialog, self._changed)

    @Slot()
    def _on_open_client_button_clicked(self) -> None:
        if self.record is None or not self.record.detail.client_ref:
            return
        ref = self.record.detail.client_ref
        parent = self.parentWidget()
        host = parent.window() if parent is not None else None
        opener = getattr(host, "open_client", None)  # the main window keeps one window per client
        if callable(opener):
            opener(ref)
            return
        from hartdesk.ui.screens.services import open_client_detail

        open_client_detail(self.ctx, ref, self, lambda: None)

    # --- attachments ---------------------------------------------------------------------------------------------

    def choose_file_to_add(self) -> Path | None:
        """The file to keep with the request (tests replace this)."""
        name, _ = QFileDialog.getOpenFileName(self, f"Add a file to {self.ref}", str(Path.home()), OPEN_FILTER)
        return Path(name) if name else None

    def choose_save_target(self, filename: str) -> Path | None:
        """Where to save a copy of an attachment (tests replace this)."""
        name, _ = QFileDialog.getSaveFileName(self, f"Save {filename} as", str(Path.home() / filename))
        return Path(name) if name else None

    def open_url(self, url: QUrl) -> bool:
        """Open ``url`` in the program the desktop uses for it (tests replace this)."""
        return QDesktopServices.openUrl(url)

    @Slot()
    def _on_add_file_button_clicked(self) -> None:
        if self.record is None:
            return
        path = self.choose_file_to_add()
        if path is None:
            return
        who, ref = self.ctx.who, self.ref

        def work() -> str:
            content = read_attachment_file(path)
            with who.register.session() as session:
                added = rq.add_attachment(session, who.username, ref, path.name, content)
                return added.filename

        def added(filename: str) -> None:
            if shiboken6.isValid(self):
                self._changed()
                self._say(f"{filename} is kept with {ref}.")

        self._say("")
        self.ctx.tasks.run(work, on_done=added, on_error=self._failed, serial=True)

    @Slot()
    def _on_save_attachment_button_clicked(self) -> None:
        attachment = self.selected_attachment()
        if attachment is None:
            return
        target = self.choose_save_target(attachment.filename)
        if target is None:
            return
        who, ref, attachment_id = self.ctx.who, self.ref, attachment.id

        def work() -> Path:
            from hartdesk.fileio import write_atomically

            with who.register.session() as session:
                _, _, content = rq.attachment_content(session, attachment_id)
            try:
                write_atomically(target, content)
            except OSError as exc:
                raise ValidationError(f"{target} cannot be written: {exc.strerror or exc}.") from None
            who.audit("request.attachment-saved", f"request:{ref}", {"attachment": attachment_id})
            return target

        def saved(path: Path) -> None:
            if shiboken6.isValid(self):
                self._say(f"Saved to {path}.")

        self._say("")
        self.ctx.tasks.run(work, on_done=saved, on_error=self._failed, serial=True)

    @Slot()
    def _on_open_attachment_button_clicked(self, *_: object) -> None:
        attachment = self.selected_attachment()
        if attachment is None:
            return
        who, ref, attachment_id = self.ctx.who, self.ref, attachment.id

        def work() -> Path:
            with who.register.session() as session:
                filename, _, content = rq.attachment_content(session, attachment_id)
            path = write_for_opening(filename, content)
            who.audit("request.attachment-opened", f"request:{ref}", {"attachment": attachment_id})
            return path

        def written(path: Path) -> None:
            remove_when_quitting(path.parent)
            if not shiboken6.isValid(self):
                return
            if self.open_url(QUrl.fromLocalFile(str(path))):
                self._say(f"{path.name} opened in another program.")
            else:
                show_message(
                    self.error_label,
                    f"No program on this computer opens {path.name}. Use Save as… and open the copy instead.",
                )

        self._say("")
        self.ctx.tasks.run(work, on_done=written, on_error=self._failed)


def _scrolling_page(*parts: QLayout) -> QScrollArea:
    """A tab of ``parts`` one under the other at the top, scrolling when the window is short."""
    page = QWidget()
    column = QVBoxLayout(page)
    for part in parts:
        column.addLayout(part)
    column.addStretch(1)
    return scrolling(page)


def read_attachment_file(path: Path) -> bytes:
    """The bytes of a file the clerk chose, refused before reading when it is larger than hartdesk keeps."""
    limit = attachments_mod.MAX_ATTACHMENT_BYTES
    try:
        size = path.stat().st_size
        if size > limit:
            raise ValidationError(
                f"'{path.name}' is {attachments_mod.describe_size(size)}; hartdesk keeps attachments up to "
                f"{attachments_mod.describe_size(limit)}."
            )
        return path.read_bytes()
    except OSError as exc:
        raise ValidationError(f"{path} cannot be read: {exc.strerror or exc}.") from None


# --- one window per request -------------------------------------------------------------------------------------------

_windows: OneWindowEach[RequestDetailDialog] = OneWindowEach()


def request_window(ref: str) -> RequestDetailDialog | None:
    """The open window of request ``ref``, if there is one."""
    window = _windows.get(ref.strip().upper())
    return window if window is not None and window.isVisible() else None


def open_request(ctx: AppContext, parent: QWidget, ref: str, on_changed: Callable[[], None]) -> None:
    """Open the window of request ``ref`` (or raise it when it is open already); ``on_changed`` runs after every
    change made from it. The window is not modal and is deleted once closed."""
    key = ref.strip().upper()
    window = request_window(key)
    if window is not None and window.ctx is ctx:
        window.add_listener(on_changed)
        window.bring_to_front()
        return
    window = RequestDetailDialog(ctx, key, parent)
    window.add_listener(on_changed)
    _windows.keep(key, window)
