"""Correcting a client under a rectification request, and lifting a client's restriction (UK GDPR Arts. 16 and 18).

A correction is made in the ordinary client form, opened on the request's client, but saved through
:func:`hartdesk.privacy.rights.rectify` instead of an ordinary edit: the values before and after go to the audit log
sealed, the request's timeline names the fields, and each operator that received the data is due a notice (Art. 19).
It runs as one serial task in one session, so a refusal (the identity not confirmed, nothing changed) writes nothing
and shows its sentence in the form, with what was typed still there.

A restriction is lifted only once the person has been told (Art. 18(3)), so the dialog asks when and why.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QMessageBox, QPlainTextEdit, QVBoxLayout, QWidget

from hartdesk.errors import HartdeskError
from hartdesk.models.enums import RequestType
from hartdesk.register.clients import ClientDetail, ClientInput
from hartdesk.ui import crash
from hartdesk.ui.client_form import ClientFormDialog
from hartdesk.ui.context import AppContext
from hartdesk.ui.request_actions import ui_today
from hartdesk.ui.widgets import NOTE_STYLE, FormDialog, named, open_modal

if TYPE_CHECKING:
    from hartdesk.security.signin import SignedIn

# How the fields rectify names read in a sentence ("Corrected: contacts, payment reference.").
FIELD_WORDS = {
    "kind": "kind of client",
    "vat_number": "VAT number",
    "customer_centre_ref": "Customer Centre reference",
    "source": "source of the data",
    "contacts": "contacts (names, emails, phones)",
}


def field_words(names: list[str]) -> str:
    """``["name", "contacts"]`` as "name, contacts (names, emails, phones)"."""
    return ", ".join(FIELD_WORDS.get(name, name.replace("_", " ")) for name in names)


def corrected_text(changed: list[str], to_tell: int) -> str:
    """What the clerk is told once a correction is saved."""
    if not to_tell:
        return f"Corrected: {field_words(changed)}. No operator is left to tell of it."
    operators = "1 operator" if to_tell == 1 else f"{to_tell} operators"
    return (
        f"Corrected: {field_words(changed)}. {operators} to tell — send their notices from the request's "
        "'Operators told' tab."
    )


# --- rectification ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Corrected:
    changed: list[str]  # the fields rectify changed
    to_tell: int  # the operators on the request still to be sent their notice


class RectificationForm(ClientFormDialog):
    """The client form on client ``ref``, saved as a correction under request ``request_ref``; ``on_corrected`` is
    told what was corrected just before the form is accepted."""

    def __init__(
        self,
        ctx: AppContext,
        ref: str,
        request_ref: str,
        parent: QWidget | None = None,
        on_corrected: Callable[[Corrected], None] | None = None,
    ) -> None:
        self.request_ref = request_ref
        self.corrected: Corrected | None = None
        self._on_corrected = on_corrected
        ClientFormDialog.__init__(self, ctx, ref, parent)
        self.setObjectName("rectification_form")
        self.setWindowTitle(self._title())
        intro = named(
            QLabel(
                f"Correct what the person says is wrong or incomplete, under request {request_ref}. The values before "
                "and after are kept, sealed, in the audit log, and each operator that received the data must be "
                "told of the correction."
            ),
            "rectification_intro",
        )
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setStyleSheet(NOTE_STYLE)
        layout = self.layout()
        if isinstance(layout, QVBoxLayout):  # the form's own: the note goes above its fields
            layout.insertWidget(0, intro)
        self.save_button.setText("&Save the correction")
        self.save_button.setToolTip("Save the corrected data and note it on the request (Enter)")

    def _title(self) -> str:
        return f"Correct {self.ref} under {self.request_ref}"

    def _on_loaded(self, detail: ClientDetail) -> None:
        ClientFormDialog._on_loaded(self, detail)
        if shiboken6.isValid(self):
            self.setWindowTitle(self._title())

    def _write(self, cleaned: ClientInput) -> None:
        who, ref, request_ref, today = self.ctx.who, self.ref, self.request_ref, ui_today(self.ctx)
        on_corrected = self._on_corrected
        assert ref is not None

        def work() -> tuple[str, list[str], int]:
            from hartdesk import settings as settings_mod
            from hartdesk.privacy import notices, rights

            with who.register.session() as session:
                settings = settings_mod.load(session)
                changed = rights.rectify(session, who.username, request_ref, cleaned, settings, today)
                to_tell = sum(1 for n in notices.for_request(session, request_ref) if not n.is_sent)
            return ref, changed, to_tell

        def saved(result: tuple[str, list[str], int]) -> None:
            saved_ref, changed, to_tell = result
            corrected = Corrected(changed, to_tell)
            if on_corrected is not None:  # told even when the form was closed meanwhile: the correction is saved
                on_corrected(corrected)
            if shiboken6.isValid(self):
                self.corrected = corrected
                self._on_saved((saved_ref, changed))

        self._set_busy(True, "Saving the correction…")
        self.ctx.tasks.run(work, on_done=saved, on_error=self._on_failed, serial=True)


def _client_of_request(who: SignedIn, request_ref: str) -> str:
    """Runs on a pool thread: the reference of the client a rectification request may correct (refused in words
    when the request cannot be acted on yet, so the clerk does not type a correction for nothing)."""
    from hartdesk.privacy import rights
    from hartdesk.privacy.requests import request_by_ref

    with who.register.session() as session:
        request = request_by_ref(session, request_ref)
        client = rights.client_for_request(session, request, RequestType.RECTIFICATION)
        return client.ref


def _show_error(parent: QWidget, name: str, title: str, exc: BaseException) -> None:
    if not shiboken6.isValid(parent):
        return
    if not isinstance(exc, HartdeskError):
        crash.report_unexpected(exc, parent)
        return
    box = QMessageBox(QMessageBox.Icon.Warning, title, exc.message, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName(name)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()


def open_rectification(parent: QWidget, ctx: AppContext, request_ref: str, on_done: Callable[[], None]) -> None:
    """Open the client form on the client of rectification request ``request_ref``; saving it corrects the client
    under the request (:func:`hartdesk.privacy.rights.rectify`), says what changed and how many operators to tell,
    then runs ``on_done``. A request that cannot be acted on says why in a message instead."""

    def corrected(done: Corrected, client_ref: str) -> None:
        if shiboken6.isValid(parent):
            box = QMessageBox(
                QMessageBox.Icon.Information,
                f"Corrected {client_ref}",
                corrected_text(done.changed, done.to_tell),
                QMessageBox.StandardButton.Ok,
                parent,
            )
            box.setObjectName("rectified_message")
            box.setTextFormat(Qt.TextFormat.PlainText)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()
        on_done()

    def opened(client_ref: str) -> None:
        if not shiboken6.isValid(parent):
            return
        form = RectificationForm(ctx, client_ref, request_ref, parent, lambda done: corrected(done, client_ref))
        open_modal(form, lambda: None)

    who = ctx.who
    ctx.tasks.run(
        lambda: _client_of_request(who, request_ref),
        on_done=opened,
        on_error=lambda exc: _show_error(parent, "rectification_refused", f"Correct the data under {request_ref}", exc),
    )


# --- lifting a restriction --------------------------------------------------------------------------------------------


class LiftRestrictionDialog(FormDialog):
    """Why the restriction of client ``ref`` ends, and when the person was told; an administrator lifts it."""

    def __init__(self, ctx: AppContext, ref: str, parent: QWidget | None = None) -> None:
        FormDialog.__init__(self, ctx, f"Lift the restriction of {ref}", "&Lift restriction", parent)
        self.setObjectName("lift_restriction_dialog")
        self.ref = ref
        self.restriction_label = named(QLabel(), "restriction_label")
        self.restriction_label.setWordWrap(True)
        self.restriction_label.setTextFormat(Qt.TextFormat.RichText)
        rule = QLabel(
            "The person must be told before the restriction is lifted (UK GDPR Art. 18(3)). Say when you told them "
            "and why the restriction ends; it is kept in the audit log."
        )
        rule.setWordWrap(True)
        self.reason_edit = named(QPlainTextEdit(), "reason_edit")
        self.reason_edit.setTabChangesFocus(True)
        self.reason_edit.setPlaceholderText("e.g. Told the client on 25/11/2026; the dispute is settled")
        self.reason_edit.setFixedHeight(self.reason_edit.fontMetrics().lineSpacing() * 4 + 12)
        form = QFormLayout()
        form.addRow("&Reason:", self.problems.wrap("reason", self.reason_edit))
        self.layout_.addWidget(self.restriction_label)
        self.layout_.addWidget(rule)
        self.layout_.addLayout(form)
        self.finish_layout()
        self.setMinimumWidth(520)
        self.reason_edit.setFocus()
        who = ctx.who

        def read() -> ClientDetail:
            from hartdesk.register import clients

            with who.register.session() as session:
                return clients.get_client(session, ref)

        self.load(read, self._on_read)

    def _on_read(self, detail: ClientDetail) -> None:
        from hartdesk.privacy.rights import restriction_text

        text = restriction_text(detail.restricted_on, detail.restriction_note)
        who = html.escape(f"{detail.ref} {detail.name}")
        self.restriction_label.setText(
            f"<b>{who}</b>: {html.escape(text)}" if text else f"<b>{who}</b> is not restricted."
        )
        self.ok_button.setEnabled(bool(text))

    def reason(self) -> str:
        return self.reason_edit.toPlainText().strip()

    def submit(self) -> None:
        if not self.ok_button.isEnabled():
            return
        if not self.reason():
            self.problems.set("reason", "Say when the person was told and why the restriction ends.")
            self.reason_edit.setFocus()
            return
        who, ref, reason, today = self.ctx.who, self.ref, self.reason(), ui_today(self.ctx)

        def work() -> None:
            from hartdesk.privacy import rights

            who.require_admin()
            with who.register.session() as session:
                rights.lift_restriction(session, who.username, ref, reason, today)

        self.save(work, lambda _: self.accept())


def open_lift_restriction(parent: QWidget, ctx: AppContext, client_ref: str, on_done: Callable[[], None]) -> None:
    """Ask why the restriction of client ``client_ref`` ends, lift it in the background, then run ``on_done``."""
    open_modal(LiftRestrictionDialog(ctx, client_ref, parent), on_done)
