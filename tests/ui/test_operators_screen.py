"""The Operators screen, the operator form and the data categories, driven like an administrator (and a clerk)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QMessageBox, QPushButton, QTableView

from hartdesk.models import LawfulBasis, RetentionKind, ServiceKind, TransferSafeguard
from hartdesk.register import operators
from hartdesk.security.signin import sign_in
from hartdesk.ui.categories_dialog import DISCARD, CategoriesDialog
from hartdesk.ui.context import AppContext
from hartdesk.ui.models.operator_model import (
    OperatorColumn,
    OperatorDataRole,
    OperatorTableModel,
    RuleColumn,
    RuleTableModel,
    ServedClientModel,
    ServedColumn,
)
from hartdesk.ui.operator_form import OperatorFormDialog, RuleDialog
from hartdesk.ui.screens.operators import OperatorsScreen
from hartdesk.ui.tasks import SyncTaskRunner
from tests.conftest import STAFF, STAFF_PASSWORD
from tests.ui.helpers import OpenScreen, Show, column, open_child
from tests.ui.test_services_screen import Agency, choose, fill_agency

SIZE = (1100, 720)


@pytest.fixture
def agency(signed_in_admin: Any) -> Agency:
    return fill_agency(signed_in_admin)


@pytest.fixture
def screen(open_screen: OpenScreen, agency: Agency) -> OperatorsScreen:
    return open_screen(OperatorsScreen, SIZE)


def click_row(qtbot: Any, table: QTableView, text: str, col: int = 0) -> None:
    row = column(table, col).index(text)
    rect = table.visualRect(table.model().index(row, col))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert [i.row() for i in table.selectionModel().selectedRows()] == [row]


def confirm(qtbot: Any, screen: OperatorsScreen, name: str) -> None:
    box = open_child(screen, QMessageBox, name)
    qtbot.mouseClick(open_child(box, QPushButton, "yes_button"), Qt.MouseButton.LeftButton)


def test_the_table_lists_every_operator(screen: OperatorsScreen, qtmodeltester: Any) -> None:
    assert column(screen.table, OperatorColumn.NAME) == [
        "Amazon S3",
        "Fasthosts",
        "GoDaddy",
        "Mailchimp",
        "Platinum Server Management",
    ]
    godaddy = {c: screen.model.index(2, c).data() for c in OperatorColumn}
    assert godaddy[OperatorColumn.ROLE] == "Domain registrar"
    assert godaddy[OperatorColumn.COUNTRY] == "United States"
    assert godaddy[OperatorColumn.SAFEGUARD] == "IDTA"
    assert godaddy[OperatorColumn.DPA] == "Requested"
    assert godaddy[OperatorColumn.SERVICES] == "1"
    assert godaddy[OperatorColumn.EVERY_CLIENT] == ""
    assert screen.model.index(3, OperatorColumn.EVERY_CLIENT).data() == "Yes"  # Mailchimp: a rule for every client
    assert screen.model.index(2, OperatorColumn.SAFEGUARD).data(Qt.ItemDataRole.ToolTipRole) == (
        TransferSafeguard.IDTA.label
    )
    assert not screen.tabs.isEnabled()  # nothing chosen yet
    qtmodeltester.check(screen.model)


def test_opening_an_operator_shows_its_categories_and_clients(
    qtbot: Any, screen: OperatorsScreen, agency: Agency, qtmodeltester: Any
) -> None:
    click_row(qtbot, screen.table, "GoDaddy")
    assert screen.heading.text() == "GoDaddy"
    assert "International data transfer agreement (IDTA)" in screen.facts_label.text()
    assert "Named by 1 service of 1 client." in screen.facts_label.text()
    assert column(screen.rules_table, RuleColumn.CATEGORY) == ["Domain registrant"]
    assert column(screen.rules_table, RuleColumn.FOR) == ["Domain registration services"]
    assert screen.tabs.tabText(1) == "Clients served (1)"

    screen.tabs.setCurrentIndex(1)
    assert column(screen.served_table, ServedColumn.REF) == [agency.harbour]
    assert column(screen.served_table, ServedColumn.CLIENT) == ["Harbour Lights Café"]
    assert column(screen.served_table, ServedColumn.VIA) == ["harbourlights.co.uk (Domain registration)"]
    assert screen.served_label.text() == "1 client with services that name GoDaddy."
    qtmodeltester.check(screen.rules_model)
    qtmodeltester.check(screen.served_model)

    click_row(qtbot, screen.table, "Mailchimp")
    assert column(screen.rules_table, RuleColumn.FOR) == ["Every client"]
    assert column(screen.rules_table, RuleColumn.CONDITION) == ["Only clients who gave marketing consent"]
    assert "Receives data of every client (3 clients)" in screen.facts_label.text()
    assert column(screen.served_table, ServedColumn.REF) == []
    assert "It also receives data of every client" in screen.served_label.text()


def test_open_client_from_the_clients_served(qtbot: Any, screen: OperatorsScreen, agency: Agency) -> None:
    from hartdesk.ui.client_detail import ClientDetailDialog

    screen.show_operator(agency.operator_ids["Fasthosts"])
    assert screen.heading.text() == "Fasthosts"
    screen.tabs.setCurrentIndex(1)
    assert not screen.open_client_button.isEnabled()
    click_row(qtbot, screen.served_table, agency.bramble)
    qtbot.mouseClick(screen.open_client_button, Qt.MouseButton.LeftButton)
    dialog = open_child(screen, ClientDetailDialog)
    assert dialog.ref == agency.bramble


def test_an_operator_linked_to_services_cannot_be_deleted(
    qtbot: Any, screen: OperatorsScreen, admin_ctx: AppContext
) -> None:
    click_row(qtbot, screen.table, "GoDaddy")
    qtbot.mouseClick(screen.delete_button, Qt.MouseButton.LeftButton)
    confirm(qtbot, screen, "delete_confirmation")

    assert "GoDaddy is still linked to 1 service." in screen.message_label.text()
    assert "before deleting it" in screen.message_label.text()
    assert "GoDaddy" in column(screen.table, OperatorColumn.NAME)
    with admin_ctx.who.register.session() as s:
        assert "GoDaddy" in operators.operator_names(s)


def test_an_unused_operator_is_deleted_after_confirming(
    qtbot: Any, screen: OperatorsScreen, admin_ctx: AppContext
) -> None:
    click_row(qtbot, screen.table, "Mailchimp")
    qtbot.mouseClick(screen.delete_button, Qt.MouseButton.LeftButton)
    box = open_child(screen, QMessageBox, "delete_confirmation")
    qtbot.keyClick(box, Qt.Key.Key_Escape)  # Esc cancels
    assert "Mailchimp" in column(screen.table, OperatorColumn.NAME)

    qtbot.mouseClick(screen.delete_button, Qt.MouseButton.LeftButton)
    confirm(qtbot, screen, "delete_confirmation")
    assert "Mailchimp" not in column(screen.table, OperatorColumn.NAME)
    assert screen.message_label.text() == "Mailchimp was deleted."
    with admin_ctx.who.register.session() as s:
        assert "Mailchimp" not in operators.operator_names(s)


def test_add_an_operator_abroad_needs_a_safeguard(qtbot: Any, screen: OperatorsScreen, admin_ctx: AppContext) -> None:
    screen.activateWindow()
    qtbot.waitActive(screen)
    qtbot.keyClick(screen.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = open_child(screen, OperatorFormDialog)
    qtbot.keyClicks(dialog.name_edit, "CDN77")
    qtbot.keyClicks(dialog.role_edit, "Content delivery network")
    choose(qtbot, dialog.country_combo, "Czechia")
    qtbot.mouseClick(dialog.add_account_button, Qt.MouseButton.LeftButton)
    assert dialog.accounts_table.rowCount() == 1
    dialog.accounts_table.item(0, 0).setText("agency-main")  # type: ignore[union-attr]
    dialog.accounts_table.item(0, 1).setText("https://client.cdn77.com")  # type: ignore[union-attr]
    assert dialog.safeguard_combo.currentData() == TransferSafeguard.NOT_RESTRICTED
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)  # Enter saves

    assert dialog.isVisible()
    assert "restricted transfer" in dialog.problems.message("safeguard")
    assert dialog.focusWidget() is dialog.safeguard_combo
    assert "CDN77" not in column(screen.table, OperatorColumn.NAME)

    choose(qtbot, dialog.safeguard_combo, "UK adequacy")
    assert dialog.problems.message("safeguard") == ""
    qtbot.keyClick(dialog.role_edit, Qt.Key.Key_Return)

    assert not dialog.isVisible()
    assert screen.heading.text() == "CDN77"  # the new operator is selected
    assert screen.message_label.text() == "CDN77 was added."
    row = column(screen.table, OperatorColumn.NAME).index("CDN77")
    assert screen.model.index(row, OperatorColumn.COUNTRY).data() == "Czechia"
    with admin_ctx.who.register.session() as s:
        detail = operators.get_operator(s, screen.model.index(row, 0).data(OperatorDataRole.ID))
    assert detail.values.accounts == [("agency-main", "https://client.cdn77.com")]
    assert detail.values.safeguard is TransferSafeguard.UK_ADEQUACY


def test_a_uk_operator_needs_no_safeguard_and_edit_saves(
    qtbot: Any, screen: OperatorsScreen, admin_ctx: AppContext, agency: Agency
) -> None:
    click_row(qtbot, screen.table, "Fasthosts")
    qtbot.keyClick(screen.table, Qt.Key.Key_Return)  # Enter changes the operator
    dialog = open_child(screen, OperatorFormDialog)
    assert dialog.name_edit.text() == "Fasthosts"
    assert dialog.country_combo.currentData() == "GB"
    choose(qtbot, dialog.safeguard_combo, "International")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "needs no transfer safeguard" in dialog.problems.message("safeguard")

    choose(qtbot, dialog.safeguard_combo, "Not needed")
    qtbot.mouseClick(dialog.contact_email_edit, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.contact_email_edit, "dpo@fasthosts.example")
    qtbot.keyClick(dialog.contact_email_edit, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert "dpo@fasthosts.example" in screen.facts_label.text()
    with admin_ctx.who.register.session() as s:
        values = operators.get_operator(s, agency.operator_ids["Fasthosts"]).values
    assert values.contact_email == "dpo@fasthosts.example"


def test_an_administrator_adds_and_removes_a_category(
    qtbot: Any, screen: OperatorsScreen, admin_ctx: AppContext, agency: Agency
) -> None:
    click_row(qtbot, screen.table, "Amazon S3")
    assert column(screen.rules_table, RuleColumn.CATEGORY) == []
    qtbot.mouseClick(screen.add_rule_button, Qt.MouseButton.LeftButton)
    dialog = open_child(screen, RuleDialog)
    choose(qtbot, dialog.category_combo, "Hosted content")
    assert dialog.scope_combo.currentText() == "Web hosting services"  # the category's first kind of service
    choose(qtbot, dialog.scope_combo, "Backups")
    qtbot.keyClicks(dialog.purpose_edit, "Off-site backups")
    qtbot.keyClick(dialog.purpose_edit, Qt.Key.Key_Return)

    assert not dialog.isVisible()
    assert column(screen.rules_table, RuleColumn.CATEGORY) == ["Hosted content (as processor)"]
    assert column(screen.rules_table, RuleColumn.FOR) == ["Backups services"]
    assert column(screen.rules_table, RuleColumn.PURPOSE) == ["Off-site backups"]
    assert screen.tabs.tabText(0) == "Data categories (1)"

    # The same rule twice is refused with the core's words.
    qtbot.mouseClick(screen.add_rule_button, Qt.MouseButton.LeftButton)
    again = open_child(screen, RuleDialog)
    choose(qtbot, again.category_combo, "Hosted content")
    choose(qtbot, again.scope_combo, "Backups")
    qtbot.mouseClick(again.ok_button, Qt.MouseButton.LeftButton)
    assert again.isVisible() and "already receives Hosted content" in again.error_label.text()
    qtbot.keyClick(again, Qt.Key.Key_Escape)

    click_row(qtbot, screen.rules_table, "Hosted content (as processor)")
    qtbot.mouseClick(screen.remove_rule_button, Qt.MouseButton.LeftButton)
    confirm(qtbot, screen, "remove_rule_confirmation")
    assert column(screen.rules_table, RuleColumn.CATEGORY) == []
    with admin_ctx.who.register.session() as s:
        assert operators.get_operator(s, agency.operator_ids["Amazon S3"]).rules == ()


def test_staff_can_look_but_not_change(
    qtbot: Any, show: Show, ctx: AppContext, signed_in_admin: Any, agency: Agency, register_dir: Any
) -> None:
    signed_in_admin.lock()  # one person at a time has the register open
    bob = sign_in(register_dir, STAFF, STAFF_PASSWORD)
    try:
        screen = show(OperatorsScreen(replace(ctx, signed_in=bob)), SIZE)
        screen.refresh()
        for button in (
            screen.new_button,
            screen.edit_button,
            screen.delete_button,
            screen.categories_button,
            screen.add_rule_button,
            screen.remove_rule_button,
        ):
            assert not button.isVisible()
        click_row(qtbot, screen.table, "GoDaddy")
        assert screen.heading.text() == "GoDaddy"
        qtbot.keyClick(screen.table, Qt.Key.Key_Return)
        assert not screen.findChildren(OperatorFormDialog)
    finally:
        bob.lock()


def test_clear_forgets_everything(qtbot: Any, screen: OperatorsScreen) -> None:
    click_row(qtbot, screen.table, "GoDaddy")
    screen.clear()
    assert screen.model.rowCount() == 0
    assert screen.rules_model.rowCount() == 0 and screen.served_model.rowCount() == 0
    assert screen.heading.text() == ""


def test_the_models_pass_the_model_tester(qtmodeltester: Any, signed_in_admin: Any, agency: Agency) -> None:
    with signed_in_admin.register.session() as s:
        rows = operators.list_operators(s)
        rules = operators.get_operator(s, agency.operator_ids["GoDaddy"]).rules
    model = OperatorTableModel()
    model.set_rows(rows)
    qtmodeltester.check(model)
    rule_model = RuleTableModel()
    rule_model.set_rows(rules)
    qtmodeltester.check(rule_model)

    def loader(operator_id: int, offset: int, limit: int) -> list[operators.ServedClient]:
        with signed_in_admin.register.session() as s:
            return operators.clients_served(s, operator_id, offset, limit)

    served = ServedClientModel(SyncTaskRunner(), loader, page_size=1)
    served.set_query(agency.operator_ids["Platinum Server Management"])
    assert served.rowCount() == 1
    served.fetchMore(QModelIndex())
    assert not served.has_more
    qtmodeltester.check(served)


# --- data categories -------------------------------------------------------------------------------------------------


@pytest.fixture
def categories(qtbot: Any, screen: OperatorsScreen) -> CategoriesDialog:
    qtbot.mouseClick(screen.categories_button, Qt.MouseButton.LeftButton)
    dialog = open_child(screen, CategoriesDialog)
    dialog.activateWindow()
    qtbot.waitActive(dialog)
    return dialog


def category(admin_ctx: AppContext, code: str) -> operators.CategoryInput:
    with admin_ctx.who.register.session() as s:
        return next(c.values for c in operators.list_categories(s) if c.values.code == code)


def test_edit_a_category(qtbot: Any, categories: CategoriesDialog, admin_ctx: AppContext) -> None:
    dialog = categories
    names = [dialog.category_list.item(i).text() for i in range(dialog.category_list.count())]
    assert names[:3] == ["Identity", "Contact details", "Postal address"]
    dialog.category_list.setFocus()
    dialog.category_list.setCurrentRow(names.index("Technical logs"))
    assert dialog.code_edit.text() == "technical_logs" and dialog.code_edit.isReadOnly()
    assert dialog.period_spin.suffix() == " days"
    assert not dialog.save_button.isEnabled()

    dialog.purpose_edit.setFocus()
    dialog.purpose_edit.selectAll()
    qtbot.keyClicks(dialog.purpose_edit, "To keep the services secure.")
    assert dialog.has_changes() and not dialog.category_list.isEnabled()
    dialog.period_spin.setFocus()
    dialog.period_spin.selectAll()
    qtbot.keyClicks(dialog.period_spin, "30")
    backups = dialog.kinds_list.findItems("Backups", Qt.MatchFlag.MatchExactly)[0]
    dialog.kinds_list.setFocus()
    dialog.kinds_list.setCurrentItem(backups)
    qtbot.keyClick(dialog.kinds_list, Qt.Key.Key_Space)
    qtbot.keyClick(dialog.source_edit, Qt.Key.Key_Return)  # Enter saves

    assert not dialog.has_changes() and dialog.category_list.isEnabled()
    assert dialog.state_label.text() == "Technical logs was saved."
    saved = category(admin_ctx, "technical_logs")
    assert saved.purpose == "To keep the services secure."
    assert saved.retention_kind is RetentionKind.ROLLING_DAYS and saved.retention_period == 30
    assert ServiceKind.BACKUPS in saved.service_kinds
    assert dialog.saved == 1


def test_a_new_category_shows_its_problems_then_saves(
    qtbot: Any, categories: CategoriesDialog, admin_ctx: AppContext
) -> None:
    dialog = categories
    qtbot.mouseClick(dialog.new_button, Qt.MouseButton.LeftButton)
    assert dialog.code_edit.hasFocus() and not dialog.code_edit.isReadOnly()
    qtbot.keyClicks(dialog.code_edit, "news letters!")
    qtbot.keyClicks(dialog.name_edit, "Newsletters")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "letters, digits and underscores" in dialog.problems.message("code")
    assert dialog.problems.message("purpose") == "Enter the category's purpose."
    assert dialog.problems.message("source") == "Enter the category's source."

    dialog.code_edit.selectAll()
    qtbot.keyClicks(dialog.code_edit, "newsletters")
    dialog.purpose_edit.setFocus()
    qtbot.keyClicks(dialog.purpose_edit, "To send our newsletter to clients who asked for it.")
    qtbot.keyClicks(dialog.source_edit, "The client")
    choose(qtbot, dialog.basis_combo, "Consent")
    choose(qtbot, dialog.retention_combo, "Until consent")
    assert not dialog.period_spin.isEnabled()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    saved = category(admin_ctx, "newsletters")
    assert saved.name == "Newsletters" and saved.lawful_basis is LawfulBasis.CONSENT
    assert dialog.category_list.currentItem().text() == "Newsletters"  # type: ignore[union-attr]


def test_esc_with_unsaved_changes_warns_first(qtbot: Any, categories: CategoriesDialog, admin_ctx: AppContext) -> None:
    dialog = categories
    qtbot.keyClicks(dialog.name_edit, " (people)")
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Escape)
    assert dialog.isVisible() and dialog.state_label.text() == DISCARD
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert category(admin_ctx, "identity").name == "Identity"


def test_revert_puts_back_what_is_saved(qtbot: Any, categories: CategoriesDialog) -> None:
    dialog = categories
    qtbot.keyClicks(dialog.name_edit, "XYZ")
    qtbot.mouseClick(dialog.revert_button, Qt.MouseButton.LeftButton)
    assert dialog.name_edit.text() == "Identity" and not dialog.has_changes()
