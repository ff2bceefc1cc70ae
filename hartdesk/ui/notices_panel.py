"""The Art. 19 notices of one request: which operators must be told of a rectification, erasure or restriction, and
which were told.

Each notice is a letter made in the document dialog (:func:`hartdesk.privacy.produce.make_operator_notice`); saving,
printing or emailing it records it and marks the notice sent, so the panel reads the notices again after each
delivery and tells its owner (``notice_recorded``), whose timeline shows the letter too. The request window and the
erasure dialog both show this panel.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QModelIndex, Qt, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QPushButton, QVBoxLayout, QWidget

from hartdesk.dates import format_short_date
from hartdesk.ui.context import AppContext
from hartdesk.ui.record_window import Col, ListModel
from hartdesk.ui.widgets import (
    WARNING_STYLE,
    make_error_label,
    make_list_table,
    named,
    show_failure,
    show_message,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from hartdesk.privacy.notices import NoticeRow
    from hartdesk.privacy.produce import Made
    from hartdesk.settings import Settings
    from hartdesk.ui.document_dialog import DocumentDialog, Maker

NOT_SENT = "Not sent yet"
ROW_PADDING = 8  # pixels around a line of text in a row, as in the other lists
MOST_ROWS_SHOWN = 8  # a table fitted to its rows grows to this many, then scrolls
NOT_SENT_COLOUR = "#8a5a00"  # the warning colour of the other screens, dark enough to read on white (WCAG AA)
INTRO = (
    "UK GDPR Art. 19: every operator the data was disclosed to must be told. Make each notice, then save, print or "
    "email it: it is then marked sent and shows on the request's timeline."
)


def notice_maker(request_ref: str, notice_id: int) -> Maker:
    """The Art. 19 notice ``notice_id`` of request ``request_ref``, to its operator."""

    def make(session: Session, settings: Settings, today: date, for_post: bool) -> Made:
        from hartdesk.privacy import produce

        return produce.make_operator_notice(session, request_ref, notice_id, settings, today, for_post=for_post)

    return make


def sent_text(row: NoticeRow) -> str:
    """When and how the notice left, or that it has not yet."""
    if row.sent_on is None:
        return NOT_SENT
    how = f" ({row.sent_how.label.lower()})" if row.sent_how is not None else ""
    return f"{format_short_date(row.sent_on)}{how}"


def read_notices(ctx: AppContext, request_ref: str) -> Callable[[], list[NoticeRow]]:
    """The work of reading the notices of ``request_ref`` (runs in a task: no Qt)."""
    who = ctx.who

    def work() -> list[NoticeRow]:
        from hartdesk.privacy import notices

        with who.register.session() as session:
            return notices.for_request(session, request_ref)

    return work


class NoticesPanel(QWidget):
    """The notices of request ``request_ref``, with a button making the chosen one's letter (Enter on a row too).

    A notice starts as a letter for email, which every operator can be sent; the document dialog offers "For post"
    for an operator whose postal address is known."""

    notice_recorded = Signal()

    def __init__(
        self, ctx: AppContext, request_ref: str, parent: QWidget | None = None, *, fit_rows: bool = False
    ) -> None:
        QWidget.__init__(self, parent)
        self.setObjectName("notices_panel")
        self.ctx = ctx
        self.request_ref = request_ref
        self._fit_rows = fit_rows  # the table as tall as its rows (under other things), not filling the space
        self._generation = 0

        self.intro_label = named(QLabel(INTRO), "notices_intro_label")
        self.intro_label.setWordWrap(True)
        self.summary_label = named(QLabel(), "notices_summary_label")
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        self.model: ListModel[NoticeRow] = ListModel(
            [
                Col("Operator", lambda n: n.operator_name, 170),
                Col("Data concerned", lambda n: ", ".join(n.data_concerned), stretch=True),
                Col("Due", lambda n: format_short_date(n.due_on), 100),
                Col(
                    "Sent",
                    sent_text,
                    190,
                    colour=lambda n: NOT_SENT_COLOUR if n.sent_on is None else None,
                ),
            ],
            self,
        )
        self.table = make_list_table(
            "notices_table", self.model, {0: 170, 2: 100, 3: 190}, "notices_panel/table", ROW_PADDING
        )
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(True)
        rows = self.table.verticalHeader()
        rows.setMinimumSectionSize(self.table.fontMetrics().height() + ROW_PADDING)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self._least_height = self.table.fontMetrics().height() * (3 if fit_rows else 5)
        self.table.setMinimumHeight(self._least_height)
        self.table.activated.connect(self._on_table_activated)
        self.table.selectionModel().selectionChanged.connect(self._set_enabled)
        self.model.modelReset.connect(self._set_enabled)

        self.error_label = make_error_label("notices_error_label")
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.notice_button = named(QPushButton("N&otice…"), "notice_button")
        self.notice_button.setToolTip("Make the notice to the chosen operator, to preview and send")
        self.notice_button.setAutoDefault(False)
        self.notice_button.clicked.connect(self._on_notice_button_clicked)
        row = QHBoxLayout()
        row.addWidget(self.notice_button)
        row.addWidget(self.summary_label, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.intro_label)
        layout.addWidget(self.table, 0 if fit_rows else 1)
        layout.addWidget(self.error_label)
        layout.addLayout(row)
        self._set_enabled()

    # --- showing -------------------------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the notices again (in a task)."""
        if self.ctx.signed_in is None:
            return
        self._generation += 1
        generation = self._generation
        self.ctx.tasks.run(
            read_notices(self.ctx, self.request_ref),
            on_done=lambda rows: self._on_read(generation, rows),
            on_error=lambda exc: self._on_failed(generation, exc),
        )

    def _on_read(self, generation: int, rows: list[NoticeRow]) -> None:
        if shiboken6.isValid(self) and generation == self._generation:
            self.show_rows(rows)

    def _on_failed(self, generation: int, exc: BaseException) -> None:
        if shiboken6.isValid(self) and generation == self._generation:
            show_failure(self.error_label, exc, self)

    def show_rows(self, rows: Sequence[NoticeRow]) -> None:
        """Show ``rows``, the notice chosen before still chosen (else the first not sent yet)."""
        chosen = self.selected()
        show_message(self.error_label, "")
        self.model.set_rows(rows)
        unsent = sum(1 for r in rows if r.sent_on is None)
        if not rows:
            summary = "No operator has to be told."
        elif unsent:
            summary = f"{unsent} of {len(rows)} not sent yet."
        else:
            summary = f"All {len(rows)} sent."
        self.summary_label.setText(summary)
        self.summary_label.setStyleSheet(WARNING_STYLE if unsent else "")
        if self._fit_rows:
            self._fit_height()
        if not rows:
            return
        ids = [r.id for r in rows]
        if chosen is not None and chosen.id in ids:
            index = ids.index(chosen.id)
        else:
            index = next((i for i, r in enumerate(rows) if r.sent_on is None), 0)
        self.table.selectRow(index)

    def _fit_height(self) -> None:
        """As tall as the header and the rows (up to :data:`MOST_ROWS_SHOWN` of them)."""
        self.table.resizeRowsToContents()
        heights = [self.table.rowHeight(i) for i in range(min(self.model.rowCount(), MOST_ROWS_SHOWN))]
        height = self.table.horizontalHeader().height() + sum(heights) + 2 * self.table.frameWidth()
        self.table.setFixedHeight(max(height, self._least_height))

    def rows(self) -> list[NoticeRow]:
        return [row for i in range(self.model.rowCount()) if (row := self.model.row_at(self.model.index(i, 0)))]

    def selected(self) -> NoticeRow | None:
        chosen = self.table.selectionModel().selectedRows()
        return self.model.row_at(chosen[0]) if chosen else None

    @Slot()
    def _set_enabled(self, *_: object) -> None:
        self.notice_button.setEnabled(self.selected() is not None)

    # --- the letters ---------------------------------------------------------------------------------------------

    def open_notice(self, row: NoticeRow) -> DocumentDialog:
        """The document dialog of the notice ``row``."""
        from hartdesk.ui.document_dialog import open_document

        show_message(self.error_label, "")
        title = f"Notice to {row.operator_name} (Art. 19) — {self.request_ref}"
        maker = notice_maker(self.request_ref, row.id)
        return open_document(self.ctx, self, title, maker, self._on_document_delivered, for_post=False)

    def _on_document_delivered(self) -> None:
        if not shiboken6.isValid(self):
            return
        self.refresh()
        self.notice_recorded.emit()

    @Slot()
    def _on_notice_button_clicked(self) -> None:
        row = self.selected()
        if row is not None:
            self.open_notice(row)

    @Slot(QModelIndex)
    def _on_table_activated(self, index: QModelIndex) -> None:
        row = self.model.row_at(index)
        if row is not None:
            self.open_notice(row)
