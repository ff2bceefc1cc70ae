"""The record of documents against the hand-built register: what was produced for whom, how it left, the signed
DPA kept inside the register, the request's timeline, and an audit log that names documents but never people."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import date, timedelta
from typing import Any

import pytest
from reportlab.pdfgen import canvas
from sqlalchemy import func, select

from hartdesk import settings as settings_mod
from hartdesk.dates import uk_today
from hartdesk.errors import NotFoundError, ValidationError
from hartdesk.models import Attachment, AuditEntry, IssuedDocument
from hartdesk.models.enums import Delivery, DocumentKind, EventKind, LetterKind, RequestChannel, RequestType
from hartdesk.privacy import requests as rq
from hartdesk.register import documents as docs
from tests.conftest import ADMIN
from tests.register.conftest import HandBuilt

TODAY = date(2026, 11, 21)
ZOE_EMAIL = "zoe@lukasiewicz.example"


def _pdf(pages: int = 2) -> bytes:
    out = io.BytesIO()
    c = canvas.Canvas(out)
    for n in range(pages):
        c.drawString(72, 760, f"Page {n + 1}")
        c.showPage()
    c.save()
    return out.getvalue()


def _request(s: Any, client_ref: str = "") -> str:
    data = rq.RequestInput(
        kind=RequestType.ACCESS,
        channel=RequestChannel.EMAIL,
        received_on=date(2026, 10, 30),
        requester_name="Zoë Łukasiewicz-Öztürk",
        requester_email=ZOE_EMAIL,
        client_ref=client_ref,
    )
    return rq.log_request(s, ADMIN, data, settings_mod.Settings(), TODAY).ref


def _report(s: Any, hb: HandBuilt, request_ref: str = "", **changes: Any) -> int:
    options: dict[str, Any] = {
        "kind": DocumentKind.DATA_REPORT,
        "title": "Data report for Zoë Łukasiewicz-Öztürk",
        "pdf": _pdf(),
        "client_ref": hb.zoe,
        "request_ref": request_ref,
        "recipient": "Zoë Łukasiewicz-Öztürk",
        "encrypted": True,
        "today": TODAY,
        **changes,
    }
    return docs.record_issued(s, ADMIN, **options)


def _dpa(s: Any, hb: HandBuilt, version: str = "1.0") -> int:
    return docs.record_issued(
        s, ADMIN, kind=DocumentKind.DPA, title="Data processing agreement", pdf=_pdf(5), client_ref=hb.acme,
        recipient="Ñoño Đorđević", version=version,
    )  # fmt: skip


def _timeline(s: Any, ref: str) -> list[tuple[EventKind, str]]:
    return [(e.kind, e.summary) for e in rq.request_by_ref(s, ref).events]


def _audit(s: Any, prefix: str = "document.") -> list[AuditEntry]:
    return list(s.scalars(select(AuditEntry).where(AuditEntry.action.startswith(prefix)).order_by(AuditEntry.id)))


def test_a_produced_document_is_recorded_with_its_fingerprint_and_on_the_requests_timeline(
    hand_built: HandBuilt,
) -> None:
    pdf = _pdf(3)
    with hand_built.session() as s:
        ref = _request(s, hand_built.zoe)
        doc_id = _report(s, hand_built, ref, pdf=pdf)
    with hand_built.session() as s:
        stored = s.get(IssuedDocument, doc_id)
        [row] = docs.list_documents(s)
        timeline = _timeline(s, ref)
        [produced] = _audit(s)
    assert stored is not None
    assert stored.sha256 == hashlib.sha256(pdf).hexdigest()
    assert (row.id, row.pages, row.encrypted) == (doc_id, 3, True)
    assert (row.kind, row.letter_kind, row.title) == (
        DocumentKind.DATA_REPORT,
        None,
        "Data report for Zoë Łukasiewicz-Öztürk",
    )
    assert (row.client_ref, row.client_name, row.request_ref) == (hand_built.zoe, "Zoë Łukasiewicz-Öztürk", ref)
    assert (row.created_by, row.recipient, row.delivery, row.delivered_at) == (
        ADMIN,
        "Zoë Łukasiewicz-Öztürk",
        None,
        None,
    )
    assert timeline[-1] == (EventKind.DOCUMENT_SENT, "Produced: Data report for Zoë Łukasiewicz-Öztürk")
    assert (produced.action, produced.target) == ("document.produced", f"document:{doc_id}")
    assert json.loads(produced.details) == {"kind": "data-report", "encrypted": True}


def test_a_document_for_a_request_takes_the_requests_client(hand_built: HandBuilt) -> None:
    with hand_built.session() as s:
        ref = _request(s, hand_built.zoe)
        _report(s, hand_built, ref, client_ref="")
        [row] = docs.list_documents(s, request_ref=ref)
    assert row.client_ref == hand_built.zoe


def test_each_delivery_is_recorded_and_told_on_the_timeline(hand_built: HandBuilt) -> None:
    with hand_built.session() as s:
        ref = _request(s, hand_built.zoe)
        doc_id = _report(s, hand_built, ref, title="Data report")
        docs.record_delivery(s, ADMIN, doc_id, Delivery.SAVED, today=TODAY)
        docs.record_delivery(s, ADMIN, doc_id, Delivery.PRINTED, today=TODAY)
        docs.record_delivery(s, ADMIN, doc_id, Delivery.EMAIL_DRAFT, ZOE_EMAIL, today=TODAY)
        docs.record_delivery(s, ADMIN, doc_id, Delivery.EMAIL_SENT, f" {ZOE_EMAIL} ", today=TODAY)
    with hand_built.session() as s:
        [row] = docs.list_documents(s)
        timeline = _timeline(s, ref)
        delivered = [json.loads(a.details) for a in _audit(s) if a.action == "document.delivered"]
    assert (row.delivery, row.delivered_to) == (Delivery.EMAIL_SENT, ZOE_EMAIL)
    assert row.delivered_at is not None and row.delivered_at >= row.created_at
    assert timeline[-5:] == [
        (EventKind.DOCUMENT_SENT, "Produced: Data report"),
        (EventKind.NOTE, "Saved: Data report"),
        (EventKind.NOTE, "Printed: Data report"),
        (EventKind.NOTE, f"Email draft made for {ZOE_EMAIL}: Data report"),
        (EventKind.DOCUMENT_SENT, f"Sent by email to {ZOE_EMAIL}: Data report"),
    ]
    assert delivered == [{"delivery": d} for d in ("saved", "printed", "email-draft", "email-sent")]


@pytest.mark.parametrize(
    ("delivery", "to", "words"),
    [
        (Delivery.EMAIL_SENT, "", "Enter the email address"),
        (Delivery.PRINTED, ZOE_EMAIL, "Only a document sent by email"),
        (Delivery.EMAIL_SENT, "zoe at example", "not a valid email address"),
    ],
)
def test_a_delivery_that_makes_no_sense_is_refused_and_nothing_changes(
    hand_built: HandBuilt, delivery: Delivery, to: str, words: str
) -> None:
    with hand_built.session() as s:
        doc_id = _report(s, hand_built)
    with hand_built.session() as s, pytest.raises(ValidationError, match=words):
        docs.record_delivery(s, ADMIN, doc_id, delivery, to)
    with hand_built.session() as s:
        [row] = docs.list_documents(s)
        assert (row.delivery, row.delivered_at, row.delivered_to) == (None, None, "")
        assert [a.action for a in _audit(s)] == ["document.produced"]


def test_a_delivery_of_a_document_that_is_gone_is_refused(hand_built: HandBuilt) -> None:
    with hand_built.session() as s, pytest.raises(NotFoundError):
        docs.record_delivery(s, ADMIN, 999, Delivery.SAVED)


def test_a_signed_dpa_is_kept_inside_the_register_and_linked(hand_built: HandBuilt) -> None:
    scan = _pdf(6)
    today = uk_today()
    with hand_built.session() as s:
        doc_id = _dpa(s, hand_built)
        docs.record_signed_dpa(s, ADMIN, doc_id, today, "Signed DPA.pdf", scan, today=today)
    with hand_built.session() as s:
        row = docs.latest_dpa(s, hand_built.acme)
        assert row is not None and row.signed_copy_id is not None
        kept = s.get(Attachment, row.signed_copy_id)
        assert kept is not None
        assert (kept.request_id, kept.filename, kept.media_type) == (None, "Signed DPA.pdf", "application/pdf")
        assert rq.attachment_content(s, row.signed_copy_id) == ("Signed DPA.pdf", "application/pdf", scan)
        [signed] = _audit(s, "document.signed")
    assert (row.id, row.signed_on, row.version) == (doc_id, today, "1.0")
    assert signed.target == f"document:{doc_id}"
    assert json.loads(signed.details) == {"attachment": kept.id, "signed_on": today.isoformat()}


def test_a_second_scan_replaces_the_first(hand_built: HandBuilt) -> None:
    today = uk_today()
    with hand_built.session() as s:
        doc_id = _dpa(s, hand_built)
        docs.record_signed_dpa(s, ADMIN, doc_id, today, "blurred.pdf", _pdf(1), today=today)
        docs.record_signed_dpa(s, ADMIN, doc_id, today, "clear.pdf", _pdf(2), today=today)
        row = docs.latest_dpa(s, hand_built.acme)
        names = list(s.scalars(select(Attachment.filename)))
    assert names == ["clear.pdf"]
    assert row is not None and row.signed_copy_id is not None


@pytest.mark.parametrize(
    ("days", "filename", "content", "words"),
    [
        (1, "signed.pdf", None, "in the future"),
        (-1, "signed.pdf", None, "before the agreement was issued"),
        (0, "signed.pdf", b"MZ\x90\x00" + b"\x00" * 200, "'signed.pdf' is not a PDF: its content is a Windows program"),
        (0, "signed.pdf", b"", "'signed.pdf' is empty"),
    ],
)
def test_a_signed_copy_that_cannot_be_right_is_refused_and_nothing_changes(
    hand_built: HandBuilt, days: int, filename: str, content: bytes | None, words: str
) -> None:
    today = uk_today()
    with hand_built.session() as s:
        doc_id = _dpa(s, hand_built)
    with hand_built.session() as s, pytest.raises(ValidationError, match=words):
        scan = _pdf(1) if content is None else content
        docs.record_signed_dpa(s, ADMIN, doc_id, today + timedelta(days=days), filename, scan, today=today)
    with hand_built.session() as s:
        row = docs.latest_dpa(s, hand_built.acme)
        assert row is not None and (row.signed_on, row.signed_copy_id) == (None, None)
        assert s.scalar(select(func.count(Attachment.id))) == 0
        assert _audit(s, "document.signed") == []


def test_only_a_dpa_comes_back_signed(hand_built: HandBuilt) -> None:
    with hand_built.session() as s:
        doc_id = _report(s, hand_built)
        with pytest.raises(ValidationError, match="Only a data processing agreement"):
            docs.record_signed_dpa(s, ADMIN, doc_id, uk_today(), "signed.pdf", _pdf(1))


def test_lists_filter_by_client_request_and_kind_newest_first(hand_built: HandBuilt) -> None:
    with hand_built.session() as s:
        ref = _request(s, hand_built.zoe)
        report = _report(s, hand_built, ref)
        letter = docs.record_issued(
            s, ADMIN, kind=DocumentKind.LETTER, letter_kind=LetterKind.ACKNOWLEDGEMENT, title="Acknowledgement",
            pdf=_pdf(1), request_ref=ref, today=TODAY,
        )  # fmt: skip
        old_dpa = _dpa(s, hand_built, "1.0")
        new_dpa = _dpa(s, hand_built, "1.1")
        assert [r.id for r in docs.list_documents(s)] == [new_dpa, old_dpa, letter, report]
        assert [r.id for r in docs.list_documents(s, client_ref=hand_built.zoe.lower())] == [letter, report]
        assert [r.id for r in docs.list_documents(s, request_ref=ref)] == [letter, report]
        assert [r.id for r in docs.list_documents(s, kind=DocumentKind.LETTER)] == [letter]
        assert docs.list_documents(s, kind=DocumentKind.LETTER)[0].letter_kind is LetterKind.ACKNOWLEDGEMENT
        assert [r.id for r in docs.list_documents(s, limit=2)] == [new_dpa, old_dpa]
        assert docs.list_documents(s, client_ref="C-99999") == []
        latest = docs.latest_dpa(s, hand_built.acme)
        assert latest is not None and (latest.id, latest.version) == (new_dpa, "1.1")
        assert docs.latest_dpa(s, hand_built.zoe) is None
        assert docs.latest_dpa(s, "") is None


@pytest.mark.parametrize(
    ("changes", "error", "words"),
    [
        ({"client_ref": "C-99999"}, NotFoundError, "no client C-99999"),
        ({"request_ref": "R-2026-0999"}, NotFoundError, "no request R-2026-0999"),
        ({"operator_id": 999}, NotFoundError, "operator"),
        ({"letter_kind": LetterKind.REFUSAL}, ValidationError, "Only a letter"),
        ({"title": "  "}, ValidationError, "Enter the document title"),
        ({"pdf": b"%PDF-1.7 but not really"}, ValidationError, "not a readable PDF"),
    ],
)
def test_a_document_that_cannot_be_recorded_leaves_nothing_behind(
    hand_built: HandBuilt, changes: dict[str, Any], error: type[Exception], words: str
) -> None:
    with hand_built.session() as s, pytest.raises(error, match=words):
        _report(s, hand_built, **changes)
    with hand_built.session() as s:
        assert docs.list_documents(s) == []
        assert _audit(s) == []


def test_an_encrypted_pdf_is_not_what_is_recorded() -> None:
    from hartdesk.documents.delivery import encrypt_pdf

    with pytest.raises(ValueError, match="before it is encrypted"):
        docs.count_pages(encrypt_pdf(_pdf(1), "ABCD-EFGH-JKLM-NPQR"))


def test_the_audit_log_names_documents_but_never_people_titles_or_addresses(hand_built: HandBuilt) -> None:
    today = uk_today()
    with hand_built.session() as s:
        ref = _request(s, hand_built.zoe)
        doc_id = _report(s, hand_built, ref)
        docs.record_delivery(s, ADMIN, doc_id, Delivery.EMAIL_SENT, ZOE_EMAIL, today=TODAY)
        dpa = _dpa(s, hand_built)
        docs.record_signed_dpa(s, ADMIN, dpa, today, "Signed by Ñoño Đorđević.pdf", _pdf(1), today=today)
    with hand_built.session() as s:
        rows = _audit(s, "")
        actions = {a.action for a in rows}
        written = "\n".join(f"{a.target} {a.details}" for a in rows if a.action.startswith(("document.", "request.")))
    assert {"document.produced", "document.delivered", "document.signed-copy-added"} <= actions
    for personal in ("Zoë", "Łukasiewicz", "Ñoño", "Đorđević", "@", "Data report", "Signed by"):
        assert personal not in written
