"""The client form, filled in like a clerk: messages as fields are left, nothing saved while anything is wrong,
the same client found before a second one is added."""

from __future__ import annotations

import json
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPushButton

from hartdesk.register import clients
from hartdesk.register.clients import ClientDetail
from hartdesk.security import audit
from hartdesk.ui.client_detail import ClientDetailDialog
from hartdesk.ui.client_form import ClientFormDialog
from hartdesk.ui.context import AppContext
from hartdesk.ui.screens.clients import ClientsScreen
from tests.ui.helpers import OpenScreen, Show, column, open_child
from tests.ui.test_clients_screen import SIZE, Clients, fill_register
from tests.ui.test_clients_screen import Column as ListColumn


@pytest.fixture
def refs(signed_in_admin: Any) -> Clients:
    return fill_register(signed_in_admin)


def stored(ctx: AppContext, ref: str) -> ClientDetail:
    with ctx.who.register.session() as session:
        return clients.get_client(session, ref)


def audit_rows(ctx: AppContext, ref: str) -> list[audit.AuditRow]:
    with ctx.who.register.session() as session:
        return audit.query(session, target=f"client:{ref}")


def retype(qtbot: Any, edit: QLineEdit, text: str) -> None:
    """Empty the field and type ``text``, then leave it with Tab (which checks it)."""
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    if text:
        qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Tab)


@pytest.fixture
def edit_acme(show: Show, admin_ctx: AppContext, refs: Clients) -> ClientFormDialog:
    form = show(ClientFormDialog(admin_ctx, refs.acme), (980, 700))
    form.activateWindow()
    return form


def test_the_form_shows_the_client(edit_acme: ClientFormDialog) -> None:
    form = edit_acme
    assert form.windowTitle() == "Edit C-00002 Acme Widgets Ltd"
    assert form.name_edit.text() == "Acme Widgets Ltd"
    assert form.trading_name_edit.text() == "Acme"
    assert form.vat_edit.text() == "GB980780684"
    (contact,) = form.contact_editors
    assert contact.name_edit.text() == "Ñoño Đorđević"
    assert contact.emails_edit.text() == "nono@acme.example"
    assert contact.phones_edit.text() == "+33 1 23 45 67 89"
    assert contact.primary_radio.isChecked()
    billing = form.address_editors[0]
    assert (billing.title(), billing.postcode_edit.text(), billing.country_combo.currentText()) == (
        "&Billing address",
        "LS1 4AP",
        "United Kingdom",
    )
    assert form.address_editors[1].title() == "&Postal address"
    assert form.address_editors[1].is_blank()


def test_wrong_fields_are_named_as_they_are_left_and_nothing_is_saved(
    qtbot: Any, edit_acme: ClientFormDialog, admin_ctx: AppContext, refs: Clients
) -> None:
    form = edit_acme
    before = stored(admin_ctx, refs.acme)
    contact = form.contact_editors[0]
    billing = form.address_editors[0]

    retype(qtbot, form.vat_edit, "GB123")
    vat_error = form.fields["vat_number"].error
    assert vat_error.isVisible()
    assert vat_error.text() == "“GB123” is not a valid VAT number (for example GB980780684)."

    retype(qtbot, contact.emails_edit, "nono@acme.example, accounts@")
    emails_error = contact.fields["emails"].error
    assert emails_error.isVisible() and "“accounts@” is not a valid email address" in emails_error.text()

    retype(qtbot, contact.phones_edit, "0207 946")
    assert "“0207 946” is not a valid phone number" in contact.fields["phones"].error.text()

    retype(qtbot, billing.postcode_edit, "LSX 4AP")
    assert billing.fields["postcode"].error.text() == "“LSX 4AP” is not a UK postcode (for example SW1A 1AA)."

    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.isVisible()
    assert form.error_label.text() == "Correct the 4 fields marked in red."
    assert form.focusWidget() is form.vat_edit  # the first wrong field
    assert stored(admin_ctx, refs.acme) == before
    assert [r.action for r in audit_rows(admin_ctx, refs.acme)].count("client.updated") == 0

    # A message goes once the field is corrected and left.
    retype(qtbot, form.vat_edit, "GB 980 7806 84")
    assert not vat_error.isVisible()
    retype(qtbot, contact.emails_edit, "nono@acme.example, accounts@acme.example")
    retype(qtbot, contact.phones_edit, "0113 496 0999")
    retype(qtbot, billing.postcode_edit, "ls2 7hy")
    assert not any(f.error.isVisible() for f in [*contact.fields.values(), *billing.fields.values()])

    qtbot.keyClick(form.name_edit, Qt.Key.Key_Return)  # Enter saves
    assert not form.isVisible()
    assert form.saved_ref == refs.acme
    after = stored(admin_ctx, refs.acme)
    assert after.contacts[0].emails == ("nono@acme.example", "accounts@acme.example")
    assert after.contacts[0].phones == ("+441134960999",)
    assert after.addresses[0].postcode == "LS2 7HY"
    assert after.vat_number == "GB980780684"
    (row,) = [r for r in audit_rows(admin_ctx, refs.acme) if r.action == "client.updated"]
    assert row.actor == "alice"
    assert set(json.loads(row.details)["fields"]) == {"contacts", "addresses"}


def test_a_problem_in_a_second_contact_shows_under_that_contact(
    qtbot: Any, edit_acme: ClientFormDialog, admin_ctx: AppContext, refs: Clients
) -> None:
    form = edit_acme
    qtbot.mouseClick(form.add_contact_button, Qt.MouseButton.LeftButton)
    first, second = form.contact_editors
    assert second.title() == "Contact 2"
    assert form.focusWidget() is second.name_edit
    qtbot.keyClicks(second.emails_edit, "ida@bramble")  # no name either
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)

    assert second.fields["name"].error.text() == "Enter the contact's name."
    assert "“ida@bramble” is not a valid email address" in second.fields["emails"].error.text()
    assert not first.fields["emails"].error.isVisible()
    assert not first.fields["name"].error.isVisible()
    assert len(stored(admin_ctx, refs.acme).contacts) == 1

    retype(qtbot, second.name_edit, "Ida Finch")
    retype(qtbot, second.emails_edit, "ida@bramble.example")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert not form.isVisible()
    assert [c.name for c in stored(admin_ctx, refs.acme).contacts] == ["Ñoño Đorđević", "Ida Finch"]


def test_a_card_number_is_refused(qtbot: Any, edit_acme: ClientFormDialog) -> None:
    retype(qtbot, edit_acme.payment_edit, "4111 1111 1111 1111")
    assert "looks like a payment card number" in edit_acme.fields["payment_reference"].error.text()


def test_esc_cancels_without_saving(
    qtbot: Any, edit_acme: ClientFormDialog, admin_ctx: AppContext, refs: Clients
) -> None:
    retype(qtbot, edit_acme.name_edit, "Renamed Ltd")
    qtbot.keyClick(edit_acme.name_edit, Qt.Key.Key_Escape)
    assert not edit_acme.isVisible()
    assert stored(admin_ctx, refs.acme).name == "Acme Widgets Ltd"


def test_a_new_client_with_an_email_already_held_offers_the_existing_one(
    qtbot: Any, open_screen: OpenScreen, refs: Clients
) -> None:
    screen = open_screen(ClientsScreen, SIZE)
    qtbot.mouseClick(screen.new_button, Qt.MouseButton.LeftButton)
    form = open_child(screen, ClientFormDialog)
    assert form.windowTitle() == "New client"
    assert form.focusWidget() is form.name_edit
    qtbot.keyClicks(form.name_edit, "Zoe Ozturk Design")
    contact = form.contact_editors[0]
    qtbot.keyClicks(contact.name_edit, "Zoe Ozturk")  # QTest types ASCII only
    qtbot.keyClicks(contact.emails_edit, "ZOE@lukasiewicz.example")
    qtbot.keyClick(contact.emails_edit, Qt.Key.Key_Return)

    assert form.isVisible()
    assert form.duplicates_panel.isVisible()
    assert "C-00001 Zoë Łukasiewicz-Öztürk: the same email zoe@lukasiewicz.example." in [
        label.text() for label in form.duplicates_panel.findChildren(type(form.error_label))
    ]
    assert screen.model.rowCount() == 4  # nothing saved

    qtbot.mouseClick(open_child(form, QPushButton, f"open_{refs.zoe}_button"), Qt.MouseButton.LeftButton)
    assert not form.isVisible()
    detail = open_child(screen, ClientDetailDialog)
    assert detail.ref == refs.zoe
    assert screen.model.rowCount() == 4


def test_save_anyway_adds_a_client_sharing_an_email(qtbot: Any, open_screen: OpenScreen, refs: Clients) -> None:
    screen = open_screen(ClientsScreen, SIZE)
    qtbot.mouseClick(screen.new_button, Qt.MouseButton.LeftButton)
    form = open_child(screen, ClientFormDialog)
    qtbot.keyClicks(form.name_edit, "Finch Bookkeeping")
    qtbot.keyClicks(form.contact_editors[0].name_edit, "Ida Finch")
    qtbot.keyClicks(form.contact_editors[0].emails_edit, "accounts@bramble.example")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.duplicates_panel.isVisible()
    qtbot.mouseClick(form.save_anyway_button, Qt.MouseButton.LeftButton)

    assert not form.isVisible()
    assert "Finch Bookkeeping" in column(screen.table, ListColumn.NAME)
    assert screen.count_label.text() == "5 clients"


def test_a_customer_centre_reference_held_by_another_client_is_refused(
    qtbot: Any, show: Show, admin_ctx: AppContext, refs: Clients
) -> None:
    form = show(ClientFormDialog(admin_ctx), (980, 700))
    qtbot.keyClicks(form.name_edit, "Someone Else")
    qtbot.keyClicks(form.customer_centre_edit, "cc-1001")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)

    message = "C-00001 Zoë Łukasiewicz-Öztürk already has the Customer Centre reference cc-1001."
    assert form.fields["customer_centre_ref"].error.text() == message
    assert form.duplicates_panel.isVisible()
    assert not [b for b in form.duplicates_panel.findChildren(QPushButton) if b.objectName() == "save_anyway_button"]
    assert form.isVisible()
    with admin_ctx.who.register.session() as session:
        assert clients.find_duplicates(session, clients.ClientInput(name="x", customer_centre_ref="CC-1001")) == [
            clients.Duplicate(refs.zoe, "Zoë Łukasiewicz-Öztürk", "Customer Centre reference CC-1001")
        ]
        assert "Someone Else" not in [r.name for r in clients_list(session)]


def clients_list(session: Any) -> list[Any]:
    from hartdesk.register import search

    return search.list_clients(session, search.ClientQuery())


def test_the_register_refusing_shows_its_message(qtbot: Any, show: Show, admin_ctx: AppContext, refs: Clients) -> None:
    """A Customer Centre reference taken by another client between the check and the save: the register's own
    DuplicateError shows in words."""
    form = show(ClientFormDialog(admin_ctx, refs.acme), (980, 700))
    retype(qtbot, form.customer_centre_edit, "CC-1001")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)  # an edit: the register itself refuses
    assert form.isVisible()
    assert form.error_label.text() == (
        "C-00001 Zoë Łukasiewicz-Öztürk already has the Customer Centre reference CC-1001."
    )
    assert open_child(form, QPushButton, f"open_{refs.zoe}_button")
    assert stored(admin_ctx, refs.acme).customer_centre_ref == ""
