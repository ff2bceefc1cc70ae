"""The Documents screen, used like a clerk: the documents produced, filtered and searched, opened with Enter, a signed
DPA recorded, and a data report for each active client made in one go with progress."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QPushButton

from hartdesk import settings as settings_mod
from hartdesk.dates import uk_today
from hartdesk.models.enums import ClientKind, Delivery, DocumentKind, LetterKind, RequestChannel, RequestType
from hartdesk.privacy import produce
from hartdesk.register import clients
from hartdesk.register.clients import ClientInput, ContactInput
from hartdesk.register.documents import list_documents
from hartdesk.ui.client_detail import ClientDetailDialog
from hartdesk.ui.context import AppContext
from hartdesk.ui.document_dialog import SignedCopyDialog
from hartdesk.ui.request_detail import request_window
from hartdesk.ui.screens.documents import BatchReportsDialog, DocumentsScreen
from tests.conftest import ADMIN
from tests.ui.helpers import OpenScreen, cells, column, log_request, open_child, set_settings
from tests.ui.test_clients_screen import Clients, fill_register

SIZE = (1100, 640)


@pytest.fixture
def refs(signed_in_admin: Any) -> Clients:
    set_settings(signed_in_admin, agency_contact_name="Morwenna Trelawny", agency_contact_position="Director")
    return fill_register(signed_in_admin)


@pytest.fixture
def produced(signed_in_admin: Any, refs: Clients, tmp_path: Path) -> str:
    """A data report for Zoë (saved), a DPA for Acme (printed) and an acknowledgement of Zoë's request (saved); the
    request's reference."""
    today = uk_today()
    out = tmp_path / "made"
    out.mkdir()
    with signed_in_admin.register.session() as s:
        settings = settings_mod.load(s)
        request = log_request(
            s,
            RequestType.ACCESS,
            RequestChannel.EMAIL,
            "Zoë Łukasiewicz-Öztürk",
            requester_email="zoe@lukasiewicz.example",
            client_ref=refs.zoe,
        )
        made = produce.make_data_report(s, refs.zoe, settings, today, for_post=False)
        produce.save(s, ADMIN, made, out / made.filename)
        produce.printed(s, ADMIN, produce.make_dpa(s, refs.acme, settings, today))
        letter = produce.make_letter(s, request, LetterKind.ACKNOWLEDGEMENT, settings, today, for_post=False)
        produce.save(s, ADMIN, letter, out / letter.filename)
    return request


@pytest.fixture
def screen(open_screen: OpenScreen, produced: str) -> DocumentsScreen:
    return open_screen(DocumentsScreen, SIZE)


def test_every_document_produced_is_listed_newest_first(screen: DocumentsScreen, refs: Clients, produced: str) -> None:
    rows = cells(screen.table)
    assert [r[1] for r in rows] == [
        "Letter: Acknowledgement",
        "DPA 1.0",
        "Data report",
    ]
    letter, dpa, report = rows
    assert letter[3:6] == [f"{refs.zoe} Zoë Łukasiewicz-Öztürk", produced, "Saved as a file"]
    assert dpa[5] == "Printed" and dpa[-1] == "Not yet"
    tooltip = screen.model.index(2, 2).data(Qt.ItemDataRole.ToolTipRole)
    assert "Addressed to Zoë Łukasiewicz-Öztürk" in tooltip
    assert report[-1] == ""  # only a DPA is signed
    assert screen.count_label.text() == "3 documents"


def test_filter_by_kind_and_search_by_reference(
    qtbot: Any, screen: DocumentsScreen, refs: Clients, produced: str
) -> None:
    screen.kind_combo.setFocus()
    qtbot.keyClicks(screen.kind_combo, "Letters")
    assert column(screen.table, 1) == ["Letter: Acknowledgement"]
    screen.kind_combo.setCurrentIndex(0)

    screen.search_edit.setFocus()
    qtbot.keyClicks(screen.search_edit, refs.acme)
    qtbot.keyClick(screen.search_edit, Qt.Key.Key_Return)  # at once, and into the list
    assert column(screen.table, 3) == [f"{refs.acme} Acme Widgets Ltd"]
    assert screen.table.hasFocus()

    screen.search_edit.clear()
    qtbot.keyClicks(screen.search_edit, "Zo")  # part of a name narrows the list after the pause in typing
    qtbot.waitUntil(lambda: screen.model.rowCount() == 2)
    qtbot.keyClicks(screen.search_edit, "xyz")
    qtbot.waitUntil(lambda: screen.count_label.text() == "No documents match.")


def test_enter_opens_the_request_or_the_client(qtbot: Any, screen: DocumentsScreen, produced: str) -> None:
    screen.table.setFocus()
    screen.table.selectRow(0)
    qtbot.keyClick(screen.table, Qt.Key.Key_Return)
    window = request_window(produced)
    assert window is not None and window.isVisible()
    window.close()

    screen.table.selectRow(1)  # the DPA: for a client only
    qtbot.keyClick(screen.table, Qt.Key.Key_Return)
    opened = [w for w in screen.findChildren(ClientDetailDialog) if w.isVisible()]
    assert [w.ref for w in opened] == ["C-00002"]


def test_record_a_signed_dpa_from_the_list(
    qtbot: Any, screen: DocumentsScreen, admin_ctx: AppContext, tmp_path: Path, monkeypatch: Any
) -> None:
    screen.table.selectRow(0)
    assert not screen.signed_button.isEnabled()  # a letter
    screen.table.selectRow(1)
    assert screen.signed_button.isEnabled()
    qtbot.mouseClick(screen.signed_button, Qt.MouseButton.LeftButton)
    dialog = open_child(screen, SignedCopyDialog)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.error_label.text() == "Choose the file of the scan (a PDF or a photo)."
    scan = next((tmp_path / "made").glob("*data report.pdf"))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(scan), ""))
    qtbot.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    today = uk_today()
    assert cells(screen.table)[1][-1] == today.strftime("%d/%m/%Y")
    assert screen.message_label.text().startswith("The signed copy of ")
    with admin_ctx.who.register.session() as s:
        [dpa] = list_documents(s, kind=DocumentKind.DPA)
    assert dpa.signed_on == today


def test_data_reports_for_all_active_clients(
    qtbot: Any, screen: DocumentsScreen, admin_ctx: AppContext, refs: Clients, tmp_path: Path, monkeypatch: Any
) -> None:
    with admin_ctx.who.register.session() as s:  # a third active client, with no address for post
        nomad = clients.create_client(
            s,
            ADMIN,
            ClientInput(
                name="Nomad Studio",
                kind=ClientKind.ORGANISATION,
                contacts=[ContactInput("Kit Nomad", "", ["kit@nomad.example"], [])],
            ),
            today=date(2024, 1, 5),
        )
    folder = tmp_path / "reports"
    folder.mkdir()
    progress: list[int] = []
    set_value = QProgressDialog.setValue
    monkeypatch.setattr(QProgressDialog, "setValue", lambda self, v: (progress.append(v), set_value(self, v))[1])
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))

    qtbot.mouseClick(screen.batch_button, Qt.MouseButton.LeftButton)
    dialog = open_child(screen, BatchReportsDialog)
    assert dialog.count_label.text() == "3 of 3 active clients ticked"  # the suspended and closed are not offered
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.error_label.text() == "Choose the folder the reports go into."
    qtbot.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
    assert dialog.folder_edit.text() == str(folder)
    dialog.post_radio.setChecked(True)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    result = open_child(screen, QMessageBox, "batch_result")
    assert result.text().splitlines()[0] == f"2 data reports saved into {folder}."
    [failure] = result.text().splitlines()[3:]
    assert failure.startswith(f"{nomad} Nomad Studio: ") and "has no postal or billing address" in failure
    assert progress[0] == 0 and progress[-1] == 3
    assert sorted(p.name for p in folder.glob("*.pdf")) == sorted(
        [f"{refs.zoe} data report.pdf", f"{refs.acme} data report.pdf"]
    )
    assert (folder / f"data-report-{refs.acme}.json").is_file() and (folder / f"data-report-{refs.zoe}.csv").is_file()
    with admin_ctx.who.register.session() as s:
        saved = list_documents(s, kind=DocumentKind.DATA_REPORT)
    assert len(saved) == 3  # the one made before, and the two of the batch
    assert all(d.delivery is Delivery.SAVED for d in saved)
    assert screen.count_label.text() == "5 documents"
    assert screen.batch_button.isEnabled()


def test_the_batch_stops_between_reports_when_cancelled(
    screen: DocumentsScreen, admin_ctx: AppContext, refs: Clients, tmp_path: Path, monkeypatch: Any
) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    made: list[int] = []

    def cancel_after_the_first(self: QProgressDialog, value: int) -> None:
        made.append(value)
        if value == 1:  # the clerk presses Cancel while the second report is being made
            button = self.findChild(QPushButton)
            assert button is not None and button.text() == "Cancel"
            button.click()

    monkeypatch.setattr(QProgressDialog, "setValue", cancel_after_the_first)
    screen.run_batch([(refs.zoe, "Zoë"), (refs.acme, "Acme Widgets Ltd")], folder, for_post=False)
    assert screen.last_batch is not None and screen.last_batch.cancelled
    assert [p.name for p in folder.glob("*.pdf")] == [f"{refs.zoe} data report.pdf"]
    assert "Stopped before the end, as asked." in screen.last_batch.summary()


def test_the_records_of_processing_are_made_and_saved_from_the_screen(
    qtbot: Any, screen: DocumentsScreen, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import csv

    from PySide6.QtWidgets import QWidget

    from hartdesk.ui.document_dialog import DocumentDialog
    from tests.pdfs import pdf_text

    def answer(parent: QWidget, title: str, suggested: str, *args: Any, **kwargs: Any) -> tuple[str, str]:
        return str(tmp_path / "ropa.pdf"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", answer)
    screen.ropa_button.setFocus()
    qtbot.keyClick(screen.ropa_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: any(d.isVisible() for d in screen.findChildren(DocumentDialog)))
    dialog = open_child(screen, DocumentDialog)
    qtbot.waitUntil(lambda: not dialog.is_busy())
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    text = pdf_text((tmp_path / "ropa.pdf").read_bytes())
    assert "Record of processing activities — controller" in text and "processor" in text
    table = next(tmp_path.glob("Records of processing *.csv"))
    with table.open(encoding="utf-8-sig", newline="") as f:
        assert next(csv.reader(f))[0] == "record"
    qtbot.waitUntil(lambda: DocumentKind.ROPA.label in str(cells(screen.table)))
