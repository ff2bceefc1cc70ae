"""Logging privacy requests through the intake dialogs, driven like a clerk from the Requests screen: open a saved
email, type a caller's details, add a scanned letter, answer the questions the dialog asks, and read what it shows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from hartdesk import settings as settings_mod
from hartdesk.dates import format_short_date, uk_date
from hartdesk.models.enums import (
    IdentityMethod,
    IdentityStatus,
    RequestChannel,
    RequestRole,
    RequestType,
)
from hartdesk.privacy import requests
from hartdesk.privacy.requests import RequestDetail, RequestQuery
from hartdesk.ui.context import AppContext
from hartdesk.ui.request_intake import (
    EmailIntakeDialog,
    InPersonIntakeDialog,
    PhoneIntakeDialog,
    PostIntakeDialog,
    RequestIntakeDialog,
    to_qdate,
    uk_today_of,
)
from hartdesk.ui.screens.requests import RequestsScreen
from tests.conftest import ADMIN
from tests.ui.helpers import OpenScreen, open_child
from tests.ui.test_clients_screen import Clients, fill_register

SIZE = (1100, 720)
# A one-page PDF, enough for the attachment check (which reads the content, not the name).
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture
def refs(signed_in_admin: Any) -> Clients:
    return fill_register(signed_in_admin)


@pytest.fixture
def screen(open_screen: OpenScreen, refs: Clients) -> RequestsScreen:
    return open_screen(RequestsScreen, SIZE)


def write_eml(folder: Path, sent: datetime | None, name: str = "soren.eml") -> Path:
    """A real message from "Søren Ærø" with a PDF attached, written with the standard library."""
    message = EmailMessage()
    message["From"] = Address("Søren Ærø", "soren", "example.com")
    message["To"] = "privacy@hart.example"
    message["Subject"] = "Subject access request"
    if sent is not None:
        message["Date"] = format_datetime(sent)
    message.set_content("Please send me a copy of all the personal data you hold about me.\n\nSøren Ærø\n")
    message.add_attachment(PDF, maintype="application", subtype="pdf", filename="passport.pdf")
    path = folder / name
    path.write_bytes(bytes(message))
    return path


def offer_file(monkeypatch: pytest.MonkeyPatch, path: Path) -> list[str]:
    """The open-file dialog answers ``path``; returns the filters it was asked with."""
    asked: list[str] = []

    def fake_open(parent: QWidget, caption: str, folder: str, filters: str) -> tuple[str, str]:
        asked.append(filters)
        return str(path), ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(fake_open))
    return asked


def click(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def start(qtbot: QtBot, screen: RequestsScreen, button: QPushButton, cls: type[RequestIntakeDialog]) -> Any:
    click(qtbot, button)
    dialog = open_child(screen, cls)
    qtbot.waitExposed(dialog)
    return dialog


def type_into(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Type ``text`` into ``widget`` (QTest types ASCII only; a line break is the Return key)."""
    widget.setFocus()
    for number, line in enumerate(text.split("\n")):
        if number:
            qtbot.keyClick(widget, Qt.Key.Key_Return)
        qtbot.keyClicks(widget, line)


def tick(qtbot: QtBot, check: QWidget) -> None:
    """Tick (or untick) a check box with the space bar."""
    check.setFocus()
    qtbot.keyClick(check, Qt.Key.Key_Space)


def answer(qtbot: QtBot, parent: QWidget, name: str, yes: bool = True) -> str:
    """Answer the confirmation ``name``; returns its text."""
    box = open_child(parent, QMessageBox, name)
    text = box.text()
    if yes:
        click(qtbot, open_child(box, QPushButton, "yes_button"))
    else:
        click(qtbot, box.button(QMessageBox.StandardButton.Cancel))
    return text


def logged(who: Any, ref: str) -> RequestDetail:
    with who.register.session() as session:
        return requests.get_request(session, ref, settings_mod.load(session))


def request_count(who: Any) -> int:
    with who.register.session() as session:
        return requests.count_requests(session, RequestQuery(), date.today())


def attachment_rows(who: Any, detail: RequestDetail) -> list[tuple[str, str, bool, bytes]]:
    with who.register.session() as session:
        return [
            (a.filename, a.media_type, a.is_original, requests.attachment_content(session, a.id)[2])
            for a in detail.attachments
        ]


# --- by email ---------------------------------------------------------------------------------------------------------


def test_an_email_request_is_read_from_a_saved_message_and_logged_with_its_files(
    qtbot: QtBot, screen: RequestsScreen, signed_in_admin: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent = datetime.now(UTC).replace(microsecond=0)
    eml = write_eml(tmp_path, sent)
    asked = offer_file(monkeypatch, eml)
    dialog = start(qtbot, screen, screen.email_button, EmailIntakeDialog)
    assert dialog.focusWidget() is dialog.open_email_button

    click(qtbot, dialog.open_email_button)
    assert "*.eml *.msg" in asked[0]
    assert dialog.name_edit.text() == "Søren Ærø"
    assert dialog.email_edit.text() == "soren@example.com"
    assert dialog.subject_edit.text() == "Subject access request"
    assert "copy of all the personal data" in dialog.details_edit.toPlainText()
    assert dialog.received_edit.date() == to_qdate(uk_date(sent))
    assert dialog.attachments.names() == ["soren.eml", "passport.pdf"]
    texts = [dialog.attachments.tree.topLevelItem(i).text(0) for i in range(2)]
    assert texts == ["soren.eml (the original message)", "passport.pdf"]
    assert dialog.attachments.tree.topLevelItem(1).text(1) == "PDF"
    assert "soren.eml" in dialog.file_label.text()

    qtbot.keyClick(dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # Ctrl+Enter logs
    assert not dialog.isVisible()
    ref = screen.model.ref_at(screen.table.selectionModel().selectedRows()[0])
    assert ref is not None
    detail = logged(signed_in_admin, ref)
    assert (detail.channel, detail.requester_name, detail.requester_email) == (
        RequestChannel.EMAIL,
        "Søren Ærø",
        "soren@example.com",
    )
    assert detail.received_on == uk_date(sent)
    files = attachment_rows(signed_in_admin, detail)
    assert [(name, kind, original) for name, kind, original, _ in files] == [
        ("soren.eml", "message/rfc822", True),
        ("passport.pdf", "application/pdf", False),
    ]
    assert files[0][3] == eml.read_bytes()
    assert files[1][3] == PDF
    assert detail.due_on is not None
    assert screen.message_label.text() == f"{ref} logged — due {format_short_date(detail.due_on)}."


def test_a_message_without_a_date_is_dated_today_with_its_warnings_shown_and_kept(
    qtbot: QtBot, screen: RequestsScreen, signed_in_admin: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    offer_file(monkeypatch, write_eml(tmp_path, None))
    dialog = start(qtbot, screen, screen.email_button, EmailIntakeDialog)
    click(qtbot, dialog.open_email_button)
    assert dialog.warnings_box.isVisible()
    assert "no date" in dialog.warnings_box.text()
    assert "set to today" in dialog.warnings_box.text()
    assert dialog.received_edit.date() == to_qdate(uk_today_of(screen.ctx))
    assert "no date" in dialog.note_edit.toPlainText()
    click(qtbot, dialog.ok_button)
    ref = screen.selected_ref()
    assert ref is not None
    notes = [e.summary for e in logged(signed_in_admin, ref).events]
    assert any("no date" in n for n in notes)


def test_an_unreadable_email_file_says_why_and_keeps_what_was_typed(
    qtbot: QtBot, screen: RequestsScreen, signed_in_admin: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "broken.eml"
    bad.write_bytes(bytes(range(256)) * 4)
    offer_file(monkeypatch, bad)
    dialog = start(qtbot, screen, screen.email_button, EmailIntakeDialog)
    type_into(qtbot, dialog.name_edit, "Ida Finch")
    click(qtbot, dialog.open_email_button)
    assert dialog.file_error.isVisible()
    assert "broken.eml" in dialog.file_error.text()
    assert dialog.name_edit.text() == "Ida Finch"
    assert dialog.attachments.files == []
    assert dialog.isVisible()
    assert request_count(signed_in_admin) == 0


def test_a_saved_email_dropped_on_the_dialog_is_read(qtbot: QtBot, screen: RequestsScreen, tmp_path: Path) -> None:
    eml = write_eml(tmp_path, datetime.now(UTC))
    dialog = start(qtbot, screen, screen.email_button, EmailIntakeDialog)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(eml))])
    target = dialog.details_edit.viewport()  # onto a text field: read, not pasted in as its path
    enter = QDragEnterEvent(
        QPoint(20, 20), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(target, enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        QPointF(20, 20), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(target, drop)
    assert dialog.email_edit.text() == "soren@example.com"
    assert dialog.attachments.names() == ["soren.eml", "passport.pdf"]
    assert str(eml) not in dialog.details_edit.toPlainText()
    assert "copy of all the personal data" in dialog.details_edit.toPlainText()


# --- on the phone -----------------------------------------------------------------------------------------------------


def test_a_phone_request_with_two_questions_answered_has_its_identity_verified(
    qtbot: QtBot, screen: RequestsScreen, signed_in_admin: Any
) -> None:
    dialog = start(qtbot, screen, screen.phone_button, PhoneIntakeDialog)
    assert dialog.focusWidget() is dialog.name_edit
    qtbot.keyClicks(dialog.name_edit, "Marta Kowalczyk")
    type_into(qtbot, dialog.phone_edit, "020 7946 0123")
    dialog.type_combo.setFocus()
    qtbot.keyClick(dialog.type_combo, Qt.Key.Key_Down)  # Access → Rectification
    type_into(qtbot, dialog.details_edit, "Wants her old address corrected.")
    first = dialog.questions.rows[0]
    type_into(qtbot, first.question_combo, "Postcode of the billing address")
    tick(qtbot, first.correct_check)
    click(qtbot, dialog.questions.add_button)
    second = dialog.questions.rows[1]
    assert dialog.focusWidget() is second.question_combo
    qtbot.keyClicks(second.question_combo, "Which domain names do you hold with us?")
    tick(qtbot, second.correct_check)
    called_at = dialog.received_at()
    click(qtbot, dialog.ok_button)

    ref = screen.selected_ref()
    assert ref is not None
    detail = logged(signed_in_admin, ref)
    assert detail.kind is RequestType.RECTIFICATION
    assert detail.channel is RequestChannel.PHONE
    assert detail.requester_phone == "+442079460123"
    assert detail.identity_status is IdentityStatus.VERIFIED
    assert detail.identity_method is IdentityMethod.SECURITY_QUESTIONS
    assert "Postcode of the billing address — answered correctly" in detail.identity_evidence
    assert "Which domain names do you hold with us? — answered correctly" in detail.identity_evidence
    assert detail.received_at is not None and detail.received_at.utcoffset() is not None
    assert detail.received_at == called_at
    assert detail.received_on == uk_date(called_at)


def test_a_wrong_answer_leaves_the_identity_failed(qtbot: QtBot, screen: RequestsScreen, signed_in_admin: Any) -> None:
    dialog = start(qtbot, screen, screen.phone_button, PhoneIntakeDialog)
    qtbot.keyClicks(dialog.name_edit, "Marta Kowalczyk")
    type_into(qtbot, dialog.phone_edit, "020 7946 0123")
    type_into(qtbot, dialog.questions.rows[0].question_combo, "Date of the last payment")
    click(qtbot, dialog.ok_button)
    ref = screen.selected_ref()
    assert ref is not None
    assert logged(signed_in_admin, ref).identity_status is IdentityStatus.FAILED


def test_a_caller_without_a_number_is_asked_for_it(qtbot: QtBot, screen: RequestsScreen, signed_in_admin: Any) -> None:
    dialog = start(qtbot, screen, screen.phone_button, PhoneIntakeDialog)
    qtbot.keyClicks(dialog.name_edit, "Marta Kowalczyk")
    click(qtbot, dialog.ok_button)
    assert dialog.isVisible()
    assert dialog.problems.message("requester_phone") == "Enter the number the caller is on, to call them back."
    assert dialog.problems.label("requester_phone").isVisible()
    assert dialog.focusWidget() is dialog.phone_edit
    assert request_count(signed_in_admin) == 0


# --- by post ----------------------------------------------------------------------------------------------------------


def test_a_letter_is_logged_with_its_scan_and_the_date_written_on_it(
    qtbot: QtBot, screen: RequestsScreen, signed_in_admin: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scan = tmp_path / "letter.pdf"
    scan.write_bytes(PDF)
    asked = offer_file(monkeypatch, scan)
    dialog = start(qtbot, screen, screen.letter_button, PostIntakeDialog)
    qtbot.keyClicks(dialog.name_edit, "Mr Oluwaseun Adebayo")
    type_into(qtbot, dialog.address_edit, "12 Mill Lane\nBath\nBA1 1AA")
    today = uk_today_of(screen.ctx)
    written = today - timedelta(days=3)
    tick(qtbot, dialog.dated_check)
    assert dialog.letter_date_edit.isEnabled() and dialog.focusWidget() is dialog.letter_date_edit
    dialog.letter_date_edit.setDate(to_qdate(written))
    click(qtbot, dialog.add_scan_button)
    assert "*.pdf" in asked[0]
    assert dialog.scans.names() == ["letter.pdf"]
    assert not dialog.scan_error.isVisible()
    click(qtbot, dialog.ok_button)

    ref = screen.selected_ref()
    assert ref is not None
    detail = logged(signed_in_admin, ref)
    assert detail.channel is RequestChannel.POST
    assert detail.letter_date == written
    assert detail.received_on == today
    assert detail.requester_address == "12 Mill Lane\nBath\nBA1 1AA"
    assert [(f[0], f[1], f[2]) for f in attachment_rows(signed_in_admin, detail)] == [
        ("letter.pdf", "application/pdf", False)
    ]


def test_a_scan_that_is_not_what_its_name_says_is_refused_at_once(
    qtbot: QtBot, screen: RequestsScreen, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "scan.pdf"
    fake.write_text("Dear hosting company, please delete my data.\n")
    offer_file(monkeypatch, fake)
    dialog = start(qtbot, screen, screen.letter_button, PostIntakeDialog)
    click(qtbot, dialog.add_scan_button)
    assert dialog.scan_error.isVisible()
    assert dialog.scan_error.text() == "'scan.pdf' is not a PDF: its content is a text file."
    assert dialog.scans.files == []


def test_a_letter_received_before_the_register_began_is_logged_once_confirmed(
    qtbot: QtBot, screen: RequestsScreen, signed_in_admin: Any
) -> None:
    dialog = start(qtbot, screen, screen.letter_button, PostIntakeDialog)
    qtbot.keyClicks(dialog.name_edit, "Jan Novak")
    received = uk_today_of(screen.ctx) - timedelta(days=40)
    dialog.received_edit.setDate(to_qdate(received))

    click(qtbot, dialog.ok_button)
    text = answer(qtbot, dialog, "earlier_confirmation", yes=False)
    assert text.startswith("This register was created on ") and text.endswith("log a request received before then?")
    assert dialog.isVisible() and request_count(signed_in_admin) == 0

    click(qtbot, dialog.ok_button)
    answer(qtbot, dialog, "earlier_confirmation")
    ref = screen.selected_ref()
    assert ref is not None
    detail = logged(signed_in_admin, ref)
    assert detail.received_on == received
    assert detail.due_on is not None
    assert screen.message_label.text() == f"{ref} logged — due {format_short_date(detail.due_on)}."


# --- in person --------------------------------------------------------------------------------------------------------


def test_a_visitor_whose_identity_was_seen_is_verified_in_person(
    qtbot: QtBot, screen: RequestsScreen, signed_in_admin: Any
) -> None:
    dialog = start(qtbot, screen, screen.in_person_button, InPersonIntakeDialog)
    qtbot.keyClicks(dialog.name_edit, "Aoife Ni Bhriain")
    assert not dialog.evidence_edit.isEnabled()
    tick(qtbot, dialog.seen_check)
    type_into(qtbot, dialog.evidence_edit, "Irish passport, photo matched")
    dialog.type_combo.setCurrentIndex(list(RequestType).index(RequestType.ERASURE))
    type_into(qtbot, dialog.details_edit, "Close my account and delete everything.")
    click(qtbot, dialog.ok_button)
    ref = screen.selected_ref()
    assert ref is not None
    detail = logged(signed_in_admin, ref)
    assert detail.channel is RequestChannel.IN_PERSON
    assert detail.kind is RequestType.ERASURE
    assert detail.identity_status is IdentityStatus.VERIFIED
    assert detail.identity_method is IdentityMethod.IN_PERSON
    assert "Irish passport" in detail.identity_evidence


# --- what every dialog shares -----------------------------------------------------------------------------------------


def test_an_empty_name_is_shown_under_the_field_and_nothing_is_saved(
    qtbot: QtBot, screen: RequestsScreen, signed_in_admin: Any
) -> None:
    dialog = start(qtbot, screen, screen.in_person_button, InPersonIntakeDialog)
    type_into(qtbot, dialog.email_edit, "not an address")
    click(qtbot, dialog.ok_button)
    assert dialog.isVisible()
    assert dialog.problems.message("requester_name")
    assert dialog.problems.label("requester_name").isVisible()
    assert dialog.problems.message("requester_email")
    assert dialog.focusWidget() is dialog.name_edit
    assert request_count(signed_in_admin) == 0


def test_enter_moves_to_the_next_field_and_escape_cancels(
    qtbot: QtBot, screen: RequestsScreen, signed_in_admin: Any
) -> None:
    dialog = start(qtbot, screen, screen.in_person_button, InPersonIntakeDialog)
    qtbot.keyClicks(dialog.name_edit, "Half Filled")
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert dialog.focusWidget() is dialog.email_edit
    qtbot.keyClick(dialog.email_edit, Qt.Key.Key_Enter)
    assert dialog.focusWidget() is dialog.phone_edit
    assert request_count(signed_in_admin) == 0
    qtbot.keyClick(dialog.phone_edit, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert request_count(signed_in_admin) == 0


def test_typing_a_known_email_suggests_the_client_and_choosing_it_links_the_request(
    qtbot: QtBot, screen: RequestsScreen, signed_in_admin: Any, refs: Clients
) -> None:
    dialog = start(qtbot, screen, screen.phone_button, PhoneIntakeDialog)
    qtbot.keyClicks(dialog.name_edit, "Zoe")
    type_into(qtbot, dialog.email_edit, "zoe@lukasiewicz.example")
    type_into(qtbot, dialog.phone_edit, "020 7946 0018")
    qtbot.waitUntil(lambda: dialog.suggestions.matches.isVisible())
    assert dialog.suggestions.match_texts()[0] == (
        f"Zoë Łukasiewicz-Öztürk — {refs.zoe} Zoë Łukasiewicz-Öztürk (same email)"
    )
    qtbot.keyClick(dialog.phone_edit, Qt.Key.Key_Tab)  # after the phone and the address comes the list
    qtbot.keyClick(dialog.address_edit, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.suggestions.matches
    qtbot.keyClick(dialog.suggestions.matches, Qt.Key.Key_Return)
    assert dialog.isVisible()  # Enter on a suggestion links it, it does not log
    assert dialog.suggestions.chosen_label.isVisible()
    assert dialog.suggestions.chosen_label.text().startswith(f"Linked to {refs.zoe}")
    assert not dialog.suggestions.matches.isVisible()
    click(qtbot, dialog.ok_button)
    ref = screen.selected_ref()
    assert ref is not None
    detail = logged(signed_in_admin, ref)
    assert detail.client_ref == refs.zoe
    assert detail.contact_name == "Zoë Łukasiewicz-Öztürk"


def test_clearing_the_link_logs_the_request_without_a_client(
    qtbot: QtBot, screen: RequestsScreen, signed_in_admin: Any
) -> None:
    dialog = start(qtbot, screen, screen.in_person_button, InPersonIntakeDialog)
    type_into(qtbot, dialog.email_edit, "nono@acme.example")
    qtbot.waitUntil(lambda: dialog.suggestions.matches.isVisible())
    dialog.suggestions.matches.setFocus()
    qtbot.keyClick(dialog.suggestions.matches, Qt.Key.Key_Return)
    click(qtbot, dialog.suggestions.clear_button)
    assert dialog.linked() is None
    type_into(qtbot, dialog.name_edit, "Nono Dordevic")
    click(qtbot, dialog.ok_button)
    ref = screen.selected_ref()
    assert ref is not None
    assert logged(signed_in_admin, ref).client_ref == ""


def test_a_request_about_a_clients_data_names_the_client(
    qtbot: QtBot, screen: RequestsScreen, signed_in_admin: Any, refs: Clients
) -> None:
    dialog = start(qtbot, screen, screen.in_person_button, InPersonIntakeDialog)
    qtbot.keyClicks(dialog.name_edit, "A Shopper")
    assert not dialog.controller_edit.isVisible()
    click(qtbot, dialog.client_radio)
    assert dialog.controller_edit.isVisible()
    click(qtbot, dialog.ok_button)
    assert dialog.problems.message("controller_client_ref") == (
        "Choose the client whose data it is: the request goes to them."
    )
    type_into(qtbot, dialog.controller_edit, "acme")
    qtbot.waitUntil(lambda: dialog.controller.matches.isVisible())
    assert dialog.controller.match_texts() == [f"{refs.acme} Acme Widgets Ltd"]
    qtbot.keyClick(dialog.controller.matches, Qt.Key.Key_Return)
    assert dialog.controller.chosen == refs.acme
    click(qtbot, dialog.ok_button)
    ref = screen.selected_ref()
    assert ref is not None
    detail = logged(signed_in_admin, ref)
    assert detail.role is RequestRole.PROCESSOR
    assert detail.controller_ref == refs.acme


def test_a_second_request_from_the_same_email_asks_before_it_is_logged(
    qtbot: QtBot, screen: RequestsScreen, signed_in_admin: Any
) -> None:
    with signed_in_admin.register.session() as session:
        first = requests.log_request(
            session,
            ADMIN,
            requests.RequestInput(
                RequestType.ACCESS,
                RequestChannel.EMAIL,
                uk_today_of(screen.ctx),
                "Søren Ærø",
                requester_email="soren@example.com",
            ),
            settings_mod.load(session),
            uk_today_of(screen.ctx),
        ).ref
    dialog = start(qtbot, screen, screen.phone_button, PhoneIntakeDialog)
    qtbot.keyClicks(dialog.name_edit, "Soren Aero")
    type_into(qtbot, dialog.email_edit, "SOREN@example.com")
    type_into(qtbot, dialog.phone_edit, "020 7946 0456")
    click(qtbot, dialog.ok_button)
    today = uk_today_of(screen.ctx)
    received = f"{today.day} {format_short_date(today).split()[1]}"
    text = answer(qtbot, dialog, "duplicate_confirmation", yes=False)
    assert text == f"{first} from the same email, received {received}, still open. Log this one anyway?"
    assert dialog.isVisible() and request_count(signed_in_admin) == 1

    click(qtbot, dialog.ok_button)
    answer(qtbot, dialog, "duplicate_confirmation")
    assert request_count(signed_in_admin) == 2
    assert not dialog.isVisible()


def test_each_new_request_button_opens_its_own_dialog(qtbot: QtBot, screen: RequestsScreen) -> None:
    for button, cls, title in (
        (screen.email_button, EmailIntakeDialog, "New request by email"),
        (screen.phone_button, PhoneIntakeDialog, "New request by phone"),
        (screen.letter_button, PostIntakeDialog, "New request by post"),
        (screen.in_person_button, InPersonIntakeDialog, "New request made in person"),
    ):
        dialog = start(qtbot, screen, button, cls)
        assert dialog.windowTitle() == title
        assert (
            dialog.channel
            is {
                EmailIntakeDialog: RequestChannel.EMAIL,
                PhoneIntakeDialog: RequestChannel.PHONE,
                PostIntakeDialog: RequestChannel.POST,
                InPersonIntakeDialog: RequestChannel.IN_PERSON,
            }[cls]
        )
        dialog.reject()


def test_the_dialogs_fit_the_default_window(qtbot: QtBot, admin_ctx: AppContext) -> None:
    for cls in (EmailIntakeDialog, PhoneIntakeDialog, PostIntakeDialog, InPersonIntakeDialog):
        dialog = cls(admin_ctx)
        qtbot.addWidget(dialog)
        dialog.show()
        assert dialog.width() <= 1100 and dialog.height() <= 720
        page = dialog.scroll_area.widget()
        assert page.minimumSizeHint().width() <= dialog.scroll_area.viewport().width()
        dialog.reject()
