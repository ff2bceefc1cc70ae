"""The CSV import wizard and the client export, driven as a clerk would: type the file's name, press Enter, read
the problems, tick, import; then look in the register."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from hartdesk.models import AddressKind, Client
from hartdesk.register import csvio, search
from hartdesk.register.clients import AddressInput, ClientInput, ContactInput, create_client
from hartdesk.register.csvio import COLUMNS, ImportKind, Problem
from hartdesk.register.search import ClientQuery
from hartdesk.security.signin import SignedIn
from hartdesk.ui.context import AppContext
from hartdesk.ui.import_dialog import (
    NOT_IN_FILE,
    NOTHING_WRITTEN,
    ColumnsModel,
    ImportDialog,
    PreviewModel,
    ProblemModel,
    export_clients_to,
)
from hartdesk.ui.tasks import Progress, SyncTaskRunner, TaskRunner
from tests.ui.helpers import Show, open_child

SIZE = (900, 700)
HEADER = "name,email,address_line1,town,postcode"
FORMULA = '=HYPERLINK("http://evil.example.co.uk","Click")'


def csv_file(folder: Path, name: str, lines: list[str], encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes("\r\n".join(lines).encode(encoding) + b"\r\n")
    return path


def client_count(who: SignedIn) -> int:
    with who.register.session() as session:
        return int(session.scalar(select(func.count(Client.id))) or 0)


def client_names(who: SignedIn) -> list[str]:
    with who.register.session() as session:
        return list(session.scalars(select(Client.name).order_by(Client.id)))


def found_by_search(who: SignedIn, typed: str) -> list[str]:
    with who.register.session() as session:
        return [row.name for row in search.list_clients(session, ClientQuery(text=typed))]


@pytest.fixture
def parent(show: Show) -> QWidget:
    """The window the dialog opens from (its message boxes stay with it)."""
    return show(QWidget(), SIZE)


@pytest.fixture
def open_dialog(qtbot: QtBot, show: Show, admin_ctx: AppContext, parent: QWidget) -> Callable[..., ImportDialog]:
    def open_dialog(kind: str = "clients", ctx: AppContext | None = None) -> ImportDialog:
        dialog = show(ImportDialog(ctx or admin_ctx, kind, parent), SIZE)
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow)
        return dialog

    return open_dialog


def choose(qtbot: QtBot, dialog: ImportDialog, path: Path) -> None:
    """Type the file's name and press Enter (the default button, Next, reads it)."""
    dialog.path_edit.setFocus()
    qtbot.keyClicks(dialog.path_edit, str(path))
    qtbot.keyClick(dialog.path_edit, Qt.Key.Key_Return)


def check(qtbot: QtBot, dialog: ImportDialog) -> None:
    assert dialog.current_step() == 1, dialog.file_error.text()
    assert dialog.check_button.isDefault()
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)
    assert dialog.current_step() == 2


def shown_problems(dialog: ImportDialog) -> list[tuple[str, ...]]:
    """The problem list as shown: (line, type, column, problem) for each row."""
    model = dialog.problem_table.model()
    return [
        tuple(model.index(row, column).data() for column in range(model.columnCount()))
        for row in range(model.rowCount())
    ]


# --- checking --------------------------------------------------------------------------------------------------------


def test_a_file_with_errors_shows_every_problem_and_writes_nothing(
    qtbot: QtBot, open_dialog: Callable[..., ImportDialog], signed_in_admin: SignedIn, tmp_path: Path
) -> None:
    before = client_count(signed_in_admin)
    path = csv_file(
        tmp_path,
        "clients.csv",
        [
            HEADER,
            "Tremayne Bakery Ltd,orders@tremayne.co.uk,1 Fore Street,Truro,TR1 2AA",
            f'"{FORMULA.replace(chr(34), chr(34) * 2)}",hyper@link.co.uk,2 Fore Street,Truro,TR1 2AB',
            "Bad Email Ltd,not-an-email@@tremayne.co.uk,3 Fore Street,Truro,TR1 2AC",
            "Bad Postcode Ltd,ok@postcode.co.uk,4 Fore Street,Truro,NOT A POSTCODE",
            ",nameless@tremayne.co.uk,5 Fore Street,Truro,TR1 2AE",
        ],
    )
    dialog = open_dialog()
    choose(qtbot, dialog, path)
    assert "5 rows" in dialog.file_info.text()
    check(qtbot, dialog)

    assert dialog.summary_label.text() == "5 rows: 2 ready, 3 with problems, 0 warnings."
    problems = shown_problems(dialog)
    assert {line for line, *_ in problems} == {"4", "5", "6"}  # the formula-like name on line 3 is fine as text
    assert all(kind == "error" for _, kind, _, _ in problems)
    by_line = {(line, column): message for line, _, column, message in problems}
    assert "not a valid email address" in by_line[("4", "email")]
    assert "not a UK postcode" in by_line[("5", "postcode")]
    assert by_line[("6", "name")] == "Enter the client's name."
    assert dialog.outcome_label.text() == NOTHING_WRITTEN
    assert not dialog.import_button.isEnabled()
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)  # Enter does not import either
    assert dialog.isVisible()
    assert client_count(signed_in_admin) == before


def test_a_clean_file_is_imported_whole(
    qtbot: QtBot,
    open_dialog: Callable[..., ImportDialog],
    signed_in_admin: SignedIn,
    tmp_path: Path,
    parent: QWidget,
) -> None:
    before = client_count(signed_in_admin)
    path = csv_file(
        tmp_path,
        "clients.csv",
        [
            HEADER,
            "Tremayne Bakery Ltd,orders@tremayne.co.uk,1 Fore Street,Truro,TR1 2AA",
            f'"{FORMULA.replace(chr(34), chr(34) * 2)}",hyper@link.co.uk,2 Fore Street,Truro,TR1 2AB',
            "Polwhele Surf School,hello@polwhele.co.uk,3 Beach Road,Newquay,TR7 1AA",
        ],
    )
    dialog = open_dialog()
    choose(qtbot, dialog, path)
    check(qtbot, dialog)
    assert dialog.summary_label.text() == "3 rows: 3 ready, 0 with problems, 0 warnings."
    assert dialog.problem_table.isHidden()
    assert dialog.import_button.isEnabled() and dialog.import_button.hasFocus()

    with qtbot.waitSignal(dialog.imported) as imported:
        qtbot.keyClick(dialog.import_button, Qt.Key.Key_Return)
    assert imported.args == [3]
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert not dialog.isVisible()
    assert open_child(parent, QMessageBox, "imported_message").text() == "3 clients imported."
    assert client_count(signed_in_admin) == before + 3
    assert found_by_search(signed_in_admin, "polwhele") == ["Polwhele Surf School"]
    assert FORMULA in client_names(signed_in_admin)


def test_a_windows_1252_file_keeps_its_letters(
    qtbot: QtBot, open_dialog: Callable[..., ImportDialog], signed_in_admin: SignedIn, tmp_path: Path
) -> None:
    path = csv_file(
        tmp_path,
        "excel.csv",
        ["name;address_line1;town;postcode", "Ñoño Diseño Ltd;7 Côte Lane;Penzance;TR18 2AA"],
        encoding="cp1252",
    )
    dialog = open_dialog()
    choose(qtbot, dialog, path)
    assert "Windows-1252" in dialog.file_info.text()
    assert "semicolons" in dialog.file_info.text()
    assert dialog.preview_model.index(0, 0).data() == "Ñoño Diseño Ltd"
    check(qtbot, dialog)
    with qtbot.waitSignal(dialog.imported):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert client_names(signed_in_admin) == ["Ñoño Diseño Ltd"]
    assert found_by_search(signed_in_admin, "Ñoño") == ["Ñoño Diseño Ltd"]


def test_a_column_matched_by_hand(
    qtbot: QtBot, open_dialog: Callable[..., ImportDialog], signed_in_admin: SignedIn, tmp_path: Path
) -> None:
    path = csv_file(
        tmp_path,
        "accounts.csv",
        [
            "Company Name,E-mail,Address,City,Postcode",
            "Kernow Kites Ltd,fly@kernowkites.co.uk,1 Quay St,Padstow,PL28 8AA",
        ],
    )
    dialog = open_dialog()
    choose(qtbot, dialog, path)
    mapping = dialog.mapping()
    assert mapping["name"] is None  # nobody calls "Company Name" name: the clerk chooses it
    assert (mapping["email"], mapping["address_line1"], mapping["town"]) == (1, 2, 3)
    assert dialog.mapping_error.text() == "Choose the file's column for: name."
    assert not dialog.check_button.isEnabled()
    name_combo = dialog.combos["name"]
    assert name_combo.hasFocus()
    assert name_combo.currentText() == NOT_IN_FILE

    qtbot.keyClicks(name_combo, "Com")
    assert name_combo.currentText() == "Company Name"
    assert dialog.mapping_error.isHidden()
    assert dialog.preview_model.headerData(0, Qt.Orientation.Horizontal) == "Company Name\n→ name"
    check(qtbot, dialog)
    with qtbot.waitSignal(dialog.imported):
        qtbot.keyClick(dialog.import_button, Qt.Key.Key_Return)
    assert client_names(signed_in_admin) == ["Kernow Kites Ltd"]
    assert found_by_search(signed_in_admin, "kernowkites") == ["Kernow Kites Ltd"]


def test_back_to_change_the_columns_after_a_check(
    qtbot: QtBot, open_dialog: Callable[..., ImportDialog], signed_in_admin: SignedIn, tmp_path: Path
) -> None:
    """Mapping the email to the wrong column shows errors; Back, fix the choice, check again, import."""
    path = csv_file(
        tmp_path,
        "clients.csv",
        ["name,email,address_line1,town,postcode", "Tremayne Bakery Ltd,orders@tremayne.co.uk,1 Fore St,Truro,TR1 2AA"],
    )
    dialog = open_dialog()
    choose(qtbot, dialog, path)
    dialog.combos["email"].setCurrentIndex(dialog.combos["email"].findText("town"))
    check(qtbot, dialog)
    assert [(line, column) for line, _, column, _ in shown_problems(dialog)] == [("2", "email (town)")]
    qtbot.keyClick(dialog, Qt.Key.Key_B, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: dialog.current_step() == 1)  # a mnemonic clicks after a short animation
    dialog.combos["email"].setCurrentIndex(dialog.combos["email"].findText("email"))
    check(qtbot, dialog)
    assert dialog.import_button.isEnabled()


def test_a_file_that_cannot_be_read_says_why(
    qtbot: QtBot, open_dialog: Callable[..., ImportDialog], tmp_path: Path
) -> None:
    dialog = open_dialog()
    choose(qtbot, dialog, tmp_path / "missing.csv")
    assert dialog.current_step() == 0
    assert "There is no file" in dialog.file_error.text()

    binary = tmp_path / "photo.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    dialog.path_edit.clear()
    choose(qtbot, dialog, binary)
    assert dialog.current_step() == 0
    assert dialog.file_error.isVisible()
    assert "not a CSV text file" in dialog.file_error.text()

    qtbot.keyClicks(dialog.path_edit, "x")
    assert dialog.file_error.isHidden()


def test_browse_fills_in_the_file(
    qtbot: QtBot, open_dialog: Callable[..., ImportDialog], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = csv_file(tmp_path, "clients.csv", [HEADER, "A Ltd,a@a.co.uk,1 St,Truro,TR1 2AA"])
    asked: list[str] = []

    def fake_open(parent: QWidget, caption: str, folder: str, filters: str) -> tuple[str, str]:
        asked.append(filters)
        return str(path), ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(fake_open))
    dialog = open_dialog()
    qtbot.keyClick(dialog, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: dialog.path_edit.text() == str(path))  # a mnemonic clicks after a short animation
    assert "*.csv *.txt" in asked[0]
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)
    assert dialog.current_step() == 1


def test_services_and_invoices_have_their_own_columns(open_dialog: Callable[..., ImportDialog]) -> None:
    for kind in (ImportKind.SERVICES, "invoices"):
        dialog = open_dialog(kind)
        keys = [dialog.columns_model.index(r, 0).data() for r in range(dialog.columns_model.rowCount())]
        assert keys == [c.key for c in COLUMNS[ImportKind(kind)]]
        assert dialog.columns_model.index(0, 1).data() == "required"  # client_reference


# --- progress ---------------------------------------------------------------------------------------------------------


class RecordingRunner(SyncTaskRunner):
    """Runs at once, noting every progress report on its way to the dialog."""

    def __init__(self) -> None:
        SyncTaskRunner.__init__(self)
        self.reports: list[tuple[int, int]] = []

    def run(
        self,
        fn: Callable[..., Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        serial: bool = False,
        on_progress: Progress | None = None,
    ) -> None:
        if on_progress is not None:
            inner = on_progress

            def on_progress(done: int, total: int) -> None:
                self.reports.append((done, total))
                inner(done, total)

        SyncTaskRunner.run(self, fn, on_done, on_error, serial, on_progress)


def many_clients(folder: Path, count: int) -> Path:
    lines = [HEADER] + [
        f"Client {n:04d} Ltd,office{n}@client{n}.co.uk,{n} Lemon Street,Truro,TR1 2AA" for n in range(count)
    ]
    return csv_file(folder, "many.csv", lines)


def test_progress_is_reported_while_checking_and_importing(
    qtbot: QtBot,
    open_dialog: Callable[..., ImportDialog],
    admin_ctx: AppContext,
    signed_in_admin: SignedIn,
    tmp_path: Path,
) -> None:
    runner = RecordingRunner()
    dialog = open_dialog(ctx=replace(admin_ctx, tasks=runner))
    choose(qtbot, dialog, many_clients(tmp_path, 450))
    check(qtbot, dialog)
    assert runner.reports == [(200, 450), (400, 450), (450, 450)]  # every 200 rows, and at the end
    assert dialog.summary_label.text() == "450 rows: 450 ready, 0 with problems, 0 warnings."
    runner.reports.clear()
    with qtbot.waitSignal(dialog.imported):
        qtbot.keyClick(dialog.import_button, Qt.Key.Key_Return)
    assert runner.reports[-1] == (900, 900)
    done = [d for d, _ in runner.reports]
    assert done == sorted(done) and (450, 900) in runner.reports
    assert client_count(signed_in_admin) == 450


def test_import_through_the_background_threads(
    qtbot: QtBot,
    open_dialog: Callable[..., ImportDialog],
    admin_ctx: AppContext,
    signed_in_admin: SignedIn,
    tmp_path: Path,
) -> None:
    runner = TaskRunner()
    dialog = open_dialog(ctx=replace(admin_ctx, tasks=runner))
    values: list[int] = []

    def on_value_changed(value: int) -> None:
        values.append(value)

    dialog.progress_bar.valueChanged.connect(on_value_changed)
    choose(qtbot, dialog, many_clients(tmp_path, 250))
    qtbot.waitUntil(lambda: dialog.current_step() == 1)
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.import_button.isEnabled())
    assert 200 in values  # the report made on the pool thread reached the bar
    with qtbot.waitSignal(dialog.imported, timeout=20000) as imported:
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert imported.args == [250]
    assert runner.wait_for_all()
    assert client_count(signed_in_admin) == 250


class DeferredRunner(SyncTaskRunner):
    """Holds each task until the test lets it run: what the clerk sees while work is under way."""

    def __init__(self) -> None:
        SyncTaskRunner.__init__(self)
        self.pending: list[Callable[[], None]] = []

    def run(
        self,
        fn: Callable[..., Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        serial: bool = False,
        on_progress: Progress | None = None,
    ) -> None:
        self.pending.append(lambda: SyncTaskRunner.run(self, fn, on_done, on_error, serial, on_progress))

    def run_pending(self) -> None:
        while self.pending:
            self.pending.pop(0)()


def test_the_dialog_cannot_be_closed_while_the_rows_are_written(
    qtbot: QtBot,
    open_dialog: Callable[..., ImportDialog],
    admin_ctx: AppContext,
    signed_in_admin: SignedIn,
    tmp_path: Path,
) -> None:
    runner = DeferredRunner()
    dialog = open_dialog(ctx=replace(admin_ctx, tasks=runner))
    choose(qtbot, dialog, many_clients(tmp_path, 3))
    assert dialog.file_busy.isVisible() and not dialog.next_button.isEnabled()
    runner.run_pending()
    check(qtbot, dialog)
    assert dialog.summary_label.text() == "Checking 3 rows…"
    assert dialog.progress_bar.isVisible() and not dialog.import_button.isEnabled()
    runner.run_pending()
    qtbot.keyClick(dialog.import_button, Qt.Key.Key_Return)
    assert not dialog.cancel_button.isEnabled() and not dialog.back_button.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible()  # all or nothing: the writing cannot stop halfway
    with qtbot.waitSignal(dialog.imported):
        runner.run_pending()
    assert client_count(signed_in_admin) == 3


def test_cancelling_during_the_check_drops_its_result(
    qtbot: QtBot, open_dialog: Callable[..., ImportDialog], admin_ctx: AppContext, tmp_path: Path
) -> None:
    runner = DeferredRunner()
    dialog = open_dialog(ctx=replace(admin_ctx, tasks=runner))
    choose(qtbot, dialog, many_clients(tmp_path, 3))
    runner.run_pending()
    check(qtbot, dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert dialog.result() == QDialog.DialogCode.Rejected
    runner.run_pending()
    assert dialog.plan is None  # the late result is not shown


def test_a_corrected_file_keeps_the_columns_chosen(
    qtbot: QtBot, open_dialog: Callable[..., ImportDialog], signed_in_admin: SignedIn, tmp_path: Path
) -> None:
    header = "Company Name,Address,City,Postcode"
    path = csv_file(tmp_path, "accounts.csv", [header, "Kernow Kites Ltd,1 Quay St,Padstow,NOT A POSTCODE"])
    dialog = open_dialog()
    choose(qtbot, dialog, path)
    dialog.combos["name"].setCurrentIndex(dialog.combos["name"].findText("Company Name"))
    check(qtbot, dialog)
    assert not dialog.import_button.isEnabled()

    csv_file(tmp_path, "accounts.csv", [header, "Kernow Kites Ltd,1 Quay St,Padstow,PL28 8AA"])  # corrected
    qtbot.keyClick(dialog.back_button, Qt.Key.Key_Space)
    qtbot.keyClick(dialog.back_button, Qt.Key.Key_Space)
    assert dialog.current_step() == 0 and dialog.path_edit.text() == str(path)
    qtbot.keyClick(dialog.path_edit, Qt.Key.Key_Return)
    assert dialog.combos["name"].currentText() == "Company Name"
    check(qtbot, dialog)
    with qtbot.waitSignal(dialog.imported):
        qtbot.keyClick(dialog.import_button, Qt.Key.Key_Return)
    assert client_names(signed_in_admin) == ["Kernow Kites Ltd"]


# --- the register changing between the check and the import --------------------------------------------------------


def test_nothing_is_written_if_the_register_changed_since_the_check(
    qtbot: QtBot, open_dialog: Callable[..., ImportDialog], signed_in_admin: SignedIn, tmp_path: Path
) -> None:
    path = csv_file(
        tmp_path,
        "clients.csv",
        [
            "name,customer_centre_ref,address_line1,town,postcode",
            "Tremayne Bakery Ltd,CC-1001,1 Fore Street,Truro,TR1 2AA",
            "Polwhele Surf School,CC-1002,3 Beach Road,Newquay,TR7 1AA",
        ],
    )
    dialog = open_dialog()
    choose(qtbot, dialog, path)
    check(qtbot, dialog)
    assert dialog.import_button.isEnabled()
    with signed_in_admin.register.session() as session:  # someone else saves a client meanwhile
        create_client(session, "bob", ClientInput("Other Ltd", customer_centre_ref="CC-1002"))
    qtbot.keyClick(dialog.import_button, Qt.Key.Key_Return)

    assert dialog.isVisible()
    assert "has changed since the check" in dialog.outcome_label.text()
    assert NOTHING_WRITTEN in dialog.outcome_label.text()
    assert [(line, column) for line, _, column, _ in shown_problems(dialog)] == [("3", "customer_centre_ref")]
    assert not dialog.import_button.isEnabled()
    assert client_names(signed_in_admin) == ["Other Ltd"]


def test_a_failed_import_writes_nothing_and_says_why(
    qtbot: QtBot,
    open_dialog: Callable[..., ImportDialog],
    signed_in_admin: SignedIn,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from hartdesk.errors import ValidationError

    real_commit = csvio.commit_import

    def commit_then_fail(session: Any, actor: str, plan: Any, progress: Any = None) -> int:
        real_commit(session, actor, plan, progress)  # every row is written in the transaction...
        raise ValidationError("The disk is full.")  # ...which is then rolled back

    path = csv_file(tmp_path, "clients.csv", [HEADER, "Tremayne Bakery Ltd,a@tremayne.co.uk,1 Fore St,Truro,TR1 2AA"])
    dialog = open_dialog()
    choose(qtbot, dialog, path)
    check(qtbot, dialog)
    monkeypatch.setattr(csvio, "commit_import", commit_then_fail)
    qtbot.keyClick(dialog.import_button, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert dialog.outcome_label.text() == "The disk is full. Nothing has been written."
    assert dialog.cancel_button.isEnabled()
    assert client_count(signed_in_admin) == 0


# --- export and round trip --------------------------------------------------------------------------------------------


def test_export_then_import_keeps_a_formula_like_name_exactly(
    qtbot: QtBot,
    open_dialog: Callable[..., ImportDialog],
    admin_ctx: AppContext,
    signed_in_admin: SignedIn,
    tmp_path: Path,
    parent: QWidget,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    name = "=SUM(A1:A9)+cmd|' /C calc'!A0"
    with signed_in_admin.register.session() as session:
        create_client(
            session,
            "alice",
            ClientInput(
                name,
                contacts=[ContactInput("Jenna Rowe", emails=["jenna@sumco.co.uk"], is_primary=True)],
                addresses=[AddressInput(AddressKind.BILLING, "1 Lemon Street", town="Truro", postcode="TR1 2AA")],
            ),
        )
    target = tmp_path / "exported"
    offered: list[str] = []

    def fake_save(parent: QWidget, caption: str, suggested: str, filters: str) -> tuple[str, str]:
        offered.append(suggested)
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake_save))
    exported: list[tuple[int, Path]] = []
    export_clients_to(admin_ctx, parent, on_done=lambda count, path: exported.append((count, path)))
    written = target.with_suffix(".csv")
    assert Path(offered[0]).name == "clients.csv"
    assert exported == [(1, written)]
    assert open_child(parent, QMessageBox, "export_message").text() == f"1 client exported to {written}."
    assert f"'{name}" in written.read_text(encoding="utf-8-sig")  # shown as text by a spreadsheet, never run

    dialog = open_dialog()
    choose(qtbot, dialog, written)
    check(qtbot, dialog)
    assert dialog.summary_label.text() == "1 row: 1 ready, 0 with problems, 1 warning."
    [(_, kind, column, message)] = shown_problems(dialog)
    assert (kind, column) == ("warning", "email")
    assert "jenna@sumco.co.uk" in message
    assert not dialog.import_button.isEnabled()  # warnings need the clerk's word
    assert dialog.confirm_check.hasFocus()
    qtbot.keyClick(dialog.confirm_check, Qt.Key.Key_Space)
    assert dialog.import_button.isEnabled()
    with qtbot.waitSignal(dialog.imported):
        qtbot.keyClick(dialog.import_button, Qt.Key.Key_Return)
    assert client_names(signed_in_admin) == [name, name]


def test_an_export_that_cannot_be_written_says_why(
    qtbot: QtBot, admin_ctx: AppContext, tmp_path: Path, parent: QWidget
) -> None:
    export_clients_to(admin_ctx, parent, path=tmp_path / "no-such-folder" / "clients.csv")
    box = open_child(parent, QMessageBox, "export_message")
    assert box.windowTitle() == "Export failed"
    assert "cannot be written" in box.text()


def test_cancelling_the_export_writes_nothing(
    admin_ctx: AppContext, tmp_path: Path, parent: QWidget, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *args: ("", "")))
    export_clients_to(admin_ctx, parent)
    assert parent.findChild(QMessageBox) is None


# --- the models -------------------------------------------------------------------------------------------------------


def test_the_models_pass_the_model_tester(qtmodeltester) -> None:
    qtmodeltester.check(ColumnsModel(COLUMNS[ImportKind.CLIENTS]))

    preview = PreviewModel()
    qtmodeltester.check(preview)
    table = csvio.read_csv(b"name,,name\nA,B\nC,D,E,F\n")
    preview.set_table(table)
    preview.set_mapping({"name": 0, "notes": 0, "email": None})
    qtmodeltester.check(preview)
    assert [preview.headerData(i, Qt.Orientation.Horizontal) for i in range(3)] == [
        "name (column 1)\n→ name, notes",
        "(column 2, no heading)\n",
        "name (column 3)\n",
    ]
    assert preview.index(0, 2).data() == ""  # a short row

    problems = ProblemModel()
    problems.set_problems(
        [Problem(2, "email", "bad"), Problem(3, "", "whole row"), Problem(3, "email", "shared", True)],
        {"email": "email (E-mail)"},
    )
    qtmodeltester.check(problems)
    assert problems.index(1, 2).data() == "(the whole row)"
    assert problems.index(0, 2).data() == "email (E-mail)"
    assert problems.index(2, 1).data() == "warning"
    assert problems.index(0, 1).data(Qt.ItemDataRole.ForegroundRole) != problems.index(2, 1).data(
        Qt.ItemDataRole.ForegroundRole
    )
