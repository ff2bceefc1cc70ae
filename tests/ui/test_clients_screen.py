"""The Clients screen, driven like a clerk: type into the search box, pick filters, sort, open a client."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtWidgets import QApplication

from hartdesk.models import AddressKind, ClientKind, ClientStatus, ServiceKind, TransferSafeguard
from hartdesk.register import clients, operators, search, services
from hartdesk.register.clients import AddressInput, ClientInput, ContactInput
from hartdesk.register.search import ClientQuery, ClientRow, ClientSort
from hartdesk.ui.client_detail import ClientDetailDialog
from hartdesk.ui.client_form import ClientFormDialog
from hartdesk.ui.models.client_model import ClientTableModel, Column, count_text
from hartdesk.ui.screens.clients import ClientsScreen
from hartdesk.ui.tasks import SyncTaskRunner
from tests.conftest import ADMIN
from tests.ui.helpers import OpenScreen, column, open_child, search_for

SIZE = (1100, 720)


@dataclass(frozen=True)
class Clients:
    """The references of the clients :func:`fill_register` adds."""

    zoe: str  # an individual in Truro with a domain at Fasthosts
    acme: str  # a company in Leeds with web hosting and a French phone
    bramble: str  # suspended
    oresund: str  # closed


def fill_register(who: Any) -> Clients:
    """Four clients, one operator receiving the domain registrant's data."""
    with who.register.session() as s:
        fasthosts = operators.create_operator(
            s, ADMIN, operators.OperatorInput("Fasthosts", "Domain registrar", "GB", TransferSafeguard.NOT_RESTRICTED)
        )
        operators.add_rule(s, ADMIN, fasthosts, "domain_registrant", ServiceKind.DOMAIN_REGISTRATION)
        zoe = clients.create_client(
            s,
            ADMIN,
            ClientInput(
                name="Zoë Łukasiewicz-Öztürk",
                kind=ClientKind.INDIVIDUAL,
                customer_centre_ref="CC-1001",
                contacts=[ContactInput("Zoë Łukasiewicz-Öztürk", "", ["zoe@lukasiewicz.example"], ["020 7946 0018"])],
                addresses=[AddressInput(AddressKind.BILLING, "4 Quay Street", town="Truro", postcode="TR1 2HD")],
            ),
            today=date(2020, 5, 1),
        )
        services.add_service(
            s,
            ADMIN,
            zoe,
            services.ServiceInput(
                ServiceKind.DOMAIN_REGISTRATION,
                "lukasiewicz.example",
                operators=["Fasthosts"],
                registrant_name="Zoë Łukasiewicz-Öztürk",
            ),
        )
        acme = clients.create_client(
            s,
            ADMIN,
            ClientInput(
                name="Acme Widgets Ltd",
                trading_name="Acme",
                vat_number="GB980780684",
                contacts=[ContactInput("Ñoño Đorđević", "Director", ["nono@acme.example"], ["+33 1 23 45 67 89"])],
                addresses=[AddressInput(AddressKind.BILLING, "1 Park Row", town="Leeds", postcode="LS1 4AP")],
            ),
            today=date(2022, 3, 1),
        )
        services.add_service(s, ADMIN, acme, services.ServiceInput(ServiceKind.WEB_HOSTING, "acme-widgets.example"))
        bramble = clients.create_client(
            s,
            ADMIN,
            ClientInput(
                name="Bramble & Finch LLP",
                contacts=[ContactInput("Ida Finch", "Accounts", ["accounts@bramble.example"], ["0113 496 0000"])],
            ),
            today=date(2021, 7, 9),
        )
        clients.set_status(s, ADMIN, bramble, ClientStatus.SUSPENDED)
        oresund = clients.create_client(
            s, ADMIN, ClientInput(name="Øresund Digital", kind=ClientKind.ORGANISATION), today=date(2019, 1, 2)
        )
        clients.set_status(s, ADMIN, oresund, ClientStatus.CLOSED)
    return Clients(zoe, acme, bramble, oresund)


def restrict_client(who: Any, ref: str) -> tuple[str, str]:
    """Restrict client ``ref`` under a restriction request logged today: (the request's reference, the sentence every
    screen shows)."""
    from hartdesk import settings as settings_mod
    from hartdesk.dates import uk_today
    from hartdesk.models.enums import IdentityMethod, RequestChannel, RequestType
    from hartdesk.privacy import rights
    from tests.ui.helpers import log_request

    with who.register.session() as s:
        request = log_request(
            s,
            RequestType.RESTRICTION,
            RequestChannel.EMAIL,
            "The client",
            client_ref=ref,
            identity_verified=True,
            identity_method=IdentityMethod.KNOWN_CONTACT,
        )
        rights.restrict(s, ADMIN, request, settings_mod.load(s), uk_today())
        detail = clients.get_client(s, ref)
    return request, rights.restriction_text(detail.restricted_on, detail.restriction_note)


@pytest.fixture
def refs(signed_in_admin: Any) -> Clients:
    return fill_register(signed_in_admin)


@pytest.fixture
def screen(open_screen: OpenScreen, refs: Clients) -> ClientsScreen:
    return open_screen(ClientsScreen, SIZE)


def test_every_client_is_listed_by_name(screen: ClientsScreen, refs: Clients, qtmodeltester: Any) -> None:
    assert column(screen.table, Column.NAME) == [
        "Acme Widgets Ltd",
        "Bramble & Finch LLP",
        "Øresund Digital",
        "Zoë Łukasiewicz-Öztürk",
    ]
    assert screen.count_label.text() == "4 clients"
    first = {c: screen.model.index(0, c).data() for c in Column}
    assert first[Column.REF] == refs.acme
    assert first[Column.STATUS] == "Active"
    assert first[Column.EMAIL] == "nono@acme.example"
    assert first[Column.PHONE] == "+33 1 23 45 67 89"
    assert first[Column.POSTCODE] == "LS1 4AP"
    assert first[Column.SERVICES] == "1"
    assert first[Column.OPENED] == "01/03/2022"
    assert screen.model.index(0, Column.NAME).data(Qt.ItemDataRole.ToolTipRole) == "Trading as Acme"
    assert screen.search_edit.placeholderText() == "Search name, email, phone, postcode, domain, reference…"
    qtmodeltester.check(screen.model)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("lukasiewicz ozturk", "Zoë Łukasiewicz-Öztürk"),  # accents folded
        ("ÑOÑO", "Acme Widgets Ltd"),  # a contact's name
        ("+44 20 7946 0018", "Zoë Łukasiewicz-Öztürk"),  # the phone stored as 020 7946 0018
        ("01134960000", "Bramble & Finch LLP"),
        ("ls14ap", "Acme Widgets Ltd"),  # a postcode without its space
        ("lukasiewicz.exa", "Zoë Łukasiewicz-Öztürk"),  # a domain
        ("acme-widgets.example", "Acme Widgets Ltd"),
        ("c-00003", "Bramble & Finch LLP"),
    ],
)
def test_typing_finds_the_client(qtbot: Any, screen: ClientsScreen, typed: str, expected: str) -> None:
    search_for(qtbot, screen, typed)
    assert column(screen.table, Column.NAME) == [expected]
    assert screen.count_label.text() == "1 client"


def test_nothing_found_says_so(qtbot: Any, screen: ClientsScreen) -> None:
    search_for(qtbot, screen, "nobody like this")
    assert column(screen.table, Column.NAME) == []
    assert screen.count_label.text() == "No clients match."


def test_enter_searches_at_once_and_a_second_enter_opens_the_client(
    qtbot: Any, screen: ClientsScreen, refs: Clients
) -> None:
    screen.activateWindow()
    qtbot.waitActive(screen)
    qtbot.keyClick(screen.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert screen.search_edit.hasFocus()
    qtbot.keyClicks(screen.search_edit, "tr1 2hd")
    qtbot.keyClick(screen.search_edit, Qt.Key.Key_Return)
    assert not screen.search_timer.isActive()
    assert column(screen.table, Column.REF) == [refs.zoe]
    assert screen.table.hasFocus()
    assert screen.selected_ref() == refs.zoe

    qtbot.keyClick(screen.table, Qt.Key.Key_Return)
    dialog = open_child(screen, ClientDetailDialog)
    assert dialog.ref == refs.zoe
    assert dialog.name_label.text() == "Zoë Łukasiewicz-Öztürk"
    assert dialog.status_badge.text() == "Active"
    assert not dialog.isModal()


@pytest.mark.qt_log_ignore("does not support raise")  # the offscreen platform cannot raise a window
def test_double_click_opens_the_client_and_once_only(qtbot: Any, screen: ClientsScreen, refs: Clients) -> None:
    row = screen.model.row_of(refs.bramble)
    assert row is not None
    rect = screen.table.visualRect(screen.model.index(row, Column.NAME))
    qtbot.mouseClick(screen.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert screen.open_button.isEnabled()
    qtbot.mouseDClick(screen.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    dialog = open_child(screen, ClientDetailDialog)
    assert dialog.status_badge.text() == "Suspended"
    qtbot.mouseClick(screen.open_button, Qt.MouseButton.LeftButton)
    assert [d for d in screen.findChildren(ClientDetailDialog) if d.isVisible()] == [dialog]
    assert screen.open_client(refs.bramble) is dialog


def test_filters_by_status_and_by_service(qtbot: Any, screen: ClientsScreen, refs: Clients) -> None:
    screen.status_combo.setFocus()
    qtbot.keyClicks(screen.status_combo, "Suspended")
    assert screen.status_combo.currentText() == "Suspended"
    assert column(screen.table, Column.REF) == [refs.bramble]

    qtbot.keyClick(screen.status_combo, Qt.Key.Key_Home)  # back to All statuses
    assert screen.status_combo.currentText() == "All statuses"
    assert screen.model.rowCount() == 4
    qtbot.keyClicks(screen.service_combo, "Domain")
    assert screen.service_combo.currentText() == "Domain registration"
    assert column(screen.table, Column.REF) == [refs.zoe]
    screen.service_combo.setCurrentIndex(screen.service_combo.findText("Web hosting"))
    assert column(screen.table, Column.REF) == [refs.acme]

    search_for(qtbot, screen, "zoe")  # search and filter together: nobody
    assert column(screen.table, Column.REF) == []
    assert screen.count_label.text() == "No clients match."


def test_sorting_by_a_header_click_runs_in_sql(qtbot: Any, screen: ClientsScreen) -> None:
    header = screen.table.horizontalHeader()

    def click_header(col: Column) -> None:
        x = header.sectionViewportPosition(col) + header.sectionSize(col) // 2
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))

    click_header(Column.NAME)  # already by name, ascending: now descending
    assert screen.model.query.sort is ClientSort.NAME and screen.model.query.descending
    assert column(screen.table, Column.NAME)[0] == "Zoë Łukasiewicz-Öztürk"
    assert column(screen.table, Column.NAME)[-1] == "Acme Widgets Ltd"

    click_header(Column.OPENED)
    assert screen.model.query.sort is ClientSort.OPENED
    assert column(screen.table, Column.OPENED) == ["02/01/2019", "01/05/2020", "09/07/2021", "01/03/2022"]

    click_header(Column.EMAIL)  # not sorted in SQL: nothing changes, the indicator stays on Client since
    assert screen.model.query.sort is ClientSort.OPENED
    assert header.sortIndicatorSection() == Column.OPENED
    assert column(screen.table, Column.OPENED)[0] == "02/01/2019"


def test_new_client_from_the_keyboard_is_listed_and_opened(qtbot: Any, screen: ClientsScreen) -> None:
    screen.activateWindow()
    qtbot.waitActive(screen)
    qtbot.keyClick(screen.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    form = open_child(screen, ClientFormDialog)
    qtbot.keyClicks(form.name_edit, "Wexcombe Bakery")
    qtbot.keyClick(form.name_edit, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: "Wexcombe Bakery" in column(screen.table, Column.NAME))
    assert not form.isVisible()
    assert screen.count_label.text() == "5 clients"
    ref = screen.selected_ref()
    assert ref == "C-00005"
    dialog = open_child(screen, ClientDetailDialog)
    assert dialog.ref == ref
    assert "C-00005 Wexcombe Bakery was added." in screen.message_label.text()


def test_a_change_in_a_client_window_shows_in_the_list(qtbot: Any, screen: ClientsScreen, refs: Clients) -> None:
    from PySide6.QtWidgets import QMessageBox, QPushButton

    dialog = screen.open_client(refs.acme)
    qtbot.mouseClick(dialog.suspend_button, Qt.MouseButton.LeftButton)
    box = open_child(dialog, QMessageBox, "status_confirmation")
    qtbot.mouseClick(open_child(box, QPushButton, "yes_button"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.status_badge.text() == "Suspended")
    row = screen.model.row_of(refs.acme)
    assert row is not None
    assert screen.model.index(row, Column.STATUS).data() == "Suspended"
    assert screen.selected_ref() == refs.acme


def test_a_restricted_client_is_marked_in_words_icon_and_colour_and_still_found(
    qtbot: Any, open_screen: OpenScreen, signed_in_admin: Any, refs: Clients, qtmodeltester: Any
) -> None:
    from PySide6.QtGui import QIcon

    from hartdesk.ui.models.client_model import RESTRICTED_COLOURS

    _request, sentence = restrict_client(signed_in_admin, refs.zoe)
    screen = open_screen(ClientsScreen, SIZE)
    statuses = dict(zip(column(screen.table, Column.REF), column(screen.table, Column.STATUS), strict=True))
    assert statuses == {
        refs.acme: "Active",
        refs.bramble: "Suspended",
        refs.oresund: "Closed",
        refs.zoe: "Active · restricted",
    }
    row = screen.model.row_of(refs.zoe)
    assert row is not None
    status = screen.model.index(row, Column.STATUS)
    assert status.data(Qt.ItemDataRole.ToolTipRole) == sentence
    icon = status.data(Qt.ItemDataRole.DecorationRole)
    assert isinstance(icon, QIcon) and not icon.isNull()
    assert status.data(Qt.ItemDataRole.ForegroundRole).color().name() == RESTRICTED_COLOURS[0]  # light palette
    other = screen.model.index(screen.model.row_of(refs.acme) or 0, Column.STATUS)
    assert other.data(Qt.ItemDataRole.DecorationRole) is None and other.data(Qt.ItemDataRole.ToolTipRole) is None
    qtmodeltester.check(screen.model)

    screen.status_combo.setCurrentIndex(screen.status_combo.findText("Active"))  # still an active client
    assert column(screen.table, Column.STATUS) == ["Active", "Active · restricted"]
    search_for(qtbot, screen, "lukasiewicz")
    assert column(screen.table, Column.REF) == [refs.zoe]
    assert column(screen.table, Column.STATUS) == ["Active · restricted"]


def test_a_restriction_lifted_in_the_client_window_leaves_the_list(
    qtbot: Any, open_screen: OpenScreen, signed_in_admin: Any, refs: Clients
) -> None:
    from hartdesk.ui.rights_dialogs import LiftRestrictionDialog

    restrict_client(signed_in_admin, refs.zoe)
    screen = open_screen(ClientsScreen, SIZE)
    dialog = screen.open_client(refs.zoe)
    qtbot.mouseClick(dialog.lift_button, Qt.MouseButton.LeftButton)
    lift = open_child(dialog, LiftRestrictionDialog)
    qtbot.keyClicks(lift.reason_edit, "Told the client on 25/11/2026; the dispute is settled")
    qtbot.mouseClick(lift.ok_button, Qt.MouseButton.LeftButton)
    row = screen.model.row_of(refs.zoe)
    assert row is not None and screen.model.index(row, Column.STATUS).data() == "Active"
    with signed_in_admin.register.session() as s:
        assert clients.get_client(s, refs.zoe).restricted_on is None


def test_clear_forgets_everything(screen: ClientsScreen, refs: Clients) -> None:
    screen.open_client(refs.zoe)
    screen.search_edit.setText("zoe")
    screen.clear()
    assert screen.model.rowCount() == 0
    assert screen.search_edit.text() == ""
    assert screen.count_label.text() == ""
    assert not any(d.isVisible() for d in screen.findChildren(ClientDetailDialog))
    QApplication.processEvents()


def test_count_text_groups_thousands() -> None:
    assert count_text(1) == "1 client"
    assert count_text(0) == "0 clients"
    assert count_text(1234) == "1 234 clients"


def _fake_rows(count: int) -> list[ClientRow]:
    return [
        ClientRow(n, f"C-{n:05d}", f"Client {n:04d}", "", ClientStatus.ACTIVE, "", "", "", 0, date(2024, 1, 1))
        for n in range(1, count + 1)
    ]


def test_model_pages_sorts_and_passes_the_model_tester(qtmodeltester: Any) -> None:
    rows = _fake_rows(450)
    asked: list[tuple[ClientQuery, int, int]] = []

    def loader(query: ClientQuery, offset: int, limit: int) -> list[ClientRow]:
        asked.append((query, offset, limit))
        ordered = list(reversed(rows)) if query.descending else rows
        return ordered[offset : offset + limit]

    model = ClientTableModel(SyncTaskRunner(), loader, lambda query: len(rows))
    assert not model.canFetchMore(QModelIndex())
    model.set_query(ClientQuery(text="client"))
    assert (model.rowCount(), model.total) == (200, 450)
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 450
    assert not model.canFetchMore(QModelIndex())
    assert [(q.text, offset, limit) for q, offset, limit in asked] == [
        ("client", 0, 200),
        ("client", 200, 200),
        ("client", 400, 200),
    ]
    qtmodeltester.check(model)

    model.sort(Column.EMAIL, Qt.SortOrder.DescendingOrder)  # not sortable in SQL: ignored
    assert len(asked) == 3
    model.sort(Column.REF, Qt.SortOrder.DescendingOrder)
    assert model.query.sort is ClientSort.REF and model.query.descending and model.query.text == "client"
    assert model.index(0, Column.REF).data() == "C-00450"
    assert model.rowCount() == 200
    qtmodeltester.check(model)
    model.clear()
    assert model.rowCount() == 0 and not model.canFetchMore(QModelIndex())
    qtmodeltester.check(model)


def test_a_stale_result_is_dropped() -> None:
    """A slow search that finishes after a newer one must not replace its rows."""

    class Deferred(SyncTaskRunner):
        def __init__(self) -> None:
            SyncTaskRunner.__init__(self)
            self.pending: list[tuple[Any, Any]] = []

        def run(self, fn: Any, on_done: Any = None, on_error: Any = None, serial: bool = False) -> None:
            self.pending.append((fn, on_done))

    def loader(query: ClientQuery, offset: int, limit: int) -> list[ClientRow]:
        return [r for r in _fake_rows(30) if query.text in r.name][offset : offset + limit]

    tasks = Deferred()
    model = ClientTableModel(tasks, loader, lambda query: len(loader(query, 0, 1000)))
    model.set_query(ClientQuery(text="Client 00"))  # slow
    model.set_query(ClientQuery(text="Client 0012"))
    (fast_fn, fast_done) = tasks.pending.pop()
    fast_done(fast_fn())
    (slow_fn, slow_done) = tasks.pending.pop()
    slow_done(slow_fn())
    assert [model.index(r, Column.NAME).data() for r in range(model.rowCount())] == ["Client 0012"]
    assert model.total == 1


def test_the_screen_pages_through_many_clients(qtbot: Any, open_screen: OpenScreen, signed_in_admin: Any) -> None:
    with signed_in_admin.register.session() as s:
        for n in range(230):
            clients.create_client(s, ADMIN, ClientInput(name=f"Client {n:03d}"))
        assert search.count_clients(s, ClientQuery()) == 230
    screen = open_screen(ClientsScreen, SIZE)
    assert screen.model.rowCount() == 200
    assert screen.count_label.text() == "230 clients"
    screen.table.scrollToBottom()
    qtbot.waitUntil(lambda: screen.model.rowCount() == 230)
    names = column(screen.table, Column.NAME)
    assert names == sorted(names) and len(set(names)) == 230
