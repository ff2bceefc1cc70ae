"""The Audit log screen: filters that change what is shown, paging as the clerk scrolls, and Verify."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QDate, QModelIndex, Qt
from sqlalchemy import select, text

from hartdesk.models import AuditEntry
from hartdesk.security import audit
from hartdesk.security.audit import AuditRow
from hartdesk.security.signin import SignedIn
from hartdesk.ui.models.audit_model import AuditDataRole, AuditFilter, AuditTableModel, Column
from hartdesk.ui.screens.audit import AuditScreen
from hartdesk.ui.tasks import SyncTaskRunner
from tests.conftest import ADMIN, STAFF
from tests.ui.helpers import OpenScreen, column

SIZE = (1000, 600)


@pytest.fixture
def who(signed_in_admin: SignedIn) -> SignedIn:
    """alice's register with a few of bob's rows besides hers."""
    with signed_in_admin.register.session() as session:
        audit.record(session, STAFF, "signin", f"staff:{STAFF}", {"totp": False})
        audit.record(session, STAFF, "client.viewed", "client:C-00042")
        audit.record(session, STAFF, "client.viewed", "client:C-00043")
    return signed_in_admin


@pytest.fixture
def screen(open_screen: OpenScreen, who: SignedIn) -> AuditScreen:
    """The screen, opened once ``who`` has added bob's rows."""
    return open_screen(AuditScreen, SIZE)


def all_rows(who: SignedIn) -> list[AuditRow]:
    with who.register.session() as session:
        return audit.query(session, limit=10_000)


def test_everything_newest_first(screen: AuditScreen, who: SignedIn, qtmodeltester) -> None:
    expected = all_rows(who)
    assert column(screen.table, Column.ACTION) == [r.action for r in expected]
    assert column(screen.table, Column.RECORD)[0] == "client:C-00043"
    when = column(screen.table, Column.WHEN)[0]
    assert datetime.strptime(when, "%d/%m/%Y %H:%M:%S")  # dd/mm/yyyy HH:MM:SS, local time
    assert screen.count_label.text() == f"{len(expected)} entries."
    qtmodeltester.check(screen.model)


def test_filter_by_person_then_by_action(qtbot, screen: AuditScreen) -> None:
    everyone = column(screen.table, Column.WHO)
    assert {ADMIN, STAFF} <= set(everyone)
    assert [screen.person_combo.itemText(i) for i in range(screen.person_combo.count())] == ["Everyone", ADMIN, STAFF]

    screen.person_combo.setFocus()
    qtbot.keyClicks(screen.person_combo, STAFF)
    assert screen.person_combo.currentText() == STAFF
    assert column(screen.table, Column.WHO) == [STAFF, STAFF, STAFF]

    qtbot.keyClicks(screen.action_combo, "client.viewed")
    assert screen.action_combo.currentText() == "client.viewed"
    assert column(screen.table, Column.RECORD) == ["client:C-00043", "client:C-00042"]

    qtbot.keyClick(screen.person_combo, Qt.Key.Key_Home)  # back to Everyone: alice viewed no clients
    assert screen.person_combo.currentText() == "Everyone"
    assert column(screen.table, Column.ACTION) == ["client.viewed", "client.viewed"]

    qtbot.mouseClick(screen.clear_filters_button, Qt.MouseButton.LeftButton)
    assert len(column(screen.table, Column.WHO)) == len(everyone)


def test_filter_by_date(qtbot, screen: AuditScreen) -> None:
    everything = len(column(screen.table, Column.WHO))
    assert not screen.to_date.isEnabled()
    screen.to_check.setFocus()
    qtbot.keyClick(screen.to_check, Qt.Key.Key_Space)
    assert screen.to_date.isEnabled()
    assert len(column(screen.table, Column.WHO)) == everything  # up to today: everything

    screen.to_date.setDate(QDate.currentDate().addDays(-2))
    assert column(screen.table, Column.WHO) == []
    assert screen.count_label.text() == "No audit entries match these filters."

    qtbot.mouseClick(screen.to_check, Qt.MouseButton.LeftButton)  # untick: the date no longer applies
    qtbot.mouseClick(screen.from_check, Qt.MouseButton.LeftButton)
    screen.from_date.setDate(QDate.currentDate())
    assert len(column(screen.table, Column.WHO)) == everything


def test_pages_load_as_the_clerk_scrolls(qtbot, open_screen: OpenScreen, who: SignedIn) -> None:
    with who.register.session() as session:
        for n in range(250):
            audit.record(session, STAFF, "client.viewed", f"client:C-{n:05d}")
    screen = open_screen(AuditScreen, SIZE)
    assert screen.model.rowCount() == 200
    assert "newest 200" in screen.count_label.text()

    screen.table.setFocus()
    screen.table.scrollToBottom()
    qtbot.waitUntil(lambda: screen.model.rowCount() == len(all_rows(who)))
    ids = [screen.model.index(r, 0).data(AuditDataRole.ID) for r in range(screen.model.rowCount())]
    assert ids == sorted(set(ids), reverse=True)
    assert screen.count_label.text() == f"{len(ids)} entries."


def test_verify_reports_ok_then_names_a_tampered_row(qtbot, screen: AuditScreen, who: SignedIn) -> None:
    qtbot.mouseClick(screen.verify_button, Qt.MouseButton.LeftButton)
    assert screen.verify_label.isVisible()
    assert "every check passed" in screen.verify_label.text()
    assert "Audit chain: unbroken" in screen.verify_label.text()

    with who.register.session() as session:
        target = (
            session.execute(select(AuditEntry.id).where(AuditEntry.action == "client.viewed").order_by(AuditEntry.id))
            .scalars()
            .first()
        )
    with who.register.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_log_no_update"))
        conn.execute(text("UPDATE audit_log SET target = 'client:C-99999' WHERE id = :id"), {"id": target})

    qtbot.mouseClick(screen.verify_button, Qt.MouseButton.LeftButton)
    shown = screen.verify_label.text()
    assert "failed 1 check" in shown
    assert f"broken at audit row {target}" in shown
    assert "every check passed" not in shown
    selected = screen.table.selectionModel().selectedRows()
    assert [i.data(AuditDataRole.ID) for i in selected] == [target]


def test_clear_forgets_every_row(screen: AuditScreen) -> None:
    screen.clear()
    assert screen.model.rowCount() == 0
    assert screen.person_combo.count() == 1
    assert screen.count_label.text() == ""


def fake_rows(count: int) -> list[AuditRow]:
    start = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
    return [
        AuditRow(count - n, start + timedelta(minutes=count - n), "alice", "client.viewed", f"client:C-{n:05d}", "{}")
        for n in range(count)
    ]


def test_model_pages_and_passes_the_model_tester(qtmodeltester) -> None:
    rows = fake_rows(450)
    asked: list[tuple[AuditFilter, int, int]] = []

    def loader(audit_filter: AuditFilter, offset: int, limit: int) -> list[AuditRow]:
        asked.append((audit_filter, offset, limit))
        return rows[offset : offset + limit]

    model = AuditTableModel(SyncTaskRunner(), loader)
    assert not model.canFetchMore(QModelIndex())
    model.set_filter(AuditFilter(actor="alice"))
    assert model.rowCount() == 200
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 450
    assert not model.canFetchMore(QModelIndex())
    assert [(f.actor, offset, limit) for f, offset, limit in asked] == [
        ("alice", 0, 200),
        ("alice", 200, 200),
        ("alice", 400, 200),
    ]
    assert model.index(0, Column.WHEN).data() == rows[0].at.astimezone().strftime("%d/%m/%Y %H:%M:%S")
    qtmodeltester.check(model)
    model.clear()
    qtmodeltester.check(model)


def test_sealed_rectification_values_never_show_as_ciphertext() -> None:
    from hartdesk.ui.models.audit_model import details_text

    shown = details_text('{"fields": ["name"], "request": "R-2026-0001", "sealed": "sealed:v1:QUJDREVGRw=="}')
    assert shown == "fields: name; request: R-2026-0001; values before and after: sealed"
