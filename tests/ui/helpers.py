"""Small helpers the UI tests share, and the types of the factory fixtures in ``conftest.py``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView, QWidget
from pytestqt.qtbot import QtBot

from hartdesk import settings as settings_mod
from hartdesk.dates import uk_today
from hartdesk.models.enums import RequestChannel, RequestType
from hartdesk.privacy import requests as rq
from hartdesk.ui.screens.base import Screen
from tests.conftest import ADMIN

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from hartdesk.security.signin import SignedIn
    from hartdesk.ui.context import AppContext
    from hartdesk.ui.main_window import MainWindow
    from hartdesk.ui.screens.clients import ClientsScreen
    from hartdesk.ui.screens.requests import RequestsScreen
    from hartdesk.ui.screens.services import ServicesScreen

T = TypeVar("T", bound=QWidget)
S = TypeVar("S", bound=Screen)


class Show(Protocol):
    """The ``show`` fixture."""

    def __call__(self, widget: T, size: tuple[int, int] | None = None) -> T: ...


class OpenScreen(Protocol):
    """The ``open_screen`` fixture."""

    def __call__(self, cls: type[S], size: tuple[int, int], who: SignedIn | None = None) -> S: ...


class OpenMainWindow(Protocol):
    """The ``open_main_window`` fixture."""

    def __call__(self, ctx: AppContext) -> MainWindow: ...


def open_child(parent: QWidget, cls: type[T], name: str = "") -> T:
    """The dialog or message box ``parent`` has open (failing the test if there is none)."""
    found = [c for c in parent.findChildren(cls) if c.isVisible() and (not name or c.objectName() == name)]
    assert found, f"no {cls.__name__} {name} is open"
    return found[-1]


def column(table: QTableView, col: int) -> list[str]:
    """What ``table`` shows in column ``col``, top to bottom."""
    model = table.model()
    return [model.index(row, col).data() for row in range(model.rowCount())]


def cells(table: QTableView) -> list[list[str]]:
    """What ``table`` shows, row by row (the columns hidden left out)."""
    model = table.model()
    return [
        [model.index(r, c).data() for c in range(model.columnCount()) if not table.isColumnHidden(c)]
        for r in range(model.rowCount())
    ]


def search_for(qtbot: QtBot, screen: ClientsScreen | RequestsScreen | ServicesScreen, text: str) -> None:
    """Type ``text`` into the (emptied) search box of a list and wait for the pause after typing to run the search."""
    screen.search_edit.setFocus()
    screen.search_edit.selectAll()
    qtbot.keyClick(screen.search_edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(screen.search_edit, text)
    assert screen.search_timer.isActive()
    qtbot.waitUntil(lambda: not screen.search_timer.isActive())
    assert screen.model.query is not None and screen.model.query.text == text.strip()


def set_settings(who: Any, **changes: Any) -> None:
    """Save ``changes`` to the settings of ``who``'s register."""
    with who.register.session() as s:
        settings_mod.save(s, settings_mod.load(s).with_changes(**changes))


def log_request(s: Session, kind: RequestType, channel: RequestChannel, requester_name: str, **details: Any) -> str:
    """A request received today, logged by the administrator (``details``: the other fields of ``RequestInput``); its
    reference."""
    today = uk_today()
    data = rq.RequestInput(kind=kind, channel=channel, received_on=today, requester_name=requester_name, **details)
    return rq.log_request(s, ADMIN, data, settings_mod.load(s), today).ref
