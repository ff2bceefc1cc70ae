"""Letters about privacy requests: the words come from ``resources/wording/letter_<kind>.txt`` (or the agency's own
copy), the facts from a :class:`LetterData` built by :mod:`hartdesk.privacy.letter_data`.

How a wording file becomes a letter, on top of the format :mod:`hartdesk.documents.wording` describes:

- the first heading is the letter's subject line (and the PDF's title);
- a heading, paragraph or item whose placeholders are all empty is left out, so "You can also call us on
  {agency_phone}." disappears when the agency has no phone number (a block without placeholders always stays);
- a block using a per-item placeholder (``{erased_item}``, ``{kept_item}``...) is repeated for each item of that list;
  an empty list prints one item, "None.";
- every value is escaped, so whatever a clerk or a requester typed prints as typed; the due date prints in bold.

Letter kinds are the values of ``hartdesk.models.enums.LetterKind`` (a ``StrEnum``, so its members index
:data:`PLACEHOLDERS` directly); this module cannot import that enum, because renderers never touch the models.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

from hartdesk.dates import format_uk_date
from hartdesk.documents import theme, wording
from hartdesk.documents.letter import Addressee, Letterhead, LetterPage, build_letter_pdf

# Filled by the renderer from LetterData's own fields; every letter may use them.
COMMON = frozenset(
    {
        "agency_name",
        "agency_address",
        "agency_email",
        "agency_phone",
        "our_ref",
        "client_ref",
        "letter_date",
        "recipient_name",
        "dear",
        "signature",
    }
)
# Letters to the person who made the request (LetterData.values).
_ABOUT_REQUEST = frozenset(
    {"requester_name", "your_request", "request_subject", "received_on", "channel", "time_limit"}
)
# Per-item placeholders, each group filled from one list of LetterData.
ERASED_ITEM = "erased_item"
DATA_ITEM = "data_item"
KEPT_GROUP = frozenset({"kept_item", "kept_ground", "kept_until"})

PLACEHOLDERS: dict[str, frozenset[str]] = {
    "acknowledgement": COMMON | _ABOUT_REQUEST | {"due_on"},
    "identity-request": COMMON | _ABOUT_REQUEST | {"asked_on", "evidence_asked"},
    "clarification-request": COMMON | _ABOUT_REQUEST | {"asked_on", "question", "due_before_pause"},
    "extension-notice": COMMON
    | _ABOUT_REQUEST
    | {"extended_on", "extension_reason", "original_due_on", "due_on", "ico_contact"},
    "refusal": COMMON | _ABOUT_REQUEST | {"refused_on", "refusal_category", "refusal_explanation", "ico_contact"},
    "completion": COMMON | _ABOUT_REQUEST | {"completed_on", "outcome", "enclosure", "ico_contact"},
    "erasure-confirmation": COMMON
    | _ABOUT_REQUEST
    | KEPT_GROUP
    | {ERASED_ITEM, "erased_on", "backup_days", "ico_contact"},
    "operator-notice": COMMON
    | {
        "operator_name",
        "subject_name",
        "subject_email",
        "action_done",
        "action_do",
        "action_on",
        DATA_ITEM,
    },
    "complaint-acknowledgement": COMMON | _ABOUT_REQUEST | {"ico_contact"},
}
"""What each letter kind's wording may use. A wording file naming anything else is refused when it is loaded."""

EMPHASISED = frozenset({"due_on"})
NONE_ITEM = "None."
SIGNATURE_SPACE = 12 * mm
LIST_SPACE_AFTER = 2.5 * mm


@dataclass(frozen=True)
class KeptItem:
    """Something not erased: what it is, the ground for keeping it (SPEC.md §3) and the date it goes."""

    what: str
    ground: str
    until: date


@dataclass(frozen=True)
class LetterData:
    """Everything a letter prints; plain values only (the renderer never reads the register)."""

    kind: str  # a LetterKind value
    letterhead: Letterhead
    addressee: Addressee
    dated: date
    our_ref: str
    client_ref: str = ""
    values: Mapping[str, str] = field(default_factory=dict)  # the kind's own placeholders (PLACEHOLDERS)
    for_post: bool = True
    wording_folder: str = ""  # the agency's own wording (a setting); empty: hartdesk's
    signatory: str = ""
    signatory_position: str = ""
    erased: Sequence[str] = ()  # erasure confirmation: what was erased; operator notice: the data concerned
    kept: Sequence[KeptItem] = ()  # erasure confirmation: what was kept, why and until when
    operator_name: str = ""  # operator notice: to whom
    pagesize: tuple[float, float] = theme.A4


def wording_name(kind: str) -> str:
    """``letter_extension_notice`` for ``extension-notice``."""
    return "letter_" + kind.replace("-", "_")


def load_letter_wording(kind: str, own_folder: str = "") -> wording.Wording:
    """The wording of one letter kind, its placeholders checked (WordingError naming the file and line)."""
    if kind not in PLACEHOLDERS:
        raise ValueError(f"unknown letter kind {kind!r}")
    return wording.load(wording_name(kind), PLACEHOLDERS[kind], own_folder)


def load_phrases(name: str, keys: Iterable[str], own_folder: str = "") -> dict[str, str]:
    """A phrase book: a wording file of ``# key`` headings, each followed by the one paragraph it stands for.

    Used for the words that depend on a register value (the kind of request, the reason for a refusal), so those
    stay in editable files too. Every key must be there, and nothing else.
    """
    wanted = set(keys)
    loaded = wording.load(name, (), own_folder)
    phrases: dict[str, str] = {}
    key = ""
    for block in loaded.blocks:
        if block.kind == "heading":
            key = block.text.strip()
            if key not in wanted:
                raise wording.WordingError(
                    f"{loaded.path.name}: “# {key}” is not one hartdesk knows; use {', '.join(sorted(wanted))}."
                )
        elif key and key not in phrases:
            phrases[key] = block.text
    missing = sorted(wanted - phrases.keys())
    if missing:
        raise wording.WordingError(f"{loaded.path.name}: no words for {', '.join(missing)}.")
    return phrases


# -- rendering -----------------------------------------------------------------------------------------------------


def _styles() -> dict[str, ParagraphStyle]:
    sheet = theme.stylesheet()
    body = sheet["body"]
    return {
        "subject": ParagraphStyle(
            "letter-subject", parent=body, fontName=theme.FONT_BOLD, fontSize=12, leading=16, spaceAfter=8
        ),
        "heading": ParagraphStyle(
            "letter-heading",
            parent=body,
            fontName=theme.FONT_BOLD,
            fontSize=10.5,
            leading=14,
            spaceBefore=8,
            spaceAfter=3,
            keepWithNext=1,
        ),
        "body": ParagraphStyle("letter-body", parent=body, spaceAfter=6),
        "item": ParagraphStyle(
            "letter-item",
            parent=body,
            leftIndent=6 * mm,
            bulletIndent=1.5 * mm,
            bulletFontName=theme.FONT,
            spaceAfter=3,
        ),
    }


def _fields(text: str) -> list[str]:
    return [f for _lit, f, _spec, _conv in string.Formatter().parse(text) if f is not None]


def _markup(text: str, values: Mapping[str, str]) -> str:
    """``text`` with its placeholders filled; literal text and values escaped, emphasised values in bold."""
    out = []
    for literal, name, _spec, _conv in string.Formatter().parse(text):
        out.append(theme.escape(literal))
        if name is not None:
            value = theme.escape(values[name])
            out.append(f"<b>{value}</b>" if name in EMPHASISED and value else value)
    return "".join(out)


def _plain(text: str, values: Mapping[str, str]) -> str:
    return text.format_map(values)


def _groups(data: LetterData) -> list[tuple[frozenset[str], list[dict[str, str]]]]:
    erased = [{ERASED_ITEM: e, DATA_ITEM: e} for e in data.erased]
    kept = [{"kept_item": k.what, "kept_ground": k.ground, "kept_until": format_uk_date(k.until)} for k in data.kept]
    return [(frozenset({ERASED_ITEM}), erased), (frozenset({DATA_ITEM}), erased), (KEPT_GROUP, kept)]


def _values(data: LetterData) -> dict[str, str]:
    unknown = sorted(set(data.values) - PLACEHOLDERS[data.kind])
    if unknown:
        raise ValueError(f"{data.kind} letters have no placeholder {', '.join(unknown)}")
    head = data.letterhead
    signature = [data.signatory, data.signatory_position, head.name]
    values = {
        "agency_name": head.name,
        "agency_address": ", ".join(head.address_lines),
        "agency_email": head.email,
        "agency_phone": head.phone,
        "our_ref": data.our_ref,
        "client_ref": data.client_ref,
        "letter_date": format_uk_date(data.dated),
        "recipient_name": data.addressee.name,
        "dear": data.addressee.name,
        "signature": "\n".join(s for s in signature if s.strip()),
        "operator_name": data.operator_name,
    }
    return {**values, **data.values}


@dataclass(frozen=True)
class _Printed:
    kind: str  # "heading", "paragraph" or "item"
    markup: str  # for the Paragraph: escaped, placeholders filled
    plain: str  # the same as plain text (the PDF title)
    source: str  # the wording's text, placeholders unfilled


def _blocks(data: LetterData, loaded: wording.Wording) -> list[_Printed]:
    """The blocks to print, placeholders filled and lists expanded."""
    values = _values(data)
    groups = _groups(data)
    listed = set().union(*(g for g, _rows in groups))
    missing = sorted(name for name in loaded.placeholders if name not in values and name not in listed)
    if missing:
        raise wording.WordingError(f"{loaded.path.name}: no value for {', '.join('{' + m + '}' for m in missing)}.")
    out: list[_Printed] = []
    for block in loaded.blocks:
        names = set(_fields(block.text))
        group = next((rows for g, rows in groups if names & g), None)
        if group is not None:
            if not group:
                out.append(_Printed("item", theme.escape(NONE_ITEM), NONE_ITEM, block.text))
            for row in group:
                filled = {**values, **row}
                kind = "heading" if block.kind == "heading" else "item"
                out.append(_Printed(kind, _markup(block.text, filled), _plain(block.text, filled), block.text))
            continue
        if names and not any(values[n].strip() for n in names):
            continue  # every value it needs is empty: the sentence has nothing to say
        out.append(_Printed(block.kind, _markup(block.text, values), _plain(block.text, values), block.text))
    return out


def _story(blocks: Sequence[_Printed], for_post: bool) -> list[Flowable]:
    styles = _styles()
    story: list[Flowable] = []
    for i, block in enumerate(blocks):
        if block.kind == "heading":
            story.append(Paragraph(block.markup, styles["subject" if i == 0 else "heading"]))
        elif block.kind == "item":
            story.append(Paragraph(block.markup, styles["item"], bulletText="\u2022"))
            if i + 1 < len(blocks) and blocks[i + 1].kind == "paragraph":
                story.append(Spacer(1, LIST_SPACE_AFTER))  # a list ends before the next paragraph starts
        elif block.source.strip() == "{signature}" and story:
            # Room for a handwritten signature on paper; the closing words stay on the same page as the name.
            closing = story.pop()
            gap = Spacer(1, SIGNATURE_SPACE if for_post else 2 * mm)
            story.append(KeepTogether([closing, gap, Paragraph(block.markup, styles["body"])]))
        else:
            story.append(Paragraph(block.markup, styles["body"]))
    return story


def render_letter(data: LetterData) -> bytes:
    """The letter as a PDF: letter page with the address in the envelope window, then the wording's blocks."""
    loaded = load_letter_wording(data.kind, data.wording_folder)
    blocks = _blocks(data, loaded)
    title = next((b.plain for b in blocks if b.kind == "heading"), data.kind.replace("-", " ").capitalize())
    info = theme.DocumentInfo(
        title=f"{title} ({data.our_ref})",
        author=data.letterhead.name,
        subject=f"Letter to {data.addressee.name}",
        keywords=("hartdesk", "letter", data.kind, data.our_ref),
    )
    references = [("Our reference", data.our_ref)]
    if data.client_ref:
        references.append(("Client reference", data.client_ref))
    page = LetterPage(data.letterhead, data.addressee, data.dated, tuple(references), data.for_post)
    return build_letter_pdf(_story(blocks, data.for_post), info, page, data.pagesize)
