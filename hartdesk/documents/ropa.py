"""The records of processing activities (UK GDPR Art. 30, SPEC.md §5) as a PDF and as a CSV.

Part 1 is the record the agency keeps as **controller** (Art. 30(1)): its contact details and the DPO line, then one
entry per purpose (lawful basis, data subjects, personal data, recipients, transfers outside the UK, erasure time
limits), every recipient, the other time limits and the security measures. Part 2 is the record it keeps as
**processor** (Art. 30(2)): the processing for each kind of service, each controller (client) it acts for with what
it does for them, the sub-processors with their transfers, and the security measures.

Everything arrives in a :class:`RopaData` built by :mod:`hartdesk.register.ropa_data`; this module never reads the
register, and escapes every string before it reaches a Paragraph. A transfer outside the UK with no safeguard is
flagged in red wherever it appears and in a notice at the top of the record.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, PageBreak, Paragraph, Spacer, Table

from hartdesk.dates import format_uk_date
from hartdesk.documents import theme
from hartdesk.documents.letter import Letterhead

TITLE = "Records of processing activities"
CONTROLLER_HEADING = "Record of processing activities — controller (UK GDPR Art. 30(1))"
PROCESSOR_HEADING = "Record of processing activities — processor (UK GDPR Art. 30(2))"
NO_SAFEGUARD = "NO SAFEGUARD"
UNSAFE_HEADING = "Transfer outside the UK without a safeguard"

CSV_COLUMNS = (
    "record",
    "purpose",
    "lawful_basis",
    "controller_ref",
    "controller",
    "data_subjects",
    "category_code",
    "category",
    "personal_data",
    "services",
    "recipients",
    "transfers_outside_uk",
    "erasure_time_limit",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SEPARATOR = "; "


@dataclass(frozen=True)
class Agency:
    """The agency: the controller of Part 1 and the processor of Part 2."""

    name: str
    address_lines: tuple[str, ...]
    email: str
    phone: str
    ico_number: str
    contact_name: str  # who deals with data protection; "" when the setting is empty
    contact_position: str
    dpo: str  # "No data protection officer appointed; contact: …"


@dataclass(frozen=True)
class RecordCategory:
    code: str
    name: str
    description: str
    lawful_basis: str  # its label, e.g. "Contract (Art. 6(1)(b))"
    source: str
    retention: str  # the erasure time limit, in words
    services: tuple[str, ...] = ()  # the kinds of service it is held through; () for every client
    purpose: str = ""


@dataclass(frozen=True)
class Recipient:
    """An operator that receives personal data: a recipient (Part 1) or a sub-processor (Part 2)."""

    name: str
    role: str
    country: str  # its name, e.g. "United States"
    outside_uk: bool  # a restricted transfer (UK GDPR Chapter V)
    safeguard: str  # the safeguard's label
    safeguard_missing: bool  # outside the UK with no safeguard at all
    dpa: str  # the data processing agreement with it: "Signed 3 Mar 2025", "Requested", "Not in place"
    receives: tuple[str, ...]  # category names
    purposes: tuple[str, ...]  # what it receives them for (its rules' purposes)
    via: tuple[str, ...]  # kinds of service, or "every client"

    @property
    def where(self) -> str:
        return f"{self.name} ({self.country})"

    @property
    def transfer(self) -> str:
        """ "GoDaddy: United States, UK adequacy regulations"; no safeguard is said in capitals."""
        safeguard = f"{NO_SAFEGUARD} — {self.safeguard}" if self.safeguard_missing else self.safeguard
        return f"{self.name}: {self.country}, {safeguard}"


@dataclass(frozen=True)
class ProcessingPurpose:
    purpose: str
    lawful_bases: tuple[str, ...]
    data_subjects: tuple[str, ...]
    categories: tuple[RecordCategory, ...]
    recipients: tuple[Recipient, ...]
    consent: bool = False  # a purpose only for those who consented (the newsletter): the lawful basis is consent

    @property
    def transfers(self) -> tuple[Recipient, ...]:
        return tuple(r for r in self.recipients if r.outside_uk)


@dataclass(frozen=True)
class ControllerRecord:
    purposes: tuple[ProcessingPurpose, ...]
    recipients: tuple[Recipient, ...]  # every recipient of any purpose
    time_limits: tuple[str, ...]  # the register's own: closed clients, request files, backups
    measures: tuple[str, ...]  # one measure a line ("Encryption: …")


@dataclass(frozen=True)
class ProcessingActivity:
    """What the agency does as processor for one kind of service (Art. 30(2)(b))."""

    service: str  # the kind's label, e.g. "Web hosting"
    processing: str
    data_subjects: str
    personal_data: str
    categories: tuple[str, ...]  # the "as processor" category names
    subprocessors: tuple[str, ...]
    controllers: int  # how many clients have such a service


@dataclass(frozen=True)
class ControllerClient:
    """A client the agency processes personal data for."""

    ref: str
    name: str
    status: str
    contact: tuple[str, ...]  # contact name, email, phone (whichever are recorded)
    services: tuple[tuple[str, tuple[str, ...]], ...]  # ("Web hosting", ("example.co.uk", "shop.example")), …
    categories: tuple[str, ...]  # codes of the processor categories
    subprocessors: tuple[str, ...]  # operator names

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(kind for kind, _ids in self.services)

    def services_in_words(self, at_most: int | None = None) -> tuple[str, ...]:
        """ "Web hosting: example.co.uk, shop.example", one line per kind; past ``at_most`` names, "and N more"."""
        lines = []
        for kind, ids in self.services:
            shown = ids if at_most is None or len(ids) <= at_most else ids[: at_most - 1]
            more = f" and {len(ids) - len(shown)} more" if len(shown) < len(ids) else ""
            lines.append(f"{kind}: {', '.join(shown)}{more}")
        return tuple(lines)


@dataclass(frozen=True)
class ProcessorRecord:
    categories: tuple[RecordCategory, ...]  # the "as processor" categories
    activities: tuple[ProcessingActivity, ...]
    controllers: tuple[ControllerClient, ...]
    subprocessors: tuple[Recipient, ...]
    measures: tuple[str, ...]

    def category(self, code: str) -> RecordCategory:
        return next(c for c in self.categories if c.code == code)


@dataclass(frozen=True)
class RopaData:
    agency: Agency
    letterhead: Letterhead
    dated: date
    version: str
    produced_by: str  # "hartdesk 0.1.0"
    controller: ControllerRecord
    processor: ProcessorRecord
    client_counts: tuple[tuple[str, int], ...] = ()  # (status label, number of clients)
    pagesize: tuple[float, float] = theme.A4
    created_at: datetime | None = None  # timezone-aware; None means now

    @property
    def unprotected(self) -> tuple[Recipient, ...]:
        """Operators receiving data outside the UK without a safeguard, in either record."""
        found = {r.name: r for r in (*self.controller.recipients, *self.processor.subprocessors) if r.safeguard_missing}
        return tuple(found[name] for name in sorted(found, key=str.casefold))


def render_ropa(data: RopaData) -> bytes:
    """Both records as one PDF: the controller record, then the processor record on a new page."""
    return _RopaRenderer(data).render()


# -- the PDF --------------------------------------------------------------------------------------------------------


class _RopaRenderer:
    LABEL_WIDTH = 40 * mm
    CELL_PADDING = 4
    TABLE_FONT_SIZE = 8.5
    # A controller's row names at most this many services of a kind (the CSV names them all), so that no row is
    # taller than a page: reportlab 5.1 repeats the header row inside a row split across pages.
    SERVICES_SHOWN = 6
    CONTROLLER_COLUMNS = (0.28, 0.32, 0.18, 0.22)  # shares of the width: controller, services, data, sub-processors

    def __init__(self, data: RopaData) -> None:
        self.data = data
        self.width = theme.frame_width(data.pagesize)
        self.styles = theme.stylesheet()
        body = self.styles["body"]
        self.body = body
        self.small = self.styles["small"]
        self.part = self.styles["title"].clone("part", fontSize=15, leading=19, spaceBefore=0, spaceAfter=6)
        self.section = self.styles["heading"].clone("section", spaceBefore=12, spaceAfter=4, keepWithNext=1)
        # No keepWithNext: it would keep the whole table with its heading; a CondPageBreak keeps them together.
        self.entry = body.clone("entry", fontName=theme.FONT_BOLD, fontSize=10, spaceBefore=8, spaceAfter=3)
        self.cell = body.clone("cell", fontSize=self.TABLE_FONT_SIZE, leading=11, spaceAfter=0)
        self.cell_bold = self.cell.clone("cell-bold", fontName=theme.FONT_BOLD)
        self.label = self.cell.clone("cell-label", textColor=theme.MUTED_COLOUR)
        self.cell_bullet = self.cell.clone("cell-bullet", leftIndent=3 * mm, bulletIndent=0, spaceAfter=2)
        self.bullet = body.clone(
            "bullet", leftIndent=5 * mm, bulletIndent=1 * mm, bulletFontName=theme.FONT, spaceAfter=4
        )

    def render(self) -> bytes:
        d = self.data
        story: list[Flowable] = [
            *self._opening(),
            Paragraph(theme.escape(CONTROLLER_HEADING), self.part),
            *self._controller_details(),
            *self._purposes(),
            CondPageBreak(50 * mm),
            *self._recipients(),
            *self._transfers(d.controller.recipients, "recipients"),
            *self._time_limits(),
            *self._measures(d.controller.measures),
            PageBreak(),
            Paragraph(theme.escape(PROCESSOR_HEADING), self.part),
            *self._processor_details(),
            *self._activities(),
            CondPageBreak(50 * mm),
            *self._controllers(),
            CondPageBreak(40 * mm),
            *self._subprocessors(),
            *self._transfers(d.processor.subprocessors, "sub-processors"),
            *self._measures(d.processor.measures),
        ]
        info = theme.DocumentInfo(
            title=f"{TITLE}: {d.agency.name}",
            author=d.agency.name,
            subject=f"UK GDPR Article 30 records of {d.agency.name}, as at {format_uk_date(d.dated)}",
            keywords=("records of processing activities", "UK GDPR Article 30", f"version {d.version}"),
            created_at=d.created_at,
        )
        return theme.build_pdf(story, info, d.pagesize, footer_text=d.letterhead.footer)

    # -- helpers ----------------------------------------------------------------------------------------------------

    def _lines(self, lines: Sequence[str], empty: str = "None") -> list[Flowable]:
        """One Paragraph per line, bulleted when there are several (each splits across pages on its own)."""
        if not lines:
            return [Paragraph(theme.escape(empty), self.cell)]
        if len(lines) == 1:
            return [Paragraph(theme.escape(lines[0]), self.cell)]
        return [Paragraph(theme.escape(line), self.cell_bullet, bulletText="•") for line in lines]

    def _markup_lines(self, lines: Sequence[str]) -> list[Flowable]:
        """Like :meth:`_lines` for lines that are markup already (escaped by the caller)."""
        if len(lines) == 1:
            return [Paragraph(lines[0], self.cell)]
        return [Paragraph(line, self.cell_bullet, bulletText="•") for line in lines]

    def _label_table(self, rows: Sequence[tuple[str, Sequence[Flowable]]], repeat_first: bool = False) -> Table:
        """Label and value, row by row; ``repeat_first`` repeats the first row on the next page (the purpose a
        continued entry is about), and then rows move whole (see :attr:`SERVICES_SHOWN` for why)."""
        table = Table(
            [[Paragraph(theme.escape(label), self.label), list(value)] for label, value in rows],
            colWidths=[self.LABEL_WIDTH, self.width - self.LABEL_WIDTH],
            repeatRows=1 if repeat_first else 0,
            splitInRow=0 if repeat_first else 1,
        )
        table.setStyle(
            theme.table_style(
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), self.CELL_PADDING),
                ("RIGHTPADDING", (0, 0), (-1, -1), self.CELL_PADDING),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, theme.RULE_COLOUR),
                ("LINEABOVE", (0, 0), (-1, 0), 0.5, theme.RULE_COLOUR),
                ("BACKGROUND", (0, 0), (0, -1), theme.SHADE_COLOUR),
            )
        )
        return table

    def _grid(self, header: Sequence[str], rows: Sequence[Sequence[object]], widths: Sequence[float]) -> Table:
        """A table with a shaded header row repeated on every page; ``widths`` are shares of the frame."""
        head = [Paragraph(theme.escape(text), self.cell_bold) for text in header]
        table = Table(
            [head, *[list(row) for row in rows]],
            colWidths=[w * self.width for w in widths],
            repeatRows=1,
        )
        table.setStyle(
            theme.table_style(
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), self.CELL_PADDING),
                ("RIGHTPADDING", (0, 0), (-1, -1), self.CELL_PADDING),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("BACKGROUND", (0, 0), (-1, 0), theme.SHADE_COLOUR),
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, theme.RULE_COLOUR),
                ("LINEABOVE", (0, 0), (-1, 0), 0.5, theme.RULE_COLOUR),
            )
        )
        return table

    def _breakable(self, text: str) -> str:
        """An email address in the controller column wraps inside it instead of running out of it."""
        width = self.CONTROLLER_COLUMNS[0] * self.width - 2 * self.CELL_PADDING
        return theme.break_anywhere(text, self.cell.fontName, self.cell.fontSize, width)

    @staticmethod
    def _safeguard(recipient: Recipient) -> str:
        if recipient.safeguard_missing:
            colour = theme.NOTICE_COLOUR.hexval()[2:]
            return f'<font color="#{colour}"><b>{NO_SAFEGUARD}</b></font> — {theme.escape(recipient.safeguard)}'
        if not recipient.outside_uk:
            return "Not a transfer (processed in the UK)"
        return theme.escape(recipient.safeguard)

    def _transfer(self, recipient: Recipient) -> str:
        return (
            f"<b>{theme.escape(recipient.name)}</b>: {theme.escape(recipient.country)} — {self._safeguard(recipient)}"
        )

    # -- opening ------------------------------------------------------------------------------------------------------

    def _opening(self) -> list[Flowable]:
        d = self.data
        counts = ", ".join(f"{n} {label.lower()}" for label, n in d.client_counts if n)
        story: list[Flowable] = [
            Paragraph(TITLE, self.styles["title"]),
            Paragraph(theme.escape(d.agency.name), self.styles["heading"].clone("agency", spaceBefore=0)),
            Paragraph(
                f"As at {format_uk_date(d.dated)} · version {theme.escape(d.version)} · produced by "
                f"{theme.escape(d.produced_by)} from the register",
                self.small,
            ),
            Paragraph(
                "Part 1 is the record we keep as a controller of personal data (UK GDPR Article 30(1)); Part 2 the "
                "record we keep as a processor acting for our clients (Article 30(2)). Both are built from the "
                "register's data categories, operators, clients and services, and from the agency's settings."
                + (f" The register holds {counts} clients." if counts else ""),
                self.body.clone("intro", spaceBefore=4, spaceAfter=6),
            ),
        ]
        for recipient in d.unprotected:
            story += [
                theme.notice_box(
                    UNSAFE_HEADING,
                    f"{recipient.name} receives personal data in {recipient.country} with no transfer safeguard. "
                    "Put one in place (UK adequacy, the IDTA or the UK Addendum) or stop the transfer, and record "
                    "it on the operator.",
                    self.width,
                ),
                Spacer(0, 3 * mm),
            ]
        return story

    # -- Part 1: the controller -----------------------------------------------------------------------------------

    def _agency_rows(self, role: str) -> list[tuple[str, Sequence[Flowable]]]:
        a = self.data.agency
        person = ", ".join(p for p in (a.contact_name, a.contact_position) if p)
        return [
            (role, [Paragraph(theme.escape(a.name), self.cell_bold)]),
            (
                "Address",
                [Paragraph("<br/>".join(theme.escape(v) for v in a.address_lines) or "Not recorded", self.cell)],
            ),
            ("Email", self._lines([a.email], "Not recorded")),
            ("Phone", self._lines([a.phone] if a.phone else [], "Not recorded")),
            ("ICO registration", self._lines([a.ico_number])),
            ("Data protection contact", self._lines([person] if person else [], "Not named (see Settings)")),
            ("Data protection officer (DPO)", self._lines([a.dpo])),
        ]

    def _controller_details(self) -> list[Flowable]:
        return [
            Paragraph("The controller and its contact details", self.section),
            self._label_table(self._agency_rows("Controller")),
        ]

    def _purposes(self) -> list[Flowable]:
        purposes = self.data.controller.purposes
        story: list[Flowable] = [
            Paragraph("Purposes of the processing", self.section),
            Paragraph(
                "One entry per purpose, with the categories of data subjects and of personal data held for it, who "
                "receives them, transfers outside the UK, and when each category is erased.",
                self.body,
            ),
        ]
        if not purposes:
            story.append(Paragraph("The register has no data categories held as controller.", self.body))
        for number, p in enumerate(purposes, 1):
            personal = [f"{c.name}: {c.description}" if c.description else c.name for c in p.categories]
            recipients = [
                f"<b>{theme.escape(r.name)}</b> — {theme.escape(r.role)}, {theme.escape(r.country)}"
                + (f" ({theme.escape(', '.join(r.via))})" if r.via else "")
                for r in p.recipients
            ]
            transfers = [self._transfer(r) for r in p.transfers]
            limits = [f"{c.name}: {c.retention}" for c in p.categories]
            rows: list[tuple[str, Sequence[Flowable]]] = [
                ("Purpose", [Paragraph(theme.escape(p.purpose), self.cell_bold)]),
                ("Lawful basis", self._lines(p.lawful_bases)),
                ("Categories of data subjects", self._lines(p.data_subjects)),
                ("Categories of personal data", self._lines(personal)),
                (
                    "Recipients",
                    self._markup_lines(recipients) if recipients else self._lines([], "None outside the agency"),
                ),
                (
                    "Transfers outside the UK",
                    self._markup_lines(transfers) if transfers else self._lines([], "None"),
                ),
                ("Erasure time limits", self._lines(limits)),
            ]
            # Not kept together: a purpose taller than what is left of the page would leave a gap behind it.
            story += [
                CondPageBreak(45 * mm),
                Paragraph(f"Purpose {number}", self.entry),
                self._label_table(rows, repeat_first=True),
                Spacer(0, 2 * mm),
            ]
        return story

    def _recipient_table(self, recipients: Sequence[Recipient], first: str) -> Table:
        rows = []
        for r in recipients:
            what = [*r.purposes, f"Receives: {', '.join(r.receives)}"]
            if r.via:
                what.append(f"Through: {', '.join(r.via)}")
            rows.append(
                [
                    [Paragraph(theme.escape(r.name), self.cell_bold), Paragraph(theme.escape(r.role), self.cell)],
                    self._lines(what),
                    Paragraph(theme.escape(r.country), self.cell),
                    Paragraph(self._safeguard(r), self.cell),
                    Paragraph(theme.escape(r.dpa), self.cell),
                ]
            )
        header = (first, "What it receives, and why", "Where", "Transfer safeguard", "DPA")
        return self._grid(header, rows, (0.19, 0.33, 0.13, 0.22, 0.13))

    def _recipients(self) -> list[Flowable]:
        recipients = self.data.controller.recipients
        story: list[Flowable] = [
            Paragraph("Categories of recipients", self.section),
            Paragraph(
                "The operators that receive personal data we hold as controller, including those outside the UK.",
                self.body,
            ),
        ]
        if not recipients:
            return [*story, Paragraph("None: no operator receives this data.", self.body)]
        return [*story, self._recipient_table(recipients, "Recipient")]

    def _transfers(self, recipients: Sequence[Recipient], what: str) -> list[Flowable]:
        outside = [r for r in recipients if r.outside_uk]
        story: list[Flowable] = [Paragraph("Transfers outside the UK and their safeguards", self.section)]
        if not outside:
            return [*story, Paragraph(f"None: all the {what} process the data in the United Kingdom.", self.body)]
        return [*story, *[Paragraph(self._transfer(r), self.bullet, bulletText="•") for r in outside]]

    def _time_limits(self) -> list[Flowable]:
        story: list[Flowable] = [
            Paragraph("Time limits for erasure", self.section),
            Paragraph(
                "Each category's own limit is in its purpose above. The register also erases and deletes:", self.body
            ),
        ]
        story += [
            Paragraph(theme.escape(line), self.bullet, bulletText="•") for line in self.data.controller.time_limits
        ]
        return story

    def _measures(self, measures: Sequence[str]) -> list[Flowable]:
        story: list[Flowable] = [Paragraph("Security measures (Art. 32): a general description", self.section)]
        if not measures:
            return [*story, Paragraph("None recorded: describe them under Settings.", self.body)]
        for line in measures:
            lead, sep, rest = line.partition(":")
            markup = (
                f"<b>{theme.escape(lead)}</b>:{theme.escape(rest)}" if sep and len(lead) <= 40 else theme.escape(line)
            )
            story.append(Paragraph(markup, self.bullet, bulletText="•"))
        return story

    # -- Part 2: the processor --------------------------------------------------------------------------------------

    def _processor_details(self) -> list[Flowable]:
        return [
            Paragraph("The processor and its contact details", self.section),
            self._label_table(self._agency_rows("Processor")),
        ]

    def _activities(self) -> list[Flowable]:
        activities = self.data.processor.activities
        story: list[Flowable] = [
            Paragraph("Categories of processing", self.section),
            Paragraph(
                "What we do with personal data on our clients’ behalf, for each kind of service a client has with "
                "us; the controllers below say which services each one has.",
                self.body,
            ),
        ]
        if not activities:
            return [*story, Paragraph("None: no client has a current service whose data we process.", self.body)]
        rows = []
        for a in activities:
            count = f"{a.controllers} client{'' if a.controllers == 1 else 's'}"
            rows.append(
                [
                    [Paragraph(theme.escape(a.service), self.cell_bold), Paragraph(count, self.label)],
                    [
                        Paragraph(theme.escape(_capitalised(a.processing)), self.cell),
                        Spacer(0, 1 * mm),
                        Paragraph(f"<i>Data subjects:</i> {theme.escape(a.data_subjects)}", self.cell),
                    ],
                    [
                        Paragraph(theme.escape(", ".join(a.categories)), self.cell_bold),
                        Paragraph(theme.escape(_capitalised(a.personal_data)), self.cell),
                    ],
                    self._lines(a.subprocessors),
                ]
            )
        header = ("Service", "Processing", "Personal data", "Sub-processors")
        return [*story, self._grid(header, rows, (0.14, 0.36, 0.30, 0.20))]

    def _controllers(self) -> list[Flowable]:
        p = self.data.processor
        count = len(p.controllers)
        story: list[Flowable] = [
            Paragraph("The controllers we act for", self.section),
            Paragraph(
                f"{count} client{'' if count == 1 else 's'} with a current service whose personal data we process "
                "on the client’s instructions (services that have ended are left out).",
                self.body,
            ),
        ]
        if not p.controllers:
            return story
        rows = []
        for c in p.controllers:
            who: list[Flowable] = [Paragraph(f"<b>{theme.escape(c.ref)}</b> {theme.escape(c.name)}", self.cell)]
            who += [Paragraph(self._breakable(line), self.label) for line in c.contact]
            if c.status != "Active":
                who.append(Paragraph(f"Account {theme.escape(c.status.lower())}", self.label))
            rows.append(
                [
                    who,
                    self._lines(c.services_in_words(self.SERVICES_SHOWN)),
                    self._lines([p.category(code).name for code in c.categories]),
                    self._lines(c.subprocessors),
                ]
            )
        header = ("Controller", "Services (categories of processing)", "Personal data", "Sub-processors")
        return [*story, self._grid(header, rows, self.CONTROLLER_COLUMNS)]

    def _subprocessors(self) -> list[Flowable]:
        subs = self.data.processor.subprocessors
        story: list[Flowable] = [
            Paragraph("Sub-processors", self.section),
            Paragraph("The operators that receive our clients’ personal data through the services above.", self.body),
        ]
        if not subs:
            return [*story, Paragraph("None.", self.body)]
        return [*story, self._recipient_table(subs, "Sub-processor")]


def _capitalised(text: str) -> str:
    """The wording file's "storing the website files…" as the start of a cell: "Storing the website files…"."""
    return text[:1].upper() + text[1:]


# -- the CSV --------------------------------------------------------------------------------------------------------


def ropa_csv(data: RopaData) -> bytes:
    """Both records as one CSV table for a spreadsheet: one row per (record, purpose or controller, category).

    UTF-8 with a byte-order mark (so Excel reads the accents), CRLF line ends, several values in one cell separated
    by "; ". A cell a spreadsheet would run as a formula (starting with ``= + - @``, a tab or a carriage return) gets
    a leading apostrophe, as hartdesk's other CSV files do. The columns:

    - ``record``: ``controller`` (Art. 30(1), the agency's own data) or ``processor`` (Art. 30(2), a client's data);
    - ``purpose``: the purpose of the processing;
    - ``lawful_basis``: the lawful basis of the category for that purpose (a processor row: as processor, Art. 28);
    - ``controller_ref``: the client's reference on a processor row; empty on a controller row (the agency);
    - ``controller``: the controller's name (the agency, or the client);
    - ``data_subjects``: the categories of data subjects;
    - ``category_code``, ``category``, ``personal_data``: the data category (code, name) and what it holds;
    - ``services``: the kinds of service it is held through (controller), or the client's services (processor);
    - ``recipients``: the operators that receive the category, each as "Name (Country)";
    - ``transfers_outside_uk``: those of them outside the UK, each as "Name: Country, safeguard"; a transfer with no
      safeguard says ``NO SAFEGUARD``;
    - ``erasure_time_limit``: when the category is erased, in words.

    The agency's contact details and the security measures apply to every row; they are in the PDF.
    """
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    agency = data.agency.name
    for p in data.controller.purposes:
        for c in p.categories:
            receiving = [r for r in p.recipients if c.name in r.receives]
            basis = p.lawful_bases[0] if p.consent else c.lawful_basis
            writer.writerow(_row("controller", p.purpose, basis, "", agency, p.data_subjects, c, c.services, receiving))
    processor = data.processor
    subs = {r.name: r for r in processor.subprocessors}
    subjects = {a.service: a.data_subjects for a in processor.activities}
    for client in processor.controllers:
        client_subjects = [subjects[k] for k in client.kinds if k in subjects]
        for code in client.categories:
            c = processor.category(code)
            receiving = [subs[n] for n in client.subprocessors if n in subs and c.name in subs[n].receives]
            writer.writerow(
                _row(
                    "processor",
                    c.purpose,
                    c.lawful_basis,
                    client.ref,
                    client.name,
                    client_subjects,
                    c,
                    client.services_in_words(),
                    receiving,
                )
            )
    return out.getvalue().encode("utf-8-sig")


def _row(
    record: str,
    purpose: str,
    basis: str,
    ref: str,
    controller: str,
    subjects: Sequence[str],
    category: RecordCategory,
    services: Sequence[str],
    recipients: Sequence[Recipient],
) -> list[str]:
    """One CSV row, every cell spreadsheet-safe."""
    values = [
        record,
        purpose,
        basis,
        ref,
        controller,
        _SEPARATOR.join(subjects),
        category.code,
        category.name,
        category.description,
        _SEPARATOR.join(services),
        _SEPARATOR.join(r.where for r in recipients),
        _SEPARATOR.join(r.transfer for r in recipients if r.outside_uk),
        category.retention,
    ]
    return [_spreadsheet_safe(v) for v in values]


def _spreadsheet_safe(value: str) -> str:
    """The rule of hartdesk.register.csvio.neutralise (documents cannot import the register)."""
    return "'" + value if value.lstrip("'").startswith(_FORMULA_START) else value
