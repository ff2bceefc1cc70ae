"""CSV import and export of clients, services and invoices.

An import reads the whole file, maps its columns to hartdesk's fields, checks every row and lists every problem
before anything is written; only a file without errors is committed, in one transaction (all or nothing). Warnings
(an email already used by another client) are shown but do not block.

Files: UTF-8 with or without a byte-order mark, UTF-16 with a byte-order mark (Excel's "Unicode text"), or
Windows-1252 (Excel's default "CSV" on a UK Windows PC), detected in that order; comma, semicolon or tab separated.
Exported cells that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return) are
neutralised with a leading apostrophe (OWASP "CSV injection"); the importer removes that apostrophe again.
"""

from __future__ import annotations

import csv
import enum
import io
import re
from collections import Counter as Tally
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from hartdesk.errors import FormError, ValidationError
from hartdesk.fileio import write_atomically
from hartdesk.models import (
    AddressKind,
    Client,
    ClientKind,
    ClientStatus,
    ConsentChange,
    ConsentEvent,
    Contact,
    ContactPoint,
    Invoice,
    InvoiceStatus,
    PointKind,
    Service,
    ServiceKind,
    ServiceStatus,
)
from hartdesk.models.base import utcnow
from hartdesk.register import fields, search
from hartdesk.register.clients import (
    AddressInput,
    ClientInput,
    ContactInput,
    apply_input,
    build_addresses,
    build_contacts,
    validate_client,
)
from hartdesk.register.fields import Problems
from hartdesk.register.references import client_ref, next_number
from hartdesk.register.services import InvoiceInput, ServiceInput, validate_invoice, validate_service
from hartdesk.register.services import apply_input as apply_service
from hartdesk.security import audit

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ROWS = 100_000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
Progress = Callable[[int, int], None]


class CsvError(ValidationError):
    """The file as a whole cannot be imported (encoding, not a CSV file, too big, missing columns...)."""


class ImportKind(enum.StrEnum):
    CLIENTS = "clients"
    SERVICES = "services"
    INVOICES = "invoices"


@dataclass(frozen=True)
class Column:
    key: str
    help: str
    required: bool = False
    aliases: tuple[str, ...] = ()


CLIENT_COLUMNS = (
    Column("reference", "the client's reference (C-00042); filled in on export, ignored on import"),
    Column("type", "organisation or individual (default organisation)", aliases=("kind", "client_type")),
    Column("name", "the client's name (an organisation's or a person's)", True, ("client_name", "company", "client")),
    Column("trading_name", "the name it trades under, if different", aliases=("trading_as",)),
    Column("status", "active, suspended or closed (default active)"),
    Column("contact_name", "the main contact's name (default: the client's name)", aliases=("contact",)),
    Column("contact_role", "the main contact's role", aliases=("role", "position", "job_title")),
    Column("email", "the main contact's email address", aliases=("email_address", "e_mail", "e_mail_address")),
    Column(
        "phone", "the main contact's phone number, in any usual format", aliases=("telephone", "phone_number", "tel")
    ),
    Column("address_line1", "billing address, first line", aliases=("address", "address1", "street")),
    Column("address_line2", "billing address, second line", aliases=("address2",)),
    Column("address_line3", "billing address, third line", aliases=("address3",)),
    Column("town", "town or city", aliases=("city",)),
    Column("county", "county or region", aliases=("region", "state")),
    Column("postcode", "postcode (checked for UK addresses)", aliases=("post_code", "zip", "postal_code")),
    Column("country", "country name or ISO code (default United Kingdom)"),
    Column("vat_number", "UK or EU VAT number", aliases=("vat", "vat_no")),
    Column("payment_reference", "how the client pays, as a reference only — never a card number"),
    Column("customer_centre_ref", "Customer Centre account reference", aliases=("customer_centre", "account")),
    Column("source", "where the data came from"),
    Column("notes", "notes"),
    Column("marketing_consent", "yes if the client agreed to marketing (blank or no: none recorded)"),
    Column("marketing_consent_date", "when marketing consent was given (2026-03-31 or 31/03/2026)"),
    Column("marketing_consent_method", "how it was given (for example: ticked box on the order form)"),
)
SERVICE_COLUMNS = (
    Column("client_reference", "the client's reference (C-00042)", True, ("client_ref", "client", "reference")),
    Column(
        "kind",
        "web hosting, domain registration, email hosting, SSL, backups, CDN, managed CMS or other",
        True,
        ("type", "service"),
    ),
    Column("identifier", "the domain name or plan", True, ("domain", "domain_name")),
    Column("plan", "the plan's name"),
    Column("status", "pending, active, suspended or ended (default active)"),
    Column("start_date", "when it started"),
    Column("renewal_date", "when it renews", aliases=("renewal", "expiry_date", "expires")),
    Column("end_date", "when it ended"),
    Column("operators", "operator names, separated by semicolons", aliases=("operator", "provider")),
    Column("registrant_name", "domains: the registrant's name"),
    Column("registrant_organisation", "domains: the registrant's organisation"),
    Column("registrant_email", "domains: the registrant's email"),
    Column("registrant_phone", "domains: the registrant's phone"),
    Column("registrant_address_line1", "domains: the registrant's address, first line"),
    Column("registrant_town", "domains: the registrant's town"),
    Column("registrant_postcode", "domains: the registrant's postcode"),
    Column("registrant_country", "domains: the registrant's country"),
)
INVOICE_COLUMNS = (
    Column("client_reference", "the client's reference (C-00042)", True, ("client_ref", "client", "reference")),
    Column("number", "the invoice number", True, ("invoice_number", "invoice")),
    Column("date", "the date it was issued", True, ("issued_on", "invoice_date", "issued")),
    Column("amount", "the total in pounds (120.00 or £1,234.50)", True, ("total", "amount_gbp")),
    Column("status", "draft, issued, paid or void (default issued)"),
    Column("billed_name", "the name printed on the invoice (default: the client's name)", aliases=("name",)),
    Column("billed_address", "the address printed on the invoice", aliases=("address",)),
)
COLUMNS = {
    ImportKind.CLIENTS: CLIENT_COLUMNS,
    ImportKind.SERVICES: SERVICE_COLUMNS,
    ImportKind.INVOICES: INVOICE_COLUMNS,
}


# -- reading the file -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CsvTable:
    headers: list[str]
    rows: list[list[str]]  # without the header
    encoding: str
    delimiter: str
    lines: list[int] = field(default_factory=list)  # the line of the file where each row starts


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding's name."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise CsvError("The file says it is UTF-16 text but is not; save it again as CSV (UTF-8).") from None
    if b"\x00" in data:
        raise CsvError("This is not a CSV text file (it contains binary data). Save it from the spreadsheet as CSV.")
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        raise CsvError(
            "The file's text encoding is not UTF-8 or Windows-1252. Save it from the spreadsheet as “CSV UTF-8”."
        ) from None


def read_csv(data: bytes) -> CsvTable:
    if len(data) > MAX_FILE_BYTES:
        raise CsvError(f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; split it into smaller files.")
    text, encoding = decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count) if first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[list[str]] = []
    lines: list[int] = []
    try:
        ended = 0  # a record may span lines (a quoted line break): it starts after the previous one ended
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append(row)
                lines.append(ended + 1)
            ended = reader.line_num
            if len(rows) > MAX_ROWS + 1:
                raise CsvError(f"The file has more than {MAX_ROWS:,} rows; split it into smaller files.")
    except csv.Error as exc:
        where = f"line {reader.line_num}"
        if "field larger than field limit" in str(exc):
            raise CsvError(f"At {where} a cell is too long ({csv.field_size_limit():,} characters at most).") from None
        raise CsvError(f"The file is not valid CSV at {where}: {exc}. Check the quotes in that line.") from None
    if not rows:
        raise CsvError("The file is empty.")
    headers = [h.strip() for h in rows[0]]
    return CsvTable(headers, rows[1:], encoding, delimiter, lines[1:])


def _header_key(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", fields.fold(header)).strip("_")


def guess_mapping(kind: ImportKind, headers: Sequence[str]) -> dict[str, int | None]:
    """For each hartdesk column, the index of the file's column with the same (or a usual) name, if any."""
    keys = [_header_key(h) for h in headers]
    mapping: dict[str, int | None] = {}
    for column in COLUMNS[kind]:
        names = (column.key, *column.aliases)
        mapping[column.key] = next((i for i, k in enumerate(keys) if k in names), None)
    return mapping


# -- checking every row ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    line: int  # the line in the file (the header is line 1)
    column: str  # hartdesk's column key, or "" for the whole row
    message: str
    warning: bool = False


@dataclass
class ImportPlan:
    kind: ImportKind
    items: list[tuple[int, Any]] = field(default_factory=list)  # (line, checked input)
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if not p.warning]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.warning]

    @property
    def ok(self) -> bool:
        return not self.errors


def unneutralise(value: str) -> str:
    """Remove the apostrophe an export put in front of a formula-like cell (see :func:`neutralise`)."""
    return value[1:] if value.startswith("'") and value.lstrip("'").startswith(FORMULA_START) else value


def _cells(row: list[str], mapping: dict[str, int | None]) -> dict[str, str]:
    return {
        key: unneutralise(row[index].strip()) if index is not None and index < len(row) else ""
        for key, index in mapping.items()
    }


def _choice(value: str, enum_cls: type[enum.StrEnum], default: Any, what: str) -> Any:
    if not value:
        return default
    wanted = _header_key(value)
    for member in enum_cls:
        if wanted in {member.value, _header_key(member.label)}:  # type: ignore[attr-defined]
            return member
    synonyms = {"company": ClientKind.ORGANISATION, "person": ClientKind.INDIVIDUAL, "ssl_certificate": ServiceKind.SSL}
    if wanted in synonyms and isinstance(synonyms[wanted], enum_cls):
        return synonyms[wanted]
    choices = ", ".join(m.value.replace("_", " ") for m in enum_cls)
    raise ValidationError(f"“{value}” is not a {what} (use one of: {choices}).")


_CLIENT_KEYS = {
    "contacts.0.name": "contact_name",
    "contacts.0.role": "contact_role",
    "contacts.0.emails.0": "email",
    "contacts.0.phones.0": "phone",
    "addresses.0.line1": "address_line1",
    "addresses.0.line2": "address_line2",
    "addresses.0.line3": "address_line3",
    "addresses.0.town": "town",
    "addresses.0.county": "county",
    "addresses.0.postcode": "postcode",
    "addresses.0.country": "country",
    "registrant_address.line1": "registrant_address_line1",
    "registrant_address.town": "registrant_town",
    "registrant_address.postcode": "registrant_postcode",
    "registrant_address.country": "registrant_country",
}


@dataclass
class ClientRowInput:
    data: ClientInput
    status: ClientStatus
    consent: tuple[Any, str] | None  # (date or None, method)


def _client_row(c: dict[str, str]) -> ClientRowInput:
    problems: dict[str, str] = {}
    try:
        kind = _choice(c["type"], ClientKind, ClientKind.ORGANISATION, "client type")
    except ValidationError as exc:
        problems["type"], kind = exc.message, ClientKind.ORGANISATION
    try:
        status = _choice(c["status"], ClientStatus, ClientStatus.ACTIVE, "client status")
        if status is ClientStatus.ERASED:
            raise ValidationError("Clients cannot be imported as erased.")
    except ValidationError as exc:
        problems["status"], status = exc.message, ClientStatus.ACTIVE
    contacts = []
    if c["contact_name"] or c["email"] or c["phone"] or c["contact_role"]:
        contacts.append(
            ContactInput(
                c["contact_name"] or c["name"],
                c["contact_role"],
                [c["email"]] if c["email"] else [],
                [c["phone"]] if c["phone"] else [],
                True,
            )
        )
    address = AddressInput(
        AddressKind.BILLING,
        c["address_line1"],
        c["address_line2"],
        c["address_line3"],
        c["town"],
        c["county"],
        c["postcode"],
        c["country"] or "GB",
    )
    data = ClientInput(
        name=c["name"],
        kind=kind,
        trading_name=c["trading_name"],
        vat_number=c["vat_number"],
        payment_reference=c["payment_reference"],
        customer_centre_ref=c["customer_centre_ref"],
        source=c["source"],
        notes=c["notes"],
        contacts=contacts,
        addresses=[address],
    )
    try:
        data = validate_client(data)
    except FormError as exc:
        problems.update({_CLIENT_KEYS.get(k, k): m for k, m in exc.problems.items()})
    consent = None
    answer = _header_key(c["marketing_consent"])
    if answer in {"yes", "y", "true", "1", "given"}:
        try:
            when = fields.check_date(c["marketing_consent_date"], "marketing consent date")
            method = fields.clean_text(c["marketing_consent_method"], "way marketing consent was given", 120, True)
            consent = (when, method)
        except ValidationError as exc:
            problems["marketing_consent"] = exc.message
    elif answer not in {"", "no", "n", "false", "0", "none"}:
        problems["marketing_consent"] = f"“{c['marketing_consent']}” is not yes or no."
    if not c["contact_name"] and "name" in problems:
        problems.pop("contact_name", None)  # it was only ever the missing client name
    if problems:
        raise FormError(problems)
    return ClientRowInput(data, status, consent)


_DATES = ("start_date", "renewal_date", "end_date")


def _service_row(session: Session, c: dict[str, str]) -> tuple[str, ServiceInput]:
    problems = Problems()
    kind = problems.check("kind", _choice, c["kind"], ServiceKind, None, "service kind")
    status = problems.check("status", _choice, c["status"], ServiceStatus, ServiceStatus.ACTIVE, "service status")
    if not c["kind"]:
        problems.add("kind", "Enter the kind of service.")
    dates = {key: problems.check(key, fields.check_date, c[key], key.replace("_", " ")) for key in _DATES}
    problems.raise_any()
    address = AddressInput(
        AddressKind.REGISTRANT,
        c["registrant_address_line1"],
        town=c["registrant_town"],
        postcode=c["registrant_postcode"],
        country=c["registrant_country"] or "GB",
    )
    data = ServiceInput(
        kind=kind,
        identifier=c["identifier"],
        plan=c["plan"],
        status=status,
        start_date=dates["start_date"],
        renewal_date=dates["renewal_date"],
        end_date=dates["end_date"],
        operators=[n.strip() for n in c["operators"].split(";") if n.strip()],
        registrant_name=c["registrant_name"],
        registrant_organisation=c["registrant_organisation"],
        registrant_email=c["registrant_email"],
        registrant_phone=c["registrant_phone"],
        registrant_address=None if address.is_blank() else address,
    )
    try:
        data, _ = validate_service(session, data)
    except FormError as exc:
        raise FormError({_CLIENT_KEYS.get(k, k): m for k, m in exc.problems.items()}) from None
    return c["client_reference"].strip().upper(), data


def _invoice_row(c: dict[str, str]) -> tuple[str, InvoiceInput]:
    problems = Problems()
    issued = problems.check("date", fields.check_date, c["date"], "invoice date", True)
    amount = problems.check("amount", fields.parse_pounds, c["amount"])
    status = problems.check("status", _choice, c["status"], InvoiceStatus, InvoiceStatus.ISSUED, "invoice status")
    problems.raise_any()
    data = validate_invoice(
        InvoiceInput(c["number"], issued, amount, status, c["billed_name"] or "-", c["billed_address"])
    )
    if not c["billed_name"]:
        data.billed_name = ""  # filled from the client's name on commit
    return c["client_reference"].strip().upper(), data


def plan_import(
    session: Session,
    kind: ImportKind,
    table: CsvTable,
    mapping: dict[str, int | None],
    progress: Progress | None = None,
) -> ImportPlan:
    """Check every row (nothing is written) and list every problem."""
    plan = ImportPlan(kind, rows=len(table.rows))
    missing = [c.key for c in COLUMNS[kind] if c.required and mapping.get(c.key) is None]
    if missing:
        raise CsvError(f"The file has no column for: {', '.join(missing)}. Choose which column holds it.")
    if len(table.rows) > MAX_ROWS:
        raise CsvError(f"The file has more than {MAX_ROWS:,} rows; split it into smaller files.")
    full = {c.key: mapping.get(c.key) for c in COLUMNS[kind]}
    lines = table.lines or list(range(2, len(table.rows) + 2))
    cells = [(line, _cells(row, full)) for line, row in zip(lines, table.rows, strict=True)]
    known_refs = _known_client_refs(session, kind, [c for _, c in cells])
    for done, (line, c) in enumerate(cells, start=1):
        try:
            if kind is ImportKind.CLIENTS:
                item: Any = _client_row(c)
            elif kind is ImportKind.SERVICES:
                item = _service_row(session, c)
            else:
                item = _invoice_row(c)
        except FormError as exc:
            plan.problems.extend(Problem(line, k, m) for k, m in exc.problems.items())
        except ValidationError as exc:
            plan.problems.append(Problem(line, "", exc.message))
        else:
            if kind is not ImportKind.CLIENTS and item[0] not in known_refs:
                plan.problems.append(Problem(line, "client_reference", f"There is no client {item[0] or '(blank)'}."))
            else:
                plan.items.append((line, item))
        _tick(progress, done, len(cells))
    _check_duplicates(session, plan)
    plan.problems.sort(key=lambda p: (p.line, p.warning))
    return plan


def _known_client_refs(session: Session, kind: ImportKind, cells: list[dict[str, str]]) -> set[str]:
    if kind is ImportKind.CLIENTS:
        return set()
    wanted = {c["client_reference"].strip().upper() for c in cells}
    found: set[str] = set()
    chunk = sorted(wanted)
    for start in range(0, len(chunk), 500):
        found.update(session.scalars(select(Client.ref).where(Client.ref.in_(chunk[start : start + 500]))))
    return found


def _check_duplicates(session: Session, plan: ImportPlan) -> None:
    """Within the file and against the register: account references and invoice numbers are errors, a shared
    email only a warning."""
    if plan.kind is ImportKind.CLIENTS:
        accounts = Tally(i.data.customer_centre_ref.lower() for _, i in plan.items if i.data.customer_centre_ref)
        emails = Tally(e.lower() for _, i in plan.items for c in i.data.contacts for e in c.emails)
        taken_accounts = _existing(session, func.lower(Client.customer_centre_ref), list(accounts))
        taken_emails = _existing(
            session,
            func.lower(ContactPoint.value),
            list(emails),
            ContactPoint.kind == PointKind.EMAIL,
        )
        for line, item in plan.items:
            account = item.data.customer_centre_ref.lower()
            if account and (accounts[account] > 1 or account in taken_accounts):
                where = "another row of this file" if accounts[account] > 1 else "a client already in the register"
                plan.problems.append(
                    Problem(line, "customer_centre_ref", f"The Customer Centre reference is also on {where}.")
                )
            for email in (e.lower() for c in item.data.contacts for e in c.emails):
                if emails[email] > 1 or email in taken_emails:
                    where = "another row of this file" if emails[email] > 1 else "a client already in the register"
                    plan.problems.append(Problem(line, "email", f"{email} is also the email of {where}.", True))
    elif plan.kind is ImportKind.INVOICES:
        numbers = Tally(i.number for _, (_, i) in plan.items)
        taken = _existing(session, Invoice.number, list(numbers))
        for line, (_, invoice) in plan.items:
            if numbers[invoice.number] > 1:
                plan.problems.append(Problem(line, "number", f"Invoice {invoice.number} is on more than one row."))
            elif invoice.number in taken:
                plan.problems.append(Problem(line, "number", f"Invoice {invoice.number} is already in the register."))


def _existing(session: Session, column: Any, values: list[str], *where: Any) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(values), 500):
        found.update(session.scalars(select(column).where(column.in_(values[start : start + 500]), *where)))
    return found


# -- committing -----------------------------------------------------------------------------------------------------


def commit_import(session: Session, actor: str, plan: ImportPlan, progress: Progress | None = None) -> int:
    """Write every row of a checked plan in the caller's transaction; refuse a plan with errors."""
    if not plan.ok:
        raise ValidationError(
            f"The file has {len(plan.errors)} problem(s); nothing was imported. Correct the file and try again."
        )
    total = len(plan.items)
    if plan.kind is ImportKind.CLIENTS:
        _commit_clients(session, actor, plan, progress)
    elif plan.kind is ImportKind.SERVICES:
        _commit_services(session, plan, progress)
    else:
        _commit_invoices(session, plan, progress)
    audit.record(session, actor, f"import.{plan.kind.value}", "", {"rows": total})
    return total


def _commit_clients(session: Session, actor: str, plan: ImportPlan, progress: Progress | None) -> None:
    now = utcnow()
    first = next_number(session, "client", len(plan.items)) if plan.items else 0
    created = []
    for n, (_, item) in enumerate(plan.items):
        data: ClientInput = item.data
        client = Client(
            ref=client_ref(first + n),
            status=item.status,
            status_changed_on=now.date(),
            opened_on=now.date(),
            closed_on=now.date() if item.status is ClientStatus.CLOSED else None,
            created_at=now,
            updated_at=now,
            contacts=build_contacts(data),
            addresses=build_addresses(data),
        )
        apply_input(client, data)
        if item.consent is not None:
            when, method = item.consent
            at = now if when is None else now.replace(year=when.year, month=when.month, day=when.day, hour=12)
            client.consents.append(
                ConsentEvent(change=ConsentChange.GIVEN, at=at, method=method, recorded_by=actor, note="imported")
            )
        session.add(client)
        created.append(client)
        _tick(progress, n + 1, len(plan.items))
    session.flush()
    search.reindex(session, [c.id for c in created])


def _commit_services(session: Session, plan: ImportPlan, progress: Progress | None) -> None:
    from hartdesk.models import Operator

    ids = dict(session.execute(select(Client.ref, Client.id)).all())
    operators = {o.name: o for o in session.scalars(select(Operator))}
    now = utcnow()
    touched = set()
    for n, (_, (ref, data)) in enumerate(plan.items):
        service = Service(client_id=ids[ref], created_at=now)
        apply_service(service, data, [operators[name] for name in data.operators])
        session.add(service)
        touched.add(ids[ref])
        _tick(progress, n + 1, len(plan.items))
    session.flush()
    search.reindex(session, touched)


def _commit_invoices(session: Session, plan: ImportPlan, progress: Progress | None) -> None:
    clients = {c.ref: c for c in session.scalars(select(Client).where(Client.ref.in_({r for _, (r, _) in plan.items})))}
    for n, (_, (ref, data)) in enumerate(plan.items):
        client = clients[ref]
        session.add(
            Invoice(
                client_id=client.id,
                number=data.number,
                issued_on=data.issued_on,
                amount_pence=data.amount_pence,
                status=data.status,
                billed_name=data.billed_name or client.name,
                billed_address=data.billed_address,
            )
        )
        _tick(progress, n + 1, len(plan.items))
    session.flush()


def _tick(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None and (done % 200 == 0 or done == total):
        progress(done, total)


# -- exporting ------------------------------------------------------------------------------------------------------


def neutralise(value: str) -> str:
    """A cell a spreadsheet would run as a formula gets a leading apostrophe (shown as text, never run). A value that
    already starts with apostrophes before a formula character gets one more, so the importer gives it back exactly."""
    return "'" + value if value.lstrip("'").startswith(FORMULA_START) else value


def export_clients(session: Session, path: Path) -> int:
    """Every client, one row each with the primary contact and the billing (or first) address; UTF-8 with a BOM so
    Excel reads the accents. Returns the number of clients written."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.key for c in CLIENT_COLUMNS])
    count = 0
    last_id = 0
    while True:
        batch = session.scalars(
            select(Client)
            .where(Client.id > last_id)
            .order_by(Client.id)
            .limit(1000)
            .options(
                selectinload(Client.contacts).selectinload(Contact.points),
                selectinload(Client.addresses),
                selectinload(Client.consents),
            )
        ).all()
        if not batch:
            break
        for client in batch:
            writer.writerow([neutralise(v) for v in _client_cells(client)])
        count += len(batch)
        last_id = batch[-1].id
        for client in batch:
            session.expunge(client)  # its contacts, addresses and consents go with it
    try:
        write_atomically(path, out.getvalue().encode("utf-8-sig"))
    except OSError as exc:
        raise ValidationError(f"{path} cannot be written: {exc.strerror or exc}.") from None
    return count


def _client_cells(client: Client) -> list[str]:
    contact = next((c for c in client.contacts if c.is_primary), client.contacts[0] if client.contacts else None)
    email = phone = ""
    if contact is not None:
        email = next((p.value for p in contact.points if p.kind is PointKind.EMAIL), "")
        phone = next((fields.format_phone(p.value) for p in contact.points if p.kind is PointKind.PHONE), "")
    own = [a for a in client.addresses if a.kind is not AddressKind.REGISTRANT]
    address = next((a for a in own if a.kind is AddressKind.BILLING), own[0] if own else None)
    marketing = [e for e in client.consents if e.purpose == "marketing"]
    given = marketing[-1] if marketing and marketing[-1].change is ConsentChange.GIVEN else None
    return [
        client.ref,
        client.kind.value,
        client.name,
        client.trading_name,
        client.status.value,
        contact.name if contact else "",
        contact.role if contact else "",
        email,
        phone,
        address.line1 if address else "",
        address.line2 if address else "",
        address.line3 if address else "",
        address.town if address else "",
        address.county if address else "",
        address.postcode if address else "",
        fields.country_name(address.country) if address else "",
        client.vat_number,
        client.payment_reference,
        client.customer_centre_ref or "",
        client.source,
        client.notes,
        "yes" if given else "",
        given.at.date().isoformat() if given else "",
        given.method if given else "",
    ]
