"""How a finished PDF leaves hartdesk: encrypted with a password given by phone, as an email draft (.eml) the
clerk's mail program opens, or sent through the agency's SMTP server.

Plain values in, bytes out: no database, no settings. The caller records what happened
(:mod:`hartdesk.register.documents`). Neither a password nor a message's content is ever logged or put in an error.

PDF encryption is pikepdf's (qpdf), revision 6 with AES-256 — not reportlab's, which writes the deprecated
revision 5 that Poppler-based readers refuse (DESIGN.md, "PDF documents").
"""

from __future__ import annotations

import email.policy
import io
import logging
import secrets
import smtplib
import socket
import ssl
from datetime import datetime
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, make_msgid, parseaddr

import pikepdf

from hartdesk.errors import ValidationError

log = logging.getLogger(__name__)

# No 0/O, 1/I: nothing a clerk reading the password out, or the person typing it, can take for another character.
PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
PASSWORD_GROUPS = 4
PASSWORD_GROUP_LENGTH = 4  # 16 characters from 32: 80 bits
IMPLICIT_TLS_PORT = 465  # RFC 8314: TLS from the first byte, which hartdesk does not speak (it uses STARTTLS)
NOTHING_SENT = "the draft is kept and nothing was recorded as sent."


# -- PDF encryption -------------------------------------------------------------------------------------------------


def new_pdf_password() -> str:
    """A password to read out by phone, like ``K7QX-M3TA-9PRW-HD4E`` (the dashes are part of it): 80 bits from the
    operating system's random source. Shown once to the clerk, never stored."""
    groups = (
        "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_GROUP_LENGTH)) for _ in range(PASSWORD_GROUPS)
    )
    return "-".join(groups)


def encrypt_pdf(pdf: bytes, password: str) -> bytes:
    """The PDF encrypted with AES-256 (PDF 2.0 security handler, R = 6): ``password`` opens it; the owner password
    is random and thrown away, so nobody can lift the restrictions without re-making the document."""
    if not password:
        raise ValidationError("A password is needed to encrypt the document.")
    encryption = pikepdf.Encryption(owner=secrets.token_urlsafe(32), user=password, R=6, aes=True, metadata=True)
    out = io.BytesIO()
    try:
        with pikepdf.open(io.BytesIO(pdf)) as document:
            document.save(out, encryption=encryption)
    except pikepdf.PdfError as exc:
        raise ValidationError("The document is not a readable PDF, so it could not be encrypted.") from exc
    return out.getvalue()


# -- email ----------------------------------------------------------------------------------------------------------


def email_message(pdf: bytes, filename: str, *, to: str, sender: str, subject: str, body: str) -> EmailMessage:
    """The message with the PDF attached (no password in it, ever: the password goes by phone)."""
    to, sender, subject = to.strip(), sender.strip(), " ".join(subject.split())
    if "@" not in to:
        raise ValidationError("Enter the email address the document goes to.")
    message = EmailMessage(policy=email.policy.SMTP)
    try:
        if sender:
            message["From"] = sender
        message["To"] = to
        message["Subject"] = subject
    except (ValueError, IndexError) as exc:  # a line break in a header would let it add headers of its own
        raise ValidationError("The address or subject holds characters an email cannot carry.") from exc
    message["Date"] = format_datetime(datetime.now().astimezone())
    domain = parseaddr(sender)[1].rpartition("@")[2] or "hartdesk.invalid"
    message["Message-ID"] = make_msgid(domain=domain)  # explicit domain: no look-up of this computer's name
    message.set_content(body)
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename=filename)
    return message


def eml_draft(pdf: bytes, filename: str, *, to: str, sender: str, subject: str, body: str) -> bytes:
    """An RFC 5322 message that Outlook and Thunderbird open as an unsent draft (``X-Unsent: 1``), ready for the
    clerk to check and send from their own mail program."""
    message = email_message(pdf, filename, to=to, sender=sender, subject=subject, body=body)
    message["X-Unsent"] = "1"
    return message.as_bytes()


# -- SMTP -----------------------------------------------------------------------------------------------------------


def _seconds(timeout: float) -> str:
    text = f"{timeout:g}"
    return f"{text} second{'' if text == '1' else 's'}"


def _reply(code: int, text: bytes | str) -> str:
    """A server's reply as a clerk may quote it to their provider, short and printable."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    text = " ".join(text.split())
    return f"{code} {text[:200]}".strip()


def send_smtp(
    message: bytes | EmailMessage,
    *,
    host: str,
    port: int,
    username: str,
    password: str,
    starttls: bool,
    timeout: float,
    ssl_context: ssl.SSLContext | None = None,
) -> None:
    """Send through the agency's mail server, or raise a :class:`ValidationError` saying what went wrong.

    With ``starttls`` the connection is encrypted before the user name and password go (RFC 3207), and a server that
    does not offer it is refused; without it, hartdesk will not send a password at all. ``ssl_context`` defaults to
    the system's trusted certificates (tests pass one that trusts their own).
    """
    host = host.strip()
    if not host:
        raise ValidationError(
            "No mail (SMTP) server is set: fill it in under Settings, or save an email draft instead."
        )
    source = message.as_bytes(policy=email.policy.SMTP) if isinstance(message, EmailMessage) else message
    outgoing = BytesParser(policy=email.policy.SMTP).parsebytes(source)  # a copy: the caller's draft stays a draft
    del outgoing["X-Unsent"]
    if not outgoing["From"]:
        raise ValidationError("Fill in 'Send emails from' under Settings: a message cannot be sent without a sender.")
    if username and not starttls:
        raise ValidationError(
            f"hartdesk sends the mail server's password only over an encrypted connection: turn on STARTTLS in "
            f"Settings; {NOTHING_SENT}"
        )
    context = ssl_context or ssl.create_default_context()
    smtp: smtplib.SMTP | None = None
    try:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
        smtp.ehlo()
        if starttls:
            if not smtp.has_extn("starttls"):
                raise ValidationError(
                    f"The mail server {host} does not offer STARTTLS on port {port}, so hartdesk will not send "
                    f"through it: check the port and the STARTTLS setting; {NOTHING_SENT}"
                )
            smtp.starttls(context=context)
            smtp.ehlo()
        if username:
            if not smtp.has_extn("auth"):
                raise ValidationError(
                    f"The mail server {host} does not accept a sign-in: clear the SMTP user name in Settings, or ask "
                    f"the provider which port and settings to use; {NOTHING_SENT}"
                )
            smtp.login(username, password)
        refused = smtp.send_message(outgoing)
    except ValidationError:
        _close(smtp)
        raise
    except (smtplib.SMTPException, OSError) as exc:
        _close(smtp)
        log.warning("sending by SMTP through %s:%s failed: %s", host, port, type(exc).__name__)
        raise ValidationError(_explain(exc, host, port, username, timeout)) from None
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):  # the message was accepted: a lost goodbye changes nothing
        _close(smtp)
    if refused:
        raise ValidationError(
            f"The mail server {host} accepted the message but refused {', '.join(sorted(refused))}; "
            "check those addresses and send it to them again."
        )
    log.info("document sent by SMTP through %s:%s", host, port)


def _timed_out(exc: BaseException) -> bool:
    """smtplib turns a time-out while reading a reply into SMTPServerDisconnected; the cause is still attached."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, TimeoutError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _close(smtp: smtplib.SMTP | None) -> None:
    """Drop the connection without a QUIT: after a time-out, waiting for the goodbye would mean another time-out."""
    if smtp is not None:
        smtp.close()


def _explain(exc: BaseException, host: str, port: int, username: str, timeout: float) -> str:
    """One sentence per way sending fails, saying what to check."""
    server = f"The mail server {host}"
    if _timed_out(exc):
        hint = ""
        if port == IMPLICIT_TLS_PORT:  # the server waits for a TLS greeting while hartdesk waits for the server's
            hint = f" (port {IMPLICIT_TLS_PORT} expects TLS from the start: use port 587 with STARTTLS instead)"
        return f"{server} did not answer within {_seconds(timeout)}{hint}; {NOTHING_SENT}"
    if isinstance(exc, ConnectionRefusedError):
        return f"{server} refused the connection on port {port}: check the server and port in Settings; {NOTHING_SENT}"
    if isinstance(exc, socket.gaierror):
        return (
            f"The mail server {host} could not be found: check its name in Settings and this computer's internet "
            f"connection; {NOTHING_SENT}"
        )
    if isinstance(exc, ssl.SSLCertVerificationError):
        return (
            f"{server} could not prove it is {host} (its certificate was not accepted: "
            f"{exc.verify_message or 'not trusted'}); check the server name in Settings; {NOTHING_SENT}"
        )
    if isinstance(exc, ssl.SSLError):
        return (
            f"A secure connection to {host} on port {port} could not be made ({exc.reason or 'TLS failed'}): check "
            f"the port and the STARTTLS setting; {NOTHING_SENT}"
        )
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return (
            f"{server} refused the user name '{username}' or its password ({_reply(exc.smtp_code, exc.smtp_error)}): "
            f"check them in Settings; {NOTHING_SENT}"
        )
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return f"{server} does not support what this message needs ({exc}); {NOTHING_SENT}"
    if isinstance(exc, (smtplib.SMTPConnectError, smtplib.SMTPHeloError)):
        return f"{server} refused to talk to hartdesk ({_reply(exc.smtp_code, exc.smtp_error)}); {NOTHING_SENT}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        refused = "; ".join(f"{addr} ({_reply(*reply)})" for addr, reply in sorted(exc.recipients.items()))
        return f"{server} refused the recipient {refused}: check the address; {NOTHING_SENT}"
    if isinstance(exc, smtplib.SMTPSenderRefused):
        sender = exc.sender.decode("utf-8", "replace") if isinstance(exc.sender, bytes) else exc.sender
        return (
            f"{server} refused the sender address {sender} ({_reply(exc.smtp_code, exc.smtp_error)}): check "
            f"'Send emails from' in Settings; {NOTHING_SENT}"
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{server} refused the message ({_reply(exc.smtp_code, exc.smtp_error)}); {NOTHING_SENT}"
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return f"{server} closed the connection unexpectedly; {NOTHING_SENT}"
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
    return f"Sending through the mail server {host} failed ({reason}); {NOTHING_SENT}"
