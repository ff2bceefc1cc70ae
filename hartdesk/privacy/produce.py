"""Making a document and sending it on its way: the one path the command line and the screens share.

``make_*`` builds the data from the register and renders the PDF — nothing is recorded, so a clerk can preview and
change their mind. ``deliver`` records the document as produced *and* how it left (saved, printed, an email draft,
sent by SMTP) in one transaction, on the request's timeline and in the audit log. A document that could not be
delivered (the mail server refused it) is not recorded as sent.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from hartdesk.dates import format_uk_date, uk_date, uk_today
from hartdesk.documents import breach, data_report, delivery, dpa, letters
from hartdesk.errors import ValidationError
from hartdesk.fileio import write_atomically
from hartdesk.models.enums import Delivery, DocumentKind, LetterKind
from hartdesk.privacy import notices
from hartdesk.privacy.attachments import safe_filename
from hartdesk.privacy.erasure import erasure_record
from hartdesk.privacy.letter_data import letter_data
from hartdesk.register import breach_data
from hartdesk.register import documents as records
from hartdesk.register.dpa_data import dpa_data
from hartdesk.register.subject_data import subject_data
from hartdesk.settings import Settings


@dataclass(frozen=True)
class Made:
    """A rendered document, not yet recorded."""

    kind: DocumentKind
    title: str
    filename: str  # suggested file name, e.g. "C-00042 data report.pdf"
    pdf: bytes
    recipient: str  # the addressee's name
    email: str  # the addressee's email, when known
    client_ref: str = ""
    request_ref: str = ""
    letter_kind: LetterKind | None = None
    operator_id: int | None = None
    version: str = ""
    extras: tuple[tuple[str, bytes], ...] = field(default=())  # saved beside the PDF (the report's JSON and CSV)
    breach_ref: str = ""  # a breach document: recorded on the breach's timeline too


def make_data_report(
    session: Session,
    client_ref: str,
    settings: Settings,
    today: date,
    *,
    contact_id: int | None = None,
    request_ref: str = "",
    for_post: bool = True,
) -> Made:
    data = subject_data(
        session, client_ref, settings, today, contact_id=contact_id, request_ref=request_ref, for_post=for_post
    )
    pdf = data_report.render_data_report(data, for_post)
    json_bytes, csv_bytes = data_report.portable_copy(data)
    return Made(
        kind=DocumentKind.DATA_REPORT,
        title=f"Data report for {data.subject_name}",
        filename=safe_filename(f"{data.client_ref} data report.pdf"),
        pdf=pdf,
        recipient=data.addressee.name,
        email=data.addressee.email,
        client_ref=data.client_ref,
        request_ref=request_ref,
        extras=((data.json_filename, json_bytes), (data.csv_filename, csv_bytes)),
    )


def make_dpa(session: Session, client_ref: str, settings: Settings, today: date, *, for_post: bool = True) -> Made:
    data = dpa_data(session, client_ref, settings, today, for_post=for_post)
    return Made(
        kind=DocumentKind.DPA,
        title=data.title,
        filename=safe_filename(f"{data.client_ref} data processing agreement {data.version}.pdf"),
        pdf=dpa.render_dpa(data),
        recipient=data.addressee.name,
        email=data.addressee.email,
        client_ref=data.client_ref,
        version=data.version,
    )


def make_letter(
    session: Session,
    request_ref: str,
    kind: LetterKind,
    settings: Settings,
    today: date,
    *,
    for_post: bool = True,
    operator_id: int | None = None,
) -> Made:
    if kind is LetterKind.ERASURE_CONFIRMATION:
        return make_erasure_confirmation(session, request_ref, settings, today, for_post=for_post)
    if kind is LetterKind.OPERATOR_NOTICE and operator_id is not None:
        notice = next((n for n in notices.for_request(session, request_ref) if n.operator_id == operator_id), None)
        if notice is None:
            raise ValidationError(
                f"No notice to that operator is due on {request_ref.strip().upper()}: an erasure, correction or "
                "restriction under the request lists the operators to tell."
            )
        return make_operator_notice(session, request_ref, notice.id, settings, today, for_post=for_post)
    data = letter_data(session, request_ref, kind, settings, today, for_post=for_post, operator_id=operator_id)
    return _letter(data, kind, request_ref, operator_id)


def make_erasure_confirmation(
    session: Session, request_ref: str, settings: Settings, today: date, *, for_post: bool = True
) -> Made:
    """The letter confirming an erasure done under ``request_ref``: what was erased, what is kept, why and until
    when, as the erasure recorded it."""
    done = erasure_record(session, request_ref)
    data = letter_data(
        session,
        request_ref,
        LetterKind.ERASURE_CONFIRMATION,
        settings,
        today,
        for_post=for_post,
        erased=done.erased,
        kept=done.kept,
        backup_days=done.backup_days,
        erased_on=done.done_on,
    )
    return _letter(data, LetterKind.ERASURE_CONFIRMATION, request_ref, None)


def make_operator_notice(
    session: Session, request_ref: str, notice_id: int, settings: Settings, today: date, *, for_post: bool = True
) -> Made:
    """The Art. 19 notice ``notice_id`` of a rectification, erasure or restriction, to its operator."""
    notice = notices.get(session, notice_id)
    if notice.operator_id is None:
        raise ValidationError(
            f"{notice.operator_name} is no longer in the register, so the notice cannot be addressed."
        )
    data = letter_data(
        session,
        request_ref,
        LetterKind.OPERATOR_NOTICE,
        settings,
        today,
        for_post=for_post,
        operator_id=notice.operator_id,
        erased=notice.data_concerned,
    )
    return _letter(data, LetterKind.OPERATOR_NOTICE, request_ref, notice.operator_id)


def _letter(data: letters.LetterData, kind: LetterKind, request_ref: str, operator_id: int | None) -> Made:
    title = f"{kind.label}: {data.our_ref}" + (f" to {data.operator_name}" if data.operator_name else "")
    return Made(
        kind=DocumentKind.LETTER,
        title=title,
        filename=safe_filename(
            f"{data.our_ref} {kind.label}" + (f" {data.operator_name}" if data.operator_name else "") + ".pdf"
        ),
        pdf=letters.render_letter(data),
        recipient=data.addressee.name,
        email=data.addressee.email,
        client_ref=data.client_ref,
        request_ref=request_ref,
        letter_kind=kind,
        operator_id=operator_id,
    )


ICO = "Information Commissioner's Office"


def make_breach_ico_summary(session: Session, ref: str, settings: Settings, now: datetime) -> Made:
    """The report of breach ``ref`` to the ICO (Art. 33(3)), as the register holds it at ``now``."""
    data = breach_data.ico_summary_data(session, ref, settings, now)
    return Made(
        kind=DocumentKind.BREACH_ICO_SUMMARY,
        title=f"Breach report to the ICO: {data.record.ref}",
        filename=safe_filename(f"{data.record.ref} report to the ICO.pdf"),
        pdf=breach.render_ico_summary(data),
        recipient=ICO,
        email="",
        breach_ref=data.record.ref,
    )


def make_breach_controller_notice(
    session: Session, ref: str, client_ref: str, settings: Settings, now: datetime, *, for_post: bool = True
) -> Made:
    """The notice of breach ``ref`` to client ``client_ref``, the agency writing as its processor (Art. 33(2))."""
    data = breach_data.controller_notice_data(session, ref, client_ref, settings, now, for_post=for_post)
    return Made(
        kind=DocumentKind.BREACH_CONTROLLER_NOTICE,
        title=f"Breach notice to {data.client_name}: {data.record.ref}",
        filename=safe_filename(f"{data.record.ref} notice to {data.client_ref}.pdf"),
        pdf=breach.render_controller_notice(data),
        recipient=data.addressee.name,
        email=data.addressee.email,
        client_ref=data.client_ref,
        breach_ref=data.record.ref,
    )


def make_breach_people_notice(
    session: Session, ref: str, settings: Settings, now: datetime, *, for_post: bool = False
) -> Made:
    """The plain-language notice to the people affected by breach ``ref``; refused unless the risk is high."""
    data = breach_data.people_notice_data(session, ref, settings, now, for_post=for_post)
    return Made(
        kind=DocumentKind.BREACH_PEOPLE_NOTICE,
        title=f"Breach notice to the people affected: {data.record.ref}",
        filename=safe_filename(f"{data.record.ref} notice to the people affected.pdf"),
        pdf=breach.render_people_notice(data),
        recipient="The people affected",
        email="",
        breach_ref=data.record.ref,
    )


def make_breach_register(session: Session, settings: Settings, now: datetime) -> Made:
    """The register of every breach, reported or not (Art. 33(5)), for an inspection."""
    data = breach_data.register_data(session, settings, now)
    day = uk_date(now)
    return Made(
        kind=DocumentKind.BREACH_REGISTER,
        title=f"Breach register on {format_uk_date(day)}",
        filename=safe_filename(f"Breach register {day.isoformat()}.pdf"),
        pdf=breach.render_breach_register(data),
        recipient=ICO,
        email="",
    )


def make_ropa(session: Session, settings: Settings, today: date) -> Made:
    """The records of processing (Art. 30): the PDF, with the CSV saved beside it."""
    from hartdesk.documents import ropa
    from hartdesk.register.ropa_data import ropa_data

    data = ropa_data(session, settings, today)
    name = f"Records of processing {today.isoformat()}"
    return Made(
        kind=DocumentKind.ROPA,
        title="Records of processing activities (UK GDPR Art. 30)",
        filename=safe_filename(f"{name}.pdf"),
        pdf=ropa.render_ropa(data),
        recipient="",
        email="",
        extras=((safe_filename(f"{name}.csv"), ropa.ropa_csv(data)),),
    )


def _record(session: Session, actor: str, made: Made, encrypted: bool, how: Delivery, to: str = "") -> int:
    """Record the document as produced and as gone ``how``; an Art. 19 notice is marked sent too."""
    document_id = records.record_issued(
        session,
        actor,
        kind=made.kind,
        title=made.title,
        pdf=made.pdf,
        client_ref=made.client_ref,
        request_ref=made.request_ref,
        operator_id=made.operator_id,
        recipient=made.recipient,
        version=made.version,
        letter_kind=made.letter_kind,
        encrypted=encrypted,
        breach_ref=made.breach_ref,
    )
    records.record_delivery(session, actor, document_id, how, to)
    if made.letter_kind is LetterKind.OPERATOR_NOTICE and made.operator_id is not None and made.request_ref:
        notices.mark_sent(session, made.request_ref, made.operator_id, document_id, how, uk_today())
    return document_id


def protected(made: Made, password: str | None) -> bytes:
    """The PDF as it leaves: encrypted (AES-256) when a password is given."""
    return made.pdf if not password else delivery.encrypt_pdf(made.pdf, password)


def save(session: Session, actor: str, made: Made, path: Path, password: str | None = None) -> list[Path]:
    """Write the PDF (and the report's JSON and CSV beside it) and record it; returns the files written.

    The machine-readable copies are never encrypted files of their own: with a password they are only inside the
    protected PDF, so nothing readable is left beside it.
    """
    written = [path]
    try:
        write_atomically(path, protected(made, password))
        if not password:
            for name, content in made.extras:
                write_atomically(path.with_name(name), content)
                written.append(path.with_name(name))
    except OSError as exc:
        raise ValidationError(f"{path} cannot be written: {exc.strerror or exc}.") from None
    _record(session, actor, made, bool(password), Delivery.SAVED)
    return written


def printed(session: Session, actor: str, made: Made) -> int:
    """Record that the document was sent to a printer (the screen prints it)."""
    return _record(session, actor, made, False, Delivery.PRINTED)


@dataclass(frozen=True)
class EmailText:
    to: str
    subject: str
    body: str


def default_email(made: Made, settings: Settings, password_given: bool) -> EmailText:
    """A short covering email; the password is never in it (the clerk tells it by phone)."""
    lines = [
        f"Dear {made.recipient},",
        "",
        f"Please find attached: {made.title}.",
    ]
    if password_given:
        lines += ["", "The PDF is protected with a password. We will give you the password by phone."]
    lines += ["", "Kind regards,", settings.agency_name]
    return EmailText(made.email, f"{made.title} ({settings.agency_name})", "\n".join(lines))


def email_draft(
    session: Session, actor: str, made: Made, text: EmailText, settings: Settings, password: str | None = None
) -> bytes:
    """An .eml draft (X-Unsent: 1) with the PDF attached, recorded as an email draft."""
    eml = delivery.eml_draft(
        protected(made, password),
        made.filename,
        to=text.to,
        sender=settings.smtp_sender or settings.agency_email,
        subject=text.subject,
        body=text.body,
    )
    _record(session, actor, made, bool(password), Delivery.EMAIL_DRAFT, text.to)
    return eml


def send(
    session: Session,
    actor: str,
    made: Made,
    text: EmailText,
    settings: Settings,
    smtp_password: str | None,
    password: str | None = None,
    ssl_context: ssl.SSLContext | None = None,
) -> int:
    """Send through the SMTP server in settings; recorded as sent only once the server accepted it."""
    if not settings.smtp_host.strip():
        raise ValidationError(
            "No mail (SMTP) server is set: fill it in under Settings, or save an email draft instead."
        )
    message = delivery.email_message(
        protected(made, password),
        made.filename,
        to=text.to,
        sender=settings.smtp_sender or settings.agency_email,
        subject=text.subject,
        body=text.body,
    )
    delivery.send_smtp(
        message,
        host=settings.smtp_host.strip(),
        port=settings.smtp_port,
        username=settings.smtp_username.strip(),
        password=smtp_password or "",
        starttls=settings.smtp_starttls,
        timeout=float(settings.smtp_timeout_seconds),
        ssl_context=ssl_context,
    )
    return _record(session, actor, made, bool(password), Delivery.EMAIL_SENT, text.to)


def letter_kinds_for() -> list[LetterKind]:
    """The letters offered for a request (the erasure and operator letters come with the erasure workflow)."""
    later = (LetterKind.ERASURE_CONFIRMATION, LetterKind.OPERATOR_NOTICE)
    return [k for k in LetterKind if k not in later]
