"""Reading a privacy request that arrived by email: a saved ``.eml`` (RFC 5322) or an Outlook ``.msg`` file.

Mail is messy and sometimes hostile, and a request must not be lost because its sender's mail program was careless:
text in a wrong or unknown character set is decoded with replacement characters, every header is read defensively
(the standard library's modern parser raises on some malformed headers, so each value falls back to the lenient
``compat32`` decoder), and anything odd becomes a warning sentence for the clerk instead of an error. Only a file that
is not an email at all is refused, with a :class:`ValidationError`; nothing else ever escapes.

Attachments go through :func:`hartdesk.privacy.attachments.check_attachment`; those it refuses are left out with a
warning naming them. Forwarded emails stay whole, one ``.eml`` (or ``.msg``) attachment each. Nothing here logs: a
message's contents are personal data.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import email
import email.generator
import email.header
import email.message
import email.policy
import email.utils
import io
import mimetypes
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email import errors as email_errors
from html import unescape
from html.parser import HTMLParser
from typing import Any, TypeVar

from hartdesk.errors import ValidationError
from hartdesk.privacy.attachments import (
    EML,
    MAX_ATTACHMENT_BYTES,
    MSG,
    OLE_SIGNATURE,
    CheckedFile,
    check_attachment,
    describe_size,
    extension,
    looks_like_email,
    safe_filename,
)

MAX_MESSAGE_BYTES = 100 * 1024 * 1024  # a bigger file is refused before parsing
MAX_SUBJECT_CHARS = 300
MAX_NAME_CHARS = 200
MAX_ATTACHMENTS = 500  # a message with more is a mail bomb, not a request
MAX_HEADER_CHARS = 8 * 1024  # longer header values are cut before decoding: the parser slows down badly on huge ones
MAX_NESTING = 50

NO_DATE = "The email has no date; check the date it arrived."
BAD_DATE = "The email's date could not be read; check the date it arrived."
NO_SENDER = "The email has no readable sender address; find out who sent it before answering."
FORGED = "The sender's address can be forged: confirm who they are before answering."
GARBLED_TEXT = "Some of the email's text was in an unreadable character set and shows as �; check the original."
LEFT_OUT = "The attachment was left out."

_NESTED_MESSAGE_TYPES = ("message/rfc822", "message/global")
_BASE64_DEFECTS = (
    email_errors.InvalidBase64PaddingDefect,
    email_errors.InvalidBase64CharactersDefect,
    email_errors.InvalidBase64LengthDefect,
)
_SERIALISING = email.policy.default.clone(refold_source="none", linesep="\r\n")  # keep raw headers as they came
_BREAKS = re.compile(r"[\r\n\t\v\f\x85\u2028\u2029]+")
_INVISIBLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")
_BODY_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LONE_CR = re.compile(rb"\r(?!\n)")
_SURROGATES = re.compile(r"[\ud800-\udfff]")
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")
_ANGLE_ADDRESS = re.compile(r"<([^<>\s]+@[^<>\s]+)>\s*$")

_T = TypeVar("_T")


@dataclass(frozen=True)
class MailMessage:
    sender_name: str  # decoded (RFC 2047), e.g. "Zoë Łukasiewicz-Öztürk"; "" when none
    sender_email: str  # the address part of From, domain lower-cased; "" when missing or unreadable
    sent_at: datetime | None  # timezone-aware; None when the date is missing or unreadable (then a warning)
    subject: str  # at most 300 characters
    body: str  # plain text; an HTML-only message's text without tags, scripts or styles
    attachments: tuple[CheckedFile, ...]  # only those that pass check_attachment
    original: CheckedFile | None  # the message file itself (or a copy without its largest attachments)
    warnings: tuple[str, ...]  # sentences for the clerk


def read_message(filename: str, data: bytes) -> MailMessage:
    """An .eml or .msg file, told apart by its content (Outlook files are Compound Files), not by its name."""
    try:
        is_outlook = bytes(data[: len(OLE_SIGNATURE)]) == OLE_SIGNATURE
    except Exception:  # not bytes at all: parse_eml refuses it with the usual sentence
        is_outlook = False
    if is_outlook:
        return parse_msg(filename, data)
    return parse_eml(filename, data)


def parse_eml(filename: str, data: bytes) -> MailMessage:
    name = safe_filename(filename, default="message.eml")
    return _guarded(name, lambda: _parse_eml(name, bytes(data)))


def parse_msg(filename: str, data: bytes) -> MailMessage:
    name = safe_filename(filename, default="message.msg")
    return _guarded(name, lambda: _parse_msg(name, bytes(data)))


def _guarded(name: str, parse: Callable[[], MailMessage]) -> MailMessage:
    try:
        return parse()
    except ValidationError:
        raise
    except Exception as exc:  # the contract: a clerk sees a sentence, never a traceback
        raise _unreadable(name, "the file is damaged") from exc


def _unreadable(name: str, reason: str) -> ValidationError:
    return ValidationError(f"'{name}' could not be read as an email: {reason}.")


def _check_size(name: str, data: bytes) -> None:
    if not data:
        raise _unreadable(name, "the file is empty")
    if len(data) > MAX_MESSAGE_BYTES:
        limit = describe_size(MAX_MESSAGE_BYTES)
        raise ValidationError(f"'{name}' is {describe_size(len(data))}; hartdesk reads emails up to {limit}.")


# ----------------------------------------------------------------------------------------------------------------
# .eml


@dataclass
class _Candidate:
    """A part of the message that may become an attachment."""

    part: email.message.Message | None  # None for an Outlook attachment
    name: str
    content: bytes | None
    encoded_size: int
    kept: bool = False
    refusal: str = ""


def _parse_eml(name: str, data: bytes) -> MailMessage:
    _check_size(name, data)
    msg = email.message_from_bytes(data, policy=email.policy.default)
    headers = _Headers(msg, _header_block(data))
    # The same test check_attachment applies, so the original kept with the request passes it when stored.
    if not looks_like_email(data) or not headers.has_any("from", "date", "subject"):
        raise _unreadable(name, "it does not look like an email (it has no sender, date or subject)")
    notes: list[str] = []
    sender_name, sender_email = _sender(headers.addresses("from"), notes)
    sent_at = _date(headers, notes)
    subject = _clean_line(headers.text("subject") or "", MAX_SUBJECT_CHARS)

    plain: list[str] = []
    html: list[email.message.Message] = []
    candidates: list[_Candidate] = []
    for part in _leaves(msg):
        ctype = _content_type(part)
        filename = _filename(part)
        if ctype in _NESTED_MESSAGE_TYPES:
            candidates.append(_nested_message(part, filename, len(candidates)))
        elif not _is_body(part, ctype, filename):
            candidates.append(_leaf_attachment(part, ctype, filename, len(candidates), notes))
        elif ctype == "text/html":
            html.append(part)
        elif text := _part_text(part, notes).strip():
            plain.append(text)
    if len(candidates) > MAX_ATTACHMENTS:
        notes.append(f"The email has {len(candidates)} attachments; only the first {MAX_ATTACHMENTS} were checked.")
        candidates = candidates[:MAX_ATTACHMENTS]

    if plain:
        body = "\n\n".join(plain)
    elif html:  # an HTML-only message (an alternative plain part would have been used)
        body = html_to_text(_part_text(html[0], notes))
    else:
        body = ""
    attachments = _check_all(candidates, notes)
    original = _original_eml(_with_suffix(name, ".eml"), data, msg, candidates, notes)
    return MailMessage(
        sender_name=sender_name,
        sender_email=sender_email,
        sent_at=sent_at,
        subject=subject,
        body=_clean_body(body),
        attachments=attachments,
        original=original,
        warnings=tuple(dict.fromkeys(notes + _forgery(headers))),
    )


def _header_block(data: bytes) -> bytes:
    ends = [i for i in (data.find(b"\r\n\r\n"), data.find(b"\n\n")) if i >= 0]
    return data[: min(ends)] if ends else data[: 256 * 1024]


def _leaves(part: email.message.Message, depth: int = 0) -> Iterator[email.message.Message]:
    """The parts that hold content, in order; a forwarded message is one leaf, not opened."""
    if depth > MAX_NESTING:
        return
    payload = part.get_payload()
    if _content_type(part) in _NESTED_MESSAGE_TYPES or not isinstance(payload, list):
        yield part
        return
    for sub in payload:
        if isinstance(sub, email.message.Message):
            yield from _leaves(sub, depth + 1)


def _is_body(part: email.message.Message, ctype: str, filename: str) -> bool:
    if filename or _safe(part.get_content_disposition) == "attachment":
        return False
    return ctype in ("text/plain", "text/html") or ctype.startswith("multipart/")  # a multipart without parts


def _part_text(part: email.message.Message, notes: list[str]) -> str:
    text, garbled = decode_text(_payload(part) or b"", _safe(part.get_content_charset))
    if garbled:
        notes.append(GARBLED_TEXT)
    return text


def _nested_message(part: email.message.Message, filename: str, index: int) -> _Candidate:
    payload = part.get_payload()
    if isinstance(payload, list) and payload and isinstance(payload[0], email.message.Message):
        inner = payload[0]
        content = _safe(lambda: _serialise(inner))
        subject = _clean_line(_Headers(inner).text("subject") or "", 80)
    else:  # a forwarded message sent with a transfer encoding (RFC 2046 forbids it, some programs do it anyway)
        content = _payload(part)
        subject = ""
    name = filename or subject or f"forwarded email {index + 1}"
    size = len(content) if content is not None else 0
    return _Candidate(part, safe_filename(_with_suffix(name, ".eml")), content, size)


def _leaf_attachment(
    part: email.message.Message, ctype: str, filename: str, index: int, notes: list[str]
) -> _Candidate:
    if not filename:
        filename = f"attachment {index + 1}{mimetypes.guess_extension(ctype) or ''}"
    name = safe_filename(filename)
    content = _payload(part)
    if content is not None and any(isinstance(d, _BASE64_DEFECTS) for d in _safe(lambda: part.defects, [])):
        notes.append(f"'{name}' was damaged in the email (its encoding is broken); check that it opens.")
    raw = part.get_payload()
    return _Candidate(part, name, content, len(raw) if isinstance(raw, str) else len(content or b""))


def _check_all(candidates: list[_Candidate], notes: list[str]) -> tuple[CheckedFile, ...]:
    checked: list[CheckedFile] = []
    for candidate in candidates:
        if candidate.content is None:
            candidate.refusal = f"'{candidate.name}' could not be read from the email."
        else:
            try:
                checked.append(check_attachment(candidate.name, candidate.content))
                candidate.kept = True
                continue
            except ValidationError as exc:
                candidate.refusal = exc.message
        notes.append(f"{candidate.refusal} {LEFT_OUT}")
    return _unique_names(checked)


def _original_eml(
    name: str, data: bytes, msg: email.message.Message, candidates: list[_Candidate], notes: list[str]
) -> CheckedFile | None:
    """The message file, or when it is over 25 MB a copy whose largest attachments are replaced by a short note
    (they are kept separately when they pass the check)."""
    if len(data) <= MAX_ATTACHMENT_BYTES:
        return CheckedFile(filename=name, media_type=EML, content=data)
    size, limit = describe_size(len(data)), describe_size(MAX_ATTACHMENT_BYTES)
    removed: list[_Candidate] = []
    remaining = len(data)
    copy: bytes | None = None
    for candidate in sorted(candidates, key=lambda c: c.encoded_size, reverse=True):
        if not isinstance(candidate.part, email.message.EmailMessage):
            continue
        _replace_with_note(candidate, candidate.part)
        removed.append(candidate)
        remaining -= candidate.encoded_size
        if remaining > MAX_ATTACHMENT_BYTES * 0.98:
            continue
        copy = _safe(lambda: _serialise(msg))
        if copy is not None and len(copy) <= MAX_ATTACHMENT_BYTES:
            break
        copy = None
    if copy is None:
        notes.append(f"The email file is {size}, too big to keep with the request even without its attachments.")
        return None
    names = ", ".join(f"'{c.name}'" for c in removed)
    notes.append(
        f"The email file is {size}, over the {limit} hartdesk keeps; the copy kept with the request leaves out "
        f"the contents of {names}."
    )
    stem = name.removesuffix(".eml")
    return CheckedFile(filename=safe_filename(f"{stem} (large attachments removed).eml"), media_type=EML, content=copy)


def _replace_with_note(candidate: _Candidate, part: email.message.EmailMessage) -> None:
    fate = (
        "It is kept with the request as a separate file." if candidate.kept else f"It was not kept: {candidate.refusal}"
    )
    note = (
        f"hartdesk removed the attachment '{candidate.name}' ({describe_size(candidate.encoded_size)} as sent) "
        f"from this copy of the email to keep the copy under {describe_size(MAX_ATTACHMENT_BYTES)}. {fate}\n"
    )
    part.set_content(note, disposition="attachment", filename=f"{candidate.name} (removed).txt")


def _serialise(msg: email.message.Message) -> bytes:
    buf = io.BytesIO()
    generator: Any = email.generator.BytesGenerator(buf, mangle_from_=False, policy=_SERIALISING)
    generator.flatten(msg)
    return buf.getvalue()


def _content_type(part: email.message.Message) -> str:
    try:
        return part.get_content_type()
    except Exception:
        raw = next((str(v) for k, v in part.raw_items() if k.lower() == "content-type"), "text/plain")
        return raw.split(";")[0].strip().lower() or "text/plain"


def _filename(part: email.message.Message) -> str:
    name = _safe(part.get_filename) or ""
    if "=?" in name:  # RFC 2047 inside a parameter: not allowed, widely sent
        name = _decode_compat(name)
    return _clean_line(str(name), MAX_NAME_CHARS)


def _payload(part: email.message.Message) -> bytes | None:
    """The decoded content; broken base64 or quoted-printable decodes as far as it goes."""
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        return None
    if any(isinstance(d, email_errors.InvalidBase64LengthDefect) for d in part.defects):
        # The standard library gives up and returns the base64 text itself; decode what can be decoded instead.
        raw = part.get_payload()
        return _lenient_base64(raw.encode("ascii", "ignore")) if isinstance(raw, str) else None
    return payload if isinstance(payload, bytes) else None


def _lenient_base64(encoded: bytes) -> bytes:
    """Base64 with every character outside the alphabet dropped and the padding repaired."""
    data = re.sub(rb"[^A-Za-z0-9+/]", b"", encoded)
    data = data[: len(data) - 1] if len(data) % 4 == 1 else data
    return base64.b64decode(data + b"=" * (-len(data) % 4))


# ----------------------------------------------------------------------------------------------------------------
# .msg


def _parse_msg(name: str, data: bytes) -> MailMessage:
    _check_size(name, data)
    if not data.startswith(OLE_SIGNATURE):
        raise _unreadable(name, "it is not an Outlook file")
    msg = _open_outlook(name, data)
    try:
        return _read_outlook(name, data, msg)
    finally:
        with contextlib.suppress(Exception):
            msg.close()


def _open_outlook(name: str, data: bytes) -> Any:
    import extract_msg
    from extract_msg.enums import ErrorBehavior
    from extract_msg.exceptions import InvalidFileFormatError, UnrecognizedMSGTypeError, UnsupportedMSGTypeError
    from extract_msg.msg_classes import MessageBase

    options: dict[str, Any] = {"delayAttachments": True, "errorBehavior": ErrorBehavior.SUPPRESS_ALL}
    try:
        msg = extract_msg.openMsg(io.BytesIO(data), **options)
    except (UnrecognizedMSGTypeError, UnsupportedMSGTypeError):
        try:  # an item class extract-msg does not know (a recall notice, an add-in's item): read it as a message
            msg = extract_msg.Message(io.BytesIO(data), **options)
        except Exception as exc:
            raise _unreadable(name, "it is an Outlook item hartdesk cannot read") from exc
    except InvalidFileFormatError as exc:
        raise _unreadable(name, "it is not an Outlook email") from exc
    except Exception as exc:
        raise _unreadable(name, "the Outlook file is damaged") from exc
    if not isinstance(msg, MessageBase):
        with contextlib.suppress(Exception):
            msg.close()
        raise _unreadable(name, "it is an Outlook item that is not an email")
    return msg


def _read_outlook(name: str, data: bytes, msg: Any) -> MailMessage:
    notes: list[str] = []
    transport = _attr(msg, "header")  # the Internet headers when the message came from outside; else made up
    raw_headers = _attr(msg, "headerText") or ""
    headers = _Headers(transport, raw_headers.encode("utf-8", "replace")) if transport is not None else _Headers(None)

    mapi_name = _first(_string_stream(msg, key) for key in ("0C1A", "0042"))  # PR_SENDER_NAME, sent-representing
    mapi_address = _first(  # SMTP addresses first: PR_SENDER_EMAIL_ADDRESS may be an Exchange (X.500) name
        a for a in (_string_stream(msg, key) for key in ("5D01", "0C1F", "5D02", "0065")) if "@" in a
    )
    from_header = headers.addresses("from")
    if mapi_address:
        sender_name, sender_email = _sender([(mapi_name, mapi_address)], notes)
        if not sender_name and from_header:
            sender_name = _clean_line(from_header[0][0], MAX_NAME_CHARS)
    else:
        sender_name, sender_email = _sender(from_header, notes)
        sender_name = sender_name or _clean_line(mapi_name, MAX_NAME_CHARS)

    sent_at = _outlook_date(msg, headers, notes)
    subject = _clean_line(_attr(msg, "subject") or headers.text("subject") or "", MAX_SUBJECT_CHARS)
    body = _attr(msg, "body") or ""
    if not isinstance(body, str) or not body.strip():
        html = _attr(msg, "htmlBody")
        body = html_to_text(decode_text(html, None)[0]) if isinstance(html, bytes) and html else ""

    candidates = _outlook_attachments(msg, notes)
    attachments = _check_all(candidates, notes)
    original: CheckedFile | None = None
    if len(data) <= MAX_ATTACHMENT_BYTES:
        original = CheckedFile(filename=_with_suffix(name, ".msg"), media_type=MSG, content=data)
    else:
        notes.append(
            f"The Outlook file is {describe_size(len(data))}, over the {describe_size(MAX_ATTACHMENT_BYTES)} "
            "hartdesk keeps, so it was not kept with the request; its attachments that fit were kept."
        )
    return MailMessage(
        sender_name=sender_name,
        sender_email=sender_email,
        sent_at=sent_at,
        subject=subject,
        body=_clean_body(body),
        attachments=attachments,
        original=original,
        warnings=tuple(dict.fromkeys(notes + _forgery(headers))),
    )


def _string_stream(msg: Any, key: str) -> str:
    value = _safe(lambda: msg.getStringStream(f"__substg1.0_{key}"))
    return value if isinstance(value, str) else ""


def _outlook_date(msg: Any, headers: _Headers, notes: list[str]) -> datetime | None:
    """The Date of the Internet headers, else the time Outlook sent it (PR_CLIENT_SUBMIT_TIME), else when it was
    delivered (PR_MESSAGE_DELIVERY_TIME)."""
    from extract_msg.null_date import NullDate

    raw = headers.raw("date")
    if raw and (when := _parse_date(raw[0])) is not None:
        return when
    for key in ("date", "receivedTime"):
        value = _attr(msg, key)
        if isinstance(value, datetime) and not isinstance(value, NullDate):
            return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    notes.append(BAD_DATE if raw else NO_DATE)
    return None


def _outlook_attachments(msg: Any, notes: list[str]) -> list[_Candidate]:
    from extract_msg.msg_classes import MSGFile

    found = _safe(lambda: list(msg.attachments))
    if found is None:
        notes.append("The attachments of the Outlook email could not be read; check the original.")
        return []
    if len(found) > MAX_ATTACHMENTS:
        notes.append(f"The email has {len(found)} attachments; only the first {MAX_ATTACHMENTS} were checked.")
    candidates = []
    for index, att in enumerate(found[:MAX_ATTACHMENTS]):
        data = _attr(att, "data")
        names = (_attr(att, "longFilename"), _attr(att, "shortFilename"))
        label = _first(_clean_line(str(n or ""), MAX_NAME_CHARS) for n in names)
        if isinstance(data, MSGFile):  # an attached Outlook message: kept whole, as its own .msg file
            title = label or _clean_line(str(_attr(data, "subject") or ""), 80)
            name = safe_filename(_with_suffix(title or f"attached email {index + 1}", ".msg"))
            content = _safe(data.exportBytes)
        else:
            name = safe_filename(label or f"attachment {index + 1}")
            content = data if isinstance(data, bytes) else None
        candidates.append(_Candidate(None, name, content, len(content or b"")))
    return candidates


# ----------------------------------------------------------------------------------------------------------------
# Headers


class _Headers:
    """One message's header fields as they came, decoded on demand without ever raising."""

    def __init__(self, msg: email.message.Message | None, block: bytes = b"") -> None:
        items = _safe(msg.raw_items, []) if msg is not None else []
        self._items = [(str(k).strip().lower(), _unfold(str(v))) for k, v in items if v is not None]
        # A lone CR in a CRLF header block starts a new header for some programs and not for others: a way to smuggle
        # a second From past a filter.
        self.hidden_breaks = b"\n" in block and bool(_LONE_CR.search(block))

    def has_any(self, *names: str) -> bool:
        return any(key in names for key, _ in self._items)

    def raw(self, name: str) -> list[str]:
        return [value for key, value in self._items if key == name]

    def text(self, name: str) -> str | None:
        values = self.raw(name)
        if not values:
            return None
        raw = _repair(values[0][:MAX_HEADER_CHARS])
        try:
            text = str(email.policy.default.header_fetch_parse(name, raw))
        except Exception:
            text = _decode_compat(raw)
        return self._note_breaks(_repair(text))

    def addresses(self, name: str) -> list[tuple[str, str]]:
        """(display name, address) for every address in every ``name`` field."""
        found: list[tuple[str, str]] = []
        for raw in self.raw(name):
            pairs = _parse_addresses(name, _repair(raw))
            found += [(self._note_breaks(n), a) for n, a in pairs]
        return found

    def _note_breaks(self, text: str) -> str:
        if "\r" in text or "\n" in text:
            self.hidden_breaks = True
        return text


def _parse_addresses(name: str, raw: str) -> list[tuple[str, str]]:
    if len(raw) > MAX_HEADER_CHARS:  # keep the address at the end, and the start of the display name
        match = _ANGLE_ADDRESS.search(raw[-1024:])
        return [(_decode_compat(raw[: MAX_NAME_CHARS * 2]), match.group(1))] if match else []
    try:
        header: Any = email.policy.default.header_fetch_parse(name, raw)
        return [(str(a.display_name), str(a.addr_spec)) for a in header.addresses]
    except Exception:
        pass
    try:  # the lenient parser (which recurses on nested comments, hence the guard)
        return [(_decode_compat(n), a) for n, a in email.utils.getaddresses([raw])]
    except Exception:
        return []


def _sender(addresses: list[tuple[str, str]], notes: list[str]) -> tuple[str, str]:
    if not addresses:
        notes.append(NO_SENDER)
        return "", ""
    display, address = addresses[0]
    normalised = normalise_address(address)
    if not normalised:
        notes.append(NO_SENDER)
    return _clean_line(display, MAX_NAME_CHARS), normalised


def normalise_address(address: str) -> str:
    """``local@domain`` with the domain lower-cased (the local part's case can matter), or "" when unusable."""
    address = address.strip().strip("<>").strip()
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain or len(address) > 254 or re.search(r"[\s\x00-\x1f\x7f<>]", address):
        return ""
    return f"{local}@{domain.lower()}"


def _date(headers: _Headers, notes: list[str]) -> datetime | None:
    raw = headers.raw("date")
    if not raw:
        notes.append(NO_DATE)
        return None
    when = _parse_date(raw[0])
    if when is None:
        notes.append(BAD_DATE)
    return when


def _parse_date(raw: str) -> datetime | None:
    try:
        when = email.utils.parsedate_to_datetime(raw.strip()[:200])
    except Exception:
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)  # "-0000": UTC, origin unknown


def _forgery(headers: _Headers) -> list[str]:
    """One warning listing what makes the sender doubtful, or none."""
    for name in ("subject", "to", "cc", "sender", "reply-to"):
        headers.text(name)  # notes line breaks smuggled inside encoded words
    reasons = []
    froms = headers.addresses("from")
    if len(headers.raw("from")) > 1 or len(froms) > 1:
        reasons.append("The email gives more than one From address.")
    own = _domain(froms[0][1]) if froms else ""
    if own:
        others = [
            label
            for label, key in (("Sender", "sender"), ("Reply-To", "reply-to"), ("Return-Path", "return-path"))
            if any(d and not _same_domain(d, own) for d in (_domain(a) for _, a in headers.addresses(key)))
        ]
        if len(others) == 1:
            reasons.append(f"The email's {others[0]} address is in a different domain from its From address.")
        elif others:
            listed = ", ".join(others[:-1]) + " and " + others[-1]
            reasons.append(f"The email's {listed} addresses are in a different domain from its From address.")
    if headers.hidden_breaks:
        reasons.append("The email's header lines contain hidden line breaks.")
    return [" ".join([*reasons, FORGED])] if reasons else []


def _domain(address: str) -> str:
    return normalise_address(address).rpartition("@")[2].rstrip(".")


def _same_domain(a: str, b: str) -> bool:
    """Same domain, or one a subdomain of the other (bounces.example.com sends for example.com)."""
    return a == b or a.endswith("." + b) or b.endswith("." + a)


def _unfold(value: str) -> str:
    return re.sub(r"\r?\n(?=[ \t])", "", value).rstrip("\r\n")


def _decode_compat(raw: str) -> str:
    """RFC 2047 encoded words decoded the lenient ``compat32`` way; the raw text when even that fails."""
    try:
        return str(email.header.make_header(email.header.decode_header(raw)))
    except Exception:
        return raw


def _repair(text: str) -> str:
    """Raw 8-bit bytes in a header (surrogate escapes after parsing) read as UTF-8, else as Windows-1252."""
    if not _SURROGATES.search(text):
        return text
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")
    return decode_text(raw, None)[0]


def _clean_line(text: str, limit: int) -> str:
    """One line for display: line breaks become spaces, control and direction-changing characters go, and text over
    ``limit`` characters is cut with an ellipsis."""
    text = _INVISIBLE.sub("", _BREAKS.sub(" ", _repair(text)))
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# ----------------------------------------------------------------------------------------------------------------
# Text


def decode_text(raw: bytes, charset: str | None) -> tuple[str, bool]:
    """Text from bytes, and whether characters had to be replaced: the declared charset when it decodes cleanly, else
    UTF-8; then, for mostly-UTF-8 text with a few broken bytes, UTF-8 with replacement characters; else Windows-1252
    (what a mislabelled message from Windows usually is)."""
    for candidate in (charset, "utf-8"):
        try:
            if candidate:
                return raw.decode(candidate), False
        except Exception:  # an unknown charset (LookupError), bytes that do not decode, a codec that is not text
            continue
    if not _UTF8_SEQUENCE.search(raw):
        with contextlib.suppress(UnicodeDecodeError):
            return raw.decode("cp1252"), False
    return raw.decode("utf-8", errors="replace"), True


def _clean_body(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    return _BODY_CONTROLS.sub("", text).strip()


class _TextFromHtml(HTMLParser):
    _SKIPPED = frozenset({"script", "style", "title", "noscript", "template", "svg", "object", "iframe"})
    _BLOCKS = frozenset(
        {"p", "div", "tr", "table", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "hr", "section", "article"}
        | {"header", "footer", "address", "form", "fieldset", "h1", "h2", "h3", "h4", "h5", "h6", "body", "center"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0
        self._pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIPPED:
            self._skipping += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in ("td", "th"):
            self.parts.append(" ")
        elif tag in self._BLOCKS:
            if tag == "pre":
                self._pre += 1
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif tag in self._BLOCKS:
            if tag == "pre":
                self._pre = max(0, self._pre - 1)
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data if self._pre else re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    """Readable text from an HTML email (standard library only): no tags, scripts or styles; paragraphs and line
    breaks kept, entities decoded."""
    parser = _TextFromHtml()
    try:
        parser.feed(html)
        parser.close()
        text = "".join(parser.parts)
    except Exception:  # html.parser gives up on some broken markup: strip the tags by hand instead
        text = re.sub(r"(?is)<(script|style|title)\b.*?</\1\s*>", " ", html)
        text = unescape(re.sub(r"(?s)<[^>]*>", " ", text))
    lines = [line.strip() for line in text.replace("\xa0", " ").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# ----------------------------------------------------------------------------------------------------------------
# Small helpers


def _safe(getter: Callable[[], _T], default: Any = None) -> Any:
    """A value read from a library that may raise on a damaged message, or ``default``."""
    try:
        return getter()
    except Exception:
        return default


def _attr(obj: Any, name: str) -> Any:
    """An attribute of an extract-msg object (its properties read the file, and raise on damaged ones), or None."""
    try:
        return getattr(obj, name)
    except Exception:
        return None


def _first(values: Iterable[str]) -> str:
    return next((v for v in values if v), "")


def _with_suffix(name: str, suffix: str) -> str:
    """``name`` ending in ``suffix``: a wrong email suffix is replaced, any other kept (``notes.txt.eml``)."""
    ext = extension(name)
    if f".{ext}" == suffix:
        return name
    if ext in ("eml", "msg"):
        name = name[: -len(ext) - 1]
    return safe_filename(name + suffix)


def _unique_names(files: list[CheckedFile]) -> tuple[CheckedFile, ...]:
    """Two attachments called ``image001.png`` become ``image001.png`` and ``image001 (2).png``."""
    seen: set[str] = set()
    out = []
    for file in files:
        name, n = file.filename, 2
        while name.lower() in seen:
            stem, dot, ext = file.filename.rpartition(".")
            name = f"{stem} ({n}).{ext}" if dot and stem else f"{file.filename} ({n})"
            n += 1
        seen.add(name.lower())
        out.append(file if name == file.filename else dataclasses.replace(file, filename=name))
    return tuple(out)
