"""Delivering a document through the one path the screens and the command line share: it is recorded only once it
has really left (a mail server that refuses or times out leaves nothing recorded as sent)."""

from __future__ import annotations

import email
import email.policy
from datetime import date
from typing import Any

import pytest

from hartdesk import settings as settings_mod
from hartdesk.errors import ValidationError
from hartdesk.models.enums import Delivery
from hartdesk.privacy import produce
from hartdesk.register import documents as records
from tests.conftest import ADMIN
from tests.register.conftest import HandBuilt
from tests.smtp_server import free_port, start_server

__all__ = ["start_server"]  # the real local SMTP server fixture
TODAY = date(2026, 11, 21)


def _settings(hand_built: HandBuilt, **changes: Any) -> settings_mod.Settings:
    with hand_built.session() as s:
        return settings_mod.load(s).with_changes(smtp_sender="privacy@pemberton.example", **changes)


def _report(hand_built: HandBuilt, settings: settings_mod.Settings) -> produce.Made:
    with hand_built.session() as s:
        return produce.make_data_report(s, hand_built.zoe, settings, TODAY, for_post=False)


def test_sending_through_a_real_smtp_server_records_the_document_as_sent(
    hand_built: HandBuilt, start_server: Any
) -> None:
    server = start_server()
    settings = _settings(hand_built, smtp_host="127.0.0.1", smtp_port=server.port, smtp_starttls=False)
    made = _report(hand_built, settings)
    text = produce.default_email(made, settings, password_given=True)
    with hand_built.session() as s:
        produce.send(s, ADMIN, made, text, settings, None, password="Read-It-Out-2026")
        [row] = records.list_documents(s, client_ref=hand_built.zoe)
    [envelope] = server.mailbox.received
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    [attached] = list(message.iter_attachments())
    assert attached.get_filename() == made.filename
    assert attached.get_content().startswith(b"%PDF") and attached.get_content() != made.pdf  # encrypted
    assert "Read-It-Out-2026" not in envelope.content.decode("utf-8", "replace")
    assert (row.delivery, row.delivered_to, row.encrypted) == (Delivery.EMAIL_SENT, made.email, True)


def test_a_server_that_is_not_there_leaves_nothing_recorded(hand_built: HandBuilt) -> None:
    settings = _settings(hand_built, smtp_host="127.0.0.1", smtp_port=free_port(), smtp_starttls=False)
    made = _report(hand_built, settings)
    with hand_built.session() as s, pytest.raises(ValidationError) as caught:
        produce.send(s, ADMIN, made, produce.default_email(made, settings, False), settings, None)
    assert "nothing was recorded as sent" in caught.value.message
    with hand_built.session() as s:
        assert records.list_documents(s, client_ref=hand_built.zoe) == []


def test_an_email_draft_is_recorded_as_a_draft_with_the_pdf_attached(hand_built: HandBuilt) -> None:
    settings = _settings(hand_built)
    made = _report(hand_built, settings)
    with hand_built.session() as s:
        eml = produce.email_draft(s, ADMIN, made, produce.default_email(made, settings, False), settings)
        [row] = records.list_documents(s, client_ref=hand_built.zoe)
    message = email.message_from_bytes(eml, policy=email.policy.default)
    assert message["X-Unsent"] == "1"
    assert [a.get_content() for a in message.iter_attachments()] == [made.pdf]
    assert row.delivery is Delivery.EMAIL_DRAFT
