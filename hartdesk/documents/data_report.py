"""The data report: the answer to a subject access request (UK GDPR Art. 15, SPEC.md §2).

A covering letter on the letter page, then a copy of the personal data and every item the person must be told, each
under a heading a lay person understands. The words live in editable wording files (``data_report_*.txt``, see
:mod:`hartdesk.documents.wording`); the data comes in a :class:`SubjectData` that
:mod:`hartdesk.register.subject_data` builds from the register. The renderer never reads the register or the settings.

**The machine-readable copy** (:func:`portable_copy`, embedded in the PDF and saved beside it) holds the same
personal data as the tables of "What we hold about you", in UTF-8:

- JSON: ``{"format": "hartdesk-subject-data/1", "subject": ..., "client_ref": ..., "request_ref": ...,
  "produced_on": "YYYY-MM-DD", "controller": {...}, "sections": [{"key", "title", "fields": {key: label},
  "records": [{field: value}, ...]}, ...]}`` — every value a string, exactly as held.
- CSV: long format, one value per line, header ``section,record,field,value``: the section's key, the record's
  number within the section (from 1), the field's key and its value. UTF-8 with a byte-order mark (so Excel reads the
  accents), CRLF line ends; a value a spreadsheet would run as a formula (starting with ``= + - @``, a tab or a
  carriage return) gets a leading apostrophe, as hartdesk's other CSV exports do (OWASP "CSV injection").

In both, dates are ISO 8601 (``2024-03-31``), moments ISO 8601 with their UTC offset, amounts in pounds with two
decimals (``12.00``), phone numbers as a person dials them (``020 7946 0018``, ``+33 1 23 45 67 89``), and a field
holding several values (a contact's emails) has one per line (``\\n``).
"""

from __future__ import annotations

import csv
import heapq
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from xml.sax.saxutils import unescape

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    ListFlowable,
    ListItem,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
)

from hartdesk.dates import MONTHS, UK, format_short_date, format_uk_date
from hartdesk.documents import theme, wording
from hartdesk.documents.letter import Addressee, Letterhead, LetterPage, build_letter_pdf
from hartdesk.documents.pdf_files import embed_files

FORMAT = "hartdesk-subject-data/1"

# Column kinds: how a value is held in the copy and shown in the PDF.
TEXT = "text"
DATE = "date"  # ISO date, shown "31 Mar 2024"
MOMENT = "moment"  # ISO date and time with offset, shown in UK time "5 Jan 2021, 09:30"
MONEY = "money"  # pounds with two decimals, shown "£1,200.00"
PHONE = "phone"  # phone numbers as written for people, one per line, each kept on one line

# The wording files of the report, in the order their sections appear after the covering letter.
LETTER = "data_report_letter"
HELD = "data_report_held"
CATEGORIES = "data_report_categories"
PURPOSES = "data_report_purposes"
RECIPIENTS = "data_report_recipients"
RETENTION = "data_report_retention"
SOURCES = "data_report_sources"
AUTOMATED = "data_report_automated"
RIGHTS = "data_report_rights"
SECTIONS = (HELD, CATEGORIES, PURPOSES, RECIPIENTS, RETENTION, SOURCES, AUTOMATED, RIGHTS)

PLACEHOLDERS = frozenset(
    {
        "name",
        "agency_name",
        "agency_email",
        "agency_phone",
        "agency_address",
        "client_ref",
        "request_ref",
        "received_on",
        "produced_on",
        "ico_contact",
        "json_file",
        "csv_file",
        "outside_uk",
    }
)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
RESTRICTED = "Restriction of processing"  # the heading of the restriction's notice


@dataclass(frozen=True)
class Column:
    key: str  # the field's name in the machine-readable copy
    label: str  # the column heading in the PDF
    width: float = 1.0  # share of the table's width
    kind: str = TEXT


@dataclass(frozen=True)
class DataTable:
    """One titled table of the personal data; every value a string (see the module docstring for the forms)."""

    key: str  # the section's name in the machine-readable copy
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...] = ()
    note: str = ""  # shown under the title
    vertical: bool = False  # a single record, shown as one row per field (label, value)
    empty: str = "None held."

    def __post_init__(self) -> None:
        for row in self.rows:
            if len(row) != len(self.columns):
                raise ValueError(f"table {self.key}: a row has {len(row)} values for {len(self.columns)} columns")


@dataclass(frozen=True)
class DataKind:
    """A category of personal data held, with everything Art. 15 asks about it."""

    name: str
    description: str
    held: tuple[str, ...]  # what in the register makes it held ("2 invoices")
    purpose: str
    lawful_basis: str  # in plain words
    source: str
    retention: str  # in plain words, with the date where known


@dataclass(frozen=True)
class Recipient:
    """A company that receives some of the person's data."""

    name: str
    role: str  # what it does
    country: str  # where it processes the data (a country's name)
    outside_uk: bool
    safeguard: str  # the transfer safeguard, in plain words
    data: tuple[str, ...] = ()  # the kinds of data it receives
    purposes: tuple[str, ...] = ()


@dataclass(frozen=True)
class SubjectData:
    """Everything the data report shows; built by :func:`hartdesk.register.subject_data.subject_data`."""

    letterhead: Letterhead
    addressee: Addressee
    subject_name: str
    client_ref: str
    produced_on: date
    ico_contact: str
    tables: tuple[DataTable, ...] = ()
    kinds: tuple[DataKind, ...] = ()
    recipients: tuple[Recipient, ...] = ()
    request_ref: str = ""
    received_on: date | None = None  # when the request arrived; the letter thanks the person for it
    account_source: str = ""  # where the client's details came from, as recorded on the client
    signatory: str = ""
    signatory_position: str = ""
    wording_folder: str = ""  # the agency's own wording files (a setting), else hartdesk's
    pagesize: tuple[float, float] = theme.A4
    file_stem: str = "data-report"
    created_at: datetime | None = None  # for the PDF's properties; None: now
    restriction: str = ""  # the client's data is restricted (UK GDPR Art. 18): the sentence saying so, boxed on page 1

    @property
    def json_filename(self) -> str:
        return f"{self.file_stem}.json"

    @property
    def csv_filename(self) -> str:
        return f"{self.file_stem}.csv"

    @property
    def references(self) -> tuple[tuple[str, str], ...]:
        refs = [("Our reference", self.request_ref)] if self.request_ref else []
        return (*refs, ("Client", self.client_ref))


def render_data_report(data: SubjectData, for_post: bool) -> bytes:
    """The finished PDF, with the JSON and CSV copies attached. A wording file with an unknown placeholder raises
    :class:`~hartdesk.documents.wording.WordingError` naming the file and line."""
    pdf = _DataReportRenderer(data, for_post).render()
    json_bytes, csv_bytes = portable_copy(data)
    return embed_files(
        pdf,
        [
            (data.json_filename, json_bytes, "application/json"),
            (data.csv_filename, csv_bytes, "text/csv"),
        ],
    )


def portable_copy(data: SubjectData) -> tuple[bytes, bytes]:
    """The personal data of the report, machine-readable: (JSON, CSV), both UTF-8 (forms in the module docstring)."""
    document = {
        "format": FORMAT,
        "subject": data.subject_name,
        "client_ref": data.client_ref,
        "request_ref": data.request_ref,
        "produced_on": data.produced_on.isoformat(),
        "controller": {
            "name": data.letterhead.name,
            "address": data.letterhead.address,
            "email": data.letterhead.email,
            "ico_registration": data.letterhead.ico_number,
        },
        "sections": [
            {
                "key": table.key,
                "title": table.title,
                "fields": {c.key: c.label for c in table.columns},
                "records": [dict(zip((c.key for c in table.columns), row, strict=True)) for row in table.rows],
            }
            for table in data.tables
        ],
    }
    json_bytes = (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["section", "record", "field", "value"])
    for table in data.tables:
        for number, row in enumerate(table.rows, start=1):
            for column, value in zip(table.columns, row, strict=True):
                writer.writerow([table.key, str(number), column.key, _spreadsheet_safe(value)])
    return json_bytes, out.getvalue().encode("utf-8-sig")


def _spreadsheet_safe(value: str) -> str:
    """The rule of hartdesk.register.csvio.neutralise (documents cannot import the register)."""
    return "'" + value if value.lstrip("'").startswith(_FORMULA_START) else value


def display_value(value: str, kind: str) -> str:
    """A value of the copy as the PDF shows it; a value that does not parse is shown as held."""
    if not value:
        return ""
    try:
        if kind == DATE:
            return format_short_date(date.fromisoformat(value))
        if kind == MOMENT:
            moment = datetime.fromisoformat(value)
            if moment.tzinfo is not None:
                moment = moment.astimezone(UK)
            return f"{format_short_date(moment)}, {moment:%H:%M}"
        if kind == MONEY:
            amount = Decimal(value)
            sign = "-" if amount < 0 else ""
            return f"{sign}£{abs(amount):,.2f}"
    except (ValueError, InvalidOperation):
        return value
    return value


class _DataReportRenderer:
    """One method per part of the report; layout constants here, styles from the shared theme."""

    CELL_PADDING = 3
    CELL_FONT_SIZE = 8.5
    CELL_LEADING = 1.2 * CELL_FONT_SIZE  # what reportlab assumes when it splits a cell's lines between pages
    LABEL_SHARE = 0.32  # of a vertical table's width, for the labels
    KEEP_WITH_HEADING = 45 * mm  # a heading starts a new page unless this much room is left below it
    KEEP_WITH_TABLE_TITLE = 28 * mm
    LINES_KEPT_TOGETHER = 30  # a row with more lines may be split between pages
    WORDS_MEASURED = 4  # per column, the longest by characters, to size the column
    MAX_WORD_SHARE = 0.3  # no column is widened beyond this share of the page for one long word

    def __init__(self, data: SubjectData, for_post: bool) -> None:
        self.data = data
        self.for_post = for_post
        self.width = theme.frame_width(data.pagesize)
        styles = theme.stylesheet()
        self.styles = styles
        self.body = styles["body"]
        self.heading = styles["heading"].clone("report-heading", fontSize=14, leading=18)
        self.subheading = styles["body"].clone(
            "report-subheading", fontName=theme.FONT_BOLD, fontSize=10.5, leading=14, spaceBefore=8
        )
        self.small = styles["small"]
        self.letter_title = styles["body"].clone(
            "letter-title", fontName=theme.FONT_BOLD, fontSize=12, leading=16, spaceAfter=8
        )
        self.cell = styles["body"].clone("cell", fontSize=self.CELL_FONT_SIZE, leading=self.CELL_LEADING, spaceAfter=0)
        self.header_cell = self.cell.clone("header-cell", fontName=theme.FONT_BOLD)
        self.values = self._values()
        widest_date = max(stringWidth(f"28 {m[:3]} 2028", theme.FONT, self.CELL_FONT_SIZE) for m in MONTHS)
        self._kind_width = {  # any date fits on one line
            DATE: widest_date,
            MOMENT: widest_date + stringWidth(", 23:59", theme.FONT, self.CELL_FONT_SIZE),
        }
        # Cells already wrapped, by (text, width, font): a client's 500 invoices repeat the same name and address.
        self._wrapped: dict[tuple[str, float, str], str | Paragraph] = {}

    # -- the whole document -----------------------------------------------------------------------------------------

    def render(self) -> bytes:
        sections = {name: self._wording(name) for name in SECTIONS}
        story: list[Flowable] = [*self._letter(), PageBreak(), *self._title(sections)]
        story += self._held(sections[HELD])
        story += self._categories(sections[CATEGORIES])
        story += self._purposes(sections[PURPOSES])
        story += self._recipients(sections[RECIPIENTS])
        story += self._retention(sections[RETENTION])
        story += self._sources(sections[SOURCES])
        story += self._blocks(sections[AUTOMATED])
        story += self._blocks(sections[RIGHTS])
        d = self.data
        info = theme.DocumentInfo(
            title=f"Your personal data: {d.subject_name}",
            author=d.letterhead.name,
            subject="Subject access response (UK GDPR Art. 15)",
            keywords=tuple(ref for _label, ref in d.references),
            created_at=d.created_at,
        )
        page = LetterPage(d.letterhead, d.addressee, d.produced_on, d.references, self.for_post)
        return build_letter_pdf(story, info, page, d.pagesize)

    def _values(self) -> dict[str, str]:
        d = self.data
        outside = [r for r in d.recipients if r.outside_uk]
        return {
            "name": d.addressee.name or d.subject_name,
            "agency_name": d.letterhead.name,
            "agency_email": d.letterhead.email,
            "agency_phone": d.letterhead.phone,
            "agency_address": ", ".join(d.letterhead.address_lines),
            "client_ref": d.client_ref,
            "request_ref": d.request_ref,
            "received_on": format_uk_date(d.received_on or d.produced_on),
            "produced_on": format_uk_date(d.produced_on),
            "ico_contact": d.ico_contact.strip(),
            "json_file": d.json_filename,
            "csv_file": d.csv_filename,
            "outside_uk": ", ".join(f"{r.name} ({r.country})" for r in outside) if outside else "none of them",
        }

    def _wording(self, name: str) -> list[wording.Block]:
        loaded = wording.load(name, PLACEHOLDERS, self.data.wording_folder)
        if not loaded.blocks or loaded.blocks[0].kind != "heading":
            raise wording.WordingError(
                f"{loaded.path.name}: the first line that is not a comment must be the section's heading, "
                'starting with "# ".'
            )
        return loaded.fill(self.values)

    # -- wording ----------------------------------------------------------------------------------------------------

    def _blocks(self, blocks: list[wording.Block], letter: bool = False) -> list[Flowable]:
        """Flowables for wording blocks: the first heading as the section's heading (or the letter's title), later
        ones as sub-headings; a heading never ends a page."""
        parts: list[Flowable] = []
        items: list[str] = []

        def flush_items() -> None:
            if items:
                parts.append(self._bullets(items))
                items.clear()

        for i, block in enumerate(blocks):
            if block.kind == "item":
                items.append(block.text)
                continue
            flush_items()
            if block.kind == "heading":
                if i == 0 and letter:
                    style = self.letter_title
                elif i == 0:
                    style = self.heading
                    parts.append(CondPageBreak(self.KEEP_WITH_HEADING))
                else:
                    style = self.subheading
                    parts.append(CondPageBreak(self.KEEP_WITH_TABLE_TITLE))
                parts.append(Paragraph(self._markup(block.text, style, self.width), style))
            elif block.text.strip():
                parts.append(Paragraph(self._markup(block.text, self.body, self.width), self.body))
        flush_items()
        return parts

    def _bullets(self, points: list[str]) -> ListFlowable:
        """A bulleted list; a short lead-in before a colon ("Erasure: you can ask...") is set in bold, so a reader
        finds each right at a glance."""
        indent = 5 * mm
        items = []
        for point in points:
            lead, colon, rest = point.partition(": ")
            if colon and 0 < len(lead.split()) <= 4:
                width = self.width - indent
                markup = f"<b>{self._markup(lead + ':', self.body, width)}</b> {self._markup(rest, self.body, width)}"
            else:
                markup = self._markup(point, self.body, self.width - indent)
            items.append(ListItem(Paragraph(markup, self.body), leftIndent=indent))
        return ListFlowable(
            items,
            bulletType="bullet",
            start="•",
            bulletFontName=self.body.fontName,
            bulletFontSize=self.body.fontSize,
            leftIndent=indent,
        )

    def _markup(self, text: str, style: object, width: float) -> str:
        """``text`` escaped for a Paragraph (letters DejaVu lacks set in the fallback font), a word too long for
        ``width`` broken so that it wraps."""
        font = style.fontName  # type: ignore[attr-defined]
        size = style.fontSize  # type: ignore[attr-defined]
        lines = []
        for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
            words = []
            for word in line.split(" "):
                if word and _width(word, font, size) > width:
                    words.append(_break_word(word, font, size, width))
                else:
                    words.append(theme.escape(word))
            lines.append(" ".join(words))
        return "<br/>".join(lines)

    # -- the covering letter and the title --------------------------------------------------------------------------

    def _letter(self) -> list[Flowable]:
        blocks = self._wording(LETTER)
        parts = self._blocks(blocks, letter=True)
        d = self.data
        if d.restriction:
            parts = [theme.notice_box(RESTRICTED, d.restriction, self.width), Spacer(0, 5 * mm), *parts]
        signature = [Spacer(0, 12 * mm)]
        for line, style in (
            (d.signatory, self.body.clone("signatory", fontName=theme.FONT_BOLD, spaceAfter=0)),
            (d.signatory_position, self.body.clone("position", spaceAfter=0)),
            (d.letterhead.name, self.body.clone("agency", spaceAfter=0)),
        ):
            if line.strip():
                signature.append(Paragraph(self._markup(line, style, self.width), style))
        # "Yours sincerely" stays on the page of the signature.
        return [*parts[:-1], KeepTogether([*parts[-1:], *signature])]

    def _title(self, sections: Mapping[str, list[wording.Block]]) -> list[Flowable]:
        d = self.data
        title = self.styles["title"]
        parts: list[Flowable] = [Paragraph("Your personal data", title)]
        rows = [
            ("Prepared for", d.subject_name),
            ("Client reference", d.client_ref),
            ("Request", d.request_ref),
            ("Prepared by", d.letterhead.name),
            ("Date", format_uk_date(d.produced_on)),
        ]
        parts.append(self._key_values([(k, v) for k, v in rows if v]))
        parts.append(Spacer(0, 4 * mm))
        parts.append(Paragraph("What this report contains", self.subheading))
        parts.append(
            ListFlowable(
                [
                    ListItem(Paragraph(theme.escape(blocks[0].text), self.body), leftIndent=7 * mm)
                    for blocks in sections.values()
                ],
                bulletType="1",
                bulletFontName=self.body.fontName,
                bulletFontSize=self.body.fontSize,
                leftIndent=7 * mm,
            )
        )
        return parts

    # -- the sections -----------------------------------------------------------------------------------------------

    def _held(self, blocks: list[wording.Block]) -> list[Flowable]:
        parts = self._blocks(blocks)
        for table in self.data.tables:
            parts.append(CondPageBreak(self.KEEP_WITH_TABLE_TITLE))
            parts.append(Paragraph(self._markup(table.title, self.subheading, self.width), self.subheading))
            if table.note:
                parts.append(Paragraph(self._markup(table.note, self.small, self.width), self.small))
            if not table.rows:
                parts.append(Paragraph(self._markup(table.empty, self.body, self.width), self.body))
            elif table.vertical:
                for row in table.rows:
                    pairs = [
                        (c.label, display_value(v, c.kind) or "—") for c, v in zip(table.columns, row, strict=True)
                    ]
                    parts.append(self._key_values(pairs))
            else:
                parts.append(self._data_table(table))
        return parts

    def _categories(self, blocks: list[wording.Block]) -> list[Flowable]:
        rows = [(k.name, k.description, "\n".join(k.held)) for k in self.data.kinds]
        return [
            *self._blocks(blocks),
            self._table(("Kind of data", "What it is", "What we hold about you"), rows, (0.24, 0.42, 0.34)),
        ]

    def _purposes(self, blocks: list[wording.Block]) -> list[Flowable]:
        rows = [(k.name, k.purpose, k.lawful_basis) for k in self.data.kinds]
        return [
            *self._blocks(blocks),
            self._table(("Kind of data", "What we use it for", "Lawful basis"), rows, (0.24, 0.46, 0.30)),
        ]

    def _recipients(self, blocks: list[wording.Block]) -> list[Flowable]:
        parts = self._blocks(blocks)
        if not self.data.recipients:
            parts.append(Paragraph("We do not share your data with any other company.", self.body))
            return parts
        rows: list[tuple[str | Paragraph, ...]] = []
        widths = self._widths((0.30, 0.24, 0.18, 0.28))
        for r in self.data.recipients:
            does = "\n".join(x for x in (r.role, *r.purposes) if x)
            who = f"<b>{self._markup(r.name, self.header_cell, widths[0])}</b>"
            if does:
                who += "<br/>" + self._markup(does, self.cell, widths[0])
            where = self._markup(r.country, self.cell, widths[2])
            where += "<br/><b>Outside the UK</b>" if r.outside_uk else "<br/>In the UK"
            rows.append(
                (
                    Paragraph(who, self.cell),
                    self._cell("\n".join(r.data), widths[1]),
                    Paragraph(where, self.cell),
                    self._cell(r.safeguard, widths[3]),
                )
            )
        parts.append(
            self._grid(
                ("Company and what it does", "Which of your data", "Where", "Safeguard for the transfer"), rows, widths
            )
        )
        return parts

    def _retention(self, blocks: list[wording.Block]) -> list[Flowable]:
        rows = [(k.name, k.retention) for k in self.data.kinds]
        return [*self._blocks(blocks), self._table(("Kind of data", "How long we keep it"), rows, (0.30, 0.70))]

    def _sources(self, blocks: list[wording.Block]) -> list[Flowable]:
        rows = [(k.name, k.source) for k in self.data.kinds]
        if self.data.account_source.strip():  # what the clerk recorded about this client in particular
            rows.insert(0, ("Your account", self.data.account_source.strip()))
        return [*self._blocks(blocks), self._table(("Kind of data", "Where it came from"), rows, (0.30, 0.70))]

    # -- tables -----------------------------------------------------------------------------------------------------

    def _widths(
        self,
        shares: Iterable[float],
        headers: Sequence[str] = (),
        rows: Sequence[Sequence[str]] = (),
        whole: Sequence[bool] = (),
        minimum: Mapping[int, float] | None = None,
    ) -> list[float]:
        """Column widths from relative ``shares``, each column widened to its longest word (header included; the
        whole value where ``whole`` says so, as for a date) so that a word is broken only when it could never fit
        (a long email), the other columns sharing what is left. Only the few longest words of each column by
        characters are measured: measuring every word of a thousand rows would cost more than the layout."""
        shares = list(shares)
        n = len(shares)
        need = [0.0] * n
        for i, header in enumerate(headers):
            need[i] = max((_width(w, theme.FONT_BOLD, self.CELL_FONT_SIZE) for w in header.split()), default=0)
        longest: list[list[str]] = [[] for _ in range(n)]  # the longest words of each column, by characters
        for row in rows:
            for i, value in enumerate(row):
                parts = value.split("\n") if i < len(whole) and whole[i] else value.split()
                if parts:
                    longest[i] = heapq.nlargest(self.WORDS_MEASURED, [*longest[i], *parts], key=len)
        for i, words in enumerate(longest):
            for word in words:
                need[i] = max(need[i], _width(word, theme.FONT, self.CELL_FONT_SIZE))
        for i, width in (minimum or {}).items():
            need[i] = max(need[i], width)
        cap = self.width * self.MAX_WORD_SHARE
        need = [min(w + 2 * self.CELL_PADDING + 1, cap) for w in need]
        if sum(need) >= self.width:
            # The longest words cannot all fit: the widest columns give way first (a domain or an email breaks at
            # its dots), so that dates and short words stay whole.
            low, high = 0.0, max(need)
            for _ in range(40):
                ceiling = (low + high) / 2
                low, high = (ceiling, high) if sum(min(w, ceiling) for w in need) < self.width else (low, ceiling)
            return [min(w, low) for w in need]
        fixed: dict[int, float] = {}
        while True:
            rest = self.width - sum(fixed.values())
            flexible = sum(s for i, s in enumerate(shares) if i not in fixed)
            widths = [fixed.get(i, rest * s / flexible) if flexible else fixed[i] for i, s in enumerate(shares)]
            narrow = {i: need[i] for i in range(n) if i not in fixed and widths[i] < need[i]}
            if not narrow:
                return widths
            fixed.update(narrow)
            if len(fixed) == n:  # every column at its need, with room to spare: share the rest out
                spare = (self.width - sum(need)) / n
                return [w + spare for w in need]

    def _inner(self, width: float) -> float:
        return width - 2 * self.CELL_PADDING

    def _cell(self, text: str, width: float, font: str = theme.FONT) -> str | Paragraph:
        """``text`` wrapped to fit a column, as a plain string of lines: fast to lay out even for a thousand rows,
        never read as markup (so "<b>" prints as typed), and split between pages line by line. Text with letters
        DejaVu lacks (Chinese, Japanese, Korean) becomes a Paragraph instead, which can switch fonts."""
        key = (text, width, font)
        found = self._wrapped.get(key)
        if found is None:
            if _needs_fallback(text):
                style = self.header_cell if font == theme.FONT_BOLD else self.cell
                found = Paragraph(self._markup(text, style, self._inner(width)), style)
            else:
                found = self._wrap(text, width, font)
            self._wrapped[key] = found
        return found

    def _wrap(self, text: str, width: float, font: str) -> str:
        inner = self._inner(width)
        size = self.CELL_FONT_SIZE
        lines: list[str] = []
        for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
            if stringWidth(line, font, size) <= inner:
                lines.append(line)
                continue
            space = stringWidth(" ", font, size)
            current: list[str] = []
            used = 0.0
            for word in line.split():
                wide = stringWidth(word, font, size)
                if wide > inner:  # a long email or domain: broken where it reads best (theme.break_anywhere)
                    pieces = [unescape(p) for p in theme.break_anywhere(word, font, size, inner).split("<br/>")]
                    if current:
                        lines.append(" ".join(current))
                    lines += pieces[:-1]
                    current, used = [pieces[-1]], stringWidth(pieces[-1], font, size)
                elif current and used + space + wide > inner:
                    lines.append(" ".join(current))
                    current, used = [word], wide
                else:
                    used += (space if current else 0) + wide
                    current.append(word)
            lines.append(" ".join(current))
        return "\n".join(lines)

    def _data_table(self, table: DataTable) -> Table:
        shown = [tuple(display_value(v, c.kind) for c, v in zip(table.columns, row, strict=True)) for row in table.rows]
        headers = [c.label for c in table.columns]
        whole = [c.kind != TEXT for c in table.columns]
        minimum = {  # an empty date column needs no room for a date
            i: self._kind_width[c.kind]
            for i, c in enumerate(table.columns)
            if c.kind in self._kind_width and any(row[i] for row in table.rows)
        }
        return self._table(headers, shown, [c.width for c in table.columns], whole, minimum)

    def _table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[str]],
        shares: Sequence[float],
        whole: Sequence[bool] = (),
        minimum: Mapping[int, float] | None = None,
    ) -> Table:
        widths = self._widths(shares, headers, rows, whole, minimum)
        cells = [tuple(self._cell(v, w) for v, w in zip(row, widths, strict=True)) for row in rows]
        return self._grid(headers, cells, widths)

    def _split_in_row(self, rows: Iterable[Iterable[str | Paragraph]]) -> int:
        """1 (a row may be split between pages) only for a table with a row that could be taller than a page (a
        long note): reportlab then splits rows wherever it can, which ends pages early and repeats the header for
        a row's last lines, so ordinary tables split between rows only."""
        for row in rows:
            for cell in row:
                if isinstance(cell, str):
                    if cell.count("\n") >= self.LINES_KEPT_TOGETHER:
                        return 1
                elif len(cell.text) > self.LINES_KEPT_TOGETHER * 40:  # a Paragraph: ~40 characters a line at most
                    return 1
        return 0

    def _grid(self, headers: Iterable[str], rows: list[tuple[str | Paragraph, ...]], widths: list[float]) -> Table:
        header = [self._cell(h, w, theme.FONT_BOLD) for h, w in zip(headers, widths, strict=True)]
        table = Table(
            [header, *rows], colWidths=widths, repeatRows=1, splitInRow=self._split_in_row(rows), hAlign="LEFT"
        )
        table.setStyle(
            theme.table_style(
                ("FONTSIZE", (0, 0), (-1, -1), self.CELL_FONT_SIZE),
                ("LEADING", (0, 0), (-1, -1), self.CELL_LEADING),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), self.CELL_PADDING),
                ("RIGHTPADDING", (0, 0), (-1, -1), self.CELL_PADDING),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("FONTNAME", (0, 0), (-1, 0), theme.FONT_BOLD),
                ("BACKGROUND", (0, 0), (-1, 0), theme.SHADE_COLOUR),
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, theme.RULE_COLOUR),
                ("LINEABOVE", (0, 0), (-1, 0), 0.5, theme.RULE_COLOUR),
            )
        )
        return table

    def _key_values(self, pairs: list[tuple[str, str]]) -> Table:
        label_width = self.width * self.LABEL_SHARE
        widths = [label_width, self.width - label_width]
        rows = [(self._cell(k, widths[0]), self._cell(v, widths[1])) for k, v in pairs]
        table = Table(rows, colWidths=widths, splitInRow=self._split_in_row(rows), hAlign="LEFT")
        table.setStyle(
            theme.table_style(
                ("FONTSIZE", (0, 0), (-1, -1), self.CELL_FONT_SIZE),
                ("LEADING", (0, 0), (-1, -1), self.CELL_LEADING),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), self.CELL_PADDING),
                ("RIGHTPADDING", (0, 0), (-1, -1), self.CELL_PADDING),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("TEXTCOLOR", (0, 0), (0, -1), theme.MUTED_COLOUR),
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, theme.RULE_COLOUR),
                ("LINEABOVE", (0, 0), (-1, 0), 0.5, theme.RULE_COLOUR),
            )
        )
        return table


def _needs_fallback(text: str) -> bool:
    return not text.isascii() and any(not shown for shown, _part in theme.runs(text))


def _width(text: str, font: str, size: float) -> float:
    return stringWidth(text, font, size) if text.isascii() else theme.string_width(text, font, size)


def _break_word(word: str, font: str, size: float, width: float) -> str:
    """Markup for a word too long for ``width``, broken into lines that fit (theme.break_anywhere, which picks the
    nicest places, for a word DejaVu can set; between any two letters for one with letters it cannot)."""
    if not _needs_fallback(word):
        return theme.break_anywhere(word, font, size, width)
    lines = [""]
    for char in word:
        if lines[-1] and _width(lines[-1] + char, font, size) > width:
            lines.append("")
        lines[-1] += char
    return "<br/>".join(theme.escape(line) for line in lines)
