"""The Find box (Ctrl+K): type, choose with Up and Down, open with Enter, close with Esc."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt

from hartdesk.register.search import HitKind
from hartdesk.ui.context import AppContext
from hartdesk.ui.global_search import GlobalSearchDialog
from hartdesk.ui.main_window import MainWindow
from hartdesk.ui.screens.operators import OperatorsScreen
from tests.ui.helpers import Show
from tests.ui.test_services_screen import Agency, DeferredTaskRunner, fill_agency


@pytest.fixture
def agency(signed_in_admin: Any) -> Agency:
    return fill_agency(signed_in_admin)


@pytest.fixture
def window(qtbot: Any, show: Show, admin_ctx: AppContext, agency: Agency) -> Iterator[MainWindow]:
    window = show(MainWindow(admin_ctx), (1100, 720))
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    yield window
    window.ctx.signed_in = None  # the admin fixture locks the register; closing then needs no backup


def find(qtbot: Any, window: MainWindow, text: str) -> GlobalSearchDialog:
    """Press Ctrl+K, type ``text`` and wait for the pause after typing to run the search."""
    qtbot.keyClick(window.sidebar, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    dialog = window.search_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(dialog.isActiveWindow)
    assert dialog.search_edit.hasFocus()
    qtbot.keyClicks(dialog.search_edit, text)
    qtbot.waitUntil(lambda: not dialog.timer.isActive())
    return dialog


def shown(dialog: GlobalSearchDialog) -> list[str]:
    """Every line of the results, group headings included."""
    tree = dialog.results
    lines = []
    for i in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(i)
        assert item is not None
        lines.append(item.text(0).strip())
    return lines


def test_ctrl_k_finds_a_client_by_domain_and_opens_it(qtbot: Any, window: MainWindow, agency: Agency) -> None:
    from hartdesk.ui.client_detail import ClientDetailDialog

    dialog = find(qtbot, window, "brambleoak")
    assert shown(dialog) == ["Clients", "Bramble & Oak Joinery", "Domains", "brambleoak.co.uk"]
    current = dialog.current_hit()
    assert current is not None and current.kind is HitKind.CLIENT

    qtbot.keyClick(dialog.search_edit, Qt.Key.Key_Down)
    current = dialog.current_hit()
    assert current is not None and current.kind is HitKind.DOMAIN and current.title == "brambleoak.co.uk"
    assert "Domain registration" in current.detail
    qtbot.keyClick(dialog.search_edit, Qt.Key.Key_Return)

    assert not dialog.isVisible()
    opened = [d for d in window.findChildren(ClientDetailDialog) if d.isVisible()]
    assert [d.ref for d in opened] == [agency.bramble]


def test_up_and_down_skip_the_headings_and_stop_at_the_ends(qtbot: Any, window: MainWindow) -> None:
    dialog = find(qtbot, window, "harbour")
    assert shown(dialog) == ["Clients", "Harbour Lights Café", "Domains", "harbourlights.co.uk", "harbourlights.co.uk"]
    titles = []
    for key in (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Down, Qt.Key.Key_Down, Qt.Key.Key_Up):
        qtbot.keyClick(dialog.search_edit, key)
        hit = dialog.current_hit()
        assert hit is not None
        titles.append((hit.kind, hit.detail.split(" · ")[0]))
    assert titles == [
        (HitKind.CLIENT, "C-00001"),
        (HitKind.DOMAIN, "Domain registration"),
        (HitKind.DOMAIN, "Web hosting"),
        (HitKind.DOMAIN, "Web hosting"),
        (HitKind.DOMAIN, "Domain registration"),
    ]
    assert dialog.search_edit.hasFocus()  # the cursor never left the box


def test_an_operator_opens_on_the_operators_screen(qtbot: Any, window: MainWindow) -> None:
    dialog = find(qtbot, window, "domain registrar")
    assert shown(dialog) == ["Operators", "Fasthosts", "GoDaddy"]
    qtbot.keyClick(dialog.search_edit, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.search_edit, Qt.Key.Key_Enter)

    screen = window.current_screen()
    assert isinstance(screen, OperatorsScreen)
    assert screen.heading.text() == "GoDaddy"
    selected = screen.selected_row()
    assert selected is not None and selected.name == "GoDaddy"


def test_enter_before_the_pause_searches_then_opens(qtbot: Any, window: MainWindow) -> None:
    qtbot.keyClick(window.sidebar, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    dialog = window.search_dialog
    assert dialog is not None
    qtbot.keyClicks(dialog.search_edit, "mailchimp")
    assert dialog.timer.isActive()
    qtbot.keyClick(dialog.search_edit, Qt.Key.Key_Return)
    screen = window.current_screen()
    assert isinstance(screen, OperatorsScreen) and screen.heading.text() == "Mailchimp"


def test_nothing_found_and_esc_closes(qtbot: Any, window: MainWindow) -> None:
    dialog = find(qtbot, window, "no such thing anywhere")
    assert shown(dialog) == []
    assert dialog.status_label.text() == "Nothing found for “no such thing anywhere”."
    qtbot.keyClick(dialog.search_edit, Qt.Key.Key_Return)  # nothing to open: the box stays
    assert dialog.isVisible()
    qtbot.keyClick(dialog.search_edit, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert window.search_dialog is None


def test_find_is_disabled_while_locked(window: MainWindow) -> None:
    assert window.action_find.isEnabled()
    assert window.action_find.shortcut().toString() == "Ctrl+K"
    window.lock()
    assert not window.action_find.isEnabled()
    if window.signin_dialog is not None:
        window.signin_dialog.reject()


def test_only_the_latest_answer_is_shown(show: Show, admin_ctx: AppContext, agency: Agency) -> None:
    tasks = DeferredTaskRunner()
    dialog = show(GlobalSearchDialog(AppContext(admin_ctx.register_dir, tasks, signed_in=admin_ctx.signed_in)))
    dialog.search_edit.setText("harbour")
    dialog.run_search()
    dialog.search_edit.setText("bramble")
    dialog.run_search()
    tasks.run_all(order=lambda jobs: list(reversed(jobs)))  # the answer to "harbour" comes last
    assert shown(dialog) == [
        "Clients",
        "Bramble & Oak Joinery",
        "Domains",
        "bramble nightly backups",
        "brambleoak.co.uk",
    ]
