"""Documents about a personal data breach (UK GDPR Art. 33, 34; SPEC.md §6), each from a plain dataclass:

- the **report to the ICO** (Art. 33(3)): every item the law asks for, under its own heading, with the timing against
  the 72 hours, the reasons for a delay and the updates given in phases (Art. 33(4));
- the **notice to a client** whose data was touched, the agency writing as its processor (Art. 33(2)), a letter;
- the **notice to the people affected** when the risk to them is high (Art. 34), in plain language, "Dear customer"
  (it goes to many people, so it carries no one's address);
- the **breach register** (Art. 33(5)) for an inspection: every breach, reported or not.

The words of the two notices and the opening of the two reports are wording files (``breach_*.txt``, see
:mod:`hartdesk.documents.wording`). Times arrive already written in UK time with their zone ("Fri 20 Nov 2026 09:00
GMT"): the renderers never compute a deadline. Every value is escaped before it reaches a Paragraph.
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Spacer, Table

from hartdesk.dates import format_uk_date
from hartdesk.documents import theme, wording
from hartdesk.documents.letter import Addressee, Letterhead, LetterPage, build_letter_pdf
from hartdesk.documents.letters import LIST_SPACE_AFTER, SIGNATURE_SPACE

ICO_SUMMARY_WORDING = "breach_ico_summary"
REGISTER_WORDING = "breach_register"
CONTROLLER_NOTICE_WORDING = "breach_controller_notice"
PEOPLE_NOTICE_WORDING = "breach_people_notice"

_REPORT_COMMON = frozenset({"agency_name", "agency_email", "contact"})
REPORT_PLACEHOLDERS: dict[str, frozenset[str]] = {
    ICO_SUMMARY_WORDING: _REPORT_COMMON | {"breach_ref"},
    REGISTER_WORDING: _REPORT_COMMON | {"breach_count", "produced"},
}
"""What the opening of each report may use. The first heading is the report's title."""

# Per-item placeholders of the notices: a block naming one is repeated for each item of its list, and left out when
# the list is empty.
SERVICE_ITEM = "service_item"
CATEGORY_ITEM = "category_item"
OPERATOR_ITEM = "operator_item"
_NOTICE_COMMON = frozenset(
    {
        "agency_name",
        "agency_address",
        "agency_email",
        "agency_phone",
        "contact",
        "breach_ref",
        "letter_date",
        "dear",
        "signature",
        "summary",
        "details",
        "occurred",
        "aware_on",
        "consequences",
        "measures_taken",
        "measures_proposed",
        CATEGORY_ITEM,
    }
)
NOTICE_PLACEHOLDERS: dict[str, frozenset[str]] = {
    CONTROLLER_NOTICE_WORDING: _NOTICE_COMMON
    | {"client_name", "client_ref", "aware_at", "people_count", "records_count", SERVICE_ITEM, OPERATOR_ITEM},
    PEOPLE_NOTICE_WORDING: _NOTICE_COMMON | {"ico_contact"},
}
"""What each notice's wording may use; a wording file naming anything else is refused when it is loaded. A block whose
placeholders are all empty is left out, and so is a heading left with nothing under it."""

NOT_KNOWN = "Not known yet; it will follow in an update (Art. 33(4))."
NONE_YET = "None recorded."
NOT_RECORDED = "Not recorded yet"


# -- the data -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactPoint:
    """The agency's contact point for the breach (Art. 33(3)(b)), from the settings."""

    name: str
    position: str
    email: str
    phone: str = ""

    @property
    def who(self) -> str:
        """Jane Smith, Data Protection Lead."""
        return ", ".join(p for p in (self.name.strip(), self.position.strip()) if p)


@dataclass(frozen=True)
class TimelineEntry:
    at: str  # UK time with zone
    summary: str


@dataclass(frozen=True)
class BreachRecord:
    """One breach as the register holds it, every moment already written in UK time with its zone."""

    ref: str
    summary: str
    details: str
    occurred: str  # when it happened ("Thu 19 Nov 2026 22:00 GMT"), or the clerk's note, or "" when not known
    aware: str  # when the agency became aware: the 72 hours run from here
    aware_day: str  # the same day in words, "20 November 2026", for the plain-language notice
    deadline: str  # the end of the 72 hours
    people_categories: tuple[str, ...]  # the kinds of people concerned
    people_count: int | None  # approximate
    categories: tuple[str, ...]  # the kinds of personal data
    records_count: int | None  # approximate
    clients: tuple[str, ...]  # "C-00042 Acme Widgets Ltd": the clients whose data was touched
    services: tuple[str, ...]
    operators: tuple[tuple[str, str], ...]  # (name, country)
    consequences: str
    measures_taken: str
    measures_proposed: str
    risk: str  # the assessment in words; "" not assessed yet
    decision: str  # "Report to the ICO", "Not reported to the ICO"; "" not decided yet
    decision_reason: str
    decided: str  # when
    reported: str  # when the ICO was told; "" not told
    timing: str  # the report against the 72 hours, in words
    late: bool  # reported (or still not reported) after the 72 hours
    late_reason: str
    ico_reference: str
    updates: tuple[TimelineEntry, ...] = ()  # information given to the ICO in phases
    people_told: str = ""  # when and how, or why they were not told; "" nothing recorded
    controllers_told: str = ""
    closed: str = ""


@dataclass(frozen=True)
class IcoSummaryData:
    letterhead: Letterhead
    contact: ContactPoint
    record: BreachRecord
    produced: str  # UK time with zone
    status_heading: str = ""  # a draft, or a breach not reported: said in a box on the first page
    status_text: str = ""
    wording_folder: str = ""
    pagesize: tuple[float, float] = theme.A4
    created_at: datetime | None = None


@dataclass(frozen=True)
class BreachRegisterData:
    letterhead: Letterhead
    contact: ContactPoint
    records: tuple[BreachRecord, ...]  # oldest first
    produced: str
    wording_folder: str = ""
    pagesize: tuple[float, float] = theme.A4
    created_at: datetime | None = None


@dataclass(frozen=True)
class ControllerNoticeData:
    """The notice to one client whose data the breach touched, the agency writing as its processor."""

    letterhead: Letterhead
    addressee: Addressee
    contact: ContactPoint
    record: BreachRecord
    dated: date
    client_ref: str
    client_name: str
    dear: str
    services: tuple[str, ...]  # this client's services involved
    categories: tuple[str, ...]  # this client's data involved
    operators: tuple[str, ...]  # "Fasthosts (United Kingdom)": the operators involved that hold this client's data
    signature: tuple[str, ...] = ()  # name, position, agency: one line each
    for_post: bool = True
    wording_folder: str = ""
    pagesize: tuple[float, float] = theme.A4


@dataclass(frozen=True)
class PeopleNoticeData:
    """The plain-language notice to the people affected by a high-risk breach; one text for all of them."""

    letterhead: Letterhead
    contact: ContactPoint
    record: BreachRecord
    dated: date
    ico_contact: str  # how to complain to the ICO
    signature: tuple[str, ...] = ()
    for_post: bool = False
    wording_folder: str = ""
    pagesize: tuple[float, float] = theme.A4


def approximately(count: int | None) -> str:
    return "Not known yet" if count is None else f"About {count:,}"


# -- the reports ----------------------------------------------------------------------------------------------------


def render_ico_summary(data: IcoSummaryData) -> bytes:
    """The report to the ICO; a wrong wording file raises :class:`wording.WordingError`."""
    return _IcoSummary(data).render()


def render_breach_register(data: BreachRegisterData) -> bytes:
    return _Register(data).render()


class _Plain(tuple[str, ...]):
    """Lines of one value printed one under another, without bullets (an address, a long list cut in lines)."""

    __slots__ = ()


class _Report:
    """What the ICO report and the register share: the opening from a wording file and label/value tables."""

    LABEL_WIDTH = 50 * mm  # every label on one line, so a list's first item sits level with its label
    CELL_PADDING = 4
    KEPT_TOGETHER = 12  # a list this short stays in one row, on one page; a longer one gets a row per item
    LONG_CELL = 1200  # characters: a table with a longer value may split inside a row (reportlab's splitInRow)

    def __init__(self, letterhead: Letterhead, contact: ContactPoint, pagesize: tuple[float, float]) -> None:
        self.letterhead = letterhead
        self.contact = contact
        self.width = theme.frame_width(pagesize)
        self.styles = theme.stylesheet()
        body = self.styles["body"]
        self.body = body
        self.title = self.styles["title"].clone("report-title", fontSize=19, leading=24)
        self.subtitle = body.clone("report-subtitle", textColor=theme.MUTED_COLOUR, spaceAfter=8)
        # No keepWithNext: it would move a heading and its whole table to the next page; a CondPageBreak keeps the
        # heading with the first rows instead.
        self.heading = self.styles["heading"].clone("report-heading")
        self.cell = body.clone("cell", fontSize=9, leading=12, spaceAfter=0)
        self.cell_item = self.cell.clone("cell-item", leftIndent=3 * mm, bulletIndent=0, spaceAfter=1)
        self.label = self.cell.clone("cell-label", textColor=theme.MUTED_COLOUR)

    def opening(self, name: str, values: Mapping[str, str], folder: str) -> tuple[str, list[Flowable]]:
        """The report's title (the wording's first heading) and its opening paragraphs."""
        loaded = wording.load(name, REPORT_PLACEHOLDERS[name], folder)
        blocks = loaded.fill({k: values[k] for k in loaded.placeholders})
        if not blocks or blocks[0].kind != "heading":
            raise wording.WordingError(f"{loaded.path.name}: the first line must be the title, as a heading (“# …”).")
        story: list[Flowable] = [Paragraph(theme.escape(blocks[0].text), self.title)]
        for block in blocks[1:]:
            text = theme.escape(block.text)
            if block.kind == "heading":
                story.append(Paragraph(text, self.heading))
            elif block.kind == "item":
                story.append(Paragraph(text, self.body.clone("opening-item", leftIndent=5 * mm), bulletText="•"))
            else:
                story.append(Paragraph(text, self.body))
        return blocks[0].text, story

    def values(self) -> dict[str, str]:
        return {"agency_name": self.letterhead.name, "agency_email": self.letterhead.email, "contact": self.contact.who}

    def _lines(self, value: str | Sequence[str]) -> list[Paragraph]:
        """A value as paragraphs: a text as one, a list one item each (bulleted when there are several)."""
        if isinstance(value, _Plain):
            return [Paragraph(theme.escape(v), self.cell) for v in value]
        if isinstance(value, str):
            return [Paragraph(theme.escape(value.strip() or "—"), self.cell)]
        if len(value) <= 1:
            return [Paragraph(theme.escape(value[0] if value else NONE_YET), self.cell)]
        return [Paragraph(theme.escape(v), self.cell_item, bulletText="•") for v in value]

    def table(self, rows: Sequence[tuple[str, str | Sequence[str]]]) -> Table:
        """Label and value; a long list gets a table row per item, so that it (two thousand clients) splits between
        pages as quickly as any table; only a very long text may split inside its row."""
        cells: list[list[Flowable | str]] = []
        style: list[tuple[object, ...]] = []
        for label, value in rows:
            first = len(cells)
            lines = self._lines(value)
            head = Paragraph(theme.escape(label), self.label)
            if len(lines) <= self.KEPT_TOGETHER:
                cells.append([head, lines])
            else:
                cells += [[head if i == 0 else "", line] for i, line in enumerate(lines)]
            last = len(cells) - 1
            style.append(("LINEBELOW", (0, last), (-1, last), 0.5, theme.RULE_COLOUR))
            if last > first:  # the items of one list sit close together
                style += [
                    ("BOTTOMPADDING", (0, first), (-1, last - 1), 0),
                    ("TOPPADDING", (0, first + 1), (-1, last), 1),
                ]
        longest = max((len(v) for _label, v in rows if isinstance(v, str)), default=0)
        table = Table(
            cells,
            colWidths=[self.LABEL_WIDTH, self.width - self.LABEL_WIDTH],
            splitInRow=1 if longest > self.LONG_CELL else 0,
            hAlign="LEFT",
        )
        table.setStyle(
            theme.table_style(
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), self.CELL_PADDING),
                ("RIGHTPADDING", (0, 0), (-1, -1), self.CELL_PADDING),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("LINEABOVE", (0, 0), (-1, 0), 0.5, theme.RULE_COLOUR),
                *style,
            )
        )
        return table

    def section(self, heading: str, rows: Sequence[tuple[str, str | Sequence[str]]]) -> list[Flowable]:
        return [CondPageBreak(30 * mm), Paragraph(theme.escape(heading), self.heading), self.table(rows)]

    @staticmethod
    def known(text: str, otherwise: str = NOT_KNOWN) -> str:
        return text.strip() or otherwise

    @staticmethod
    def operators(record: BreachRecord) -> list[str]:
        return [f"{name} ({country})" if country else name for name, country in record.operators]

    def build(self, story: list[Flowable], info: theme.DocumentInfo, pagesize: tuple[float, float]) -> bytes:
        return theme.build_pdf(story, info, pagesize, footer_text=self.letterhead.footer)


class _IcoSummary(_Report):
    def __init__(self, data: IcoSummaryData) -> None:
        super().__init__(data.letterhead, data.contact, data.pagesize)
        self.data = data

    def render(self) -> bytes:
        d, r = self.data, self.data.record
        title, story = self.opening(ICO_SUMMARY_WORDING, {**self.values(), "breach_ref": r.ref}, d.wording_folder)
        subtitle = f"{d.letterhead.name} · ICO registration {d.letterhead.ico_number} · breach {r.ref} · {d.produced}"
        story.insert(1, Paragraph(theme.escape(subtitle), self.subtitle))
        if d.status_heading:
            story += [Spacer(0, 2 * mm), theme.notice_box(d.status_heading, d.status_text, self.width)]
        for heading, rows in self.sections():
            story += self.section(heading, rows)
        info = theme.DocumentInfo(
            title=f"{title}: {r.ref}",
            author=d.letterhead.name,
            subject=f"Personal data breach {r.ref}: {r.summary}",
            keywords=("personal data breach", "UK GDPR Article 33", r.ref),
            created_at=d.created_at,
        )
        return self.build(story, info, d.pagesize)

    def sections(self) -> list[tuple[str, list[tuple[str, str | Sequence[str]]]]]:
        d, r, c = self.data, self.data.record, self.data.contact
        head = d.letterhead
        return [
            (
                "1. The controller and the contact point",
                [
                    ("Controller", _Plain([head.name, *head.address_lines])),
                    ("ICO registration number", head.ico_number),
                    ("Contact point", c.who),
                    ("Email", c.email),
                    *([("Phone", c.phone)] if c.phone else []),
                    ("Our breach reference", r.ref),
                    ("ICO case reference", r.ico_reference or "Not given yet"),
                ],
            ),
            (
                "2. When it happened and when it was reported",
                [
                    ("When it happened", self.known(r.occurred)),
                    ("When we became aware", r.aware),
                    ("72-hour deadline", r.deadline),
                    ("Reported to the ICO", r.reported or "Not yet"),
                    ("Within the 72 hours?", r.timing),
                    *([("Reasons for the delay", self.known(r.late_reason))] if r.late or r.late_reason else []),
                ],
            ),
            (
                "3. The nature of the breach",
                [("What happened", r.summary), ("Details", self.known(r.details))],
            ),
            (
                "4. The people and records concerned",
                [
                    ("Categories of people", list(r.people_categories) or NOT_KNOWN),
                    ("Number of people", approximately(r.people_count)),
                    ("Categories of personal data", list(r.categories) or NOT_KNOWN),
                    ("Number of records", approximately(r.records_count)),
                ],
            ),
            (
                "5. Clients, services and operators involved",
                [
                    (f"Clients affected ({len(r.clients)})", list(r.clients)),
                    ("Services", list(r.services) or "None named"),
                    ("Operators (country)", self.operators(r) or "None named"),
                ],
            ),
            ("6. Likely consequences", [("Likely consequences", self.known(r.consequences))]),
            (
                "7. Measures taken or proposed",
                [
                    ("Measures taken", self.known(r.measures_taken)),
                    ("Measures proposed", self.known(r.measures_proposed)),
                ],
            ),
            (
                "8. Risk assessment and decision",
                [
                    ("Risk to people", r.risk or "Not assessed yet"),
                    ("Decision", r.decision or "Not decided yet"),
                    ("Reason for the decision", r.decision_reason or "—"),
                    ("Decided on", r.decided or "—"),
                ],
            ),
            (
                "9. Telling the people and the clients affected",
                [
                    ("People affected told", r.people_told or "Not yet"),
                    ("Client controllers told", r.controllers_told or "Not yet"),
                ],
            ),
            (
                "10. Information given in phases",
                [(u.at, u.summary) for u in r.updates] or [("Updates to the ICO", "None yet")],
            ),
        ]


class _Register(_Report):
    OVERVIEW_HEADERS = ("Reference", "Became aware", "Risk", "Decision", "ICO told")
    OVERVIEW_SHARES = (0.15, 0.22, 0.2, 0.2, 0.23)

    def __init__(self, data: BreachRegisterData) -> None:
        super().__init__(data.letterhead, data.contact, data.pagesize)
        self.data = data

    def render(self) -> bytes:
        d = self.data
        count = f"{len(d.records)} breach{'es' if len(d.records) != 1 else ''}"
        title, story = self.opening(
            REGISTER_WORDING, {**self.values(), "breach_count": count, "produced": d.produced}, d.wording_folder
        )
        subtitle = f"{d.letterhead.name} · ICO registration {d.letterhead.ico_number} · {count} · {d.produced}"
        story.insert(1, Paragraph(theme.escape(subtitle), self.subtitle))
        if not d.records:
            story.append(Paragraph("No breach has been recorded.", self.body))
        else:
            story += [Paragraph("Overview", self.heading), self.overview()]
            for record in d.records:
                story += self.entry(record)
        info = theme.DocumentInfo(
            title=f"{title}: {d.letterhead.name}",
            author=d.letterhead.name,
            subject=f"{title}, {count}, {d.produced}",
            keywords=("breach register", "UK GDPR Article 33(5)"),
            created_at=d.created_at,
        )
        return self.build(story, info, d.pagesize)

    def overview(self) -> Table:
        widths = [self.width * share for share in self.OVERVIEW_SHARES]
        header = [
            Paragraph(theme.escape(h), self.cell.clone("head", fontName=theme.FONT_BOLD)) for h in self.OVERVIEW_HEADERS
        ]
        rows = [
            [
                Paragraph(theme.escape(value), self.cell)
                for value in (r.ref, r.aware, r.risk or "Not assessed", r.decision or "Not decided", r.reported or "No")
            ]
            for r in self.data.records
        ]
        table = Table([header, *rows], colWidths=widths, repeatRows=1, hAlign="LEFT")
        table.setStyle(
            theme.table_style(
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), self.CELL_PADDING),
                ("RIGHTPADDING", (0, 0), (-1, -1), self.CELL_PADDING),
                ("BACKGROUND", (0, 0), (-1, 0), theme.SHADE_COLOUR),
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, theme.RULE_COLOUR),
                ("LINEABOVE", (0, 0), (-1, 0), 0.5, theme.RULE_COLOUR),
            )
        )
        return table

    def entry(self, r: BreachRecord) -> list[Flowable]:
        def recorded(text: str) -> str:
            return self.known(text, NOT_RECORDED)

        def listed(items: Sequence[str], otherwise: str = NOT_RECORDED) -> str:
            return "; ".join(items) or otherwise

        delay: list[tuple[str, str | Sequence[str]]] = []
        if r.late or r.late_reason:
            delay = [("Reason for the delay", recorded(r.late_reason))]
        counts = f"{approximately(r.people_count)} people; {approximately(r.records_count).lower()} records"
        rows: list[tuple[str, str | Sequence[str]]] = [
            ("When it happened", recorded(r.occurred)),
            ("Became aware", r.aware),
            ("72-hour deadline", r.deadline),
            ("Facts", f"{r.summary}\n{r.details}".strip()),
            ("Clients affected", _chunks(f"{len(r.clients)}:", r.clients) if r.clients else NOT_RECORDED),
            ("Services", listed(r.services, "None named")),
            ("Operators", listed(self.operators(r), "None named")),
            ("Categories of people", list(r.people_categories)),
            ("Data involved", listed(r.categories)),
            ("People and records", counts),
            ("Effects", recorded(r.consequences)),
            ("Remedial action taken", recorded(r.measures_taken)),
            ("Remedial action proposed", recorded(r.measures_proposed)),
            ("Risk", r.risk or "Not assessed yet"),
            ("Decision", r.decision or "Not decided yet"),
            ("Reason for the decision", r.decision_reason or "—"),
            ("Reported to the ICO", f"{r.reported}. {r.timing}" if r.reported else r.timing),
            *delay,
            ("ICO reference", r.ico_reference or "—"),
            ("Updates to the ICO", [f"{u.at}: {u.summary}" for u in r.updates] or "None"),
            ("People affected told", r.people_told or NOT_RECORDED),
            ("Client controllers told", r.controllers_told or NOT_RECORDED),
            ("Closed", r.closed or "Open"),
        ]
        return self.section(f"{r.ref}: {r.summary}", rows)


def _chunks(lead: str, items: Sequence[str], size: int = 20) -> _Plain:
    """A long list as a few lines of ``size`` items each, "; " between them, ``lead`` before the first: compact in
    the register, and still split between pages quickly (one table row a line)."""
    parts = [items[i : i + size] for i in range(0, len(items), size)]
    return _Plain(
        (f"{lead} " if i == 0 else "") + "; ".join(part) + (";" if i + 1 < len(parts) else "")
        for i, part in enumerate(parts)
    )


# -- the notices ----------------------------------------------------------------------------------------------------


def render_controller_notice(data: ControllerNoticeData) -> bytes:
    r = data.record
    values = {
        **_notice_values(data.letterhead, data.contact, r, data.dated, data.signature),
        "client_name": data.client_name,
        "client_ref": data.client_ref,
        "dear": data.dear,
        "aware_at": r.aware,
        "people_count": approximately(r.people_count).lower(),
        "records_count": approximately(r.records_count).lower(),
    }
    lists = {SERVICE_ITEM: data.services, CATEGORY_ITEM: data.categories, OPERATOR_ITEM: data.operators}
    references = (("Our reference", r.ref), ("Client reference", data.client_ref))
    page = LetterPage(data.letterhead, data.addressee, data.dated, references, data.for_post)
    return _Notice(CONTROLLER_NOTICE_WORDING, values, lists, data.wording_folder).render(
        page, data.pagesize, f"Notice to {data.client_name}"
    )


def render_people_notice(data: PeopleNoticeData) -> bytes:
    values = {
        **_notice_values(data.letterhead, data.contact, data.record, data.dated, data.signature),
        "dear": "customer",
        "ico_contact": ", ".join(line.strip() for line in data.ico_contact.splitlines() if line.strip()),
    }
    lists = {CATEGORY_ITEM: data.record.categories}
    # Sent to many people, so no one's address: on paper the envelope window is left for a label or a mail merge
    # (with the return address above it); by email the notice starts under a short letterhead.
    page = LetterPage(data.letterhead, Addressee(""), data.dated, (("Our reference", data.record.ref),), data.for_post)
    return _Notice(PEOPLE_NOTICE_WORDING, values, lists, data.wording_folder).render(
        page, data.pagesize, "Notice to the people affected", window=data.for_post
    )


def _notice_values(
    head: Letterhead, contact: ContactPoint, r: BreachRecord, dated: date, signature: Sequence[str]
) -> dict[str, str]:
    return {
        "agency_name": head.name,
        "agency_address": ", ".join(head.address_lines),
        "agency_email": contact.email or head.email,
        "agency_phone": contact.phone or head.phone,
        "contact": contact.who,
        "breach_ref": r.ref,
        "letter_date": format_uk_date(dated),
        "signature": "\n".join(s for s in signature if s.strip()),
        "summary": r.summary,
        "details": r.details,
        "occurred": r.occurred,
        "aware_on": r.aware_day,
        "consequences": r.consequences,
        "measures_taken": r.measures_taken,
        "measures_proposed": r.measures_proposed,
    }


@dataclass(frozen=True)
class _Printed:
    kind: str  # "heading", "paragraph" or "item"
    markup: str
    plain: str
    source: str  # the wording's text, placeholders unfilled


class _Notice:
    """A notice laid out as :mod:`hartdesk.documents.letters` lays out a letter: the first heading is the subject."""

    def __init__(
        self, name: str, values: Mapping[str, str], lists: Mapping[str, Sequence[str]], folder: str = ""
    ) -> None:
        self.name = name
        self.values = values
        self.lists = lists
        self.folder = folder

    def blocks(self) -> list[_Printed]:
        loaded = wording.load(self.name, NOTICE_PLACEHOLDERS[self.name], self.folder)
        missing = sorted(n for n in loaded.placeholders if n not in self.values and n not in self.lists)
        if missing:
            raise wording.WordingError(f"{loaded.path.name}: no value for {', '.join('{' + m + '}' for m in missing)}.")
        out: list[_Printed] = []
        for block in loaded.blocks:
            names = {f for _lit, f, _spec, _conv in string.Formatter().parse(block.text) if f is not None}
            listed = [n for n in names if n in self.lists]
            if listed:
                for item in self.lists[listed[0]]:  # an empty list prints nothing
                    filled = {**self.values, **{n: item for n in listed}}
                    out.append(self._printed("item" if block.kind != "heading" else "heading", block.text, filled))
                continue
            if names and not any(self.values[n].strip() for n in names):
                continue  # every value it needs is empty: the sentence has nothing to say
            out.append(self._printed(block.kind, block.text, self.values))
        # A heading with nothing under it (its only paragraph was empty) goes too; the subject line always stays.
        return [
            b
            for i, b in enumerate(out)
            if i == 0 or b.kind != "heading" or (i + 1 < len(out) and out[i + 1].kind != "heading")
        ]

    @staticmethod
    def _printed(kind: str, text: str, values: Mapping[str, str]) -> _Printed:
        markup = []
        for literal, name, _spec, _conv in string.Formatter().parse(text):
            markup.append(theme.escape(literal))
            if name is not None:
                markup.append(theme.escape(values[name]))
        return _Printed(kind, "".join(markup), text.format_map(values), text)

    def story(self, blocks: Sequence[_Printed], for_post: bool) -> list[Flowable]:
        sheet = theme.stylesheet()
        body = sheet["body"].clone("notice-body", spaceAfter=6)
        subject = body.clone("notice-subject", fontName=theme.FONT_BOLD, fontSize=12, leading=16, spaceAfter=8)
        heading = body.clone(
            "notice-heading", fontName=theme.FONT_BOLD, fontSize=10.5, spaceBefore=8, spaceAfter=3, keepWithNext=1
        )
        item = body.clone("notice-item", leftIndent=6 * mm, bulletIndent=1.5 * mm, spaceAfter=3)
        story: list[Flowable] = []
        for i, block in enumerate(blocks):
            if block.kind == "heading":
                story.append(Paragraph(block.markup, subject if i == 0 else heading))
            elif block.kind == "item":
                story.append(Paragraph(block.markup, item, bulletText="\u2022"))
                if i + 1 < len(blocks) and blocks[i + 1].kind == "paragraph":
                    story.append(Spacer(1, LIST_SPACE_AFTER))
            elif block.source.strip() == "{signature}" and story:
                closing = story.pop()  # the closing words stay on the same page as the name
                gap = Spacer(1, SIGNATURE_SPACE if for_post else 2 * mm)
                story.append(KeepTogether([closing, gap, Paragraph(block.markup, body)]))
            else:
                story.append(Paragraph(block.markup, body))
        return story

    def render(self, page: LetterPage, pagesize: tuple[float, float], subject: str, window: bool = True) -> bytes:
        """On the letter page (``window``: the address in the envelope window), or under a short letterhead."""
        blocks = self.blocks()
        title = next((b.plain for b in blocks if b.kind == "heading"), subject)
        info = theme.DocumentInfo(
            title=title,
            author=page.letterhead.name,
            subject=subject,
            keywords=("personal data breach", self.values["breach_ref"]),
        )
        story = self.story(blocks, page.for_post)
        if window:
            return build_letter_pdf(story, info, page, pagesize)
        head = _short_letterhead(page, theme.frame_width(pagesize))
        return theme.build_pdf([head, Spacer(0, 10 * mm), *story], info, pagesize, page.letterhead.footer)


def _short_letterhead(page: LetterPage, width: float) -> Table:
    """The agency (name, address, contact details) on the left, the date and references on the right."""
    head = page.letterhead
    sheet = theme.stylesheet()
    name = sheet["body"].clone("head-name", fontName=theme.FONT_BOLD, fontSize=12, leading=15, spaceAfter=2)
    small = sheet["small"].clone("head-small", spaceAfter=0)
    details = [*head.address_lines, head.phone, head.email]
    if head.ico_number:
        details.append(f"ICO registration {head.ico_number}")
    left: list[Flowable] = [Paragraph(theme.escape(head.name), name)]
    left += [Paragraph(theme.escape(line), small) for line in details if line.strip()]
    rows = [("Date", format_uk_date(page.dated)), *page.references]
    right = Table(
        [[Paragraph(theme.escape(k), small), Paragraph(theme.escape(v), sheet["body"])] for k, v in rows],
        colWidths=[30 * mm, 40 * mm],
    )
    right.setStyle(theme.table_style(("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)))
    table = Table([[left, right]], colWidths=[width - 70 * mm, 70 * mm])
    table.setStyle(
        theme.table_style(
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ("LINEBELOW", (0, 0), (-1, -1), 0.5, theme.RULE_COLOUR),
        )
    )
    return table
