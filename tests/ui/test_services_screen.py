"""The Services screen and the service dialog, driven like a clerk: type, pick filters, tick operators, press Enter."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QComboBox, QListWidget

from hartdesk.models import DpaStatus, RecipientCondition, ServiceKind, ServiceStatus, TransferSafeguard
from hartdesk.register import clients, operators, services
from hartdesk.register.clients import ClientInput, ContactInput
from hartdesk.register.services import ServiceInput, ServiceQuery, ServiceRow
from hartdesk.ui.context import AppContext
from hartdesk.ui.models.service_model import Column, ServiceDataRole, ServiceTableModel
from hartdesk.ui.screens.services import ServicesScreen
from hartdesk.ui.service_form import ServiceDialog
from hartdesk.ui.tasks import SyncTaskRunner, TaskRunner
from tests.conftest import ADMIN
from tests.ui.helpers import OpenScreen, Show, column, open_child, search_for

SIZE = (1100, 720)


# --- shared with the operators and global search tests ---------------------------------------------------------------


@dataclass(frozen=True)
class Agency:
    """What :func:`fill_agency` adds: operator ids by name and client references."""

    operator_ids: dict[str, int]
    harbour: str  # Harbour Lights Café: harbourlights.co.uk at GoDaddy, and web hosting
    bramble: str  # Bramble & Oak Joinery: brambleoak.co.uk at Fasthosts, and ended backups at Amazon S3
    kernow: str  # Kernow Plumbing Ltd: no services


def fill_agency(who: Any) -> Agency:
    with who.register.session() as s:
        ids = {}
        for name, role, country, safeguard in (
            ("GoDaddy", "Domain registrar", "US", TransferSafeguard.IDTA),
            ("Fasthosts", "Domain registrar", "GB", TransferSafeguard.NOT_RESTRICTED),
            ("Platinum Server Management", "Server management", "GB", TransferSafeguard.NOT_RESTRICTED),
            ("Amazon S3", "Backup storage", "IE", TransferSafeguard.UK_ADEQUACY),
            ("Mailchimp", "Newsletters", "US", TransferSafeguard.NONE),
        ):
            ids[name] = operators.create_operator(
                s,
                ADMIN,
                operators.OperatorInput(name, role, country, safeguard, dpa_status=DpaStatus.REQUESTED),
            )
        operators.add_rule(s, ADMIN, ids["GoDaddy"], "domain_registrant", ServiceKind.DOMAIN_REGISTRATION)
        operators.add_rule(
            s, ADMIN, ids["Mailchimp"], "contact", None, RecipientCondition.MARKETING_CONSENT, "Our newsletter"
        )

        def client(name: str) -> str:
            return clients.create_client(
                s, ADMIN, ClientInput(name=name, contacts=[ContactInput("Jo Penrose", emails=["jo@example.com"])])
            )

        harbour, bramble, kernow = (
            client("Harbour Lights Café"),
            client("Bramble & Oak Joinery"),
            client("Kernow Plumbing Ltd"),
        )
        services.add_service(
            s,
            ADMIN,
            harbour,
            ServiceInput(
                ServiceKind.DOMAIN_REGISTRATION,
                "harbourlights.co.uk",
                operators=["GoDaddy"],
                renewal_date=date(2026, 3, 31),
                registrant_name="Morwenna Penrose",
            ),
        )
        services.add_service(
            s,
            ADMIN,
            harbour,
            ServiceInput(
                ServiceKind.WEB_HOSTING, "harbourlights.co.uk", "Business", operators=["Platinum Server Management"]
            ),
        )
        services.add_service(
            s,
            ADMIN,
            bramble,
            ServiceInput(ServiceKind.DOMAIN_REGISTRATION, "brambleoak.co.uk", operators=["Fasthosts"]),
        )
        services.add_service(
            s,
            ADMIN,
            bramble,
            ServiceInput(
                ServiceKind.BACKUPS,
                "bramble nightly backups",
                status=ServiceStatus.ENDED,
                end_date=date(2025, 1, 31),
                operators=["Amazon S3"],
            ),
        )
    return Agency(ids, harbour, bramble, kernow)


class DeferredTaskRunner(TaskRunner):
    """Keeps each task until the test runs it, so results can arrive late and out of order."""

    def __init__(self) -> None:
        TaskRunner.__init__(self)
        self.pending: list[Callable[[], None]] = []

    def run(self, fn: Any, on_done: Any = None, on_error: Any = None, serial: bool = False) -> None:
        def later() -> None:
            SyncTaskRunner().run(fn, on_done, on_error, serial)

        self.pending.append(later)

    def run_all(self, order: Callable[[list[Callable[[], None]]], list[Callable[[], None]]] = list) -> None:
        jobs, self.pending = order(self.pending), []
        for job in jobs:
            job()


def choose(qtbot: Any, combo: QComboBox, text: str) -> None:
    """Pick the first item of a combo box whose text starts with ``text``, from the keyboard (Home, then Down)."""
    target = next(i for i in range(combo.count()) if combo.itemText(i).startswith(text))
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    while combo.currentIndex() < target:
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentIndex() == target, combo.currentText()


def tick(qtbot: Any, checklist: QListWidget, name: str) -> None:
    """Tick an item of a checkable list: move to it and press Space."""
    item = checklist.findItems(name, Qt.MatchFlag.MatchExactly)[0]
    checklist.setFocus()
    checklist.setCurrentItem(item)
    qtbot.keyClick(checklist, Qt.Key.Key_Space)
    assert item.checkState() == Qt.CheckState.Checked


# --- the screen ------------------------------------------------------------------------------------------------------


@pytest.fixture
def agency(signed_in_admin: Any) -> Agency:
    return fill_agency(signed_in_admin)


@pytest.fixture
def screen(open_screen: OpenScreen, agency: Agency) -> ServicesScreen:
    return open_screen(ServicesScreen, SIZE)


def shown(screen: ServicesScreen, col: Column = Column.SERVICE) -> list[str]:
    return column(screen.table, col)


def test_every_service_is_listed(screen: ServicesScreen, agency: Agency, qtmodeltester: Any) -> None:
    assert shown(screen) == [
        "bramble nightly backups",
        "brambleoak.co.uk",
        "harbourlights.co.uk",
        "harbourlights.co.uk",
    ]
    assert screen.count_label.text() == "4 services."
    row = shown(screen, Column.KIND).index("Domain registration", 2)
    cells = {c: screen.model.index(row, c).data() for c in Column}
    assert cells[Column.CLIENT] == "Harbour Lights Café"
    assert cells[Column.REF] == agency.harbour
    assert cells[Column.STATUS] == "Active"
    assert cells[Column.RENEWAL] == "31/03/2026"
    assert shown(screen, Column.STATUS)[0] == "Ended"
    assert screen.model.index(0, 0).data(ServiceDataRole.CLIENT_REF) == agency.bramble
    qtmodeltester.check(screen.model)


def test_search_matches_client_and_domain_names(qtbot: Any, screen: ServicesScreen, agency: Agency) -> None:
    search_for(qtbot, screen, "harbour")
    assert shown(screen, Column.KIND) == ["Domain registration", "Web hosting"]
    assert screen.count_label.text() == "2 services."
    search_for(qtbot, screen, "Oak Joinery")
    assert set(shown(screen, Column.REF)) == {agency.bramble}
    search_for(qtbot, screen, "brambleoak.co")
    assert shown(screen, Column.REF) == [agency.bramble, agency.bramble]  # the client's services
    search_for(qtbot, screen, "nobody at all")
    assert shown(screen) == []
    assert screen.count_label.text() == "No services match."


def test_filters_by_kind_status_and_operator(qtbot: Any, screen: ServicesScreen) -> None:
    choose(qtbot, screen.kind_combo, "Domain")
    assert shown(screen) == ["brambleoak.co.uk", "harbourlights.co.uk"]
    choose(qtbot, screen.operator_combo, "GoDaddy")
    assert shown(screen) == ["harbourlights.co.uk"]
    assert screen.count_label.text() == "1 service."
    choose(qtbot, screen.kind_combo, "All")
    choose(qtbot, screen.operator_combo, "Any")
    choose(qtbot, screen.status_combo, "Ended")
    assert shown(screen) == ["bramble nightly backups"]


def test_enter_opens_the_client(qtbot: Any, screen: ServicesScreen, agency: Agency) -> None:
    from hartdesk.ui.client_detail import ClientDetailDialog

    screen.activateWindow()
    qtbot.waitActive(screen)
    qtbot.keyClick(screen.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert screen.search_edit.hasFocus()
    qtbot.keyClicks(screen.search_edit, "harbourlights")
    qtbot.keyClick(screen.search_edit, Qt.Key.Key_Return)  # runs the query at once and moves into the list
    assert screen.table.hasFocus()
    selected = screen.selected_row()
    assert selected is not None and selected.client_ref == agency.harbour
    assert screen.open_button.isEnabled()

    qtbot.keyClick(screen.table, Qt.Key.Key_Return)
    dialog = open_child(screen, ClientDetailDialog)
    assert dialog.ref == agency.harbour


def test_edit_service_opens_it_and_saving_refreshes_the_row(qtbot: Any, screen: ServicesScreen, agency: Agency) -> None:
    search_for(qtbot, screen, "bramble")
    row = shown(screen).index("brambleoak.co.uk")
    rect = screen.table.visualRect(screen.model.index(row, Column.SERVICE))
    qtbot.mouseClick(screen.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseClick(screen.edit_button, Qt.MouseButton.LeftButton)
    dialog = open_child(screen, ServiceDialog)
    assert dialog.identifier_edit.text() == "brambleoak.co.uk"
    assert dialog.ticked_operators() == ["Fasthosts"]
    choose(qtbot, dialog.status_combo, "Suspended")
    qtbot.keyClick(dialog.identifier_edit, Qt.Key.Key_Return)

    assert not dialog.isVisible()
    row = shown(screen).index("brambleoak.co.uk")
    assert screen.model.index(row, Column.STATUS).data() == "Suspended"
    assert screen.selected_row() is not None and screen.selected_row().identifier == "brambleoak.co.uk"  # type: ignore[union-attr]


def test_clear_forgets_every_row(screen: ServicesScreen) -> None:
    screen.clear()
    assert screen.model.rowCount() == 0
    assert screen.count_label.text() == ""
    assert screen.operator_combo.count() == 1


# --- the model: pages and stale answers ------------------------------------------------------------------------------


def rows(count: int) -> list[ServiceRow]:
    return [
        ServiceRow(i, ServiceKind.WEB_HOSTING, f"site{i:03d}.example", ServiceStatus.ACTIVE, "C-00001", "A", None, None)
        for i in range(count)
    ]


def test_the_model_loads_in_pages(qtmodeltester: Any) -> None:
    every = rows(12)
    asked: list[tuple[int, int]] = []

    def loader(query: ServiceQuery, offset: int, limit: int) -> list[ServiceRow]:
        asked.append((offset, limit))
        return every[offset : offset + limit]

    model = ServiceTableModel(SyncTaskRunner(), loader, page_size=5)
    model.set_query(ServiceQuery())
    assert model.rowCount() == 5 and model.has_more
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 12 and not model.has_more
    assert asked == [(0, 5), (5, 5), (10, 5)]
    assert model.index(11, Column.SERVICE).data() == "site011.example"
    qtmodeltester.check(model)
    model.clear()
    assert model.rowCount() == 0 and not model.canFetchMore(QModelIndex())
    qtmodeltester.check(model)


def test_a_page_of_an_earlier_query_is_dropped() -> None:
    tasks = DeferredTaskRunner()

    def loader(query: ServiceQuery, offset: int, limit: int) -> list[ServiceRow]:
        return [r for r in rows(6) if query.text in r.identifier][offset : offset + limit]

    model = ServiceTableModel(tasks, loader)
    model.set_query(ServiceQuery(text="site00"))
    model.set_query(ServiceQuery(text="site005"))
    tasks.run_all(order=lambda jobs: list(reversed(jobs)))  # the newer answer arrives first
    assert [model.index(r, Column.SERVICE).data() for r in range(model.rowCount())] == ["site005.example"]


def test_the_screen_shows_only_the_latest_search(show: Show, admin_ctx: AppContext, agency: Agency) -> None:
    tasks = DeferredTaskRunner()
    screen = show(ServicesScreen(AppContext(admin_ctx.register_dir, tasks, signed_in=admin_ctx.signed_in)), SIZE)
    screen.refresh()
    tasks.run_all()
    assert len(shown(screen)) == 4
    screen.search("harbour")
    screen.search("kernow")  # the clerk went on typing before the first answer came
    assert screen.count_label.text() == "Searching…"
    tasks.run_all(order=lambda jobs: list(reversed(jobs)))  # and the answers arrive newest first
    assert shown(screen) == []
    assert screen.count_label.text() == "No services match."


# --- the service dialog ----------------------------------------------------------------------------------------------


@pytest.fixture
def add_dialog(show: Show, admin_ctx: AppContext, agency: Agency) -> ServiceDialog:
    return show(ServiceDialog(admin_ctx, agency.kernow))


def services_of(who: Any, ref: str) -> list[tuple[str, ServiceInput]]:
    with who.register.session() as s:
        found = services.list_services(s, ServiceQuery(text=ref))
        return [services.get_service(s, row.id) for row in found]


def test_an_invalid_domain_is_refused_then_a_valid_one_saved(
    qtbot: Any, add_dialog: ServiceDialog, admin_ctx: AppContext, agency: Agency
) -> None:
    dialog = add_dialog
    choose(qtbot, dialog.kind_combo, "Domain")
    assert dialog.identifier_label.text() == "&Domain name:"
    assert dialog.registrant_box.isVisible()
    qtbot.keyClicks(dialog.identifier_edit, "kernow plumbing")
    tick(qtbot, dialog.operators_list, "Fasthosts")
    qtbot.keyClicks(dialog.renewal_edit, "2027-02-28")
    qtbot.keyClicks(dialog.registrant_name_edit, "Kernow Plumbing Ltd")
    qtbot.keyClick(dialog.registrant_name_edit, Qt.Key.Key_Return)

    message = dialog.problems.label("identifier")
    assert dialog.isVisible()
    assert message.isVisible() and "is not a domain name" in message.text()
    assert dialog.identifier_edit.hasFocus()
    assert services_of(admin_ctx.who, agency.kernow) == []

    dialog.identifier_edit.selectAll()
    qtbot.keyClicks(dialog.identifier_edit, "KernowPlumbing.co.uk")
    assert not message.isVisible()  # typing clears the message
    qtbot.keyClick(dialog.identifier_edit, Qt.Key.Key_Return)

    assert not dialog.isVisible() and dialog.result() == ServiceDialog.DialogCode.Accepted
    [(ref, saved)] = services_of(admin_ctx.who, agency.kernow)
    assert ref == agency.kernow and dialog.saved_id is not None
    assert saved.kind is ServiceKind.DOMAIN_REGISTRATION
    assert saved.identifier == "kernowplumbing.co.uk"
    assert saved.operators == ["Fasthosts"]
    assert saved.renewal_date == date(2027, 2, 28)
    assert saved.registrant_name == "Kernow Plumbing Ltd"


def test_the_registrant_shows_only_for_domain_registrations(qtbot: Any, add_dialog: ServiceDialog) -> None:
    choose(qtbot, add_dialog.kind_combo, "Web")
    assert not add_dialog.registrant_box.isVisible()
    assert add_dialog.identifier_label.text() == "&Domain or name:"
    choose(qtbot, add_dialog.kind_combo, "Domain")
    assert add_dialog.registrant_box.isVisible()


def test_each_problem_shows_under_its_field(
    qtbot: Any, add_dialog: ServiceDialog, admin_ctx: AppContext, agency: Agency
) -> None:
    dialog = add_dialog
    dialog.activateWindow()
    qtbot.waitActive(dialog)
    choose(qtbot, dialog.kind_combo, "Domain")
    qtbot.keyClicks(dialog.identifier_edit, "kernow.example")
    qtbot.mouseClick(dialog.start_edit, Qt.MouseButton.LeftButton)
    assert dialog.start_edit.hasFocus()
    qtbot.keyClicks(dialog.start_edit, "31/02/2026")
    qtbot.keyClick(dialog.start_edit, Qt.Key.Key_Tab)  # leaving the field checks it
    assert "is not a date" in dialog.problems.message("start_date")

    dialog.start_edit.selectAll()
    qtbot.keyClicks(dialog.start_edit, "01/06/2026")
    qtbot.keyClicks(dialog.end_edit, "2026-05-01")
    qtbot.keyClicks(dialog.line1_edit, "1 Quay Street")
    qtbot.keyClicks(dialog.postcode_edit, "NOT A POSTCODE")
    qtbot.keyClicks(dialog.registrant_email_edit, "morwenna@")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    assert dialog.isVisible()
    assert dialog.problems.message("start_date") == ""
    assert dialog.problems.message("end_date") == "The service cannot end before it starts."
    assert "is not a UK postcode" in dialog.problems.message("registrant_address.postcode")
    assert "is not a valid email address" in dialog.problems.message("registrant_email")
    assert dialog.start_edit.text() == "01/06/2026"
    assert services_of(admin_ctx.who, agency.kernow) == []

    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and dialog.result() == ServiceDialog.DialogCode.Rejected
    assert services_of(admin_ctx.who, agency.kernow) == []


def test_editing_shows_the_service_and_saves_the_change(
    qtbot: Any, show: Show, admin_ctx: AppContext, agency: Agency
) -> None:
    with admin_ctx.who.register.session() as s:
        [service_id] = [
            r.id
            for r in services.list_services(s, ServiceQuery(text=agency.harbour))
            if r.kind is ServiceKind.DOMAIN_REGISTRATION
        ]
    dialog = show(ServiceDialog(admin_ctx, agency.harbour, service_id))
    assert dialog.windowTitle() == f"harbourlights.co.uk ({agency.harbour})"
    assert dialog.kind() is ServiceKind.DOMAIN_REGISTRATION
    assert dialog.renewal_edit.text() == "31/03/2026"
    assert dialog.registrant_name_edit.text() == "Morwenna Penrose"
    assert dialog.ticked_operators() == ["GoDaddy"]

    tick(qtbot, dialog.operators_list, "Fasthosts")
    dialog.renewal_edit.selectAll()
    qtbot.keyClicks(dialog.renewal_edit, "31.03.2027")
    qtbot.keyClick(dialog.renewal_edit, Qt.Key.Key_Enter)

    assert not dialog.isVisible()
    with admin_ctx.who.register.session() as s:
        _, after = services.get_service(s, service_id)
    assert sorted(after.operators) == ["Fasthosts", "GoDaddy"]
    assert after.renewal_date == date(2027, 3, 31)
    assert after.registrant_name == "Morwenna Penrose"
