"""Correcting a client under a rectification request, and lifting a restriction, driven the way a clerk does it."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from hartdesk.models.enums import IdentityMethod, RequestChannel, RequestType
from hartdesk.privacy import notices
from hartdesk.register import clients
from hartdesk.security import audit
from hartdesk.ui.context import AppContext
from hartdesk.ui.rights_dialogs import LiftRestrictionDialog, RectificationForm, corrected_text, open_rectification
from tests.ui.helpers import Show, log_request, open_child
from tests.ui.test_clients_screen import Clients, fill_register

NEW_EMAIL = "zoe.new@lukasiewicz.example"


@pytest.fixture
def refs(signed_in_admin: Any) -> Clients:
    return fill_register(signed_in_admin)


@pytest.fixture
def window(show: Show) -> QWidget:
    """Stands for the request's window the dialogs open from."""
    return show(QWidget(), (600, 400))


def rectification_request(who: Any, client_ref: str, verified: bool = True) -> str:
    with who.register.session() as s:
        return log_request(
            s,
            RequestType.RECTIFICATION,
            RequestChannel.EMAIL,
            "Zoë Łukasiewicz-Öztürk",
            client_ref=client_ref,
            identity_verified=verified,
            identity_method=IdentityMethod.KNOWN_CONTACT if verified else None,
        )


def open_form(window: QWidget, ctx: AppContext, request_ref: str) -> tuple[RectificationForm, list[int]]:
    done: list[int] = []
    open_rectification(window, ctx, request_ref, lambda: done.append(1))
    return open_child(window, RectificationForm), done


def test_correcting_an_email_saves_it_under_the_request_and_says_whom_to_tell(
    qtbot: Any, window: QWidget, admin_ctx: AppContext, refs: Clients
) -> None:
    request = rectification_request(admin_ctx.who, refs.zoe)
    form, done = open_form(window, admin_ctx, request)
    assert form.windowTitle() == f"Correct {refs.zoe} under {request}"
    emails = form.contact_editors[0].emails_edit
    assert emails.text() == "zoe@lukasiewicz.example"

    emails.setFocus()
    emails.selectAll()
    qtbot.keyClicks(emails, NEW_EMAIL)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: not form.isVisible())
    message = open_child(window, QMessageBox, "rectified_message")
    assert message.text() == (
        "Corrected: contacts (names, emails, phones). 1 operator to tell — send their notices from the request's "
        "'Operators told' tab."
    )
    assert done == [1]
    with admin_ctx.who.register.session() as s:
        assert clients.get_client(s, refs.zoe).contacts[0].emails == (NEW_EMAIL,)
        assert [n.operator_name for n in notices.for_request(s, request)] == ["Fasthosts"]
        assert [r.action for r in audit.query(s, target=f"client:{refs.zoe}", limit=2)] == [
            "client.rectified",
            "client.updated",
        ]


def test_saving_without_a_correction_says_so_and_writes_nothing(
    qtbot: Any, window: QWidget, admin_ctx: AppContext, refs: Clients
) -> None:
    request = rectification_request(admin_ctx.who, refs.zoe)
    form, done = open_form(window, admin_ctx, request)
    qtbot.keyClick(form.name_edit, Qt.Key.Key_Return)
    assert form.isVisible()
    assert form.error_label.text() == "Nothing was changed: correct the data first."
    assert done == []
    with admin_ctx.who.register.session() as s:
        assert notices.for_request(s, request) == []
        assert audit.query(s, action="client.rectified") == []


def test_a_wrong_email_shows_under_its_field_and_nothing_is_saved(
    qtbot: Any, window: QWidget, admin_ctx: AppContext, refs: Clients
) -> None:
    request = rectification_request(admin_ctx.who, refs.zoe)
    form, done = open_form(window, admin_ctx, request)
    emails = form.contact_editors[0].emails_edit
    emails.setFocus()
    emails.selectAll()
    qtbot.keyClicks(emails, "zoe at lukasiewicz")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.isVisible() and done == []
    assert form.contact_editors[0].fields["emails"].error.isVisible()
    with admin_ctx.who.register.session() as s:
        assert clients.get_client(s, refs.zoe).contacts[0].emails == ("zoe@lukasiewicz.example",)
        assert notices.for_request(s, request) == []


def test_a_request_whose_identity_is_not_confirmed_is_refused_before_the_form_opens(
    window: QWidget, admin_ctx: AppContext, refs: Clients
) -> None:
    request = rectification_request(admin_ctx.who, refs.zoe, verified=False)
    done: list[int] = []
    open_rectification(window, admin_ctx, request, lambda: done.append(1))
    box = open_child(window, QMessageBox, "rectification_refused")
    assert box.text() == f"The identity of the person behind {request} is not confirmed: confirm it first."
    assert not [f for f in window.findChildren(RectificationForm) if f.isVisible()]
    assert done == []


def test_the_words_after_a_correction() -> None:
    assert corrected_text(["name", "customer_centre_ref"], 2) == (
        "Corrected: name, Customer Centre reference. 2 operators to tell — send their notices from the request's "
        "'Operators told' tab."
    )
    assert corrected_text(["notes"], 0) == "Corrected: notes. No operator is left to tell of it."


def test_lifting_a_client_that_is_not_restricted_is_not_offered(
    show: Show, admin_ctx: AppContext, refs: Clients
) -> None:
    dialog = show(LiftRestrictionDialog(admin_ctx, refs.acme))
    assert dialog.restriction_label.text() == f"<b>{refs.acme} Acme Widgets Ltd</b> is not restricted."
    assert not dialog.ok_button.isEnabled()
