"""The Find box (Ctrl+K anywhere in the main window): clients, domain names and operators as you type.

The search runs in a task when typing pauses; the answer to anything but the latest text is dropped. Up and Down
choose a result without leaving the box, Enter opens it, Esc closes. The dialog only says what was chosen
(``hit_chosen``); the main window decides how to open it.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hartdesk.errors import HartdeskError
from hartdesk.register import search
from hartdesk.register.search import HitKind, SearchHit
from hartdesk.ui import crash
from hartdesk.ui.context import AppContext
from hartdesk.ui.widgets import ERROR_STYLE, NOTE_STYLE, named, pause_timer

SEARCH_DELAY_MS = 150
HIT_ROLE = int(Qt.ItemDataRole.UserRole)  # the SearchHit of a result row (group headings have none)
GROUPS = {HitKind.CLIENT: "Clients", HitKind.DOMAIN: "Domains", HitKind.OPERATOR: "Operators"}
HINT = "Type part of a client's name, email, phone, postcode or reference, a domain name, or an operator."
_MOVES = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_PageDown: 5, Qt.Key.Key_PageUp: -5}


class GlobalSearchDialog(QDialog):
    hit_chosen = Signal(object)  # the SearchHit to open

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        QDialog.__init__(self, parent)
        self.ctx = ctx
        self.setObjectName("global_search_dialog")
        self.setWindowTitle("Find")
        self._request = 0  # moved on by every search, so an older answer is dropped
        self._hit_items: list[QTreeWidgetItem] = []
        self._searching = False  # a search is under way
        self._open_when_found = False  # Enter was pressed before its answer came

        self.search_edit = named(QLineEdit(), "search_edit")
        self.search_edit.setPlaceholderText("Find a client, domain or operator…")
        self.search_edit.setClearButtonEnabled(True)
        font = self.search_edit.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.search_edit.setFont(font)
        self.results = named(QTreeWidget(), "results")
        self.results.setColumnCount(2)
        self.results.setHeaderHidden(True)
        self.results.setRootIsDecorated(False)
        self.results.setItemsExpandable(False)
        self.results.setUniformRowHeights(True)
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the cursor stays in the box; Up/Down choose
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.header().setStretchLastSection(True)
        self.results.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.results.header().resizeSection(0, 260)
        self.status_label = named(QLabel(HINT), "status_label")
        self.status_label.setWordWrap(True)
        self.status_label.setStyleSheet(NOTE_STYLE)

        layout = QVBoxLayout(self)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.status_label)
        self.resize(680, 420)

        self.timer = pause_timer(self, SEARCH_DELAY_MS, self.run_search)
        self.search_edit.textChanged.connect(self._on_search_edit_text_changed)
        self.search_edit.installEventFilter(self)
        self.results.itemActivated.connect(self._on_results_item_activated)
        self.results.itemClicked.connect(self._on_results_item_clicked)
        self.search_edit.setFocus()

    # --- searching --------------------------------------------------------------------------------------------

    @Slot(str)
    def _on_search_edit_text_changed(self, _text: str) -> None:
        self.timer.start()

    @Slot()
    def run_search(self) -> None:
        """Search for what the box holds now (typing does it after a short pause)."""
        self.timer.stop()
        self._request += 1
        request, typed = self._request, self.search_edit.text().strip()
        if not typed or self.ctx.signed_in is None:
            self._searching = False
            self._show_hits([], typed)
            return
        who = self.ctx.who
        self._searching = True

        def find() -> list[SearchHit]:
            with who.register.session() as session:
                return search.global_search(session, typed)

        self.ctx.tasks.run(
            find,
            on_done=lambda hits: self._on_found(request, typed, hits),
            on_error=lambda exc: self._on_failed(request, exc),
        )

    def _on_found(self, request: int, typed: str, hits: list[SearchHit]) -> None:
        if not shiboken6.isValid(self) or request != self._request:
            return
        self._searching = False
        self._show_hits(hits, typed)
        if self._open_when_found:
            self._open_when_found = False
            self.choose_current()

    def _on_failed(self, request: int, exc: BaseException) -> None:
        if not shiboken6.isValid(self) or request != self._request:
            return
        self._searching = self._open_when_found = False
        if isinstance(exc, HartdeskError):
            self.status_label.setText(exc.message)
            self.status_label.setStyleSheet(ERROR_STYLE)
        else:
            crash.show_error(self, exc)

    def _show_hits(self, hits: list[SearchHit], typed: str) -> None:
        self.results.clear()
        self._hit_items = []
        for kind, heading in GROUPS.items():
            group = [hit for hit in hits if hit.kind is kind]
            if not group:
                continue
            header = QTreeWidgetItem([heading])
            header.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = header.font(0)
            font.setBold(True)
            header.setFont(0, font)
            header.setFirstColumnSpanned(True)
            self.results.addTopLevelItem(header)
            for hit in group:
                item = QTreeWidgetItem([f"  {hit.title}", hit.detail])
                item.setData(0, HIT_ROLE, hit)
                item.setToolTip(0, hit.title)
                item.setToolTip(1, hit.detail)
                self.results.addTopLevelItem(item)
                self._hit_items.append(item)
        if self._hit_items:
            self.results.setCurrentItem(self._hit_items[0])
            text = "Up and Down choose, Enter opens."
        elif typed:
            text = f"Nothing found for “{typed}”."
        else:
            text = HINT
        self.status_label.setText(text)
        self.status_label.setStyleSheet(NOTE_STYLE)

    # --- choosing ---------------------------------------------------------------------------------------------

    def hits(self) -> list[SearchHit]:
        """The results shown, in order."""
        return [item.data(0, HIT_ROLE) for item in self._hit_items]

    def current_hit(self) -> SearchHit | None:
        item = self.results.currentItem()
        hit = item.data(0, HIT_ROLE) if item is not None else None
        return hit if isinstance(hit, SearchHit) else None

    def _move(self, step: int) -> None:
        if not self._hit_items:
            return
        current = self.results.currentItem()
        index = self._hit_items.index(current) if current in self._hit_items else -1
        index = max(0, min(len(self._hit_items) - 1, index + step))
        self.results.setCurrentItem(self._hit_items[index])
        self.results.scrollToItem(self._hit_items[index])

    def choose_current(self) -> None:
        """Open the result chosen (Enter); if the latest text has not been searched yet, open its first result
        once it is."""
        if self.timer.isActive():
            self.run_search()
        if self._searching:
            self._open_when_found = True
            return
        hit = self.current_hit()
        if hit is not None:
            self.accept()
            self.hit_chosen.emit(hit)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search_edit and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = Qt.Key(event.key())
            if key in _MOVES:
                self._move(_MOVES[key])
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.choose_current()
                return True
        return QDialog.eventFilter(self, watched, event)

    @Slot(QTreeWidgetItem, int)
    def _on_results_item_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        if item in self._hit_items:
            self.results.setCurrentItem(item)
            self.choose_current()

    @Slot(QTreeWidgetItem, int)
    def _on_results_item_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        if item in self._hit_items:
            self.results.setCurrentItem(item)
        self.search_edit.setFocus()
