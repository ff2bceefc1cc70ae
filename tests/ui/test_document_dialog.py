"""Documents made from a client's or a request's window, used like a clerk: preview, For post / For email, save (with
and without a password), print, an email draft and sending, a signed DPA, and a missing setting explained."""

from __future__ import annotations

import os
import re
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pypdf
import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QFileDialog, QWidget

from hartdesk.dates import uk_today
from hartdesk.models.enums import Delivery, DocumentKind, LetterKind, RequestChannel, RequestType
from hartdesk.register.documents import DocumentRow, list_documents
from hartdesk.ui.client_detail import ClientDetailDialog
from hartdesk.ui.context import AppContext
from hartdesk.ui.document_dialog import (
    DocumentDialog,
    EmailDialog,
    PasswordShownDialog,
    SignedCopyDialog,
    SmtpPasswordDialog,
)
from hartdesk.ui.request_detail import RequestDetailDialog
from tests.keyrings import MemoryKeyring
from tests.smtp_server import free_port, start_server
from tests.ui.helpers import Show, cells, log_request, open_child, set_settings
from tests.ui.test_clients_screen import Clients, fill_register

SIZE = (940, 640)
PASSWORD_PATTERN = re.compile(r"^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$")
__all__ = ["start_server"]  # the real local SMTP server fixture


def documents(who: Any, **filters: Any) -> list[DocumentRow]:
    with who.register.session() as s:
        return list_documents(s, **filters)


@pytest.fixture
def refs(signed_in_admin: Any) -> Clients:
    set_settings(signed_in_admin, agency_contact_name="Morwenna Trelawny", agency_contact_position="Director")
    return fill_register(signed_in_admin)


@pytest.fixture
def open_client(show: Show, admin_ctx: AppContext, refs: Clients) -> Any:
    def open_client(ref: str) -> ClientDetailDialog:
        return show(ClientDetailDialog(admin_ctx, ref), SIZE)

    return open_client


@pytest.fixture
def open_request(show: Show, admin_ctx: AppContext, refs: Clients) -> Any:
    """``open_request(kind, channel, requester_name, **details)``: the window of a request logged today."""

    def open_request(kind: RequestType, channel: RequestChannel, name: str, **details: Any) -> RequestDetailDialog:
        with admin_ctx.who.register.session() as s:
            ref = log_request(s, kind, channel, name, **details)
        return show(RequestDetailDialog(admin_ctx, ref), (1000, 700))

    return open_request


@pytest.fixture
def save_as(monkeypatch: pytest.MonkeyPatch) -> Any:
    """``save_as(path)``: the next file dialogs answer ``path``; returns the titles they were opened with."""
    asked: list[tuple[str, str]] = []

    def save_as(path: Path) -> list[tuple[str, str]]:
        def answer(parent: QWidget, title: str, suggested: str, *args: Any, **kwargs: Any) -> tuple[str, str]:
            asked.append((title, suggested))
            return str(path), ""

        monkeypatch.setattr(QFileDialog, "getSaveFileName", answer)
        return asked

    return save_as


def document_dialog(qtbot: Any, parent: QWidget) -> DocumentDialog:
    qtbot.waitUntil(lambda: any(d.isVisible() for d in parent.findChildren(DocumentDialog)))
    dialog = open_child(parent, DocumentDialog)
    qtbot.waitUntil(lambda: not dialog.is_busy())
    return dialog


def click(qtbot: Any, button: QWidget) -> None:
    assert button.isEnabled(), f"{button.objectName()} is disabled"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def show_tab(qtbot: Any, window: Any, title: str) -> None:
    index = next(i for i in range(window.tabs.count()) if re.sub("&(.)", r"\1", window.tabs.tabText(i)) == title)
    qtbot.mouseClick(window.tabs.tabBar(), Qt.MouseButton.LeftButton, pos=window.tabs.tabBar().tabRect(index).center())


def activate(qtbot: Any, window: QWidget) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def make_report(qtbot: Any, window: ClientDetailDialog) -> DocumentDialog:
    """Alt+A on the client's window: the data report, previewed."""
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    return document_dialog(qtbot, window)


def print_into(monkeypatch: pytest.MonkeyPatch, dialog: DocumentDialog, target: Path) -> None:
    """The printer ``dialog`` prints on is the PDF file ``target`` (72 dpi), instead of the one the print dialog
    would choose."""
    from PySide6.QtPrintSupport import QPrinter

    def choose_printer() -> QPrinter:
        printer = QPrinter()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(target))
        printer.setResolution(72)
        return printer

    monkeypatch.setattr(dialog, "choose_printer", choose_printer)


# --- the data report ------------------------------------------------------------------------------------------------


def test_a_data_report_previewed_for_email_then_saved_with_its_copies(
    qtbot: Any, open_client: Any, refs: Clients, admin_ctx: AppContext, save_as: Any, tmp_path: Path
) -> None:
    window = open_client(refs.zoe)
    dialog = make_report(qtbot, window)
    assert dialog.windowTitle() == f"Data report — {refs.zoe} Zoë Łukasiewicz-Öztürk"
    assert dialog.post_radio.isChecked()
    pages = dialog.rendered.pages if dialog.rendered is not None else 0
    assert pages > 0
    assert dialog.pages_label.text() == f"{pages} pages"
    assert dialog.preview.page_count() == pages or "No preview" in dialog.preview.note.text()
    assert documents(admin_ctx.who) == []  # a preview records nothing

    click(qtbot, dialog.email_radio)
    qtbot.waitUntil(lambda: not dialog.is_busy())
    assert dialog.rendered is not None and dialog.rendered.for_post is False
    asked = save_as(tmp_path / "zoe report")
    click(qtbot, dialog.save_button)

    assert asked[0][1].endswith(f"{refs.zoe} data report.pdf")  # the suggested name
    pdf = tmp_path / "zoe report.pdf"
    assert pdf.read_bytes() == dialog.rendered.made.pdf
    assert (tmp_path / f"data-report-{refs.zoe}.json").is_file()
    assert (tmp_path / f"data-report-{refs.zoe}.csv").is_file()
    assert dialog.status_label.text().startswith(f"Saved to {pdf}, with data-report-{refs.zoe}.json and")
    [row] = documents(admin_ctx.who, client_ref=refs.zoe)
    assert (row.kind, row.delivery, row.encrypted, row.pages) == (
        DocumentKind.DATA_REPORT,
        Delivery.SAVED,
        False,
        pages,
    )

    show_tab(qtbot, window, "Documents")
    qtbot.waitUntil(lambda: window.documents_model.rowCount() == 1)
    [shown] = cells(window.documents_table)
    assert shown[1:] == ["Data report", "Data report for Zoë Łukasiewicz-Öztürk", "", "Saved as a file", ""]


def test_a_password_protects_the_saved_report_and_is_shown_once(
    qtbot: Any, open_client: Any, refs: Clients, admin_ctx: AppContext, save_as: Any, tmp_path: Path
) -> None:
    dialog = make_report(qtbot, open_client(refs.acme))
    activate(qtbot, dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)  # Protect with a pass&word
    qtbot.waitUntil(dialog.protect_check.isChecked)
    out = tmp_path / "out"
    out.mkdir()
    save_as(out / "acme.pdf")
    click(qtbot, dialog.save_button)

    shown = open_child(dialog, PasswordShownDialog)
    password = shown.password_label.text()
    assert PASSWORD_PATTERN.match(password)
    click(qtbot, shown.copy_button)
    assert QGuiApplication.clipboard().text() == password
    assert QGuiApplication.clipboard().mimeData().hasFormat("x-kde-passwordManagerHint")
    click(qtbot, _ok_button(shown))
    assert not shown.isVisible()

    reader = pypdf.PdfReader(out / "acme.pdf")
    assert reader.is_encrypted
    with pytest.raises(pypdf.errors.FileNotDecryptedError):
        _ = reader.pages[0].extract_text()
    assert reader.decrypt("wrong password") == pypdf.PasswordType.NOT_DECRYPTED
    assert reader.decrypt(password) != pypdf.PasswordType.NOT_DECRYPTED
    assert "Acme Widgets Ltd" in "".join(page.extract_text() for page in reader.pages)
    assert sorted(p.name for p in out.iterdir()) == ["acme.pdf"]  # no readable copies beside it
    [row] = documents(admin_ctx.who, client_ref=refs.acme)
    assert row.encrypted


def _ok_button(dialog: QWidget) -> QWidget:
    from PySide6.QtWidgets import QDialogButtonBox

    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    return box.button(QDialogButtonBox.StandardButton.Ok)


def test_a_missing_setting_is_explained_and_nothing_is_recorded(
    qtbot: Any, open_client: Any, refs: Clients, admin_ctx: AppContext
) -> None:
    set_settings(admin_ctx.who, agency_name="")
    dialog = make_report(qtbot, open_client(refs.zoe))
    assert dialog.error_label.isVisible()
    assert dialog.error_label.text() == ("Before a document can be produced, fill in these in Settings: Agency name.")
    assert dialog.rendered is None
    for button in (dialog.save_button, dialog.print_button, dialog.email_button):
        assert not button.isEnabled()
    click(qtbot, dialog.email_radio)  # the other choice is made again, and fails the same way
    assert "Agency name" in dialog.error_label.text()
    assert documents(admin_ctx.who) == []


def test_no_address_for_post_says_so_and_email_still_works(
    qtbot: Any, open_client: Any, refs: Clients, admin_ctx: AppContext
) -> None:
    dialog = make_report(qtbot, open_client(refs.bramble))  # suspended, but its data can be reported
    assert "has no postal or billing address" in dialog.error_label.text()
    click(qtbot, dialog.email_radio)
    qtbot.waitUntil(lambda: not dialog.is_busy())
    assert dialog.error_label.isHidden()
    assert dialog.save_button.isEnabled()


def test_printing_draws_every_page_and_records_it(
    qtbot: Any, open_client: Any, refs: Clients, admin_ctx: AppContext, tmp_path: Path, monkeypatch: Any
) -> None:
    dialog = make_report(qtbot, open_client(refs.zoe))
    target = tmp_path / "printed.pdf"

    print_into(monkeypatch, dialog, target)
    activate(qtbot, dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: dialog.status_label.isVisible())
    assert dialog.status_label.text() == "Sent to the printer."
    assert dialog.rendered is not None
    if dialog.preview.page_count():  # pages can be drawn here
        assert len(pypdf.PdfReader(target).pages) == dialog.rendered.pages
    [row] = documents(admin_ctx.who)
    assert row.delivery is Delivery.PRINTED


# --- email ------------------------------------------------------------------------------------------------------------


def open_email(qtbot: Any, dialog: DocumentDialog) -> EmailDialog:
    click(qtbot, dialog.email_button)
    qtbot.waitUntil(lambda: any(d.isVisible() for d in dialog.findChildren(EmailDialog)))
    return open_child(dialog, EmailDialog)


def test_an_email_draft_is_written_with_the_pdf_and_opened(
    qtbot: Any, open_client: Any, refs: Clients, admin_ctx: AppContext, save_as: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    dialog = make_report(qtbot, open_client(refs.zoe))
    click(qtbot, dialog.email_radio)
    qtbot.waitUntil(lambda: not dialog.is_busy())
    form = open_email(qtbot, dialog)
    assert form.to_edit.text() == "zoe@lukasiewicz.example"
    assert form.subject_edit.text() == "Data report for Zoë Łukasiewicz-Öztürk (Pemberton Quill Hosting Ltd)"
    assert "We will give you the password by phone" not in form.body_edit.toPlainText()
    form.protect_check.setChecked(True)  # the message now says the password comes by phone
    assert "We will give you the password by phone" in form.body_edit.toPlainText()
    form.protect_check.setChecked(False)
    form.body_edit.setFocus()
    qtbot.keyClicks(form.body_edit, "PS: call us with any question.")

    asked = save_as(tmp_path / "draft")
    click(qtbot, form.draft_button)
    assert asked[0][1].endswith(f"{refs.zoe} data report.eml")
    draft = tmp_path / "draft.eml"
    assert opened == [QUrl.fromLocalFile(str(draft))]
    assert not form.isVisible()
    assert dialog.status_label.text().startswith(f"Email draft for zoe@lukasiewicz.example saved to {draft}")

    message = BytesParser(policy=policy.default).parse(draft.open("rb"))
    assert message["To"] == "zoe@lukasiewicz.example"
    assert message["X-Unsent"] == "1"
    body = message.get_body(("plain",))
    assert body is not None and "PS: call us with any question." in body.get_content()
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == f"{refs.zoe} data report.pdf"
    assert dialog.rendered is not None and attachment.get_content() == dialog.rendered.made.pdf
    [row] = documents(admin_ctx.who)
    assert (row.delivery, row.delivered_to) == (Delivery.EMAIL_DRAFT, "zoe@lukasiewicz.example")


def test_a_refused_send_keeps_the_form_and_records_nothing(
    qtbot: Any, open_client: Any, refs: Clients, admin_ctx: AppContext, memory_keyring: MemoryKeyring
) -> None:
    set_settings(
        admin_ctx.who, smtp_host="127.0.0.1", smtp_port=free_port(), smtp_username="office", smtp_timeout_seconds=2
    )
    dialog = make_report(qtbot, open_client(refs.zoe))
    form = open_email(qtbot, dialog)
    qtbot.keyClicks(form.subject_edit, " as asked")
    click(qtbot, form.send_button)

    asked = open_child(form, SmtpPasswordDialog)  # the keyring has none yet
    assert asked.remember_check.isChecked()
    qtbot.keyClicks(asked.password_edit, "mail-server-secret")
    qtbot.keyClick(asked.password_edit, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: form.error_label.isVisible())
    assert form.isVisible() and form.subject_edit.text().endswith(" as asked")
    assert "nothing was recorded as sent" in form.error_label.text() or "STARTTLS" in form.error_label.text()
    assert documents(admin_ctx.who) == []
    assert memory_keyring.secrets == {}  # a password is remembered only once it worked


def test_send_now_through_the_mail_server(
    qtbot: Any,
    open_client: Any,
    refs: Clients,
    admin_ctx: AppContext,
    memory_keyring: MemoryKeyring,
    start_server: Any,
) -> None:
    server = start_server()
    set_settings(admin_ctx.who, smtp_host="127.0.0.1", smtp_port=server.port, smtp_starttls=False)
    dialog = make_report(qtbot, open_client(refs.zoe))
    form = open_email(qtbot, dialog)
    click(qtbot, form.send_button)
    qtbot.waitUntil(lambda: not form.isVisible())
    assert dialog.status_label.text() == "Sent to zoe@lukasiewicz.example."
    [envelope] = server.mailbox.received
    assert envelope.rcpt_tos == ["zoe@lukasiewicz.example"]
    [row] = documents(admin_ctx.who)
    assert (row.delivery, row.delivered_to) == (Delivery.EMAIL_SENT, "zoe@lukasiewicz.example")


# --- a DPA and its signed copy ----------------------------------------------------------------------------------------


def test_a_dpa_saved_then_its_signed_copy_recorded(
    qtbot: Any,
    open_client: Any,
    refs: Clients,
    admin_ctx: AppContext,
    save_as: Any,
    tmp_path: Path,
    monkeypatch: Any,
) -> None:
    window = open_client(refs.zoe)
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)  # Data processing agree&ment…
    dialog = document_dialog(qtbot, window)
    assert dialog.windowTitle().startswith("Data processing agreement — ")
    save_as(tmp_path / "dpa.pdf")
    click(qtbot, dialog.save_button)
    dialog.close()

    show_tab(qtbot, window, "Documents")
    qtbot.waitUntil(lambda: window.documents_model.rowCount() == 1)
    assert not window.signed_button.isEnabled()
    window.documents_table.selectRow(0)
    assert cells(window.documents_table)[0][-1] == "Not yet"
    scan = tmp_path / "signed scan.pdf"
    scan.write_bytes((tmp_path / "dpa.pdf").read_bytes())
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(scan), ""))
    click(qtbot, window.signed_button)
    signed = open_child(window, SignedCopyDialog)
    click(qtbot, signed.choose_button)
    assert signed.file_edit.text() == str(scan)
    click(qtbot, signed.ok_button)

    today = uk_today()
    qtbot.waitUntil(lambda: cells(window.documents_table)[0][-1] == today.strftime("%d/%m/%Y"))
    [row] = documents(admin_ctx.who, kind=DocumentKind.DPA)
    assert row.signed_on == today and row.signed_copy_id is not None


# --- a letter from a request ----------------------------------------------------------------------------------------


def test_an_acknowledgement_letter_from_the_request_window_shows_on_the_timeline(
    qtbot: Any, open_request: Any, admin_ctx: AppContext, refs: Clients, save_as: Any, tmp_path: Path
) -> None:
    window = open_request(
        RequestType.ACCESS,
        RequestChannel.EMAIL,
        "Zoë Łukasiewicz-Öztürk",
        requester_email="zoe@lukasiewicz.example",
        subject="Everything you hold about me",
        client_ref=refs.zoe,
    )
    ref = window.ref
    assert window.letter_button.isEnabled() and window.report_button.isEnabled()
    window.letter_menu.aboutToShow.emit()
    labels = [a.text() for a in window.letter_menu.actions()]
    assert LetterKind.ACKNOWLEDGEMENT.label in labels
    assert LetterKind.OPERATOR_NOTICE.label not in labels
    window.letter_menu.findChild(type(window.letter_menu.actions()[0]), "letter_acknowledgement").trigger()

    dialog = document_dialog(qtbot, window)
    assert dialog.email_radio.isChecked()  # it came by email: the reply goes by email
    assert dialog.error_label.isHidden(), dialog.error_label.text()
    save_as(tmp_path / "ack.pdf")
    click(qtbot, dialog.save_button)
    assert (tmp_path / "ack.pdf").is_file()

    show_tab(qtbot, window, "Timeline")
    summaries = [row[2] for row in cells(window.timeline_table)]
    title = f"{LetterKind.ACKNOWLEDGEMENT.label}: {ref}"
    assert f"Produced: {title}" in summaries
    assert f"Saved: {title}" in summaries
    [row] = documents(admin_ctx.who, request_ref=ref)
    assert (row.letter_kind, row.client_ref) == (LetterKind.ACKNOWLEDGEMENT, refs.zoe)


def test_the_data_report_button_only_for_access_and_portability(open_request: Any) -> None:
    window = open_request(
        RequestType.RECTIFICATION,
        RequestChannel.EMAIL,
        "Ida Finch",
        requester_email="accounts@bramble.example",
        subject="My name is spelt wrong",
    )
    assert window.letter_button.isEnabled()
    assert window.report_button.isHidden()


def test_a_letter_that_does_not_fit_the_request_says_why(qtbot: Any, open_request: Any, admin_ctx: AppContext) -> None:
    window = open_request(
        RequestType.ACCESS,
        RequestChannel.POST,
        "Ida Finch",
        requester_address="2 Mill Lane\nLeeds\nLS1 1AA",
        subject="A copy of my data",
    )
    ref = window.ref
    assert not window.report_button.isEnabled()  # no client to make a report from
    dialog = window.make_letter(LetterKind.COMPLETION)
    assert dialog is not None
    dialog = document_dialog(qtbot, window)
    assert dialog.post_radio.isChecked()  # it came by post
    assert f"{ref} is not completed" in dialog.error_label.text()
    assert documents(admin_ctx.who) == []


def test_without_qt_pdf_the_pages_are_drawn_by_poppler(
    qtbot: Any, open_client: Any, refs: Clients, admin_ctx: AppContext, tmp_path: Path, monkeypatch: Any
) -> None:
    import shutil

    import hartdesk.ui.document_dialog as document_dialog_mod

    if shutil.which("pdftoppm") is None and not os.environ.get("CI"):
        pytest.skip("Poppler's pdftoppm is not installed")
    monkeypatch.setattr(document_dialog_mod, "qt_pdf_available", lambda: False)
    monkeypatch.setattr(document_dialog_mod, "PREVIEW_DPI", 30)
    dialog = make_report(qtbot, open_client(refs.zoe))
    assert dialog.rendered is not None
    assert dialog.preview.currentIndex() == dialog.preview.PICTURES
    assert dialog.preview.page_count() == dialog.rendered.pages
    page = dialog.preview.page_labels[0]
    assert not page.pixmap().isNull()
    dialog.zoom_combo.setCurrentText("Whole page")
    assert page.height() <= dialog.preview.page_scroll.viewport().height()

    target = tmp_path / "printed.pdf"

    print_into(monkeypatch, dialog, target)
    click(qtbot, dialog.print_button)
    qtbot.waitUntil(lambda: dialog.status_label.isVisible())
    assert len(pypdf.PdfReader(target).pages) == dialog.rendered.pages
    [row] = documents(admin_ctx.who)
    assert row.delivery is Delivery.PRINTED


def test_without_any_way_to_draw_pages_the_dialog_says_so(
    qtbot: Any, open_client: Any, refs: Clients, monkeypatch: Any
) -> None:
    import hartdesk.ui.document_dialog as document_dialog_mod

    monkeypatch.setattr(document_dialog_mod, "qt_pdf_available", lambda: False)
    monkeypatch.setattr(document_dialog_mod.shutil, "which", lambda name: None)
    dialog = make_report(qtbot, open_client(refs.zoe))
    assert dialog.rendered is not None and dialog.pages_label.text() == f"{dialog.rendered.pages} pages"
    assert dialog.preview.note.text().startswith("No preview on this computer")
    assert dialog.save_button.isEnabled()  # the document itself is complete
