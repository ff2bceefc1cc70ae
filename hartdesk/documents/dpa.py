"""The data processing agreement (UK GDPR Art. 28(3), SPEC.md §4) between a client, the controller, and the agency,
the processor: a covering letter, the numbered clauses, and Annexes I to IV filled from the register.

The clauses and the covering letter are wording files (``dpa.txt``, ``dpa_cover.txt``) an agency can replace with its
own; this module only lays them out. Everything from the register arrives in a :class:`DpaData` built by
``hartdesk.register.dpa_data`` and is escaped before it reaches a Paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, PageBreak, Paragraph, Spacer, Table

from hartdesk.dates import format_uk_date
from hartdesk.documents import theme, wording
from hartdesk.documents.letter import Addressee, Letterhead, LetterPage, build_letter_pdf
from hartdesk.documents.wording import Block, WordingError

AGREEMENT_WORDING = "dpa"
COVER_WORDING = "dpa_cover"
AGREEMENT_PLACEHOLDERS = frozenset(
    {
        "agency_name",
        "agency_address",
        "agency_email",
        "agency_ico_number",
        "client_name",
        "client_address",
        "client_ref",
        "version",
        "date",
        "notice_days",
    }
)
COVER_PLACEHOLDERS = frozenset(
    {
        "salutation",
        "client_name",
        "client_ref",
        "agency_name",
        "agency_email",
        "version",
        "date",
        "signatory_name",
        "signatory_position",
    }
)
ANNEXES = ("I", "II", "III", "IV")
IF_NONE = "If none:"  # an annex paragraph printed only when that annex has nothing to list
IF_ANY = "If any:"  # and one printed only when it has something
RESTRICTED = "Restriction of processing"  # the heading of the restriction's notice

_ANNEX_HEADING = re.compile(r"Annex (IV|III|II|I)\b")
_CLAUSE_NUMBER = re.compile(r"(\d+(?:\.\d+)+)\s+(.*)", re.DOTALL)
_LETTER = re.compile(r"\(([a-z])\)\s+(.*)", re.DOTALL)
_LEAD_IN = re.compile(r"([^:]{1,40}):\s+(.*)", re.DOTALL)


@dataclass(frozen=True)
class Party:
    """One party as Annex I lists it."""

    role: str  # "Controller" or "Processor"
    name: str
    address_lines: tuple[str, ...]
    contact_name: str
    contact_position: str
    contact_details: tuple[str, ...]  # email, phone
    reference: str = ""  # "Client reference C-00042", "ICO registration Z1234567"
    signatory_name: str = ""  # printed under "Signed for"; "" leaves a line to write the name on
    signatory_position: str = ""


@dataclass(frozen=True)
class ProcessingDescription:
    """Annex II. Empty ``services``: the client has no service whose personal data the agency processes for it."""

    services: tuple[str, ...]  # one line per kind of service, e.g. "Web hosting: example.co.uk, shop.example"
    data_subjects: tuple[str, ...]
    personal_data: tuple[str, ...]
    nature: tuple[str, ...]
    purposes: tuple[str, ...]
    duration: tuple[str, ...]
    sensitive_data: tuple[str, ...] = ()  # special category or criminal offence data recorded; () when none


@dataclass(frozen=True)
class SubProcessor:
    """One row of Annex IV."""

    name: str
    address_lines: tuple[str, ...]
    country: str  # its name, e.g. "United States"
    activity: tuple[str, ...]  # what it does for this client's data, one line each
    safeguard: str  # the transfer safeguard in words


@dataclass(frozen=True)
class DpaData:
    letterhead: Letterhead
    addressee: Addressee  # the client, for the covering letter's window
    controller: Party
    processor: Party
    client_ref: str
    version: str
    dated: date
    notice_days: int  # advance notice of a change of sub-processors (clause 7(d))
    processing: ProcessingDescription  # Annex II
    measures: tuple[str, ...]  # Annex III, one measure a line ("Encryption: ...")
    subprocessors: tuple[SubProcessor, ...]  # Annex IV
    wording_folder: str = ""  # the agency's own wording, searched before hartdesk's
    for_post: bool = True
    pagesize: tuple[float, float] = theme.A4
    created_at: datetime | None = None  # timezone-aware; None means now
    restriction: str = ""  # the client's data is restricted (UK GDPR Art. 18): the sentence saying so, boxed on page 1

    @property
    def title(self) -> str:
        return f"Data processing agreement, version {self.version}"


def render_dpa(data: DpaData) -> bytes:
    """The covering letter and the agreement as one PDF; a wrong wording file raises :class:`WordingError`."""
    return _DpaRenderer(data).render()


@dataclass(frozen=True)
class _Agreement:
    title: str
    body: list[Block]
    annexes: dict[str, list[Block]]  # "I".."IV" -> the annex heading, then its paragraphs


def _split_agreement(words: wording.Wording, blocks: list[Block]) -> _Agreement:
    """The title (first heading), the clauses, and each annex's heading and introduction, checked for order."""
    if not blocks or blocks[0].kind != "heading":
        raise WordingError(f"{words.path.name}: the first line must be the title, as a heading (“# …”).")
    body: list[Block] = []
    annexes: dict[str, list[Block]] = {}
    current = body
    for block in blocks[1:]:
        match = _ANNEX_HEADING.match(block.text) if block.kind == "heading" else None
        if match:
            current = annexes.setdefault(match.group(1), [])
        current.append(block)
    if list(annexes) != list(ANNEXES) or any(len(a) == 0 or a[0].kind != "heading" for a in annexes.values()):
        raise WordingError(
            f"{words.path.name}: the agreement needs the headings “# Annex I”, “# Annex II”, “# Annex III” and "
            "“# Annex IV”, in that order, each once."
        )
    return _Agreement(blocks[0].text, body, annexes)


class _DpaRenderer:
    LABEL_WIDTH = 38 * mm
    CLAUSE_INDENT = 10 * mm  # the clause number hangs in this margin
    LETTER_INDENT = 9 * mm  # and "(a)" in this one
    BULLET_INDENT = 5 * mm
    CELL_PADDING = 4
    SIGNATURE_HEIGHT = 13 * mm
    WRITING_HEIGHT = 8 * mm  # a row to print or write a name, position or date on
    GUTTER = 4 * mm  # between the two parties in Annex I
    TABLE_FONT_SIZE = 8.5

    def __init__(self, data: DpaData) -> None:
        self.data = data
        self.width = theme.frame_width(data.pagesize)
        self.styles = theme.stylesheet()
        body = self.styles["body"]
        self.body = body
        self.subtitle = body.clone("subtitle", fontSize=11, leading=15, textColor=theme.MUTED_COLOUR, spaceAfter=10)
        self.section = self.styles["heading"].clone("section", spaceBefore=14, spaceAfter=2, keepWithNext=1)
        self.clause = body.clone(
            "clause-heading", fontName=theme.FONT_BOLD, fontSize=10.5, spaceBefore=8, spaceAfter=3, keepWithNext=1
        )
        self.annex = self.styles["title"].clone(
            "annex", fontSize=16, leading=20, spaceBefore=10 * mm, spaceAfter=6, keepWithNext=1
        )
        self.cell = body.clone("cell", fontSize=self.TABLE_FONT_SIZE, leading=11, spaceAfter=0)
        self.cell_bold = self.cell.clone("cell-bold", fontName=theme.FONT_BOLD)
        self.label = self.cell.clone("cell-label", textColor=theme.MUTED_COLOUR)
        self.activity = self.cell.clone("cell-activity", spaceAfter=3)
        self.cell_bullet = self.cell.clone("cell-bullet", leftIndent=3 * mm, bulletIndent=0, spaceAfter=2)

    # -- the whole document ---------------------------------------------------------------------------------------

    def render(self) -> bytes:
        d = self.data
        values = self._values()
        agreement_words = wording.load(AGREEMENT_WORDING, AGREEMENT_PLACEHOLDERS, d.wording_folder)
        cover_words = wording.load(COVER_WORDING, COVER_PLACEHOLDERS, d.wording_folder)
        agreement = _split_agreement(agreement_words, agreement_words.fill(values))
        story: list[Flowable] = [
            *self._cover(cover_words.fill(self._cover_values(values))),
            PageBreak(),
            *self._agreement(agreement),
            CondPageBreak(60 * mm),
            *self._annex_i(agreement.annexes["I"]),
            CondPageBreak(60 * mm),
            *self._annex_ii(agreement.annexes["II"]),
            CondPageBreak(60 * mm),
            *self._annex_iii(agreement.annexes["III"]),
            CondPageBreak(60 * mm),
            *self._annex_iv(agreement.annexes["IV"]),
        ]
        info = theme.DocumentInfo(
            title=f"{agreement.title}: {d.controller.name}",
            author=d.letterhead.name,
            subject=f"{d.title}, dated {format_uk_date(d.dated)}, between {d.controller.name} and {d.processor.name}",
            keywords=("data processing agreement", "UK GDPR Article 28", d.client_ref, f"version {d.version}"),
            created_at=d.created_at,
        )
        page = LetterPage(
            d.letterhead,
            d.addressee,
            d.dated,
            (("Client reference", d.client_ref), ("Agreement", f"version {d.version}")),
            for_post=d.for_post and d.addressee.has_postal_address,
        )
        return build_letter_pdf(story, info, page, d.pagesize)

    def _values(self) -> dict[str, str]:
        d = self.data
        return {
            "agency_name": d.processor.name,
            "agency_address": ", ".join(d.processor.address_lines),
            "agency_email": d.letterhead.email,
            "agency_ico_number": d.letterhead.ico_number,
            "client_name": d.controller.name,
            "client_address": ", ".join(d.controller.address_lines) or "address not recorded",
            "client_ref": d.client_ref,
            "version": d.version,
            "date": format_uk_date(d.dated),
            "notice_days": str(d.notice_days),
        }

    def _cover_values(self, values: dict[str, str]) -> dict[str, str]:
        d = self.data
        return {
            **{k: values[k] for k in COVER_PLACEHOLDERS if k in values},
            "salutation": d.controller.contact_name or d.controller.name,
            "signatory_name": d.processor.signatory_name or d.processor.contact_name,
            "signatory_position": d.processor.signatory_position or d.processor.contact_position,
        }

    # -- wording --------------------------------------------------------------------------------------------------

    def _cover(self, blocks: list[Block]) -> list[Flowable]:
        story: list[Flowable] = []
        if self.data.restriction:
            story += [theme.notice_box(RESTRICTED, self.data.restriction, self.width), Spacer(0, 5 * mm)]
        paragraph = self.body.clone("cover-body", spaceAfter=6)
        for i, block in enumerate(blocks):
            text = theme.escape(block.text)
            if block.kind == "heading":
                story.append(Paragraph(text, self.styles["heading"].clone("cover-heading", spaceBefore=0)))
            elif block.kind == "item":
                story.append(self._bullet(text, 0))
                if i + 1 == len(blocks) or blocks[i + 1].kind != "item":
                    story.append(Spacer(0, 2 * mm))  # the list ends: the next paragraph starts apart from it
            else:
                story.append(Paragraph(text, paragraph))
        return story

    def _agreement(self, agreement: _Agreement) -> list[Flowable]:
        story: list[Flowable] = [Paragraph(theme.escape(agreement.title), self.styles["title"])]
        after_title = True
        lettered = False  # a bullet after "(a) …" belongs to that item
        for block in agreement.body:
            if after_title and block.kind == "paragraph":
                story.append(Paragraph(theme.escape(block.text), self.subtitle))
                after_title = False
                continue
            after_title = False
            if block.kind == "heading":
                lettered = False
                style = self.clause if block.text[:1].isdigit() else self.section
                story.append(Paragraph(theme.escape(block.text), style))
            elif block.kind == "item":
                letter = _LETTER.match(block.text)
                if letter:
                    lettered = True
                    story.append(self._lettered(letter.group(1), letter.group(2)))
                else:
                    story.append(self._bullet(theme.escape(block.text), 2 if lettered else 1))
            else:
                lettered = False
                story.append(self._numbered(block.text))
        return story

    def _numbered(self, text: str) -> Paragraph:
        """ "1.1 Words…" with the number hanging in the margin; any other paragraph at the clauses' indent."""
        match = _CLAUSE_NUMBER.match(text)
        keep = 1 if text.rstrip().endswith(":") else 0  # "The processor shall:" stays with its list
        if not match:
            return Paragraph(theme.escape(text), self.body.clone("plain", keepWithNext=keep))
        style = self.body.clone(
            "numbered", leftIndent=self.CLAUSE_INDENT, bulletIndent=0, bulletFontName=theme.FONT, keepWithNext=keep
        )
        return Paragraph(theme.escape(match.group(2)), style, bulletText=match.group(1))

    def _lettered(self, letter: str, text: str) -> Paragraph:
        lead = _LEAD_IN.match(text)
        markup = f"<b>{theme.escape(lead.group(1))}</b>: {theme.escape(lead.group(2))}" if lead else theme.escape(text)
        style = self.body.clone(
            "lettered",
            leftIndent=self.CLAUSE_INDENT + self.LETTER_INDENT,
            bulletIndent=self.CLAUSE_INDENT,
            bulletFontName=theme.FONT,
            spaceAfter=5,
        )
        return Paragraph(markup, style, bulletText=f"({letter})")

    def _bullet(self, markup: str, level: int) -> Paragraph:
        indent = {0: 0.0, 1: self.CLAUSE_INDENT, 2: self.CLAUSE_INDENT + self.LETTER_INDENT}[level]
        style = self.body.clone(
            f"bullet-{level}",
            leftIndent=indent + self.BULLET_INDENT,
            bulletIndent=indent + 1 * mm,
            bulletFontName=theme.FONT,
            spaceAfter=3,
        )
        return Paragraph(markup, style, bulletText="•")

    def _annex_intro(self, blocks: list[Block], empty: bool) -> list[Flowable]:
        """The annex heading and its introduction; "If none:" paragraphs only when the annex lists nothing,
        "If any:" paragraphs only when it lists something."""
        story: list[Flowable] = [Paragraph(theme.escape(blocks[0].text), self.annex)]
        for block in blocks[1:]:
            text = block.text
            for prefix, wanted in ((IF_NONE, empty), (IF_ANY, not empty)):
                if text.startswith(prefix):
                    text = text[len(prefix) :].strip() if wanted else ""
            if not text:
                continue
            if block.kind == "heading":
                story.append(Paragraph(theme.escape(text), self.section))
            elif block.kind == "item":
                story.append(self._bullet(theme.escape(text), 0))
            else:
                story.append(Paragraph(theme.escape(text), self.body))
        return story

    # -- Annex I: the parties and their signatures ------------------------------------------------------------------

    def _annex_i(self, blocks: list[Block]) -> list[Flowable]:
        """Both parties side by side, row against row, then a place for each to sign: one block on one page, so a
        signature never sits apart from the party it signs for."""
        d = self.data
        parties = (d.controller, d.processor)
        party_width = (self.width - self.LABEL_WIDTH - self.GUTTER) / 2
        text_width = party_width - 2 * self.CELL_PADDING

        def cell(lines: Sequence[str], unbreakable: bool = False) -> Paragraph:
            if unbreakable:  # an email address has no space to wrap at
                font, size = self.cell.fontName, self.cell.fontSize
                markup = "<br/>".join(theme.break_anywhere(v, font, size, text_width) for v in lines)
            else:
                markup = "<br/>".join(theme.escape(v) for v in lines)
            return Paragraph(markup, self.cell)

        def row(label: str, values: Sequence[Flowable | str]) -> list[Flowable | str]:
            return [Paragraph(theme.escape(label), self.label), values[0], "", values[1]]

        rows: list[list[Flowable | str]] = [
            row(
                "",
                [
                    Paragraph(f"{n}. The {theme.escape(p.role.lower())}", self.cell_bold)
                    for n, p in enumerate(parties, 1)
                ],
            ),
            row("Name", [cell([p.name]) for p in parties]),
            row("Address", [cell(p.address_lines or ("Not recorded",)) for p in parties]),
            row("Contact person", [cell([p.contact_name or "—"]) for p in parties]),
            row("Position", [cell([p.contact_position or "—"]) for p in parties]),
            row("Contact details", [cell(p.contact_details or ("—",), unbreakable=True) for p in parties]),
            row("Reference", [cell([p.reference or "—"]) for p in parties]),
            row("", [Paragraph(f"Signed for the {theme.escape(p.role.lower())}", self.cell_bold) for p in parties]),
            row("Name", [cell([p.signatory_name]) for p in parties]),
            row("Position", [cell([p.signatory_position]) for p in parties]),
            row("Signature", ["", ""]),
            row("Date", ["", ""]),
        ]
        signing = 7  # the first row of the signature part
        heights = [None] * (signing + 1) + [self.WRITING_HEIGHT] * 2 + [self.SIGNATURE_HEIGHT, self.WRITING_HEIGHT]
        table = Table(
            rows,
            colWidths=[self.LABEL_WIDTH, party_width, self.GUTTER, party_width],
            rowHeights=heights,
        )
        details = (0, 0), (-1, signing - 1)
        table.setStyle(
            theme.table_style(
                ("VALIGN", (0, 0), (-1, signing - 1), "TOP"),
                ("VALIGN", (0, signing), (-1, -1), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (-1, -1), self.CELL_PADDING),
                ("RIGHTPADDING", (0, 0), (-1, -1), self.CELL_PADDING),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("LINEBELOW", *details, 0.5, theme.RULE_COLOUR),
                ("LINEABOVE", (0, 0), (-1, 0), 0.5, theme.RULE_COLOUR),
                ("BACKGROUND", (0, 0), (-1, 0), theme.SHADE_COLOUR),
                ("BACKGROUND", (0, signing), (-1, signing), theme.SHADE_COLOUR),
                ("LINEBELOW", (1, signing + 1), (1, -1), 0.6, theme.TEXT_COLOUR),
                ("LINEBELOW", (3, signing + 1), (3, -1), 0.6, theme.TEXT_COLOUR),
            )
        )
        return [KeepTogether([*self._annex_intro(blocks, empty=False), table])]

    # -- Annex II: the processing ----------------------------------------------------------------------------------

    def _annex_ii(self, blocks: list[Block]) -> list[Flowable]:
        p = self.data.processing
        story = self._annex_intro(blocks, empty=not p.services)
        if not p.services:
            return story
        sensitive = p.sensitive_data or ("None recorded (clause 5.3 applies before any is placed in the services).",)
        rows = [
            ("Services covered", p.services),
            ("Categories of data subjects", p.data_subjects),
            ("Categories of personal data", p.personal_data),
            ("Sensitive data", sensitive),
            ("Nature of the processing", p.nature),
            ("Purposes", p.purposes),
            ("Duration", p.duration),
        ]
        return [*story, self._label_table([(label, self._lines(lines)) for label, lines in rows])]

    def _lines(self, lines: Sequence[str]) -> list[Flowable]:
        """One Paragraph per line, bulleted when there are several (each splits across pages on its own)."""
        if len(lines) == 1:
            return [Paragraph(self._lead_in(lines[0]), self.cell)]
        return [Paragraph(self._lead_in(line), self.cell_bullet, bulletText="•") for line in lines]

    @staticmethod
    def _lead_in(line: str) -> str:
        """ "Web hosting: visitors…" with the part before the colon in bold, escaped."""
        lead = _LEAD_IN.match(line)
        if not lead:
            return theme.escape(line)
        return f"<b>{theme.escape(lead.group(1))}</b>: {theme.escape(lead.group(2))}"

    def _label_table(self, rows: Sequence[tuple[str, Sequence[Flowable]]]) -> Table:
        table = Table(
            [[Paragraph(theme.escape(label), self.label), list(value)] for label, value in rows],
            colWidths=[self.LABEL_WIDTH, self.width - self.LABEL_WIDTH],
            splitInRow=1,  # a row listing 200 services may be taller than a page
        )
        table.setStyle(
            theme.table_style(
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), self.CELL_PADDING),
                ("RIGHTPADDING", (0, 0), (-1, -1), self.CELL_PADDING),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, theme.RULE_COLOUR),
                ("LINEABOVE", (0, 0), (-1, 0), 0.5, theme.RULE_COLOUR),
                ("BACKGROUND", (0, 0), (0, -1), theme.SHADE_COLOUR),
            )
        )
        return table

    # -- Annex III: security measures -------------------------------------------------------------------------------

    def _annex_iii(self, blocks: list[Block]) -> list[Flowable]:
        story = self._annex_intro(blocks, empty=not self.data.measures)
        measure = self.body.clone(
            "measure", leftIndent=self.BULLET_INDENT, bulletIndent=1 * mm, bulletFontName=theme.FONT, spaceAfter=5
        )
        story += [Paragraph(self._lead_in(line), measure, bulletText="•") for line in self.data.measures]
        return story

    # -- Annex IV: sub-processors -----------------------------------------------------------------------------------

    def _annex_iv(self, blocks: list[Block]) -> list[Flowable]:
        subs = self.data.subprocessors
        story = self._annex_intro(blocks, empty=not subs)
        if not subs:
            return story
        header = [
            Paragraph(text, self.cell_bold)
            for text in ("Sub-processor", "Address and country", "What it does", "Transfer safeguard")
        ]
        rows: list[list[object]] = [header]
        for sub in subs:
            address = "<br/>".join(theme.escape(line) for line in sub.address_lines)
            country = f"<b>{theme.escape(sub.country)}</b>"
            rows.append(
                [
                    Paragraph(theme.escape(sub.name), self.cell_bold),
                    Paragraph(f"{address}<br/>{country}" if address else country, self.cell),
                    [Paragraph(theme.escape(line), self.activity) for line in sub.activity],
                    Paragraph(theme.escape(sub.safeguard), self.cell),
                ]
            )
        widths = [0.2, 0.28, 0.3, 0.22]
        table = Table(rows, colWidths=[w * self.width for w in widths], repeatRows=1, splitInRow=1)
        table.setStyle(
            theme.table_style(
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), self.CELL_PADDING),
                ("RIGHTPADDING", (0, 0), (-1, -1), self.CELL_PADDING),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("BACKGROUND", (0, 0), (-1, 0), theme.SHADE_COLOUR),
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, theme.RULE_COLOUR),
                ("LINEABOVE", (0, 0), (-1, 0), 0.5, theme.RULE_COLOUR),
            )
        )
        return [*story, table]
