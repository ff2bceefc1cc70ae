"""The credentials handover: the logins for a leaving client's domains, for their new provider.

The document holds secrets, so it is only ever handed out encrypted (AES-256, a password shown once; see
:mod:`hartdesk.security.vault`). The renderer takes a :class:`Handover` and never reads the register or the keyring.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from reportlab.lib.styles import StyleSheet1
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table

from hartdesk.dates import UK, format_short_date, format_uk_date
from hartdesk.documents import theme
from hartdesk.documents.emergency_kit import QrCode
from hartdesk.documents.letter import Letterhead

TITLE = "Logins handover"
LABEL_WIDTH = 38 * mm
QR_SIZE = 30 * mm
CELL_PADDING = 4


@dataclass(frozen=True)
class HandoverEntry:
    operator: str  # e.g. "Gandi SAS"
    operator_role: str  # e.g. "Domain registrar"
    account_name: str
    login_url: str
    secret: str = field(repr=False)  # the password, exactly as kept (any character, up to 1000 of them)
    otp_key: str = field(repr=False)  # the login's 2FA key as an otpauth:// address (digits, hash, period), or ""
    domains: tuple[str, ...]  # the client's domains and services this login manages
    notes: str
    rotated_on: date


@dataclass(frozen=True)
class Handover:
    letterhead: Letterhead
    pagesize: tuple[float, float]
    client_ref: str
    client_name: str
    new_provider: str  # who receives it, as the clerk typed it; may be ""
    prepared_by: str  # the staff member's display name
    produced_at: datetime  # aware
    entries: tuple[HandoverEntry, ...]


def build_handover_pdf(doc: Handover) -> bytes:
    """The handover as an unencrypted PDF (the caller encrypts it before it leaves memory)."""
    styles = theme.stylesheet()
    width = theme.frame_width(doc.pagesize)
    story: list[Flowable] = [*_opening(doc, styles, width)]
    for number, entry in enumerate(doc.entries, start=1):
        story.append(KeepTogether(_entry(entry, number, len(doc.entries), styles, width)))
    info = theme.DocumentInfo(
        title=f"{TITLE}: {doc.client_name} ({doc.client_ref})",
        author=doc.letterhead.name,
        subject="Logins handed over to a new provider",
        created_at=doc.produced_at,
    )
    footer = f"Confidential: passwords · {doc.letterhead.footer}"
    return theme.build_pdf(story, info, doc.pagesize, footer_text=footer)


def _details_table(rows: list[tuple[str, Flowable]], styles: StyleSheet1, width: float) -> Table:
    label = styles["body"].clone("label", textColor=theme.MUTED_COLOUR)
    table = Table(
        [[Paragraph(name, label), value] for name, value in rows],
        colWidths=[LABEL_WIDTH, width - LABEL_WIDTH],
    )
    table.setStyle(
        theme.table_style(
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (0, -1), 0),
            ("LEFTPADDING", (1, 0), (1, -1), CELL_PADDING),
            ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
            ("TOPPADDING", (0, 0), (-1, -1), 4),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ("LINEBELOW", (0, 0), (-1, -1), 0.5, theme.RULE_COLOUR),
        )
    )
    return table


def _opening(doc: Handover, styles: StyleSheet1, width: float) -> list[Flowable]:
    body = styles["body"]
    receiver = theme.escape(doc.new_provider) if doc.new_provider else "the new provider"
    count = len(doc.entries)
    agency = doc.letterhead
    contact = " · ".join(theme.escape(part) for part in (agency.email, agency.phone) if part)
    rows: list[tuple[str, Flowable]] = [
        ("Client", Paragraph(f"{theme.escape(doc.client_name)} ({theme.escape(doc.client_ref)})", body)),
        ("Handed over to", Paragraph(receiver, body)),
        ("From", Paragraph(theme.escape(agency.name) + (f"<br/>{contact}" if contact else ""), body)),
        ("Prepared by", Paragraph(theme.escape(doc.prepared_by), body)),
        ("Produced", Paragraph(format_uk_date(doc.produced_at.astimezone(UK)), body)),
        ("Logins", Paragraph(str(count), body)),
    ]
    return [
        Paragraph(TITLE, styles["title"]),
        Paragraph(
            f"{theme.escape(agency.name)} hands over to {receiver} the {'login' if count == 1 else f'{count} logins'} "
            f"it held for {theme.escape(doc.client_name)}. Until you change "
            f"{'it' if count == 1 else 'them'}, our staff know these passwords too: please change each one as soon "
            "as you have taken the account over, and move any two-step (2FA) key to your own authenticator.",
            body,
        ),
        Paragraph(
            "This document holds passwords: keep it like a key, share it with nobody else, and delete it (and the "
            "email it came with) once every login has been taken over and changed.",
            styles["small"],
        ),
        Spacer(0, 2 * mm),
        _details_table(rows, styles, width),
        Spacer(0, 4 * mm),
    ]


def _entry(entry: HandoverEntry, number: int, total: int, styles: StyleSheet1, width: float) -> list[Flowable]:
    body = styles["body"]
    mono = styles["mono"].clone("secret", fontSize=11, leading=15)
    value_width = width - LABEL_WIDTH - 2 * CELL_PADDING
    heading = f"{number} of {total}. {theme.escape(entry.operator)}"
    if entry.operator_role:
        heading += f" <font color='#5f6b7a'>— {theme.escape(entry.operator_role)}</font>"
    secret = theme.break_anywhere(entry.secret, mono.fontName, mono.fontSize, value_width)
    if entry.secret != entry.secret.strip():
        secret += (
            f"<br/><font name='{theme.FONT}' size='8.5'>(it starts or ends with a space, which is part of it)</font>"
        )
    rows: list[tuple[str, Flowable]] = [
        ("Account", Paragraph(theme.escape(entry.account_name), body)),
        ("Password", Paragraph(secret, mono)),
    ]
    if entry.login_url:
        link = theme.break_anywhere(entry.login_url, body.fontName, body.fontSize, value_width)
        rows.insert(1, ("Login page", Paragraph(link, body)))
    if entry.domains:
        rows.append(("Domains and services", Paragraph(theme.escape(", ".join(entry.domains)), body)))
    rows.append(("Password last changed", Paragraph(format_short_date(entry.rotated_on), body)))
    if entry.notes:
        rows.append(("Notes", Paragraph(theme.escape(entry.notes), body)))
    parts: list[Flowable] = [Paragraph(heading, styles["heading"]), _details_table(rows, styles, width)]
    if entry.otp_key:
        parts.append(Spacer(0, 2 * mm))
        parts.append(_otp_box(entry.otp_key, styles, width))
    parts.append(Spacer(0, 3 * mm))
    return parts


def _otp_box(uri: str, styles: StyleSheet1, width: float) -> Table:
    from urllib.parse import parse_qs, urlsplit

    query = {name: values[0] for name, values in parse_qs(urlsplit(uri).query).items()}
    secret = query.get("secret", "")
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    settings = (
        f"{query.get('digits', '6')} digits, {query.get('algorithm', 'SHA1')}, every {query.get('period', '30')} s"
    )
    mono = styles["mono"]
    text_width = width - QR_SIZE - 2 * CELL_PADDING - 4 * mm
    words: list[Flowable] = [
        Paragraph("<b>Two-step (2FA) key</b>", styles["body"]),
        Paragraph(
            "Scan the square code with an authenticator app, or type the key. Then replace it with a key of your own "
            "in the account's security settings.",
            styles["small"],
        ),
        Spacer(0, 1.5 * mm),
        Paragraph(theme.break_anywhere(grouped, mono.fontName, mono.fontSize, text_width), mono),
        Paragraph(settings, styles["small"]),
    ]
    box = Table(
        [[words, QrCode(uri, QR_SIZE)]], colWidths=[width - QR_SIZE - 2 * CELL_PADDING, QR_SIZE + 2 * CELL_PADDING]
    )
    box.setStyle(
        theme.table_style(
            ("BOX", (0, 0), (-1, -1), 0.8, theme.RULE_COLOUR),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (0, 0), 3 * mm),
            ("TOPPADDING", (0, 0), (-1, -1), CELL_PADDING),
            ("BOTTOMPADDING", (0, 0), (-1, -1), CELL_PADDING),
        )
    )
    return box
