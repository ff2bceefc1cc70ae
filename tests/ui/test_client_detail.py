"""A client's window, used like a clerk: read each tab, change the status, record consent, edit the client."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton, QTableView

from hartdesk import settings as settings_mod
from hartdesk.models import ClientStatus, InvoiceStatus, PolicyDocument
from hartdesk.register import clients, services
from hartdesk.security import audit
from hartdesk.ui.client_detail import ClientDetailDialog
from hartdesk.ui.client_form import ClientFormDialog
from hartdesk.ui.consent_dialog import ConsentDialog
from hartdesk.ui.context import AppContext
from tests.conftest import ADMIN
from tests.ui.helpers import Show, cells, open_child
from tests.ui.test_clients_screen import Clients, fill_register, restrict_client

SIZE = (940, 640)


@pytest.fixture
def refs(signed_in_admin: Any) -> Clients:
    return fill_register(signed_in_admin)


@pytest.fixture
def open_detail(show: Show, admin_ctx: AppContext, refs: Clients) -> Any:
    def open_detail(ref: str) -> ClientDetailDialog:
        return show(ClientDetailDialog(admin_ctx, ref), SIZE)

    return open_detail


def show_tab(qtbot: Any, dialog: ClientDetailDialog, title: str) -> None:
    index = next(i for i in range(dialog.tabs.count()) if re.sub("&(.)", r"\1", dialog.tabs.tabText(i)) == title)
    qtbot.mouseClick(dialog.tabs.tabBar(), Qt.MouseButton.LeftButton, pos=dialog.tabs.tabBar().tabRect(index).center())
    assert dialog.tabs.currentIndex() == index


def confirm(qtbot: Any, parent: Any, name: str) -> None:
    box = open_child(parent, QMessageBox, name)
    qtbot.mouseClick(open_child(box, QPushButton, "yes_button"), Qt.MouseButton.LeftButton)


def test_the_header_and_details(open_detail: Any, refs: Clients) -> None:
    dialog = open_detail(refs.acme)
    assert dialog.windowTitle() == "C-00002 Acme Widgets Ltd"
    assert dialog.ref_label.text() == "C-00002"
    assert dialog.name_label.text() == "Acme Widgets Ltd"
    assert dialog.status_badge.text() == "Active"
    assert dialog.trading_label.text() == "Trading as Acme"
    values = {key: label.text() for key, label in dialog.detail_values.items()}
    assert values["kind"] == "Organisation"
    assert values["vat_number"] == "GB980780684"
    assert values["opened_on"] == "1 March 2022"
    assert values["customer_centre_ref"] == "—"


def test_contacts_addresses_and_services(qtbot: Any, open_detail: Any, refs: Clients) -> None:
    dialog = open_detail(refs.zoe)
    show_tab(qtbot, dialog, "Contacts & addresses")
    assert cells(dialog.contacts_table) == [
        ["Zoë Łukasiewicz-Öztürk", "(primary)", "zoe@lukasiewicz.example", "020 7946 0018"]
    ]
    assert cells(dialog.addresses_table) == [["Billing", "4 Quay Street, Truro", "TR1 2HD", "United Kingdom"]]
    show_tab(qtbot, dialog, "Services")
    assert cells(dialog.services_table) == [
        ["Domain registration", "lukasiewicz.example", "", "Active", "", "", "Fasthosts"]
    ]


def test_invoices_show_the_amount_in_pounds_right_aligned(
    qtbot: Any, open_detail: Any, admin_ctx: AppContext, refs: Clients
) -> None:
    with admin_ctx.who.register.session() as s:
        services.add_invoice(
            s, ADMIN, refs.acme, services.InvoiceInput("INV-7", date(2025, 3, 31), 134550, InvoiceStatus.PAID, "Acme")
        )
    dialog = open_detail(refs.acme)
    show_tab(qtbot, dialog, "Invoices")
    assert cells(dialog.invoices_table) == [["INV-7", "31/03/2025", "£1,345.50", "Paid", "Acme", ""]]
    alignment = dialog.invoices_model.index(0, 2).data(Qt.ItemDataRole.TextAlignmentRole)
    assert alignment & int(Qt.AlignmentFlag.AlignRight)
    assert dialog.invoices_total.text() == "1 invoice, £1,345.50 in total (void ones left out)."


def test_suspend_then_reopen_after_confirming(
    qtbot: Any, open_detail: Any, admin_ctx: AppContext, refs: Clients
) -> None:
    dialog = open_detail(refs.acme)
    changed: list[str] = []
    dialog.client_changed.connect(changed.append)
    assert not dialog.reopen_button.isEnabled()

    qtbot.mouseClick(dialog.suspend_button, Qt.MouseButton.LeftButton)
    box = open_child(dialog, QMessageBox, "status_confirmation")
    qtbot.keyClick(box, Qt.Key.Key_Escape)  # Esc cancels
    assert dialog.status_badge.text() == "Active"

    qtbot.mouseClick(dialog.suspend_button, Qt.MouseButton.LeftButton)
    confirm(qtbot, dialog, "status_confirmation")
    qtbot.waitUntil(lambda: dialog.status_badge.text() == "Suspended")
    assert changed == [refs.acme]
    assert dialog.reopen_button.isEnabled() and not dialog.suspend_button.isEnabled()

    qtbot.mouseClick(dialog.reopen_button, Qt.MouseButton.LeftButton)
    confirm(qtbot, dialog, "status_confirmation")
    qtbot.waitUntil(lambda: dialog.status_badge.text() == "Active")
    with admin_ctx.who.register.session() as s:
        rows = audit.query(s, target=f"client:{refs.acme}", action="client.status")
    assert [r.details for r in rows] == [
        '{"from": "suspended", "to": "active"}',
        '{"from": "active", "to": "suspended"}',
    ]


def test_record_consent_given_then_withdrawn(
    qtbot: Any, open_detail: Any, admin_ctx: AppContext, refs: Clients
) -> None:
    dialog = open_detail(refs.acme)
    show_tab(qtbot, dialog, "Consent")
    assert "None recorded." in dialog.consent_state.text()
    assert cells(dialog.consents_table) == []

    qtbot.mouseClick(dialog.give_consent_button, Qt.MouseButton.LeftButton)
    consent = open_child(dialog, ConsentDialog)
    qtbot.mouseClick(consent.ok_button, Qt.MouseButton.LeftButton)  # how it was given is required
    assert consent.isVisible()
    assert consent.error_label.text() == "Say how the client gave their consent."

    qtbot.keyClicks(consent.method_combo, "Ticked the box on the order form")
    qtbot.keyClicks(consent.note_edit, "Order 1182")
    qtbot.keyClick(consent.note_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Given" in dialog.consent_state.text())
    assert not consent.isVisible()
    assert "(Ticked the box on the order form)" in dialog.consent_state.text()
    ((when, change, how, by, note),) = cells(dialog.consents_table)
    assert (change, how, by, note) == ("Given", "Ticked the box on the order form", "alice", "Order 1182")
    assert datetime.strptime(when, "%d/%m/%Y %H:%M")

    qtbot.mouseClick(dialog.withdraw_consent_button, Qt.MouseButton.LeftButton)
    withdrawal = open_child(dialog, ConsentDialog)
    assert withdrawal.windowTitle() == "Record withdrawal of consent"
    qtbot.keyClicks(withdrawal.method_combo, "By phone")
    qtbot.mouseClick(withdrawal.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Withdrawn" in dialog.consent_state.text())
    assert "Do not send this client marketing emails." in dialog.consent_state.text()
    assert [row[1] for row in cells(dialog.consents_table)] == ["Given", "Withdrawn"]
    with admin_ctx.who.register.session() as s:
        assert clients.get_client(s, refs.acme).marketing_consent == "withdrawn"
        actions = [r.action for r in audit.query(s, target=f"client:{refs.acme}")]
    assert actions[:2] == ["consent.withdrawn", "consent.given"]


def test_a_policy_not_accepted_in_its_current_version_is_flagged(
    qtbot: Any, open_detail: Any, admin_ctx: AppContext, refs: Clients
) -> None:
    with admin_ctx.who.register.session() as s:
        current = settings_mod.load(s)
        settings_mod.save(s, current.with_changes(privacy_policy_version="2026-03", terms_version=""))
        clients.record_acceptance(
            s, ADMIN, refs.zoe, PolicyDocument.PRIVACY_POLICY, "2025-01", datetime(2025, 1, 10, 12, tzinfo=UTC), "Web"
        )
        clients.record_acceptance(s, ADMIN, refs.acme, PolicyDocument.PRIVACY_POLICY, "2026-03", method="Web")
    zoe = open_detail(refs.zoe)
    show_tab(qtbot, zoe, "Consent")
    assert zoe.policy_warning.isVisible()
    assert "Has not accepted the current privacy policy (version 2026-03)" in zoe.policy_warning.text()
    assert "they last accepted version 2025-01 on 10 January 2025" in zoe.policy_warning.text()
    assert cells(zoe.acceptances_table)[0][:2] == ["Privacy policy", "2025-01"]

    acme = open_detail(refs.acme)
    show_tab(qtbot, acme, "Consent")
    assert not acme.policy_warning.isVisible()


def test_who_holds_what_names_the_operator(qtbot: Any, open_detail: Any, refs: Clients) -> None:
    dialog = open_detail(refs.zoe)
    show_tab(qtbot, dialog, "Who holds what")
    categories = {row[0]: row for row in cells(dialog.categories_table)}
    assert {"Identity", "Contact details", "Domain registrant"} <= set(categories)
    assert categories["Identity"][2] == "Contract (Art. 6(1)(b))"
    ((operator, country, safeguard, held, via),) = cells(dialog.recipients_table)
    assert (operator, country) == ("Fasthosts", "United Kingdom")
    assert safeguard == "Not needed (processed in the UK)"
    assert held == "Domain registrant"
    assert via == "lukasiewicz.example (Domain registration)"
    assert dialog.holds_intro.text().endswith(
        f"we hold {len(categories)} categories of data about this client, and 1 operator receives some of it."
    )


def test_edit_with_ctrl_e_saves_and_the_window_shows_it(
    qtbot: Any, open_detail: Any, admin_ctx: AppContext, refs: Clients
) -> None:
    dialog = open_detail(refs.acme)
    changed: list[str] = []
    dialog.client_changed.connect(changed.append)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.keyClick(dialog.tabs, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    form = open_child(dialog, ClientFormDialog)
    assert form.name_edit.text() == "Acme Widgets Ltd"
    form.name_edit.selectAll()
    qtbot.keyClicks(form.name_edit, "Acme Sprockets Ltd")
    qtbot.keyClick(form.name_edit, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: dialog.name_label.text() == "Acme Sprockets Ltd")
    assert changed == [refs.acme]
    show_tab(qtbot, dialog, "Activity")
    assert cells(dialog.activity_table)[0][1:] == ["alice", "client.updated", "fields: name"]


def test_delete_a_service_entered_by_mistake(
    qtbot: Any, open_detail: Any, admin_ctx: AppContext, refs: Clients
) -> None:
    dialog = open_detail(refs.acme)
    show_tab(qtbot, dialog, "Services")
    assert not dialog.delete_service_button.isEnabled()
    dialog.services_table.selectRow(0)
    qtbot.mouseClick(dialog.delete_service_button, Qt.MouseButton.LeftButton)
    confirm(qtbot, dialog, "delete_service_confirmation")
    qtbot.waitUntil(lambda: cells(dialog.services_table) == [])
    with admin_ctx.who.register.session() as s:
        assert clients.get_client(s, refs.acme).services == ()


def test_an_erased_or_missing_client(open_detail: Any, refs: Clients) -> None:
    dialog = open_detail("C-09999")
    assert dialog.error_label.isVisible()
    assert dialog.error_label.text() == "There is no client C-09999."
    assert not dialog.edit_button.isEnabled()


def test_an_erased_clients_window_is_a_tombstone_with_its_invoices_kept_until_their_date(
    qtbot: Any, show: Show, admin_ctx: AppContext
) -> None:
    from hartdesk.privacy import erasure
    from tests.privacy.erasure_scenario import TODAY, build

    sc = build(admin_ctx.who)
    with admin_ctx.who.register.session() as s:
        settings = settings_mod.load(s)
        plan = erasure.plan(s, sc.client_ref, settings, TODAY, request_ref=sc.request_ref)
    erasure.erase(admin_ctx.who.register, ADMIN, plan, settings, TODAY)
    dialog = show(ClientDetailDialog(admin_ctx, sc.client_ref), SIZE)
    assert dialog.name_label.text() == f"Erased client {sc.client_ref}"
    assert dialog.status_badge.text() == "Erased"
    assert not dialog.edit_button.isEnabled()
    show_tab(qtbot, dialog, "Invoices")
    kept = {row[0]: row[-1] for row in cells(dialog.invoices_table)}
    assert kept == {"INV-7001": "31/03/2030", "INV-7002": "31/03/2032"}


def test_a_closed_client_can_only_be_reopened(open_detail: Any, refs: Clients) -> None:
    dialog = open_detail(refs.oresund)
    assert dialog.status_badge.text() == ClientStatus.CLOSED.label
    assert dialog.reopen_button.isEnabled()
    assert not dialog.suspend_button.isEnabled() and not dialog.close_account_button.isEnabled()
    assert dialog.detail_values["status"].text().startswith("Closed since ")


def test_a_restricted_client_shows_a_banner_that_an_administrator_lifts(
    qtbot: Any, open_detail: Any, admin_ctx: AppContext, refs: Clients
) -> None:
    from PySide6.QtWidgets import QPlainTextEdit

    from hartdesk.ui.rights_dialogs import LiftRestrictionDialog

    dialog = open_detail(refs.zoe)
    assert not dialog.restriction_banner.isVisible()
    request, sentence = restrict_client(admin_ctx.who, refs.zoe)
    dialog.reload()
    assert dialog.restriction_banner.isVisible()
    assert dialog.restriction_label.text() == sentence
    assert request in sentence and "only stored, not used" in sentence
    assert dialog.detail_values["status"].text() == "Active · restricted (see above)"
    assert dialog.lift_button.isVisible()
    changed: list[str] = []
    dialog.client_changed.connect(changed.append)

    qtbot.mouseClick(dialog.lift_button, Qt.MouseButton.LeftButton)
    lift = open_child(dialog, LiftRestrictionDialog)
    assert sentence in lift.restriction_label.text()
    qtbot.mouseClick(lift.ok_button, Qt.MouseButton.LeftButton)  # no reason yet: refused, nothing written
    assert lift.problems.message("reason") == "Say when the person was told and why the restriction ends."
    assert lift.isVisible() and dialog.restriction_banner.isVisible()
    reason_edit = lift.findChild(QPlainTextEdit, "reason_edit")
    qtbot.keyClicks(reason_edit, "Told the client on 25/11/2026; the dispute is settled")
    qtbot.mouseClick(lift.ok_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: not dialog.restriction_banner.isVisible())
    assert not lift.isVisible()
    assert changed == [refs.zoe]
    assert dialog.detail_values["status"].text() == "Active"
    with admin_ctx.who.register.session() as s:
        rows = audit.query(s, target=f"client:{refs.zoe}", action="client.restriction-lifted")
    assert len(rows) == 1 and "sealed" in rows[0].details and "dispute" not in rows[0].details


def test_only_an_administrator_can_lift_a_restriction(show: Show, admin_ctx: AppContext, refs: Clients) -> None:
    from dataclasses import replace

    from hartdesk.models import Role
    from hartdesk.security.signin import Identity, SignedIn
    from tests.conftest import STAFF

    _request, sentence = restrict_client(admin_ctx.who, refs.zoe)
    bob = SignedIn(admin_ctx.who.register, Identity(2, STAFF, "Bob Clerk", Role.STAFF))
    dialog = show(ClientDetailDialog(replace(admin_ctx, signed_in=bob), refs.zoe), SIZE)
    assert dialog.restriction_banner.isVisible()
    assert dialog.restriction_label.text() == sentence
    assert not dialog.lift_button.isVisible()


def test_every_table_of_the_window_passes_the_model_tester(open_detail: Any, refs: Clients, qtmodeltester: Any) -> None:
    dialog = open_detail(refs.zoe)
    tables = dialog.findChildren(QTableView)
    assert len(tables) >= 8
    for table in tables:
        qtmodeltester.check(table.model())
